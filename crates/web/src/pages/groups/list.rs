//! The groups of a unit, with the regulations due for review; creating a group; a unit's
//! leadership.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use tuquan_domain::access::Action;
use tuquan_domain::groups::{GroupKind, GroupStatus, NewGroupInput};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_store::territory::UnitFilter;

use super::{
    choices, form_message, group_kind_label, kind_name, may, vn_date, with_status, Choice,
};
use crate::api::groups::{group_page, load_unit, service, GroupItem, GroupsQuery};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, GroupManage, GroupView, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::account::see_other;
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
    Path(code): Path<String>,
    q: Result<Query<GroupsQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let unit = load_unit(&state, &can, &code).await?;
    let lang = chrome.lang;
    let (records, next) = group_page(&state, &unit, &q).await?;
    let rows = records
        .iter()
        .map(|g| {
            let item = GroupItem::from(g);
            let mut meta = vec![group_kind_label(lang, g), status_label(lang, &g.status)];
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
    let next_href = next.map(|c| {
        let q = GroupsQuery {
            cursor: Some(c),
            ..q.clone_filters()
        };
        format!(
            "/territory/{}/groups?{}",
            unit.code,
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    });
    let due = service::regulation_status(&state, &unit)
        .await?
        .into_iter()
        .filter(|(_, due)| *due)
        .map(|(s, _)| DueRow {
            href: format!("/territory/{}/regulation", s.unit_code),
            name: s.unit_name.clone(),
            last: vn_date(s.last_checked()),
        })
        .collect();
    let residential = unit.kind.tier() == Tier::Residential;
    let leadership_href = if residential {
        state
            .store
            .unit_leadership(&unit.code, "")
            .await?
            .map(|g| format!("/groups/{}", g.id))
    } else {
        None
    };
    let actor = &can.who.actor;
    let province_path = unit.province_code.clone();
    let years = state.store.term_years(&unit.province_code).await?;
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
        manage: may(actor, Action::GroupManage, &unit.path) && unit.valid_to.is_none(),
        term_href: may(actor, Action::GroupManage, &province_path)
            .then(|| format!("/territory/{}/term-years", unit.province_code)),
        term_years: years.as_str().to_owned(),
        chrome,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        kinds,
        statuses,
        rows,
        next_href,
        due,
        residential,
        leadership_href,
    })
}

impl GroupsQuery {
    fn clone_filters(&self) -> Self {
        Self {
            kind: self.kind.clone(),
            status: self.status.clone(),
            limit: self.limit.clone(),
            cursor: None,
        }
    }
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
    error: Option<String>,
}

#[derive(Default)]
struct NewGroupValues {
    kind: String,
    kind_label: String,
    name: String,
    unit_codes: Vec<String>,
}

async fn new_group_page(
    state: &AppState,
    chrome: Chrome,
    unit: &Unit,
    v: &NewGroupValues,
    error: Option<String>,
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
    let children = state
        .store
        .list_units(
            &UnitFilter::ChildrenOf(&unit.code),
            None,
            tuquan_domain::page::Limit::parse(Some("200"))?,
        )
        .await?;
    let mut units = vec![UnitChoice {
        code: unit.code.clone(),
        name: unit.name.clone(),
        checked: v.unit_codes.is_empty() || v.unit_codes.contains(&unit.code),
    }];
    units.extend(children.items.iter().map(|c| UnitChoice {
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
        error,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<GroupManage>,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let unit = load_unit(&state, &can, &code).await?;
    new_group_page(&state, chrome, &unit, &NewGroupValues::default(), None).await
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
    match service::create_group(&state, &can, &rc, &code, &input).await {
        Ok(id) => Ok(see_other(&format!("/groups/{id}?done=created"), None)),
        Err(f) => {
            let Some((status, message)) = form_message(chrome.lang, &f) else {
                return Err(f.into());
            };
            let unit = load_unit(&state, &can, &code).await?;
            let page = new_group_page(&state, chrome, &unit, &v, Some(message)).await?;
            Ok(with_status(status, page))
        }
    }
}

/// Opens (creating when needed) the leadership of a residential unit.
pub(super) async fn leadership(
    State(state): State<AppState>,
    can: Can<GroupManage>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Result<Response, PageError> {
    let (id, _) = service::ensure_leadership(&state, &can, &rc, &code).await?;
    Ok(see_other(&format!("/groups/{id}"), None))
}
