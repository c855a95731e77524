//! `/api/v1` for resident feedback: submitting, following by tracking code, the public list,
//! the photos, and the sender's reopening and rating. The staff inbox, steps and a commune's
//! routing table are in [`staff`]. Each handler parses its input, calls one use case of
//! `tuquan_app::feedback` and renders the answer.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::feedback::public::ListQuery;
use tuquan_app::feedback::workflow::{not_sender_error, SenderRequest};
use tuquan_app::feedback::{self as app, PublicFeedback};
use tuquan_domain::feedback::NewFeedbackInput;
use utoipa::ToSchema;

use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::extract::{body, query};
use crate::feedback::upload;
use crate::i18n::Lang;
use crate::AppState;

pub mod staff;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/feedback"),
    ("POST", "/api/v1/feedback/{code}/steps"),
    ("POST", "/api/v1/feedback/{code}/reopen"),
    ("POST", "/api/v1/feedback/{code}/rating"),
    ("PUT", "/api/v1/units/{code}/feedback-routes"),
    ("POST", "/api/v1/feedback-inbox/acknowledge"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/feedback",
            post(submit).layer(DefaultBodyLimit::max(upload::BODY_LIMIT)),
        )
        .route("/api/v1/feedback/{code}/photos", get(photos))
        .route("/api/v1/feedback/{code}/photos/{photo_id}", get(photo))
        .route("/api/v1/feedback/{code}", get(track))
        .route("/api/v1/feedback/{code}/reopen", post(reopen))
        .route("/api/v1/feedback/{code}/rating", post(rate))
        .route("/api/v1/units/{code}/feedback", get(public_list))
        .merge(staff::router())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitBody {
    #[serde(flatten)]
    pub input: NewFeedbackInputDoc,
    /// Filed by a unit head or official for a resident who came in person.
    #[serde(default)]
    pub on_behalf: bool,
    /// Whatever else was sent: refused, as every body refuses unknown fields (serde cannot
    /// `deny_unknown_fields` with `flatten`).
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: serde_json::Map<String, serde_json::Value>,
}

/// The fields of new feedback (documented copy of the domain input).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewFeedbackInputDoc {
    /// A category code of the commune (see the commune's categories).
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    /// The residential unit (or commune) the feedback is about.
    #[serde(default)]
    pub unit_code: String,
    pub address: Option<String>,
    pub lat: Option<String>,
    pub lng: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

impl From<NewFeedbackInputDoc> for NewFeedbackInput {
    fn from(d: NewFeedbackInputDoc) -> Self {
        Self {
            category: d.category,
            description: d.description,
            unit_code: d.unit_code,
            address: d.address,
            lat: d.lat,
            lng: d.lng,
            contact_name: d.contact_name,
            contact_phone: d.contact_phone,
            contact_email: d.contact_email,
        }
    }
}

/// New feedback with photos, as `multipart/form-data`: the fields of the JSON body as text
/// parts, and up to three `photo` file parts.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct SubmitUpload {
    pub category: String,
    pub description: String,
    pub unit_code: String,
    pub address: Option<String>,
    pub lat: Option<String>,
    pub lng: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    /// `true` when filed for a resident who came in person.
    pub on_behalf: Option<String>,
    /// Up to three photos, JPEG or PNG, at most 5 MB each (checked from the file's first
    /// bytes). Their EXIF/GPS metadata is removed before storage. Repeat the part for each.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub photo: Vec<Vec<u8>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Submitted {
    /// Keep it: it is how the sender follows the feedback.
    pub tracking_code: String,
    pub status: String,
    pub ack_due_at: String,
    pub resolve_due_at: String,
}

/// Whether a request carries a `multipart/form-data` body.
pub(crate) fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Sends feedback. Anonymous where the category allows it; signed in with a token otherwise.
/// As JSON, or as `multipart/form-data` with up to three photos (all stored in the same
/// transaction: a refused photo means nothing is stored).
#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback",
    request_body(content((SubmitBody = "application/json"), (SubmitUpload = "multipart/form-data"))),
    security((), ("bearer" = [])),
    responses((status = 201, body = Submitted),
              (status = 429, description = "Too many submissions from this client, contact or unit; see `Retry-After`", body = ErrorBody),
              (status = 400, description = "A bad field, named in `field`", body = ErrorBody),
              (status = 422, description = "A refused photo: `photo_size`, `photo_type` or `photo_count` on `photo`", body = ErrorBody),
              (status = 403, description = "on_behalf without the right", body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    req: Request,
) -> Result<impl IntoResponse, ApiError> {
    let (input, on_behalf, photos) = if is_multipart(&req) {
        let mp = Multipart::from_request(req, &state)
            .await
            .map_err(|e| Failure::InvalidBody(e.body_text()))?;
        let up = upload::read(mp).await?;
        if up.too_large {
            return Err(upload::FeedbackUpload::too_large_error().into());
        }
        (up.input(), up.flag("on_behalf"), up.photos)
    } else {
        let b = body(Json::<SubmitBody>::from_request(req, &state).await)?;
        if let Some(field) = b.unknown.keys().next() {
            return Err(Failure::InvalidBody(format!("unknown field `{field}`")).into());
        }
        (NewFeedbackInput::from(b.input), b.on_behalf, Vec::new())
    };
    if on_behalf && who.is_none() {
        return Err(Failure::Unauthorized.into());
    }
    let item = app::submit(&state.ctx(who, &rc), on_behalf, &input, &photos)
        .await
        .map_err(|e| {
            crate::error::required_here(photo_rule(e), &["lat", "lng", "contact_phone"])
        })?;
    Ok((
        StatusCode::CREATED,
        Json(Submitted {
            tracking_code: item.tracking_code,
            status: item.status.as_str().to_owned(),
            ack_due_at: item.ack_due_at,
            resolve_due_at: item.resolve_due_at,
        }),
    ))
}

/// A refused photo is a rule on `photo` (422 `photo_type`, `photo_size` or `photo_count`),
/// also when other fields are wrong with it and it comes first: the API names one error, and
/// a file the schema admits is never a malformed request.
fn photo_rule(e: tuquan_app::AppError) -> tuquan_app::AppError {
    use tuquan_app::AppError;
    use tuquan_domain::FieldErrorKind as K;
    let first = match &e {
        AppError::Invalid(fe) => Some(fe),
        AppError::InvalidFields(es) => es.first(),
        _ => None,
    };
    match first {
        Some(fe) if fe.field == "photo" => {
            let code = match fe.kind {
                K::TooLong { .. } => "photo_size",
                K::OutOfRange { .. } => "photo_count",
                _ => "photo_type",
            };
            AppError::rule(code, "photo", fe.detail.clone())
        }
        _ => e,
    }
}

/// Follows feedback by its tracking code: the public view and its public history.
#[utoipa::path(get, path = "/api/v1/feedback/{code}", tag = "feedback",
    params(("code" = String, Path, description = "Tracking code, e.g. PA-ABCD2345")),
    responses((status = 200, body = PublicFeedback), (status = 404, body = ErrorBody)))]
pub async fn track(
    State(state): State<AppState>,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<PublicFeedback>, ApiError> {
    let ctx = state.ctx(None, &rc);
    Ok(Json(app::public::track(&ctx, lang, &code).await?))
}

/// The photos of an item, for those who may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPhotos {
    pub photos: Vec<PhotoRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoRef {
    pub id: i64,
    /// Where to fetch it (with the same token).
    pub url: String,
}

/// The photos of an item: for staff who handle its unit and for the account that sent it.
/// Never public (they may show faces and house numbers).
#[utoipa::path(get, path = "/api/v1/feedback/{code}/photos", tag = "feedback",
    params(("code" = String, Path)), security((), ("bearer" = [])),
    responses((status = 200, body = FeedbackPhotos), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn photos(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<FeedbackPhotos>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let item = app::by_code(&ctx, &code).await?;
    let ids = app::sender::photo_ids(&ctx, &item).await?;
    Ok(Json(FeedbackPhotos {
        photos: ids
            .into_iter()
            .map(|id| PhotoRef {
                id: id.get(),
                url: format!("/api/v1/feedback/{}/photos/{id}", item.tracking_code),
            })
            .collect(),
    }))
}

/// One photo of an item (JPEG or PNG, without its EXIF/GPS metadata), for the same people.
/// Staff views are recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/feedback/{code}/photos/{photo_id}", tag = "feedback",
    params(("code" = String, Path), ("photo_id" = i64, Path)), security((), ("bearer" = [])),
    responses((status = 200, description = "The image", content_type = "image/jpeg"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn photo(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path((code, photo_id)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let ctx = state.ctx(who, &rc);
    let (ct, bytes) = app::sender::photo(&ctx, &code, &photo_id).await?;
    Ok(photo_response(ct, bytes))
}

/// An image answer that no cache keeps.
pub(crate) fn photo_response(content_type: String, bytes: Vec<u8>) -> axum::response::Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicList {
    pub items: Vec<PublicFeedback>,
    pub next_cursor: Option<String>,
}

/// Public feedback of a unit and below, newest first: category, status, the unit (never the
/// address) and the public answer; no personal data.
#[utoipa::path(get, path = "/api/v1/units/{code}/feedback", tag = "feedback",
    params(("code" = String, Path), ListQuery),
    responses((status = 200, body = PublicList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn public_list(
    State(state): State<AppState>,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<PublicList>, ApiError> {
    let q = query(q)?;
    let page = app::public::list(&state.ctx(None, &rc), lang, &code, &q).await?;
    Ok(Json(PublicList {
        items: page.items,
        next_cursor: page.next.map(|n| n.to_string()),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    pub reason: String,
    /// For feedback sent without an account: the phone number or e-mail left when sending
    /// (tracking codes are public, so the code alone does not prove who is asking).
    #[serde(default)]
    pub contact: Option<String>,
}

/// The sender reopens resolved feedback within the reopening window (14 days). The sender is
/// the signed-in account that sent it, or for feedback sent without one, whoever gives the
/// phone or e-mail left when sending (`contact`); anonymous feedback cannot be reopened.
#[utoipa::path(post, path = "/api/v1/feedback/{code}/reopen", tag = "feedback",
    params(("code" = String, Path)), request_body = ReopenBody, security((), ("bearer" = [])),
    responses((status = 200, body = PublicFeedback), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Not resolved (`transition_not_allowed`) or too late (`reopen_window_passed`)", body = ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ReopenBody>, JsonRejection>,
) -> Result<Json<PublicFeedback>, ApiError> {
    let b = body(b)?;
    let request = SenderRequest::Reopen { reason: b.reason };
    as_sender(&state, who, lang, &rc, &code, b.contact, request).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    /// 1 (poor) to 5 (very good).
    pub rating: String,
    /// As for reopening: the contact left when sending, for feedback sent without an account.
    #[serde(default)]
    pub contact: Option<String>,
}

/// The sender (as for reopening) rates the answer, 1 to 5.
#[utoipa::path(post, path = "/api/v1/feedback/{code}/rating", tag = "feedback",
    params(("code" = String, Path)), request_body = RatingBody, security((), ("bearer" = [])),
    responses((status = 200, body = PublicFeedback), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rate(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<RatingBody>, JsonRejection>,
) -> Result<Json<PublicFeedback>, ApiError> {
    let b = body(b)?;
    let request = SenderRequest::Rate { rating: b.rating };
    as_sender(&state, who, lang, &rc, &code, b.contact, request).await
}

/// Reopening and rating: the sender's request, answered with the item's public view.
async fn as_sender(
    state: &AppState,
    who: Option<crate::auth::Authenticated>,
    lang: Lang,
    rc: &RequestCtx,
    code: &str,
    contact: Option<String>,
    request: SenderRequest,
) -> Result<Json<PublicFeedback>, ApiError> {
    let ctx = state.ctx(who, rc);
    let item = app::by_code(&ctx, code).await?;
    let contact = contact.unwrap_or_default();
    let item = app::workflow::as_sender(&ctx, &item, &contact, None, &request)
        .await?
        .map_err(not_sender_error)?;
    Ok(Json(app::public::view(&ctx, lang, &item).await?))
}
