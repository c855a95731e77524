//! Pages for consultations on a draft document, usable without JavaScript at 360 px: a
//! unit's consultations (public once opened), the form to write or edit a draft, one
//! consultation with its articles (and, for a resident, the comment form per article),
//! opening and closing (with confirmation), the head's paper-form entry (with a household
//! picker), the staff's list of comments, the summary and the printable documents. The lists
//! are paged with a cursor. Each handler calls one use case of `tuquan_app::consultations`.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::consultations::{self as app, ConsultationRecord};
use tuquan_domain::consultations::{ConsultationId, ConsultationInput, Kind, Status};

use super::common::{choices, confirm, see_other, vn_date, Ask, Choice, Empty};
use super::form::{rerender, FormErrors};
use super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::query;
use crate::i18n::Lang;
use crate::AppState;

mod comments;
mod paper;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/territory/{code}/consultations"),
    ("POST", "/consultations/{id}/edit"),
    ("POST", "/consultations/{id}/open"),
    ("POST", "/consultations/{id}/close"),
    ("POST", "/consultations/{id}/comments"),
    ("POST", "/consultations/{id}/paper"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/territory/{code}/consultations",
            get(unit_page).post(create),
        )
        .route("/territory/{code}/consultations/new", get(new_page))
        .route("/consultations/{id}", get(comments::show))
        .route("/consultations/{id}/edit", get(edit_page).post(edit))
        .route("/consultations/{id}/open", post(set_status::<OPEN>))
        .route(
            "/consultations/{id}/close",
            get(close_page).post(set_status::<CLOSE>),
        )
        .route(
            "/consultations/{id}/comments",
            get(comments::list).post(comments::comment),
        )
        .route(
            "/consultations/{id}/paper",
            get(paper::paper_page).post(paper::paper),
        )
        .route("/consultations/{id}/summary", get(comments::summary))
        .route("/consultations/{id}/files/{file}", get(comments::file))
}

/// One consultation as a list shows it.
pub struct Row {
    pub id: ConsultationId,
    pub title: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub open: bool,
    pub period: String,
}

pub(crate) fn row(lang: Lang, c: &ConsultationRecord) -> Row {
    Row {
        id: c.id,
        title: c.title.clone(),
        kind: lang.t(&format!("consult.kind.{}", c.kind.as_str())),
        status: lang.t(&format!("consult.status.{}", c.status.as_str())),
        open: c.status == Status::Open,
        period: format!("{} – {}", vn_date(&c.opens_on), vn_date(&c.closes_on)),
    }
}

fn signed_in(state: &AppState, u: MaybeUser, rc: &RequestCtx) -> Result<tuquan_app::Ctx, Failure> {
    let who = u.0.ok_or(Failure::Unauthorized)?;
    Ok(state.ctx(Some(who), rc))
}

/// The consultation, for a reader who may manage it (403 for anyone else).
async fn managed(
    state: &AppState,
    u: MaybeUser,
    rc: &RequestCtx,
    id: ConsultationId,
) -> Result<app::ConsultationDetail, PageError> {
    let ctx = signed_in(state, u, rc)?;
    let d = app::get(&ctx, id).await?;
    if !d.may_manage {
        return Err(Failure::Forbidden.into());
    }
    Ok(d)
}

#[derive(Template)]
#[template(path = "consultations_unit.html")]
struct UnitPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<Row>,
    may_manage: bool,
    next_href: Option<String>,
    first_href: Option<String>,
}

/// A paged list's query: `cursor` is the `next_cursor` of the page before.
#[derive(Deserialize)]
struct PageQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

impl PageQuery {
    /// The links of the list at `base`: to the page after `next` (if any) and back to the
    /// first (unless this is it), keeping a `limit` that was given.
    fn links(&self, base: &str, next: Option<&str>) -> (Option<String>, Option<String>) {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let limit = given(&self.limit);
        let href = |cursor: Option<&str>| {
            let pairs: Vec<(&str, &str)> = [("cursor", cursor), ("limit", limit)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
            match serde_urlencoded::to_string(&pairs).unwrap_or_default() {
                s if s.is_empty() => base.to_owned(),
                s => format!("{base}?{s}"),
            }
        };
        let first = given(&self.cursor).map(|_| href(None));
        (next.map(|c| href(Some(c))), first)
    }
}

/// A unit's consultations, newest first, a page at a time (a malformed `cursor` or `limit`
/// is a 400 naming it).
async fn unit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query(q)?;
    let ctx = state.ctx(u.0, &rc);
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    let page = app::at_unit(&ctx, &code, q.cursor.as_deref(), q.limit.as_deref()).await?;
    let lang = chrome.lang;
    let base = format!("/territory/{}/consultations", unit.code);
    let (next_href, first_href) = q.links(&base, page.next_cursor.as_deref());
    render(&UnitPage {
        code: unit.code.clone(),
        name: unit.name.clone(),
        list: page.items.iter().map(|c| row(lang, c)).collect(),
        may_manage: page.may_manage,
        next_href,
        first_href,
        chrome,
    })
}

/// The draft's fields as typed.
#[derive(Deserialize, Default, Clone)]
struct DraftForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
}

impl DraftForm {
    fn input(&self) -> ConsultationInput {
        ConsultationInput {
            title: self.title.clone(),
            kind: self.kind.clone(),
            text: self.text.clone(),
            opens_on: Some(self.opens_on.clone()),
            closes_on: Some(self.closes_on.clone()),
        }
    }
}

#[derive(Template)]
#[template(path = "consultations_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: &'static str,
    action: String,
    back: String,
    unit_name: String,
    form: DraftForm,
    kinds: Vec<Choice>,
    errors: FormErrors,
}

fn form_page(
    chrome: Chrome,
    (heading, action, back, unit_name): (&'static str, String, String, String),
    form: DraftForm,
    errors: FormErrors,
) -> FormPage {
    let lang = chrome.lang;
    let kinds = choices(
        Kind::ALL.iter().map(|k| {
            (
                k.as_str(),
                lang.t(&format!("consult.kind.{}", k.as_str())).to_owned(),
            )
        }),
        if form.kind.is_empty() {
            "huong_uoc"
        } else {
            &form.kind
        },
    );
    FormPage {
        heading,
        action,
        back,
        unit_name,
        form,
        kinds,
        errors,
        chrome,
    }
}

async fn new_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    ctx.authorize(
        tuquan_domain::access::Action::ConsultationManage,
        Some(&unit.path),
    )?;
    let today = ctx.today();
    let form = DraftForm {
        opens_on: today.to_string(),
        closes_on: today
            .checked_add(
                jiff::Span::new().days(tuquan_domain::consultations::CONVENTION_POSTING_DAYS),
            )
            .map(|d| d.to_string())
            .unwrap_or_default(),
        ..DraftForm::default()
    };
    let target = (
        "consult.new",
        format!("/territory/{}/consultations", unit.code),
        format!("/territory/{}/consultations", unit.code),
        unit.name.clone(),
    );
    render(&form_page(chrome, target, form, FormErrors::none()))
}

async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<DraftForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    match app::create(&ctx, &code, &f.input()).await {
        Ok(id) => Ok(see_other(&format!("/consultations/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let target = (
                "consult.new",
                format!("/territory/{}/consultations", unit.code),
                format!("/territory/{}/consultations", unit.code),
                unit.name.clone(),
            );
            rerender(e, lang, |errors| form_page(chrome, target, f, errors))
        }
    }
}

fn draft_of(c: &ConsultationRecord) -> DraftForm {
    DraftForm {
        title: c.title.clone(),
        kind: c.kind.as_str().to_owned(),
        text: c.body.clone(),
        opens_on: c.opens_on.clone(),
        closes_on: c.closes_on.clone(),
    }
}

fn edit_target(c: &ConsultationRecord) -> (&'static str, String, String, String) {
    (
        "consult.edit",
        format!("/consultations/{}/edit", c.id),
        format!("/consultations/{}", c.id),
        c.unit_name.clone(),
    )
}

async fn edit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Html<String>, PageError> {
    let d = managed(&state, u, &rc, id).await?;
    let c = &d.consultation;
    render(&form_page(
        chrome,
        edit_target(c),
        draft_of(c),
        FormErrors::none(),
    ))
}

async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    CsrfForm(f): CsrfForm<DraftForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::edit(&ctx, id, &f.input()).await {
        Ok(()) => Ok(see_other(&format!("/consultations/{id}"), None)),
        Err(e) => {
            let d = app::get(&ctx, id).await?;
            let lang = chrome.lang;
            let target = edit_target(&d.consultation);
            rerender(e, lang, |errors| form_page(chrome, target, f, errors))
        }
    }
}

/// [`set_status`] opening: the draft is posted.
const OPEN: bool = true;
/// [`set_status`] closing: no more comments.
const CLOSE: bool = false;

/// Opens the consultation (then shows it) or closes it (then shows its summary).
async fn set_status<const TO_OPEN: bool>(
    State(state): State<AppState>,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let to = if TO_OPEN {
        app::open(&ctx, id).await?;
        format!("/consultations/{id}")
    } else {
        app::close(&ctx, id).await?;
        format!("/consultations/{id}/summary")
    };
    Ok(see_other(&to, None))
}

async fn close_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Html<String>, PageError> {
    let d = managed(&state, u, &rc, id).await?;
    confirm(
        chrome,
        Ask {
            title: "consult.close",
            button: "consult.close",
            question: "consult.close_question",
            vars: &[("title", &d.consultation.title)],
            action: format!("/consultations/{id}/close"),
            back: format!("/consultations/{id}"),
        },
    )
}
