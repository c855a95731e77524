//! The printable list of households not yet reached, as PDF or DOCX (Decree 30 layout) beside
//! the page of the same list; rendering runs in `spawn_blocking` (`pages::documents::send`).

use axum::extract::{Path, State};
use axum::response::Response;
use tuquan_app::announcements as ann;
use tuquan_app::documents::produce::file_name;

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::documents::{format_of, send};
use crate::AppState;

/// `/announcements/{id}/units/{code}/not-reached.{pdf|docx}`: the path's last segment is
/// `not-reached.pdf` or `not-reached.docx`.
pub(super) async fn not_reached_file(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code, file)): Path<(tuquan_domain::announcements::AnnouncementId, String, String)>,
) -> Result<Response, PageError> {
    let format = file
        .strip_prefix("not-reached.")
        .and_then(format_of)
        .ok_or(Failure::NotFound)?;
    let ctx = state.ctx(Some(who), &rc);
    let (unit, doc) = ann::not_reached_document(&ctx, id, &code).await?;
    let ext = file.rsplit('.').next().unwrap_or("pdf");
    let name = file_name(&["chua-nhan-thong-bao", &id.to_string(), &unit.name], ext);
    send(doc, format, name, true).await
}
