//! The minutes of a meeting: versions, drafts, finalising, corrections and the signed scan.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use tuquan_app::meetings::{self as meet, MinutesVersion};
use tuquan_domain::meetings::{MinutesInput, ResolutionInput};
use tuquan_domain::{MeetingId, VoteId};
use utoipa::ToSchema;

use super::meetings::*;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesVersionItem {
    pub version: i64,
    /// `draft` or `final` (locked).
    pub status: String,
    pub reason: Option<String>,
    pub opening: String,
    pub discussion: Vec<String>,
    pub resolutions: Vec<ResolutionBody>,
    pub closing: String,
    pub scan_sha256: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub finalised_at: Option<String>,
    pub finalised_by: Option<String>,
}

impl From<&MinutesVersion> for MinutesVersionItem {
    fn from(v: &MinutesVersion) -> Self {
        let r = &v.record;
        Self {
            version: r.version,
            status: r.status.as_str().into(),
            reason: r.reason.clone(),
            opening: v.content.opening.clone(),
            discussion: v.content.discussion.clone(),
            resolutions: v
                .content
                .resolutions
                .iter()
                .map(|x| ResolutionBody {
                    text: x.text.clone(),
                    votes_for: x.votes_for,
                    votes_against: x.votes_against,
                    votes_abstain: x.votes_abstain,
                    vote_id: x.vote_id.map(VoteId::get),
                })
                .collect(),
            closing: v.content.closing.clone(),
            scan_sha256: r.scan_sha256.clone(),
            created_at: r.created_at.clone(),
            created_by: r.created_by.clone(),
            finalised_at: r.finalised_at.clone(),
            finalised_by: r.finalised_by.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesList {
    /// Newest first.
    pub versions: Vec<MinutesVersionItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesSaved {
    pub version: i64,
}

/// Every version of the minutes, newest first.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/minutes", tag = "meetings",
    params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = MinutesList)))]
pub async fn minutes(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Json<MinutesList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = meet::minutes(&ctx, id).await?;
    Ok(Json(MinutesList {
        versions: v.versions.iter().map(Into::into).collect(),
    }))
}

/// Saves the minutes' draft (the first one once the meeting is held). Finalised minutes are
/// locked: 422 `minutes_locked`.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "meetings",
    params(("id" = i64, Path)), request_body = MinutesBody, security(("bearer" = [])),
    responses((status = 200, body = MinutesSaved), (status = 422, body = ErrorBody)))]
pub async fn save_minutes(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    b: Result<Json<MinutesBody>, JsonRejection>,
) -> Result<Json<MinutesSaved>, ApiError> {
    let b = body(b)?;
    let input = MinutesInput {
        opening: b.opening,
        discussion: b.discussion,
        resolutions: b
            .resolutions
            .into_iter()
            .map(|r| ResolutionInput {
                text: r.text,
                votes_for: r.votes_for,
                votes_against: r.votes_against,
                votes_abstain: r.votes_abstain,
                vote_id: r.vote_id.map(VoteId),
            })
            .collect(),
        closing: b.closing,
    };
    let ctx = state.ctx(Some(who), &rc);
    let version = meet::save_minutes(&ctx, id, &input).await?;
    Ok(Json(MinutesSaved { version }))
}

/// Finalises (locks) the current draft.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes/finalise", tag = "meetings",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MinutesSaved), (status = 422, body = ErrorBody)))]
pub async fn finalise(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Json<MinutesSaved>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let version = meet::finalise_minutes(&ctx, id).await?;
    Ok(Json(MinutesSaved { version }))
}

/// Starts a correction of finalised minutes: a new draft version with the reason.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes/corrections", tag = "meetings",
    params(("id" = i64, Path)), request_body = ReasonBody, security(("bearer" = [])),
    responses((status = 201, body = MinutesSaved), (status = 422, body = ErrorBody)))]
pub async fn correct(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    b: Result<Json<ReasonBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let version = meet::correct_minutes(&ctx, id, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(MinutesSaved { version })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanStored {
    pub version: i64,
    /// SHA-256 of the stored file, lower-case hex.
    pub sha256: String,
}

/// The signed paper minutes, as `multipart/form-data`.
// `deny_unknown_fields` only for the schema: no other parts are documented.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ScanUpload {
    /// One PDF, JPEG, PNG or WebP file (told by its first bytes), at most 10 MB; images lose
    /// their embedded metadata. Another type, or a larger file: 422 naming `scan`.
    #[schema(value_type = String, format = Binary)]
    pub scan: Vec<u8>,
}

/// The signed paper minutes (`multipart/form-data`, one PDF, JPEG, PNG or WebP in the field
/// `scan`), stored on the latest version with its SHA-256.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes/scan", tag = "meetings",
    params(("id" = i64, Path)),
    request_body(content = ScanUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 201, body = ScanStored), (status = 400, body = ErrorBody),
              (status = 422, description = "No minutes yet (`minutes_missing`), or the file refused (`scan`)", body = ErrorBody)))]
pub async fn scan(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    mp: axum::extract::Multipart,
) -> Result<impl IntoResponse, ApiError> {
    let mut f = crate::files::read_multipart(mp, &[meet::SCAN_FIELD]).await?;
    if f.too_large {
        return Err(crate::files::MultipartForm::too_large_error(meet::SCAN_FIELD).into());
    }
    f.refuse_unknown(&[meet::SCAN_FIELD])?;
    let file = f
        .take_files(meet::SCAN_FIELD)
        .into_iter()
        .next()
        .unwrap_or_default();
    let ctx = state.ctx(Some(who), &rc);
    let (version, sha256) = meet::attach_minutes_scan(&ctx, id, &file).await?;
    Ok((StatusCode::CREATED, Json(ScanStored { version, sha256 })))
}
