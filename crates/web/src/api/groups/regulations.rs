//! Coordination regulations (quy chế phối hợp) and the term length per province.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use tuquan_domain::groups::{NewRegulationInput, NewReviewInput};
use tuquan_domain::territory::Unit;

use super::items::*;
use super::list::body;
use super::{load_unit, service, today};
use crate::auth::{Can, GroupManage, GroupView, RegulationManage, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::AppState;

/// A unit's regulation with its versions, reviews and the current parties.
pub(crate) async fn regulation_detail(
    state: &AppState,
    unit: &Unit,
) -> Result<RegulationDetail, Failure> {
    let versions = state.store.regulations_of(&unit.code).await?;
    let reviews = state.store.regulation_reviews_of(&unit.code).await?;
    let (head, front) = service::current_parties(state, unit).await?;
    let last_signed = versions.first().map(|v| v.signed_on.clone());
    let last_reviewed = reviews.first().map(|r| r.reviewed_on.clone());
    let last_checked = match (last_signed, last_reviewed) {
        (Some(s), Some(r)) => Some(if r > s { r } else { s }),
        (s, r) => s.or(r),
    };
    let review_due = last_checked
        .as_deref()
        .and_then(|d| d.parse().ok())
        .is_some_and(|d| tuquan_domain::groups::review_due(d, today()));
    Ok(RegulationDetail {
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        review_due,
        last_checked,
        current_unit_head: head.map(|h| h.1),
        current_front_head: front.map(|f| f.1),
        versions: versions.iter().map(RegulationItem::from).collect(),
        reviews: reviews.iter().map(ReviewItem::from).collect(),
    })
}

/// A residential unit's coordination regulation between its head and the head of its Front
/// work committee: every version (old ones kept), every review, and `review_due` when the
/// last signing or review is more than twelve months old.
#[utoipa::path(get, path = "/api/v1/units/{code}/regulations", tag = "groups",
    params(("code" = String, Path, description = "A residential unit code")),
    security(("bearer" = [])),
    responses((status = 200, body = RegulationDetail), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_regulations(
    State(state): State<AppState>,
    can: Can<GroupView>,
    Path(code): Path<String>,
) -> Result<Json<RegulationDetail>, ApiError> {
    let unit = service::regulation_unit(&state, &can, &code).await?;
    Ok(Json(regulation_detail(&state, &unit).await?))
}

/// Record a signing or re-signing: a new version. The parties default to today's holders.
#[utoipa::path(post, path = "/api/v1/units/{code}/regulations", tag = "groups",
    params(("code" = String, Path)), request_body = SignBody, security(("bearer" = [])),
    responses((status = 201, body = CreatedVersion),
              (status = 400, description = "A bad field; a party with no holder to default to is `required`", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn sign_regulation(
    State(state): State<AppState>,
    can: Can<RegulationManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<SignBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = NewRegulationInput {
        signed_on: b.signed_on,
        unit_head_name: b.unit_head_name,
        front_head_name: b.front_head_name,
        note: b.note,
    };
    let (id, version) = service::sign_regulation(&state, &can, &rc, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedVersion { id, version })))
}

/// Record the yearly review of the latest version, when it stays unchanged.
#[utoipa::path(post, path = "/api/v1/units/{code}/regulations/reviews", tag = "groups",
    params(("code" = String, Path)), request_body = ReviewBody, security(("bearer" = [])),
    responses((status = 201, body = CreatedId), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn review_regulation(
    State(state): State<AppState>,
    can: Can<RegulationManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ReviewBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = NewReviewInput {
        reviewed_on: b.reviewed_on,
        note: b.note,
    };
    let id = service::review_regulation(&state, &can, &rc, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })))
}

/// Units of a commune (or any unit's subtree) whose regulation is due for its yearly review.
#[utoipa::path(get, path = "/api/v1/units/{code}/regulations/due", tag = "groups",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = DueList), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn regulations_due(
    State(state): State<AppState>,
    can: Can<GroupView>,
    Path(code): Path<String>,
) -> Result<Json<DueList>, ApiError> {
    let unit = load_unit(&state, &can, &code).await?;
    let rows = service::regulation_status(&state, &unit).await?;
    Ok(Json(DueList {
        items: rows
            .iter()
            .filter(|(_, due)| *due)
            .map(|(s, _)| DueItem::from(s))
            .collect(),
    }))
}

/// A province's term of office (2.5 or 5 years; 5 unless set).
#[utoipa::path(get, path = "/api/v1/units/{code}/term-years", tag = "groups",
    params(("code" = String, Path, description = "A province code")), security(("bearer" = [])),
    responses((status = 200, body = TermYearsItem), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get_term_years(
    State(state): State<AppState>,
    can: Can<GroupView>,
    Path(code): Path<String>,
) -> Result<Json<TermYearsItem>, ApiError> {
    let unit = load_unit(&state, &can, &code).await?;
    let years = state.store.term_years(&unit.province_code).await?;
    Ok(Json(TermYearsItem {
        province_code: unit.province_code,
        years: years.as_str().to_owned(),
    }))
}

/// Set a province's term of office. Terms already begun keep their end.
#[utoipa::path(put, path = "/api/v1/units/{code}/term-years", tag = "groups",
    params(("code" = String, Path, description = "A province code")),
    request_body = TermYearsBody, security(("bearer" = [])),
    responses((status = 200, body = TermYearsItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_term_years(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<TermYearsBody>, JsonRejection>,
) -> Result<Json<TermYearsItem>, ApiError> {
    let b = body(b)?;
    let years = service::set_term_years(&state, &can, &rc, &code, &b.years).await?;
    Ok(Json(TermYearsItem {
        province_code: code.trim().to_owned(),
        years: years.as_str().to_owned(),
    }))
}
