//! One resident's page and forms, identity numbers, consent, export and erasure.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tuquan_domain::access::Action;
use tuquan_domain::people::NewResidentInput;
use tuquan_store::residents::ResidentRecord;

use super::{form_error, label, may, Empty};
use crate::api::people::{
    audit_read, do_add_consent, do_decide_erasure, do_request_erasure, do_update_resident,
    download, export_resident, own_resident, parse_people_query, parse_resident_status,
    resident_for, resident_page, reveal_identity, unit_for, ConsentBody, PeopleQuery,
};
use crate::auth::csrf::CsrfForm;
use crate::auth::{
    Can, CurrentUser, ErasureApprove, HouseholdEdit, HouseholdView, IdentityView, RequestCtx,
    ResidentRights,
};
use crate::error::{Failure, PageError};
use crate::i18n::local_time;
use crate::pages::account::see_other;
use crate::pages::{render, Chrome, ConfirmPage};
use crate::AppState;

pub(super) struct Row {
    href: String,
    name: String,
    meta: String,
}

#[derive(Template)]
#[template(path = "people_residents.html")]
struct ListPage {
    chrome: Chrome,
    unit_name: String,
    unit_code: String,
    q: String,
    phone: String,
    rows: Vec<Row>,
    next_href: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<PeopleQuery>,
) -> Result<Html<String>, PageError> {
    let parsed = parse_people_query(&q)?;
    let unit = unit_for(&state, &can, &code).await?;
    let (rows, next) = resident_page(&state, &unit, &parsed).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "resident.list_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    let rows = rows
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
    let next_href = next.map(|c| {
        let q = PeopleQuery {
            cursor: Some(c),
            q: q.q.clone(),
            phone: q.phone.clone(),
            all: q.all.clone(),
            limit: q.limit.clone(),
        };
        format!(
            "/territory/{}/residents?{}",
            unit.code,
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    });
    render(&ListPage {
        chrome,
        unit_name: unit.name,
        unit_code: unit.code,
        q: q.q.unwrap_or_default(),
        phone: q.phone.unwrap_or_default(),
        rows,
        next_href,
    })
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
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    who: &crate::auth::Authenticated,
    r: ResidentRecord,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let consents = state
        .store
        .consents_of(r.id)
        .await?
        .into_iter()
        .map(|c| ConsentRow {
            purpose: c.purpose,
            granted: c.granted,
            given_on: c.given_on,
            source: c.source,
        })
        .collect();
    let erasure_pending = state
        .store
        .erasure_requests_of(r.id)
        .await?
        .iter()
        .any(|e| e.status == "pending");
    render(&ShowPage {
        gender: label(&chrome, "gender", &r.gender),
        residence: label(&chrome, "residence", &r.residence_type),
        status: label(&chrome, "resident_status", &r.status),
        can_edit: may(who, Action::HouseholdEdit, &r.unit_path) && r.status != "erased",
        can_identity: may(who, Action::IdentityView, &r.unit_path) && r.cccd_masked.is_some(),
        can_rights: may(who, Action::ResidentRights, &r.unit_path) && r.status != "erased",
        consents,
        erasure_pending,
        chrome,
        r,
        notice,
        error,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, PageError> {
    let r = resident_for(&state, &can, id).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "resident.viewed",
        "resident",
        id.to_string(),
        &r.unit_path,
    )
    .await?;
    let notice = match q.done.as_deref() {
        Some("saved") => Some("common.saved"),
        Some("erasure") => Some("residents.erasure_requested"),
        _ => None,
    };
    show_page(&state, chrome, &can.who, r, notice, None).await
}

#[derive(Template)]
#[template(path = "people_resident_edit.html")]
struct EditPage<'a> {
    chrome: Chrome,
    r: ResidentRecord,
    f: &'a NewResidentInput,
    error: Option<String>,
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let r = resident_for(&state, &can, id).await?;
    // The full identity number is not put back into the form: it is re-entered to change it.
    let f = NewResidentInput {
        full_name: r.full_name.clone(),
        birth_date: r.birth_date.clone(),
        gender: r.gender.clone(),
        phone: r.phone.clone(),
        residence_type: r.residence_type.clone(),
        residence_since: r.residence_since.clone(),
        cccd: None,
    };
    render(&EditPage {
        chrome,
        r,
        f: &f,
        error: None,
    })
}

#[derive(Deserialize)]
pub(super) struct EditForm {
    #[serde(flatten)]
    f: NewResidentInput,
    /// Keep the stored identity number when the field is left empty.
    #[serde(default)]
    keep_cccd: Option<String>,
}

pub(super) async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response, PageError> {
    let r = resident_for(&state, &can, id).await?;
    let mut input = form.f.clone();
    if input
        .cccd
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .is_empty()
        && form.keep_cccd.is_some()
    {
        input.cccd = state.store.resident_identity(id).await?;
    }
    match do_update_resident(&state, &can, &rc, id, &input).await {
        Ok(()) => Ok(see_other(&format!("/residents/{id}?done=saved"), None)),
        Err(e) => {
            let lang = chrome.lang;
            form_error(e, lang, |msg| EditPage {
                chrome,
                r,
                f: &form.f,
                error: Some(msg),
            })
        }
    }
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
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let (r, number) = reveal_identity(&state, &can, &rc, id).await?;
    render(&IdentityPage {
        chrome,
        r,
        number: number.unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub(super) struct StatusQuery {
    status: Option<String>,
}

pub(super) async fn status_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    Path(id): Path<i64>,
    Query(q): Query<StatusQuery>,
) -> Result<Html<String>, PageError> {
    let r = resident_for(&state, &can, id).await?;
    let status = parse_resident_status(q.status.as_deref().unwrap_or(""))?;
    let title = chrome
        .t(&format!("resident_status.{}", status.as_str()))
        .to_owned();
    let message = chrome
        .t("residents.status_confirm")
        .replace("{name}", &r.full_name)
        .replace("{status}", &title);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/residents/{id}/status?status={}", status.as_str()),
        button: "common.confirm",
        back: format!("/residents/{id}"),
    })
}

pub(super) async fn set_status(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    Query(q): Query<StatusQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let status = parse_resident_status(q.status.as_deref().unwrap_or(""))?;
    resident_for(&state, &can, id).await?;
    state
        .store
        .set_resident_status(id, status, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/residents/{id}?done=saved"), None))
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
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ConsentForm>,
) -> Result<Response, PageError> {
    let body = ConsentBody {
        purpose: f.purpose,
        granted: matches!(f.granted.as_deref(), Some("true" | "on" | "1")),
        given_on: f.given_on,
        source: f.source,
    };
    match do_add_consent(&state, &can, &rc, id, &body).await {
        Ok(_) => Ok(see_other(&format!("/residents/{id}?done=saved"), None)),
        Err(Failure::Invalid(e)) => {
            let r = resident_for(&state, &can, id).await?;
            let msg = chrome.lang.field_error(&e);
            let page = show_page(&state, chrome, &can.who, r, None, Some(msg)).await?;
            Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn export(
    State(state): State<AppState>,
    can: Can<ResidentRights>,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = resident_for(&state, &can, id).await?;
    let v = export_resident(&state, &can.who, &rc, &r).await?;
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
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ErasureForm>,
) -> Result<Response, PageError> {
    let r = resident_for(&state, &can, id).await?;
    match do_request_erasure(&state, &can.who, &rc, &r, &f.reason).await {
        Ok(_) => Ok(see_other(&format!("/residents/{id}?done=erasure"), None)),
        Err(Failure::Invalid(e)) => {
            let msg = chrome.lang.field_error(&e);
            let page = show_page(&state, chrome, &can.who, r, None, Some(msg)).await?;
            Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) struct ErasureRow {
    id: i64,
    resident_href: String,
    resident: String,
    reason: String,
    requested: String,
}

#[derive(Template)]
#[template(path = "people_erasures.html")]
struct ErasuresPage {
    chrome: Chrome,
    unit_name: String,
    rows: Vec<ErasureRow>,
}

#[derive(Deserialize)]
pub(super) struct UnitQuery {
    unit: Option<String>,
}

/// Pending erasure requests in the official's area.
pub(super) async fn erasures(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<ErasureApprove>,
    Query(q): Query<UnitQuery>,
) -> Result<Html<String>, PageError> {
    let code = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => c.to_owned(),
        None => can
            .who
            .actor
            .grants
            .iter()
            .filter(|g| tuquan_domain::access::allowed(g.role, Action::ErasureApprove))
            .find_map(|g| g.unit_code.clone())
            .ok_or(Failure::Invalid(tuquan_domain::FieldError::new(
                "unit",
                tuquan_domain::FieldErrorKind::Required,
                "choose a unit",
            )))?,
    };
    let unit = unit_for(&state, &can, &code).await?;
    let mut rows = Vec::new();
    for e in state.store.pending_erasures_in(&unit).await? {
        let r = state.store.resident(e.resident_id).await?;
        rows.push(ErasureRow {
            id: e.id,
            resident_href: format!("/residents/{}", r.id),
            resident: r.full_name,
            reason: e.reason,
            requested: format!(
                "{} · {}",
                local_time(&e.requested_at),
                e.requested_by.unwrap_or_default()
            ),
        });
    }
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
    Path(id): Path<i64>,
    Query(q): Query<DecideQuery>,
) -> Result<Html<String>, PageError> {
    let approve = approve_flag(&q)?;
    let req = state.store.erasure_request(id).await?;
    let r = resident_for(&state, &can, req.resident_id).await?;
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
    Path(id): Path<i64>,
    Query(q): Query<DecideQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let approve = approve_flag(&q)?;
    let req = state.store.erasure_request(id).await?;
    do_decide_erasure(&state, &can, &rc, id, approve).await?;
    Ok(see_other(
        &format!("/residents/{}?done=saved", req.resident_id),
        None,
    ))
}

/// The signed-in resident's own data, as a JSON download.
pub(super) async fn my_data(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
) -> Result<Response, PageError> {
    let r = own_resident(&state, &who).await?;
    let v = export_resident(&state, &who, &rc, &r).await?;
    Ok(download("du-lieu-cua-toi.json", &v).into_response())
}

pub(super) async fn my_erasure(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    CsrfForm(f): CsrfForm<ErasureForm>,
) -> Result<Response, PageError> {
    let r = own_resident(&state, &who).await?;
    do_request_erasure(&state, &who, &rc, &r, &f.reason).await?;
    Ok(see_other("/account?done=erasure", None))
}
