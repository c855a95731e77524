//! Group lists, creation, one group, its history.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::groups::{self as app, GroupFilter};
use tuquan_domain::groups::NewGroupInput;
use tuquan_domain::GroupId;
use utoipa::IntoParams;

use super::items::*;
use super::path;
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// Filters and paging of a group list. All optional; blank counts as absent.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
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

impl GroupsQuery {
    pub(crate) fn filter(&self) -> GroupFilter<'_> {
        GroupFilter {
            kind: self.kind.as_deref(),
            status: self.status.as_deref(),
            limit: self.limit.as_deref(),
            cursor: self.cursor.as_deref(),
        }
    }

    /// The query string of the page at `cursor`, keeping the filters.
    pub(crate) fn at(&self, cursor: &str) -> String {
        let q = Self {
            cursor: Some(cursor.to_owned()),
            ..self.clone()
        };
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }
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
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<GroupsQuery>, QueryRejection>,
) -> Result<Json<GroupList>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let page = app::list_groups(&ctx, &code, q.filter()).await?;
    let next = page
        .next_cursor
        .as_ref()
        .map(|c| format!("/api/v1/units/{}/groups?{}", page.unit.code, q.at(c)));
    Ok(Json(GroupList {
        items: page.items.iter().map(GroupItem::from).collect(),
        next_cursor: page.next_cursor,
        next,
    }))
}

/// Create a group in a commune or residential unit. It is `pending` until its
/// establishment decision is recorded.
#[utoipa::path(post, path = "/api/v1/units/{code}/groups", tag = "groups",
    params(("code" = String, Path)), request_body = CreateGroup, security(("bearer" = [])),
    responses((status = 201, body = GroupItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "A rule refused it (`group_unit`, `covered_unit`), named in `code`", body = ErrorBody)))]
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
    let ctx = state.ctx(Some(can.who), &rc);
    let g = app::create_group(&ctx, &code, &input)
        .await
        .map_err(|e| crate::error::required_here(e, &["kind_label"]))?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/groups/{}", g.id))],
        Json(GroupItem::from(&g)),
    ))
}

/// The leadership (head and deputy) of a residential unit, created the first time.
#[utoipa::path(post, path = "/api/v1/units/{code}/leadership", tag = "groups",
    params(("code" = String, Path, description = "A residential unit code")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = GroupItem),
              (status = 200, description = "It already existed", body = GroupItem),
              (status = 403, body = ErrorBody),
              (status = 422, description = "Not a current residential unit (`leadership_unit`)", body = ErrorBody)))]
pub async fn ensure_leadership(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let (g, created) = app::ensure_leadership(&ctx, &code).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        [(header::LOCATION, format!("/api/v1/groups/{}", g.id))],
        Json(GroupItem::from(&g)),
    ))
}

impl GroupDetail {
    pub(crate) fn new(d: &app::GroupDetail, today: &str) -> Self {
        Self {
            group: GroupItem::from(&d.group),
            units: d.units.iter().map(UnitRef::from).collect(),
            term_years: d.term_years.as_str().to_owned(),
            decisions: d.decisions.iter().map(DecisionItem::from).collect(),
            positions: d
                .positions
                .iter()
                .map(|p| PositionItem::new(p, today))
                .collect(),
        }
    }
}

/// One group: its units, decisions and every position it has had.
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = GroupDetail), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_group(
    State(state): State<AppState>,
    can: Can<GroupView>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
) -> Result<Json<GroupDetail>, ApiError> {
    let id = path(id)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let d = app::group_detail(&ctx, id).await?;
    Ok(Json(GroupDetail::new(&d, &ctx.today().to_string())))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A group's history (creation, decisions, appointments, ends), newest first.
#[utoipa::path(get, path = "/api/v1/groups/{id}/history", tag = "groups",
    params(("id" = i64, Path), HistoryQuery), security(("bearer" = [])),
    responses((status = 200, body = EventList), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn group_history(
    State(state): State<AppState>,
    can: Can<GroupView>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<EventList>, ApiError> {
    let id = path(id)?;
    let q = query(q)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let h = app::group_history(&ctx, id, q.limit.as_deref(), q.cursor.as_deref()).await?;
    Ok(Json(EventList {
        items: h.items.iter().map(EventItem::from).collect(),
        next_cursor: h.next_cursor,
    }))
}
