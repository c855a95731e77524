//! The attendance page: the quorum as it fills, a search (without accents, or a row's short
//! code), one button per household to mark it present, and a form for the paper sheet or a
//! proxy (with the name of who came).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::meetings::{self as meet, RollRow};
use tuquan_domain::meetings::{AttendanceInput, AttendeeKind, MeetingStatus};
use tuquan_domain::MeetingId;

use super::super::common::{choices, see_other, Choice, Empty};
use super::super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::extract::query;
use crate::AppState;

pub struct RollLine {
    pub row_no: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub present: bool,
    pub who: String,
    /// The proxy's written authorisation: (download link, SHA-256).
    pub proxy_file: Option<(String, String)>,
}

fn line(lang: crate::i18n::Lang, r: &RollRow) -> RollLine {
    let who = match (&r.attendee_kind, &r.attendee_name) {
        (Some(k), Some(n)) => format!("{} · {n}", lang.t(&format!("meet.attendee.{k}"))),
        (Some(k), None) => lang.t(&format!("meet.attendee.{k}")).to_owned(),
        _ => String::new(),
    };
    RollLine {
        row_no: r.row_no,
        code: r.code.clone(),
        name: r.name.clone(),
        address: r.address.clone(),
        present: r.present(),
        who,
        proxy_file: r.proxy_file_id.map(|f| {
            (
                format!("/files/{f}"),
                r.proxy_sha256.clone().unwrap_or_default(),
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "meetings_attendance.html")]
struct AttendancePage {
    chrome: Chrome,
    id: MeetingId,
    title: String,
    q: String,
    rows: Vec<RollLine>,
    present: u32,
    total: u32,
    needed: u32,
    pct: u32,
    met: bool,
    by_household: bool,
    clusters: Vec<(i64, i64)>,
    cluster_count: i64,
    may_record: bool,
    kinds: Vec<Choice>,
    error: Option<String>,
    unit_code: String,
}

#[derive(Deserialize)]
pub(super) struct SearchQuery {
    q: Option<String>,
    error: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let v = meet::attendance(&ctx, id, q.q.as_deref()).await?;
    let lang = chrome.lang;
    let m = &v.meeting;
    render(&AttendancePage {
        id,
        title: m.title.clone(),
        q: q.q.clone().unwrap_or_default(),
        rows: v.rows.iter().map(|r| line(lang, r)).collect(),
        present: v.quorum.present,
        total: v.quorum.total,
        needed: v.quorum.needed,
        pct: v.quorum.pct,
        met: v.quorum.met,
        by_household: v.quorum.by_household,
        clusters: v.quorum.clusters.clone(),
        cluster_count: m.clusters,
        may_record: v.may_manage && m.status != MeetingStatus::Cancelled,
        kinds: choices(
            AttendeeKind::ALL.iter().map(|k| {
                (
                    k.as_str(),
                    lang.t(&format!("meet.attendee.{}", k.as_str())).to_owned(),
                )
            }),
            "representative",
        ),
        error: q.error.map(|e| lang.t(&format!("rule.{e}")).to_owned()),
        unit_code: m.unit_code.clone(),
        chrome,
    })
}

/// Marks a row present: a url-encoded form (one tap per row) or the multipart form with the
/// proxy's photographed written authorisation.
pub(super) async fn record(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let mut f = crate::files::read_page_form(req, &state, &[meet::PROXY_FIELD]).await?;
    let ctx = state.ctx(Some(who), &rc);
    let input = AttendanceInput {
        code: f.opt("code").map(|s| s.trim().to_owned()),
        kind: f.opt("kind").map(|s| s.trim().to_owned()),
        name: f.opt("name").map(|s| s.trim().to_owned()),
        cluster: f.opt("cluster").map(|c| c.trim().parse().unwrap_or(0)),
        source: f.opt("source").map(|s| s.trim().to_owned()),
        ..Default::default()
    };
    let q = f.text("q");
    let back = |extra: &str| {
        let q: String = url_encode(&q);
        format!("/meetings/{id}/attendance?q={q}{extra}#roll")
    };
    let result = if f.too_large {
        Err(tuquan_app::AppError::Invalid(
            tuquan_domain::FieldError::new(
                meet::PROXY_FIELD,
                tuquan_domain::FieldErrorKind::TooLong {
                    max: tuquan_domain::files::MAX_FILE_BYTES,
                },
                "too large",
            ),
        ))
    } else {
        let file = f.take_files(meet::PROXY_FIELD).into_iter().next();
        meet::record_with_proxy(&ctx, id, &input, file.as_ref()).await
    };
    match result {
        Ok(_) => Ok(see_other(&back(""), None)),
        // A code not on the roll or a proxy without a name: back to the page, saying so.
        Err(tuquan_app::AppError::Rule { code, .. }) => {
            Ok(see_other(&back(&format!("&error={code}")), None))
        }
        Err(tuquan_app::AppError::Invalid(e)) => Ok(see_other(
            &back(&format!("&error=meeting_attend_{}", e.field)),
            None,
        )),
        Err(tuquan_app::AppError::InvalidFields(e)) => Ok(see_other(
            &back(&format!(
                "&error=meeting_attend_{}",
                e.first().map_or("code", |e| e.field)
            )),
            None,
        )),
        Err(e) => Err(e.into()),
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) async fn remove(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code)): Path<(MeetingId, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    meet::unrecord(&ctx, id, &code).await?;
    Ok(see_other(&format!("/meetings/{id}/attendance#roll"), None))
}
