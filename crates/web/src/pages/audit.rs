//! The audit log viewer: read-only, newest first, within the units the caller may audit.
//! The query (scope, filters, pagination, authorization) is the API's, shared.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::{render, Chrome};
use crate::api::account::{AuditItem, AuditQuery};
use crate::auth::{AuditView, Can, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::{local_time, Lang};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(index))
}

pub struct AuditRowView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// The target's page, where there is one.
    pub target_href: Option<String>,
    pub unit_path: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    pub request_href: Option<String>,
    pub client_addr: Option<String>,
}

impl AuditRowView {
    fn has_details(&self) -> bool {
        self.before.is_some()
            || self.after.is_some()
            || self.request_id.is_some()
            || self.client_addr.is_some()
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    /// What the log covers: a unit path, or the whole country (`scope_path` false).
    scope: String,
    scope_path: bool,
    unit: String,
    action: String,
    actor: String,
    request_id: String,
    error: Option<String>,
    rows: Vec<AuditRowView>,
    next_href: Option<String>,
    first_href: Option<String>,
    filtered: bool,
}

fn value(s: &Option<String>) -> String {
    s.as_deref()
        .map(str::trim)
        .unwrap_or("")
        .chars()
        .take(100)
        .collect()
}

fn pretty(v: Option<serde_json::Value>) -> Option<String> {
    v.map(|v| serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string()))
}

fn row_view(lang: Lang, item: AuditItem) -> AuditRowView {
    let target_href = (item.target_type == "user" && item.target_id.parse::<i64>().is_ok())
        .then(|| format!("/users/{}", item.target_id));
    let request_href = item.request_id.as_ref().map(|r| {
        format!(
            "/audit?{}",
            serde_urlencoded::to_string([("request_id", r)]).unwrap_or_default()
        )
    });
    AuditRowView {
        at: local_time(&item.at),
        actor: item
            .actor_username
            .unwrap_or_else(|| lang.t("audit.system").to_owned()),
        action: item.action,
        target: format!("{} {}", item.target_type, item.target_id),
        target_href,
        unit_path: item.unit_path.unwrap_or_default(),
        before: pretty(item.before),
        after: pretty(item.after),
        request_id: item.request_id,
        request_href,
        client_addr: item.client_addr,
    }
}

/// `/audit` with the filters of `q` and the given cursor.
fn audit_href(q: &AuditQuery, cursor: Option<&str>) -> String {
    let mut params: Vec<(&str, String)> = [
        ("unit", &q.unit),
        ("action", &q.action),
        ("actor", &q.actor),
        ("request_id", &q.request_id),
        ("limit", &q.limit),
    ]
    .into_iter()
    .map(|(k, v)| (k, value(v)))
    .filter(|(_, v)| !v.is_empty())
    .collect();
    if let Some(c) = cursor {
        params.push(("cursor", c.to_owned()));
    }
    if params.is_empty() {
        "/audit".to_owned()
    } else {
        format!(
            "/audit?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    }
}

async fn index(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<AuditView>,
    rc: RequestCtx,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let Query(q) = query.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let filtered = [&q.unit, &q.action, &q.actor, &q.request_id]
        .into_iter()
        .any(|v| !value(v).is_empty());
    let mut page = AuditPage {
        scope: String::new(),
        scope_path: false,
        unit: value(&q.unit),
        action: value(&q.action),
        actor: value(&q.actor),
        request_id: value(&q.request_id),
        error: None,
        rows: Vec::new(),
        next_href: None,
        first_href: None,
        filtered,
        chrome,
    };
    let ctx = state.ctx(Some(can.who), &rc);
    match tuquan_app::access::audit::audit_log(&ctx, &q).await {
        Ok(found) => {
            page.scope_path = found.scope_path.is_some();
            page.scope = found
                .scope_path
                .unwrap_or_else(|| lang.t("role.whole_country").to_owned());
            page.rows = found
                .rows
                .into_iter()
                .map(|r| row_view(lang, AuditItem::from(r)))
                .collect();
            page.next_href = found.next.map(|n| audit_href(&q, Some(&n.to_string())));
            page.first_href = q
                .cursor
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map(|_| audit_href(&q, None));
            Ok(render(&page)?.into_response())
        }
        Err(tuquan_app::AppError::Invalid(e)) => {
            page.error = Some(lang.field_error(&e));
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(f) => Err(f.into()),
    }
}
