//! A residential unit's coordination regulation: versions, reviews, signing and reviewing;
//! and a province's term of office.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_domain::access::Action;
use tuquan_domain::groups::{NewRegulationInput, NewReviewInput, TermYears};

use super::{form_message, may, vn_date, with_status};
use crate::api::groups::{load_unit, regulation_detail, service, today};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, GroupManage, GroupView, RegulationManage, RequestCtx};
use crate::error::PageError;
use crate::pages::account::see_other;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct VersionRow {
    pub version: i64,
    pub signed_on: String,
    pub parties: String,
    pub note: String,
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
    last_checked: Option<String>,
    versions: Vec<VersionRow>,
    reviews: Vec<ReviewRow>,
    manage: bool,
    current_head: String,
    current_front: String,
    form: RegulationForm,
    error: Option<String>,
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

async fn regulation_page<A: crate::auth::Capability>(
    state: &AppState,
    chrome: Chrome,
    can: &Can<A>,
    code: &str,
    form: RegulationForm,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let unit = service::regulation_unit(state, can, code).await?;
    let d = regulation_detail(state, &unit).await?;
    let notice = match form.done.as_deref() {
        Some("signed") => Some("groups.done_signed"),
        Some("reviewed") => Some("groups.done_reviewed"),
        _ => None,
    };
    render(&RegulationPage {
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
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
        manage: may(&can.who.actor, Action::RegulationManage, &unit.path)
            && unit.valid_to.is_none(),
        current_head: d.current_unit_head.unwrap_or_default(),
        current_front: d.current_front_head.unwrap_or_default(),
        form: RegulationForm {
            signed_on: if form.signed_on.is_empty() {
                today().to_string()
            } else {
                form.signed_on.clone()
            },
            reviewed_on: if form.reviewed_on.is_empty() {
                today().to_string()
            } else {
                form.reviewed_on.clone()
            },
            ..form
        },
        error,
        notice,
        chrome,
    })
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    Path(code): Path<String>,
    q: Result<Query<RegulationForm>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let done = q.ok().and_then(|Query(q)| q.done);
    let form = RegulationForm {
        done,
        ..RegulationForm::default()
    };
    regulation_page(&state, chrome, &can, &code, form, None).await
}

fn opt(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.trim().is_empty())
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
        unit_head_name: opt(&f.unit_head_name),
        front_head_name: opt(&f.front_head_name),
        note: opt(&f.note),
    };
    match service::sign_regulation(&state, &can, &rc, &code, &input).await {
        Ok(_) => Ok(see_other(
            &format!("/territory/{}/regulation?done=signed", code.trim()),
            None,
        )),
        Err(e) => {
            let Some((status, message)) = form_message(chrome.lang, &e) else {
                return Err(e.into());
            };
            let page = regulation_page(&state, chrome, &can, &code, f, Some(message)).await?;
            Ok(with_status(status, page))
        }
    }
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
        note: opt(&f.note),
    };
    match service::review_regulation(&state, &can, &rc, &code, &input).await {
        Ok(_) => Ok(see_other(
            &format!("/territory/{}/regulation?done=reviewed", code.trim()),
            None,
        )),
        Err(e) => {
            let Some((status, message)) = form_message(chrome.lang, &e) else {
                return Err(e.into());
            };
            let page = regulation_page(&state, chrome, &can, &code, f, Some(message)).await?;
            Ok(with_status(status, page))
        }
    }
}

#[derive(Template)]
#[template(path = "group_term.html")]
pub(super) struct TermPage {
    chrome: Chrome,
    code: String,
    name: String,
    years: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub(super) struct TermForm {
    #[serde(default)]
    years: String,
    #[serde(default)]
    done: Option<String>,
}

/// The term of office of a province, for its officials.
pub(super) async fn term_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    Path(code): Path<String>,
    q: Result<Query<TermForm>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let unit = load_unit(&state, &can, &code).await?;
    let years = state.store.term_years(&unit.province_code).await?;
    let done = q.ok().and_then(|Query(q)| q.done);
    render(&TermPage {
        code: unit.code,
        name: unit.name,
        years: years.as_str().to_owned(),
        error: None,
        notice: done.is_some().then_some("groups.done_term"),
        chrome,
    })
}

pub(super) async fn set_term(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<TermForm>,
) -> Result<Response, PageError> {
    match service::set_term_years(&state, &can, &rc, &code, &f.years).await {
        Ok(_) => Ok(see_other(
            &format!("/territory/{}/term-years?done=1", code.trim()),
            None,
        )),
        Err(e) => {
            let Some((status, message)) = form_message(chrome.lang, &e) else {
                return Err(e.into());
            };
            let unit = load_unit(&state, &can, &code).await?;
            let years = state.store.term_years(&unit.province_code).await?;
            let page = render(&TermPage {
                code: unit.code,
                name: unit.name,
                years: TermYears::parse(&f.years)
                    .unwrap_or(years)
                    .as_str()
                    .to_owned(),
                error: Some(message),
                notice: None,
                chrome,
            })?;
            Ok(with_status(status, page))
        }
    }
}
