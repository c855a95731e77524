//! Machine-readable notices: an Atom feed (RFC 4287) per unit's public notice board, and an
//! emergency announcement as a CAP 1.2 alert (OASIS Common Alerting Protocol), so that other
//! alerting systems can pick them up. No sign-in; public announcements only.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tuquan_app::announcements as ann;
use tuquan_domain::announcements::AnnouncementId;
use tuquan_domain::announcements::Status;

use crate::error::{Failure, PageError};
use crate::AppState;

/// An attachment as a feed or an alert points at it (`/files/{id}`, served without sign-in
/// while the announcement is public and published).
pub struct Attachment {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-1 of the bytes, hex (CAP 1.2 `<digest>`); empty in the feed.
    pub sha1: String,
}

impl Attachment {
    fn of(f: &tuquan_app::files::FileRecord, sha1: String) -> Self {
        Self {
            id: f.id.get(),
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha1,
        }
    }
}

pub struct Entry {
    pub id: AnnouncementId,
    pub version: i64,
    pub title: String,
    pub body: String,
    pub category: String,
    pub published: String,
    pub updated: String,
    /// Its attachments, as `<link rel="enclosure">`.
    pub files: Vec<Attachment>,
}

#[derive(Template)]
#[template(path = "announcements_feed.xml")]
struct Feed {
    /// The configured public address (no trailing slash) before every link, or empty:
    /// relative links (see `tuquan_app::links`).
    base: String,
    code: String,
    name: String,
    updated: String,
    entries: Vec<Entry>,
}

/// A stored instant (`…000000Z`) as RFC 3339 without fractions.
fn rfc3339(stored: &str) -> String {
    stored
        .parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| stored.to_owned())
}

/// CAP wants the offset spelled out (`+07:00`), never `Z`.
fn cap_time(stored: &str) -> String {
    stored
        .parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned(tuquan_domain::time::vietnam())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_owned())
}

/// The configured public address, or empty (links stay relative).
fn base_of(state: &AppState) -> String {
    state
        .app
        .public_base_url()
        .map(|b| b.as_str().to_owned())
        .unwrap_or_default()
}

fn xml(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn render(t: &impl Template) -> Result<String, PageError> {
    t.render().map_err(|e| {
        tracing::error!(error = %e, "template failed");
        PageError(Failure::Internal)
    })
}

pub(super) async fn feed(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let (unit, list) = ann::board(&state.app, &code).await?;
    let updated = list
        .iter()
        .map(|a| rfc3339(&a.updated_at))
        .max()
        .unwrap_or_else(|| "2025-07-01T00:00:00Z".into());
    let mut entries = Vec::with_capacity(list.len());
    for a in &list {
        let files = ann::public_files(&state.app, a)
            .await?
            .iter()
            .map(|f| Attachment::of(f, String::new()))
            .collect();
        entries.push(Entry {
            id: a.id,
            version: a.version,
            title: a.title.clone(),
            body: a.body.clone(),
            category: a.category.clone(),
            published: rfc3339(&a.published_at),
            updated: rfc3339(&a.updated_at),
            files,
        });
    }
    Ok(xml(render(&Feed {
        base: base_of(&state),
        code: unit.code,
        name: unit.name,
        updated,
        entries,
    })?))
}

#[derive(Template)]
#[template(path = "announcements_cap.xml")]
struct Cap {
    /// As in [`Feed`]: the resources' `<uri>`s start with it.
    base: String,
    /// `<web>`: the announcement's page, only at a configured public address (CAP wants a
    /// full absolute URI there).
    web: Option<String>,
    identifier: String,
    sender: String,
    sent: String,
    msg_type: &'static str,
    references: Option<String>,
    urgency: &'static str,
    event: String,
    headline: String,
    description: String,
    sender_name: String,
    expires: Option<String>,
    /// Its attachments as `<resource>`s with their SHA-1 `<digest>` (none once cancelled).
    resources: Vec<Attachment>,
    area: String,
}

/// An emergency announcement as a CAP 1.2 alert: `Alert` for the first version, `Update`
/// for later ones, `Cancel` once withdrawn (these two reference the first).
pub(super) async fn cap(
    State(state): State<AppState>,
    Path(id): Path<AnnouncementId>,
) -> Result<Response, PageError> {
    let a = &ann::public_alert(&state.app, id).await?;
    let sender = format!("tuquan@{}", a.unit_code);
    let first = format!("tuquan-announcement-{}", a.id);
    let first_sent = cap_time(&a.published_at);
    let (msg_type, sent) = if a.status == Status::Withdrawn {
        ("Cancel", a.withdrawn_at.clone().unwrap_or_default())
    } else if a.version > 1 {
        ("Update", a.updated_at.clone())
    } else {
        ("Alert", a.published_at.clone())
    };
    let resources = if a.status == Status::Published {
        ann::alert_resources(&state.app, a)
            .await?
            .into_iter()
            .map(|(f, sha1)| Attachment::of(&f, sha1))
            .collect()
    } else {
        Vec::new()
    };
    let body = render(&Cap {
        base: base_of(&state),
        web: state
            .app
            .public_base_url()
            .map(|b| b.join(&format!("/announcements/{}", a.id))),
        resources,
        identifier: if msg_type == "Alert" {
            first.clone()
        } else {
            format!("{first}-{}-{}", msg_type.to_lowercase(), a.version)
        },
        references: (msg_type != "Alert").then(|| format!("{sender},{first},{first_sent}")),
        sender,
        sent: cap_time(&sent),
        msg_type,
        urgency: if a.urgency == "immediate" {
            "Immediate"
        } else {
            "Expected"
        },
        event: a.title.clone(),
        headline: a.title.clone(),
        description: a.body.clone(),
        sender_name: a.unit_name.clone(),
        expires: a
            .valid_until
            .as_deref()
            .map(|d| format!("{d}T23:59:59+07:00")),
        area: a.unit_name.clone(),
    })?;
    Ok((
        [(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")],
        body,
    )
        .into_response())
}
