//! Recording an establishment or dissolution decision with its scan.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use tuquan_app::groups as app;
use tuquan_domain::groups::DecisionKind;
use tuquan_domain::GroupId;

use super::{form_outcome, CsrfUpload};
use crate::api::groups::upload::Upload;
use crate::api::groups::{decision_input, path};
use crate::auth::{Can, GroupManage, RequestCtx};
use crate::error::PageError;
use crate::pages::common::see_other;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "group_decision.html")]
pub(super) struct DecisionPage {
    chrome: Chrome,
    id: GroupId,
    name: String,
    /// `establishment` or `dissolution`.
    kind: &'static str,
    number: String,
    issued_on: String,
    issuer: String,
    signer: String,
    effective_on: String,
    errors: FormErrors,
}

impl DecisionPage {
    fn dissolving(&self) -> bool {
        self.kind == DecisionKind::Dissolution.as_str()
    }
}

/// The decision form of group `id`, refilled from `up` after a refusal.
async fn page(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: GroupId,
    kind: DecisionKind,
    up: Option<&Upload>,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let g = app::group_to_manage(ctx, id).await?;
    let v = |k: &str| up.map(|u| u.text(k)).unwrap_or_default();
    render(&DecisionPage {
        chrome,
        id,
        name: g.name,
        kind: kind.as_str(),
        number: v("number"),
        issued_on: up
            .map(|u| u.text("issued_on"))
            .unwrap_or_else(|| ctx.today().to_string()),
        issuer: v("issuer"),
        signer: v("signer"),
        effective_on: v("effective_on"),
        errors,
    })
}

async fn form(
    state: AppState,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: GroupId,
    kind: DecisionKind,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    page(&ctx, chrome, id, kind, None, FormErrors::none()).await
}

pub(super) async fn establish_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
) -> Result<Html<String>, PageError> {
    form(
        state,
        chrome,
        can,
        rc,
        path(id)?,
        DecisionKind::Establishment,
    )
    .await
}

/// The dissolution form is also the confirmation step: it says what dissolving does.
pub(super) async fn dissolve_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
) -> Result<Html<String>, PageError> {
    form(state, chrome, can, rc, path(id)?, DecisionKind::Dissolution).await
}

pub(super) async fn record(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    id: Result<Path<GroupId>, PathRejection>,
    CsrfUpload(mut up): CsrfUpload,
) -> Result<Response, PageError> {
    let id = path(id)?;
    let input = decision_input(&up);
    let kind = DecisionKind::parse(&input.kind).unwrap_or(DecisionKind::Establishment);
    let file = up.file.take();
    let ctx = state.ctx(Some(can.who), &rc);
    let done = match kind {
        DecisionKind::Establishment => "established",
        DecisionKind::Dissolution => "dissolved",
    };
    form_outcome(
        chrome.lang,
        app::record_decision(&ctx, id, &input, file).await,
        |_| see_other(&format!("/groups/{id}?done={done}"), None),
        |message| page(&ctx, chrome, id, kind, Some(&up), message),
    )
    .await
}
