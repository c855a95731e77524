//! The territory browser: provinces → communes → residential units, with search.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use tuquan_app::territory::UnitListItem;
use tuquan_domain::territory::Unit;

use super::{render, Chrome};
use crate::api::territory::{load_detail, next_query, run_list_query, UnitsQuery};
use crate::auth::MaybeUser;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::AppState;

pub struct ItemView {
    pub href: String,
    pub name: String,
    pub kind: &'static str,
    pub code: String,
    pub child_count: i64,
}

pub struct Crumb {
    pub href: String,
    pub name: String,
}

pub struct UnitView {
    pub code: String,
    pub kind: &'static str,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub households: i64,
    pub people: i64,
    pub history_href: String,
    pub predecessors: Vec<String>,
    pub successors: Vec<String>,
}

#[derive(Template)]
#[template(path = "territory.html")]
struct TerritoryPage {
    chrome: Chrome,
    title: String,
    crumbs: Vec<Crumb>,
    unit: Option<UnitView>,
    /// Where the search form submits (this page).
    action: String,
    q: String,
    searching: bool,
    list_title: &'static str,
    items: Vec<ItemView>,
    next_href: Option<String>,
    first_href: Option<String>,
    /// The household list, for those allowed to see it here.
    households_href: Option<String>,
    /// The date the tree is shown as of (`YYYY-MM-DD`), empty for today.
    as_of: String,
    /// The same page today, when shown as of a date.
    today_href: Option<String>,
}

/// `?as_of=…` to append to a link, or nothing.
fn as_of_suffix(as_of: &str) -> String {
    if as_of.is_empty() {
        String::new()
    } else {
        format!("?as_of={as_of}")
    }
}

fn kind_label(lang: Lang, u: &Unit) -> &'static str {
    lang.t(&format!("kind.{}", u.kind.as_str()))
}

fn item_view(lang: Lang, i: &UnitListItem, as_of: &str) -> ItemView {
    ItemView {
        href: format!("/territory/{}{}", i.unit.code, as_of_suffix(as_of)),
        name: i.unit.name.clone(),
        kind: kind_label(lang, &i.unit),
        code: i.unit.code.clone(),
        child_count: i.child_count,
    }
}

fn listing_query(q: &UnitsQuery, parent: Option<&str>) -> UnitsQuery {
    UnitsQuery {
        parent: parent.map(str::to_owned),
        q: q.q.clone(),
        limit: q.limit.clone(),
        cursor: q.cursor.clone(),
        as_of: q.as_of.clone(),
    }
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    who: Option<&crate::auth::Authenticated>,
    code: Option<&str>,
    query: UnitsQuery,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let query = listing_query(&query, code);
    let detail = match code {
        Some(c) => Some(load_detail(state, c, query.as_of.as_deref()).await?),
        None => None,
    };
    let (_, page) = run_list_query(state, &query).await?;
    // Checked by the list above (a bad date is a 400 naming `as_of`): a date, or blank.
    let as_of = tuquan_domain::time::parse_date(query.as_of.as_deref(), "as_of")
        .ok()
        .flatten()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let searching = query.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let base = match code {
        Some(c) => format!("/territory/{c}"),
        None => "/territory".to_owned(),
    };
    let base_today = base.clone();
    // Page links keep the search and size but not the parent, which is in the path.
    let page_query = || UnitsQuery {
        parent: None,
        q: query.q.clone(),
        limit: query.limit.clone(),
        cursor: None,
        as_of: (!as_of.is_empty()).then(|| as_of.clone()),
    };
    let next_href = page
        .next
        .as_ref()
        .map(|c| format!("{base}?{}", next_query(&page_query(), c)));
    let first_href = query.cursor.as_deref().filter(|c| !c.is_empty()).map(|_| {
        let qs = serde_urlencoded::to_string(page_query()).unwrap_or_default();
        if qs.is_empty() {
            base.clone()
        } else {
            format!("{base}?{qs}")
        }
    });
    let mut crumbs = vec![Crumb {
        href: format!("/territory{}", as_of_suffix(&as_of)),
        name: lang.t("territory.title").into(),
    }];
    let (title, unit) = match &detail {
        Some(d) => {
            crumbs.extend(d.ancestors.iter().map(|a| Crumb {
                href: format!("/territory/{}{}", a.code, as_of_suffix(&as_of)),
                name: a.name.clone(),
            }));
            (
                d.unit.name.clone(),
                Some(UnitView {
                    code: d.unit.code.clone(),
                    kind: lang.t(&format!("kind.{}", d.unit.kind)),
                    valid_from: d.unit.valid_from.clone(),
                    valid_to: d.unit.valid_to.clone(),
                    households: d.households.unwrap_or(0),
                    people: d.people.unwrap_or(0),
                    history_href: format!("/units/{}/history", d.unit.code),
                    predecessors: d.predecessors.clone(),
                    successors: d.successors.clone(),
                }),
            )
        }
        None => (lang.t("territory.title").to_owned(), None),
    };
    let households_href = match (who, &detail) {
        (Some(w), Some(d))
            if tuquan_domain::access::authorize(
                &w.actor,
                tuquan_domain::access::Action::HouseholdView,
                Some(&d.unit.path),
            )
            .is_ok() =>
        {
            Some(format!("/territory/{}/households", d.unit.code))
        }
        _ => None,
    };
    let list_title = if searching {
        "search.results"
    } else if code.is_some() {
        "territory.children"
    } else {
        "territory.provinces"
    };
    render(&TerritoryPage {
        chrome,
        title,
        crumbs,
        unit,
        action: base,
        q: query.q.clone().unwrap_or_default(),
        searching,
        list_title,
        items: page
            .items
            .iter()
            .map(|i| item_view(lang, i, &as_of))
            .collect(),
        next_href,
        first_href,
        households_href,
        today_href: (!as_of.is_empty()).then(|| base_today.clone()),
        as_of,
    })
}

pub async fn index(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<UnitsQuery>,
) -> Result<Html<String>, PageError> {
    page(&state, chrome, None, None, query).await
}

pub async fn unit(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    Path(code): Path<String>,
    Query(query): Query<UnitsQuery>,
) -> Result<Html<String>, PageError> {
    page(&state, chrome, who.as_ref(), Some(&code), query).await
}
