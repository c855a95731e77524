//! `/api/v1` for consultations on a draft document: write a draft at a unit, edit it, open
//! and close it, read it (public once opened), comment per article for one's own household
//! or enter a household's paper form, the comments (staff) and the summary per article.
//! Each handler parses, calls one use case of `tuquan_app::consultations`, renders.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::consultations::{self as app, ArticleRecord, CommentRecord, ConsultationRecord};
use tuquan_domain::consultations::{CommentId, CommentInput, ConsultationId, ConsultationInput};
use tuquan_domain::HouseholdId;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, MaybeUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/consultations"),
    ("PUT", "/api/v1/consultations/{id}"),
    ("POST", "/api/v1/consultations/{id}/open"),
    ("POST", "/api/v1/consultations/{id}/close"),
    ("POST", "/api/v1/consultations/{id}/comments"),
    ("POST", "/api/v1/consultations/{id}/paper-comments"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units/{code}/consultations",
            get(list_at_unit).post(create),
        )
        .route("/api/v1/consultations/{id}", get(get_one).put(edit))
        .route("/api/v1/consultations/{id}/open", post(open))
        .route("/api/v1/consultations/{id}/close", post(close))
        .route(
            "/api/v1/consultations/{id}/comments",
            get(comments).post(comment),
        )
        .route(
            "/api/v1/consultations/{id}/paper-comments",
            post(paper_comment),
        )
        .route("/api/v1/consultations/{id}/summary", get(summary))
        .route("/api/v1/consultations/{id}/households", get(households))
}

/// A page of a list: `cursor` is the `next_cursor` of the page before (a malformed one is a
/// 400 naming `cursor`); `limit` 1–200, default 50.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HouseholdSearch {
    /// Part of the representative's name or of the address, accents optional.
    pub q: Option<String>,
}

/// A consultation as written: the whole draft is pasted and split on its "Điều N." headings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationBody {
    pub title: String,
    /// `huong_uoc`, `quy_uoc` or `plan`.
    pub kind: String,
    /// The draft's text; articles start with a line "Điều 1.", "Điều 2." …
    pub text: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub opens_on: Option<String>,
    /// `YYYY-MM-DD`; for a hương ước or quy ước at least 30 days after `opens_on`.
    pub closes_on: String,
}

impl From<ConsultationBody> for ConsultationInput {
    fn from(b: ConsultationBody) -> Self {
        Self {
            title: b.title,
            kind: b.kind,
            text: b.text,
            opens_on: b.opens_on,
            closes_on: Some(b.closes_on),
        }
    }
}

/// One comment on one article.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentItem {
    /// The article's number.
    #[serde(deserialize_with = "super::contract::whole")]
    pub article: i64,
    /// `agree`, `disagree` or `propose` (a proposal needs `text`).
    pub stance: String,
    #[serde(default)]
    pub text: Option<String>,
}

impl From<CommentItem> for CommentInput {
    fn from(c: CommentItem) -> Self {
        Self {
            article: c.article,
            stance: c.stance,
            text: c.text,
        }
    }
}

/// The signed-in resident's household comments on one or more articles.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentsBody {
    pub comments: Vec<CommentItem>,
}

/// A household's paper form, entered by the head. (Named apart from the votes' paper body
/// in the OpenAPI document.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PaperCommentsBody)]
pub struct PaperBody {
    #[serde(deserialize_with = "super::contract::whole")]
    pub household_id: i64,
    pub comments: Vec<CommentItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleItem {
    pub number: i64,
    pub heading: String,
    pub text: String,
}

impl From<&ArticleRecord> for ArticleItem {
    fn from(a: &ArticleRecord) -> Self {
        Self {
            number: a.number,
            heading: a.heading.clone(),
            text: a.text.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub kind: String,
    pub title: String,
    /// `draft`, `open` or `closed`.
    pub status: String,
    pub opens_on: String,
    pub closes_on: String,
    pub created_at: String,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
}

impl From<&ConsultationRecord> for ConsultationItem {
    fn from(c: &ConsultationRecord) -> Self {
        Self {
            id: c.id.get(),
            unit_code: c.unit_code.clone(),
            unit_name: c.unit_name.clone(),
            kind: c.kind.as_str().to_owned(),
            title: c.title.clone(),
            status: c.status.as_str().to_owned(),
            opens_on: c.opens_on.clone(),
            closes_on: c.closes_on.clone(),
            created_at: c.created_at.clone(),
            opened_at: c.opened_at.clone(),
            closed_at: c.closed_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationList {
    pub items: Vec<ConsultationItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationDetailBody {
    pub consultation: ConsultationItem,
    /// The text before the first article.
    pub preamble: String,
    pub articles: Vec<ArticleItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentsCreated {
    pub ids: Vec<i64>,
}

/// 201 with the new comments' ids.
fn created(ids: &[CommentId]) -> impl IntoResponse {
    let ids = ids.iter().map(|i| i.get()).collect();
    (StatusCode::CREATED, Json(CommentsCreated { ids }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentOut {
    pub id: i64,
    pub article: i64,
    pub household_id: i64,
    pub address: String,
    pub representative_name: String,
    pub stance: String,
    pub text: Option<String>,
    /// `online` or `paper`.
    pub channel: String,
    pub recorded_by: String,
    pub created_at: String,
}

impl From<&CommentRecord> for CommentOut {
    fn from(k: &CommentRecord) -> Self {
        Self {
            id: k.id.get(),
            article: k.article,
            household_id: k.household_id.get(),
            address: k.address.clone(),
            representative_name: k.representative_name.clone(),
            stance: k.stance.as_str().to_owned(),
            text: k.text.clone(),
            channel: k.channel.as_str().to_owned(),
            recorded_by: k.recorded_by.clone(),
            created_at: k.created_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentList {
    pub items: Vec<CommentOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A household the head may enter a paper form for.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdOption {
    pub id: i64,
    pub representative_name: String,
    pub address: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdOptions {
    /// At most 20, in Vietnamese order of the representative's name.
    pub items: Vec<HouseholdOption>,
    /// More households matched: narrow the search.
    pub more: bool,
}

/// One article's counts: households, each once per stance.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRow {
    pub number: i64,
    pub heading: String,
    pub agree: i64,
    pub disagree: i64,
    pub propose: i64,
    /// The proposed changes as written, without who proposed them.
    pub proposals: Vec<String>,
    pub objections: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryBody {
    pub consultation: ConsultationItem,
    pub households: i64,
    pub online: i64,
    pub paper: i64,
    pub articles: Vec<SummaryRow>,
}

/// Writes a draft consultation at a unit.
#[utoipa::path(post, path = "/api/v1/units/{code}/consultations", tag = "consultations",
    request_body = ConsultationBody, security(("bearer" = [])),
    responses((status = 201, body = ConsultationCreated), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ConsultationBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let input: ConsultationInput = body(b)?.into();
    let ctx = state.ctx(Some(who), &rc);
    let id = app::create(&ctx, &code, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ConsultationCreated { id: id.get() }),
    ))
}

/// The consultations written at a unit, newest first (drafts only for its staff), a page
/// at a time.
#[utoipa::path(get, path = "/api/v1/units/{code}/consultations", tag = "consultations",
    params(PageParams), security((), ("bearer" = [])),
    responses((status = 200, body = ConsultationList), (status = 400, body = ErrorBody)))]
pub async fn list_at_unit(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<ConsultationList>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(who, &rc);
    let page = app::at_unit(&ctx, &code, q.cursor.as_deref(), q.limit.as_deref()).await?;
    Ok(Json(ConsultationList {
        items: page.items.iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One consultation with its articles; public once opened.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), security((), ("bearer" = [])),
    responses((status = 200, body = ConsultationDetailBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Json<ConsultationDetailBody>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let d = app::get(&ctx, id).await?;
    Ok(Json(ConsultationDetailBody {
        consultation: (&d.consultation).into(),
        preamble: d.consultation.preamble.clone(),
        articles: d.articles.iter().map(Into::into).collect(),
    }))
}

/// Replaces a draft's title, kind, text and dates (only while it is a draft).
#[utoipa::path(put, path = "/api/v1/consultations/{id}", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), request_body = ConsultationBody, security(("bearer" = [])),
    responses((status = 200, body = ConsultationDetailBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    b: Result<Json<ConsultationBody>, JsonRejection>,
) -> Result<Json<ConsultationDetailBody>, ApiError> {
    let input: ConsultationInput = body(b)?.into();
    let ctx = state.ctx(Some(who.clone()), &rc);
    app::edit(&ctx, id, &input).await?;
    get_one(State(state), MaybeUser(Some(who)), rc, Path(id)).await
}

/// Opens the consultation: posted publicly, households comment.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/open", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), security(("bearer" = [])),
    responses((status = 200, body = ConsultationItem), (status = 422, body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Json<ConsultationItem>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    app::open(&ctx, id).await?;
    Ok(Json((&app::get(&ctx, id).await?.consultation).into()))
}

/// Closes the consultation: no more comments.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/close", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), security(("bearer" = [])),
    responses((status = 200, body = ConsultationItem), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Json<ConsultationItem>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    app::close(&ctx, id).await?;
    Ok(Json((&app::get(&ctx, id).await?.consultation).into()))
}

/// The signed-in resident comments for their household, on one or more articles.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/comments", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), request_body = CommentsBody, security(("bearer" = [])),
    responses((status = 201, body = CommentsCreated), (status = 422, body = ErrorBody)))]
pub async fn comment(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    b: Result<Json<CommentsBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let inputs: Vec<CommentInput> = b.comments.into_iter().map(Into::into).collect();
    let ctx = state.ctx(Some(who), &rc);
    let ids = app::comment_own(&ctx, id, &inputs).await?;
    Ok(created(&ids))
}

/// The head enters a household's paper comment form.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/paper-comments", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), request_body = PaperBody, security(("bearer" = [])),
    responses((status = 201, body = CommentsCreated), (status = 422, body = ErrorBody)))]
pub async fn paper_comment(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    b: Result<Json<PaperBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let inputs: Vec<CommentInput> = b.comments.into_iter().map(Into::into).collect();
    let ctx = state.ctx(Some(who), &rc);
    let household = HouseholdId(b.household_id);
    let ids = app::comment_on_paper(&ctx, id, household, &inputs).await?;
    Ok(created(&ids))
}

/// The comments with their households, oldest first, a page at a time (staff; the read is
/// audited).
#[utoipa::path(get, path = "/api/v1/consultations/{id}/comments", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id"), PageParams), security(("bearer" = [])),
    responses((status = 200, body = CommentList), (status = 400, body = ErrorBody)))]
pub async fn comments(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<CommentList>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let page = app::comments(&ctx, id, q.cursor.as_deref(), q.limit.as_deref()).await?;
    Ok(Json(CommentList {
        items: page.items.iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// The households of the consultation's unit whose representative's name or address
/// matches `q` (accents optional), for entering a paper form (`consultation.record`; the
/// read is audited).
#[utoipa::path(get, path = "/api/v1/consultations/{id}/households", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id"), HouseholdSearch), security(("bearer" = [])),
    responses((status = 200, body = HouseholdOptions), (status = 400, body = ErrorBody)))]
pub async fn households(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    q: Result<Query<HouseholdSearch>, QueryRejection>,
) -> Result<Json<HouseholdOptions>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let found = app::paper_households(&ctx, id, q.q.as_deref()).await?;
    Ok(Json(HouseholdOptions {
        items: found
            .items
            .iter()
            .map(|h| HouseholdOption {
                id: h.id.get(),
                representative_name: h.representative_name.clone(),
                address: h.address.clone(),
            })
            .collect(),
        more: found.more,
    }))
}

/// The summary per article: households agreeing, disagreeing, proposing; the proposals
/// without who made them.
#[utoipa::path(get, path = "/api/v1/consultations/{id}/summary", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id")), security(("bearer" = [])),
    responses((status = 200, body = SummaryBody)))]
pub async fn summary(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Json<SummaryBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let s = app::summary(&ctx, id).await?;
    Ok(Json(SummaryBody {
        consultation: (&s.consultation).into(),
        households: s.households,
        online: s.online,
        paper: s.paper,
        articles: s
            .rows
            .iter()
            .map(|r| SummaryRow {
                number: r.number,
                heading: s.heading(r.number).to_owned(),
                agree: r.agree,
                disagree: r.disagree,
                propose: r.propose,
                proposals: r.proposals.clone(),
                objections: r.objections.clone(),
            })
            .collect(),
    }))
}
