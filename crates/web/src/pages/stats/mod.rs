//! The feedback statistics page of a unit (and of the whole country): a period form, a row
//! per category with the total, satisfaction, the population, and a row per direct child unit
//! linking down the tree. Public, like the JSON API it shares its loading with
//! (`tuquan_app::stats`); see docs/feedback.md, "Statistics".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tuquan_domain::feedback::stats::{
    duration_parts, percent_text, tenths_text, DurationUnit, FeedbackCounts, Histogram, Month,
    Period,
};
use tuquan_domain::FieldError;

use super::{render, Chrome};
use tuquan_app::stats::{self as app, category_name, CategoryName, Loaded, StatsQuery};
use tuquan_app::{AppError, Ctx};
use tuquan_domain::territory::Unit;

use super::form::FormErrors;
use crate::auth::RequestCtx;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feedback-stats", get(country))
        .route("/units/{code}/feedback-stats", get(unit))
}

pub struct Crumb {
    pub href: String,
    pub name: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One line of figures, ready to show.
pub struct Line {
    pub label: String,
    pub received: String,
    pub ack_on_time: String,
    pub ack_rate: String,
    pub resolved_on_time: String,
    pub resolve_rate: String,
    pub median_ack: String,
    pub median_resolve: String,
    pub open: String,
    pub overdue: String,
    pub overdue_any: bool,
    pub satisfaction: String,
}

pub struct ChildLine {
    pub href: String,
    pub households: String,
    pub residents: String,
    pub line: Line,
}

pub struct Star {
    pub value: i64,
    pub count: String,
    pub share: String,
}

pub struct ReportView {
    pub households: String,
    pub residents: String,
    pub received: String,
    pub rows: Vec<Line>,
    pub total: Line,
    pub stars: Vec<Star>,
    pub rating_count: String,
    pub rating_mean: String,
    pub children: Vec<ChildLine>,
}

#[derive(Template)]
#[template(path = "feedback_stats.html")]
struct StatsPage {
    chrome: Chrome,
    title: String,
    crumbs: Vec<Crumb>,
    /// The unit's own pages (`None` for the country).
    territory_href: String,
    public_href: Option<String>,
    action: String,
    /// The form's month and year selects, in the page's language.
    ends: [period::MonthPick; 2],
    /// The period as people read it: `mm/yyyy`.
    period_from: String,
    period_to: String,
    categories: Vec<Choice>,
    errors: FormErrors,
    /// The heading of the children table.
    children_title: &'static str,
    report: Option<ReportView>,
    api_href: String,
    /// The three SVG charts (server-made, escaped text) and the monthly figures they draw.
    charts: Vec<String>,
    monthly: Vec<MonthLine>,
    xlsx_href: Option<String>,
}

/// One month of the charts' table: the same figures the bars carry.
pub struct MonthLine {
    pub month: String,
    pub received: String,
    pub resolved: String,
    pub on_time: String,
}

/// `03/2026`: months read the Vietnamese way, like dates (dd/mm/yyyy).
fn month_text(m: Month) -> String {
    format!("{:02}/{}", m.month(), m.year())
}

fn dash() -> String {
    "—".to_owned()
}

fn decimal(lang: Lang) -> char {
    match lang {
        Lang::Vi => ',',
        Lang::En => '.',
    }
}

/// `≈ 3,5 giờ`; `≥ 30 ngày` for the open-ended last bucket; a dash when there is nothing.
fn median_text(lang: Lang, h: &Histogram) -> String {
    let Some(m) = h.median() else {
        return dash();
    };
    let (value, unit) = duration_parts(m.estimate_seconds);
    let (number, key) = match unit {
        DurationUnit::Minutes => (value.to_string(), "stats_minutes"),
        DurationUnit::Hours => (tenths_text(value, decimal(lang)), "stats_hours"),
        DurationUnit::Days => (tenths_text(value, decimal(lang)), "stats_days"),
    };
    let sign = if m.upper_seconds.is_none() {
        "≥"
    } else {
        "≈"
    };
    format!("{sign} {number} {}", lang.t(key))
}

fn line(lang: Lang, label: String, c: &FeedbackCounts) -> Line {
    let pct = |p, w| percent_text(p, w, decimal(lang)).unwrap_or_else(dash);
    Line {
        label,
        received: lang.int(c.received),
        ack_on_time: format!(
            "{} / {}",
            lang.int(c.acknowledged_on_time),
            lang.int(c.acknowledged)
        ),
        ack_rate: pct(c.acknowledged_on_time, c.acknowledged),
        resolved_on_time: format!(
            "{} / {}",
            lang.int(c.resolved_on_time),
            lang.int(c.resolved)
        ),
        resolve_rate: pct(c.resolved_on_time, c.resolved),
        median_ack: median_text(lang, &c.ack_time),
        median_resolve: median_text(lang, &c.resolve_time),
        open: lang.int(c.open()),
        overdue: lang.int(c.overdue_now),
        overdue_any: c.overdue_now > 0,
        satisfaction: match c.rating_mean_tenths() {
            Some(m) => format!(
                "{} ({})",
                tenths_text(m, decimal(lang)),
                lang.int(c.rating_count())
            ),
            None => dash(),
        },
    }
}

/// The query string that keeps the period and category on links.
fn keep(q: &StatsQuery) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        ("category", q.category.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!(
            "?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

fn field_message(lang: Lang, e: &FieldError) -> String {
    use tuquan_domain::FieldErrorKind as K;
    match (e.field, &e.kind) {
        ("to", K::NotAllowedHere) => lang.t("stats_err_order").to_owned(),
        ("from", K::OutOfRange { max, .. }) => lang
            .t("stats_err_too_long")
            .replace("{max}", &max.to_string()),
        ("category", _) => lang.t("stats_err_category").to_owned(),
        _ => lang.field_error(&FieldError {
            field: lang.t(&format!("stats_field_{}", e.field)),
            ..e.clone()
        }),
    }
}

fn view(lang: Lang, l: &Loaded, q: &StatsQuery) -> ReportView {
    let r = &l.report;
    let mut rows: Vec<Line> = r
        .categories
        .iter()
        .map(|c| line(lang, category_name(&l.names, lang, &c.category), &c.counts))
        .collect();
    rows.sort_by_cached_key(|l| tuquan_domain::text::sort_key(&l.label));
    let count = r.total.rating_count();
    let stars = (1..=5)
        .rev()
        .map(|v| {
            let n = r.total.ratings[(v - 1) as usize];
            Star {
                value: v,
                count: lang.int(n),
                share: percent_text(n, count, decimal(lang)).unwrap_or_else(dash),
            }
        })
        .collect();
    let keep = keep(q);
    ReportView {
        households: lang.int(r.population.households),
        residents: lang.int(r.population.residents),
        received: lang.int(r.total.received),
        rows,
        total: line(lang, lang.t("stats_total").to_owned(), &r.total),
        stars,
        rating_count: lang.int(count),
        rating_mean: r
            .total
            .rating_mean_tenths()
            .map(|m| tenths_text(m, decimal(lang)))
            .unwrap_or_else(dash),
        children: r
            .children
            .iter()
            .map(|c| ChildLine {
                href: format!("/units/{}/feedback-stats{keep}", c.code),
                households: lang.int(c.population.households),
                residents: lang.int(c.population.residents),
                line: line(lang, c.name.clone(), &c.counts),
            })
            .collect(),
    }
}

async fn show(
    ctx: &Ctx,
    chrome: Chrome,
    code: Option<&str>,
    q: StatsQuery,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let (loaded, errors) = match app::report(ctx, code, &q).await {
        Ok(l) => (Some(l), FormErrors::none()),
        Err(AppError::Invalid(e)) => {
            // Beside the control: the month select of each end of the period.
            let id = match e.field {
                "from" => "from_month",
                "to" => "to_month",
                f => f,
            };
            (None, FormErrors::field(id, field_message(lang, &e)))
        }
        Err(e) => return Err(e.into()),
    };
    // With a bad query, still name the unit (or refuse an unknown one).
    let unit = match (&loaded, code) {
        (Some(l), _) => l.unit.clone(),
        (None, Some(c)) => Some(tuquan_app::territory::unit(&ctx.app, c).await?),
        (None, None) => None,
    };
    let keep = keep(&q);
    let crumbs = crumbs(ctx, lang, unit.as_ref(), &keep).await?;
    let names = match &loaded {
        Some(l) => l.names.clone(),
        None => app::categories(ctx).await?,
    };
    let categories = category_choices(lang, &names, &q);
    let period = match &loaded {
        Some(l) => l.period,
        None => Period::default_at(ctx.now),
    };
    let (from, to) = match &loaded {
        Some(_) => (period.from.to_string(), period.to.to_string()),
        // Show what was chosen, so it can be corrected.
        None => (
            q.from.clone().unwrap_or_default(),
            q.to.clone().unwrap_or_default(),
        ),
    };
    let this_year = period::this_year(ctx.now);
    let ends = [
        period::pick(
            lang,
            "from",
            &from,
            (period.from.year(), period.from.month()),
            this_year,
        ),
        period::pick(
            lang,
            "to",
            &to,
            (period.to.year(), period.to.month()),
            this_year,
        ),
    ];
    let place = unit
        .as_ref()
        .map_or_else(|| lang.t("stats_country").to_owned(), |u| u.name.clone());
    let children_title = match &unit {
        None => "stats_children_provinces",
        Some(u) if u.level == 1 => "stats_children_communes",
        Some(_) => "stats_children_units",
    };
    let (charts, monthly) = match &loaded {
        Some(l) => charts_and_months(ctx, lang, &place, l, &q).await?,
        None => (Vec::new(), Vec::new()),
    };
    let page = StatsPage {
        charts,
        monthly,
        xlsx_href: unit
            .as_ref()
            .map(|u| format!("/units/{}/feedback-stats.xlsx{keep}", u.code)),
        title: format!("{} — {place}", lang.t("stats_title")),
        crumbs,
        territory_href: unit.as_ref().map_or_else(
            || "/territory".to_owned(),
            |u| format!("/territory/{}", u.code),
        ),
        public_href: unit.as_ref().map(|u| format!("/units/{}/feedback", u.code)),
        action: match &unit {
            Some(u) => format!("/units/{}/feedback-stats", u.code),
            None => "/feedback-stats".to_owned(),
        },
        api_href: match &unit {
            Some(u) => format!("/api/v1/units/{}/feedback-stats{keep}", u.code),
            None => format!("/api/v1/feedback-stats{keep}"),
        },
        period_from: month_text(period.from),
        period_to: month_text(period.to),
        ends,
        categories,
        children_title,
        report: loaded.as_ref().map(|l| view(lang, l, &q)),
        errors,
        chrome,
    };
    let status = if !page.errors.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

/// The way down from the country to `unit`, each step a link to its statistics.
async fn crumbs(
    ctx: &Ctx,
    lang: Lang,
    unit: Option<&Unit>,
    keep: &str,
) -> Result<Vec<Crumb>, PageError> {
    let mut crumbs = vec![Crumb {
        href: format!("/feedback-stats{keep}"),
        name: lang.t("stats_country").to_owned(),
    }];
    if let Some(u) = unit {
        for a in app::ancestors(ctx, u).await? {
            crumbs.push(Crumb {
                href: format!("/units/{}/feedback-stats{keep}", a.code),
                name: a.name,
            });
        }
    }
    Ok(crumbs)
}

/// The category filter's choices in Vietnamese order, the query's one selected.
fn category_choices(lang: Lang, names: &[CategoryName], q: &StatsQuery) -> Vec<Choice> {
    let selected = q.category.as_deref().map(str::trim).unwrap_or("");
    let mut categories: Vec<Choice> = names
        .iter()
        .map(|n| Choice {
            value: n.code.clone(),
            label: category_name(names, lang, &n.code),
            selected: n.code == selected,
        })
        .collect();
    categories.sort_by_cached_key(|c| tuquan_domain::text::sort_key(&c.label));
    categories
}

/// The charts (SVG) and the month-by-month table of a loaded report.
async fn charts_and_months(
    ctx: &Ctx,
    lang: Lang,
    place: &str,
    l: &Loaded,
    q: &StatsQuery,
) -> Result<(Vec<String>, Vec<MonthLine>), PageError> {
    let category = q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let m = tuquan_app::documents::produce::monthly_stats(ctx, l.unit.as_ref(), l.period, category)
        .await?;
    let charts = tuquan_app::documents::produce::stats_charts(lang, place, &m, l).to_vec();
    let lines = m
        .months
        .iter()
        .enumerate()
        .map(|(i, month)| MonthLine {
            month: month_text(*month),
            received: lang.int(i64::from(m.received[i])),
            resolved: lang.int(i64::from(m.resolved[i])),
            on_time: lang.int(i64::from(m.on_time[i])),
        })
        .collect();
    Ok((charts, lines))
}

async fn unit(
    State(state): State<AppState>,
    chrome: Chrome,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<period::PeriodQuery>,
) -> Result<Response, PageError> {
    show(&state.ctx(None, &rc), chrome, Some(&code), q.into_query()).await
}

async fn country(
    State(state): State<AppState>,
    chrome: Chrome,
    rc: RequestCtx,
    Query(q): Query<period::PeriodQuery>,
) -> Result<Response, PageError> {
    show(&state.ctx(None, &rc), chrome, None, q.into_query()).await
}

mod period;
