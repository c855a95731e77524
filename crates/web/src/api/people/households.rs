//! Household handlers.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use tuquan_domain::people::{
    HouseholdStatus, NewHousehold, NewHouseholdInput, NewResident, NewResidentInput,
};
use tuquan_domain::{FieldError, FieldErrorKind};

use super::*;
use crate::api::territory::load_unit_for;
use crate::auth::{Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
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
    let q = parse_people_query(&query(q)?)?;
    let unit = unit_for(&state, &can, &code).await?;
    let (rows, next) = household_page(&state, &unit, &q).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "household.list_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    Ok(Json(HouseholdList {
        items: rows.iter().map(HouseholdItem::from).collect(),
        next_cursor: next,
    }))
}

/// Creates a household in a residential unit; add its members next.
#[utoipa::path(post, path = "/api/v1/units/{code}/households", tag = "people",
    params(("code" = String, Path)), request_body = inline(Object), security(("bearer" = [])),
    responses((status = 201, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn create_household(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<NewHouseholdInput>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body(b)?;
    let unit = unit_for(&state, &can, &code).await?;
    check_household_unit(&unit, "unit")?;
    let h = NewHousehold::parse(&input)?;
    let id = state
        .store
        .create_household(&unit, &h, &rc.audit(Some(&can.who)))
        .await?;
    let created = state.store.household(id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/households/{id}"))],
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
    Path(id): Path<i64>,
) -> Result<Json<HouseholdDetail>, ApiError> {
    let h = household_for(&state, &can, id).await?;
    let members = state.store.residents_of_household(id).await?;
    let moves = state.store.household_moves(id).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "household.viewed",
        "household",
        id.to_string(),
        &h.unit_path,
    )
    .await?;
    Ok(Json(HouseholdDetail {
        household: HouseholdItem::from(&h),
        members: members.iter().map(ResidentItem::from).collect(),
        moves: moves
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
    params(("id" = i64, Path)), request_body = inline(Object), security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_household(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<NewHouseholdInput>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let input = body(b)?;
    household_for(&state, &can, id).await?;
    let h = NewHousehold::parse(&input)?;
    state
        .store
        .update_household(id, &h, &rc.audit(Some(&can.who)))
        .await?;
    Ok(Json(HouseholdItem::from(&state.store.household(id).await?)))
}

/// Moves a household to another unit (both units must be in the caller's grants).
pub(crate) async fn do_move(
    state: &AppState,
    can: &Can<HouseholdEdit>,
    rc: &RequestCtx,
    id: i64,
    unit_code: &str,
    moved_on: Option<&str>,
) -> Result<(), Failure> {
    household_for(state, can, id).await?;
    let to = load_unit_for(state, unit_code)
        .await
        .map_err(|_| FieldError::new("unit_code", FieldErrorKind::UnknownValue, "no such unit"))?;
    can.check(Some(&to.path))?;
    check_household_unit(&to, "unit_code")?;
    let moved_on = parse_date(moved_on, "moved_on")?;
    state
        .store
        .move_household(id, &to, &moved_on, &rc.audit(Some(&can.who)))
        .await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/households/{id}/move", tag = "people",
    params(("id" = i64, Path)), request_body = MoveBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn move_household(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let b = body(b)?;
    do_move(&state, &can, &rc, id, &b.unit_code, b.moved_on.as_deref()).await?;
    Ok(Json(HouseholdItem::from(&state.store.household(id).await?)))
}

pub(crate) fn parse_household_status(raw: &str) -> Result<HouseholdStatus, Failure> {
    HouseholdStatus::parse(raw.trim()).ok_or_else(|| {
        FieldError::new(
            "status",
            FieldErrorKind::UnknownValue,
            "active, moved_away or dissolved",
        )
        .into()
    })
}

#[utoipa::path(post, path = "/api/v1/households/{id}/status", tag = "people",
    params(("id" = i64, Path)), request_body = StatusBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn household_status(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<StatusBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let status = parse_household_status(&body(b)?.status)?;
    household_for(&state, &can, id).await?;
    state
        .store
        .set_household_status(id, status, &rc.audit(Some(&can.who)))
        .await?;
    Ok(Json(HouseholdItem::from(&state.store.household(id).await?)))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/representative", tag = "people",
    params(("id" = i64, Path)), request_body = RepresentativeBody, security(("bearer" = [])),
    responses((status = 200, body = HouseholdItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn set_representative(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<RepresentativeBody>, JsonRejection>,
) -> Result<Json<HouseholdItem>, ApiError> {
    let b = body(b)?;
    household_for(&state, &can, id).await?;
    state
        .store
        .set_representative(id, b.resident_id, &rc.audit(Some(&can.who)))
        .await?;
    Ok(Json(HouseholdItem::from(&state.store.household(id).await?)))
}

/// Adds a member to a household after every rule passed.
pub(crate) async fn do_add_resident(
    state: &AppState,
    can: &Can<HouseholdEdit>,
    rc: &RequestCtx,
    household_id: i64,
    input: &NewResidentInput,
) -> Result<i64, Failure> {
    let h = household_for(state, can, household_id).await?;
    if h.status != HouseholdStatus::Active.as_str() {
        return Err(FieldError::new(
            "household_id",
            FieldErrorKind::NotAllowedHere,
            "the household is not active",
        )
        .into());
    }
    let r = NewResident::parse(input, today())?;
    Ok(state
        .store
        .add_resident(&h, &r, &rc.audit(Some(&can.who)))
        .await?)
}

#[utoipa::path(post, path = "/api/v1/households/{id}/residents", tag = "people",
    params(("id" = i64, Path)), request_body = inline(Object), security(("bearer" = [])),
    responses((status = 201, body = ResidentItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, description = "The CCCD is already recorded", body = ErrorBody)))]
pub async fn add_resident(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<NewResidentInput>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input = body(b)?;
    let rid = do_add_resident(&state, &can, &rc, id, &input).await?;
    let r = state.store.resident(rid).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/residents/{rid}"))],
        Json(ResidentItem::from(&r)),
    ))
}
