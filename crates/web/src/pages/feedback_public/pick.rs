//! Choosing the place of new feedback from the unit tree, without JavaScript: the
//! provinces, then a province's communes, then a commune's residential units (or the whole
//! commune), each level filtered by a search that ignores accents and paged when long.
//! A signed-in user sees their own units first; a unit code can be typed too.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tuquan_app::feedback as app;
use tuquan_app::{AppError, Ctx};
use tuquan_domain::territory::{Tier, Unit};

use super::{non_blank, page, see_other};
use crate::api::territory::{run_list_query, UnitsQuery};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

/// Units per page of a level.
const PAGE_SIZE: &str = "50";

#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    pub(super) unit: Option<String>,
    commune: Option<String>,
    province: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

pub struct PickItem {
    pub href: String,
    pub name: String,
    pub meta: String,
}

#[derive(Template)]
#[template(path = "feedback_pick.html")]
struct PickPage {
    chrome: Chrome,
    errors: FormErrors,
    /// The code typed in the code box.
    unit_value: String,
    q: String,
    /// The way up: the whole country, then the province (links), the level shown last.
    crumbs: Vec<PickItem>,
    /// The heading of the level shown.
    level_title: String,
    /// The search's label and the scope it keeps (`province` or `commune`, and the code).
    search_label: String,
    scope: Option<(&'static str, String)>,
    /// The units of the signed-in user's grants (on the first level only).
    mine: Vec<PickItem>,
    /// A commune chosen: send about the whole commune.
    whole: Option<PickItem>,
    results: Vec<PickItem>,
    next_href: Option<String>,
    first_href: Option<String>,
}

pub(super) fn kind_label(lang: Lang, u: &Unit) -> &'static str {
    lang.t(&format!("kind.{}", u.kind.as_str()))
}

/// A unit as a step down the tree: a province opens its communes, a commune its units,
/// a residential unit opens the form.
fn pick_item(lang: Lang, u: &Unit) -> PickItem {
    let href = match u.kind.tier() {
        Tier::Province => format!("/feedback/new?province={}", u.code),
        Tier::Commune => format!("/feedback/new?commune={}", u.code),
        _ => format!("/feedback/new?unit={}", u.code),
    };
    PickItem {
        href,
        name: u.name.clone(),
        meta: kind_label(lang, u).to_owned(),
    }
}

/// The level a query shows: the province or commune whose children are listed.
enum Level {
    Country,
    Province(Unit),
    Commune(Unit),
}

/// What a query's `commune` or `province` picks.
enum Picked {
    At(Level),
    /// A code of no commune or province: the country, with an error beside the field.
    Unknown,
    /// A residential unit's code: straight to the form for it.
    Unit(String),
}

/// The level a query asks for: a commune, else a province, else the country.
async fn pick_level(ctx: &Ctx, q: &NewQuery) -> Result<Picked, PageError> {
    if let Some(code) = non_blank(&q.commune) {
        return match app::feedback_unit(ctx, code).await {
            Ok(c) if c.kind.tier() == Tier::Commune => Ok(Picked::At(Level::Commune(c))),
            Ok(u) => Ok(Picked::Unit(u.code)),
            Err(AppError::Invalid(_) | AppError::NotFound) => Ok(Picked::Unknown),
            Err(e) => Err(e.into()),
        };
    }
    if let Some(code) = non_blank(&q.province) {
        return match tuquan_app::territory::unit(&ctx.app, code).await {
            Ok(p) if p.kind.tier() == Tier::Province => Ok(Picked::At(Level::Province(p))),
            Ok(_) | Err(AppError::NotFound) => Ok(Picked::Unknown),
            Err(e) => Err(e.into()),
        };
    }
    Ok(Picked::At(Level::Country))
}

/// How a level is shown: the way up, the parent whose children are listed, the scope the
/// search keeps, the heading and the search's label.
struct LevelView {
    crumbs: Vec<PickItem>,
    parent: Option<String>,
    scope: Option<(&'static str, String)>,
    title: String,
    search_label: String,
}

/// The view of a level. The province of a commune is read for the breadcrumb; a failure
/// to read it goes to the error page, never a silently missing crumb.
async fn level_view(ctx: &Ctx, lang: Lang, level: &Level) -> Result<LevelView, PageError> {
    let (crumbs, parent, scope, title, search_label) = match level {
        Level::Country => (
            Vec::new(),
            None,
            None,
            lang.t("fbp_pick_provinces"),
            lang.t("fbp_pick_search"),
        ),
        Level::Province(p) => (
            vec![country_crumb(lang)],
            Some(p.code.clone()),
            Some(("province", p.code.clone())),
            lang.t("fbp_pick_communes_in"),
            lang.t("fbp_pick_search_commune"),
        ),
        Level::Commune(c) => {
            let p = tuquan_app::territory::unit(&ctx.app, &c.province_code).await?;
            (
                vec![country_crumb(lang), pick_item(lang, &p)],
                Some(c.code.clone()),
                Some(("commune", c.code.clone())),
                lang.t("fbp_pick_in"),
                lang.t("fbp_pick_search_unit"),
            )
        }
    };
    let here = match level {
        Level::Country => String::new(),
        Level::Province(u) | Level::Commune(u) => u.name.clone(),
    };
    Ok(LevelView {
        crumbs,
        parent,
        scope,
        title: title.replace("{name}", &here),
        search_label: search_label.replace("{name}", &here),
    })
}

/// One page of the level's units (current ones only) and the link to the next; a bad
/// search or cursor is an error beside the search box.
async fn level_units(
    state: &AppState,
    lang: Lang,
    q: &NewQuery,
    view: &LevelView,
    errors: &mut FormErrors,
) -> Result<(Vec<PickItem>, Option<String>), PageError> {
    let text = non_blank(&q.q).map(str::to_owned);
    let query = UnitsQuery {
        parent: view.parent.clone(),
        q: text.clone(),
        limit: Some(PAGE_SIZE.into()),
        cursor: non_blank(&q.cursor).map(str::to_owned),
        as_of: None,
    };
    let units = match run_list_query(state, &query).await {
        Ok((_, units)) => units,
        Err(Failure::Invalid(e)) => {
            *errors = std::mem::take(errors).with("q", lang.field_message(&e));
            return Ok((Vec::new(), None));
        }
        Err(e) => return Err(PageError(e)),
    };
    let results = units
        .items
        .iter()
        .filter(|i| i.unit.valid_to.is_none())
        .map(|i| pick_item(lang, &i.unit))
        .collect();
    let next_href = units.next.map(|n| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some((k, v)) = &view.scope {
            pairs.push((k, v.clone()));
        }
        if let Some(t) = &text {
            pairs.push(("q", t.clone()));
        }
        pairs.push(("cursor", n.encode()));
        format!(
            "/feedback/new?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    });
    Ok((results, next_href))
}

pub(super) async fn pick_page(
    state: &AppState,
    ctx: &Ctx,
    chrome: Chrome,
    q: &NewQuery,
    error: Option<String>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let mut errors = match error {
        Some(m) => FormErrors::field("unit", m),
        None => FormErrors::none(),
    };
    let level = match pick_level(ctx, q).await? {
        Picked::At(level) => level,
        Picked::Unknown => {
            errors = errors.with("unit", lang.t("fbp_err_unit_unknown"));
            Level::Country
        }
        Picked::Unit(code) => return Ok(see_other(&format!("/feedback/new?unit={code}"))),
    };
    let view = level_view(ctx, lang, &level).await?;
    let (results, next_href) = level_units(state, lang, q, &view, &mut errors).await?;
    let first_href = non_blank(&q.cursor).map(|_| match &view.scope {
        Some((k, v)) => format!("/feedback/new?{k}={v}"),
        None => "/feedback/new".to_owned(),
    });
    let whole = match &level {
        Level::Commune(c) => Some(PickItem {
            href: format!("/feedback/new?unit={}", c.code),
            name: lang.t("fbp_pick_whole").replace("{name}", &c.name),
            meta: kind_label(lang, c).to_owned(),
        }),
        _ => None,
    };
    let mine = match level {
        Level::Country => mine(ctx, lang).await?,
        _ => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let LevelView {
        crumbs,
        scope,
        title,
        search_label,
        ..
    } = view;
    Ok(page(
        status,
        render(&PickPage {
            errors,
            unit_value: q.unit.clone().unwrap_or_default(),
            q: non_blank(&q.q).unwrap_or_default().to_owned(),
            crumbs,
            level_title: title,
            search_label,
            scope,
            mine,
            whole,
            results,
            next_href,
            first_href,
            chrome,
        })?,
    ))
}

fn country_crumb(lang: Lang) -> PickItem {
    PickItem {
        href: "/feedback/new".into(),
        name: lang.t("fbp_pick_country").to_owned(),
        meta: String::new(),
    }
}

/// The units of the signed-in user's grants where feedback can be sent (five at most); a
/// grant on a province or the country is skipped, a store failure is not.
async fn mine(ctx: &Ctx, lang: Lang) -> Result<Vec<PickItem>, PageError> {
    let mut mine = Vec::new();
    let Some(w) = &ctx.actor else {
        return Ok(mine);
    };
    for code in w.actor.grants.iter().filter_map(|g| g.unit_code.as_deref()) {
        if mine.len() >= 5 {
            break;
        }
        match app::feedback_unit(ctx, code).await {
            Ok(u) => mine.push(PickItem {
                href: format!("/feedback/new?unit={}", u.code),
                name: u.name.clone(),
                meta: kind_label(lang, &u).to_owned(),
            }),
            Err(AppError::Invalid(_) | AppError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(mine)
}
