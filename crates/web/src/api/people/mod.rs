//! `/api/v1` for households and residents: parse, call one use case of `tuquan_app::people`
//! (which loads, authorizes, acts and audits), render.

use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use tuquan_app::people::{HouseholdRecord, PeopleFilter, ResidentRecord};
use tuquan_domain::ResidentId;
use utoipa::{IntoParams, ToSchema};

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

/// Search and paging parameters shared by the household and resident lists.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
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

impl PeopleQuery {
    pub(crate) fn filter(&self) -> Result<PeopleFilter, Failure> {
        Ok(PeopleFilter::parse(
            self.q.as_deref(),
            self.phone.as_deref(),
            self.all.as_deref(),
            self.limit.as_deref(),
            self.cursor.as_deref(),
        )?)
    }
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
            id: h.id.get(),
            unit_code: h.unit_code.clone(),
            address: h.address.clone(),
            phone: h.phone.clone(),
            representative_id: h.representative_id.map(ResidentId::get),
            representative_name: h.representative_name.clone(),
            member_count: h.member_count,
            status: h.status.as_str().to_owned(),
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
            id: r.id.get(),
            household_id: r.household_id.get(),
            unit_code: r.unit_code.clone(),
            full_name: r.full_name.clone(),
            birth_date: r.birth_date.clone(),
            gender: r.gender.clone(),
            phone: r.phone.clone(),
            residence_type: r.residence_type.clone(),
            residence_since: r.residence_since.clone(),
            cccd: r.cccd_masked.clone(),
            status: r.status.as_str().to_owned(),
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
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    pub unit_code: String,
    /// `YYYY-MM-DD`; today when absent.
    pub moved_on: Option<String>,
}

/// A household's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdStatusBody {
    #[schema(value_type = HouseholdStatusCode)]
    pub status: String,
}

/// The statuses a household may be given (documentation of the accepted values).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum HouseholdStatusCode {
    Active,
    MovedAway,
    Dissolved,
}

/// A resident's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentStatusBody {
    #[schema(pattern = "^(active|moved_away|deceased)$")]
    pub status: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepresentativeBody {
    #[serde(deserialize_with = "crate::api::contract::whole")]
    pub resident_id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// What the data may be used for, e.g. `community_contact`, `announcements`.
    pub purpose: String,
    pub granted: bool,
    /// `YYYY-MM-DD`; today when absent.
    pub given_on: Option<String>,
    /// How it was given, e.g. `paper form`, `in person`, `app`.
    pub source: String,
}

impl From<ConsentBody> for tuquan_app::people::ConsentInput {
    fn from(b: ConsentBody) -> Self {
        Self {
            purpose: b.purpose,
            granted: b.granted,
            given_on: b.given_on,
            source: b.source,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureBody {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

/// A household's fields (`POST /api/v1/units/{code}/households`, `PUT /api/v1/households/{id}`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdBody {
    /// House number and street, at most 200 characters.
    #[schema(max_length = 200)]
    pub address: String,
    /// 10 digits starting with 0 (11 for a landline starting with 02).
    #[schema(pattern = "^(|0[0-9]{9}|02[0-9]{9})$")]
    pub phone: Option<String>,
}

impl From<HouseholdBody> for tuquan_domain::people::NewHouseholdInput {
    fn from(b: HouseholdBody) -> Self {
        Self {
            address: b.address,
            phone: b.phone,
        }
    }
}

/// A new resident (`POST /api/v1/households/{id}/residents`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentBody {
    pub full_name: String,
    /// `YYYY-MM-DD`, from 1900 on.
    #[schema(
        pattern = "^(19[0-9]{2}|20[01][0-9]|202[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
    )]
    pub birth_date: String,
    #[schema(value_type = String, pattern = "^(male|female|other)$")]
    pub gender: String,
    #[schema(pattern = "^(|0[0-9]{9}|02[0-9]{9})$")]
    pub phone: Option<String>,
    #[schema(value_type = String, pattern = "^(permanent|temporary)$")]
    pub residence_type: String,
    /// `YYYY-MM-DD`.
    #[schema(
        pattern = "^(19[0-9]{2}|20[01][0-9]|202[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
    )]
    pub residence_since: Option<String>,
    /// The 12-digit citizen identity number (CCCD).
    #[schema(pattern = "^[0-9]{12}$")]
    pub cccd: Option<String>,
}

impl From<ResidentBody> for tuquan_domain::people::NewResidentInput {
    fn from(b: ResidentBody) -> Self {
        Self {
            full_name: b.full_name,
            birth_date: b.birth_date,
            gender: b.gender,
            phone: b.phone,
            residence_type: b.residence_type,
            residence_since: b.residence_since,
            cccd: b.cccd,
        }
    }
}

/// A resident's fields for `PUT /api/v1/residents/{id}`. `cccd` absent leaves the stored
/// identity number unchanged; `"cccd": null` (or `""`) removes it (issue 11 #10).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentUpdateBody {
    pub full_name: String,
    /// `YYYY-MM-DD`, from 1900 on.
    #[schema(
        pattern = "^(19[0-9]{2}|20[01][0-9]|202[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
    )]
    pub birth_date: String,
    /// `male`, `female` or `other`.
    #[schema(pattern = "^(male|female|other)$")]
    pub gender: String,
    #[serde(default)]
    #[schema(pattern = "^(|0[0-9]{9}|02[0-9]{9})$")]
    pub phone: Option<String>,
    /// `permanent` or `temporary`.
    #[schema(pattern = "^(permanent|temporary)$")]
    pub residence_type: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(
        pattern = "^(19[0-9]{2}|20[01][0-9]|202[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
    )]
    pub residence_since: Option<String>,
    /// Absent: unchanged. `null`: removed. A string: the new 12-digit number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable, required = false, pattern = "^(|[0-9]{12})$")]
    pub cccd: Option<Option<String>>,
}

/// A field that is present (even as `null`) becomes `Some(..)`; absent stays `None`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl ResidentUpdateBody {
    /// The input for the use case, and whether the stored number stays.
    pub fn into_input(self) -> (tuquan_domain::people::NewResidentInput, bool) {
        let keep = self.cccd.is_none();
        let input = tuquan_domain::people::NewResidentInput {
            full_name: self.full_name,
            birth_date: self.birth_date,
            gender: self.gender,
            phone: self.phone,
            residence_type: self.residence_type,
            residence_since: self.residence_since,
            cccd: self.cccd.flatten(),
        };
        (input, keep)
    }
}

/// A new erasure request and the day by which it must be decided (two working days, Law
/// 91/2025).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureCreated {
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

impl ErasureCreated {
    pub fn new(ctx: &tuquan_app::Ctx, id: tuquan_domain::people::ErasureRequestId) -> Self {
        let due_on = tuquan_app::people::erasure_due_at(ctx.now)
            .map(|d| d.to_string())
            .unwrap_or_default();
        Self {
            id: id.get(),
            due_on,
        }
    }
}
