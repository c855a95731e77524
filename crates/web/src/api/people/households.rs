//! Household handlers.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use tuquan_app::people;
use tuquan_domain::{HouseholdId, ResidentId};

use super::*;
use crate::auth::{Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// Households of a unit and the units below it, in Vietnamese order of the representative.
#[utoipa::path(get, path = "/api/v1/units/{code}/households", tag = "people",
    params(("code" = String, Path), PeopleQuery), security(("bearer" = [])),
    responses((status = 200, body = HouseholdList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list_households(
    State(state): State<AppState>,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<PeopleQuery>, QueryRejection>,
) -> Result<Json<HouseholdList>, ApiError> {
    let filter = query(q)?.filter()?;
    let ctx = state.ctx(Some(can.who), &rc);
    let (_, page) = people::list_households(&ctx, &code, &filter).await?;
    Ok(Json(HouseholdList {
        items: page.items.iter().map(HouseholdItem::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Creates a household in a residential unit; add its members next.
#[utoipa::path(post, path = "/api/v1/units/{code}/households", tag = "people",
    params(("code" = String, Path)), request_body = HouseholdBody, security(("bearer" = [])),
    responses((status = 201, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody),
              (status = 422, description = "Not a current residential unit (`rule.household_unit`)", body = ErrorBody)))]
pub async fn create_household(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<HouseholdBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body(b)?.into();
    let ctx = state.ctx(Some(can.who), &rc);
    let created = people::create_household(&ctx, &code, &input).await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/households/{}", created.id),
        )],
        Json(HouseholdItem::from(&created)),
    ))
}

/// One household with its members (identity numbers masked) and its moves.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "people",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = HouseholdDetail), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_household(
    State(state): State<AppState>,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
) -> Result<Json<HouseholdDetail>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let d = people::household(&ctx, id).await?;
    Ok(Json(HouseholdDetail {
        household: HouseholdItem::from(&d.household),
        members: d.members.iter().map(ResidentItem::from).collect(),
        moves: d
            .moves
            .into_iter()
            .map(|(from_unit, to_unit, moved_on)| HouseholdMove {
                from_unit,
                to_unit,
                moved_on,
            })
            .collect(),
    }))
}

#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "people",
    params(("id" = i64, Path)), request_body = HouseholdBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_household(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    b: Result<Json<HouseholdBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let input = body(b)?.into();
    let ctx = state.ctx(Some(can.who), &rc);
    let h = people::update_household(&ctx, id, &input).await?;
    Ok(Json(HouseholdItem::from(&h)))
}

/// Moves a household to another unit (both units must be in the caller's grants).
#[utoipa::path(post, path = "/api/v1/households/{id}/move", tag = "people",
    params(("id" = i64, Path)), request_body = MoveBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody),
              (status = 422, description = "Not a current residential unit (`rule.household_unit`)", body = ErrorBody)))]
pub async fn move_household(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let h = people::move_household(&ctx, id, &b.unit_code, b.moved_on.as_deref()).await?;
    Ok(Json(HouseholdItem::from(&h)))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/status", tag = "people",
    params(("id" = i64, Path)), request_body = HouseholdStatusBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn household_status(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    b: Result<Json<HouseholdStatusBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let status = people::parse_household_status(&body(b)?.status).map_err(Failure::Invalid)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let h = people::set_household_status(&ctx, id, status).await?;
    Ok(Json(HouseholdItem::from(&h)))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/representative", tag = "people",
    params(("id" = i64, Path)), request_body = RepresentativeBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn set_representative(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    b: Result<Json<RepresentativeBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let h = people::set_representative(&ctx, id, ResidentId(b.resident_id)).await?;
    Ok(Json(HouseholdItem::from(&h)))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/residents", tag = "people",
    params(("id" = i64, Path)), request_body = ResidentBody, security(("bearer" = [])),
    responses((status = 201, body = ResidentItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody),
              (status = 422, description = "The CCCD is already recorded (`rule.cccd_exists`), or the household is not active (`rule.household_inactive`)", body = ErrorBody)))]
pub async fn add_resident(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    b: Result<Json<ResidentBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body(b)?.into();
    let ctx = state.ctx(Some(can.who), &rc);
    let r = people::add_resident(&ctx, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/residents/{}", r.id))],
        Json(ResidentItem::from(&r)),
    ))
}
