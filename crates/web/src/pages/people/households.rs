//! The households of a unit, one household's page, and its forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tuquan_domain::access::Action;
use tuquan_domain::people::{
    HouseholdStatus, NewHousehold, NewHouseholdInput, NewResident, NewResidentInput,
};
use tuquan_store::households::HouseholdRecord;
use tuquan_store::residents::ResidentRecord;

use super::{form_error, label, may, Empty};
use crate::api::people::{
    audit_read, check_household_unit, do_add_resident, do_move, household_for, household_page,
    parse_household_status, parse_people_query, today, unit_for, PeopleQuery,
};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::account::see_other;
use crate::pages::{render, Chrome, ConfirmPage};
use crate::AppState;

pub(super) struct Row {
    href: String,
    name: String,
    meta: String,
}

#[derive(Template)]
#[template(path = "people_households.html")]
struct ListPage {
    chrome: Chrome,
    unit_name: String,
    unit_code: String,
    q: String,
    phone: String,
    rows: Vec<Row>,
    next_href: Option<String>,
    can_edit: bool,
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
    let (rows, next) = household_page(&state, &unit, &parsed).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "household.list_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    let members = chrome.t("households.members");
    let rows = rows
        .iter()
        .map(|h| Row {
            href: format!("/households/{}", h.id),
            name: if h.representative_name.is_empty() {
                h.address.clone()
            } else {
                h.representative_name.clone()
            },
            meta: format!(
                "{} · {} {members} · {}",
                h.address, h.member_count, h.unit_code
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
            "/territory/{}/households?{}",
            unit.code,
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    });
    render(&ListPage {
        can_edit: may(&can.who, Action::HouseholdEdit, &unit.path)
            && unit.kind.tier() == tuquan_domain::territory::Tier::Residential,
        chrome,
        unit_name: unit.name,
        unit_code: unit.code,
        q: q.q.unwrap_or_default(),
        phone: q.phone.unwrap_or_default(),
        rows,
        next_href,
    })
}

/// The fields of the new-household form: the household and its first member.
#[derive(Deserialize, Default)]
pub(super) struct NewHouseholdForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    household_phone: String,
    #[serde(flatten)]
    member: NewResidentInput,
}

#[derive(Template)]
#[template(path = "people_household_new.html")]
struct NewPage<'a> {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    f: &'a NewHouseholdForm,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct UnitQuery {
    unit: Option<String>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    Query(q): Query<UnitQuery>,
) -> Result<Html<String>, PageError> {
    let unit = unit_for(&state, &can, q.unit.as_deref().unwrap_or("")).await?;
    check_household_unit(&unit, "unit")?;
    render(&NewPage {
        chrome,
        unit_code: unit.code,
        unit_name: unit.name,
        f: &NewHouseholdForm::default(),
        error: None,
    })
}

/// Creates the household and its first member together: both are checked before anything
/// is written, and both are written in one transaction.
pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    CsrfForm(f): CsrfForm<NewHouseholdForm>,
) -> Result<Response, PageError> {
    let unit = unit_for(&state, &can, &f.unit).await?;
    let result = async {
        check_household_unit(&unit, "unit")?;
        let h = NewHousehold::parse(&NewHouseholdInput {
            address: f.address.clone(),
            phone: Some(f.household_phone.clone()),
        })?;
        let r = NewResident::parse(&f.member, today())?;
        let ids = state
            .store
            .create_households_with_members(&unit, &[(h, vec![r])], &rc.audit(Some(&can.who)))
            .await?;
        Ok::<i64, Failure>(ids[0])
    }
    .await;
    match result {
        Ok(id) => Ok(see_other(&format!("/households/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            form_error(e, lang, |msg| NewPage {
                chrome,
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                f: &f,
                error: Some(msg),
            })
        }
    }
}

pub(super) struct MemberRow {
    pub href: String,
    pub name: String,
    pub meta: String,
    pub id: i64,
    pub is_representative: bool,
    pub active: bool,
}

pub(super) fn member_rows(
    chrome: &Chrome,
    h: &HouseholdRecord,
    members: &[ResidentRecord],
) -> Vec<MemberRow> {
    members
        .iter()
        .map(|m| MemberRow {
            href: format!("/residents/{}", m.id),
            name: m.full_name.clone(),
            meta: format!(
                "{} · {} · {}{}",
                m.birth_date.get(..4).unwrap_or(""),
                label(chrome, "gender", &m.gender),
                label(chrome, "residence", &m.residence_type),
                if m.status == "active" {
                    String::new()
                } else {
                    format!(" · {}", label(chrome, "resident_status", &m.status))
                }
            ),
            id: m.id,
            is_representative: h.representative_id == Some(m.id),
            active: m.status == "active",
        })
        .collect()
}

#[derive(Template)]
#[template(path = "people_household.html")]
struct ShowPage<'a> {
    chrome: Chrome,
    h: HouseholdRecord,
    status: &'static str,
    unit_href: String,
    members: Vec<MemberRow>,
    moves: Vec<(String, String, String)>,
    can_edit: bool,
    f: &'a NewResidentInput,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    who: &crate::auth::Authenticated,
    h: HouseholdRecord,
    f: &NewResidentInput,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<Html<String>, PageError> {
    let members = state.store.residents_of_household(h.id).await?;
    let moves = state.store.household_moves(h.id).await?;
    render(&ShowPage {
        members: member_rows(&chrome, &h, &members),
        status: label(&chrome, "household_status", &h.status),
        unit_href: format!("/territory/{}/households", h.unit_code),
        can_edit: may(who, Action::HouseholdEdit, &h.unit_path),
        moves,
        chrome,
        h,
        f,
        error,
        notice,
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
    let h = household_for(&state, &can, id).await?;
    audit_read(
        &state,
        &can.who,
        &rc,
        "household.viewed",
        "household",
        id.to_string(),
        &h.unit_path,
    )
    .await?;
    let notice = match q.done.as_deref() {
        Some("saved") => Some("common.saved"),
        _ => None,
    };
    show_page(
        &state,
        chrome,
        &can.who,
        h,
        &NewResidentInput::default(),
        None,
        notice,
    )
    .await
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NewResidentInput>,
) -> Result<Response, PageError> {
    match do_add_resident(&state, &can, &rc, id, &f).await {
        Ok(_) => Ok(see_other(&format!("/households/{id}?done=saved"), None)),
        Err(e @ (Failure::Invalid(_) | Failure::Conflict { .. })) => {
            let h = household_for(&state, &can, id).await?;
            let lang = chrome.lang;
            let msg = match &e {
                Failure::Invalid(fe) => lang.field_error(fe),
                other => super::f_message(other, lang),
            };
            let page = show_page(&state, chrome, &can.who, h, &f, Some(msg), None).await?;
            Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "people_household_edit.html")]
struct EditPage {
    chrome: Chrome,
    h: HouseholdRecord,
    address: String,
    phone: String,
    error: Option<String>,
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let h = household_for(&state, &can, id).await?;
    render(&EditPage {
        chrome,
        address: h.address.clone(),
        phone: h.phone.clone().unwrap_or_default(),
        h,
        error: None,
    })
}

pub(super) async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NewHouseholdInput>,
) -> Result<Response, PageError> {
    let h = household_for(&state, &can, id).await?;
    let result = async {
        let parsed = NewHousehold::parse(&f)?;
        state
            .store
            .update_household(id, &parsed, &rc.audit(Some(&can.who)))
            .await?;
        Ok::<(), Failure>(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/households/{id}?done=saved"), None)),
        Err(e) => {
            let lang = chrome.lang;
            form_error(e, lang, |msg| EditPage {
                chrome,
                h,
                address: f.address.clone(),
                phone: f.phone.clone().unwrap_or_default(),
                error: Some(msg),
            })
        }
    }
}

#[derive(Template)]
#[template(path = "people_household_move.html")]
struct MovePage {
    chrome: Chrome,
    h: HouseholdRecord,
    unit_code: String,
    moved_on: String,
    error: Option<String>,
}

pub(super) async fn move_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let h = household_for(&state, &can, id).await?;
    render(&MovePage {
        chrome,
        h,
        unit_code: String::new(),
        moved_on: today().to_string(),
        error: None,
    })
}

#[derive(Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    moved_on: String,
}

async fn do_move_page(
    state: &AppState,
    chrome: Chrome,
    can: &Can<HouseholdEdit>,
    rc: &RequestCtx,
    id: i64,
    f: MoveForm,
) -> Result<Response, PageError> {
    match do_move(state, can, rc, id, &f.unit_code, Some(&f.moved_on)).await {
        Ok(()) => Ok(see_other(&format!("/households/{id}?done=saved"), None)),
        Err(e) => {
            let h = household_for(state, can, id).await?;
            let lang = chrome.lang;
            form_error(e, lang, |msg| MovePage {
                chrome,
                h,
                unit_code: f.unit_code.clone(),
                moved_on: f.moved_on.clone(),
                error: Some(msg),
            })
        }
    }
}

pub(super) async fn move_submit(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> Result<Response, PageError> {
    do_move_page(&state, chrome, &can, &rc, id, f).await
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
    let h = household_for(&state, &can, id).await?;
    let status = parse_household_status(q.status.as_deref().unwrap_or(""))?;
    let title = chrome
        .t(&format!("household_status.{}", status.as_str()))
        .to_owned();
    let message = chrome
        .t("households.status_confirm")
        .replace("{address}", &h.address)
        .replace("{status}", &title);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/households/{id}/status?status={}", status.as_str()),
        button: "common.confirm",
        back: format!("/households/{id}"),
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
    let status: HouseholdStatus = parse_household_status(q.status.as_deref().unwrap_or(""))?;
    household_for(&state, &can, id).await?;
    state
        .store
        .set_household_status(id, status, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/households/{id}?done=saved"), None))
}

#[derive(Deserialize)]
pub(super) struct RepresentativeForm {
    resident_id: i64,
}

pub(super) async fn representative(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RepresentativeForm>,
) -> Result<Response, PageError> {
    household_for(&state, &can, id).await?;
    state
        .store
        .set_representative(id, f.resident_id, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/households/{id}?done=saved"), None))
}
