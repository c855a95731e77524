//! Appointing a resident (chosen by searching the group's unit, or by id), ending a position,
//! and a resident's service history.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_domain::groups::{EndPositionInput, EndReason, NewPositionInput};
use tuquan_domain::territory::SearchQuery;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditEntry;
use tuquan_store::groups::GroupRecord;
use tuquan_store::residents::ResidentQuery;

use super::{choices, form_message, role_name, vn_date, with_status, Choice};
use crate::api::groups::service::{self, Refusal};
use crate::api::groups::{load_group, load_service, path, reason_message, today};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::pages::account::see_other;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub meta: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "group_appoint.html")]
pub(super) struct AppointPage {
    chrome: Chrome,
    id: i64,
    name: String,
    unit_name: String,
    q: String,
    searched: bool,
    candidates: Vec<Candidate>,
    resident_id: String,
    roles: Vec<Choice>,
    starts_on: String,
    acting: bool,
    decision_ref: String,
    note: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct AppointForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    acting: Option<String>,
    #[serde(default)]
    decision_ref: String,
    #[serde(default)]
    note: String,
}

/// Residents of the group's unit matching `q` (at most 20), the search audited as a read
/// of personal data.
async fn search(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    g: &GroupRecord,
    q: &str,
    chosen: &str,
) -> Result<Vec<Candidate>, Failure> {
    let Some(query) = SearchQuery::parse(q)? else {
        return Ok(vec![]);
    };
    let unit = state.store.unit(&g.unit_code).await?.unit;
    let rq = ResidentQuery {
        name_pattern: query.like_pattern,
        ..ResidentQuery::default()
    };
    let rows = state.store.residents_in(&unit, &rq, None, 20).await?;
    let entry = AuditEntry {
        action: "resident.list_viewed",
        target_type: "group",
        target_id: g.id.to_string(),
        unit_path: Some(g.unit_path.clone()),
        before: None,
        after: Some(serde_json::json!({ "search": q, "results": rows.len() })),
    };
    state.store.audit(&rc.audit(Some(&can.who)), &entry).await?;
    Ok(rows
        .iter()
        .map(|r| Candidate {
            id: r.id,
            name: r.full_name.clone(),
            meta: format!(
                "{} · {} · #{}",
                r.birth_date.get(..4).unwrap_or(""),
                r.unit_code,
                r.id
            ),
            checked: chosen.trim() == r.id.to_string(),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn appoint_page(
    state: &AppState,
    chrome: Chrome,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    g: &GroupRecord,
    f: &AppointForm,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let candidates = search(state, can, rc, g, &f.q, &f.resident_id).await?;
    let roles = choices(
        g.kind()
            .roles()
            .iter()
            .map(|r| (r.as_str(), role_name(lang, r.as_str(), false))),
        &f.role,
    );
    render(&AppointPage {
        id: g.id,
        name: g.name.clone(),
        unit_name: g.unit_name.clone(),
        q: f.q.trim().chars().take(100).collect(),
        searched: !f.q.trim().is_empty(),
        candidates,
        resident_id: f.resident_id.trim().chars().take(20).collect(),
        roles,
        starts_on: if f.starts_on.trim().is_empty() {
            today().to_string()
        } else {
            f.starts_on.clone()
        },
        acting: f.acting.is_some(),
        decision_ref: f.decision_ref.clone(),
        note: f.note.clone(),
        error,
        chrome,
    })
}

pub(super) async fn form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<AppointForm>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let f = q.map(|Query(q)| q).unwrap_or_default();
    let (g, _) = load_group(&state, &can, id, false).await?;
    appoint_page(&state, chrome, &can, &rc, &g, &f, None).await
}

pub(super) async fn appoint(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(f): CsrfForm<AppointForm>,
) -> Result<Response, PageError> {
    let id = path(id)?;
    let lang = chrome.lang;
    let outcome = async {
        let resident_id = match f.resident_id.trim() {
            "" => None,
            s => Some(s.trim_start_matches('#').parse::<i64>().map_err(|_| {
                Failure::from(FieldError::new(
                    "resident_id",
                    FieldErrorKind::InvalidFormat,
                    "not an id",
                ))
            })?),
        };
        let input = NewPositionInput {
            resident_id,
            role: f.role.clone(),
            starts_on: Some(f.starts_on.clone()),
            acting: f.acting.is_some(),
            decision_ref: Some(f.decision_ref.clone()),
            note: Some(f.note.clone()),
        };
        service::appoint(&state, &can, &rc, id, &input).await
    }
    .await;
    let (status, message) = match outcome {
        Ok(_) => return Ok(see_other(&format!("/groups/{id}?done=appointed"), None)),
        Err(Refusal::Ineligible(e)) => (StatusCode::UNPROCESSABLE_ENTITY, reason_message(lang, e)),
        Err(Refusal::Failed(f)) => match form_message(lang, &f) {
            Some(m) => m,
            None => return Err(f.into()),
        },
    };
    let (g, _) = load_group(&state, &can, id, false).await?;
    let page = appoint_page(&state, chrome, &can, &rc, &g, &f, Some(message)).await?;
    Ok(with_status(status, page))
}

#[derive(Template)]
#[template(path = "group_end.html")]
pub(super) struct EndPage {
    chrome: Chrome,
    id: i64,
    position_id: i64,
    group_name: String,
    holder: String,
    role: String,
    reasons: Vec<Choice>,
    ended_on: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
}

#[allow(clippy::too_many_arguments)]
async fn end_page(
    state: &AppState,
    chrome: Chrome,
    can: &Can<GroupManage>,
    id: i64,
    position_id: i64,
    f: &EndForm,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let (g, _) = load_group(state, can, id, false).await?;
    let p = state.store.position(position_id).await?;
    if p.group_id != g.id {
        return Err(Failure::NotFound.into());
    }
    let lang = chrome.lang;
    render(&EndPage {
        id,
        position_id,
        group_name: g.name,
        holder: p.full_name.clone(),
        role: role_name(lang, &p.role, p.acting),
        reasons: choices(
            EndReason::choosable().map(|r| (r.as_str(), end_label(lang, r))),
            &f.reason,
        ),
        ended_on: if f.ended_on.trim().is_empty() {
            today().to_string()
        } else {
            f.ended_on.clone()
        },
        error,
        chrome,
    })
}

fn end_label(lang: Lang, r: EndReason) -> String {
    lang.t(&format!("groups.end.{}", r.as_str())).to_owned()
}

/// The confirmation step before ending a position, with its date and reason.
pub(super) async fn end_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let (id, position_id) = path(ids)?;
    end_page(
        &state,
        chrome,
        &can,
        id,
        position_id,
        &EndForm::default(),
        None,
    )
    .await
}

pub(super) async fn end(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let (id, position_id) = path(ids)?;
    let input = EndPositionInput {
        ended_on: Some(f.ended_on.clone()),
        reason: f.reason.clone(),
    };
    match service::end_position(&state, &can, &rc, id, position_id, &input).await {
        Ok(()) => Ok(see_other(&format!("/groups/{id}?done=ended"), None)),
        Err(e) => {
            let Some((status, message)) = form_message(chrome.lang, &e) else {
                return Err(e.into());
            };
            let page = end_page(&state, chrome, &can, id, position_id, &f, Some(message)).await?;
            Ok(with_status(status, page))
        }
    }
}

pub struct ServiceRow {
    pub href: String,
    pub group: String,
    pub unit: String,
    pub role: String,
    pub period: String,
}

#[derive(Template)]
#[template(path = "group_service.html")]
pub(super) struct ServicePage {
    chrome: Chrome,
    resident_id: i64,
    full_name: String,
    rows: Vec<ServiceRow>,
}

/// A resident's service history: every position held, for thanking retiring workers.
pub(super) async fn service(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let (r, items) = load_service(&state, &can, id).await?;
    let lang = chrome.lang;
    let rows = items
        .iter()
        .map(|s| {
            let end = s.ended_on.as_deref().unwrap_or(&s.ends_on);
            let mut period = format!("{} – {}", vn_date(&s.starts_on), vn_date(end));
            if let Some(reason) = &s.end_reason {
                period.push_str(&format!(" ({})", lang.t(&format!("groups.end.{reason}"))));
            } else if s.ends_on.as_str() >= today().to_string().as_str() {
                period.push_str(&format!(" ({})", lang.t("groups.state.current")));
            }
            ServiceRow {
                href: format!("/groups/{}", s.group_id),
                group: s.group_name.clone(),
                unit: s.unit_name.clone(),
                role: role_name(lang, &s.role, s.acting),
                period,
            }
        })
        .collect();
    render(&ServicePage {
        resident_id: r.id,
        full_name: r.full_name,
        rows,
        chrome,
    })
}
