//! `/api/v1` for households and residents. The functions here also serve the HTML pages
//! (`pages::people`): each loads the record, makes the one authorization check on its unit,
//! acts, and audits.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::Query;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::territory::{SearchQuery, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditEntry;
use tuquan_store::households::{HouseholdQuery, HouseholdRecord};
use tuquan_store::residents::{ResidentQuery, ResidentRecord};
use utoipa::{IntoParams, ToSchema};

use crate::api::territory::load_unit_for;
use crate::auth::{Authenticated, Can, Capability, RequestCtx};
use crate::error::Failure;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/households"),
    ("PUT", "/api/v1/households/{id}"),
    ("POST", "/api/v1/households/{id}/move"),
    ("POST", "/api/v1/households/{id}/status"),
    ("POST", "/api/v1/households/{id}/representative"),
    ("POST", "/api/v1/households/{id}/residents"),
    ("PUT", "/api/v1/residents/{id}"),
    ("POST", "/api/v1/residents/{id}/status"),
    ("POST", "/api/v1/residents/{id}/consents"),
    ("POST", "/api/v1/residents/{id}/erasure-requests"),
    ("POST", "/api/v1/erasure-requests/{id}/decision"),
    ("POST", "/api/v1/me/erasure-request"),
];

mod households;
mod residents;

pub use households::*;
pub use residents::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units/{code}/households",
            get(list_households).post(create_household),
        )
        .route("/api/v1/units/{code}/residents", get(list_residents))
        .route(
            "/api/v1/households/{id}",
            get(get_household).put(update_household),
        )
        .route("/api/v1/households/{id}/move", post(move_household))
        .route("/api/v1/households/{id}/status", post(household_status))
        .route(
            "/api/v1/households/{id}/representative",
            post(set_representative),
        )
        .route("/api/v1/households/{id}/residents", post(add_resident))
        .route(
            "/api/v1/residents/{id}",
            get(get_resident).put(update_resident),
        )
        .route("/api/v1/residents/{id}/status", post(resident_status))
        .route("/api/v1/residents/{id}/identity", get(identity))
        .route("/api/v1/residents/{id}/consents", post(add_consent))
        .route("/api/v1/residents/{id}/export", get(export))
        .route(
            "/api/v1/residents/{id}/erasure-requests",
            post(request_erasure),
        )
        .route(
            "/api/v1/erasure-requests/{id}/decision",
            post(decide_erasure),
        )
        .route("/api/v1/me/data", get(my_data))
        .route("/api/v1/me/erasure-request", post(my_erasure_request))
}

// ---------------------------------------------------------------------------------------
// Shared with the pages.

pub(crate) fn today() -> jiff::civil::Date {
    tuquan_domain::time::vietnam_date(jiff::Timestamp::now())
}

/// A household, after the one authorization check on its unit.
pub(crate) async fn household_for<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    id: i64,
) -> Result<HouseholdRecord, Failure> {
    let h = state.store.household(id).await?;
    can.check(Some(&h.unit_path))?;
    Ok(h)
}

/// A resident, after the one authorization check on their unit.
pub(crate) async fn resident_for<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    id: i64,
) -> Result<ResidentRecord, Failure> {
    let r = state.store.resident(id).await?;
    can.check(Some(&r.unit_path))?;
    Ok(r)
}

/// A unit, after the one authorization check on it.
pub(crate) async fn unit_for<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    code: &str,
) -> Result<Unit, Failure> {
    let unit = load_unit_for(state, code).await?;
    can.check(Some(&unit.path))?;
    Ok(unit)
}

/// Records a read of personal data.
pub(crate) async fn audit_read(
    state: &AppState,
    who: &Authenticated,
    rc: &RequestCtx,
    action: &'static str,
    target_type: &'static str,
    target_id: String,
    unit_path: &str,
) -> Result<(), Failure> {
    let entry = AuditEntry {
        action,
        target_type,
        target_id,
        unit_path: Some(unit_path.to_owned()),
        before: None,
        after: None,
    };
    state.store.audit(&rc.audit(Some(who)), &entry).await?;
    Ok(())
}

/// Search and paging parameters shared by the household and resident lists.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Name (or, for households, address) without accents or case.
    pub q: Option<String>,
    /// Part of a phone number.
    pub phone: Option<String>,
    /// `true` to include moved-away, dissolved, deceased and erased records.
    pub all: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub(crate) struct ParsedPeopleQuery {
    pub pattern: String,
    pub phone: String,
    pub include_inactive: bool,
    pub limit: Limit,
    pub after: Option<(Vec<u8>, i64)>,
}

pub(crate) fn parse_people_query(q: &PeopleQuery) -> Result<ParsedPeopleQuery, Failure> {
    let pattern = SearchQuery::parse(q.q.as_deref().unwrap_or(""))?
        .map(|s| s.like_pattern)
        .unwrap_or_default();
    let phone: String = q
        .phone
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let limit = Limit::parse(q.limit.as_deref())?;
    let after = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => {
            let c = Cursor::parse(raw)?;
            let id = c.code.parse::<i64>().map_err(|_| {
                FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor")
            })?;
            Some((c.sort_key, id))
        }
    };
    Ok(ParsedPeopleQuery {
        pattern,
        phone,
        include_inactive: matches!(q.all.as_deref(), Some("true" | "1" | "on")),
        limit,
        after,
    })
}

fn encode_cursor((sort_key, id): (Vec<u8>, i64)) -> String {
    Cursor {
        sort_key,
        code: id.to_string(),
    }
    .encode()
}

/// One page of households of a unit's subtree; the next cursor if there is more.
pub(crate) async fn household_page(
    state: &AppState,
    unit: &Unit,
    q: &ParsedPeopleQuery,
) -> Result<(Vec<HouseholdRecord>, Option<String>), Failure> {
    let query = HouseholdQuery {
        text_pattern: q.pattern.clone(),
        phone: q.phone.clone(),
        include_inactive: q.include_inactive,
    };
    let limit = q.limit.get() as usize;
    let mut rows = state
        .store
        .households_in(unit, &query, q.after.clone(), limit as i64 + 1)
        .await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|h| encode_cursor(h.cursor()))
    } else {
        None
    };
    Ok((rows, next))
}

pub(crate) async fn resident_page(
    state: &AppState,
    unit: &Unit,
    q: &ParsedPeopleQuery,
) -> Result<(Vec<ResidentRecord>, Option<String>), Failure> {
    let query = ResidentQuery {
        name_pattern: q.pattern.clone(),
        phone: q.phone.clone(),
        include_inactive: q.include_inactive,
    };
    let limit = q.limit.get() as usize;
    let mut rows = state
        .store
        .residents_in(unit, &query, q.after.clone(), limit as i64 + 1)
        .await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(r.cursor()))
    } else {
        None
    };
    Ok((rows, next))
}

/// The unit a household is created in or moved to: current, and at the residential level.
pub(crate) fn check_household_unit(unit: &Unit, field: &'static str) -> Result<(), Failure> {
    if unit.valid_to.is_some() || unit.kind.tier() != tuquan_domain::territory::Tier::Residential {
        return Err(FieldError::new(
            field,
            FieldErrorKind::NotAllowedHere,
            "households belong to a current residential unit",
        )
        .into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// JSON shapes.

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdItem {
    pub id: i64,
    pub unit_code: String,
    pub address: String,
    pub phone: Option<String>,
    pub representative_id: Option<i64>,
    pub representative_name: String,
    pub member_count: i64,
    /// `active`, `moved_away` or `dissolved`.
    pub status: String,
}

impl From<&HouseholdRecord> for HouseholdItem {
    fn from(h: &HouseholdRecord) -> Self {
        Self {
            id: h.id,
            unit_code: h.unit_code.clone(),
            address: h.address.clone(),
            phone: h.phone.clone(),
            representative_id: h.representative_id,
            representative_name: h.representative_name.clone(),
            member_count: h.member_count,
            status: h.status.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentItem {
    pub id: i64,
    pub household_id: i64,
    pub unit_code: String,
    pub full_name: String,
    pub birth_date: String,
    /// `male` or `female`.
    pub gender: String,
    pub phone: Option<String>,
    /// `permanent` (thường trú) or `temporary` (tạm trú).
    pub residence_type: String,
    pub residence_since: Option<String>,
    /// Masked, e.g. `0791••••••34`; the full number is at `/identity` for those allowed.
    pub cccd: Option<String>,
    /// `active`, `moved_away`, `deceased` or `erased`.
    pub status: String,
}

impl From<&ResidentRecord> for ResidentItem {
    fn from(r: &ResidentRecord) -> Self {
        Self {
            id: r.id,
            household_id: r.household_id,
            unit_code: r.unit_code.clone(),
            full_name: r.full_name.clone(),
            birth_date: r.birth_date.clone(),
            gender: r.gender.clone(),
            phone: r.phone.clone(),
            residence_type: r.residence_type.clone(),
            residence_since: r.residence_since.clone(),
            cccd: r.cccd_masked.clone(),
            status: r.status.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdList {
    pub items: Vec<HouseholdItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentList {
    pub items: Vec<ResidentItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdMove {
    pub from_unit: String,
    pub to_unit: String,
    pub moved_on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdDetail {
    #[serde(flatten)]
    pub household: HouseholdItem,
    pub members: Vec<ResidentItem>,
    /// Earlier units, oldest first.
    pub moves: Vec<HouseholdMove>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBody {
    pub unit_code: String,
    /// `YYYY-MM-DD`; today when absent.
    pub moved_on: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusBody {
    pub status: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RepresentativeBody {
    pub resident_id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentBody {
    /// What the data may be used for, e.g. `community_contact`, `announcements`.
    pub purpose: String,
    pub granted: bool,
    /// `YYYY-MM-DD`; today when absent.
    pub given_on: Option<String>,
    /// How it was given, e.g. `paper form`, `in person`, `app`.
    pub source: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ErasureBody {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    pub approve: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityNumber {
    pub resident_id: i64,
    pub cccd: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Failure> {
    b.map(|Json(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, Failure> {
    q.map(|Query(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

pub(crate) fn parse_date(raw: Option<&str>, field: &'static str) -> Result<String, Failure> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today().to_string()),
        Some(s) => s
            .parse::<jiff::civil::Date>()
            .map(|d| d.to_string())
            .map_err(|_| {
                FieldError::new(field, FieldErrorKind::InvalidFormat, "YYYY-MM-DD").into()
            }),
    }
}

pub(crate) fn required_text(raw: &str, field: &'static str, max: usize) -> Result<String, Failure> {
    let t = tuquan_domain::text::clean(raw);
    if t.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty").into());
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, FieldErrorKind::TooLong { max }, "long").into());
    }
    Ok(t)
}
