//! `/api/v1` for action items ("rõ người, rõ việc"): who owes what in a unit's subtree,
//! recording an item, editing it, recording progress, and the counts per unit.
//! Each handler parses, calls one use case of `tuquan_app::action_items`, renders.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::action_items::{self as items, ActionItemRecord, ListQuery, ProgressInput};
use tuquan_domain::action_items::ActionItemInput;
use tuquan_domain::{ActionItemId, GroupId, MeetingId, ResidentId, UserId};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/action-items"),
    ("PUT", "/api/v1/action-items/{id}"),
    ("POST", "/api/v1/action-items/{id}/progress"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units/{code}/action-items", get(list).post(create))
        .route("/api/v1/units/{code}/action-items/rollup", get(rollup))
        .route("/api/v1/action-items/{id}", get(get_one).put(edit))
        .route("/api/v1/action-items/{id}/progress", post(progress))
}

/// An action item as recorded or edited.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// A group of the unit the task belongs to.
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 1)]
    pub group_id: Option<i64>,
    /// The meeting whose resolution set the task.
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 1)]
    pub meeting_id: Option<i64>,
    /// The resolution's number or text.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub resolution: Option<String>,
    /// `resident`, `account` or `position`; the id its kind needs is then required.
    #[schema(pattern = "^(resident|account|position)$")]
    pub owner_kind: String,
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 1)]
    pub owner_resident_id: Option<i64>,
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 1)]
    pub owner_user_id: Option<i64>,
    /// With `position`: the group whose post owes the task.
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 1)]
    pub owner_group_id: Option<i64>,
    /// With `position`: `head`, `deputy` or `secretary`.
    #[serde(default)]
    #[schema(pattern = "^(head|deputy|secretary)$")]
    pub owner_role: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub due_on: String,
}

impl ItemBody {
    /// The body as the domain reads it. A post's role is checked whatever the kind of owner
    /// (the domain needs it only for a post): the document admits only its values.
    fn input(self) -> Result<ActionItemInput, ApiError> {
        let role = self.owner_role.as_deref().map(str::trim).unwrap_or("");
        if !["", "head", "deputy", "secretary"].contains(&role) {
            return Err(
                crate::error::Failure::Invalid(tuquan_domain::FieldError::new(
                    "owner_role",
                    tuquan_domain::FieldErrorKind::UnknownValue,
                    role.to_owned(),
                ))
                .into(),
            );
        }
        Ok(self.into())
    }
}

impl From<ItemBody> for ActionItemInput {
    fn from(b: ItemBody) -> Self {
        let s = |v: Option<i64>| v.map(|v| v.to_string());
        ActionItemInput {
            title: b.title,
            description: b.description,
            group_id: s(b.group_id),
            meeting_id: s(b.meeting_id),
            resolution: b.resolution,
            owner_kind: b.owner_kind,
            owner_resident_id: s(b.owner_resident_id),
            owner_user_id: s(b.owner_user_id),
            owner_group_id: s(b.owner_group_id),
            owner_role: b.owner_role,
            due_on: b.due_on,
        }
    }
}

/// Progress: a new status (absent: a note only) and a note (needed to cancel or reopen).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    /// `open`, `in_progress`, `done` or `cancelled`.
    #[serde(default)]
    #[schema(pattern = "^(open|in_progress|done|cancelled)$")]
    pub status: Option<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The list's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `pending` (default), `overdue`, `all`, or a status code.
    #[param(pattern = "^(pending|overdue|all|open|in_progress|done|cancelled)?$")]
    pub status: Option<String>,
    /// An owner key from a list (`r12`, `a3`, `p5-head`).
    #[param(pattern = "^([ra][1-9][0-9]{0,17}|p[1-9][0-9]{0,17}-(head|deputy|secretary))?$")]
    pub owner: Option<String>,
    /// From 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub group_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub resolution: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub owner_kind: String,
    /// Groups the list: the same person or post, whoever holds it.
    pub owner_key: String,
    pub owner_resident_id: Option<i64>,
    pub owner_user_id: Option<i64>,
    pub owner_group_id: Option<i64>,
    pub owner_role: Option<String>,
    /// The person who owes it now (a post's current holder); null: the post is vacant.
    pub holder_name: Option<String>,
    pub owner_label: String,
    pub due_on: String,
    pub status: String,
    pub overdue: bool,
    pub done_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn view(i: &ActionItemRecord, today: &str) -> ItemView {
    let overdue = i.status.is_pending() && i.due_on.as_str() < today;
    ItemView {
        id: i.id.get(),
        unit_code: i.unit_code.clone(),
        unit_name: i.unit_name.clone(),
        group_id: i.group_id.map(GroupId::get),
        meeting_id: i.meeting_id.map(MeetingId::get),
        resolution: i.resolution.clone(),
        title: i.title.clone(),
        description: i.description.clone(),
        owner_kind: i.owner_kind.as_str().into(),
        owner_key: i.owner_key(),
        owner_resident_id: i.owner_resident_id.map(ResidentId::get),
        owner_user_id: i.owner_user_id.map(UserId::get),
        owner_group_id: i.owner_group_id.map(GroupId::get),
        owner_role: i.owner_role.clone(),
        holder_name: i.holder_name.clone(),
        owner_label: items::owner_label(i),
        due_on: i.due_on.clone(),
        status: i.status.as_str().into(),
        overdue,
        done_on: i.done_on.clone(),
        created_at: i.created_at.clone(),
        updated_at: i.updated_at.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemList {
    pub items: Vec<ItemView>,
    pub page: i64,
    /// Whether a next page follows.
    pub more: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub at: String,
    pub author_name: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDetail {
    pub item: ItemView,
    /// Created, notes, changes of status; oldest first.
    pub history: Vec<NoteView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitCountsView {
    pub unit_code: String,
    pub unit_name: String,
    pub pending: i64,
    pub overdue: i64,
    pub done_on_time: i64,
    pub done_late: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rollup {
    pub units: Vec<UnitCountsView>,
}

/// Who owes what in the unit's subtree: grouped by owner, overdue first.
#[utoipa::path(get, path = "/api/v1/units/{code}/action-items", tag = "action_items",
    params(("code" = String, Path), ListParams), security(("bearer" = [])),
    responses((status = 200, body = ItemList)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<ItemList>, ApiError> {
    let q = query(q)?;
    if q.page.is_some_and(|p| !(1..=10_000).contains(&p)) {
        return Err(
            crate::error::Failure::Invalid(tuquan_domain::FieldError::new(
                "page",
                tuquan_domain::FieldErrorKind::OutOfRange {
                    min: 1,
                    max: 10_000,
                },
                "page",
            ))
            .into(),
        );
    }
    let ctx = state.ctx(Some(who), &rc);
    let p = items::list(
        &ctx,
        &code,
        &ListQuery {
            status: q.status,
            owner: q.owner,
            page: q.page,
        },
    )
    .await?;
    Ok(Json(ItemList {
        items: p.items.iter().map(|i| view(i, &p.today)).collect(),
        page: p.page,
        more: p.more,
    }))
}

/// Records an action item at the unit.
#[utoipa::path(post, path = "/api/v1/units/{code}/action-items", tag = "action_items",
    params(("code" = String, Path)), request_body = ItemBody, security(("bearer" = [])),
    responses((status = 201, body = ItemCreated), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ItemBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body(b)?.input()?;
    let ctx = state.ctx(Some(who), &rc);
    let id = items::create(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(ItemCreated { id: id.get() })))
}

async fn detail(ctx: &tuquan_app::Ctx, id: ActionItemId) -> Result<ItemDetail, ApiError> {
    let (item, notes) = items::show(ctx, id).await?;
    let today = ctx.today().to_string();
    Ok(ItemDetail {
        item: view(&item, &today),
        history: notes
            .into_iter()
            .map(|n| NoteView {
                at: n.at,
                author_name: n.author_name,
                from_status: n.from_status,
                to_status: n.to_status,
                note: n.note,
            })
            .collect(),
    })
}

/// One item and its history.
#[utoipa::path(get, path = "/api/v1/action-items/{id}", tag = "action_items",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ItemDetail)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
) -> Result<Json<ItemDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(detail(&ctx, id).await?))
}

/// Replaces what an item says while it is owed.
#[utoipa::path(put, path = "/api/v1/action-items/{id}", tag = "action_items",
    params(("id" = i64, Path)), request_body = ItemBody, security(("bearer" = [])),
    responses((status = 200, body = ItemDetail), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
    b: Result<Json<ItemBody>, JsonRejection>,
) -> Result<Json<ItemDetail>, ApiError> {
    let input = body(b)?.input()?;
    let ctx = state.ctx(Some(who), &rc);
    items::edit(&ctx, id, &input).await?;
    Ok(Json(detail(&ctx, id).await?))
}

/// Records progress: a note, a new status, or both.
#[utoipa::path(post, path = "/api/v1/action-items/{id}/progress", tag = "action_items",
    params(("id" = i64, Path)), request_body = ProgressBody, security(("bearer" = [])),
    responses((status = 200, body = ItemDetail), (status = 422, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
    b: Result<Json<ProgressBody>, JsonRejection>,
) -> Result<Json<ItemDetail>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    items::progress(
        &ctx,
        id,
        &ProgressInput {
            status: b.status,
            note: b.note,
        },
    )
    .await?;
    Ok(Json(detail(&ctx, id).await?))
}

/// Counts per unit of the subtree: owed, overdue, done on time, done late.
#[utoipa::path(get, path = "/api/v1/units/{code}/action-items/rollup", tag = "action_items",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Rollup)))]
pub async fn rollup(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<Rollup>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, rows) = items::rollup(&ctx, &code).await?;
    Ok(Json(Rollup {
        units: rows
            .into_iter()
            .map(|r| UnitCountsView {
                unit_code: r.unit_code,
                unit_name: r.unit_name,
                pending: r.pending,
                overdue: r.overdue,
                done_on_time: r.done_on_time,
                done_late: r.done_late,
            })
            .collect(),
    }))
}
