//! The thresholds of meetings and votes per province (`/api/v1/units/{code}/vote-thresholds`).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::votes::{self as app};
use tuquan_domain::votes::SettingInput;
use utoipa::ToSchema;

use super::votes::Done;
use crate::auth::{CurrentUser, MaybeUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

/// The thresholds.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum KeyCode {
    MeetingQuorum,
    MatterPass,
    ProceduralPass,
    ClusterHouseholds,
    YearEndNoticeDays,
    ElectionListDays,
    ElectionPlanDays,
    ConventionDraftDays,
}

/// One threshold in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdItem {
    /// `meeting_quorum`, `matter_pass`, `procedural_pass`, `cluster_households`,
    /// `year_end_notice_days`, `election_list_days`, `election_plan_days`,
    /// `convention_draft_days`.
    pub key: String,
    pub value: u32,
    /// The law's value.
    pub default: u32,
    /// `percent_above` (strictly more than), `households`, `days` (at least).
    pub measure: String,
    pub citation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdList {
    pub items: Vec<ThresholdItem>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdBody {
    #[schema(value_type = KeyCode)]
    pub key: String,
    #[serde(deserialize_with = "super::contract::whole")]
    #[schema(minimum = 0, maximum = 100000)]
    pub value: i64,
    /// `YYYY-MM-DD`: the value applies from this day.
    #[schema(format = Date)]
    pub effective_from: String,
}

/// The thresholds of meetings and votes in force today in the unit's province (public).
#[utoipa::path(get, path = "/api/v1/units/{code}/vote-thresholds", tag = "votes",
    security((), ("bearer" = [])), responses((status = 200, body = ThresholdList)))]
pub async fn get_thresholds(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<ThresholdList>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let (rows, _) = app::settings(&ctx, &code).await?;
    Ok(Json(ThresholdList {
        items: rows
            .into_iter()
            .map(|r| ThresholdItem {
                key: r.key.as_str().into(),
                value: r.value,
                default: r.default,
                measure: serde_json::to_value(r.measure)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                citation: r.citation.into(),
            })
            .collect(),
    }))
}

/// Sets a threshold from a date for the unit's province (province officials).
#[utoipa::path(post, path = "/api/v1/units/{code}/vote-thresholds", tag = "votes",
    request_body = ThresholdBody, security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn set_threshold(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ThresholdBody>, JsonRejection>,
) -> Result<Json<Done>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let input = SettingInput {
        key: b.key,
        value: b.value.to_string(),
        effective_from: b.effective_from,
    };
    app::set_threshold(&ctx, &code, &input).await?;
    Ok(Json(Done { ok: true }))
}
