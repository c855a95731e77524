//! One resident's page and forms, identity numbers, consent, export and erasure.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tuquan_app::people::{self, ConsentInput, ResidentDetail, ResidentRecord};
use tuquan_app::Ctx;
use tuquan_domain::access::Action;
use tuquan_domain::people::{ErasureRequestId, ResidentStatus};
use tuquan_domain::ResidentId;

use super::{label, may, page_with_errors, DoneQuery, ListPage, Row, UnitQuery};
use crate::api::people::{download, PeopleQuery};
use crate::auth::csrf::CsrfForm;
use crate::auth::{
    Authenticated, Can, CurrentUser, ErasureApprove, HouseholdEdit, HouseholdView, IdentityView,
    RequestCtx, ResidentRights,
};
use crate::error::{Failure, PageError};
use crate::i18n::local_time;
use crate::pages::common::{see_other, Empty};
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome, ConfirmPage};
use crate::AppState;

pub(super) async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<PeopleQuery>,
) -> Result<Html<String>, PageError> {
    let filter = q.filter()?;
    let ctx = state.ctx(Some(can.who), &rc);
    let (unit, page) = people::list_residents(&ctx, &code, &filter).await?;
    let rows = page
        .items
        .iter()
        .map(|r| Row {
            href: format!("/residents/{}", r.id),
            name: r.full_name.clone(),
            meta: format!(
                "{} · {} · {}{}",
                r.birth_date.get(..4).unwrap_or(""),
                label(&chrome, "gender", &r.gender),
                r.unit_code,
                r.cccd_masked
                    .as_deref()
                    .map(|c| format!(" · CCCD {c}"))
                    .unwrap_or_default()
            ),
        })
        .collect();
    render(&ListPage::new(
        chrome,
        "residents",
        unit,
        q,
        rows,
        page.next_cursor,
    ))
}

pub(super) struct ConsentRow {
    purpose: String,
    granted: bool,
    given_on: String,
    source: String,
}

#[derive(Template)]
#[template(path = "people_resident.html")]
struct ShowPage {
    chrome: Chrome,
    r: ResidentRecord,
    gender: &'static str,
    residence: &'static str,
    status: &'static str,
    consents: Vec<ConsentRow>,
    erasure_pending: bool,
    can_edit: bool,
    can_identity: bool,
    can_rights: bool,
    notice: Option<&'static str>,
    errors: FormErrors,
}

/// The resident's page (its read audited by the use case).
async fn show_page(
    ctx: &Ctx,
    chrome: Chrome,
    who: &Authenticated,
    id: ResidentId,
    notice: Option<&'static str>,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let ResidentDetail {
        resident: r,
        consents,
        erasure_pending,
    } = people::resident_detail(ctx, id).await?;
    let consents = consents
        .into_iter()
        .map(|c| ConsentRow {
            purpose: c.purpose,
            granted: c.granted,
            given_on: c.given_on,
            source: c.source,
        })
        .collect();
    render(&ShowPage {
        gender: label(&chrome, "gender", &r.gender),
        residence: label(&chrome, "residence", &r.residence_type),
        status: label(&chrome, "resident_status", r.status.as_str()),
        can_edit: may(who, Action::HouseholdEdit, &r.unit_path)
            && r.status != ResidentStatus::Erased,
        can_identity: may(who, Action::IdentityView, &r.unit_path) && r.cccd_masked.is_some(),
        can_rights: may(who, Action::ResidentRights, &r.unit_path)
            && r.status != ResidentStatus::Erased,
        consents,
        erasure_pending,
        chrome,
        r,
        notice,
        errors,
    })
}

/// The resident's page again with a form's error, or the error page.
async fn show_with_error(
    ctx: &Ctx,
    chrome: Chrome,
    who: &Authenticated,
    id: ResidentId,
    e: tuquan_app::AppError,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    page_with_errors(e, lang, |errors| {
        show_page(ctx, chrome, who, id, None, errors)
    })
    .await
}

pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    let notice = match q.done.as_deref() {
        Some("saved") => Some("common.saved"),
        Some("erasure") => Some("residents.erasure_requested"),
        _ => None,
    };
    show_page(&ctx, chrome, &can.who, id, notice, FormErrors::none()).await
}

#[derive(Template)]
#[template(path = "people_identity.html")]
struct IdentityPage {
    chrome: Chrome,
    r: ResidentRecord,
    number: String,
}

/// The full identity number; the view is audited.
pub(super) async fn identity(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<IdentityView>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let (r, number) = people::reveal_identity(&ctx, id).await?;
    render(&IdentityPage {
        chrome,
        r,
        number: number.unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub(super) struct ConsentForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    granted: Option<String>,
    #[serde(default)]
    given_on: Option<String>,
    #[serde(default)]
    source: String,
}

pub(super) async fn consent(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    CsrfForm(f): CsrfForm<ConsentForm>,
) -> Result<Response, PageError> {
    let input = ConsentInput {
        purpose: f.purpose,
        granted: matches!(f.granted.as_deref(), Some("true" | "on" | "1")),
        given_on: f.given_on,
        source: f.source,
    };
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    match people::add_consent(&ctx, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/residents/{id}?done=saved"), None)),
        Err(e) => show_with_error(&ctx, chrome, &can.who, id, e).await,
    }
}

pub(super) async fn export(
    State(state): State<AppState>,
    can: Can<ResidentRights>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let v = people::export_resident(&ctx, id).await?;
    Ok(download(&format!("cu-dan-{id}.json"), &v).into_response())
}

#[derive(Deserialize)]
pub(super) struct ErasureForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn erasure(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<ResidentRights>,
    rc: RequestCtx,
    Path(id): Path<ResidentId>,
    CsrfForm(f): CsrfForm<ErasureForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    match people::request_erasure(&ctx, id, &f.reason).await {
        Ok(_) => Ok(see_other(&format!("/residents/{id}?done=erasure"), None)),
        Err(e) => show_with_error(&ctx, chrome, &can.who, id, e).await,
    }
}

pub(super) struct ErasureRow {
    id: ErasureRequestId,
    resident_href: String,
    resident: String,
    reason: String,
    requested: String,
    /// Decide by (two working days, Law 91/2025).
    due: String,
}

#[derive(Template)]
#[template(path = "people_erasures.html")]
struct ErasuresPage {
    chrome: Chrome,
    unit_name: String,
    rows: Vec<ErasureRow>,
}

/// Pending erasure requests in the official's area; the names read are audited.
pub(super) async fn erasures(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<ErasureApprove>,
    rc: RequestCtx,
    Query(q): Query<UnitQuery>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let (unit, pending) = people::pending_erasures(&ctx, q.unit.as_deref()).await?;
    let rows = pending
        .into_iter()
        .map(|p| ErasureRow {
            id: p.request.id,
            resident_href: format!("/residents/{}", p.resident.id),
            resident: p.resident.full_name,
            due: people::erasure_due(&p.request.requested_at)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            reason: p.request.reason,
            requested: format!(
                "{} · {}",
                local_time(&p.request.requested_at),
                p.request.requested_by.unwrap_or_default()
            ),
        })
        .collect();
    render(&ErasuresPage {
        chrome,
        unit_name: unit.name,
        rows,
    })
}

#[derive(Deserialize)]
pub(super) struct DecideQuery {
    approve: Option<String>,
}

fn approve_flag(q: &DecideQuery) -> Result<bool, Failure> {
    match q.approve.as_deref() {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(tuquan_domain::FieldError::new(
            "approve",
            tuquan_domain::FieldErrorKind::UnknownValue,
            "true or false",
        )
        .into()),
    }
}

pub(super) async fn decide_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<ErasureApprove>,
    rc: RequestCtx,
    Path(id): Path<ErasureRequestId>,
    Query(q): Query<DecideQuery>,
) -> Result<Html<String>, PageError> {
    let approve = approve_flag(&q)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let (_, r) = people::erasure_to_decide(&ctx, id).await?;
    let (title_key, msg_key) = if approve {
        ("erasure.approve", "erasure.approve_confirm")
    } else {
        ("erasure.refuse", "erasure.refuse_confirm")
    };
    let title = chrome.t(title_key).to_owned();
    let message = chrome.t(msg_key).replace("{name}", &r.full_name);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/erasure-requests/{id}/decide?approve={approve}"),
        button: title_key,
        back: "/erasure-requests".into(),
    })
}

pub(super) async fn decide(
    State(state): State<AppState>,
    can: Can<ErasureApprove>,
    rc: RequestCtx,
    Path(id): Path<ErasureRequestId>,
    Query(q): Query<DecideQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let approve = approve_flag(&q)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let resident_id = people::decide_erasure(&ctx, id, approve).await?;
    Ok(see_other(
        &format!("/residents/{resident_id}?done=saved"),
        None,
    ))
}

/// The signed-in resident's own data, as a JSON download.
pub(super) async fn my_data(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = people::my_data(&ctx).await?;
    Ok(download("du-lieu-cua-toi.json", &v).into_response())
}

pub(super) async fn my_erasure(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    CsrfForm(f): CsrfForm<ErasureForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    people::request_my_erasure(&ctx, &f.reason).await?;
    Ok(see_other("/account?done=erasure", None))
}
