//! `/api/v1` for households and residents. The functions here also serve the HTML pages
//! (`pages::people`): each loads the record, makes the one authorization check on its unit,
//! acts, and audits.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::people::{
    HouseholdStatus, NewHousehold, NewHouseholdInput, NewResident, NewResidentInput, ResidentStatus,
};
use tuquan_domain::territory::{SearchQuery, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditEntry;
use tuquan_store::households::{HouseholdQuery, HouseholdRecord};
use tuquan_store::residents::{ResidentQuery, ResidentRecord};
use utoipa::{IntoParams, ToSchema};

use crate::api::territory::load_unit_for;
use crate::auth::{
    Authenticated, Can, Capability, CurrentUser, ErasureApprove, HouseholdEdit, HouseholdView,
    IdentityView, RequestCtx, ResidentRights,
};
use crate::error::{ApiError, ErrorBody, Failure};
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

// ---------------------------------------------------------------------------------------
// Handlers.

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
