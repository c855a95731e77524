//! Resident handlers: records, identity numbers, consent, export, erasure, self-service.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use tuquan_domain::people::{NewResident, NewResidentInput, ResidentStatus};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::residents::ResidentRecord;

use super::*;
use crate::auth::{
    Authenticated, Can, CurrentUser, ErasureApprove, HouseholdEdit, HouseholdView, IdentityView,
    RequestCtx, ResidentRights,
};
use crate::error::{ApiError, ErrorBody, Failure};
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
    let q = parse_people_query(&query(q)?)?;
    let unit = unit_for(&state, &can, &code).await?;
    let (rows, next) = resident_page(&state, &unit, &q).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "resident.list_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    Ok(Json(ResidentList {
        items: rows.iter().map(ResidentItem::from).collect(),
        next_cursor: next,
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
    Path(id): Path<i64>,
) -> Result<Json<ResidentItem>, ApiError> {
    let r = resident_for(&state, &can, id).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "resident.viewed",
        "resident",
        id.to_string(),
        &r.unit_path,
    )
    .await?;
    Ok(Json(ResidentItem::from(&r)))
}

pub(crate) async fn do_update_resident(
    state: &AppState,
    can: &Can<HouseholdEdit>,
    rc: &RequestCtx,
    id: i64,
    input: &NewResidentInput,
) -> Result<(), Failure> {
    resident_for(state, can, id).await?;
    let r = NewResident::parse(input, today())?;
    state
        .store
        .update_resident(id, &r, &rc.audit(Some(&can.who)))
        .await?;
    Ok(())
}

#[utoipa::path(put, path = "/api/v1/residents/{id}", tag = "people",
    params(("id" = i64, Path)), request_body = inline(Object), security(("bearer" = [])),
    responses((status = 200, body = ResidentItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_resident(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<NewResidentInput>, JsonRejection>,
) -> Result<Json<ResidentItem>, ApiError> {
    let input = body(b)?;
    do_update_resident(&state, &can, &rc, id, &input).await?;
    Ok(Json(ResidentItem::from(&state.store.resident(id).await?)))
}

pub(crate) fn parse_resident_status(raw: &str) -> Result<ResidentStatus, Failure> {
    ResidentStatus::parse(raw.trim())
        .filter(|s| *s != ResidentStatus::Erased)
        .ok_or_else(|| {
            FieldError::new(
                "status",
                FieldErrorKind::UnknownValue,
                "active, moved_away or deceased",
            )
            .into()
        })
}

#[utoipa::path(post, path = "/api/v1/residents/{id}/status", tag = "people",
    params(("id" = i64, Path)), request_body = StatusBody, security(("bearer" = [])),
    responses((status = 200, body = ResidentItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn resident_status(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<StatusBody>, JsonRejection>,
) -> Result<Json<ResidentItem>, ApiError> {
    let status = parse_resident_status(&body(b)?.status)?;
    resident_for(&state, &can, id).await?;
    state
        .store
        .set_resident_status(id, status, &rc.audit(Some(&can.who)))
        .await?;
    Ok(Json(ResidentItem::from(&state.store.resident(id).await?)))
}

/// The full identity number, for the roles allowed; each view is audited.
pub(crate) async fn reveal_identity(
    state: &AppState,
    can: &Can<IdentityView>,
    rc: &RequestCtx,
    id: i64,
) -> Result<(ResidentRecord, Option<String>), Failure> {
    let r = resident_for(state, can, id).await?;
    let number = state.store.resident_identity(id).await?;
    audit_read(
        state,
        &can.who,
        rc,
        "identity.viewed",
        "resident",
        id.to_string(),
        &r.unit_path,
    )
    .await?;
    Ok((r, number))
}

#[utoipa::path(get, path = "/api/v1/residents/{id}/identity", tag = "people",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IdentityNumber), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn identity(
    State(state): State<AppState>,
    can: Can<IdentityView>,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Json<IdentityNumber>, ApiError> {
    let (_, cccd) = reveal_identity(&state, &can, &rc, id).await?;
    Ok(Json(IdentityNumber {
        resident_id: id,
        cccd,
    }))
}

pub(crate) async fn do_add_consent(
    state: &AppState,
    can: &Can<HouseholdEdit>,
    rc: &RequestCtx,
    id: i64,
    c: &ConsentBody,
) -> Result<i64, Failure> {
    let r = resident_for(state, can, id).await?;
    let purpose = required_text(&c.purpose, "purpose", 100)?;
    let source = required_text(&c.source, "source", 100)?;
    let given_on = parse_date(c.given_on.as_deref(), "given_on")?;
    let granted = c.granted;
    Ok(state
        .store
        .record_consent(
            &r,
            &purpose,
            granted,
            &given_on,
            &source,
            &rc.audit(Some(&can.who)),
        )
        .await?)
}

#[utoipa::path(post, path = "/api/v1/residents/{id}/consents", tag = "people",
    params(("id" = i64, Path)), request_body = ConsentBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn add_consent(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<ConsentBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let cid = do_add_consent(&state, &can, &rc, id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id: cid })))
}

/// Everything held about a resident, as JSON; the export is audited.
pub(crate) async fn export_resident(
    state: &AppState,
    who: &Authenticated,
    rc: &RequestCtx,
    r: &ResidentRecord,
) -> Result<Value, Failure> {
    let data = state.store.resident_export(r.id).await?;
    audit_read(
        state,
        who,
        rc,
        "resident.exported",
        "resident",
        r.id.to_string(),
        &r.unit_path,
    )
    .await?;
    Ok(json!({
        "exported_at": tuquan_store::now(),
        "exported_by": who.user.username,
        "data": data,
    }))
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
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let r = resident_for(&state, &can, id).await?;
    let v = export_resident(&state, &can.who, &rc, &r).await?;
    Ok(download(&format!("cu-dan-{id}.json"), &v))
}

pub(crate) async fn do_request_erasure(
    state: &AppState,
    who: &Authenticated,
    rc: &RequestCtx,
    r: &ResidentRecord,
    reason: &str,
) -> Result<i64, Failure> {
    if r.status == ResidentStatus::Erased.as_str() {
        return Err(Failure::Conflict { field: "status" });
    }
    let reason = required_text(reason, "reason", 500)?;
    Ok(state
        .store
        .request_erasure(r, &reason, &rc.audit(Some(who)))
        .await?)
}

#[utoipa::path(post, path = "/api/v1/residents/{id}/erasure-requests", tag = "people",
    params(("id" = i64, Path)), request_body = ErasureBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn request_erasure(
    State(state): State<AppState>,
    can: Can<ResidentRights>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<ErasureBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let r = resident_for(&state, &can, id).await?;
    let req = do_request_erasure(&state, &can.who, &rc, &r, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id: req })))
}

pub(crate) async fn do_decide_erasure(
    state: &AppState,
    can: &Can<ErasureApprove>,
    rc: &RequestCtx,
    request_id: i64,
    approve: bool,
) -> Result<(), Failure> {
    let req = state.store.erasure_request(request_id).await?;
    resident_for(state, can, req.resident_id).await?;
    state
        .store
        .decide_erasure(request_id, approve, &rc.audit(Some(&can.who)))
        .await?;
    Ok(())
}

/// Approves (personal fields anonymised; counts and history stay) or refuses a request.
#[utoipa::path(post, path = "/api/v1/erasure-requests/{id}/decision", tag = "people",
    params(("id" = i64, Path)), request_body = DecisionBody, security(("bearer" = [])),
    responses((status = 200, body = Created), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "Already decided", body = ErrorBody)))]
pub async fn decide_erasure(
    State(state): State<AppState>,
    can: Can<ErasureApprove>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<DecisionBody>, JsonRejection>,
) -> Result<Json<Created>, ApiError> {
    let b = body(b)?;
    do_decide_erasure(&state, &can, &rc, id, b.approve).await?;
    Ok(Json(Created { id }))
}

/// The signed-in person's own resident record, if their account is linked to one.
pub(crate) async fn own_resident(
    state: &AppState,
    who: &Authenticated,
) -> Result<ResidentRecord, Failure> {
    let id = who.user.resident_id.ok_or(Failure::NotFound)?;
    Ok(state.store.resident(id).await?)
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
    let r = own_resident(&state, &who).await?;
    let v = export_resident(&state, &who, &rc, &r).await?;
    Ok(download("du-lieu-cua-toi.json", &v))
}

/// Asks for the caller's own data to be erased; an official decides.
#[utoipa::path(post, path = "/api/v1/me/erasure-request", tag = "account",
    request_body = ErasureBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = ErrorBody)))]
pub async fn my_erasure_request(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    b: Result<Json<ErasureBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let r = own_resident(&state, &who).await?;
    let req = do_request_erasure(&state, &who, &rc, &r, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id: req })))
}
