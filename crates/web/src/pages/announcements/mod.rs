//! Pages for announcements, all usable without JavaScript on a 360 px screen: a unit's
//! announcements with the author's form and the head's "waiting to pass on" list, one
//! announcement with the acknowledgement forms (a resident for the household; a head on a
//! household's behalf, with the channel), the per-unit dashboard, the printable list of
//! households not reached, the public notice board, its Atom feed and CAP 1.2 for emergencies.
//! Each handler calls one use case of `tuquan_app::announcements`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use tuquan_app::announcements::{self as ann, AnnouncementRecord};
use tuquan_domain::access::Action;
use tuquan_domain::announcements::AnnouncementId;
use tuquan_domain::announcements::{AckChannel, Category, Status};

use super::common::{choices, see_other, vn_date, Choice, Empty};
use super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/territory/{code}/announcements"),
    ("POST", "/announcements/{id}/pass-on/{code}"),
    ("POST", "/announcements/{id}/acknowledge"),
    ("POST", "/announcements/{id}/acknowledgements"),
    ("POST", "/announcements/{id}/versions"),
    ("POST", "/announcements/{id}/withdraw"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/territory/{code}/announcements",
            get(publish::unit_page).merge(post(publish::publish).layer(
                axum::extract::DefaultBodyLimit::max(crate::files::BODY_LIMIT),
            )),
        )
        .route("/territory/{code}/notices", get(board))
        .route("/territory/{code}/notices.atom", get(feed))
        .route("/announcements/{id}", get(show))
        .route("/announcements/{id}/cap.xml", get(cap))
        .route("/announcements/{id}/pass-on/{code}", post(acts::pass_on))
        .route("/announcements/{id}/acknowledge", post(acknowledge))
        .route(
            "/announcements/{id}/acknowledgements",
            post(acts::on_behalf),
        )
        .route(
            "/announcements/{id}/versions",
            post(publish::edit).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::BODY_LIMIT,
            )),
        )
        .route(
            "/announcements/{id}/withdraw",
            get(acts::confirm_withdraw).post(acts::withdraw),
        )
        .route("/announcements/{id}/units/{code}", get(dashboard))
        .route(
            "/announcements/{id}/units/{code}/not-reached",
            get(not_reached),
        )
        .route(
            "/announcements/{id}/units/{code}/{file}",
            get(printing::not_reached_file),
        )
}

/// One announcement as a list shows it.
pub struct Row {
    pub id: AnnouncementId,
    pub title: String,
    pub category: &'static str,
    pub unit_name: String,
    pub published: String,
    pub withdrawn: bool,
    pub emergency: bool,
}

fn row(lang: Lang, a: &AnnouncementRecord) -> Row {
    Row {
        id: a.id,
        title: a.title.clone(),
        category: lang.t(&format!("ann.category.{}", a.category)),
        unit_name: a.unit_name.clone(),
        published: crate::i18n::local_time(&a.published_at),
        withdrawn: a.status == Status::Withdrawn,
        emergency: a.category == Category::Emergency.as_str(),
    }
}

fn who(state: &AppState, u: MaybeUser, rc: &RequestCtx) -> Result<tuquan_app::Ctx, Failure> {
    let who = u.0.ok_or(Failure::Unauthorized)?;
    Ok(state.ctx(Some(who), rc))
}

pub struct WaitingRow {
    pub id: AnnouncementId,
    pub title: String,
    pub unit_code: String,
    pub unit_name: String,
    pub deadline: String,
    /// The note as typed, after a refusal.
    pub note: String,
}

impl WaitingRow {
    /// The id of its note's control.
    pub fn note_id(&self) -> String {
        format!("note-{}-{}", self.id, self.unit_code)
    }
}

pub struct VersionRow {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub at: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "announcements_show.html")]
struct ShowPage {
    chrome: Chrome,
    a: Row,
    body: String,
    version: i64,
    unit_code: String,
    reason: Option<String>,
    /// When it was withdrawn, in local time.
    withdrawn_at: Option<String>,
    versions: Vec<VersionRow>,
    signed_in: bool,
    may_edit: bool,
    may_behalf: bool,
    channels: Vec<Choice>,
    /// The household number of the on-behalf form, as typed after a refusal.
    behalf_household: String,
    public: bool,
    files: Vec<FileRow>,
    /// The edit form's values (as typed after a refusal) and errors.
    edit_title: String,
    edit_body: String,
    errors: crate::pages::form::FormErrors,
}

/// An attachment as the pages list it.
pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub sha256: String,
    pub image: bool,
}

pub(crate) fn file_rows(files: &[tuquan_app::files::FileRecord]) -> Vec<FileRow> {
    files
        .iter()
        .map(|f| FileRow {
            id: f.id.get(),
            name: f.name.clone(),
            size: if f.size >= 1024 * 1024 {
                format!("{:.1} MB", f.size as f64 / 1024.0 / 1024.0)
            } else {
                format!("{} KB", (f.size + 1023) / 1024)
            },
            sha256: f.sha256.clone(),
            image: f.content_type.starts_with("image/"),
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(u.0, &rc);
    let page = show_view(
        &ctx,
        chrome,
        id,
        crate::pages::form::FormErrors::none(),
        None,
    )
    .await?;
    render(&page)
}

/// The announcement page; `typed` are the edit form's values after a refusal.
async fn show_view(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: AnnouncementId,
    errors: crate::pages::form::FormErrors,
    typed: Option<(String, String)>,
) -> Result<ShowPage, PageError> {
    let d = ann::get(ctx, id).await?;
    let a = &d.announcement;
    let lang = chrome.lang;
    let open = a.status == Status::Published;
    let (edit_title, edit_body) = typed.unwrap_or_else(|| (a.title.clone(), a.body.clone()));
    Ok(ShowPage {
        files: file_rows(&d.files),
        edit_title,
        edit_body,
        errors,
        a: row(lang, a),
        body: a.body.clone(),
        version: a.version,
        unit_code: a.unit_code.clone(),
        reason: a.withdrawn_reason.clone(),
        withdrawn_at: a.withdrawn_at.as_deref().map(crate::i18n::local_time),
        versions: d
            .versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                title: v.title.clone(),
                body: v.body.clone(),
                at: crate::i18n::local_time(&v.created_at),
                by: v.created_by.clone(),
            })
            .collect(),
        signed_in: ctx.actor.is_some() && open,
        may_edit: open
            && ctx
                .authorize(Action::AnnouncementPublish, Some(&a.unit_path))
                .is_ok(),
        may_behalf: open && ctx.may_somewhere(Action::AnnouncementAcknowledgeOnBehalf),
        channels: channel_choices(lang, "in_person"),
        behalf_household: String::new(),
        public: a.public,
        chrome,
    })
}

fn channel_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    choices(
        AckChannel::ALL
            .iter()
            .filter(|c| **c != AckChannel::Online)
            .map(|c| {
                (
                    c.as_str(),
                    lang.t(&format!("ann.channel.{}", c.as_str())).to_owned(),
                )
            }),
        selected,
    )
}

async fn acknowledge(
    State(state): State<AppState>,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = who(&state, u, &rc)?;
    ann::acknowledge_own(&ctx, id).await?;
    Ok(see_other(&format!("/announcements/{id}?done=1"), None))
}

pub struct CountRow {
    pub code: String,
    pub name: String,
    pub acknowledged: i64,
    pub households: i64,
    pub percent: i64,
    pub passed_on: Option<String>,
    pub deadline: Option<String>,
    pub own: bool,
}

#[derive(Template)]
#[template(path = "announcements_dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    id: AnnouncementId,
    title: String,
    version: i64,
    rows: Vec<CountRow>,
    passing: Vec<PassingRow>,
    pending: i64,
    sent: i64,
    failed: i64,
}

async fn dashboard(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
) -> Result<Html<String>, PageError> {
    let ctx = who(&state, u, &rc)?;
    let d = ann::dashboard(&ctx, id, &code).await?;
    let passing = ann::passing(&ctx, id, &code).await?;
    render(&DashboardPage {
        passing: passing.into_iter().map(passing_row).collect(),
        id,
        title: d.announcement.title.clone(),
        version: d.announcement.version,
        rows: d
            .units
            .iter()
            .map(|c| CountRow {
                own: c.unit_code == code,
                code: c.unit_code.clone(),
                name: c.unit_name.clone(),
                acknowledged: c.acknowledged,
                households: c.households,
                percent: (c.acknowledged * 100)
                    .checked_div(c.households)
                    .unwrap_or(0),
                passed_on: c.passed_on_at.as_deref().map(crate::i18n::local_time),
                deadline: c.deadline.as_deref().map(crate::i18n::local_time),
            })
            .collect(),
        pending: d.delivery.pending,
        sent: d.delivery.sent,
        failed: d.delivery.failed,
        chrome,
    })
}

/// A unit's passing on as the author sees it, its subtree rolled up.
pub struct PassingRow {
    pub name: String,
    pub at: Option<String>,
    pub by: String,
    pub note: String,
    pub units: i64,
    pub passed: i64,
    pub late: i64,
}

fn passing_row(r: ann::PassingRecord) -> PassingRow {
    PassingRow {
        name: r.unit_name,
        at: r.passed_on_at.as_deref().map(crate::i18n::local_time),
        by: r.passed_on_by.unwrap_or_default(),
        note: r.note.unwrap_or_default(),
        units: r.units,
        passed: r.units_passed_on,
        late: r.units_late,
    }
}

pub struct HouseholdRow {
    pub id: tuquan_domain::HouseholdId,
    pub unit_name: String,
    pub address: String,
    pub representative: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "announcements_not_reached.html")]
struct NotReachedPage {
    chrome: Chrome,
    id: AnnouncementId,
    code: String,
    title: String,
    rows: Vec<HouseholdRow>,
    may_behalf: bool,
    channels: Vec<Choice>,
}

async fn not_reached(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
) -> Result<Html<String>, PageError> {
    let ctx = who(&state, u, &rc)?;
    let (a, rows) = ann::not_reached(&ctx, id, &code).await?;
    let lang = chrome.lang;
    render(&NotReachedPage {
        id,
        title: a.title.clone(),
        rows: rows
            .into_iter()
            .map(|r| HouseholdRow {
                id: r.household_id,
                unit_name: r.unit_name,
                address: r.address,
                representative: r.representative_name,
                phone: r.phone.unwrap_or_default(),
            })
            .collect(),
        may_behalf: a.status == Status::Published
            && ctx.may_somewhere(Action::AnnouncementAcknowledgeOnBehalf),
        channels: channel_choices(lang, "in_person"),
        code,
        chrome,
    })
}

pub struct BoardRow {
    pub row: Row,
    pub body: String,
    pub valid_until: Option<String>,
    /// Its attachments (a public announcement's files are public too).
    pub files: Vec<FileRow>,
}

#[derive(Template)]
#[template(path = "announcements_board.html")]
struct BoardPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<BoardRow>,
    /// Drafts open for comments at the unit (consultations).
    consultations: Vec<crate::pages::consultations::Row>,
}

/// The public notice board: no sign-in, public announcements only.
async fn board(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let (unit, list) = ann::board(&state.app, &code).await?;
    let lang = chrome.lang;
    let consultations = tuquan_app::consultations::on_board(&state.app, &code)
        .await?
        .iter()
        .map(|c| crate::pages::consultations::row(lang, c))
        .collect();
    let mut rows = Vec::with_capacity(list.len());
    for a in &list {
        rows.push(BoardRow {
            row: row(lang, a),
            body: a.body.clone(),
            valid_until: a.valid_until.as_deref().map(vn_date),
            files: file_rows(&ann::public_files(&state.app, a).await?),
        });
    }
    render(&BoardPage {
        consultations,
        code: unit.code.clone(),
        name: unit.name.clone(),
        list: rows,
        chrome,
    })
}

mod acts;
mod feeds;
mod printing;
mod publish;
use feeds::{cap, feed};
