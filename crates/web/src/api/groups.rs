//! `/api/v1` for groups: lists, creation, decisions with their scans, positions, history,
//! service histories, coordination regulations and term lengths. The functions here also
//! serve the HTML pages (`pages::groups`): each loads the record, makes the one authorization
//! check on its unit, acts, and the store audits.

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::civil::Date;
use serde::Serialize;
use tuquan_domain::access::authorize;
use tuquan_domain::groups::{Ineligible, Reason};
use tuquan_domain::page::Cursor;
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::groups::{GroupRecord, GroupUnit};
use utoipa::ToSchema;

use crate::auth::{Can, Capability};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::AppState;

mod decisions;
mod items;
mod list;
mod positions;
mod regulations;
pub(crate) mod service;
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

/// Today in Vietnam.
pub(crate) fn today() -> Date {
    tuquan_domain::time::vietnam_date(jiff::Timestamp::now())
}

/// A group, checked for the caller's capability `A`: on the group's own unit, or, when
/// `any_unit`, on any unit it covers (a unit head sees the commune's security team that
/// covers the head's unit).
pub(crate) async fn load_group<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    id: i64,
    any_unit: bool,
) -> Result<(GroupRecord, Vec<GroupUnit>), Failure> {
    let group = state.store.group(id, &today().to_string()).await?;
    let units = state.store.group_units(id).await?;
    let mut target = group.unit_path.as_str();
    if any_unit && authorize(&can.who.actor, A::ACTION, Some(target)).is_err() {
        if let Some(u) = units
            .iter()
            .find(|u| authorize(&can.who.actor, A::ACTION, Some(&u.unit_path)).is_ok())
        {
            target = &u.unit_path;
        }
    }
    can.check(Some(target))?;
    Ok((group, units))
}

/// A unit by code, checked for the caller's capability on it.
pub(crate) async fn load_unit<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    code: &str,
) -> Result<Unit, Failure> {
    let unit = crate::api::territory::load_unit_for(state, code).await?;
    can.check(Some(&unit.path))?;
    Ok(unit)
}

/// An id or cursor from the query string.
pub(crate) fn parse_cursor(raw: Option<&str>) -> Result<Option<(Vec<u8>, i64)>, Failure> {
    match raw.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            let c = Cursor::parse(raw)?;
            let id = c.code.parse::<i64>().map_err(|_| {
                FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor")
            })?;
            Ok(Some((c.sort_key, id)))
        }
    }
}

pub(crate) fn encode_cursor((sort_key, id): (Vec<u8>, i64)) -> String {
    Cursor {
        sort_key,
        code: id.to_string(),
    }
    .encode()
}

/// The field an ineligibility is about: the person, or the position asked for.
pub(crate) fn reason_field(r: Reason) -> &'static str {
    match r {
        Reason::NotActive
        | Reason::HeadUnder21
        | Reason::NotLivingInUnit
        | Reason::SecurityAge
        | Reason::ResidenceUnknown
        | Reason::ResidenceUnderOneYear
        | Reason::AlreadyHolds => "resident_id",
        Reason::ActingOnlyHead => "acting",
        Reason::RoleNotInKind
        | Reason::GroupNotActive
        | Reason::GroupDissolved
        | Reason::HeadTaken
        | Reason::DeputyTaken
        | Reason::NoHead => "role",
    }
}

/// The message for a refused appointment, in the reader's language.
pub(crate) fn reason_message(lang: Lang, e: Ineligible) -> String {
    lang.t(&format!("groups.reason.{}", e.reason_code()))
        .to_owned()
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

/// A refused appointment as a 422 response.
pub(crate) fn ineligible_response(lang: Lang, e: Ineligible) -> Response {
    let body = IneligibleBody {
        error: IneligibleDetail {
            code: "ineligible".into(),
            message: reason_message(lang, e),
            field: reason_field(e.reason).into(),
            reason: e.reason_code().into(),
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}
