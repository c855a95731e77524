//! Resident handlers: records, identity numbers, consent, export, erasure, self-service.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::Value;
use tuquan_app::people;
use tuquan_domain::people::ErasureRequestId;
use tuquan_domain::ResidentId;

use super::*;
use crate::auth::{
    Can, CurrentUser, ErasureApprove, HouseholdEdit, HouseholdView, IdentityView, RequestCtx,
    ResidentRights,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// Residents of a unit and the units below it, in Vietnamese name order.
#[utoipa::path(get, path = "/api/v1/units/{code}/residents", tag = "people",
    params(("code" = String, Path), PeopleQuery), security(("bearer" = [])),
    responses((status = 200, body = ResidentList), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_residents(
    State(state): State<AppState>,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<PeopleQuery>, QueryRejection>,
) -> Result<Json<ResidentList>, ApiError> {
    let filter = query(q)?.filter()?;
    let ctx = state.ctx(Some(can.who), &rc);
    let (_, page) = people::list_residents(&ctx, &code, &filter).await?;
    Ok(Json(ResidentList {
        items: page.items.iter().map(ResidentItem::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One resident, identity number masked. The read is audited.
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "people",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ResidentItem), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_resident(
    State(state): State<AppState>,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
) -> Result<Json<ResidentItem>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    Ok(Json(ResidentItem::from(&people::resident(&ctx, id).await?)))
}

#[utoipa::path(put, path = "/api/v1/residents/{id}", tag = "people",
    params(("id" = i64, Path)), request_body = ResidentUpdateBody, security(("bearer" = [])),
    responses((status = 200, body = ResidentItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "The CCCD is already recorded (`rule.cccd_exists`)", body = ErrorBody)))]
pub async fn update_resident(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    b: Result<Json<ResidentUpdateBody>, JsonRejection>,
) -> Result<Json<ResidentItem>, ApiError> {
    let (input, keep_cccd) = body(b)?.into_input();
    let ctx = state.ctx(Some(can.who), &rc);
    let r = people::update_resident(&ctx, id, &input, keep_cccd).await?;
    Ok(Json(ResidentItem::from(&r)))
}

#[utoipa::path(post, path = "/api/v1/residents/{id}/status", tag = "people",
    params(("id" = i64, Path)), request_body = ResidentStatusBody, security(("bearer" = [])),
    responses((status = 200, body = ResidentItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn resident_status(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    b: Result<Json<ResidentStatusBody>, JsonRejection>,
) -> Result<Json<ResidentItem>, ApiError> {
    let status = people::parse_resident_status(&body(b)?.status).map_err(Failure::Invalid)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let r = people::set_resident_status(&ctx, id, status).await?;
    Ok(Json(ResidentItem::from(&r)))
}

/// The full identity number, for the roles allowed; each view is audited.
#[utoipa::path(get, path = "/api/v1/residents/{id}/identity", tag = "people",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IdentityNumber), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn identity(
    State(state): State<AppState>,
    can: Can<IdentityView>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
) -> Result<Json<IdentityNumber>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let (_, cccd) = people::reveal_identity(&ctx, id).await?;
    Ok(Json(IdentityNumber {
        resident_id: id.get(),
        cccd,
    }))
}

#[utoipa::path(post, path = "/api/v1/residents/{id}/consents", tag = "people",
    params(("id" = i64, Path)), request_body = ConsentBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_consent(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    b: Result<Json<ConsentBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body(b)?.into();
    let ctx = state.ctx(Some(can.who), &rc);
    let cid = people::add_consent(&ctx, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: cid.get() })))
}

/// A JSON download.
pub(crate) fn download(name: &str, v: &Value) -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        serde_json::to_string_pretty(v).unwrap_or_default(),
    )
}

#[utoipa::path(get, path = "/api/v1/residents/{id}/export", tag = "people",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "All data held about the resident"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    can: Can<ResidentRights>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let v = people::export_resident(&ctx, id).await?;
    Ok(download(&format!("cu-dan-{id}.json"), &v))
}

#[utoipa::path(post, path = "/api/v1/residents/{id}/erasure-requests", tag = "people",
    params(("id" = i64, Path)), request_body = ErasureBody, security(("bearer" = [])),
    responses((status = 201, body = ErasureCreated), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody),
              (status = 422, description = "Already erased (`rule.already_erased`)", body = ErrorBody)))]
pub async fn request_erasure(
    State(state): State<AppState>,
    can: Can<ResidentRights>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    b: Result<Json<ErasureBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let req = people::request_erasure(&ctx, id, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(ErasureCreated::new(&ctx, req))))
}

/// Approves (personal fields anonymised; counts and history stay) or refuses a request.
#[utoipa::path(post, path = "/api/v1/erasure-requests/{id}/decision", tag = "people",
    params(("id" = i64, Path)), request_body = DecisionBody, security(("bearer" = [])),
    responses((status = 200, body = Created), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "Decided meanwhile", body = ErrorBody),
              (status = 422, description = "Already decided (`rule.erasure_decided`)", body = ErrorBody)))]
pub async fn decide_erasure(
    State(state): State<AppState>,
    can: Can<ErasureApprove>,
    rc: RequestCtx,
    Path(id): Path<ErasureRequestId>,
    b: Result<Json<DecisionBody>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(can.who), &rc);
    people::decide_erasure(&ctx, id, b.approve).await?;
    Ok(Json(Created { id: id.get() }))
}

/// Everything held about the caller (an account linked to a resident record).
#[utoipa::path(get, path = "/api/v1/me/data", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "All data held about you"),
              (status = 404, description = "Your account is not linked to a resident record", body = ErrorBody)))]
pub async fn my_data(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = people::my_data(&ctx).await?;
    Ok(download("du-lieu-cua-toi.json", &v))
}

/// Asks for the caller's own data to be erased; an official decides.
#[utoipa::path(post, path = "/api/v1/me/erasure-request", tag = "account",
    request_body = ErasureBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = ErrorBody),
              (status = 422, description = "Already erased (`rule.already_erased`)", body = ErrorBody)))]
pub async fn my_erasure_request(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    b: Result<Json<ErasureBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let req = people::request_my_erasure(&ctx, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id: req.get() })))
}
