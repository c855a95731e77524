//! Pages for police and militia beats (docs/beats.md), usable without JavaScript at 360 px:
//! a commune's beats, the form to create or edit one, a beat with its units (the form to add
//! a whole unit, ending one with its date), ending a beat; the alignment report, the militia
//! heads and carrying beats after a restructuring are in [`report`]. Each handler calls one
//! use case of `tuquan_app::restructuring::beats`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::restructuring::beats::{self as app, BeatRecord};
use tuquan_domain::restructuring::beats::BeatInput;

use super::super::common::{choices, see_other, vn_date, Choice};
use super::super::form::{rerender, FormErrors};
use super::super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::AppState;

mod report;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/communes/{code}/beats"),
    ("POST", "/beats/{id}/edit"),
    ("POST", "/beats/{id}/end"),
    ("POST", "/beats/{id}/units"),
    ("POST", "/beat-units/{id}/end"),
    ("POST", "/communes/{code}/militia"),
    ("POST", "/militia/{id}/end"),
    ("POST", "/communes/{code}/beats/carry"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/communes/{code}/beats", get(list).post(create))
        .route("/communes/{code}/beats/new", get(new_page))
        .route("/beats/{id}", get(show))
        .route("/beats/{id}/edit", get(edit_page).post(edit))
        .route("/beats/{id}/end", get(end_page).post(end))
        .route("/beats/{id}/units", post(assign))
        .route("/beat-units/{id}/end", get(end_unit_page).post(end_unit))
        .merge(report::router())
}

pub(super) fn signed_in(
    state: &AppState,
    u: MaybeUser,
    rc: &RequestCtx,
) -> Result<tuquan_app::Ctx, Failure> {
    let who = u.0.ok_or(Failure::Unauthorized)?;
    Ok(state.ctx(Some(who), rc))
}

/// A beat as lists show it.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub officer: String,
    pub period: String,
    pub open: bool,
}

fn period(from: &str, to: Option<&str>) -> String {
    match to {
        Some(t) => format!("{} – {}", vn_date(from), vn_date(t)),
        None => format!("{} –", vn_date(from)),
    }
}

fn row(b: &BeatRecord) -> Row {
    let officer = match &b.officer_username {
        Some(u) => format!("{} ({u})", b.officer_name),
        None => b.officer_name.clone(),
    };
    Row {
        id: b.id,
        name: b.name.clone(),
        officer,
        period: period(&b.valid_from, b.valid_to.as_deref()),
        open: b.valid_to.is_none(),
    }
}

#[derive(Template)]
#[template(path = "beats_list.html")]
struct ListPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<Row>,
    may_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let (commune, beats, may_manage) = app::beats_of(&ctx, &code).await?;
    render(&ListPage {
        code: commune.code.clone(),
        name: commune.name.clone(),
        list: beats.iter().map(row).collect(),
        may_manage,
        chrome,
    })
}

/// A beat's fields as typed.
#[derive(Deserialize, Default, Clone)]
struct BeatForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    officer_username: String,
    #[serde(default)]
    officer_name: String,
    #[serde(default)]
    officer_phone: String,
    #[serde(default)]
    valid_from: String,
}

impl BeatForm {
    fn input(&self) -> BeatInput {
        BeatInput {
            name: self.name.clone(),
            officer_username: self.officer_username.clone(),
            officer_name: self.officer_name.clone(),
            officer_phone: self.officer_phone.clone(),
            valid_from: self.valid_from.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "beats_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: &'static str,
    action: String,
    back: String,
    place: String,
    form: BeatForm,
    /// Editing: the first day is not changed.
    editing: bool,
    errors: FormErrors,
}

async fn new_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let (commune, _, may_manage) = app::beats_of(&ctx, &code).await?;
    if !may_manage {
        return Err(Failure::Forbidden.into());
    }
    let form = BeatForm {
        valid_from: ctx.today().to_string(),
        ..BeatForm::default()
    };
    render(&FormPage {
        heading: "beats.new",
        action: format!("/communes/{code}/beats"),
        back: format!("/communes/{code}/beats"),
        place: commune.name,
        form,
        editing: false,
        errors: FormErrors::none(),
        chrome,
    })
}

async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<BeatForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::create_beat(&ctx, &code, &f.input()).await {
        Ok(id) => Ok(see_other(&format!("/beats/{id}"), None)),
        Err(e) => {
            let (commune, _, _) = app::beats_of(&ctx, &code).await?;
            let lang = chrome.lang;
            rerender(e, lang, |errors| FormPage {
                heading: "beats.new",
                action: format!("/communes/{code}/beats"),
                back: format!("/communes/{code}/beats"),
                place: commune.name,
                form: f,
                editing: false,
                errors,
                chrome,
            })
        }
    }
}

fn form_of(b: &BeatRecord) -> BeatForm {
    BeatForm {
        name: b.name.clone(),
        officer_username: b.officer_username.clone().unwrap_or_default(),
        officer_name: b.officer_name.clone(),
        officer_phone: b.officer_phone.clone(),
        valid_from: b.valid_from.clone(),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let d = app::beat(&ctx, id).await?;
    if !d.may_manage {
        return Err(Failure::Forbidden.into());
    }
    render(&FormPage {
        heading: "beats.edit",
        action: format!("/beats/{id}/edit"),
        back: format!("/beats/{id}"),
        place: d.commune.name.clone(),
        form: form_of(&d.beat),
        editing: true,
        errors: FormErrors::none(),
        chrome,
    })
}

async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<BeatForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let d = app::beat(&ctx, id).await?;
    let f = BeatForm {
        valid_from: d.beat.valid_from.clone(),
        ..f
    };
    match app::edit_beat(&ctx, id, &f.input()).await {
        Ok(()) => Ok(see_other(&format!("/beats/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            rerender(e, lang, |errors| FormPage {
                heading: "beats.edit",
                action: format!("/beats/{id}/edit"),
                back: format!("/beats/{id}"),
                place: d.commune.name.clone(),
                form: f,
                editing: true,
                errors,
                chrome,
            })
        }
    }
}

/// A unit of the beat as its page lists it.
pub struct UnitRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub period: String,
    pub open: bool,
    pub granted: bool,
    pub carried: bool,
}

#[derive(Deserialize, Default, Clone)]
struct AssignForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    valid_from: String,
}

#[derive(Template)]
#[template(path = "beats_show.html")]
struct ShowPage {
    chrome: Chrome,
    beat: Row,
    commune_code: String,
    commune_name: String,
    officer_phone: String,
    has_account: bool,
    units: Vec<UnitRow>,
    may_manage: bool,
    choices: Vec<Choice>,
    form: AssignForm,
    errors: FormErrors,
}

async fn show_page(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: i64,
    form: AssignForm,
    errors: FormErrors,
) -> Result<ShowPage, PageError> {
    let d = app::beat(ctx, id).await?;
    let units = d
        .assignments
        .iter()
        .map(|a| UnitRow {
            id: a.id,
            code: a.unit_code.clone(),
            name: a.unit_name.clone(),
            period: period(&a.valid_from, a.valid_to.as_deref()),
            open: a.valid_to.is_none(),
            granted: a.valid_to.is_none() && a.grant_id.is_some(),
            carried: a.event_id.is_some(),
        })
        .collect();
    let choices = choices(
        d.choices.iter().map(|(c, n)| (c.as_str(), n.clone())),
        &form.unit_code,
    );
    Ok(ShowPage {
        beat: row(&d.beat),
        commune_code: d.commune.code.clone(),
        commune_name: d.commune.name.clone(),
        officer_phone: d.beat.officer_phone.clone(),
        has_account: d.beat.officer_user_id.is_some(),
        units,
        may_manage: d.may_manage,
        choices,
        form,
        errors,
        chrome,
    })
}

async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let form = AssignForm {
        valid_from: ctx.today().to_string(),
        ..AssignForm::default()
    };
    render(&show_page(&ctx, chrome, id, form, FormErrors::none()).await?)
}

async fn assign(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AssignForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::assign_unit(&ctx, id, &f.unit_code, &f.valid_from).await {
        Ok(_) => Ok(see_other(&format!("/beats/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let failure: Failure = e.into();
            let Some((status, errors)) = FormErrors::from_failure(&failure, lang) else {
                return Err(PageError(failure));
            };
            let page = show_page(&ctx, chrome, id, f, errors).await?;
            Ok(axum::response::IntoResponse::into_response((
                status,
                render(&page)?,
            )))
        }
    }
}

/// The last day of something, as typed.
#[derive(Deserialize, Default, Clone)]
pub(super) struct EndForm {
    #[serde(default)]
    pub valid_to: String,
}

#[derive(Template)]
#[template(path = "beats_end.html")]
pub(super) struct EndPage {
    pub chrome: Chrome,
    pub title: &'static str,
    pub question: String,
    pub action: String,
    pub back: String,
    pub form: EndForm,
    pub errors: FormErrors,
}

async fn end_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let d = app::beat(&ctx, id).await?;
    if !d.may_manage {
        return Err(Failure::Forbidden.into());
    }
    let lang = chrome.lang;
    render(&EndPage {
        title: "beats.end",
        question: lang.t("beats.end_question").replace("{name}", &d.beat.name),
        action: format!("/beats/{id}/end"),
        back: format!("/beats/{id}"),
        form: EndForm {
            valid_to: ctx.today().to_string(),
        },
        errors: FormErrors::none(),
        chrome,
    })
}

async fn end(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::end_beat(&ctx, id, &f.valid_to).await {
        Ok(()) => Ok(see_other(&format!("/beats/{id}"), None)),
        Err(e) => {
            let d = app::beat(&ctx, id).await?;
            let lang = chrome.lang;
            rerender(e, lang, |errors| EndPage {
                title: "beats.end",
                question: lang.t("beats.end_question").replace("{name}", &d.beat.name),
                action: format!("/beats/{id}/end"),
                back: format!("/beats/{id}"),
                form: f,
                errors,
                chrome,
            })
        }
    }
}

async fn end_unit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let page = end_unit_form(&ctx, chrome, id, None).await?;
    render(&page)
}

/// The page ending assignment `id` (its beat must be one the actor manages).
async fn end_unit_form(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: i64,
    typed: Option<(EndForm, FormErrors)>,
) -> Result<EndPage, PageError> {
    let beat_id = app::assignment_beat(ctx, id).await?;
    let d = app::beat(ctx, beat_id).await?;
    let a = d
        .assignments
        .iter()
        .find(|a| a.id == id)
        .ok_or(PageError(Failure::NotFound))?;
    if !d.may_manage {
        return Err(Failure::Forbidden.into());
    }
    let lang = chrome.lang;
    let (form, errors) = typed.unwrap_or_else(|| {
        (
            EndForm {
                valid_to: ctx.today().to_string(),
            },
            FormErrors::none(),
        )
    });
    Ok(EndPage {
        title: "beats.end_unit",
        question: lang
            .t("beats.end_unit_question")
            .replace("{unit}", &a.unit_name)
            .replace("{name}", &d.beat.name),
        action: format!("/beat-units/{id}/end"),
        back: format!("/beats/{beat_id}"),
        form,
        errors,
        chrome,
    })
}

async fn end_unit(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::end_assignment(&ctx, id, &f.valid_to).await {
        Ok(beat) => Ok(see_other(&format!("/beats/{beat}"), None)),
        Err(e) => {
            let failure: Failure = e.into();
            let Some((status, errors)) = FormErrors::from_failure(&failure, chrome.lang) else {
                return Err(PageError(failure));
            };
            let page = end_unit_form(&ctx, chrome, id, Some((f, errors))).await?;
            Ok(axum::response::IntoResponse::into_response((
                status,
                render(&page)?,
            )))
        }
    }
}
