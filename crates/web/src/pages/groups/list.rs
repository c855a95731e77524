//! The groups of a unit, with the regulations due for review; creating a group; a unit's
//! leadership.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use tuquan_app::groups as app;
use tuquan_app::territory::UnitListItem;
use tuquan_app::Ctx;
use tuquan_domain::groups::{GroupKind, GroupStatus, NewGroupInput};
use tuquan_domain::territory::{Tier, Unit};

use super::{choices, form_outcome, group_kind_label, kind_name, vn_date, Choice};
use crate::api::groups::{GroupItem, GroupsQuery};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::common::see_other;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct GroupRow {
    pub href: String,
    pub name: String,
    pub meta: String,
    pub pending: bool,
    pub flag: Option<&'static str>,
}

pub struct DueRow {
    pub href: String,
    pub name: String,
    pub last: String,
}

#[derive(Template)]
#[template(path = "group_list.html")]
pub(super) struct GroupListPage {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    rows: Vec<GroupRow>,
    next_href: Option<String>,
    due: Vec<DueRow>,
    /// Regulations to sign again after a restructuring: the unit's page and the reason.
    to_resign: Vec<DueRow>,
    /// The caller may create groups here.
    manage: bool,
    /// A residential unit: its leadership and regulation.
    residential: bool,
    leadership_href: Option<String>,
    term_years: String,
    term_href: Option<String>,
}

fn status_label(lang: Lang, s: &str) -> String {
    lang.t(&format!("groups.status.{s}")).to_owned()
}

pub(super) async fn groups(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupView>,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<GroupsQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let ctx = state.ctx(Some(can.who), &rc);
    let v = app::unit_groups(&ctx, &code, q.filter()).await?;
    let unit = &v.page.unit;
    let lang = chrome.lang;
    let rows = v
        .page
        .items
        .iter()
        .map(|g| {
            let item = GroupItem::from(g);
            let mut meta = vec![
                group_kind_label(lang, g),
                status_label(lang, g.status.as_str()),
            ];
            if g.unit_code != unit.code {
                meta.push(g.unit_name.clone());
            }
            meta.push(
                lang.t("groups.members_count")
                    .replace("{n}", &g.current_members.to_string()),
            );
            GroupRow {
                href: format!("/groups/{}", g.id),
                name: g.name.clone(),
                meta: meta.join(" · "),
                pending: g.status() == GroupStatus::Pending,
                flag: item.too_few_mediators.then_some("groups.too_few_mediators"),
            }
        })
        .collect();
    let next_href = v
        .page
        .next_cursor
        .as_ref()
        .map(|c| format!("/territory/{}/groups?{}", unit.code, q.at(c)));
    let due = v
        .due
        .iter()
        .map(|s| DueRow {
            href: format!("/territory/{}/regulation", s.unit_code),
            name: s.unit_name.clone(),
            last: vn_date(s.last_checked()),
        })
        .collect();
    let to_resign = v
        .to_resign
        .iter()
        .map(|r| DueRow {
            href: format!("/territory/{}/regulation", r.unit_code),
            name: r.unit_name.clone(),
            last: super::regulation::resign_reason(lang, Some(&r.since), r.basis_number.as_deref()),
        })
        .collect();
    let kinds = choices(
        std::iter::once(("", lang.t("groups.all_kinds").to_owned())).chain(
            GroupKind::ALL
                .iter()
                .map(|k| (k.as_str(), kind_name(lang, k.as_str()).to_owned())),
        ),
        q.kind.as_deref().unwrap_or(""),
    );
    let statuses = choices(
        std::iter::once(("", lang.t("groups.all_statuses").to_owned())).chain(
            [
                GroupStatus::Pending,
                GroupStatus::Active,
                GroupStatus::Dissolved,
            ]
            .iter()
            .map(|s| (s.as_str(), status_label(lang, s.as_str()))),
        ),
        q.status.as_deref().unwrap_or(""),
    );
    render(&GroupListPage {
        manage: v.may_manage,
        to_resign,
        term_href: v
            .may_set_term
            .then(|| format!("/territory/{}/term-years", unit.province_code)),
        term_years: v.term_years.as_str().to_owned(),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        kinds,
        statuses,
        rows,
        next_href,
        due,
        residential: unit.kind.tier() == Tier::Residential,
        leadership_href: v.leadership.map(|id| format!("/groups/{id}")),
        chrome,
    })
}

pub struct UnitChoice {
    pub code: String,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "group_new.html")]
pub(super) struct NewGroupPage {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    kinds: Vec<Choice>,
    kind_label: String,
    name: String,
    units: Vec<UnitChoice>,
    errors: FormErrors,
}

#[derive(Default)]
struct NewGroupValues {
    kind: String,
    kind_label: String,
    name: String,
    unit_codes: Vec<String>,
}

fn new_group_page(
    chrome: Chrome,
    unit: &Unit,
    children: &[UnitListItem],
    v: &NewGroupValues,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let kinds = choices(
        GroupKind::ALL
            .iter()
            .filter(|k| k.creatable())
            .map(|k| (k.as_str(), kind_name(lang, k.as_str()).to_owned())),
        &v.kind,
    );
    // The unit itself and its current children, to choose what the group covers.
    let mut units = vec![UnitChoice {
        code: unit.code.clone(),
        name: unit.name.clone(),
        checked: v.unit_codes.is_empty() || v.unit_codes.contains(&unit.code),
    }];
    units.extend(children.iter().map(|c| UnitChoice {
        checked: v.unit_codes.contains(&c.unit.code),
        code: c.unit.code.clone(),
        name: c.unit.name.clone(),
    }));
    render(&NewGroupPage {
        chrome,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        kinds,
        kind_label: v.kind_label.clone(),
        name: v.name.clone(),
        units,
        errors,
    })
}

async fn new_form_page(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    v: &NewGroupValues,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let (unit, children) = app::new_group_form(ctx, code).await?;
    new_group_page(chrome, &unit, &children, v, errors)
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    new_form_page(
        &ctx,
        chrome,
        &code,
        &NewGroupValues::default(),
        FormErrors::none(),
    )
    .await
}

/// The create form: repeated `unit_codes` checkboxes, so read as pairs.
pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut v = NewGroupValues::default();
    for (k, val) in pairs {
        match k.as_str() {
            "kind" => v.kind = val,
            "kind_label" => v.kind_label = val,
            "name" => v.name = val,
            "unit_codes" => v.unit_codes.push(val),
            _ => {}
        }
    }
    let input = NewGroupInput {
        kind: v.kind.clone(),
        kind_label: Some(v.kind_label.clone()),
        name: v.name.clone(),
        unit_codes: v.unit_codes.clone(),
    };
    let ctx = state.ctx(Some(can.who), &rc);
    form_outcome(
        chrome.lang,
        app::create_group(&ctx, &code, &input).await,
        |g| see_other(&format!("/groups/{}?done=created", g.id), None),
        |message| new_form_page(&ctx, chrome, &code, &v, message),
    )
    .await
}

/// Opens (creating when needed) the leadership of a residential unit.
pub(super) async fn leadership(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let (g, _) = app::ensure_leadership(&ctx, &code).await?;
    Ok(see_other(&format!("/groups/{}", g.id), None))
}
