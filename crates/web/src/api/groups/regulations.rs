//! Coordination regulations (quy chế phối hợp) and the term length per province.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use tuquan_app::groups as app;
use tuquan_domain::groups::{NewRegulationInput, NewReviewInput};

use super::items::*;
use crate::auth::{Can, GroupManage, GroupView, RegulationManage, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

impl From<&app::RegulationDetail> for RegulationDetail {
    fn from(d: &app::RegulationDetail) -> Self {
        Self {
            unit_code: d.unit.code.clone(),
            unit_name: d.unit.name.clone(),
            review_due: d.review_due,
            last_checked: d.last_checked.clone(),
            current_unit_head: d.current_unit_head.clone(),
            current_front_head: d.current_front_head.clone(),
            versions: d.versions.iter().map(RegulationItem::from).collect(),
            reviews: d.reviews.iter().map(ReviewItem::from).collect(),
        }
    }
}

/// A residential unit's coordination regulation between its head and the head of its Front
/// work committee: every version (old ones kept), every review, and `review_due` when the
/// last signing or review is more than twelve months old.
#[utoipa::path(get, path = "/api/v1/units/{code}/regulations", tag = "groups",
    params(("code" = String, Path, description = "A residential unit code")),
    security(("bearer" = [])),
    responses((status = 200, body = RegulationDetail),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Not a residential unit (`regulation_unit`)", body = ErrorBody)))]
pub async fn get_regulations(
    State(state): State<AppState>,
    can: Can<GroupView>,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<RegulationDetail>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let d = app::regulation(&ctx, &code).await?;
    Ok(Json(RegulationDetail::from(&d)))
}

/// Record a signing or re-signing: a new version. The parties default to today's holders.
#[utoipa::path(post, path = "/api/v1/units/{code}/regulations", tag = "groups",
    params(("code" = String, Path)), request_body = SignBody, security(("bearer" = [])),
    responses((status = 201, body = CreatedVersion),
              (status = 400, description = "A bad field; a party with no holder to default to is `required`", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Not a current residential unit (`regulation_unit`, `former_unit`)", body = ErrorBody)))]
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
    let ctx = state.ctx(Some(can.who), &rc);
    let (id, version) = app::sign_regulation(&ctx, &code, &input)
        .await
        .map_err(|e| crate::error::required_here(e, &["front_head_name", "unit_head_name"]))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedVersion {
            id: id.get(),
            version,
        }),
    ))
}

/// Record the yearly review of the latest version, when it stays unchanged.
#[utoipa::path(post, path = "/api/v1/units/{code}/regulations/reviews", tag = "groups",
    params(("code" = String, Path)), request_body = ReviewBody, security(("bearer" = [])),
    responses((status = 201, body = CreatedId), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Nothing signed yet (`no_regulation`) or not a residential unit", body = ErrorBody)))]
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
    let ctx = state.ctx(Some(can.who), &rc);
    let id = app::review_regulation(&ctx, &code, &input).await?;
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
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<DueList>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let rows = app::regulations_due(&ctx, &code).await?;
    Ok(Json(DueList {
        items: rows.iter().map(DueItem::from).collect(),
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
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<TermYearsItem>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let (unit, years) = app::term_years(&ctx, &code, false).await?;
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
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Not a province (`term_province`)", body = ErrorBody)))]
pub async fn set_term_years(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<TermYearsBody>, JsonRejection>,
) -> Result<Json<TermYearsItem>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let (unit, years) = app::set_term_years(&ctx, &code, &b.years).await?;
    Ok(Json(TermYearsItem {
        province_code: unit.code,
        years: years.as_str().to_owned(),
    }))
}
