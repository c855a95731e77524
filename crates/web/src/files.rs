//! Files attached to records (see `tuquan_app::files`): reading a `multipart/form-data` form
//! with file fields (pages with CSRF, and the JSON API's multipart variants), and the download
//! route `/files/{id}`, which answers with the stored content type, a `Content-Disposition`
//! with the file's name, `X-Content-Type-Options: nosniff` and a sandbox policy.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tuquan_app::files::{self as app, MAX_FILES};
use tuquan_domain::files::{content_disposition, MAX_FILE_BYTES};

use crate::auth::csrf::expected_token;
use crate::auth::{secret, MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::multipart::{Limits, LongText};
use crate::AppState;

/// The largest body of a form with files: every file at its largest, one byte more each (so
/// that an oversized file still gets its field error), and the text fields.
pub const BODY_LIMIT: usize = MAX_FILES * (MAX_FILE_BYTES + 1) + 1024 * 1024;
/// The longest text field accepted (an announcement body of 20,000 characters fits).
const TEXT_MAX_BYTES: usize = 100 * 1024;
/// The most parts accepted.
const MAX_PARTS: usize = 80;

/// The page route (signed in by the session cookie) and the API route (by a bearer token).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/files/{id}", get(download))
        .route("/api/v1/files/{id}", get(download_api))
}

pub use crate::multipart::MultipartForm;

/// What a form with files accepts.
const LIMITS: Limits = Limits {
    parts: MAX_PARTS,
    text_bytes: TEXT_MAX_BYTES,
    long_text: LongText::Cut,
    file_bytes: MAX_FILE_BYTES,
    files: MAX_FILES,
};

/// Reads every part of a form with files. Parts named in `file_fields` are files (at most
/// [`MAX_FILES`] + 1 kept per field, each cut at [`MAX_FILE_BYTES`] + 1 so the checks refuse
/// them by name); a file input sent empty is skipped.
pub async fn read_multipart(mp: Multipart, file_fields: &[&str]) -> Result<MultipartForm, Failure> {
    crate::multipart::read(mp, file_fields, &LIMITS).await
}

/// Reads a page's form and checks its CSRF token (field `csrf`), like `CsrfForm` does: as
/// `multipart/form-data` with files, or URL-encoded (a form without files; scripts and older
/// pages send those).
pub async fn read_page_form(
    req: Request,
    state: &AppState,
    file_fields: &[&str],
) -> Result<MultipartForm, Failure> {
    let multipart = crate::api::feedback::is_multipart(&req);
    let (mut parts, body) = req.into_parts();
    let expected = expected_token(&mut parts, state).await?;
    let path = parts.uri.path().to_owned();
    let form = if multipart {
        let mp = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| Failure::InvalidBody(e.body_text()))?;
        read_multipart(mp, file_fields).await?
    } else {
        let bytes = axum::body::to_bytes(body, TEXT_MAX_BYTES * 4)
            .await
            .map_err(|_| Failure::InvalidBody("the form is too large".into()))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| Failure::InvalidBody(e.to_string()))?;
        let mut form = MultipartForm::default();
        for (k, v) in pairs {
            form.fields.entry(k).or_default().push(v);
        }
        form
    };
    let given = form.text("csrf");
    match expected {
        Some(t) if !given.is_empty() && secret::same(&t, &given) => Ok(form),
        _ => {
            tracing::warn!(%path, "CSRF token missing or wrong");
            Err(Failure::CsrfRejected)
        }
    }
}

/// One file, for whoever may read its owning record. Images are shown in place; other files
/// are downloaded under their name. Nothing keeps a copy.
pub async fn download(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(who, &rc);
    let (record, bytes) = app::fetch(&ctx, &id).await?;
    Ok(file_response(&record, bytes))
}

/// One file, for whoever may read its owning record (an announcement's: whoever may read
/// the announcement, anybody for a public one). Images come `inline`, other files as an
/// `attachment` under their name, always with the stored content type and `nosniff`.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files",
    params(("id" = i64, Path)), security((), ("bearer" = [])),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download_api(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(id): Path<String>,
) -> Result<Response, crate::error::ApiError> {
    let ctx = state.ctx(who, &rc);
    let (record, bytes) = app::fetch(&ctx, &id).await?;
    Ok(file_response(&record, bytes))
}

/// The answer carrying a stored file.
pub fn file_response(record: &app::FileRecord, bytes: Vec<u8>) -> Response {
    let inline = record.content_type.starts_with("image/");
    let disposition = HeaderValue::from_str(&content_disposition(&record.name, inline))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let content_type = HeaderValue::from_str(&record.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (CONTENT_TYPE, content_type),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (
                axum::http::HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox")),
        ],
        bytes,
    )
        .into_response()
}
