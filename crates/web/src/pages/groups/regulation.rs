//! A residential unit's coordination regulation: versions, reviews, signing and reviewing;
//! and a province's term of office.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::groups as app;
use tuquan_app::{AppError, Ctx};
use tuquan_domain::groups::{NewRegulationInput, NewReviewInput, TermYears};

use super::appoint::or_today;
use super::{form_outcome, vn_date};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, GroupManage, GroupView, RegulationManage, RequestCtx};
use crate::error::PageError;
use crate::pages::common::see_other;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct VersionRow {
    pub version: i64,
    pub signed_on: String,
    pub parties: String,
    pub note: String,
    /// Marked by a restructuring: to be signed again.
    pub resign: bool,
}

pub struct ReviewRow {
    pub reviewed_on: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "group_regulation.html")]
pub(super) struct RegulationPage {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    review_due: bool,
    /// Why the latest version must be signed again (after a restructuring), if it must.
    resign_reason: Option<String>,
    last_checked: Option<String>,
    versions: Vec<VersionRow>,
    reviews: Vec<ReviewRow>,
    manage: bool,
    current_head: String,
    current_front: String,
    form: RegulationForm,
    errors: FormErrors,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct RegulationForm {
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    unit_head_name: String,
    #[serde(default)]
    front_head_name: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reviewed_on: String,
    #[serde(default)]
    done: Option<String>,
}

/// "The unit changed in the restructuring of {date} (decision {number}): sign again."
pub(super) fn resign_reason(
    lang: crate::i18n::Lang,
    since: Option<&str>,
    number: Option<&str>,
) -> String {
    lang.t("groups.resign_reason")
        .replace("{date}", &since.map(vn_date).unwrap_or_default())
        .replace("{number}", number.unwrap_or("—"))
}

async fn regulation_page(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    form: RegulationForm,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let d = app::regulation(ctx, code).await?;
    let notice = match form.done.as_deref() {
        Some("signed") => Some("groups.done_signed"),
        Some("reviewed") => Some("groups.done_reviewed"),
        _ => None,
    };
    let resign_reason = d.needs_resign().map(|v| {
        resign_reason(
            chrome.lang,
            v.needs_resign_since.as_deref(),
            v.resign_basis_number.as_deref(),
        )
    });
    render(&RegulationPage {
        resign_reason,
        unit_code: d.unit.code.clone(),
        unit_name: d.unit.name.clone(),
        review_due: d.review_due,
        last_checked: d.last_checked.as_deref().map(vn_date),
        versions: d
            .versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                signed_on: vn_date(&v.signed_on),
                parties: format!("{} · {}", v.unit_head_name, v.front_head_name),
                note: v.note.clone().unwrap_or_default(),
                resign: v.needs_resign_since.is_some() && v.version == d.versions[0].version,
            })
            .collect(),
        reviews: d
            .reviews
            .iter()
            .map(|r| ReviewRow {
                reviewed_on: vn_date(&r.reviewed_on),
                note: r.note.clone().unwrap_or_default(),
            })
            .collect(),
        manage: d.may_manage,
        current_head: d.current_unit_head.unwrap_or_default(),
        current_front: d.current_front_head.unwrap_or_default(),
        form: RegulationForm {
            signed_on: or_today(ctx, &form.signed_on),
            reviewed_on: or_today(ctx, &form.reviewed_on),
            ..form
        },
        errors,
        notice,
        chrome,
    })
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<RegulationForm>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let done = q.ok().and_then(|Query(q)| q.done);
    let form = RegulationForm {
        done,
        ..RegulationForm::default()
    };
    let ctx = state.ctx(Some(can.who), &rc);
    regulation_page(&ctx, chrome, &code, form, FormErrors::none()).await
}

/// The answer to the signing and review forms: back to the page with `done`, or the page
/// again with the refusal.
async fn regulation_outcome<T>(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    f: RegulationForm,
    result: Result<T, AppError>,
    done: &str,
) -> Result<Response, PageError> {
    let to = format!("/territory/{}/regulation?done={done}", code.trim());
    form_outcome(
        chrome.lang,
        result,
        |_| see_other(&to, None),
        |message| regulation_page(ctx, chrome, code, f, message),
    )
    .await
}

pub(super) async fn sign(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<RegulationManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<RegulationForm>,
) -> Result<Response, PageError> {
    let input = NewRegulationInput {
        signed_on: f.signed_on.clone(),
        unit_head_name: Some(f.unit_head_name.clone()),
        front_head_name: Some(f.front_head_name.clone()),
        note: Some(f.note.clone()),
    };
    let ctx = state.ctx(Some(can.who), &rc);
    let result = app::sign_regulation(&ctx, &code, &input).await;
    regulation_outcome(&ctx, chrome, &code, f, result, "signed").await
}

pub(super) async fn review(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<RegulationManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<RegulationForm>,
) -> Result<Response, PageError> {
    let input = NewReviewInput {
        reviewed_on: f.reviewed_on.clone(),
        note: Some(f.note.clone()),
    };
    let ctx = state.ctx(Some(can.who), &rc);
    let result = app::review_regulation(&ctx, &code, &input).await;
    regulation_outcome(&ctx, chrome, &code, f, result, "reviewed").await
}

#[derive(Template)]
#[template(path = "group_term.html")]
pub(super) struct TermPage {
    chrome: Chrome,
    code: String,
    name: String,
    years: String,
    errors: FormErrors,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub(super) struct TermForm {
    #[serde(default)]
    years: String,
    #[serde(default)]
    done: Option<String>,
}

/// The term form of a province; `years` as typed after a refusal.
async fn term_page(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    typed: Option<&str>,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Html<String>, PageError> {
    let (unit, years) = app::term_years(ctx, code, true).await?;
    let years = typed
        .and_then(|t| TermYears::parse(t).ok())
        .unwrap_or(years);
    render(&TermPage {
        code: unit.code,
        name: unit.name,
        years: years.as_str().to_owned(),
        errors,
        notice,
        chrome,
    })
}

/// The term of office of a province, for its officials.
pub(super) async fn term_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<TermForm>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let done = q.ok().and_then(|Query(q)| q.done);
    let ctx = state.ctx(Some(can.who), &rc);
    let notice = done.is_some().then_some("groups.done_term");
    term_page(&ctx, chrome, &code, None, FormErrors::none(), notice).await
}

pub(super) async fn set_term(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<TermForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    form_outcome(
        chrome.lang,
        app::set_term_years(&ctx, &code, &f.years).await,
        |_| {
            see_other(
                &format!("/territory/{}/term-years?done=1", code.trim()),
                None,
            )
        },
        |message| term_page(&ctx, chrome, &code, Some(&f.years), message, None),
    )
    .await
}
