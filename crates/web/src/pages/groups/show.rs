//! A group's page: its decisions, members (current and past), history; the history alone;
//! the decision scans.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use serde_json::Value;
use tuquan_app::groups::{self as app, EventRecord};
use tuquan_domain::groups::{DecisionId, GroupKind, GroupStatus};
use tuquan_domain::GroupId;

use super::{group_kind_label, period, role_name, vn_date};
use crate::api::groups::{attachment, path, GroupDetail, HistoryQuery, PositionItem};
use crate::auth::{Can, GroupView, RequestCtx};
use crate::error::PageError;
use crate::i18n::{local_time, Lang};
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct DecisionView {
    pub kind: &'static str,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
    pub signer: String,
    pub effective_on: String,
    pub scan_href: Option<String>,
    pub file_name: String,
}

pub struct PositionView {
    pub name: String,
    pub role: String,
    pub period: String,
    pub state: &'static str,
    pub end_href: Option<String>,
    pub service_href: String,
}

pub struct EventView {
    pub at: String,
    pub actor: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "group.html")]
pub(super) struct GroupPage {
    chrome: Chrome,
    name: String,
    kind: String,
    status: &'static str,
    unit_code: String,
    unit_name: String,
    units: String,
    established_on: Option<String>,
    dissolved_on: Option<String>,
    term_years: String,
    decisions: Vec<DecisionView>,
    current: Vec<PositionView>,
    past: Vec<PositionView>,
    history: Vec<EventView>,
    history_more: Option<String>,
    pending: bool,
    too_few_mediators: bool,
    /// Offer to record the establishment decision.
    establish_href: Option<String>,
    /// Offer to appoint.
    appoint_href: Option<String>,
    /// Offer to dissolve.
    dissolve_href: Option<String>,
    notice: Option<&'static str>,
}

fn position_view(lang: Lang, group_id: GroupId, p: &PositionItem, manage: bool) -> PositionView {
    PositionView {
        name: p.full_name.clone(),
        role: role_name(lang, &p.tenure.role, p.tenure.acting),
        period: period(lang, &p.tenure, None),
        state: lang.t(&format!("groups.state.{}", p.state)),
        end_href: (manage && p.tenure.ended_on.is_none())
            .then(|| format!("/groups/{group_id}/positions/{}/end", p.id)),
        service_href: format!("/residents/{}/service", p.resident_id),
    }
}

fn text_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A history event in words.
pub(super) fn event_view(lang: Lang, e: &EventRecord) -> EventView {
    let d = e.detail();
    let role = role_name(
        lang,
        &text_of(&d, "role"),
        d.get("acting").and_then(Value::as_bool).unwrap_or(false),
    );
    let text = lang
        .t(&format!("groups.event.{}", e.event))
        .replace("{name}", &text_of(&d, "full_name"))
        .replace("{role}", &role)
        .replace("{number}", &text_of(&d, "number"))
        .replace("{date}", &vn_date(&text_of(&d, "effective_on")))
        .replace("{starts}", &vn_date(&text_of(&d, "starts_on")))
        .replace("{ends}", &vn_date(&text_of(&d, "ends_on")))
        .replace("{ended}", &vn_date(&text_of(&d, "ended_on")))
        .replace(
            "{reason}",
            lang.t(&format!("groups.end.{}", text_of(&d, "reason"))),
        )
        .replace("{group}", &text_of(&d, "name"));
    EventView {
        at: local_time(&e.at),
        actor: e.actor_username.clone().unwrap_or_default(),
        text,
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn group(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let lang = chrome.lang;
    let ctx = state.ctx(Some(can.who), &rc);
    let detail = app::group_detail(&ctx, id).await?;
    let events = app::group_history(&ctx, id, Some("20"), None).await?;
    let manage = detail.may_manage;
    let g = &detail.group;
    let GroupDetail {
        group: item,
        units,
        term_years,
        decisions,
        positions,
    } = GroupDetail::new(&detail, &ctx.today().to_string());
    let status = g.status();
    let (current, past): (Vec<_>, Vec<_>) = positions
        .iter()
        .partition(|p| matches!(p.state.as_str(), "current" | "upcoming"));
    let history_more = events
        .next_cursor
        .is_some()
        .then(|| format!("/groups/{id}/history"));
    let notice = match q.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("created") => Some("groups.done_created"),
        Some("established") => Some("groups.done_established"),
        Some("dissolved") => Some("groups.done_dissolved"),
        Some("appointed") => Some("groups.done_appointed"),
        Some("ended") => Some("groups.done_ended"),
        _ => None,
    };
    let needs_decision = g.kind().needs_decision();
    render(&GroupPage {
        name: g.name.clone(),
        kind: group_kind_label(lang, g),
        status: lang.t(&format!("groups.status.{}", g.status.as_str())),
        unit_code: g.unit_code.clone(),
        unit_name: g.unit_name.clone(),
        units: units
            .iter()
            .map(|u| format!("{} ({})", u.name, u.code))
            .collect::<Vec<_>>()
            .join(", "),
        established_on: g.established_on.as_deref().map(vn_date),
        dissolved_on: g.dissolved_on.as_deref().map(vn_date),
        term_years,
        decisions: decisions
            .iter()
            .map(|d| DecisionView {
                kind: lang.t(&format!("groups.decision.{}", d.kind)),
                number: d.number.clone(),
                issued_on: vn_date(&d.issued_on),
                issuer: d.issuer.clone(),
                signer: d.signer.clone(),
                effective_on: vn_date(&d.effective_on),
                scan_href: d
                    .scan_url
                    .as_ref()
                    .map(|_| format!("/groups/{id}/decisions/{}/scan", d.id)),
                file_name: d.file_name.clone().unwrap_or_default(),
            })
            .collect(),
        current: current
            .iter()
            .map(|p| position_view(lang, id, p, manage && status == GroupStatus::Active))
            .collect(),
        past: past
            .iter()
            .map(|p| position_view(lang, id, p, false))
            .collect(),
        history: events.items.iter().map(|e| event_view(lang, e)).collect(),
        history_more,
        pending: status == GroupStatus::Pending,
        too_few_mediators: item.too_few_mediators,
        establish_href: (manage && needs_decision && status == GroupStatus::Pending)
            .then(|| format!("/groups/{id}/establish")),
        appoint_href: (manage && status == GroupStatus::Active)
            .then(|| format!("/groups/{id}/positions")),
        dissolve_href: (manage
            && needs_decision
            && status == GroupStatus::Active
            && g.kind() != GroupKind::UnitLeadership)
            .then(|| format!("/groups/{id}/dissolve")),
        notice,
        chrome,
    })
}

#[derive(Template)]
#[template(path = "group_history.html")]
pub(super) struct HistoryPage {
    chrome: Chrome,
    id: GroupId,
    name: String,
    events: Vec<EventView>,
    next_href: Option<String>,
}

pub(super) async fn history(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let ctx = state.ctx(Some(can.who), &rc);
    let h = app::group_history(&ctx, id, q.limit.as_deref(), q.cursor.as_deref()).await?;
    let lang = chrome.lang;
    render(&HistoryPage {
        id,
        name: h.group.name,
        events: h.items.iter().map(|e| event_view(lang, e)).collect(),
        next_href: h
            .next_cursor
            .map(|c| format!("/groups/{id}/history?cursor={c}")),
        chrome,
    })
}

/// The scan of a decision, as a download.
pub(super) async fn scan(
    State(state): State<AppState>,
    can: Can<GroupView>,
    rc: RequestCtx,
    ids: Result<Path<(GroupId, DecisionId)>, PathRejection>,
) -> Result<Response, PageError> {
    let (id, decision_id) = path(ids)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let doc = app::decision_scan(&ctx, id, decision_id).await?;
    Ok(attachment(doc, &format!("quyet-dinh-{decision_id}")))
}
