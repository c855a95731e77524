//! Appointing, ending positions, and a person's service history.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tuquan_domain::groups::{EndPositionInput, NewPositionInput};

use super::items::*;
use super::list::{body, path};
use super::service::{self, Refusal};
use super::{ineligible_response, today, IneligibleBody};
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::i18n::Lang;
use crate::AppState;

/// Appoint a resident to a position. Refused with 422 and a `reason` when the person is not
/// eligible or the seat is not free; the term's end is computed.
#[utoipa::path(post, path = "/api/v1/groups/{id}/positions", tag = "groups",
    params(("id" = i64, Path)), request_body = AppointBody, security(("bearer" = [])),
    responses((status = 201, body = PositionItem),
              (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 422, description = "Not eligible, with the reason", body = IneligibleBody)))]
pub async fn appoint(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    lang: Lang,
    id: Result<Path<i64>, PathRejection>,
    b: Result<Json<AppointBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = path(id)?;
    let b = body(b)?;
    let input = NewPositionInput {
        resident_id: Some(b.resident_id),
        role: b.role,
        starts_on: b.starts_on,
        acting: b.acting,
        decision_ref: b.decision_ref,
        note: b.note,
    };
    let pid = match service::appoint(&state, &can, &rc, id, &input).await {
        Ok(pid) => pid,
        Err(Refusal::Ineligible(e)) => return Ok(ineligible_response(lang, e)),
        Err(Refusal::Failed(f)) => return Err(f.into()),
    };
    let p = state.store.position(pid).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/groups/{id}"))],
        Json(PositionItem::new(&p, &today().to_string())),
    )
        .into_response())
}

/// End a position (resignation, dismissal, moving away…). The holder stays in the group's
/// history and in their service history.
#[utoipa::path(post, path = "/api/v1/groups/{id}/positions/{position_id}/end", tag = "groups",
    params(("id" = i64, Path), ("position_id" = i64, Path)), request_body = EndBody,
    security(("bearer" = [])),
    responses((status = 200, body = PositionItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "It has already ended", body = ErrorBody)))]
pub async fn end_position(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    b: Result<Json<EndBody>, JsonRejection>,
) -> Result<Json<PositionItem>, ApiError> {
    let (id, position_id) = path(ids)?;
    let b = body(b)?;
    let input = EndPositionInput {
        ended_on: b.ended_on,
        reason: b.reason,
    };
    service::end_position(&state, &can, &rc, id, position_id, &input).await?;
    let p = state.store.position(position_id).await?;
    Ok(Json(PositionItem::new(&p, &today().to_string())))
}

/// Loads a resident's service history after the check on the resident's unit.
pub(crate) async fn load_service(
    state: &AppState,
    can: &Can<GroupView>,
    resident_id: i64,
) -> Result<(tuquan_store::residents::ResidentRecord, Vec<ServiceItem>), Failure> {
    let r = state.store.resident(resident_id).await?;
    can.check(Some(&r.unit_path))?;
    let rows = state.store.service_history(resident_id).await?;
    Ok((r, rows.iter().map(ServiceItem::from).collect()))
}

/// Every position a resident holds or has held, newest first: their service history.
#[utoipa::path(get, path = "/api/v1/residents/{id}/service", tag = "groups",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ServiceList), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn service_history(
    State(state): State<AppState>,
    can: Can<GroupView>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ServiceList>, ApiError> {
    let id = path(id)?;
    let (r, items) = load_service(&state, &can, id).await?;
    Ok(Json(ServiceList {
        resident_id: r.id,
        full_name: r.full_name,
        items,
    }))
}
