//! `/api/v1` for police and militia beats (docs/beats.md): a commune's beats, one beat with
//! its assignments, assigning and ending units (the officer's grants follow), the militia
//! heads, the alignment report on a date, and carrying beats to the successors of
//! restructured units. Each handler parses, calls one use case of
//! `tuquan_app::restructuring::beats`, renders.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::restructuring::beats::{
    self as app, AlignmentReport, BeatRecord, BeatUnitRecord, CarryView, MilitiaRecord, Names,
};
use tuquan_app::Ctx;
use tuquan_domain::restructuring::beats::{
    BeatAssignmentId, BeatId, BeatInput, MilitiaHeadId, MilitiaInput,
};
use tuquan_domain::ResidentId;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{required_here, ApiError, ErrorBody, Failure};
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

/// The signed-in caller (`CurrentUser`, refused before anything else is read) as the
/// context of the use case a handler calls.
pub struct Caller(Ctx);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let CurrentUser(who) = CurrentUser::from_request_parts(parts, state).await?;
        let Ok(rc) = RequestCtx::from_request_parts(parts, state).await;
        Ok(Self(state.ctx(Some(who), &rc)))
    }
}

/// One beat with every assignment it had, as the answer of a read or a change.
async fn detail(ctx: &Ctx, id: BeatId) -> Result<Json<BeatDetailBody>, ApiError> {
    let d = app::beat(ctx, id).await?;
    Ok(Json(BeatDetailBody {
        beat: (&d.beat).into(),
        assignments: d.assignments.iter().map(Into::into).collect(),
    }))
}

/// The commune's militia heads, as the answer of a read or a change.
async fn militia_list(ctx: &Ctx, code: &str) -> Result<Json<MilitiaList>, ApiError> {
    let (_, list, _) = app::militia(ctx, code).await?;
    Ok(Json(MilitiaList {
        items: list.iter().map(Into::into).collect(),
    }))
}

fn created(id: i64) -> impl IntoResponse {
    (StatusCode::CREATED, Json(BeatCreated { id }))
}

/// A commune's beats, the open ones first.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = BeatList)))]
pub async fn list(
    Caller(ctx): Caller,
    Path(code): Path<String>,
) -> Result<Json<BeatList>, ApiError> {
    let (_, beats, _) = app::beats_of(&ctx, &code).await?;
    let items = beats.iter().map(Into::into).collect();
    Ok(Json(BeatList { items }))
}

/// Writes a new beat of the commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/beats", tag = "beats",
    params(("code" = String, Path)), request_body = BeatBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 400, body = ErrorBody)))]
pub async fn create(
    Caller(ctx): Caller,
    Path(code): Path<String>,
    b: Result<Json<BeatBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: BeatInput = body(b)?.into();
    // The officer's name is needed only without an account: a rule between fields (422).
    let id = app::create_beat(&ctx, &code, &input)
        .await
        .map_err(|e| required_here(e, &["officer_name"]))?;
    Ok(created(id.get()))
}

/// One beat with every assignment it had.
#[utoipa::path(get, path = "/api/v1/beats/{id}", tag = "beats",
    params(("id" = i64, Path, description = "The beat")), security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody)))]
pub async fn get_one(
    Caller(ctx): Caller,
    Path(id): Path<BeatId>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    detail(&ctx, id).await
}

/// Changes an open beat's name and officer (a new account takes over the grants).
#[utoipa::path(put, path = "/api/v1/beats/{id}", tag = "beats",
    params(("id" = i64, Path, description = "The beat")), request_body = BeatBody,
    security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    Caller(ctx): Caller,
    Path(id): Path<BeatId>,
    b: Result<Json<BeatBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let input: BeatInput = body(b)?.into();
    app::edit_beat(&ctx, id, &input)
        .await
        .map_err(|e| required_here(e, &["officer_name"]))?;
    detail(&ctx, id).await
}

/// Ends a beat with all its open assignments (the officer's grants end).
#[utoipa::path(post, path = "/api/v1/beats/{id}/end", tag = "beats",
    params(("id" = i64, Path, description = "The beat")), request_body = BeatEndBody,
    security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn end(
    Caller(ctx): Caller,
    Path(id): Path<BeatId>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    app::end_beat(&ctx, id, &body(b)?.day()).await?;
    detail(&ctx, id).await
}

/// Puts a whole residential unit in the beat; the officer's account gets an area police
/// grant on it.
#[utoipa::path(post, path = "/api/v1/beats/{id}/units", tag = "beats",
    params(("id" = i64, Path, description = "The beat")), request_body = BeatAssignBody,
    security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 422, body = ErrorBody)))]
pub async fn assign(
    Caller(ctx): Caller,
    Path(id): Path<BeatId>,
    b: Result<Json<BeatAssignBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let from = b.valid_from.unwrap_or_default();
    let aid = app::assign_unit(&ctx, id, &b.unit_code, &from).await?;
    Ok(created(aid.get()))
}

/// Ends a unit's assignment (kept in the history); the officer's grant on it ends.
#[utoipa::path(post, path = "/api/v1/beat-units/{id}/end", tag = "beats",
    params(("id" = i64, Path, description = "The assignment of a unit to a beat")),
    request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn end_unit(
    Caller(ctx): Caller,
    Path(id): Path<BeatAssignmentId>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let beat = app::end_assignment(&ctx, id, &body(b)?.day()).await?;
    detail(&ctx, beat).await
}

/// The alignment report of the commune on a date.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats/alignment", tag = "beats",
    params(("code" = String, Path), OnParams), security(("bearer" = [])),
    responses((status = 200, body = AlignmentBody)))]
pub async fn alignment(
    Caller(ctx): Caller,
    Path(code): Path<String>,
    q: Result<Query<OnParams>, QueryRejection>,
) -> Result<Json<AlignmentBody>, ApiError> {
    let q = query(q)?;
    let r = app::alignment(&ctx, &code, q.on.as_deref()).await?;
    Ok(Json((&r).into()))
}

/// What carrying beats to the successors of restructured units would do; changes nothing.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats/carry", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CarryBody)))]
pub async fn carry_preview(
    Caller(ctx): Caller,
    Path(code): Path<String>,
) -> Result<Json<CarryBody>, ApiError> {
    Ok(Json((&app::carry_preview(&ctx, &code).await?).into()))
}

/// Carries beats and militia heads to the successors of restructured units.
#[utoipa::path(post, path = "/api/v1/communes/{code}/beats/carry", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CarryBody)))]
pub async fn carry(
    Caller(ctx): Caller,
    Path(code): Path<String>,
) -> Result<Json<CarryBody>, ApiError> {
    Ok(Json((&app::carry(&ctx, &code).await?).into()))
}

/// The commune's militia heads, present ones first (the read is audited).
#[utoipa::path(get, path = "/api/v1/communes/{code}/militia-heads", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MilitiaList)))]
pub async fn militia(
    Caller(ctx): Caller,
    Path(code): Path<String>,
) -> Result<Json<MilitiaList>, ApiError> {
    militia_list(&ctx, &code).await
}

/// Appoints the militia head of a unit directly below the commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/militia-heads", tag = "beats",
    params(("code" = String, Path)), request_body = MilitiaBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 422, body = ErrorBody)))]
pub async fn appoint(
    Caller(ctx): Caller,
    Path(code): Path<String>,
    b: Result<Json<MilitiaBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: MilitiaInput = body(b)?.into();
    let id = app::appoint_militia(&ctx, &code, &input).await?;
    Ok(created(id.get()))
}

/// Ends a militia head's service.
#[utoipa::path(post, path = "/api/v1/militia-heads/{id}/end", tag = "beats",
    params(("id" = i64, Path, description = "The militia head's record")),
    request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = MilitiaList), (status = 422, body = ErrorBody)))]
pub async fn end_militia(
    Caller(ctx): Caller,
    Path(id): Path<MilitiaHeadId>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<MilitiaList>, ApiError> {
    let commune = app::end_militia(&ctx, id, &body(b)?.day()).await?;
    militia_list(&ctx, &commune).await
}
