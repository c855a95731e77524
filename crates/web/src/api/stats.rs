//! `/api/v1` feedback statistics: per unit (and the whole country), category and period,
//! rolled up the unit tree, with the population and a breakdown by direct child unit.
//!
//! Public: the figures are counts about the authorities' handling of feedback and about how
//! many households and residents a unit has, with no personal data (transparency; the unit
//! pages already show the population totals). See docs/feedback.md, "Statistics".

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tuquan_app::stats::{self as app, category_name, Loaded, StatsQuery};
use tuquan_domain::feedback::stats::{FeedbackCounts, Median, Population, BUCKET_UPPER_SECONDS};
use utoipa::ToSchema;

use crate::auth::RequestCtx;
use crate::error::{ApiError, ErrorBody};
use crate::extract::query;
use crate::i18n::Lang;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/feedback-stats", get(country))
        .route("/api/v1/units/{code}/feedback-stats", get(unit))
}

/// The statistics of a unit and everything below it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsBody {
    /// `null` for the whole country.
    pub unit: Option<StatsUnit>,
    /// `YYYY-MM`, Vietnam time.
    pub from: String,
    /// `YYYY-MM`, included.
    pub to: String,
    pub category: Option<String>,
    /// `wall_clock`: times to acknowledge and to resolve are elapsed time from receipt;
    /// "on time" compares with the item's deadlines, which count working time.
    pub time_basis: &'static str,
    /// Upper bounds (exclusive, seconds) of the duration buckets of the histograms; the last
    /// bucket is open-ended.
    pub bucket_upper_seconds: Vec<i64>,
    /// Categories that received feedback in the period.
    pub categories: Vec<CategoryStats>,
    pub total: Stats,
    /// Active households and residents now.
    pub population: PopulationBody,
    /// Direct child units (provinces for the country), in name order.
    pub children: Vec<ChildStats>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsUnit {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryStats {
    pub category: String,
    pub name: String,
    pub stats: Stats,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChildStats {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub stats: Stats,
    pub population: PopulationBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PopulationBody {
    pub households: i64,
    pub residents: i64,
}

impl From<Population> for PopulationBody {
    fn from(p: Population) -> Self {
        Self {
            households: p.households,
            residents: p.residents,
        }
    }
}

/// Figures about the feedback received in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub received: i64,
    /// Acknowledged (every state after `new`).
    pub acknowledged: i64,
    pub acknowledged_on_time: i64,
    /// `acknowledged_on_time / acknowledged`, 0–1 to three decimals; `null` if none.
    pub acknowledged_on_time_rate: Option<f64>,
    /// In the `resolved` state.
    pub resolved: i64,
    pub resolved_on_time: i64,
    /// `resolved_on_time / resolved`; `null` if none.
    pub resolved_on_time_rate: Option<f64>,
    /// Resolved, rejected, duplicate or referred.
    pub closed: i64,
    /// Still new, acknowledged or in progress.
    pub open: i64,
    /// Open and past a deadline at the time of the request.
    pub overdue_now: i64,
    /// Median time from receipt to acknowledgement, of the acknowledged.
    pub median_ack: Option<MedianBody>,
    /// Median time from receipt to resolution, of the resolved.
    pub median_resolve: Option<MedianBody>,
    /// Acknowledged items per duration bucket.
    pub ack_histogram: Vec<i64>,
    /// Resolved items per duration bucket.
    pub resolve_histogram: Vec<i64>,
    pub satisfaction: Satisfaction,
}

/// A median read off the histogram: the bucket holding it and an estimate inside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MedianBody {
    pub estimate_seconds: i64,
    pub lower_seconds: i64,
    /// `null` for the open-ended last bucket (30 days or more).
    pub upper_seconds: Option<i64>,
}

impl From<Median> for MedianBody {
    fn from(m: Median) -> Self {
        Self {
            estimate_seconds: m.estimate_seconds,
            lower_seconds: m.lower_seconds,
            upper_seconds: m.upper_seconds,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Satisfaction {
    /// How many ratings.
    pub count: i64,
    /// Mean rating 1–5 to one decimal; `null` without ratings.
    pub mean: Option<f64>,
    /// How many of each rating, 1 to 5.
    pub distribution: [i64; 5],
}

impl From<&FeedbackCounts> for Stats {
    fn from(c: &FeedbackCounts) -> Self {
        let rate = |p: Option<i64>| p.map(|p| p as f64 / 1000.0);
        Self {
            received: c.received,
            acknowledged: c.acknowledged,
            acknowledged_on_time: c.acknowledged_on_time,
            acknowledged_on_time_rate: rate(c.ack_on_time_permille()),
            resolved: c.resolved,
            resolved_on_time: c.resolved_on_time,
            resolved_on_time_rate: rate(c.resolve_on_time_permille()),
            closed: c.closed,
            open: c.open(),
            overdue_now: c.overdue_now,
            median_ack: c.ack_time.median().map(MedianBody::from),
            median_resolve: c.resolve_time.median().map(MedianBody::from),
            ack_histogram: c.ack_time.0.to_vec(),
            resolve_histogram: c.resolve_time.0.to_vec(),
            satisfaction: Satisfaction {
                count: c.rating_count(),
                mean: c.rating_mean_tenths().map(|t| t as f64 / 10.0),
                distribution: c.ratings,
            },
        }
    }
}

fn body(l: Loaded, lang: Lang) -> StatsBody {
    let r = l.report;
    StatsBody {
        unit: l.unit.map(|u| StatsUnit {
            code: u.code,
            name: u.name,
            kind: u.kind.as_str().to_owned(),
        }),
        from: r.from.to_string(),
        to: r.to.to_string(),
        category: r.category,
        time_basis: "wall_clock",
        bucket_upper_seconds: BUCKET_UPPER_SECONDS.to_vec(),
        categories: r
            .categories
            .iter()
            .map(|c| CategoryStats {
                name: category_name(&l.names, lang, &c.category),
                category: c.category.clone(),
                stats: Stats::from(&c.counts),
            })
            .collect(),
        total: Stats::from(&r.total),
        population: r.population.into(),
        children: r
            .children
            .into_iter()
            .map(|c| ChildStats {
                stats: Stats::from(&c.counts),
                population: c.population.into(),
                code: c.code,
                name: c.name,
                kind: c.kind.as_str().to_owned(),
            })
            .collect(),
    }
}

/// A period longer than the statistics keep is well formed but refused by a rule between
/// `from` and `to`: a 422 naming `from`, like the end before the start (issue 11 #17).
fn window(e: tuquan_app::AppError) -> ApiError {
    match e {
        tuquan_app::AppError::Invalid(fe)
            if fe.field == "from"
                && matches!(fe.kind, tuquan_domain::FieldErrorKind::OutOfRange { .. }) =>
        {
            ApiError(crate::error::Failure::Rule {
                code: "month_window",
                field: Some("from"),
            })
        }
        e => e.into(),
    }
}

/// Feedback statistics of a unit and everything below it: per category and in total,
/// received, acknowledged and resolved (on time), median times, overdue now, satisfaction;
/// the population; and the same per direct child unit. Public, no personal data.
#[utoipa::path(get, path = "/api/v1/units/{code}/feedback-stats", tag = "feedback",
    params(("code" = String, Path, description = "Unit code: a province, a commune or a residential unit"), StatsQuery),
    responses((status = 200, body = StatsBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unit(
    State(state): State<AppState>,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Json<StatsBody>, ApiError> {
    let q = query(q)?;
    let loaded = app::report(&state.ctx(None, &rc), Some(&code), &q)
        .await
        .map_err(window)?;
    Ok(Json(body(loaded, lang)))
}

/// Feedback statistics of the whole country, with a row per province.
#[utoipa::path(get, path = "/api/v1/feedback-stats", tag = "feedback",
    params(StatsQuery),
    responses((status = 200, body = StatsBody), (status = 400, body = ErrorBody)))]
pub async fn country(
    State(state): State<AppState>,
    lang: Lang,
    rc: RequestCtx,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Json<StatsBody>, ApiError> {
    let q = query(q)?;
    let loaded = app::report(&state.ctx(None, &rc), None, &q)
        .await
        .map_err(window)?;
    Ok(Json(body(loaded, lang)))
}
