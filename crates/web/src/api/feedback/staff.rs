//! `/api/v1` for staff: the feedback inbox, bulk acknowledgement, workflow steps and a
//! commune's routing table.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::feedback::inbox::InboxQuery;
use tuquan_app::feedback::{self as app, FeedbackRecord, StepInput};
use utoipa::ToSchema;

use crate::auth::{Can, FeedbackConfigure, FeedbackHandle, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::extract::{body, query};
use crate::i18n::Lang;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/feedback/{code}/steps", post(step))
        .route("/api/v1/feedback-inbox", get(inbox))
        .route("/api/v1/feedback-inbox/acknowledge", post(acknowledge))
        .route(
            "/api/v1/units/{code}/feedback-routes",
            get(routes).put(set_route),
        )
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
    /// What the public reads instead of the description (`null` until staff write it).
    pub public_summary: Option<String>,
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
            id: r.id.get(),
            tracking_code: r.tracking_code.clone(),
            category: r.category.clone(),
            status: r.status.as_str().to_owned(),
            unit_code: r.unit_code.clone(),
            description: r.description.clone(),
            public_summary: r.public_summary.clone(),
            address: r.address.clone(),
            contact_name: r.contact_name.clone(),
            contact_phone: r.contact_phone.clone(),
            contact_email: r.contact_email.clone(),
            level: r.level.as_str().to_owned(),
            role: r.role.as_str().to_owned(),
            assignee_id: r.assignee_id.map(tuquan_domain::UserId::get),
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
    let ctx = state.ctx(Some(can.who), &rc);
    let q = query(q)?;
    let page = app::inbox::inbox(&ctx, &q).await?;
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
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// Tracking codes of new items, at most 200.
    #[schema(min_items = 1, max_items = 200)]
    pub codes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcknowledgeFailure {
    pub tracking_code: String,
    /// Why this one was not acknowledged (e.g. `transition_not_allowed` on `status`: not new).
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
    let ctx = state.ctx(Some(can.who), &rc);
    let b = body(b)?;
    if b.codes.len() > 200 {
        return Err(Failure::Invalid(tuquan_domain::FieldError::new(
            "codes",
            tuquan_domain::FieldErrorKind::OutOfRange { min: 1, max: 200 },
            "at most 200 codes",
        ))
        .into());
    }
    let outcomes = app::inbox::acknowledge_many(&ctx, &b.codes).await?;
    let mut report = AcknowledgeReport {
        acknowledged: Vec::new(),
        failed: Vec::new(),
    };
    for o in outcomes {
        match o.result {
            Ok(()) => report.acknowledged.push(o.tracking_code),
            Err(e) => report.failed.push(AcknowledgeFailure {
                tracking_code: o.tracking_code,
                error: Failure::from(e).detail(lang),
            }),
        }
    }
    Ok(Json(report))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// `acknowledge`, `start`, `resolve`, `reject` (public_note = the reason), `duplicate`
    /// (duplicate_of = the original's tracking code), `refer` (referred_to), `note`, `assign`
    /// (assignee_id, empty to unassign), `summary` (public_summary, empty to withdraw it).
    pub action: String,
    pub public_note: Option<String>,
    /// Never shown to the public.
    pub internal_note: Option<String>,
    pub duplicate_of: Option<String>,
    pub referred_to: Option<String>,
    pub assignee_id: Option<String>,
    /// For `summary`: what the public reads instead of the description, without house
    /// numbers or names.
    pub public_summary: Option<String>,
}

/// A step of the workflow, by staff who handle feedback of the item's unit.
#[utoipa::path(post, path = "/api/v1/feedback/{code}/steps", tag = "feedback",
    params(("code" = String, Path)), request_body = StepBody, security(("bearer" = [])),
    responses((status = 200, body = StaffItem), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "Changed meanwhile", body = ErrorBody),
              (status = 422, description = "A step the item's state does not allow (`transition_not_allowed` on `status`)", body = ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<StepBody>, JsonRejection>,
) -> Result<Json<StaffItem>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let b = body(b)?;
    let input = StepInput {
        action: b.action,
        public_note: b.public_note,
        internal_note: b.internal_note,
        duplicate_of: b.duplicate_of,
        referred_to: b.referred_to,
        assignee_id: b.assignee_id,
        public_summary: b.public_summary,
    };
    let item = app::workflow::step(&ctx, &code, &input)
        .await
        .map_err(|e| {
            crate::error::required_here(
                e,
                &[
                    "public_note",
                    "internal_note",
                    "public_summary",
                    "duplicate_of",
                    "referred_to",
                    "assignee_id",
                ],
            )
        })?;
    Ok(Json(StaffItem::new(&item, &app::stamp(ctx.now))))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Json<Vec<RouteItem>>, ApiError> {
    let ctx = state.ctx(Some(can.who), &rc);
    route_items(&ctx, &code).await
}

async fn route_items(ctx: &tuquan_app::Ctx, code: &str) -> Result<Json<Vec<RouteItem>>, ApiError> {
    let rules = app::settings::routes(ctx, code).await?;
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
    let ctx = state.ctx(Some(can.who), &rc);
    let b = body(b)?;
    app::settings::set_route(
        &ctx,
        &code,
        &b.category,
        b.level.as_deref(),
        b.role.as_deref(),
    )
    .await?;
    route_items(&ctx, &code).await
}
