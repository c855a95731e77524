//! `/api/v1` for police and militia beats (docs/beats.md): a commune's beats, one beat with
//! its assignments, assigning and ending units (the officer's grants follow), the militia
//! heads, the alignment report on a date, and carrying beats to the successors of
//! restructured units. Each handler parses, calls one use case of
//! `tuquan_app::restructuring::beats`, renders.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::restructuring::beats::{
    self as app, AlignmentReport, BeatRecord, BeatUnitRecord, CarryView, MilitiaRecord,
};
use tuquan_domain::restructuring::beats::{BeatInput, MilitiaInput};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{required_here, ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

mod bodies;
pub use bodies::*;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/communes/{code}/beats"),
    ("PUT", "/api/v1/beats/{id}"),
    ("POST", "/api/v1/beats/{id}/end"),
    ("POST", "/api/v1/beats/{id}/units"),
    ("POST", "/api/v1/beat-units/{id}/end"),
    ("POST", "/api/v1/communes/{code}/militia-heads"),
    ("POST", "/api/v1/militia-heads/{id}/end"),
    ("POST", "/api/v1/communes/{code}/beats/carry"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/communes/{code}/beats", get(list).post(create))
        .route("/api/v1/communes/{code}/beats/alignment", get(alignment))
        .route(
            "/api/v1/communes/{code}/beats/carry",
            get(carry_preview).post(carry),
        )
        .route(
            "/api/v1/communes/{code}/militia-heads",
            get(militia).post(appoint),
        )
        .route("/api/v1/beats/{id}", get(get_one).put(edit))
        .route("/api/v1/beats/{id}/end", post(end))
        .route("/api/v1/beats/{id}/units", post(assign))
        .route("/api/v1/beat-units/{id}/end", post(end_unit))
        .route("/api/v1/militia-heads/{id}/end", post(end_militia))
}

/// A commune's beats, the open ones first.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = BeatList)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<BeatList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, beats, _) = app::beats_of(&ctx, &code).await?;
    Ok(Json(BeatList {
        items: beats.iter().map(Into::into).collect(),
    }))
}

/// Writes a new beat of the commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/beats", tag = "beats",
    params(("code" = String, Path)), request_body = BeatBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 400, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<BeatBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: BeatInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    // The officer's name is needed only without an account: a rule between fields (422).
    let id = app::create_beat(&ctx, &code, &input)
        .await
        .map_err(|e| required_here(e, &["officer_name"]))?;
    Ok((StatusCode::CREATED, Json(BeatCreated { id })))
}

/// One beat with every assignment it had.
#[utoipa::path(get, path = "/api/v1/beats/{id}", tag = "beats",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let d = app::beat(&ctx, id).await?;
    Ok(Json(BeatDetailBody {
        beat: (&d.beat).into(),
        assignments: d.assignments.iter().map(Into::into).collect(),
    }))
}

/// Changes an open beat's name and officer (a new account takes over the grants).
#[utoipa::path(put, path = "/api/v1/beats/{id}", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let input: BeatInput = body(b)?.into();
    let ctx = state.ctx(Some(who.clone()), &rc);
    app::edit_beat(&ctx, id, &input)
        .await
        .map_err(|e| required_here(e, &["officer_name"]))?;
    get_one(State(state), CurrentUser(who), rc, Path(id)).await
}

/// Ends a beat with all its open assignments (the officer's grants end).
#[utoipa::path(post, path = "/api/v1/beats/{id}/end", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let to = body(b)?.valid_to.unwrap_or_default();
    let ctx = state.ctx(Some(who.clone()), &rc);
    app::end_beat(&ctx, id, &to).await?;
    get_one(State(state), CurrentUser(who), rc, Path(id)).await
}

/// Puts a whole residential unit in the beat; the officer's account gets an area police
/// grant on it.
#[utoipa::path(post, path = "/api/v1/beats/{id}/units", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatAssignBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatAssignBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let aid = app::assign_unit(
        &ctx,
        id,
        &b.unit_code,
        b.valid_from.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(BeatCreated { id: aid })))
}

/// Ends a unit's assignment (kept in the history); the officer's grant on it ends.
#[utoipa::path(post, path = "/api/v1/beat-units/{id}/end", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn end_unit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let to = body(b)?.valid_to.unwrap_or_default();
    let ctx = state.ctx(Some(who.clone()), &rc);
    let beat = app::end_assignment(&ctx, id, &to).await?;
    get_one(State(state), CurrentUser(who), rc, Path(beat)).await
}

/// The alignment report of the commune on a date.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats/alignment", tag = "beats",
    params(("code" = String, Path), OnParams), security(("bearer" = [])),
    responses((status = 200, body = AlignmentBody)))]
pub async fn alignment(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<OnParams>, QueryRejection>,
) -> Result<Json<AlignmentBody>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let r = app::alignment(&ctx, &code, q.on.as_deref()).await?;
    Ok(Json((&r).into()))
}

/// What carrying beats to the successors of restructured units would do; changes nothing.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats/carry", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CarryBody)))]
pub async fn carry_preview(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<CarryBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json((&app::carry_preview(&ctx, &code).await?).into()))
}

/// Carries beats to the successors of restructured units.
#[utoipa::path(post, path = "/api/v1/communes/{code}/beats/carry", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CarryBody)))]
pub async fn carry(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<CarryBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json((&app::carry(&ctx, &code).await?).into()))
}

/// The commune's militia heads, present ones first (the read is audited).
#[utoipa::path(get, path = "/api/v1/communes/{code}/militia-heads", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MilitiaList)))]
pub async fn militia(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<MilitiaList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, list, _) = app::militia(&ctx, &code).await?;
    Ok(Json(MilitiaList {
        items: list.iter().map(Into::into).collect(),
    }))
}

/// Appoints the militia head of a unit directly below the commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/militia-heads", tag = "beats",
    params(("code" = String, Path)), request_body = MilitiaBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 422, body = ErrorBody)))]
pub async fn appoint(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<MilitiaBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = MilitiaInput {
        unit_code: b.unit_code,
        full_name: b.full_name,
        phone: b.phone.unwrap_or_default(),
        resident_id: b.resident_id,
        valid_from: b.valid_from.unwrap_or_default(),
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = app::appoint_militia(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(BeatCreated { id })))
}

/// Ends a militia head's service.
#[utoipa::path(post, path = "/api/v1/militia-heads/{id}/end", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = MilitiaList), (status = 422, body = ErrorBody)))]
pub async fn end_militia(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<MilitiaList>, ApiError> {
    let to = body(b)?.valid_to.unwrap_or_default();
    let ctx = state.ctx(Some(who.clone()), &rc);
    let commune = app::end_militia(&ctx, id, &to).await?;
    militia(State(state), CurrentUser(who), rc, Path(commune)).await
}
