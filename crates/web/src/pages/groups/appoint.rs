//! Appointing a resident (chosen by searching the group's unit, or by id), ending a position,
//! and a resident's service history.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::groups::{self as app, GroupRecord};
use tuquan_app::{AppError, Ctx};
use tuquan_domain::groups::{EndPositionInput, EndReason, NewPositionInput, PositionId};
use tuquan_domain::GroupId;
use tuquan_domain::{FieldError, FieldErrorKind, ResidentId};

use super::{choices, form_outcome, period, role_name, Choice};
use crate::api::groups::{path, ServiceItem};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::common::{see_other, vn_date};
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct Candidate {
    pub id: ResidentId,
    pub name: String,
    pub meta: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "group_appoint.html")]
pub(super) struct AppointPage {
    chrome: Chrome,
    id: GroupId,
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
    errors: FormErrors,
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

/// The appointment form of group `id`: residents of its unit matching `f.q` (the search is
/// audited), the roles of its kind, and what was typed.
async fn appoint_page(
    ctx: &Ctx,
    chrome: Chrome,
    id: GroupId,
    f: &AppointForm,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let g: GroupRecord = app::group_to_manage(ctx, id).await?;
    let candidates = app::search_candidates(ctx, &g, &f.q)
        .await?
        .into_iter()
        .map(|r| Candidate {
            meta: format!("{} · {} · #{}", r.birth_year, r.unit_code, r.id),
            checked: f.resident_id.trim() == r.id.to_string(),
            id: r.id,
            name: r.full_name,
        })
        .collect();
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
        starts_on: or_today(ctx, &f.starts_on),
        acting: f.acting.is_some(),
        decision_ref: f.decision_ref.clone(),
        note: f.note.clone(),
        errors,
        chrome,
    })
}

/// A date field as typed, or today when blank.
pub(super) fn or_today(ctx: &Ctx, typed: &str) -> String {
    if typed.trim().is_empty() {
        ctx.today().to_string()
    } else {
        typed.to_owned()
    }
}

pub(super) async fn form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    q: Result<Query<AppointForm>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let f = q.map(|Query(q)| q).unwrap_or_default();
    let ctx = state.ctx(Some(can.who), &rc);
    appoint_page(&ctx, chrome, id, &f, FormErrors::none()).await
}

pub(super) async fn appoint(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    CsrfForm(f): CsrfForm<AppointForm>,
) -> Result<Response, PageError> {
    let id = path(id)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let outcome = async {
        let resident_id = match f.resident_id.trim() {
            "" => None,
            s => Some(s.trim_start_matches('#').parse::<i64>().map_err(|_| {
                AppError::from(FieldError::new(
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
        app::appoint(&ctx, id, &input).await
    }
    .await;
    form_outcome(
        chrome.lang,
        outcome,
        |_| see_other(&format!("/groups/{id}?done=appointed"), None),
        |message| appoint_page(&ctx, chrome, id, &f, message),
    )
    .await
}

#[derive(Template)]
#[template(path = "group_end.html")]
pub(super) struct EndPage {
    chrome: Chrome,
    id: GroupId,
    position_id: PositionId,
    group_name: String,
    holder: String,
    role: String,
    reasons: Vec<Choice>,
    ended_on: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub(super) struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
}

async fn end_page(
    ctx: &Ctx,
    chrome: Chrome,
    id: GroupId,
    position_id: PositionId,
    f: &EndForm,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let (g, p) = app::position_to_end(ctx, id, position_id).await?;
    let lang = chrome.lang;
    render(&EndPage {
        id,
        position_id,
        group_name: g.name,
        holder: p.full_name.clone(),
        role: role_name(lang, p.role.as_str(), p.acting),
        reasons: choices(
            EndReason::choosable().map(|r| (r.as_str(), end_label(lang, r))),
            &f.reason,
        ),
        ended_on: or_today(ctx, &f.ended_on),
        errors,
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
    rc: RequestCtx,
    ids: Result<Path<(GroupId, PositionId)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let (id, position_id) = path(ids)?;
    let ctx = state.ctx(Some(can.who), &rc);
    end_page(
        &ctx,
        chrome,
        id,
        position_id,
        &EndForm::default(),
        FormErrors::none(),
    )
    .await
}

pub(super) async fn end(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    ids: Result<Path<(GroupId, PositionId)>, PathRejection>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let (id, position_id) = path(ids)?;
    let input = EndPositionInput {
        ended_on: Some(f.ended_on.clone()),
        reason: f.reason.clone(),
    };
    let ctx = state.ctx(Some(can.who), &rc);
    form_outcome(
        chrome.lang,
        app::end_position(&ctx, id, position_id, &input).await,
        |_| see_other(&format!("/groups/{id}?done=ended"), None),
        |message| end_page(&ctx, chrome, id, position_id, &f, message),
    )
    .await
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
    resident_id: ResidentId,
    full_name: String,
    rows: Vec<ServiceRow>,
    thanks: Vec<ServiceRow>,
}

/// A resident's service history: every position held, for thanking retiring workers.
pub(super) async fn service(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    rc: RequestCtx,
    id: Result<Path<ResidentId>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let h = app::service_history(&ctx, id).await?;
    let today = ctx.today().to_string();
    let lang = chrome.lang;
    let rows = h
        .items
        .iter()
        .map(ServiceItem::from)
        .map(|s| ServiceRow {
            href: format!("/groups/{}", s.group_id),
            role: role_name(lang, &s.tenure.role, s.tenure.acting),
            period: period(lang, &s.tenure, Some(&today)),
            group: s.group_name,
            unit: s.unit_name,
        })
        .collect();
    let thanks = h
        .thanks
        .iter()
        .map(|t| ServiceRow {
            href: format!("/groups/{}", t.group_id),
            role: role_name(lang, &t.role, false),
            period: format!("{} – {}", vn_date(&t.served_from), vn_date(&t.served_to)),
            group: t.group_name.clone(),
            unit: match (&t.reward_decision, &t.reward_on) {
                (Some(d), Some(on)) => format!("{} · {d}, {}", t.unit_name, vn_date(on)),
                (Some(d), None) => format!("{} · {d}", t.unit_name),
                _ => t.unit_name.clone(),
            },
        })
        .collect();
    render(&ServicePage {
        resident_id: h.resident_id,
        full_name: h.full_name,
        rows,
        thanks,
        chrome,
    })
}
