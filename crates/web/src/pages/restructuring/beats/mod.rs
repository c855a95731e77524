//! Pages for police and militia beats (docs/beats.md), usable without JavaScript at 360 px:
//! a commune's beats, the form to create or edit one, a beat with its units (the form to add
//! a whole unit, ending one with its date), ending a beat; the alignment report, the militia
//! heads and carrying beats after a restructuring are in [`report`]. Each handler calls one
//! use case of `tuquan_app::restructuring::beats`.

use std::future::Future;

use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::restructuring::beats::{self as app, BeatDetail, BeatRecord};
use tuquan_app::{AppResult, Ctx};
use tuquan_domain::restructuring::beats::{BeatAssignmentId, BeatId, BeatInput};
use tuquan_domain::territory::Unit;

use super::super::common::{choices, fill, see_other, vn_date, Choice};
use super::super::form::FormErrors;
use super::super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
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

/// Who is asking, as the context of a use case once signed in. Extracting it refuses
/// nothing, so the path and the form (its CSRF token) are checked first as before; the
/// handler then asks [`Who::ctx`], which refuses a visitor who is not signed in.
pub(super) struct Who(Option<Ctx>);

impl FromRequestParts<AppState> for Who {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let MaybeUser(who) = MaybeUser::from_request_parts(parts, state).await?;
        let Ok(rc) = RequestCtx::from_request_parts(parts, state).await;
        Ok(Self(who.map(|who| state.ctx(Some(who), &rc))))
    }
}

impl Who {
    pub(super) fn ctx(self) -> Result<Ctx, Failure> {
        self.0.ok_or(Failure::Unauthorized)
    }
}

/// The answer to a form's POST: on success a redirect to `done`'s address; else the form
/// again (`again` builds it) with the errors beside its fields and the failure's status, or
/// the failure's own page when it is not about the form.
pub(super) async fn answer<T, P: Template, F: Future<Output = Result<P, PageError>>>(
    result: AppResult<T>,
    lang: Lang,
    done: impl FnOnce(T) -> String,
    again: impl FnOnce(FormErrors) -> F,
) -> Result<Response, PageError> {
    match result {
        Ok(v) => Ok(see_other(&done(v), None)),
        Err(e) => {
            let failure: Failure = e.into();
            let Some((status, errors)) = FormErrors::from_failure(&failure, lang) else {
                return Err(PageError(failure));
            };
            Ok((status, render(&again(errors).await?)?).into_response())
        }
    }
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
        id: b.id.get(),
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
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let (commune, beats, may_manage) = app::beats_of(&who.ctx()?, &code).await?;
    render(&ListPage {
        code: commune.code,
        name: commune.name,
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

/// The beat form: a new beat of `commune`, or (`editing`) a change to that beat.
fn form_page(
    chrome: Chrome,
    commune: &Unit,
    editing: Option<BeatId>,
    form: BeatForm,
    errors: FormErrors,
) -> FormPage {
    let (heading, action, back) = match editing {
        None => {
            let list = format!("/communes/{}/beats", commune.code);
            ("beats.new", list.clone(), list)
        }
        Some(id) => (
            "beats.edit",
            format!("/beats/{id}/edit"),
            format!("/beats/{id}"),
        ),
    };
    FormPage {
        heading,
        action,
        back,
        place: commune.name.clone(),
        form,
        editing: editing.is_some(),
        errors,
        chrome,
    }
}

async fn new_page(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = who.ctx()?;
    let (commune, _, may_manage) = app::beats_of(&ctx, &code).await?;
    if !may_manage {
        return Err(Failure::Forbidden.into());
    }
    let form = BeatForm {
        valid_from: ctx.today().to_string(),
        ..BeatForm::default()
    };
    render(&form_page(chrome, &commune, None, form, FormErrors::none()))
}

async fn create(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<BeatForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let done = app::create_beat(&ctx, &code, &f.input()).await;
    answer(
        done,
        chrome.lang,
        |id| format!("/beats/{id}"),
        |errors| async move {
            let (commune, _, _) = app::beats_of(&ctx, &code).await?;
            Ok(form_page(chrome, &commune, None, f, errors))
        },
    )
    .await
}

/// A beat the actor may manage, with its assignments.
async fn managed(ctx: &Ctx, id: BeatId) -> Result<BeatDetail, PageError> {
    let d = app::beat(ctx, id).await?;
    if !d.may_manage {
        return Err(Failure::Forbidden.into());
    }
    Ok(d)
}

async fn edit_page(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatId>,
) -> Result<Html<String>, PageError> {
    let d = managed(&who.ctx()?, id).await?;
    let b = &d.beat;
    let form = BeatForm {
        name: b.name.clone(),
        officer_username: b.officer_username.clone().unwrap_or_default(),
        officer_name: b.officer_name.clone(),
        officer_phone: b.officer_phone.clone(),
        valid_from: b.valid_from.clone(),
    };
    render(&form_page(
        chrome,
        &d.commune,
        Some(id),
        form,
        FormErrors::none(),
    ))
}

async fn edit(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatId>,
    CsrfForm(f): CsrfForm<BeatForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let d = app::beat(&ctx, id).await?;
    let f = BeatForm {
        valid_from: d.beat.valid_from.clone(),
        ..f
    };
    let done = app::edit_beat(&ctx, id, &f.input()).await;
    answer(
        done,
        chrome.lang,
        |()| format!("/beats/{id}"),
        |errors| async move { Ok(form_page(chrome, &d.commune, Some(id), f, errors)) },
    )
    .await
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
    ctx: &Ctx,
    chrome: Chrome,
    id: BeatId,
    form: AssignForm,
    errors: FormErrors,
) -> Result<ShowPage, PageError> {
    let d = app::beat(ctx, id).await?;
    let units = d
        .assignments
        .iter()
        .map(|a| UnitRow {
            id: a.id.get(),
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
        commune_code: d.commune.code,
        commune_name: d.commune.name,
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

async fn show(chrome: Chrome, who: Who, Path(id): Path<BeatId>) -> Result<Html<String>, PageError> {
    let ctx = who.ctx()?;
    let form = AssignForm {
        valid_from: ctx.today().to_string(),
        ..AssignForm::default()
    };
    render(&show_page(&ctx, chrome, id, form, FormErrors::none()).await?)
}

async fn assign(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatId>,
    CsrfForm(f): CsrfForm<AssignForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let done = app::assign_unit(&ctx, id, &f.unit_code, &f.valid_from).await;
    answer(
        done,
        chrome.lang,
        |_| format!("/beats/{id}"),
        |errors| async move { show_page(&ctx, chrome, id, f, errors).await },
    )
    .await
}

/// The last day of something, as typed.
#[derive(Deserialize, Default, Clone)]
pub(super) struct EndForm {
    #[serde(default)]
    pub valid_to: String,
}

/// An end form as first shown: today, no errors.
pub(super) fn end_today(ctx: &Ctx) -> (EndForm, FormErrors) {
    let form = EndForm {
        valid_to: ctx.today().to_string(),
    };
    (form, FormErrors::none())
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

/// The page ending beat `d`.
fn end_beat_page(chrome: Chrome, d: &BeatDetail, (form, errors): (EndForm, FormErrors)) -> EndPage {
    let id = d.beat.id;
    EndPage {
        title: "beats.end",
        question: fill(chrome.lang, "beats.end_question", &[("name", &d.beat.name)]),
        action: format!("/beats/{id}/end"),
        back: format!("/beats/{id}"),
        form,
        errors,
        chrome,
    }
}

async fn end_page(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatId>,
) -> Result<Html<String>, PageError> {
    let ctx = who.ctx()?;
    let d = managed(&ctx, id).await?;
    render(&end_beat_page(chrome, &d, end_today(&ctx)))
}

async fn end(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatId>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let done = app::end_beat(&ctx, id, &f.valid_to).await;
    answer(
        done,
        chrome.lang,
        |()| format!("/beats/{id}"),
        |errors| async move {
            let d = app::beat(&ctx, id).await?;
            Ok(end_beat_page(chrome, &d, (f, errors)))
        },
    )
    .await
}

/// The page ending assignment `id` (its beat must be one the actor manages).
async fn end_unit_form(
    ctx: &Ctx,
    chrome: Chrome,
    id: BeatAssignmentId,
    (form, errors): (EndForm, FormErrors),
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
    let vars = [
        ("unit", a.unit_name.as_str()),
        ("name", d.beat.name.as_str()),
    ];
    Ok(EndPage {
        title: "beats.end_unit",
        question: fill(chrome.lang, "beats.end_unit_question", &vars),
        action: format!("/beat-units/{id}/end"),
        back: format!("/beats/{beat_id}"),
        form,
        errors,
        chrome,
    })
}

async fn end_unit_page(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatAssignmentId>,
) -> Result<Html<String>, PageError> {
    let ctx = who.ctx()?;
    render(&end_unit_form(&ctx, chrome, id, end_today(&ctx)).await?)
}

async fn end_unit(
    chrome: Chrome,
    who: Who,
    Path(id): Path<BeatAssignmentId>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let done = app::end_assignment(&ctx, id, &f.valid_to).await;
    answer(
        done,
        chrome.lang,
        |beat| format!("/beats/{beat}"),
        |errors| async move { end_unit_form(&ctx, chrome, id, (f, errors)).await },
    )
    .await
}
