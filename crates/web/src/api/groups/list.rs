//! Group lists, creation, one group, its history.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_domain::groups::{GroupKind, GroupStatus, NewGroupInput};
use tuquan_domain::page::Limit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::groups::{GroupQuery, GroupRecord};
use utoipa::IntoParams;

use super::items::*;
use super::{encode_cursor, load_group, load_unit, parse_cursor, service, today};
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::AppState;

pub(crate) fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Failure> {
    b.map(|Json(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

pub(crate) fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, Failure> {
    p.map(|Path(v)| v).map_err(|_| Failure::NotFound)
}

/// Filters and paging of a group list. All optional; blank counts as absent.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
pub struct GroupsQuery {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only `pending`, `active` or `dissolved` groups.
    pub status: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of the groups of a unit's subtree: the next cursor if there is more.
pub(crate) async fn group_page(
    state: &AppState,
    unit: &tuquan_domain::territory::Unit,
    q: &GroupsQuery,
) -> Result<(Vec<GroupRecord>, Option<String>), Failure> {
    let blank = |s: &Option<String>| s.as_deref().map(str::trim).unwrap_or("").to_owned();
    let kind = blank(&q.kind);
    if !kind.is_empty() && GroupKind::parse(&kind).is_none() {
        return Err(FieldError::new("kind", FieldErrorKind::UnknownValue, "not a kind").into());
    }
    let status = blank(&q.status);
    if !status.is_empty() && GroupStatus::parse(&status).is_none() {
        return Err(FieldError::new("status", FieldErrorKind::UnknownValue, "not a status").into());
    }
    let limit = Limit::parse(q.limit.as_deref())?.get() as usize;
    let after = parse_cursor(q.cursor.as_deref())?;
    let query = GroupQuery {
        kind: GroupKind::parse(&kind)
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        status,
    };
    let mut rows = state
        .store
        .groups_in(unit, &query, &today().to_string(), after, limit as i64 + 1)
        .await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|g| encode_cursor(g.cursor()))
    } else {
        None
    };
    Ok((rows, next))
}

/// The groups of a unit and the units below it (and groups covering them), in Vietnamese
/// name order.
#[utoipa::path(get, path = "/api/v1/units/{code}/groups", tag = "groups",
    params(("code" = String, Path, description = "A commune or residential unit code"), GroupsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = GroupList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list_groups(
    State(state): State<AppState>,
    can: Can<GroupView>,
    Path(code): Path<String>,
    q: Result<Query<GroupsQuery>, QueryRejection>,
) -> Result<Json<GroupList>, ApiError> {
    let Query(q) = q.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let unit = load_unit(&state, &can, &code).await?;
    let (rows, next_cursor) = group_page(&state, &unit, &q).await?;
    let next = next_cursor.as_ref().map(|c| {
        let q = GroupsQuery {
            cursor: Some(c.clone()),
            ..q
        };
        format!(
            "/api/v1/units/{}/groups?{}",
            unit.code,
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    });
    Ok(Json(GroupList {
        items: rows.iter().map(GroupItem::from).collect(),
        next_cursor,
        next,
    }))
}

/// Create a group in a commune or residential unit. It is `pending` until its
/// establishment decision is recorded.
#[utoipa::path(post, path = "/api/v1/units/{code}/groups", tag = "groups",
    params(("code" = String, Path)), request_body = CreateGroup, security(("bearer" = [])),
    responses((status = 201, body = GroupItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_group(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<CreateGroup>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = NewGroupInput {
        kind: b.kind,
        kind_label: b.kind_label,
        name: b.name,
        unit_codes: b.unit_codes,
    };
    let id = service::create_group(&state, &can, &rc, &code, &input).await?;
    let g = state.store.group(id, &today().to_string()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/groups/{id}"))],
        Json(GroupItem::from(&g)),
    ))
}

/// The leadership (head and deputy) of a residential unit, created the first time.
#[utoipa::path(post, path = "/api/v1/units/{code}/leadership", tag = "groups",
    params(("code" = String, Path, description = "A residential unit code")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = GroupItem),
              (status = 200, description = "It already existed", body = GroupItem),
              (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn ensure_leadership(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (id, created) = service::ensure_leadership(&state, &can, &rc, &code).await?;
    let g = state.store.group(id, &today().to_string()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        [(header::LOCATION, format!("/api/v1/groups/{id}"))],
        Json(GroupItem::from(&g)),
    ))
}

/// Loads a group with everything its page shows.
pub(crate) async fn group_detail(
    state: &AppState,
    can: &Can<GroupView>,
    id: i64,
) -> Result<GroupDetail, Failure> {
    let (g, units) = load_group(state, can, id, true).await?;
    let today = today().to_string();
    let decisions = state.store.decisions_of(id).await?;
    let positions = state.store.positions_of(id).await?;
    let years = state.store.term_years(&g.province_code).await?;
    let mut items: Vec<PositionItem> = positions
        .iter()
        .map(|p| PositionItem::new(p, &today))
        .collect();
    // Current and upcoming first, keeping the store's order (by role, then start).
    items.sort_by_key(|p| matches!(p.state.as_str(), "ended" | "term_over"));
    Ok(GroupDetail {
        group: GroupItem::from(&g),
        units: units.iter().map(UnitRef::from).collect(),
        term_years: years.as_str().to_owned(),
        decisions: decisions.iter().map(DecisionItem::from).collect(),
        positions: items,
    })
}

/// One group: its units, decisions and every position it has had.
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = GroupDetail), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_group(
    State(state): State<AppState>,
    can: Can<GroupView>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<GroupDetail>, ApiError> {
    let id = path(id)?;
    Ok(Json(group_detail(&state, &can, id).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of a group's history, newest first.
pub(crate) async fn history_page(
    state: &AppState,
    group_id: i64,
    q: &HistoryQuery,
) -> Result<(Vec<tuquan_store::groups::EventRecord>, Option<String>), Failure> {
    let limit = Limit::parse(q.limit.as_deref())?.get() as usize;
    let before = match q.cursor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor")
        })?),
    };
    let mut rows = state
        .store
        .group_events(group_id, before, limit as i64 + 1)
        .await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok((rows, next))
}

/// A group's history (creation, decisions, appointments, ends), newest first.
#[utoipa::path(get, path = "/api/v1/groups/{id}/history", tag = "groups",
    params(("id" = i64, Path), HistoryQuery), security(("bearer" = [])),
    responses((status = 200, body = EventList), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn group_history(
    State(state): State<AppState>,
    can: Can<GroupView>,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<EventList>, ApiError> {
    let id = path(id)?;
    let Query(q) = q.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    load_group(&state, &can, id, true).await?;
    let (rows, next_cursor) = history_page(&state, id, &q).await?;
    Ok(Json(EventList {
        items: rows.iter().map(EventItem::from).collect(),
        next_cursor,
    }))
}
