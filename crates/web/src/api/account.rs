//! `/api/v1/me` and `/api/v1/audit`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::Serialize;
pub use tuquan_app::access::audit::AuditQuery;
use tuquan_app::access::audit::{self as app, AuditRow};
use utoipa::ToSchema;

use crate::auth::{AuditView, Can, CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantItem {
    pub role: String,
    /// `null` for a grant on the whole country.
    pub unit_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantItem>,
}

/// The caller and their grants.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody))
)]
pub async fn me(CurrentUser(who): CurrentUser) -> Json<Me> {
    Json(Me {
        id: who.user.id.get(),
        username: who.user.username.clone(),
        display_name: who.user.display_name.clone(),
        grants: who
            .actor
            .grants
            .iter()
            .map(|g| GrantItem {
                role: g.role.as_str().to_owned(),
                unit_code: g.unit_code.clone(),
            })
            .collect(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    pub id: i64,
    pub at: String,
    pub actor_username: Option<String>,
    /// The acting account's display name now; `null` for system actors.
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub unit_path: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl From<AuditRow> for AuditItem {
    fn from(r: AuditRow) -> Self {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            id: r.id,
            at: r.at,
            actor_username: r.actor_username,
            actor_name: r.actor_name,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            unit_path: r.unit_path,
            before: json(r.before_json),
            after: json(r.after_json),
            request_id: r.request_id,
            client_addr: r.client_addr,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditItem>,
    pub next_cursor: Option<String>,
}

/// The audit log of a unit's subtree, newest first.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "account", params(AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AuditList),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    )
)]
pub async fn audit(
    State(state): State<AppState>,
    can: Can<AuditView>,
    rc: RequestCtx,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditList>, ApiError> {
    let Query(q) = query.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let page = app::audit_log(&state.ctx(Some(can.who), &rc), &q).await?;
    Ok(Json(AuditList {
        items: page.rows.into_iter().map(AuditItem::from).collect(),
        next_cursor: page.next.map(|n| n.to_string()),
    }))
}
