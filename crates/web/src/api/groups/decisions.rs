//! Decisions with their scans, and serving the scans back.

use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tuquan_app::groups::{self as app, DocumentRecord};
use tuquan_domain::groups::{DecisionId, NewDecisionInput, ScanType};
use tuquan_domain::GroupId;

use super::items::*;
use super::{path, upload};
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::AppState;

/// The decision fields of an upload form.
pub(crate) fn decision_input(up: &upload::Upload) -> NewDecisionInput {
    NewDecisionInput {
        kind: up.text("kind"),
        number: up.text("number"),
        issued_on: up.text("issued_on"),
        issuer: up.text("issuer"),
        signer: up.text("signer"),
        effective_on: up.opt("effective_on"),
    }
}

/// Record an establishment decision (the group becomes active) or a dissolution decision
/// (the group is dissolved; current positions end on its effective date), with its scan.
#[utoipa::path(post, path = "/api/v1/groups/{id}/decisions", tag = "groups",
    params(("id" = i64, Path)),
    request_body(content = DecisionUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 201, body = DecisionItem),
              (status = 400, description = "A bad field, named in `field` (the scan: `scan`)", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "The group changed meanwhile", body = ErrorBody),
              (status = 422, description = "The group is not in the state the decision needs (`decision_transition`) or takes none (`decision_not_needed`)", body = ErrorBody)))]
pub async fn record_decision(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = path(id)?;
    let mp = mp.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let up = upload::read(mp, "scan").await?;
    let input = decision_input(&up);
    let ctx = state.ctx(Some(can.who), &rc);
    let d = app::record_decision(&ctx, id, &input, up.file).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/groups/{id}"))],
        Json(DecisionItem::from(&d)),
    ))
}

/// A stored scan as a download: its checked type, and a plain file name (the original
/// name, which may hold anything, is given only in its encoded form).
pub(crate) fn attachment(doc: DocumentRecord, base: &str) -> Response {
    let ext = ScanType::from_content_type(&doc.content_type)
        .map(|t| t.extension())
        .unwrap_or("bin");
    let encoded: String = doc
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{base}.{ext}\"; filename*=UTF-8''{encoded}");
    let mut r = (StatusCode::OK, doc.content).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&doc.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

/// Download the scan of a decision (PDF, JPEG or PNG) as an attachment.
#[utoipa::path(get, path = "/api/v1/groups/{id}/decisions/{decision_id}/scan", tag = "groups",
    params(("id" = i64, Path), ("decision_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The file, with `Content-Disposition: attachment`"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn decision_scan(
    State(state): State<AppState>,
    can: Can<GroupView>,
    rc: RequestCtx,
    ids: Result<Path<(GroupId, DecisionId)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (id, decision_id) = path(ids)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let doc = app::decision_scan(&ctx, id, decision_id).await?;
    Ok(attachment(doc, &format!("quyet-dinh-{decision_id}")))
}
