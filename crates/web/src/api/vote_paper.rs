//! Paper ballots entered twice and their reconciliation (`/api/v1/votes/{id}/paper`).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::votes::{self as app};
use tuquan_domain::{FileId, HouseholdId, VoteId};
use utoipa::ToSchema;

use super::votes::{Done, PaperChoiceCode};
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperRow {
    #[serde(deserialize_with = "super::contract::whole")]
    pub household_id: i64,
    /// `yes`, `no`, `abstain`; blank: no paper ballot from this household.
    #[schema(value_type = PaperChoiceCode)]
    pub choice: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperBody {
    pub rows: Vec<PaperRow>,
}

/// Enters (or corrects) paper entry 1 or 2; the two are made by different people.
#[utoipa::path(put, path = "/api/v1/votes/{id}/paper/{entry}", tag = "votes",
    params(("id" = i64, Path), ("entry" = i64, Path)),
    request_body = PaperBody, security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn enter_paper(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, entry)): Path<(VoteId, i64)>,
    b: Result<Json<PaperBody>, JsonRejection>,
) -> Result<Json<Done>, ApiError> {
    let b = body(b)?;
    let rows: Vec<(HouseholdId, String)> = b
        .rows
        .into_iter()
        .map(|r| (HouseholdId(r.household_id), r.choice))
        .collect();
    let ctx = state.ctx(Some(who), &rc);
    app::enter_paper(&ctx, id, entry, &rows).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MismatchItem {
    pub household_id: i64,
    pub first: Option<String>,
    pub second: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaperState {
    /// Who made each entry.
    pub entries: Vec<PaperEntryItem>,
    pub mismatches: Vec<MismatchItem>,
    /// The paper blocks the result (one entry only, or the two differ).
    pub blocks: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaperEntryItem {
    pub entry: i64,
    pub entered_by: String,
    pub entered_at: String,
    /// The tally sheet's photo (`/api/v1/files/{id}`) and its SHA-256, when attached.
    pub sheet_file_id: Option<i64>,
    pub sheet_sha256: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SheetStored {
    pub entry: i64,
    /// SHA-256 of the stored photo, lower-case hex.
    pub sha256: String,
}

/// The photo of a paper entry's tally sheet (`multipart/form-data`, one PDF, JPEG, PNG or
/// WebP in the field `sheet`), fingerprinted and logged in the tally log.
#[utoipa::path(post, path = "/api/v1/votes/{id}/paper/{entry}/sheet", tag = "votes",
    params(("id" = i64, Path), ("entry" = i64, Path)),
    request_body(content = super::file_uploads::SheetUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 201, body = SheetStored), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn attach_sheet(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, entry)): Path<(VoteId, i64)>,
    mp: axum::extract::Multipart,
) -> Result<(axum::http::StatusCode, Json<SheetStored>), ApiError> {
    let mut f = crate::files::read_multipart(mp, &[app::SHEET_FIELD]).await?;
    if f.too_large {
        return Err(crate::files::MultipartForm::too_large_error(app::SHEET_FIELD).into());
    }
    f.refuse_unknown(&[app::SHEET_FIELD])?;
    let file = f
        .take_files(app::SHEET_FIELD)
        .into_iter()
        .next()
        .unwrap_or_default();
    let ctx = state.ctx(Some(who), &rc);
    let sha256 = app::attach_sheet(&ctx, id, entry, &file).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(SheetStored { entry, sha256 }),
    ))
}

/// The two paper entries compared (counting officials).
#[utoipa::path(get, path = "/api/v1/votes/{id}/paper", tag = "votes",
    params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = PaperState)))]
pub async fn paper(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Json<PaperState>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let r = app::reconciliation(&ctx, id).await?;
    Ok(Json(PaperState {
        blocks: r.blocks(),
        entries: r
            .entries
            .iter()
            .map(|e| PaperEntryItem {
                entry: e.entry_no,
                entered_by: e.entered_by.clone(),
                entered_at: e.entered_at.clone(),
                sheet_file_id: e.sheet_file_id.map(FileId::get),
                sheet_sha256: e.sheet_sha256.clone(),
            })
            .collect(),
        mismatches: r
            .mismatches
            .iter()
            .map(|(h, a, b)| MismatchItem {
                household_id: h.get(),
                first: a.map(|c| c.as_str().into()),
                second: b.map(|c| c.as_str().into()),
            })
            .collect(),
    }))
}
