//! `/api/v1` for the author's view of an announcement's passing on, unit by unit (kept apart
//! from `announcements` so that each file stays small).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tuquan_app::announcements::{self as ann, PassingRecord};
use tuquan_domain::announcements::AnnouncementId;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/announcements/{id}/units/{code}/passing",
        get(passing),
    )
}

/// One unit's passing on, its subtree rolled up.
#[derive(Debug, Serialize, ToSchema)]
pub struct PassingItem {
    pub unit_code: String,
    pub unit_name: String,
    /// The pass-on deadline (none for the announcement's own unit).
    pub deadline: Option<String>,
    pub passed_on_at: Option<String>,
    /// The display name of the head who passed it on.
    pub passed_on_by: Option<String>,
    /// The head's note.
    pub note: Option<String>,
    /// Units of the subtree, the unit included, that it waits at or was passed on at.
    pub units: i64,
    pub units_passed_on: i64,
    /// Still waiting after their deadline.
    pub units_late: i64,
}

impl From<PassingRecord> for PassingItem {
    fn from(r: PassingRecord) -> Self {
        Self {
            unit_code: r.unit_code,
            unit_name: r.unit_name,
            deadline: r.deadline,
            passed_on_at: r.passed_on_at,
            passed_on_by: r.passed_on_by,
            note: r.note,
            units: r.units,
            units_passed_on: r.units_passed_on,
            units_late: r.units_late,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PassingList {
    /// The unit asked for first, then each unit directly below it.
    pub items: Vec<PassingItem>,
}

/// Whether, when and by whom the announcement was passed on at a unit and each unit below it,
/// with the head's note and each subtree's counts.
#[utoipa::path(get, path = "/api/v1/announcements/{id}/units/{code}/passing",
    tag = "announcements", params(("id" = i64, Path), ("code" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = PassingList)))]
pub async fn passing(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
) -> Result<Json<PassingList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let rows = ann::passing(&ctx, id, &code).await?;
    Ok(Json(PassingList {
        items: rows.into_iter().map(Into::into).collect(),
    }))
}
