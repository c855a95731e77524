//! The households of a unit, one household's page, and its forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::people::{self, HouseholdDetail, HouseholdRecord, ResidentRecord};
use tuquan_app::Ctx;
use tuquan_domain::access::Action;
use tuquan_domain::people::{NewHouseholdInput, NewResidentInput, ResidentStatus};
use tuquan_domain::territory::Tier;
use tuquan_domain::{HouseholdId, ResidentId};

use super::{form_error, label, may, page_with_errors, DoneQuery, ListPage, Row, UnitQuery};
use crate::api::people::PeopleQuery;
use crate::auth::csrf::CsrfForm;
use crate::auth::{Authenticated, Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::PageError;
use crate::pages::common::see_other;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
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
    let who = can.who;
    let ctx = state.ctx(Some(who.clone()), &rc);
    let (unit, page) = people::list_households(&ctx, &code, &filter).await?;
    let members = chrome.t("households.members");
    let rows = page
        .items
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
    let can_edit =
        may(&who, Action::HouseholdEdit, &unit.path) && unit.kind.tier() == Tier::Residential;
    let mut page = ListPage::new(chrome, "households", unit, q, rows, page.next_cursor);
    page.can_edit = can_edit;
    render(&page)
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
    errors: FormErrors,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Query(q): Query<UnitQuery>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let unit = people::household_unit(&ctx, q.unit.as_deref().unwrap_or("")).await?;
    render(&NewPage {
        chrome,
        unit_code: unit.code,
        unit_name: unit.name,
        f: &NewHouseholdForm::default(),
        errors: FormErrors::none(),
    })
}

/// Creates the household and its first member together.
pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    CsrfForm(f): CsrfForm<NewHouseholdForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let unit = people::people_unit(&ctx, Action::HouseholdEdit, &f.unit).await?;
    let household = NewHouseholdInput {
        address: f.address.clone(),
        phone: Some(f.household_phone.clone()),
    };
    match people::create_household_with_member(&ctx, &f.unit, &household, &f.member).await {
        Ok(id) => Ok(see_other(&format!("/households/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            form_error(e, lang, |errors| NewPage {
                chrome,
                unit_code: unit.code.clone(),
                unit_name: unit.name.clone(),
                f: &f,
                errors,
            })
        }
    }
}

pub(super) struct MemberRow {
    pub href: String,
    pub name: String,
    pub meta: String,
    pub id: ResidentId,
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
                if m.status == ResidentStatus::Active {
                    String::new()
                } else {
                    format!(" · {}", label(chrome, "resident_status", m.status.as_str()))
                }
            ),
            id: m.id,
            is_representative: h.representative_id == Some(m.id),
            active: m.status == ResidentStatus::Active,
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
    errors: FormErrors,
    notice: Option<&'static str>,
}

/// The household's page (its read audited by the use case), with the member form.
async fn show_page(
    ctx: &Ctx,
    chrome: Chrome,
    who: &Authenticated,
    id: HouseholdId,
    f: &NewResidentInput,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Html<String>, PageError> {
    let HouseholdDetail {
        household: h,
        members,
        moves,
    } = people::household(ctx, id).await?;
    render(&ShowPage {
        members: member_rows(&chrome, &h, &members),
        status: label(&chrome, "household_status", h.status.as_str()),
        unit_href: format!("/territory/{}/households", h.unit_code),
        can_edit: may(who, Action::HouseholdEdit, &h.unit_path),
        moves,
        chrome,
        h,
        f,
        errors,
        notice,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    let notice = match q.done.as_deref() {
        Some("saved") => Some("common.saved"),
        _ => None,
    };
    let f = NewResidentInput::default();
    show_page(&ctx, chrome, &can.who, id, &f, FormErrors::none(), notice).await
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    CsrfForm(f): CsrfForm<NewResidentInput>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    match people::add_resident(&ctx, id, &f).await {
        Ok(_) => Ok(see_other(&format!("/households/{id}?done=saved"), None)),
        Err(e) => {
            page_with_errors(e, chrome.lang, |errors| {
                show_page(&ctx, chrome, &can.who, id, &f, errors, None)
            })
            .await
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
    errors: FormErrors,
}

pub(super) async fn move_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let h = people::household_to_edit(&ctx, id).await?;
    render(&MovePage {
        chrome,
        h,
        unit_code: String::new(),
        moved_on: ctx.today().to_string(),
        errors: FormErrors::none(),
    })
}

#[derive(Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    moved_on: String,
}

pub(super) async fn move_submit(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    match people::move_household(&ctx, id, &f.unit_code, Some(&f.moved_on)).await {
        Ok(_) => Ok(see_other(&format!("/households/{id}?done=saved"), None)),
        Err(e) => {
            let h = people::household_to_edit(&ctx, id).await?;
            let lang = chrome.lang;
            form_error(e, lang, |errors| MovePage {
                chrome,
                h,
                unit_code: f.unit_code.clone(),
                moved_on: f.moved_on.clone(),
                errors,
            })
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RepresentativeForm {
    resident_id: ResidentId,
}

pub(super) async fn representative(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<HouseholdId>,
    CsrfForm(f): CsrfForm<RepresentativeForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    people::set_representative(&ctx, id, f.resident_id).await?;
    Ok(see_other(&format!("/households/{id}?done=saved"), None))
}
