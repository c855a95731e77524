//! `/api/v1` for police and militia beats (docs/beats.md): a commune's beats, one beat with
//! its assignments, assigning and ending units (the officer's grants follow), the militia
//! heads, the alignment report on a date, and carrying beats to the successors of
//! restructured units. Each handler parses, calls one use case of
//! `tuquan_app::restructuring::beats`, renders.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::restructuring::beats::{
    self as app, AlignmentReport, BeatRecord, BeatUnitRecord, CarryView, MilitiaRecord,
};
use tuquan_domain::restructuring::beats::{BeatInput, MilitiaInput};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/communes/{code}/beats"),
    ("PUT", "/api/v1/beats/{id}"),
    ("POST", "/api/v1/beats/{id}/end"),
    ("POST", "/api/v1/beats/{id}/units"),
    ("POST", "/api/v1/beat-units/{id}/end"),
    ("POST", "/api/v1/communes/{code}/militia-heads"),
    ("POST", "/api/v1/militia-heads/{id}/end"),
    ("POST", "/api/v1/communes/{code}/beats/carry"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/communes/{code}/beats", get(list).post(create))
        .route("/api/v1/communes/{code}/beats/alignment", get(alignment))
        .route(
            "/api/v1/communes/{code}/beats/carry",
            get(carry_preview).post(carry),
        )
        .route(
            "/api/v1/communes/{code}/militia-heads",
            get(militia).post(appoint),
        )
        .route("/api/v1/beats/{id}", get(get_one).put(edit))
        .route("/api/v1/beats/{id}/end", post(end))
        .route("/api/v1/beats/{id}/units", post(assign))
        .route("/api/v1/beat-units/{id}/end", post(end_unit))
        .route("/api/v1/militia-heads/{id}/end", post(end_militia))
}

/// A beat as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatBody {
    pub name: String,
    /// The officer's account: it gets an area police grant on every unit of the beat.
    #[serde(default)]
    pub officer_username: Option<String>,
    /// The officer's name (default: the account's display name).
    #[serde(default)]
    pub officer_name: Option<String>,
    #[serde(default)]
    pub officer_phone: Option<String>,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub valid_from: Option<String>,
}

impl From<BeatBody> for BeatInput {
    fn from(b: BeatBody) -> Self {
        Self {
            name: b.name,
            officer_username: b.officer_username.unwrap_or_default(),
            officer_name: b.officer_name.unwrap_or_default(),
            officer_phone: b.officer_phone.unwrap_or_default(),
            valid_from: b.valid_from.unwrap_or_default(),
        }
    }
}

/// A whole residential unit put in a beat.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatAssignBody {
    pub unit_code: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub valid_from: Option<String>,
}

/// The last day of a beat, an assignment or a militia head's service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatEndBody {
    /// `YYYY-MM-DD`, not in the future; default today.
    #[serde(default)]
    pub valid_to: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilitiaBody {
    /// A unit directly below the commune (khu phố, ấp, thôn, tổ dân phố).
    pub unit_code: String,
    pub full_name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub valid_from: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OnParams {
    /// The report's date, `YYYY-MM-DD`; default today.
    pub on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatItem {
    pub id: i64,
    pub commune_code: String,
    pub name: String,
    pub officer_username: Option<String>,
    pub officer_name: String,
    pub officer_phone: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

impl From<&BeatRecord> for BeatItem {
    fn from(b: &BeatRecord) -> Self {
        Self {
            id: b.id,
            commune_code: b.commune_code.clone(),
            name: b.name.clone(),
            officer_username: b.officer_username.clone(),
            officer_name: b.officer_name.clone(),
            officer_phone: b.officer_phone.clone(),
            valid_from: b.valid_from.clone(),
            valid_to: b.valid_to.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatList {
    pub items: Vec<BeatItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// Whether the officer's account holds a grant for it.
    pub granted: bool,
    /// The restructuring event it was carried after.
    pub event_id: Option<i64>,
}

impl From<&BeatUnitRecord> for AssignmentItem {
    fn from(a: &BeatUnitRecord) -> Self {
        Self {
            id: a.id,
            unit_code: a.unit_code.clone(),
            unit_name: a.unit_name.clone(),
            valid_from: a.valid_from.clone(),
            valid_to: a.valid_to.clone(),
            granted: a.grant_id.is_some() && a.valid_to.is_none(),
            event_id: a.event_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatDetailBody {
    pub beat: BeatItem,
    pub assignments: Vec<AssignmentItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatUnitRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatUnitPair {
    pub unit: BeatUnitRef,
    pub beat: BeatRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatUnitsRef {
    pub unit: BeatUnitRef,
    pub beats: Vec<BeatRef>,
}

/// The alignment of a commune's beats and militia heads with its units on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlignmentBody {
    pub commune_code: String,
    pub on: String,
    pub clean: bool,
    pub units: usize,
    pub beats: usize,
    pub without_beat: Vec<BeatUnitRef>,
    pub without_militia_head: Vec<BeatUnitRef>,
    /// A beat covering part of a unit (not the whole of it).
    pub partial: Vec<BeatUnitPair>,
    /// A unit under two or more beats at once.
    pub under_two_beats: Vec<BeatUnitsRef>,
    /// A beat with a unit of another commune.
    pub crossing_communes: Vec<BeatUnitPair>,
    /// An open assignment of a unit that no longer exists (to carry to its successors).
    pub stale: Vec<BeatUnitPair>,
}

fn unit_ref(r: &AlignmentReport, code: &str) -> BeatUnitRef {
    BeatUnitRef {
        code: code.to_owned(),
        name: r.unit_name(code),
    }
}

fn beat_ref(name: String, id: i64) -> BeatRef {
    BeatRef { id, name }
}

impl From<&AlignmentReport> for AlignmentBody {
    fn from(r: &AlignmentReport) -> Self {
        let a = &r.alignment;
        let ub = |code: &str, beat: i64| BeatUnitPair {
            unit: unit_ref(r, code),
            beat: beat_ref(r.beat_name(beat), beat),
        };
        Self {
            commune_code: r.commune.code.clone(),
            on: r.day.to_string(),
            clean: a.is_clean(),
            units: r.units,
            beats: r.beats,
            without_beat: a.without_beat.iter().map(|c| unit_ref(r, c)).collect(),
            without_militia_head: a.without_militia.iter().map(|c| unit_ref(r, c)).collect(),
            partial: a
                .partial
                .iter()
                .map(|p| ub(&p.unit_code, p.beat_id))
                .collect(),
            under_two_beats: a
                .overlaps
                .iter()
                .map(|o| BeatUnitsRef {
                    unit: unit_ref(r, &o.unit_code),
                    beats: o
                        .beat_ids
                        .iter()
                        .map(|b| beat_ref(r.beat_name(*b), *b))
                        .collect(),
                })
                .collect(),
            crossing_communes: a
                .crossing
                .iter()
                .map(|c| ub(&c.unit_code, c.beat_id))
                .collect(),
            stale: a
                .stale
                .iter()
                .map(|s| ub(&s.unit_code, s.beat_id))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilitiaItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub full_name: String,
    pub phone: String,
    pub resident_id: Option<i64>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

impl From<&MilitiaRecord> for MilitiaItem {
    fn from(m: &MilitiaRecord) -> Self {
        Self {
            id: m.id,
            unit_code: m.unit_code.clone(),
            unit_name: m.unit_name.clone(),
            full_name: m.full_name.clone(),
            phone: m.phone.clone(),
            resident_id: m.resident_id,
            valid_from: m.valid_from.clone(),
            valid_to: m.valid_to.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilitiaList {
    pub items: Vec<MilitiaItem>,
}

/// What carrying beats to successors does (or did).
#[derive(Debug, Serialize, ToSchema)]
pub struct CarryBody {
    pub applied: bool,
    /// Units put in a beat, from the event's effective date.
    pub assigned: Vec<BeatUnitPair>,
    /// Assignments of closed units ended.
    pub ended: Vec<BeatUnitPair>,
    /// Units whose predecessors lay in several beats: assign one, then carry again.
    pub undecided: Vec<BeatUnitsRef>,
}

impl From<&CarryView> for CarryBody {
    fn from(v: &CarryView) -> Self {
        let ub = |code: &str, beat: i64| BeatUnitPair {
            unit: BeatUnitRef {
                code: code.to_owned(),
                name: v.unit_name(code),
            },
            beat: beat_ref(v.beat_name(beat), beat),
        };
        Self {
            applied: v.applied,
            assigned: v
                .plan
                .assign
                .iter()
                .map(|a| ub(&a.unit_code, a.beat_id))
                .collect(),
            ended: v
                .plan
                .end
                .iter()
                .map(|e| ub(&e.unit_code, e.beat_id))
                .collect(),
            undecided: v
                .plan
                .undecided
                .iter()
                .map(|u| BeatUnitsRef {
                    unit: BeatUnitRef {
                        code: u.unit_code.clone(),
                        name: v.unit_name(&u.unit_code),
                    },
                    beats: u
                        .beat_ids
                        .iter()
                        .map(|b| beat_ref(v.beat_name(*b), *b))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A commune's beats, the open ones first.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = BeatList)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<BeatList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, beats, _) = app::beats_of(&ctx, &code).await?;
    Ok(Json(BeatList {
        items: beats.iter().map(Into::into).collect(),
    }))
}

/// Writes a new beat of the commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/beats", tag = "beats",
    params(("code" = String, Path)), request_body = BeatBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 400, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<BeatBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: BeatInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    let id = app::create_beat(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(BeatCreated { id })))
}

/// One beat with every assignment it had.
#[utoipa::path(get, path = "/api/v1/beats/{id}", tag = "beats",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let d = app::beat(&ctx, id).await?;
    Ok(Json(BeatDetailBody {
        beat: (&d.beat).into(),
        assignments: d.assignments.iter().map(Into::into).collect(),
    }))
}

/// Changes an open beat's name and officer (a new account takes over the grants).
#[utoipa::path(put, path = "/api/v1/beats/{id}", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let input: BeatInput = body(b)?.into();
    let ctx = state.ctx(Some(who.clone()), &rc);
    app::edit_beat(&ctx, id, &input).await?;
    get_one(State(state), CurrentUser(who), rc, Path(id)).await
}

/// Ends a beat with all its open assignments (the officer's grants end).
#[utoipa::path(post, path = "/api/v1/beats/{id}/end", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let to = body(b)?.valid_to.unwrap_or_default();
    let ctx = state.ctx(Some(who.clone()), &rc);
    app::end_beat(&ctx, id, &to).await?;
    get_one(State(state), CurrentUser(who), rc, Path(id)).await
}

/// Puts a whole residential unit in the beat; the officer's account gets an area police
/// grant on it.
#[utoipa::path(post, path = "/api/v1/beats/{id}/units", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatAssignBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatAssignBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let aid = app::assign_unit(
        &ctx,
        id,
        &b.unit_code,
        b.valid_from.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(BeatCreated { id: aid })))
}

/// Ends a unit's assignment (kept in the history); the officer's grant on it ends.
#[utoipa::path(post, path = "/api/v1/beat-units/{id}/end", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = BeatDetailBody), (status = 422, body = ErrorBody)))]
pub async fn end_unit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<BeatDetailBody>, ApiError> {
    let to = body(b)?.valid_to.unwrap_or_default();
    let ctx = state.ctx(Some(who.clone()), &rc);
    let beat = app::end_assignment(&ctx, id, &to).await?;
    get_one(State(state), CurrentUser(who), rc, Path(beat)).await
}

/// The alignment report of the commune on a date.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats/alignment", tag = "beats",
    params(("code" = String, Path), OnParams), security(("bearer" = [])),
    responses((status = 200, body = AlignmentBody)))]
pub async fn alignment(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<OnParams>, QueryRejection>,
) -> Result<Json<AlignmentBody>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let r = app::alignment(&ctx, &code, q.on.as_deref()).await?;
    Ok(Json((&r).into()))
}

/// What carrying beats to the successors of restructured units would do; changes nothing.
#[utoipa::path(get, path = "/api/v1/communes/{code}/beats/carry", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CarryBody)))]
pub async fn carry_preview(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<CarryBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json((&app::carry_preview(&ctx, &code).await?).into()))
}

/// Carries beats to the successors of restructured units.
#[utoipa::path(post, path = "/api/v1/communes/{code}/beats/carry", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CarryBody)))]
pub async fn carry(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<CarryBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json((&app::carry(&ctx, &code).await?).into()))
}

/// The commune's militia heads, present ones first (the read is audited).
#[utoipa::path(get, path = "/api/v1/communes/{code}/militia-heads", tag = "beats",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MilitiaList)))]
pub async fn militia(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<MilitiaList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, list, _) = app::militia(&ctx, &code).await?;
    Ok(Json(MilitiaList {
        items: list.iter().map(Into::into).collect(),
    }))
}

/// Appoints the militia head of a unit directly below the commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/militia-heads", tag = "beats",
    params(("code" = String, Path)), request_body = MilitiaBody, security(("bearer" = [])),
    responses((status = 201, body = BeatCreated), (status = 422, body = ErrorBody)))]
pub async fn appoint(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<MilitiaBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = MilitiaInput {
        unit_code: b.unit_code,
        full_name: b.full_name,
        phone: b.phone.unwrap_or_default(),
        resident_id: b.resident_id,
        valid_from: b.valid_from.unwrap_or_default(),
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = app::appoint_militia(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(BeatCreated { id })))
}

/// Ends a militia head's service.
#[utoipa::path(post, path = "/api/v1/militia-heads/{id}/end", tag = "beats",
    params(("id" = i64, Path)), request_body = BeatEndBody, security(("bearer" = [])),
    responses((status = 200, body = MilitiaList), (status = 422, body = ErrorBody)))]
pub async fn end_militia(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<BeatEndBody>, JsonRejection>,
) -> Result<Json<MilitiaList>, ApiError> {
    let to = body(b)?.valid_to.unwrap_or_default();
    let ctx = state.ctx(Some(who.clone()), &rc);
    let commune = app::end_militia(&ctx, id, &to).await?;
    militia(State(state), CurrentUser(who), rc, Path(commune)).await
}
