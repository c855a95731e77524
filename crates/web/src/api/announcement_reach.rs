//! `/api/v1` for how announcements reach households: acknowledgements (own household, or on
//! behalf with the channel), the dashboard, the households not reached, and where an account
//! receives messages. Re-exported from `api::announcements`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::announcements::{self as ann, AckCount, Acknowledged, NotReached};
use tuquan_domain::announcements::AnnouncementId;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnBehalfBody {
    #[serde(deserialize_with = "super::contract::whole")]
    pub household_id: i64,
    /// `in_person`, `meeting`, `loudspeaker`, `phone` or `zalo`.
    pub channel: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    /// An e-mail address or a phone number; empty, null or absent removes it.
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressSet {
    pub channel: String,
    /// `false` when the address was removed.
    pub set: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AckResult {
    /// `false` when the household had already acknowledged this version.
    pub counted: bool,
}

impl From<Acknowledged> for AckResult {
    fn from(a: Acknowledged) -> Self {
        Self {
            counted: a == Acknowledged::Counted,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitCount {
    pub unit_code: String,
    pub unit_name: String,
    pub level: i64,
    pub households: i64,
    pub acknowledged: i64,
    /// When the unit's head passed it on (absent for the announcement's own unit).
    pub passed_on_at: Option<String>,
    pub deadline: Option<String>,
}

impl From<&AckCount> for UnitCount {
    fn from(c: &AckCount) -> Self {
        Self {
            unit_code: c.unit_code.clone(),
            unit_name: c.unit_name.clone(),
            level: c.level,
            households: c.households,
            acknowledged: c.acknowledged,
            passed_on_at: c.passed_on_at.clone(),
            deadline: c.deadline.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryBody {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardBody {
    pub announcement_id: i64,
    pub version: i64,
    /// The unit asked about first, then each unit directly below it.
    pub units: Vec<UnitCount>,
    pub delivery: DeliveryBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotReachedItem {
    pub household_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub address: String,
    pub representative_name: String,
    pub phone: Option<String>,
}

impl From<&NotReached> for NotReachedItem {
    fn from(n: &NotReached) -> Self {
        Self {
            household_id: n.household_id.get(),
            unit_code: n.unit_code.clone(),
            unit_name: n.unit_name.clone(),
            address: n.address.clone(),
            representative_name: n.representative_name.clone(),
            phone: n.phone.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotReachedList {
    pub items: Vec<NotReachedItem>,
}

/// A resident acknowledges the current version for their household.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/acknowledge", tag = "announcements",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = AckResult), (status = 422, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
) -> Result<Json<AckResult>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(ann::acknowledge_own(&ctx, id).await?.into()))
}

/// A head records that a household was told, and how.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/acknowledgements", tag = "announcements",
    params(("id" = i64, Path)),
    request_body = OnBehalfBody, security(("bearer" = [])),
    responses((status = 200, body = AckResult), (status = 422, body = ErrorBody)))]
pub async fn acknowledge_on_behalf(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    b: Result<Json<OnBehalfBody>, JsonRejection>,
) -> Result<Json<AckResult>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let household = tuquan_domain::HouseholdId(b.household_id);
    let r = ann::acknowledge_on_behalf(&ctx, id, household, &b.channel).await?;
    Ok(Json(r.into()))
}

/// "x of y households" for a unit and each unit below it, and the delivery counts.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/units/{code}/dashboard",
    tag = "announcements", params(("id" = i64, Path), ("code" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = DashboardBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
) -> Result<Json<DashboardBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let d = ann::dashboard(&ctx, id, &code).await?;
    Ok(Json(DashboardBody {
        announcement_id: d.announcement.id.get(),
        version: d.announcement.version,
        units: d.units.iter().map(Into::into).collect(),
        delivery: DeliveryBody {
            pending: d.delivery.pending,
            sent: d.delivery.sent,
            failed: d.delivery.failed,
        },
    }))
}

/// The households of a unit's subtree that have not acknowledged the current version.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/units/{code}/not-reached",
    tag = "announcements", params(("id" = i64, Path), ("code" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = NotReachedList)))]
pub async fn not_reached(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
) -> Result<Json<NotReachedList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, rows) = ann::not_reached(&ctx, id, &code).await?;
    Ok(Json(NotReachedList {
        items: rows.iter().map(Into::into).collect(),
    }))
}

/// Where the caller receives messages: `email` (an address) or `sms` (a phone number).
#[utoipa::path(put, path = "/api/v1/me/delivery-addresses/{channel}", tag = "announcements",
    request_body = AddressBody, security(("bearer" = [])),
    responses((status = 200, body = AddressSet), (status = 400, body = ErrorBody)))]
pub async fn set_delivery_address(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(channel): Path<String>,
    b: Result<Json<AddressBody>, JsonRejection>,
) -> Result<Json<AddressSet>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let address = b.address.as_deref().unwrap_or("");
    ann::set_delivery_address(&ctx, &channel, address).await?;
    Ok(Json(AddressSet {
        set: !address.trim().is_empty(),
        channel,
    }))
}
