//! The audit log viewer for officials: read-only, newest first, within the units the caller
//! may audit; changes by default, reads of personal data on request. The query (scope,
//! filters, pagination, authorization) is the API's, shared.

mod view;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::common::{choices, Choice};
use super::{render, Chrome};
use crate::api::account::AuditQuery;
use crate::auth::{AuditView, Can, RequestCtx};
use crate::error::{Failure, PageError};
use crate::AppState;
use view::{row_view, AuditRowView};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(index))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    /// What the log covers: a unit's name, or the whole country.
    scope: String,
    unit: String,
    action: String,
    actor: String,
    from: String,
    to: String,
    kinds: Vec<Choice>,
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

/// `/audit` with the filters of `q` and the given cursor.
fn audit_href(q: &AuditQuery, cursor: Option<&str>) -> String {
    let mut params: Vec<(&str, String)> = [
        ("unit", &q.unit),
        ("action", &q.action),
        ("actor", &q.actor),
        ("kind", &q.kind),
        ("from", &q.from),
        ("to", &q.to),
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
    let Query(mut q) = query.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    // The page shows changes unless asked otherwise; the API shows everything.
    if value(&q.kind).is_empty() {
        q.kind = Some("changes".to_owned());
    }
    let filtered = [&q.unit, &q.action, &q.actor, &q.request_id, &q.from, &q.to]
        .into_iter()
        .any(|v| !value(v).is_empty())
        || value(&q.kind) != "changes";
    let kind = value(&q.kind);
    let mut page = AuditPage {
        scope: String::new(),
        unit: value(&q.unit),
        action: value(&q.action),
        actor: value(&q.actor),
        from: value(&q.from),
        to: value(&q.to),
        kinds: choices(
            ["changes", "reads", "all"].map(|k| (k, lang.t(&format!("audit.kind_{k}")).to_owned())),
            &kind,
        ),
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
            page.scope = match &found.scope_path {
                Some(p) => found
                    .unit_names
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| p.clone()),
                None => lang.t("role.whole_country").to_owned(),
            };
            page.rows = found
                .rows
                .into_iter()
                .map(|r| row_view(lang, r, &found.unit_names))
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
            let field = lang
                .t_opt(&format!("audit.field_{}", e.field))
                .unwrap_or(e.field);
            page.error = Some(
                lang.field_error(&e)
                    .replace(&format!("“{}”", e.field), &format!("“{field}”")),
            );
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(f) => Err(f.into()),
    }
}
