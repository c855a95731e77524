//! Statistics over the unit tree: feedback per category and month, and population, rolled
//! up from residential units to communes, provinces and the country.
//!
//! # Aggregates
//!
//! * `unit_ancestors`: every unit with each ancestor and itself (from the path).
//! * `feedback_rollup`: per ancestor unit × category (and `''` for all) × month of receipt
//!   (Vietnam time): received, acknowledged (on time), resolved (on time), closed,
//!   16-bucket histograms of the elapsed time to acknowledge and to resolve, ratings 1–5.
//!   A report reads one row per category and month for the unit, and one per month for
//!   each child (the `''` rows): a few thousand rows for a province.
//! * `population_rollup`: active households and residents per ancestor unit.
//!
//! Triggers keep them current on every write to `feedback`, `households` and `residents`,
//! whichever code path makes it (SQLite: plain triggers; PostgreSQL: plpgsql constraint
//! triggers deferred to commit). Their SQL is generated in [`sql`] and versioned in
//! `rollup_state`; [`Store::migrate`] installs them (and rebuilds) when they are missing or
//! old. "Overdue now" depends on the clock, so it is counted live over the open items (the
//! partial index `feedback_open`).
//!
//! # API for reports and benchmarks (kept stable)
//!
//! * [`Store::report`]`(unit_code, from, to, category)` → [`StatsReport`]: the roll-up
//!   report of a unit (or [`COUNTRY`]) for the months `from..=to`, optionally one category:
//!   a row per category, the total, the population, and the same per direct child unit.
//! * [`Store::monthly_totals`] with the same arguments: the totals per month, in one query.
//! * [`Store::report_naive`] with the same arguments computes the same report with plain
//!   `GROUP BY`s over the base tables (no aggregate is read); the two are equal
//!   (`PartialEq`) whenever the aggregates are right.
//! * [`Store::rebuild_rollups`] recomputes every aggregate from the base tables.
//! * A bulk loader calls [`Store::pause_rollups`] before loading (the triggers are dropped,
//!   so rows load at full speed) and [`Store::resume_rollups`] after (triggers back,
//!   everything rebuilt, in one transaction). If it dies in between, the next start of the
//!   store ([`Store::migrate`]) does the resume.
//!
//! `report_at` and `report_naive_at` take the instant "overdue now" is judged at, so a test
//! can compare the two without a deadline passing in between.
//!
//! Measured (ignored test `perf_at_province_scale`, SQLite, 2 shared cores, 168 communes ×
//! 60 units, 220,000 items over two years, 3.5 M households, 11 M residents): commune report
//! p50 ≈ 4 ms, province ≈ 27 ms (of which ≈ 15–19 ms counting ~10,000 overdue items: that
//! part grows with the number of open items); the naive report 0.26 s and 40 s;
//! `resume_rollups` ≈ 4 s.

use sqlx::Row;
use tuquan_domain::feedback::stats::{FeedbackCounts, Histogram, Month, Population, BUCKETS};
use tuquan_domain::territory::UnitKind;

use crate::{now, stamp, subtree, with_pool, Backend, Store, StoreError};

mod sql;
pub(crate) use sql::SKIP_POPULATION;

/// The unit code that stands for the whole country in [`Store::report`].
pub const COUNTRY: &str = "";

/// One category's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub category: String,
    pub counts: FeedbackCounts,
}

/// A direct child unit's figures (all categories, or the one asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub counts: FeedbackCounts,
    pub population: Population,
}

/// The statistics of a unit (and everything below it) for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsReport {
    /// [`COUNTRY`] for the whole country.
    pub unit_code: String,
    pub from: Month,
    pub to: Month,
    pub category: Option<String>,
    /// Categories that received anything in the period, by code.
    pub categories: Vec<CategoryRow>,
    pub total: FeedbackCounts,
    /// Now, not at the end of the period: households and residents are not dated.
    pub population: Population,
    /// Direct children (provinces for the country), in name order.
    pub children: Vec<ChildRow>,
}

/// A category's names, for labels.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryName {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// What a report is asked for besides its unit: the months, the category (`None`: all)
/// and the instant "overdue now" is judged at.
struct Ask<'a> {
    from: Month,
    to: Month,
    category: Option<&'a str>,
    now: &'a str,
}

/// How a report's lines are computed: from the aggregates, or with plain `GROUP BY`s over
/// the base tables (the reference the aggregates are checked against).
#[derive(Clone, Copy)]
enum Method {
    Rollup,
    Naive,
}

/// A report's lines, whichever [`Method`] computed them.
struct Lines {
    categories: Vec<CategoryRow>,
    total: FeedbackCounts,
    population: Population,
    children: Vec<ChildRow>,
}

/// Where a report looks.
enum Scope {
    Country,
    Unit { code: String, path: String },
}

#[derive(sqlx::FromRow)]
struct ChildUnit {
    code: String,
    name: String,
    #[sqlx(try_from = "String")]
    kind: UnitKind,
    path: String,
}

/// Builds counts from `values`, one per entry of `sql::COLUMNS`.
fn counts_from(v: &[i64]) -> FeedbackCounts {
    let mut ack = Histogram::default();
    let mut res = Histogram::default();
    ack.0.copy_from_slice(&v[6..6 + BUCKETS]);
    res.0.copy_from_slice(&v[6 + BUCKETS..6 + 2 * BUCKETS]);
    let mut ratings = [0; 5];
    ratings.copy_from_slice(&v[6 + 2 * BUCKETS..6 + 2 * BUCKETS + 5]);
    FeedbackCounts {
        received: v[0],
        acknowledged: v[1],
        acknowledged_on_time: v[2],
        resolved: v[3],
        resolved_on_time: v[4],
        closed: v[5],
        ack_time: ack,
        resolve_time: res,
        ratings,
        overdue_now: 0,
    }
}

/// Reads a key column and the count columns (and, with `overdue`, one more) from each row.
macro_rules! keyed_counts {
    ($rows:expr, $overdue:expr) => {{
        let n = sql::COLUMNS.len();
        let mut out = Vec::with_capacity($rows.len());
        for row in &$rows {
            let key: String = row.try_get(0)?;
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                v.push(row.try_get::<Option<i64>, _>(1 + i)?.unwrap_or(0));
            }
            let mut c = counts_from(&v);
            if $overdue {
                c.overdue_now = row.try_get::<Option<i64>, _>(1 + n)?.unwrap_or(0);
            }
            out.push((key, c));
        }
        out
    }};
}

impl Store {
    /// The roll-up report of `unit_code` ([`COUNTRY`] for the whole country) for the months
    /// `from..=to` (Vietnam time), all categories or one; "overdue now" is judged now.
    /// Reads only the aggregates, plus the open items for "overdue now".
    /// [`StoreError::NotFound`] for an unknown unit.
    pub async fn report(
        &self,
        unit_code: &str,
        from: Month,
        to: Month,
        category: Option<&str>,
    ) -> Result<StatsReport, StoreError> {
        self.report_at(unit_code, from, to, category, &now()).await
    }

    /// [`Store::report`] with "overdue now" judged at `now` (a stored timestamp).
    pub async fn report_at(
        &self,
        unit_code: &str,
        from: Month,
        to: Month,
        category: Option<&str>,
        now: &str,
    ) -> Result<StatsReport, StoreError> {
        let ask = Ask {
            from,
            to,
            category,
            now,
        };
        self.report_by(Method::Rollup, unit_code, &ask).await
    }

    /// The report of `unit_code`, its lines computed by `method`: the scope, the children
    /// and the report's frame are the same whichever computes the figures.
    async fn report_by(
        &self,
        method: Method,
        unit_code: &str,
        ask: &Ask<'_>,
    ) -> Result<StatsReport, StoreError> {
        let scope = self.scope(unit_code).await?;
        let children = self.child_units(&scope, ask.from).await?;
        let lines = match method {
            Method::Rollup => self.rollup_lines(&scope, children, ask).await?,
            Method::Naive => self.naive_lines(&scope, children, ask).await?,
        };
        Ok(StatsReport {
            unit_code: unit_code.to_owned(),
            from: ask.from,
            to: ask.to,
            category: ask.category.map(str::to_owned),
            categories: lines.categories,
            total: lines.total,
            population: lines.population,
            children: lines.children,
        })
    }

    /// The lines from the aggregates, plus the open items for "overdue now".
    async fn rollup_lines(
        &self,
        scope: &Scope,
        children: Vec<ChildUnit>,
        ask: &Ask<'_>,
    ) -> Result<Lines, StoreError> {
        let (from_m, to_m) = (ask.from.to_string(), ask.to.to_string());
        let cat = ask.category.unwrap_or("");
        let (own_rows, child_rows) = self.sums(scope, &from_m, &to_m, cat).await?;
        let overdue = self
            .overdue_now(scope, &children, ask.from, ask.to, cat, ask.now)
            .await?;
        let population = self.population_of(scope).await?;
        let child_population = self.child_population(scope).await?;

        let (categories, total) = own_lines(own_rows, &overdue, ask.category.is_some());
        let children = child_lines(children, &child_rows, &child_population, &overdue);
        Ok(Lines {
            categories,
            total,
            population,
            children,
        })
    }

    /// The summed roll-up rows of a scope over the months: its own, keyed by category (''
    /// for all), and each child's, keyed by unit code, for `cat` ('' for all).
    async fn sums(
        &self,
        scope: &Scope,
        from_m: &str,
        to_m: &str,
        cat: &str,
    ) -> Result<(Vec<(String, FeedbackCounts)>, Vec<(String, FeedbackCounts)>), StoreError> {
        let cols = sql::stored_sums("r");
        // The unit's own rows: each category and '' (all), or just the one asked for.
        let own = match scope {
            Scope::Country => format!(
                "SELECT r.category, {cols} FROM feedback_rollup r \
                 WHERE r.unit_code IN (SELECT code FROM units WHERE level = 1) \
                 AND r.month >= $2 AND r.month <= $3 AND ($4 = '' OR r.category = $4) AND $1 = $1 \
                 GROUP BY r.category"
            ),
            Scope::Unit { .. } => format!(
                "SELECT r.category, {cols} FROM feedback_rollup r \
                 WHERE r.unit_code = $1 AND r.month >= $2 AND r.month <= $3 \
                 AND ($4 = '' OR r.category = $4) GROUP BY r.category"
            ),
        };
        let parent_clause = match scope {
            Scope::Country => "level = 1 AND $1 = $1",
            Scope::Unit { .. } => "parent_code = $1",
        };
        let per_child = format!(
            "SELECT r.unit_code, {cols} FROM feedback_rollup r \
             WHERE r.unit_code IN (SELECT code FROM units WHERE {parent_clause}) \
             AND r.month >= $2 AND r.month <= $3 AND r.category = $4 GROUP BY r.unit_code"
        );
        let code = match scope {
            Scope::Country => "",
            Scope::Unit { code, .. } => code.as_str(),
        };
        let binds = [code, from_m, to_m, cat];
        Ok((
            self.keyed_sums(&own, binds).await?,
            self.keyed_sums(&per_child, binds).await?,
        ))
    }

    /// Runs one of [`Store::sums`]' queries: `$1` the scope's code, `$2`/`$3` the months,
    /// `$4` the category.
    async fn keyed_sums(
        &self,
        q: &str,
        binds: [&str; 4],
    ) -> Result<Vec<(String, FeedbackCounts)>, StoreError> {
        Ok(with_pool!(self, p => {
            let mut query = sqlx::query(q);
            for b in binds {
                query = query.bind(b);
            }
            let rows = query.fetch_all(p).await?;
            keyed_counts!(rows, false)
        }))
    }

    /// Active households and residents of a unit and everything below it, from the
    /// aggregates ([`COUNTRY`] for the whole country).
    pub async fn population(&self, unit_code: &str) -> Result<Population, StoreError> {
        let scope = self.scope(unit_code).await?;
        self.population_of(&scope).await
    }

    /// Every category code with its names (the national default's where a commune
    /// renamed it), to label reports.
    pub async fn stats_categories(&self) -> Result<Vec<CategoryName>, StoreError> {
        let rows: Vec<CategoryName> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT code, name_vi, name_en FROM feedback_categories ORDER BY code, commune_code",
            )
            .fetch_all(p)
            .await?
        });
        let mut out: Vec<CategoryName> = Vec::new();
        for r in rows {
            if out.last().is_none_or(|l| l.code != r.code) {
                out.push(r);
            }
        }
        Ok(out)
    }

    async fn scope(&self, unit_code: &str) -> Result<Scope, StoreError> {
        if unit_code == COUNTRY {
            return Ok(Scope::Country);
        }
        let row: Option<(String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT code, path FROM units WHERE code = $1")
                .bind(unit_code)
                .fetch_optional(p)
                .await?
        });
        let (code, path) = row.ok_or(StoreError::NotFound)?;
        Ok(Scope::Unit { code, path })
    }

    /// The direct children that existed in the period: a unit closed by a restructuring
    /// before the period began is left out (its items stay in the months it existed), so a
    /// report for a past period groups by the units of that time.
    async fn child_units(&self, scope: &Scope, from: Month) -> Result<Vec<ChildUnit>, StoreError> {
        let (clause, code) = match scope {
            Scope::Country => ("level = 1 AND $1 = $1", ""),
            Scope::Unit { code, .. } => ("parent_code = $1", code.as_str()),
        };
        let sql = format!(
            "SELECT code, name, kind, path FROM units WHERE {clause} \
             AND (valid_to IS NULL OR valid_to > $2) ORDER BY sort_key, code"
        );
        let start = format!("{from}-01");
        let rows: Vec<ChildUnit> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).bind(&start).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// Open items received in the period that are past a deadline at `now`, by category and
    /// by direct child unit, counted live. Reads only the partial index `feedback_open`
    /// (every column used is in it): the child is cut from the item's path.
    async fn overdue_now(
        &self,
        scope: &Scope,
        children: &[ChildUnit],
        from: Month,
        to: Month,
        category: &str,
        now: &str,
    ) -> Result<Overdue, StoreError> {
        let (path, lo, hi, start) = match scope {
            Scope::Country => (String::new(), String::new(), String::new(), 1),
            Scope::Unit { path, .. } => {
                let (lo, hi) = subtree(path);
                let start = i32::try_from(path.len()).unwrap_or(i32::MAX - 2) + 2;
                (path.clone(), lo, hi, start)
            }
        };
        let scope_clause = match scope {
            Scope::Country => "$1 = $1 AND $2 = $2 AND $3 = $3",
            // One index range (then the unit itself or its subtree), so that the partial
            // index `feedback_open` serves it: with an OR of the two, SQLite reads every
            // open item of the province instead (docs/benchmarks.md).
            Scope::Unit { .. } => {
                "(f.unit_path >= $1 AND f.unit_path < $3 AND (f.unit_path = $1 OR f.unit_path >= $2))"
            }
        };
        // The path of the child an item is under: up to the first `/` after the scope's
        // path (`$8` is where the rest starts); '' for items on the unit itself.
        let pos = match self.backend() {
            Backend::Sqlite => "instr(substr(f.unit_path, $8), '/')",
            Backend::Postgres => "strpos(substr(f.unit_path, $8), '/')",
        };
        let open = sql::OPEN;
        let q = format!(
            "SELECT x.category, x.child, COUNT(*) FROM (SELECT f.category, \
               CASE WHEN f.unit_path = $1 THEN '' WHEN {pos} = 0 THEN f.unit_path \
               ELSE substr(f.unit_path, 1, $8 - 2 + {pos}) END AS child \
             FROM feedback f WHERE f.{open} AND {scope_clause} \
             AND f.created_at >= $4 AND f.created_at < $5 AND ($6 = '' OR f.category = $6) \
             AND ((f.status = 'new' AND f.ack_due_at < $7) OR f.resolve_due_at < $7)) x \
             GROUP BY x.category, x.child"
        );
        let rows: Vec<(String, String, i64)> = with_pool!(self, p => {
            sqlx::query_as(&q)
                .bind(&path)
                .bind(&lo)
                .bind(&hi)
                .bind(stamp(from.start()))
                .bind(stamp(to.plus(1).start()))
                .bind(category)
                .bind(now)
                .bind(start)
                .fetch_all(p)
                .await?
        });
        let rows = rows
            .into_iter()
            .map(|(cat, child_path, n)| {
                let child = children
                    .iter()
                    .find(|c| c.path == child_path)
                    .map(|c| c.code.clone());
                (cat, child, n)
            })
            .collect();
        Ok(Overdue { rows })
    }

    async fn population_of(&self, scope: &Scope) -> Result<Population, StoreError> {
        let (clause, code) = match scope {
            Scope::Country => (
                "unit_code IN (SELECT code FROM units WHERE level = 1) AND $1 = $1",
                "",
            ),
            Scope::Unit { code, .. } => ("unit_code = $1", code.as_str()),
        };
        let sql = format!(
            "SELECT CAST(SUM(households) AS BIGINT), CAST(SUM(residents) AS BIGINT) \
             FROM population_rollup WHERE {clause}"
        );
        let row: (Option<i64>, Option<i64>) = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).fetch_one(p).await?
        });
        Ok(Population {
            households: row.0.unwrap_or(0),
            residents: row.1.unwrap_or(0),
        })
    }

    async fn child_population(
        &self,
        scope: &Scope,
    ) -> Result<Vec<(String, Population)>, StoreError> {
        let (clause, code) = match scope {
            Scope::Country => ("level = 1 AND $1 = $1", ""),
            Scope::Unit { code, .. } => ("parent_code = $1", code.as_str()),
        };
        let sql = format!(
            "SELECT unit_code, households, residents FROM population_rollup \
             WHERE unit_code IN (SELECT code FROM units WHERE {clause})"
        );
        let rows: Vec<(String, i64, i64)> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(|(c, households, residents)| {
                (
                    c,
                    Population {
                        households,
                        residents,
                    },
                )
            })
            .collect())
    }
}

/// Overdue counts by (category, child unit or none).
struct Overdue {
    rows: Vec<(String, Option<String>, i64)>,
}

impl Overdue {
    fn total(&self) -> i64 {
        self.rows.iter().map(|r| r.2).sum()
    }

    fn by_category(&self, category: &str) -> i64 {
        self.rows
            .iter()
            .filter(|r| r.0 == category)
            .map(|r| r.2)
            .sum()
    }

    fn by_child(&self, code: &str) -> i64 {
        self.rows
            .iter()
            .filter(|r| r.1.as_deref() == Some(code))
            .map(|r| r.2)
            .sum()
    }
}

// After the macros above, which these use.
mod lines;
mod maintain;
mod monthly;
mod naive;

use lines::{child_lines, own_lines};

#[cfg(test)]
mod tests;
