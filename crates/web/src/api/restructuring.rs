//! `/api/v1` for restructuring schemes (đề án sắp xếp): draft a scheme at a commune, add
//! merges, splits (and their household lists) and renames, start the consultation, approve,
//! override the consent, abandon, preview and apply; a commune's size report; a province's
//! size standards and freezes. Each handler parses, calls one use case of
//! `tuquan_app::restructuring::schemes`, renders.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::restructuring::schemes::{self as app, SchemeView};
use tuquan_app::restructuring::ApplyReport;
use tuquan_domain::restructuring::scheme::{
    MergeInput, OverrideInput, PartInput, RenameInput, SchemeInput, SplitInput,
};
use tuquan_domain::restructuring::standards::{FreezeInput, StandardInput};
use tuquan_domain::HouseholdId;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/communes/{code}/restructuring/schemes"),
    ("PUT", "/api/v1/restructuring/schemes/{id}"),
    ("POST", "/api/v1/restructuring/schemes/{id}/merges"),
    ("POST", "/api/v1/restructuring/schemes/{id}/splits"),
    ("POST", "/api/v1/restructuring/schemes/{id}/renames"),
    ("DELETE", "/api/v1/restructuring/schemes/{id}/items/{item}"),
    (
        "POST",
        "/api/v1/restructuring/schemes/{id}/items/{item}/households",
    ),
    ("POST", "/api/v1/restructuring/schemes/{id}/consultation"),
    ("POST", "/api/v1/restructuring/schemes/{id}/approve"),
    ("POST", "/api/v1/restructuring/schemes/{id}/override"),
    ("POST", "/api/v1/restructuring/schemes/{id}/abandon"),
    ("POST", "/api/v1/restructuring/schemes/{id}/apply"),
    ("POST", "/api/v1/units/{code}/restructuring/standards"),
    ("POST", "/api/v1/units/{code}/restructuring/freezes"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/communes/{code}/restructuring/schemes",
            get(list).post(create),
        )
        .route("/api/v1/communes/{code}/restructuring/sizes", get(sizes))
        .route("/api/v1/restructuring/schemes/{id}", get(get_one).put(edit))
        .route("/api/v1/restructuring/schemes/{id}/merges", post(add_merge))
        .route("/api/v1/restructuring/schemes/{id}/splits", post(add_split))
        .route(
            "/api/v1/restructuring/schemes/{id}/renames",
            post(add_rename),
        )
        .route(
            "/api/v1/restructuring/schemes/{id}/items/{item}",
            delete(remove_item),
        )
        .route(
            "/api/v1/restructuring/schemes/{id}/items/{item}/households",
            post(assign),
        )
        .route(
            "/api/v1/restructuring/schemes/{id}/consultation",
            post(consult),
        )
        .route("/api/v1/restructuring/schemes/{id}/approve", post(approve))
        .route(
            "/api/v1/restructuring/schemes/{id}/override",
            post(override_consent),
        )
        .route("/api/v1/restructuring/schemes/{id}/abandon", post(abandon))
        .route("/api/v1/restructuring/schemes/{id}/preview", get(preview))
        .route("/api/v1/restructuring/schemes/{id}/apply", post(apply))
        .route(
            "/api/v1/units/{code}/restructuring/standards",
            get(standards).post(set_standard),
        )
        .route(
            "/api/v1/units/{code}/restructuring/freezes",
            post(add_freeze),
        )
}

/// A scheme's header. The legal basis (the decision's number, date and signer) may come
/// later; it is needed to apply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeBody {
    pub title: String,
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub effective_on: String,
    #[serde(default)]
    pub basis_number: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub basis_date: String,
    #[serde(default)]
    pub basis_signer: String,
}

impl From<SchemeBody> for SchemeInput {
    fn from(b: SchemeBody) -> Self {
        Self {
            title: b.title,
            reason: b.reason,
            effective_on: b.effective_on,
            basis_number: b.basis_number,
            basis_date: b.basis_date,
            basis_signer: b.basis_signer,
        }
    }
}

/// A merge: whole units into a new unit (`name`, `kind`, `local_code`) or into an existing
/// one (`into`). `adjacent` must be true: the units are declared adjacent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    pub units: Vec<String>,
    #[serde(default)]
    pub into: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub local_code: String,
    #[serde(default)]
    pub adjacent: bool,
    /// Candidate names put to the households' vote, one per line.
    #[serde(default)]
    pub candidates: String,
}

impl From<MergeBody> for MergeInput {
    fn from(b: MergeBody) -> Self {
        Self {
            units: b.units,
            into: b.into,
            name: b.name,
            kind: b.kind,
            local_code: b.local_code,
            adjacent: b.adjacent,
            candidates: b.candidates,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartBody {
    pub name: String,
    pub kind: String,
    pub local_code: String,
}

/// A split: the unit and its new parts (two to six); the household lists follow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    pub unit: String,
    pub parts: Vec<PartBody>,
}

impl From<SplitBody> for SplitInput {
    fn from(b: SplitBody) -> Self {
        Self {
            unit: b.unit,
            parts: b
                .parts
                .into_iter()
                .map(|p| PartInput {
                    name: p.name,
                    kind: p.kind,
                    local_code: p.local_code,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameBody {
    pub unit: String,
    pub name: String,
    pub kind: String,
}

/// Households of the split unit put into a part (`part_id` null: off every list).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    #[serde(default)]
    pub part_id: Option<i64>,
    pub households: Vec<i64>,
}

/// Going ahead without the households' consent: why, and the approving decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub reason: String,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub signer: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardBody {
    /// A residential kind: `thon`, `to_dan_pho`, `khu_pho`, `ap` …
    pub kind: String,
    #[serde(deserialize_with = "super::contract::whole")]
    pub min_households: i64,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
    #[serde(default)]
    pub basis: String,
}

/// A freeze on applying schemes: `national` (administrators of the country) or `province`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeBody {
    pub scope: String,
    pub starts_on: String,
    /// The last frozen day; empty until lifted.
    #[serde(default)]
    pub ends_on: String,
    pub basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeItem {
    pub id: i64,
    pub commune_code: String,
    pub title: String,
    pub reason: String,
    pub effective_on: String,
    pub basis_number: String,
    pub basis_date: Option<String>,
    pub basis_signer: String,
    /// `draft`, `consulting`, `approved`, `applied`, `abandoned`.
    pub status: String,
    pub overridden: bool,
    pub created_at: String,
}

impl From<&app::SchemeRecord> for SchemeItem {
    fn from(s: &app::SchemeRecord) -> Self {
        Self {
            id: s.id,
            commune_code: s.commune_code.clone(),
            title: s.title.clone(),
            reason: s.reason.clone(),
            effective_on: s.effective_on.clone(),
            basis_number: s.basis_number.clone(),
            basis_date: s.basis_date.clone(),
            basis_signer: s.basis_signer.clone(),
            status: s.status.as_str().to_owned(),
            overridden: s.overridden(),
            created_at: s.created_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeList {
    pub items: Vec<SchemeItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartOut {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub local_code: String,
    pub households: i64,
    pub residents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    /// `merge`, `split`, `rename`.
    pub kind: String,
    /// The units merged or split, the receiver, the renamed unit.
    pub units: Vec<String>,
    pub into: Option<String>,
    pub new_name: String,
    pub new_kind: String,
    pub new_local_code: String,
    pub candidates: Vec<String>,
    pub parts: Vec<PartOut>,
    /// A split's households in no part, listed twice or not of the unit.
    pub missing: usize,
    pub foreign: usize,
    pub empty_parts: usize,
}

/// One row of the before/after table.
#[derive(Debug, Serialize, ToSchema)]
pub struct AfterOut {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub from: Vec<String>,
    pub households: i64,
    pub residents: i64,
    pub minimum: Option<u32>,
    pub percent: Option<u64>,
    /// `must_merge` (below 50%), `may_merge` (below 100%) or `meets`.
    pub flag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentOut {
    pub unit_code: String,
    pub unit_name: String,
    pub vote_id: Option<i64>,
    /// `pending`, `passed`, `refused`.
    pub consent: String,
    pub yes: i64,
    pub roll: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDetail {
    pub scheme: SchemeItem,
    pub items: Vec<ItemOut>,
    pub after: Vec<AfterOut>,
    pub consent: Vec<ConsentOut>,
    /// The freeze in force today or on the effective date, by its basis.
    pub freeze: Option<String>,
}

fn detail(v: &SchemeView) -> SchemeDetail {
    SchemeDetail {
        scheme: (&v.scheme).into(),
        items: v
            .items
            .iter()
            .map(|i| {
                let gap = i.gap.clone().unwrap_or_default();
                ItemOut {
                    id: i.item.id,
                    kind: i.item.kind.as_str().to_owned(),
                    units: i
                        .units
                        .iter()
                        .filter(|u| u.role != "into")
                        .map(|u| u.unit_code.clone())
                        .collect(),
                    into: i.item.into_code.clone(),
                    new_name: i.item.new_name.clone(),
                    new_kind: i.item.new_kind.clone(),
                    new_local_code: i.item.new_local_code.clone(),
                    candidates: i.item.candidates(),
                    parts: i
                        .parts
                        .iter()
                        .map(|p| PartOut {
                            id: p.id,
                            name: p.name.clone(),
                            kind: p.kind.clone(),
                            local_code: p.local_code.clone(),
                            households: p.households,
                            residents: p.residents,
                        })
                        .collect(),
                    missing: gap.missing.len(),
                    foreign: gap.foreign.len(),
                    empty_parts: gap.empty_parts,
                }
            })
            .collect(),
        after: v
            .after
            .iter()
            .map(|a| AfterOut {
                code: a.code.clone(),
                name: a.name.clone(),
                kind: a.kind.clone(),
                from: a.from.clone(),
                households: a.households,
                residents: a.residents,
                minimum: a.minimum.as_ref().map(|m| m.households),
                percent: a.percent,
                flag: a.flag.map(|f| f.as_str().to_owned()),
            })
            .collect(),
        consent: v
            .consent
            .iter()
            .map(|c| ConsentOut {
                unit_code: c.unit_code.clone(),
                unit_name: c.unit_name.clone(),
                vote_id: c.vote_id,
                consent: c.consent.as_str().to_owned(),
                yes: c.yes,
                roll: c.roll,
            })
            .collect(),
        freeze: v.freeze.as_ref().map(|f| f.basis.clone()),
    }
}

/// What applying did (or, previewed, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplyOut {
    pub dry_run: bool,
    /// `[code, name]` of each unit opened.
    pub opened: Vec<(String, String)>,
    pub closed: Vec<String>,
    pub renamed: Vec<String>,
    pub households_moved: u64,
    pub residents_moved: u64,
    pub groups_carried: u64,
    pub groups_merged: u64,
    pub groups_dissolved: u64,
    pub positions_ended: u64,
    pub thanked: u64,
    pub grants_moved: u64,
    pub grants_ended: u64,
    pub feedback_rerouted: u64,
    pub regulations_marked: u64,
    pub events: Vec<i64>,
}

impl From<ApplyReport> for ApplyOut {
    fn from(r: ApplyReport) -> Self {
        Self {
            dry_run: r.dry_run,
            opened: r.opened,
            closed: r.closed,
            renamed: r.renamed,
            households_moved: r.households_moved,
            residents_moved: r.residents_moved,
            groups_carried: r.groups_carried,
            groups_merged: r.groups_merged,
            groups_dissolved: r.groups_dissolved,
            positions_ended: r.positions_ended,
            thanked: r.thanked,
            grants_moved: r.grants_moved,
            grants_ended: r.grants_ended,
            feedback_rerouted: r.feedback_rerouted,
            regulations_marked: r.regulations_marked,
            events: r.events,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SizeOut {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub households: i64,
    pub residents: i64,
    pub minimum: Option<u32>,
    pub percent: Option<u64>,
    pub flag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SizeReportOut {
    pub commune_code: String,
    pub must_merge: usize,
    pub may_merge: usize,
    pub units: Vec<SizeOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardOut {
    pub kind: String,
    pub min_households: Option<u32>,
    pub basis: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreezeOut {
    pub id: i64,
    /// Empty: national.
    pub province_code: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardsOut {
    pub province_code: String,
    /// The minimum in force today per residential kind.
    pub in_force: Vec<StandardOut>,
    pub freezes: Vec<FreezeOut>,
}

/// Drafts a scheme at a commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/restructuring/schemes", tag = "restructuring",
    request_body = SchemeBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<SchemeBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: SchemeInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    let id = app::create_scheme(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A commune's schemes, newest first.
#[utoipa::path(get, path = "/api/v1/communes/{code}/restructuring/schemes", tag = "restructuring",
    security(("bearer" = [])), responses((status = 200, body = SchemeList)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<SchemeList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, list) = app::schemes_of(&ctx, &code).await?;
    Ok(Json(SchemeList {
        items: list.iter().map(Into::into).collect(),
    }))
}

/// A scheme with its items, before/after table and consent.
#[utoipa::path(get, path = "/api/v1/restructuring/schemes/{id}", tag = "restructuring",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(detail(&app::scheme_view(&ctx, id).await?)))
}

/// Replaces a draft's header.
#[utoipa::path(put, path = "/api/v1/restructuring/schemes/{id}", tag = "restructuring",
    params(("id" = i64, Path)), request_body = SchemeBody, security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<SchemeBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let input: SchemeInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    app::edit_scheme(&ctx, id, &input).await?;
    Ok(Json(detail(&app::scheme_view(&ctx, id).await?)))
}

/// Adds a merge to a draft.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/merges", tag = "restructuring",
    params(("id" = i64, Path)), request_body = MergeBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_merge(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<MergeBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: MergeInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    let id = app::add_merge(&ctx, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Adds a split to a draft.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/splits", tag = "restructuring",
    params(("id" = i64, Path)), request_body = SplitBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_split(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<SplitBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: SplitInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    let id = app::add_split(&ctx, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Adds a rename to a draft.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/renames", tag = "restructuring",
    params(("id" = i64, Path)), request_body = RenameBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn add_rename(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<RenameBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = RenameInput {
        unit: b.unit,
        name: b.name,
        kind: b.kind,
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = app::add_rename(&ctx, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Removes an item of a draft.
#[utoipa::path(delete, path = "/api/v1/restructuring/schemes/{id}/items/{item}", tag = "restructuring",
    params(("id" = i64, Path), ("item" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn remove_item(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, item)): Path<(i64, i64)>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    app::remove_item(&ctx, id, item).await?;
    Ok(Json(detail(&app::scheme_view(&ctx, id).await?)))
}

/// Puts households of a split unit into one of its parts.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/items/{item}/households",
    tag = "restructuring", params(("id" = i64, Path), ("item" = i64, Path)),
    request_body = AssignBody, security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, item)): Path<(i64, i64)>,
    b: Result<Json<AssignBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let b = body(b)?;
    let households: Vec<HouseholdId> = b.households.into_iter().map(HouseholdId).collect();
    let ctx = state.ctx(Some(who), &rc);
    app::assign_households(&ctx, id, item, b.part_id, &households).await?;
    Ok(Json(detail(&app::scheme_view(&ctx, id).await?)))
}

macro_rules! scheme_action {
    ($name:ident, $path:literal, $call:path, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "restructuring",
            params(("id" = i64, Path)), security(("bearer" = [])),
            responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            CurrentUser(who): CurrentUser,
            rc: RequestCtx,
            Path(id): Path<i64>,
        ) -> Result<Json<SchemeDetail>, ApiError> {
            let ctx = state.ctx(Some(who), &rc);
            $call(&ctx, id).await?;
            Ok(Json(detail(&app::scheme_view(&ctx, id).await?)))
        }
    };
}

scheme_action!(
    consult,
    "/api/v1/restructuring/schemes/{id}/consultation",
    app::start_consultation,
    "Starts the consultation: one household ballot per affected unit (and per candidate name)."
);
scheme_action!(
    approve,
    "/api/v1/restructuring/schemes/{id}/approve",
    app::approve,
    "Approves a scheme under consultation."
);
scheme_action!(
    abandon,
    "/api/v1/restructuring/schemes/{id}/abandon",
    app::abandon,
    "Abandons a scheme not yet applied."
);

/// Records that the scheme goes ahead without consent, with the reason and decision.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/override", tag = "restructuring",
    params(("id" = i64, Path)), request_body = OverrideBody, security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn override_consent(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    b: Result<Json<OverrideBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let b = body(b)?;
    let input = OverrideInput {
        reason: b.reason,
        number: b.number,
        date: b.date,
        signer: b.signer,
    };
    let ctx = state.ctx(Some(who), &rc);
    app::record_override(&ctx, id, &input).await?;
    Ok(Json(detail(&app::scheme_view(&ctx, id).await?)))
}

/// What applying the scheme would do; nothing changes.
#[utoipa::path(get, path = "/api/v1/restructuring/schemes/{id}/preview", tag = "restructuring",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplyOut), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Json<ApplyOut>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(app::apply_scheme(&ctx, id, true).await?.into()))
}

/// Applies an approved scheme, atomically.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/apply", tag = "restructuring",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplyOut), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Json<ApplyOut>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(app::apply_scheme(&ctx, id, false).await?.into()))
}

/// A commune's units against their size standard.
#[utoipa::path(get, path = "/api/v1/communes/{code}/restructuring/sizes", tag = "restructuring",
    security(("bearer" = [])), responses((status = 200, body = SizeReportOut)))]
pub async fn sizes(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<SizeReportOut>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let r = app::size_report(&ctx, &code).await?;
    Ok(Json(SizeReportOut {
        commune_code: r.commune.code.clone(),
        must_merge: r.must_merge,
        may_merge: r.may_merge,
        units: r
            .rows
            .iter()
            .map(|s| SizeOut {
                code: s.unit.code.clone(),
                name: s.unit.name.clone(),
                kind: s.unit.kind.clone(),
                households: s.unit.households,
                residents: s.unit.residents,
                minimum: s.minimum.as_ref().map(|m| m.households),
                percent: s.percent,
                flag: s.flag.map(|f| f.as_str().to_owned()),
            })
            .collect(),
    }))
}

/// The size standards in force in the province of a unit, and its freezes.
#[utoipa::path(get, path = "/api/v1/units/{code}/restructuring/standards", tag = "restructuring",
    security(("bearer" = [])), responses((status = 200, body = StandardsOut)))]
pub async fn standards(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<StandardsOut>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = app::standards_view(&ctx, &code).await?;
    Ok(Json(StandardsOut {
        province_code: v.province.code.clone(),
        in_force: v
            .in_force
            .iter()
            .map(|r| StandardOut {
                kind: r.kind.as_str().to_owned(),
                min_households: r.minimum.as_ref().map(|m| m.households),
                basis: r.minimum.as_ref().map(|m| m.basis.clone()),
            })
            .collect(),
        freezes: v
            .freezes
            .iter()
            .map(|f| FreezeOut {
                id: f.id,
                province_code: f.province_code.clone(),
                starts_on: f.starts_on.clone(),
                ends_on: f.ends_on.clone(),
                basis: f.basis.clone(),
            })
            .collect(),
    }))
}

/// Sets the province's minimum households for a kind from a date.
#[utoipa::path(post, path = "/api/v1/units/{code}/restructuring/standards", tag = "restructuring",
    request_body = StandardBody, security(("bearer" = [])),
    responses((status = 200, body = StandardsOut), (status = 400, body = ErrorBody)))]
pub async fn set_standard(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<StandardBody>, JsonRejection>,
) -> Result<Json<StandardsOut>, ApiError> {
    let b = body(b)?;
    let input = StandardInput {
        kind: b.kind,
        min_households: b.min_households.to_string(),
        effective_from: b.effective_from,
        basis: b.basis,
    };
    let ctx = state.ctx(Some(who.clone()), &rc);
    app::set_standard(&ctx, &code, &input).await?;
    standards(State(state), CurrentUser(who), rc, Path(code)).await
}

/// Records a freeze on applying schemes, national or for the unit's province.
#[utoipa::path(post, path = "/api/v1/units/{code}/restructuring/freezes", tag = "restructuring",
    request_body = FreezeBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody)))]
pub async fn add_freeze(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<FreezeBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = FreezeInput {
        scope: b.scope,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        basis: b.basis,
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = app::add_freeze(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
