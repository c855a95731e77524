//! Appointing, ending positions, and a person's service history.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tuquan_app::groups as app;
use tuquan_domain::groups::{EndPositionInput, NewPositionInput, PositionId};
use tuquan_domain::GroupId;
use tuquan_domain::ResidentId;

use super::items::*;
use super::{path, refusal_response, IneligibleBody};
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
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
    id: Result<Path<GroupId>, PathRejection>,
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
    let ctx = state.ctx(Some(can.who), &rc);
    let p = match app::appoint(&ctx, id, &input).await {
        Ok(p) => p,
        Err(e) => return refusal_response(lang, e),
    };
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/groups/{id}"))],
        Json(PositionItem::new(&p, &ctx.today().to_string())),
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
    ids: Result<Path<(GroupId, PositionId)>, PathRejection>,
    b: Result<Json<EndBody>, JsonRejection>,
) -> Result<Json<PositionItem>, ApiError> {
    let (id, position_id) = path(ids)?;
    let b = body(b)?;
    let input = EndPositionInput {
        ended_on: b.ended_on,
        reason: b.reason,
    };
    let ctx = state.ctx(Some(can.who), &rc);
    let p = app::end_position(&ctx, id, position_id, &input).await?;
    Ok(Json(PositionItem::new(&p, &ctx.today().to_string())))
}

/// Every position a resident holds or has held, newest first: their service history.
#[utoipa::path(get, path = "/api/v1/residents/{id}/service", tag = "groups",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ServiceList), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn service_history(
    State(state): State<AppState>,
    can: Can<GroupView>,
    rc: RequestCtx,
    id: Result<Path<ResidentId>, PathRejection>,
) -> Result<Json<ServiceList>, ApiError> {
    let id = path(id)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let h = app::service_history(&ctx, id).await?;
    Ok(Json(ServiceList {
        resident_id: h.resident_id.get(),
        full_name: h.full_name,
        items: h.items.iter().map(ServiceItem::from).collect(),
    }))
}
