//! Recording an establishment or dissolution decision with its scan.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use tuquan_domain::groups::DecisionKind;

use super::{form_message, with_status, CsrfUpload};
use crate::api::groups::upload::Upload;
use crate::api::groups::{decision_input, load_group, path, service, today};
use crate::auth::{Can, GroupManage, RequestCtx};
use crate::error::PageError;
use crate::pages::account::see_other;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "group_decision.html")]
pub(super) struct DecisionPage {
    chrome: Chrome,
    id: i64,
    name: String,
    /// `establishment` or `dissolution`.
    kind: &'static str,
    number: String,
    issued_on: String,
    issuer: String,
    signer: String,
    effective_on: String,
    error: Option<String>,
}

impl DecisionPage {
    fn dissolving(&self) -> bool {
        self.kind == DecisionKind::Dissolution.as_str()
    }
}

fn page(
    chrome: Chrome,
    id: i64,
    name: String,
    kind: DecisionKind,
    up: Option<&Upload>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let v = |k: &str| up.map(|u| u.text(k)).unwrap_or_default();
    render(&DecisionPage {
        chrome,
        id,
        name,
        kind: kind.as_str(),
        number: v("number"),
        issued_on: up
            .map(|u| u.text("issued_on"))
            .unwrap_or_else(|| today().to_string()),
        issuer: v("issuer"),
        signer: v("signer"),
        effective_on: v("effective_on"),
        error,
    })
}

async fn form(
    state: AppState,
    chrome: Chrome,
    can: Can<GroupManage>,
    id: i64,
    kind: DecisionKind,
) -> Result<Html<String>, PageError> {
    let (g, _) = load_group(&state, &can, id, false).await?;
    page(chrome, id, g.name, kind, None, None)
}

pub(super) async fn establish_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    form(state, chrome, can, path(id)?, DecisionKind::Establishment).await
}

/// The dissolution form is also the confirmation step: it says what dissolving does.
pub(super) async fn dissolve_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    form(state, chrome, can, path(id)?, DecisionKind::Dissolution).await
}

pub(super) async fn record(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfUpload(mut up): CsrfUpload,
) -> Result<Response, PageError> {
    let id = path(id)?;
    let input = decision_input(&up);
    let kind = DecisionKind::parse(&input.kind).unwrap_or(DecisionKind::Establishment);
    let file = up.file.take();
    match service::record_decision(&state, &can, &rc, id, &input, file).await {
        Ok(_) => {
            let done = match kind {
                DecisionKind::Establishment => "established",
                DecisionKind::Dissolution => "dissolved",
            };
            Ok(see_other(&format!("/groups/{id}?done={done}"), None))
        }
        Err(f) => {
            let Some((status, message)) = form_message(chrome.lang, &f) else {
                return Err(f.into());
            };
            let (g, _) = load_group(&state, &can, id, false).await?;
            Ok(with_status(
                status,
                page(chrome, id, g.name, kind, Some(&up), Some(message))?,
            ))
        }
    }
}
