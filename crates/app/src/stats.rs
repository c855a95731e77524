//! Feedback statistics: per unit (and the whole country), category and period, rolled up
//! the unit tree (the store's `rollup`), with the population and a row per direct child.
//!
//! Public: counts about the authorities' handling of feedback and how many households and
//! residents a unit has, with no personal data.

use serde::Deserialize;
use tuquan_domain::feedback::stats::Period;
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::rollup::COUNTRY;

use crate::i18n::Lang;
use crate::{AppResult, Ctx};

pub use tuquan_store::rollup::{CategoryName, StatsReport};

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First month, `YYYY-MM` (Vietnam time); default: eleven months before `to`.
    pub from: Option<String>,
    /// Last month, included, `YYYY-MM`; default: the current month. At most 120 months.
    pub to: Option<String>,
    /// Only this category (a code such as `traffic`); default: all.
    pub category: Option<String>,
}

/// A report ready to show: the unit (`None` for the country), the checked period, the
/// figures and the category names.
pub struct Loaded {
    pub unit: Option<Unit>,
    pub period: Period,
    pub report: StatsReport,
    pub names: Vec<CategoryName>,
}

/// Checks the query and loads the report of `code` (`None`: the whole country). An unknown
/// unit is "not found"; a bad period or an unknown category is a field error.
pub async fn report(ctx: &Ctx, code: Option<&str>, q: &StatsQuery) -> AppResult<Loaded> {
    let unit = match code {
        Some(c) => Some(crate::territory::unit(&ctx.app, c).await?),
        None => None,
    };
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), ctx.now)?;
    let names = categories(ctx).await?;
    let category = q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = category {
        if !names.iter().any(|n| n.code == c) {
            return Err(FieldError::new(
                "category",
                FieldErrorKind::UnknownValue,
                "no such category",
            )
            .into());
        }
    }
    let report = ctx
        .store()
        .report(
            unit.as_ref().map_or(COUNTRY, |u| u.code.as_str()),
            period.from,
            period.to,
            category,
        )
        .await?;
    Ok(Loaded {
        unit,
        period,
        report,
        names,
    })
}

/// Every category the statistics know, with its names.
pub async fn categories(ctx: &Ctx) -> AppResult<Vec<CategoryName>> {
    Ok(ctx.store().stats_categories().await?)
}

/// The units above `unit` (for the breadcrumbs), from the top.
pub async fn ancestors(ctx: &Ctx, unit: &Unit) -> AppResult<Vec<Unit>> {
    Ok(ctx
        .store()
        .ancestors(unit)
        .await?
        .into_iter()
        .map(|a| a.unit)
        .collect())
}

/// A category's name in `lang` (the code when unknown).
pub fn category_name(names: &[CategoryName], lang: Lang, code: &str) -> String {
    names
        .iter()
        .find(|n| n.code == code)
        .map(|n| match lang {
            Lang::Vi => n.name_vi.clone(),
            Lang::En => n.name_en.clone(),
        })
        .unwrap_or_else(|| code.to_owned())
}
