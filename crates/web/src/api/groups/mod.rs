//! `/api/v1` for groups: lists, creation, decisions with their scans, positions, history,
//! service histories, coordination regulations and term lengths. Each handler parses its
//! input, calls one use case of `tuquan_app::groups` (which authorizes, acts and audits) and
//! renders the JSON.

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use tuquan_app::groups::INELIGIBLE;
use tuquan_app::AppError;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::AppState;

mod decisions;
mod items;
mod list;
mod positions;
mod regulations;
pub(crate) mod upload;

pub use decisions::*;
pub use items::*;
pub use list::*;
pub use positions::*;
pub use regulations::*;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/groups"),
    ("POST", "/api/v1/units/{code}/leadership"),
    ("POST", "/api/v1/groups/{id}/decisions"),
    ("POST", "/api/v1/groups/{id}/positions"),
    ("POST", "/api/v1/groups/{id}/positions/{position_id}/end"),
    ("POST", "/api/v1/units/{code}/regulations"),
    ("POST", "/api/v1/units/{code}/regulations/reviews"),
    ("PUT", "/api/v1/units/{code}/term-years"),
];

/// The largest request body of an upload: a 5 MB scan and the form around it, with room to
/// say that a larger scan is too large rather than fail the request.
pub(crate) const UPLOAD_BODY_LIMIT: usize = 8 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units/{code}/groups",
            get(list_groups).post(create_group),
        )
        .route("/api/v1/units/{code}/leadership", post(ensure_leadership))
        .route("/api/v1/groups/{id}", get(get_group))
        .route("/api/v1/groups/{id}/history", get(group_history))
        .route(
            "/api/v1/groups/{id}/decisions",
            post(record_decision).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/groups/{id}/decisions/{decision_id}/scan",
            get(decision_scan),
        )
        .route("/api/v1/groups/{id}/positions", post(appoint))
        .route(
            "/api/v1/groups/{id}/positions/{position_id}/end",
            post(end_position),
        )
        .route("/api/v1/residents/{id}/service", get(service_history))
        .route(
            "/api/v1/units/{code}/regulations",
            get(get_regulations).post(sign_regulation),
        )
        .route(
            "/api/v1/units/{code}/regulations/reviews",
            post(review_regulation),
        )
        .route("/api/v1/units/{code}/regulations/due", get(regulations_due))
        .route(
            "/api/v1/units/{code}/term-years",
            get(get_term_years).put(set_term_years),
        )
}

pub(crate) use crate::extract::path;

/// The message for a refused appointment (`reason`: its code), in the reader's language.
pub(crate) fn reason_message(lang: Lang, reason: &str) -> String {
    lang.t(&format!("groups.reason.{reason}")).to_owned()
}

/// The body of a refused appointment.
#[derive(Debug, Serialize, ToSchema)]
pub struct IneligibleBody {
    pub error: IneligibleDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IneligibleDetail {
    /// Always `ineligible`.
    pub code: String,
    /// Why, in the reader's language.
    pub message: String,
    /// `resident_id`, `role` or `acting`.
    pub field: String,
    /// Stable reason code: `not_active`, `head_under_21`, `not_living_in_unit`,
    /// `security_age`, `residence_unknown`, `residence_under_1_year`, `role_not_in_kind`,
    /// `acting_only_head`, `group_not_active`, `group_dissolved`, `head_taken`,
    /// `deputy_taken`, `no_head`, `already_holds`.
    pub reason: String,
}

/// A refused appointment as a 422 response with its reason; any other error as it is.
pub(crate) fn refusal_response(lang: Lang, e: AppError) -> Result<Response, ApiError> {
    match e {
        AppError::Rule {
            code: INELIGIBLE,
            field,
            detail,
        } => {
            let body = IneligibleBody {
                error: IneligibleDetail {
                    code: INELIGIBLE.into(),
                    message: reason_message(lang, &detail),
                    field: field.unwrap_or("role").into(),
                    reason: detail,
                },
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
        e => Err(e.into()),
    }
}
