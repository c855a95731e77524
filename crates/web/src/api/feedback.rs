//! `/api/v1` for resident feedback: submitting, following by tracking code, the public list,
//! the staff inbox and steps, reopening and rating, and a commune's routing table.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_domain::feedback::{NewFeedbackInput, TrackingCode};
use tuquan_domain::page::Limit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::feedback::{FeedbackFilter, FeedbackRecord};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Can, FeedbackConfigure, FeedbackHandle, MaybeUser, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::feedback::{self as svc, PublicFeedback, Sender, StepInput};
use crate::i18n::Lang;
use crate::AppState;

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
            post(submit).layer(DefaultBodyLimit::max(svc::upload::BODY_LIMIT)),
        )
        .route("/api/v1/feedback/{code}/photos", get(photos))
        .route("/api/v1/feedback/{code}/photos/{photo_id}", get(photo))
        .route("/api/v1/feedback/{code}", get(track))
        .route("/api/v1/feedback/{code}/steps", post(step))
        .route("/api/v1/feedback/{code}/reopen", post(reopen))
        .route("/api/v1/feedback/{code}/rating", post(rate))
        .route("/api/v1/units/{code}/feedback", get(public_list))
        .route("/api/v1/feedback-inbox", get(inbox))
        .route("/api/v1/feedback-inbox/acknowledge", post(acknowledge))
        .route(
            "/api/v1/units/{code}/feedback-routes",
            get(routes).put(set_route),
        )
}

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Failure> {
    b.map(|Json(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, Failure> {
    q.map(|Query(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

/// An item by its tracking code; a malformed or unknown code is "not found".
pub(crate) async fn by_code(state: &AppState, code: &str) -> Result<FeedbackRecord, Failure> {
    let code = TrackingCode::parse(code).map_err(|_| Failure::NotFound)?;
    Ok(state.store.feedback_by_code(code.as_str()).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitBody {
    #[serde(flatten)]
    pub input: NewFeedbackInputDoc,
    /// Filed by a unit head or official for a resident who came in person.
    #[serde(default)]
    pub on_behalf: bool,
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
    responses((status = 201, body = Submitted),
              (status = 400, description = "A bad field, named in `field` (photos: `photo`)", body = ErrorBody),
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
        let up = svc::upload::read(mp).await?;
        if up.too_large {
            return Err(svc::upload::FeedbackUpload::too_large_error().into());
        }
        (up.input(), up.flag("on_behalf"), up.photos)
    } else {
        let b = body(Json::<SubmitBody>::from_request(req, &state).await)?;
        (NewFeedbackInput::from(b.input), b.on_behalf, Vec::new())
    };
    let sender = match (&who, on_behalf) {
        (Some(w), true) => Sender::OnBehalf(w),
        (Some(w), false) => Sender::SignedIn(w),
        (None, true) => return Err(Failure::Unauthorized.into()),
        (None, false) => Sender::Anonymous,
    };
    let item = svc::submit(&state, sender, &input, &photos, &rc).await?;
    Ok((
        StatusCode::CREATED,
        Json(Submitted {
            tracking_code: item.tracking_code,
            status: item.status,
            ack_due_at: item.ack_due_at,
            resolve_due_at: item.resolve_due_at,
        }),
    ))
}

/// Follows feedback by its tracking code: the public view and its public history.
#[utoipa::path(get, path = "/api/v1/feedback/{code}", tag = "feedback",
    params(("code" = String, Path, description = "Tracking code, e.g. PA-ABCD2345")),
    responses((status = 200, body = PublicFeedback), (status = 404, body = ErrorBody)))]
pub async fn track(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Json<PublicFeedback>, ApiError> {
    let item = by_code(&state, &code).await?;
    Ok(Json(svc::public_view(&state, lang, &item, true).await?))
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
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FeedbackPhotos), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn photos(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    Path(code): Path<String>,
) -> Result<Json<FeedbackPhotos>, ApiError> {
    let item = by_code(&state, &code).await?;
    match &who {
        None => return Err(Failure::Unauthorized.into()),
        Some(_) if !svc::sender::may_see_private(&item, who.as_ref()) => {
            return Err(Failure::Forbidden.into())
        }
        Some(_) => {}
    }
    let ids = state.store.feedback_photo_ids(item.id).await?;
    Ok(Json(FeedbackPhotos {
        photos: ids
            .into_iter()
            .map(|id| PhotoRef {
                id,
                url: format!("/api/v1/feedback/{}/photos/{id}", item.tracking_code),
            })
            .collect(),
    }))
}

/// One photo of an item (JPEG or PNG, without its EXIF/GPS metadata), for the same people.
/// Staff views are recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/feedback/{code}/photos/{photo_id}", tag = "feedback",
    params(("code" = String, Path), ("photo_id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The image", content_type = "image/jpeg"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn photo(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path((code, photo_id)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let item = by_code(&state, &code).await?;
    let photo_id: i64 = photo_id.parse().map_err(|_| Failure::NotFound)?;
    let (ct, bytes) = svc::sender::photo(&state, who.as_ref(), &rc, &item, photo_id).await?;
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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this state.
    pub status: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicList {
    pub items: Vec<PublicFeedback>,
    pub next_cursor: Option<String>,
}

fn cursor(raw: &Option<String>) -> Result<Option<i64>, Failure> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(c) => c.parse().map(Some).map_err(|_| {
            FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor").into()
        }),
    }
}

/// Public feedback of a unit and below, newest first: category, status, the unit (never the
/// address) and the public answer; no personal data.
#[utoipa::path(get, path = "/api/v1/units/{code}/feedback", tag = "feedback",
    params(("code" = String, Path), ListQuery),
    responses((status = 200, body = PublicList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn public_list(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<PublicList>, ApiError> {
    let q = query(q)?;
    let (items, next) = public_page(&state, lang, &code, &q).await?;
    Ok(Json(PublicList {
        items,
        next_cursor: next.map(|n| n.to_string()),
    }))
}

/// One page of the public list; shared with the page.
pub(crate) async fn public_page(
    state: &AppState,
    lang: Lang,
    code: &str,
    q: &ListQuery,
) -> Result<(Vec<PublicFeedback>, Option<i64>), Failure> {
    let unit = crate::api::territory::load_unit_for(state, code).await?;
    let limit = Limit::parse(q.limit.as_deref())?;
    let filter = FeedbackFilter {
        scope_path: Some(unit.path.clone()),
        status: svc::parse_status(q.status.as_deref().unwrap_or(""))?,
        category: q.category.clone().filter(|c| !c.trim().is_empty()),
        before_id: cursor(&q.cursor)?,
        limit: i64::from(limit.get()) + 1,
        ..Default::default()
    };
    let mut rows = state.store.list_feedback(&filter).await?;
    let next = if rows.len() > limit.get() as usize {
        rows.truncate(limit.get() as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let items = svc::public_views(state, lang, &rows, Some(&unit)).await?;
    Ok((items, next))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only this unit and below (default: the widest unit you handle).
    pub unit: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// `true`: only items past a deadline.
    pub overdue: Option<String>,
    /// `true`: only items assigned to you.
    pub mine: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// An item as staff see it: with the sender's contact (personal data; reads are audited).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffItem {
    pub id: i64,
    pub tracking_code: String,
    pub category: String,
    pub status: String,
    pub unit_code: String,
    pub description: String,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub level: String,
    pub role: String,
    pub assignee_id: Option<i64>,
    pub ack_due_at: String,
    pub resolve_due_at: String,
    pub overdue: bool,
    pub escalations: i64,
    pub created_at: String,
}

impl StaffItem {
    pub(crate) fn new(r: &FeedbackRecord, now: &str) -> Self {
        Self {
            id: r.id,
            tracking_code: r.tracking_code.clone(),
            category: r.category.clone(),
            status: r.status.clone(),
            unit_code: r.unit_code.clone(),
            description: r.description.clone(),
            address: r.address.clone(),
            contact_name: r.contact_name.clone(),
            contact_phone: r.contact_phone.clone(),
            contact_email: r.contact_email.clone(),
            level: r.level.clone(),
            role: r.role.clone(),
            assignee_id: r.assignee_id,
            ack_due_at: r.ack_due_at.clone(),
            resolve_due_at: r.resolve_due_at.clone(),
            overdue: r.overdue_at(now),
            escalations: r.escalations,
            created_at: r.created_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    pub items: Vec<StaffItem>,
    pub next_cursor: Option<String>,
}

/// The staff inbox: items of the units you handle, with filters.
#[utoipa::path(get, path = "/api/v1/feedback-inbox", tag = "feedback", params(InboxQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Inbox), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    q: Result<Query<InboxQuery>, QueryRejection>,
) -> Result<Json<Inbox>, ApiError> {
    let q = query(q)?;
    let page = svc::staff::inbox(&state, &can, &rc, &q).await?;
    Ok(Json(Inbox {
        items: page
            .rows
            .iter()
            .map(|r| StaffItem::new(r, &page.now))
            .collect(),
        next_cursor: page.next.map(|n| n.to_string()),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AcknowledgeBody {
    /// Tracking codes of new items, at most 200.
    pub codes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcknowledgeFailure {
    pub tracking_code: String,
    /// Why this one was not acknowledged (e.g. `invalid_parameter` on `status`: not new).
    pub error: crate::error::ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcknowledgeReport {
    /// The tracking codes acknowledged now.
    pub acknowledged: Vec<String>,
    /// The others, each with its reason; nothing was changed for them.
    pub failed: Vec<AcknowledgeFailure>,
}

/// Acknowledges several new items at once, each through the same step as
/// `POST /api/v1/feedback/{code}/steps` with `acknowledge`. Each item stands alone: the
/// answer lists those acknowledged and, for the others (unknown, not yours, not new), why.
#[utoipa::path(post, path = "/api/v1/feedback-inbox/acknowledge", tag = "feedback",
    request_body = AcknowledgeBody, security(("bearer" = [])),
    responses((status = 200, body = AcknowledgeReport),
              (status = 400, description = "No codes, or more than 200", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    lang: Lang,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    b: Result<Json<AcknowledgeBody>, JsonRejection>,
) -> Result<Json<AcknowledgeReport>, ApiError> {
    let b = body(b)?;
    let outcomes = svc::staff::acknowledge_many(&state, &can, &rc, &b.codes).await?;
    let mut report = AcknowledgeReport {
        acknowledged: Vec::new(),
        failed: Vec::new(),
    };
    for o in outcomes {
        match o.result {
            Ok(()) => report.acknowledged.push(o.tracking_code),
            Err(f) => report.failed.push(AcknowledgeFailure {
                tracking_code: o.tracking_code,
                error: f.detail(lang),
            }),
        }
    }
    Ok(Json(report))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StepBody {
    /// `acknowledge`, `start`, `resolve`, `reject` (public_note = the reason), `duplicate`
    /// (duplicate_of = the original's tracking code), `refer` (referred_to), `note`, `assign`
    /// (assignee_id, empty to unassign).
    pub action: String,
    pub public_note: Option<String>,
    /// Never shown to the public.
    pub internal_note: Option<String>,
    pub duplicate_of: Option<String>,
    pub referred_to: Option<String>,
    pub assignee_id: Option<String>,
}

/// A step of the workflow, by staff who handle feedback of the item's unit.
#[utoipa::path(post, path = "/api/v1/feedback/{code}/steps", tag = "feedback",
    params(("code" = String, Path)), request_body = StepBody, security(("bearer" = [])),
    responses((status = 200, body = StaffItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<StepBody>, JsonRejection>,
) -> Result<Json<StaffItem>, ApiError> {
    let b = body(b)?;
    let item = by_code(&state, &code).await?;
    can.check(Some(&item.unit_path))?;
    let input = StepInput {
        action: b.action,
        public_note: b.public_note,
        internal_note: b.internal_note,
        duplicate_of: b.duplicate_of,
        referred_to: b.referred_to,
        assignee_id: b.assignee_id,
    };
    svc::staff_step(&state, &can.who, &rc, &item, &input).await?;
    let item = state.store.feedback(item.id).await?;
    Ok(Json(StaffItem::new(&item, &tuquan_store::now())))
}

#[derive(Debug, Deserialize, ToSchema)]
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
    params(("code" = String, Path)), request_body = ReopenBody,
    responses((status = 200, body = PublicFeedback), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ReopenBody>, JsonRejection>,
) -> Result<Json<PublicFeedback>, ApiError> {
    let b = body(b)?;
    let item = by_code(&state, &code).await?;
    svc::sender::require_sender(&item, who.as_ref(), b.contact.as_deref().unwrap_or(""))?;
    svc::reopen(&state, &rc, &item, &b.reason).await?;
    let item = state.store.feedback(item.id).await?;
    Ok(Json(svc::public_view(&state, lang, &item, true).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingBody {
    /// 1 (poor) to 5 (very good).
    pub rating: String,
    /// As for reopening: the contact left when sending, for feedback sent without an account.
    #[serde(default)]
    pub contact: Option<String>,
}

/// The sender (as for reopening) rates the answer, 1 to 5.
#[utoipa::path(post, path = "/api/v1/feedback/{code}/rating", tag = "feedback",
    params(("code" = String, Path)), request_body = RatingBody,
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
    let item = by_code(&state, &code).await?;
    svc::sender::require_sender(&item, who.as_ref(), b.contact.as_deref().unwrap_or(""))?;
    svc::rate(&state, &rc, &item, &b.rating).await?;
    let item = state.store.feedback(item.id).await?;
    Ok(Json(svc::public_view(&state, lang, &item, true).await?))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RouteItem {
    /// A category code, or empty for every category.
    pub category: String,
    /// `unit`, `commune` or `province`; null to remove the rule.
    pub level: Option<String>,
    /// The role that answers at that level, e.g. `commune_police`.
    pub role: Option<String>,
}

/// A commune's routing table (rules for a category beat the rule for every category;
/// without a rule, the unit head answers first and the commune next).
#[utoipa::path(get, path = "/api/v1/units/{code}/feedback-routes", tag = "feedback",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = [RouteItem]), (status = 403, body = ErrorBody)))]
pub async fn routes(
    State(state): State<AppState>,
    can: Can<FeedbackConfigure>,
    Path(code): Path<String>,
) -> Result<Json<Vec<RouteItem>>, ApiError> {
    let commune = svc::staff::commune_for(&state, &can, &code).await?;
    let rules = state.store.routes_for(&commune.code).await?;
    Ok(Json(
        rules
            .into_iter()
            .map(|r| RouteItem {
                category: r.category.unwrap_or_default(),
                level: Some(r.level.as_str().to_owned()),
                role: Some(r.role.as_str().to_owned()),
            })
            .collect(),
    ))
}

/// Sets or removes one rule of a commune's routing table.
#[utoipa::path(put, path = "/api/v1/units/{code}/feedback-routes", tag = "feedback",
    params(("code" = String, Path)), request_body = RouteItem, security(("bearer" = [])),
    responses((status = 200, body = [RouteItem]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set_route(
    State(state): State<AppState>,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<RouteItem>, JsonRejection>,
) -> Result<Json<Vec<RouteItem>>, ApiError> {
    let b = body(b)?;
    let commune = svc::staff::commune_for(&state, &can, &code).await?;
    svc::staff::set_route(
        &state,
        &can,
        &rc,
        &commune,
        &b.category,
        b.level.as_deref(),
        b.role.as_deref(),
    )
    .await?;
    routes(State(state), can, Path(code)).await
}
