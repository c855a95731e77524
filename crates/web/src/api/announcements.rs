//! `/api/v1` for announcements: publish at a unit, new versions, withdrawal, what waits for a
//! unit's head, passing on, acknowledgements (own household, or on behalf with the channel),
//! the dashboard, the households not reached, and where an account receives messages.
//! Each handler parses, calls one use case of `tuquan_app::announcements`, renders.

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::announcements::{self as ann, AnnouncementRecord, PassOnRecord};
use tuquan_domain::announcements::{AnnouncementId, EditAnnouncementInput, NewAnnouncementInput};
use tuquan_domain::FileId;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;

pub use super::announcement_files::{edit_input_of, input_of, EditUpload, FileItem, PublishUpload};
use super::announcement_files::{json_or_form, JsonOrForm, EDIT_PARTS, PUBLISH_PARTS};
pub use super::announcement_reach::*;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/announcements"),
    ("POST", "/api/v1/announcements/{id}/versions"),
    ("POST", "/api/v1/announcements/{id}/withdraw"),
    ("POST", "/api/v1/announcements/{id}/units/{code}/pass-on"),
    ("POST", "/api/v1/announcements/{id}/acknowledge"),
    ("POST", "/api/v1/announcements/{id}/acknowledgements"),
    ("PUT", "/api/v1/me/delivery-addresses/{channel}"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units/{code}/announcements",
            get(list_at_unit)
                .merge(post(publish).layer(DefaultBodyLimit::max(crate::files::BODY_LIMIT))),
        )
        .route("/api/v1/units/{code}/announcements/waiting", get(waiting))
        .route("/api/v1/announcements/{id}", get(get_one))
        .route(
            "/api/v1/announcements/{id}/versions",
            post(new_version).layer(DefaultBodyLimit::max(crate::files::BODY_LIMIT)),
        )
        .route("/api/v1/announcements/{id}/withdraw", post(withdraw))
        .route(
            "/api/v1/announcements/{id}/units/{code}/pass-on",
            post(pass_on),
        )
        .route("/api/v1/announcements/{id}/acknowledge", post(acknowledge))
        .route(
            "/api/v1/announcements/{id}/acknowledgements",
            post(acknowledge_on_behalf),
        )
        .route(
            "/api/v1/announcements/{id}/units/{code}/dashboard",
            get(dashboard),
        )
        .route(
            "/api/v1/announcements/{id}/units/{code}/not-reached",
            get(not_reached),
        )
        .route(
            "/api/v1/me/delivery-addresses/{channel}",
            put(set_delivery_address),
        )
}

/// A new announcement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    pub title: String,
    pub body: String,
    /// `policy`, `meeting_invitation`, `campaign`, `emergency` or `other`.
    pub category: String,
    /// `normal`, `urgent` or `immediate` (emergencies default to `immediate`).
    #[serde(default)]
    pub urgency: Option<String>,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
    /// On the public notice board and in the Atom feed.
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub group_kinds: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}

impl From<PublishBody> for NewAnnouncementInput {
    fn from(b: PublishBody) -> Self {
        Self {
            title: b.title,
            body: b.body,
            category: b.category,
            urgency: b.urgency,
            valid_from: b.valid_from,
            valid_until: b.valid_until,
            public: b.public,
            group_kinds: b.group_kinds,
            roles: b.roles,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    pub title: String,
    pub body: String,
    /// Ids of attachments the new version no longer carries; the others stay.
    #[serde(default, deserialize_with = "super::contract::id_list")]
    pub remove_files: Vec<i64>,
}

impl From<EditBody> for EditAnnouncementInput {
    fn from(b: EditBody) -> Self {
        Self {
            title: b.title,
            body: b.body,
            remove_files: b.remove_files.into_iter().map(FileId).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassOnBody {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub category: String,
    pub urgency: String,
    pub title: String,
    pub body: String,
    pub version: i64,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub public: bool,
    /// `published` or `withdrawn`.
    pub status: String,
    pub author: String,
    pub published_at: String,
    pub updated_at: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_reason: Option<String>,
}

impl From<&AnnouncementRecord> for AnnouncementItem {
    fn from(a: &AnnouncementRecord) -> Self {
        Self {
            id: a.id.get(),
            unit_code: a.unit_code.clone(),
            unit_name: a.unit_name.clone(),
            category: a.category.clone(),
            urgency: a.urgency.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            version: a.version,
            valid_from: a.valid_from.clone(),
            valid_until: a.valid_until.clone(),
            public: a.public,
            status: a.status.as_str().to_owned(),
            author: a.author_name.clone(),
            published_at: a.published_at.clone(),
            updated_at: a.updated_at.clone(),
            withdrawn_at: a.withdrawn_at.clone(),
            withdrawn_reason: a.withdrawn_reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionItem {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub created_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementDetailBody {
    pub announcement: AnnouncementItem,
    /// Newest first.
    pub versions: Vec<VersionItem>,
    /// The current attachments.
    pub files: Vec<FileItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementList {
    pub items: Vec<AnnouncementItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingItem {
    pub announcement_id: i64,
    pub title: String,
    pub urgency: String,
    pub unit_code: String,
    pub unit_name: String,
    pub deadline: String,
}

impl From<&PassOnRecord> for WaitingItem {
    fn from(r: &PassOnRecord) -> Self {
        Self {
            announcement_id: r.announcement_id.get(),
            title: r.title.clone(),
            urgency: r.urgency.clone(),
            unit_code: r.unit_code.clone(),
            unit_name: r.unit_name.clone(),
            deadline: r.deadline.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingList {
    pub items: Vec<WaitingItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewVersion {
    pub version: i64,
}

/// Publishes an announcement at a unit; it waits at each unit below for its head. As JSON,
/// or as `multipart/form-data` with attachments (stored in the same transaction: a refused
/// file means nothing is stored).
#[utoipa::path(post, path = "/api/v1/units/{code}/announcements", tag = "announcements",
    request_body(content((PublishBody = "application/json"), (PublishUpload = "multipart/form-data"))),
    security(("bearer" = [])),
    responses((status = 201, body = AnnouncementCreated),
              (status = 400, description = "A bad field, named in `field` (`attachment` for a refused file)", body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    req: Request,
) -> Result<impl IntoResponse, ApiError> {
    let (input, files) = match json_or_form::<PublishBody>(req, &state, PUBLISH_PARTS).await? {
        JsonOrForm::Form(mut f) => (input_of(&f), f.take_files(ann::ATTACHMENT_FIELD)),
        JsonOrForm::Json(b) => (b.into(), Vec::new()),
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = ann::publish_with_files(&ctx, &code, &input, &files).await?;
    Ok((
        StatusCode::CREATED,
        Json(AnnouncementCreated { id: id.get() }),
    ))
}

/// The announcements that reached a unit (written or passed on there), newest first.
#[utoipa::path(get, path = "/api/v1/units/{code}/announcements", tag = "announcements",
    security(("bearer" = [])), responses((status = 200, body = AnnouncementList)))]
pub async fn list_at_unit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<AnnouncementList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let list = ann::at_unit(&ctx, &code).await?;
    Ok(Json(AnnouncementList {
        items: list.iter().map(Into::into).collect(),
    }))
}

/// What waits to be passed on in a unit's subtree, soonest deadline first.
#[utoipa::path(get, path = "/api/v1/units/{code}/announcements/waiting", tag = "announcements",
    security(("bearer" = [])), responses((status = 200, body = WaitingList)))]
pub async fn waiting(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<WaitingList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let list = ann::waiting(&ctx, &code).await?;
    Ok(Json(WaitingList {
        items: list.iter().map(Into::into).collect(),
    }))
}

/// One announcement with every version.
#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "announcements",
    params(("id" = i64, Path)), security((), ("bearer" = [])), responses((status = 200, body = AnnouncementDetailBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    crate::auth::MaybeUser(who): crate::auth::MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
) -> Result<Json<AnnouncementDetailBody>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let d = ann::get(&ctx, id).await?;
    Ok(Json(AnnouncementDetailBody {
        announcement: (&d.announcement).into(),
        files: d.files.iter().map(Into::into).collect(),
        versions: d
            .versions
            .into_iter()
            .map(|v| VersionItem {
                version: v.version,
                title: v.title,
                body: v.body,
                created_at: v.created_at,
                created_by: v.created_by,
            })
            .collect(),
    }))
}

/// A new version of the title and body; households acknowledge it afresh.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/versions", tag = "announcements",
    params(("id" = i64, Path)),
    request_body = EditBody, security(("bearer" = [])),
    responses((status = 201, body = NewVersion), (status = 400, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn new_version(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    req: Request,
) -> Result<impl IntoResponse, ApiError> {
    let (input, files) = match json_or_form::<EditBody>(req, &state, EDIT_PARTS).await? {
        JsonOrForm::Form(mut f) => (edit_input_of(&f)?, f.take_files(ann::ATTACHMENT_FIELD)),
        JsonOrForm::Json(b) => (b.into(), Vec::new()),
    };
    let ctx = state.ctx(Some(who), &rc);
    let version = ann::edit_with_files(&ctx, id, &input, &files).await?;
    Ok((StatusCode::CREATED, Json(NewVersion { version })))
}

/// Withdraws an announcement; it stays as a record.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/withdraw", tag = "announcements",
    params(("id" = i64, Path)),
    request_body = WithdrawBody, security(("bearer" = [])),
    responses((status = 200, body = AnnouncementItem), (status = 422, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    b: Result<Json<WithdrawBody>, JsonRejection>,
) -> Result<Json<AnnouncementItem>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    ann::withdraw(&ctx, id, &b.reason).await?;
    let d = ann::get(&ctx, id).await?;
    Ok(Json((&d.announcement).into()))
}

/// The unit's head passes the announcement on, with an optional note.
#[utoipa::path(post, path = "/api/v1/announcements/{id}/units/{code}/pass-on",
    tag = "announcements",
    params(("id" = i64, Path), ("code" = String, Path)), request_body = PassOnBody, security(("bearer" = [])),
    responses((status = 200, body = AnnouncementItem), (status = 422, body = ErrorBody)))]
pub async fn pass_on(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
    b: Result<Json<PassOnBody>, JsonRejection>,
) -> Result<Json<AnnouncementItem>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    ann::pass_on(&ctx, id, &code, b.note.as_deref()).await?;
    let d = ann::get(&ctx, id).await?;
    Ok(Json((&d.announcement).into()))
}
