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
use tuquan_app::restructuring::schemes as app;
use tuquan_app::Ctx;
use tuquan_domain::restructuring::scheme::{SchemeId, SchemeItemId};
use tuquan_domain::restructuring::standards::{FreezeInput, StandardInput};

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

mod bodies;
pub mod groups;

use bodies::detail;
pub use bodies::*;
pub use groups::*;

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
    ("POST", "/api/v1/restructuring/schemes/{id}/groups"),
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
        .route("/api/v1/restructuring/schemes/{id}/groups", post(set_group))
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

/// 201 with the id of what was made.
fn created(id: impl Into<i64>) -> (StatusCode, Json<SchemeCreated>) {
    (StatusCode::CREATED, Json(SchemeCreated { id: id.into() }))
}

/// The scheme as it is after a change.
async fn detail_of(ctx: &Ctx, id: SchemeId) -> Result<Json<SchemeDetail>, ApiError> {
    Ok(Json(detail(&app::scheme_view(ctx, id).await?)))
}

/// Drafts a scheme at a commune.
#[utoipa::path(post, path = "/api/v1/communes/{code}/restructuring/schemes", tag = "restructuring",
    request_body = SchemeBody, security(("bearer" = [])),
    responses((status = 201, body = SchemeCreated), (status = 400, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<SchemeBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(created(
        app::create_scheme(&ctx, &code, &body(b)?.into()).await?,
    ))
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
    params(("id" = i64, Path, description = "The scheme")), security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<SchemeId>,
) -> Result<Json<SchemeDetail>, ApiError> {
    detail_of(&state.ctx(Some(who), &rc), id).await
}

/// Replaces a draft's header.
#[utoipa::path(put, path = "/api/v1/restructuring/schemes/{id}", tag = "restructuring",
    params(("id" = i64, Path, description = "The scheme")), request_body = SchemeBody,
    security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<SchemeId>,
    b: Result<Json<SchemeBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    app::edit_scheme(&ctx, id, &body(b)?.into()).await?;
    detail_of(&ctx, id).await
}

/// A route that adds an item to a draft (its own `utoipa::path`): the body into the domain's
/// input, the use case, 201 with the item's id.
macro_rules! add_item {
    ($name:ident, $path:literal, $body:ident, $call:path, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "restructuring",
            params(("id" = i64, Path, description = "The scheme")), request_body = $body,
            security(("bearer" = [])),
            responses((status = 201, body = SchemeCreated), (status = 422, body = ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            CurrentUser(who): CurrentUser,
            rc: RequestCtx,
            Path(id): Path<SchemeId>,
            b: Result<Json<$body>, JsonRejection>,
        ) -> Result<impl IntoResponse, ApiError> {
            let ctx = state.ctx(Some(who), &rc);
            Ok(created($call(&ctx, id, &body(b)?.into()).await?))
        }
    };
}

add_item!(
    add_merge,
    "/api/v1/restructuring/schemes/{id}/merges",
    MergeBody,
    app::add_merge,
    "Adds a merge to a draft."
);
add_item!(
    add_split,
    "/api/v1/restructuring/schemes/{id}/splits",
    SplitBody,
    app::add_split,
    "Adds a split to a draft."
);
add_item!(
    add_rename,
    "/api/v1/restructuring/schemes/{id}/renames",
    RenameBody,
    app::add_rename,
    "Adds a rename to a draft."
);

/// Removes an item of a draft.
#[utoipa::path(delete, path = "/api/v1/restructuring/schemes/{id}/items/{item}", tag = "restructuring",
    params(("id" = i64, Path, description = "The scheme"),
        ("item" = i64, Path, description = "The item of the scheme")),
    security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn remove_item(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, item)): Path<(SchemeId, SchemeItemId)>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    app::remove_item(&ctx, id, item).await?;
    detail_of(&ctx, id).await
}

/// Puts households of a split unit into one of its parts.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/items/{item}/households",
    tag = "restructuring",
    params(("id" = i64, Path, description = "The scheme"),
        ("item" = i64, Path, description = "The split")),
    request_body = AssignBody, security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, item)): Path<(SchemeId, SchemeItemId)>,
    b: Result<Json<AssignBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    app::assign_households(&ctx, id, item, b.part(), &b.households()).await?;
    detail_of(&ctx, id).await
}

macro_rules! scheme_action {
    ($name:ident, $path:literal, $call:path, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "restructuring",
            params(("id" = i64, Path, description = "The scheme")), security(("bearer" = [])),
            responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            CurrentUser(who): CurrentUser,
            rc: RequestCtx,
            Path(id): Path<SchemeId>,
        ) -> Result<Json<SchemeDetail>, ApiError> {
            let ctx = state.ctx(Some(who), &rc);
            $call(&ctx, id).await?;
            detail_of(&ctx, id).await
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
    params(("id" = i64, Path, description = "The scheme")), request_body = OverrideBody,
    security(("bearer" = [])),
    responses((status = 200, body = SchemeDetail), (status = 422, body = ErrorBody)))]
pub async fn override_consent(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<SchemeId>,
    b: Result<Json<OverrideBody>, JsonRejection>,
) -> Result<Json<SchemeDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    app::record_override(&ctx, id, &body(b)?.into()).await?;
    detail_of(&ctx, id).await
}

/// What applying the scheme would do; nothing changes.
#[utoipa::path(get, path = "/api/v1/restructuring/schemes/{id}/preview", tag = "restructuring",
    params(("id" = i64, Path, description = "The scheme")), security(("bearer" = [])),
    responses((status = 200, body = ApplyOut), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<SchemeId>,
) -> Result<Json<ApplyOut>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(app::apply_scheme(&ctx, id, true).await?))
}

/// Applies an approved scheme, atomically.
#[utoipa::path(post, path = "/api/v1/restructuring/schemes/{id}/apply", tag = "restructuring",
    params(("id" = i64, Path, description = "The scheme")), security(("bearer" = [])),
    responses((status = 200, body = ApplyOut), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<SchemeId>,
) -> Result<Json<ApplyOut>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    Ok(Json(app::apply_scheme(&ctx, id, false).await?))
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
                id: f.id.get(),
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
    responses((status = 201, body = SchemeCreated), (status = 400, body = ErrorBody)))]
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
    Ok(created(app::add_freeze(&ctx, &code, &input).await?))
}
