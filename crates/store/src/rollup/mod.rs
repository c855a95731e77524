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

use crate::{now, stamp, with_pool, Backend, Store, StoreError};

mod sql;

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
    pub kind: String,
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

/// Where a report looks.
enum Scope {
    Country,
    Unit { code: String, path: String },
}

#[derive(sqlx::FromRow)]
struct ChildUnit {
    code: String,
    name: String,
    kind: String,
    path: String,
}

/// The half-open range strictly below `path`.
fn below(path: &str) -> (String, String) {
    (format!("{path}/"), format!("{path}0"))
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

    /// The same report computed with plain `GROUP BY`s over the base tables (`feedback`,
    /// `households`, `residents`, `units`), for checking and benchmarking [`Store::report`].
    pub async fn report_naive(
        &self,
        unit_code: &str,
        from: Month,
        to: Month,
        category: Option<&str>,
    ) -> Result<StatsReport, StoreError> {
        self.report_naive_at(unit_code, from, to, category, &now())
            .await
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
        let scope = self.scope(unit_code).await?;
        let children = self.child_units(&scope).await?;
        let (from_m, to_m) = (from.to_string(), to.to_string());
        let cat = category.unwrap_or("");
        let cols = sql::stored_sums("r");

        // The unit's own rows: each category and '' (all), or just the one asked for.
        let own = match &scope {
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
        let parent_clause = match &scope {
            Scope::Country => "level = 1 AND $1 = $1",
            Scope::Unit { .. } => "parent_code = $1",
        };
        let per_child = format!(
            "SELECT r.unit_code, {cols} FROM feedback_rollup r \
             WHERE r.unit_code IN (SELECT code FROM units WHERE {parent_clause}) \
             AND r.month >= $2 AND r.month <= $3 AND r.category = $4 GROUP BY r.unit_code"
        );
        let code = match &scope {
            Scope::Country => String::new(),
            Scope::Unit { code, .. } => code.clone(),
        };
        let (own_rows, child_rows) = with_pool!(self, p => {
            let rows = sqlx::query(&own)
                .bind(&code)
                .bind(&from_m)
                .bind(&to_m)
                .bind(cat)
                .fetch_all(p)
                .await?;
            let own_rows = keyed_counts!(rows, false);
            let rows = sqlx::query(&per_child)
                .bind(&code)
                .bind(&from_m)
                .bind(&to_m)
                .bind(cat)
                .fetch_all(p)
                .await?;
            let child_rows = keyed_counts!(rows, false);
            (own_rows, child_rows)
        });
        let overdue = self
            .overdue_now(&scope, &children, from, to, cat, now)
            .await?;
        let population = self.population_of(&scope).await?;
        let child_population = self.child_population(&scope).await?;

        let mut categories = Vec::new();
        let mut total = FeedbackCounts::default();
        for (key, mut c) in own_rows {
            if c.received == 0 {
                continue;
            }
            if key.is_empty() {
                c.overdue_now = overdue.total();
                total = c;
            } else {
                c.overdue_now = overdue.by_category(&key);
                if category.is_some() {
                    total = c;
                }
                categories.push(CategoryRow {
                    category: key,
                    counts: c,
                });
            }
        }
        categories.sort_by(|a, b| a.category.cmp(&b.category));
        let children = children
            .into_iter()
            .map(|u| {
                let mut counts = child_rows
                    .iter()
                    .find(|(k, _)| *k == u.code)
                    .map(|(_, c)| *c)
                    .filter(|c| c.received != 0)
                    .unwrap_or_default();
                counts.overdue_now = overdue.by_child(&u.code);
                ChildRow {
                    population: child_population
                        .iter()
                        .find(|(k, _)| *k == u.code)
                        .map(|(_, p)| *p)
                        .unwrap_or_default(),
                    code: u.code,
                    name: u.name,
                    kind: u.kind,
                    counts,
                }
            })
            .collect();
        Ok(StatsReport {
            unit_code: unit_code.to_owned(),
            from,
            to,
            category: category.map(str::to_owned),
            categories,
            total,
            population,
            children,
        })
    }

    /// [`Store::report_naive`] with "overdue now" judged at `now`.
    pub async fn report_naive_at(
        &self,
        unit_code: &str,
        from: Month,
        to: Month,
        category: Option<&str>,
        now: &str,
    ) -> Result<StatsReport, StoreError> {
        let scope = self.scope(unit_code).await?;
        let children = self.child_units(&scope).await?;
        let path = match &scope {
            Scope::Country => None,
            Scope::Unit { path, .. } => Some(path.clone()),
        };
        let cats = self
            .naive_feedback(path.as_deref(), from, to, category, now)
            .await?;
        let mut total = FeedbackCounts::default();
        let mut categories = Vec::new();
        for (key, c) in cats {
            total.merge(&c);
            categories.push(CategoryRow {
                category: key,
                counts: c,
            });
        }
        let population = self.naive_population(path.as_deref()).await?;
        let mut rows = Vec::with_capacity(children.len());
        for u in children {
            let mut counts = FeedbackCounts::default();
            for (_, c) in self
                .naive_feedback(Some(&u.path), from, to, category, now)
                .await?
            {
                counts.merge(&c);
            }
            rows.push(ChildRow {
                population: self.naive_population(Some(&u.path)).await?,
                code: u.code,
                name: u.name,
                kind: u.kind,
                counts,
            });
        }
        Ok(StatsReport {
            unit_code: unit_code.to_owned(),
            from,
            to,
            category: category.map(str::to_owned),
            categories,
            total,
            population,
            children: rows,
        })
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

    /// Recomputes every aggregate (and the unit closure) from the base tables, in one
    /// transaction. Writers wait meanwhile (on a province, this takes a while: run it when
    /// the system is quiet). The maintenance triggers are left as they are.
    pub async fn rebuild_rollups(&self) -> Result<(), StoreError> {
        self.rollup_tx(None, true, false).await.map(|_| ())
    }

    /// Stops maintaining the aggregates, for a bulk load: the triggers are dropped, so the
    /// aggregates go stale until [`Store::resume_rollups`] (or the next
    /// [`Store::migrate`]). Not for a database a server is writing to.
    pub async fn pause_rollups(&self) -> Result<(), StoreError> {
        self.rollup_tx(Some(false), false, false).await.map(|_| ())
    }

    /// Reinstalls the maintenance triggers and rebuilds every aggregate, in one transaction.
    pub async fn resume_rollups(&self) -> Result<(), StoreError> {
        self.rollup_tx(Some(true), true, false).await.map(|_| ())
    }

    /// Whether the triggers are installed at the current version.
    pub async fn rollups_maintained(&self) -> Result<bool, StoreError> {
        let state: Option<(i64, bool)> = with_pool!(self, p => {
            sqlx::query_as("SELECT version, maintained FROM rollup_state WHERE id = 1")
                .fetch_optional(p)
                .await?
        });
        Ok(state == Some((sql::TRIGGER_VERSION, true)))
    }

    /// Installs the triggers and rebuilds when they are missing, paused or of an older
    /// version; does nothing otherwise. Called by [`Store::migrate`]. Returns whether it
    /// rebuilt.
    pub(crate) async fn ensure_rollups(&self) -> Result<bool, StoreError> {
        self.rollup_tx(Some(true), true, true).await
    }

    /// One transaction that (optionally) drops and reinstalls or just drops the triggers,
    /// and (optionally) rebuilds. With `only_if_stale`, nothing happens when the installed
    /// triggers are current.
    async fn rollup_tx(
        &self,
        install: Option<bool>,
        rebuild: bool,
        only_if_stale: bool,
    ) -> Result<bool, StoreError> {
        let b = self.backend();
        let started = std::time::Instant::now();
        let (lock, table_lock) = match b {
            // The first statement writes, so the transaction holds SQLite's write lock from
            // the start and the state it reads cannot change under it.
            Backend::Sqlite => ("UPDATE rollup_state SET id = id WHERE id = 1", None),
            Backend::Postgres => (
                "SELECT pg_advisory_xact_lock(7270061)",
                Some("LOCK TABLE feedback_rollup, population_rollup IN EXCLUSIVE MODE"),
            ),
        };
        let mut ddl = Vec::new();
        if let Some(on) = install {
            ddl.extend(sql::drop_triggers(b));
            if on {
                ddl.extend(sql::create_triggers(b));
            }
        }
        let mut work: Vec<String> = Vec::new();
        if rebuild {
            // Units are only added, and their levels never change: read outside the
            // transaction is fine (a unit added meanwhile has no rows yet).
            let max_level: i64 = with_pool!(self, p => {
                sqlx::query_scalar("SELECT COALESCE(MAX(level), 1) FROM units")
                    .fetch_one(p)
                    .await?
            });
            work.extend(table_lock.map(String::from));
            work.extend(sql::REBUILD_ANCESTORS.map(String::from));
            work.push("DELETE FROM feedback_rollup".into());
            work.push("DELETE FROM population_rollup".into());
            work.extend(sql::rebuild_feedback(b, max_level));
            work.push(sql::REBUILD_POPULATION.into());
        }
        let ts = now();
        let done = with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::raw_sql(lock).execute(&mut *tx).await?;
            let state: Option<(i64, bool)> =
                sqlx::query_as("SELECT version, maintained FROM rollup_state WHERE id = 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            if only_if_stale && state == Some((sql::TRIGGER_VERSION, true)) {
                tx.commit().await?;
                false
            } else {
                for s in ddl.iter().chain(&work) {
                    sqlx::raw_sql(s).execute(&mut *tx).await?;
                }
                let maintained = match install {
                    Some(on) => on,
                    None => state.is_some_and(|s| s.1),
                };
                let version = match install {
                    Some(_) => sql::TRIGGER_VERSION,
                    None => state.map_or(0, |s| s.0),
                };
                sqlx::query(
                    "INSERT INTO rollup_state (id, version, maintained, rebuilt_at) VALUES (1, $1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET version = excluded.version, \
                     maintained = excluded.maintained, rebuilt_at = excluded.rebuilt_at",
                )
                .bind(version)
                .bind(maintained)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                true
            }
        });
        if done {
            tracing::info!(
                ?install,
                rebuild,
                ms = started.elapsed().as_millis() as u64,
                "statistics roll-ups updated"
            );
        }
        Ok(done)
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

    async fn child_units(&self, scope: &Scope) -> Result<Vec<ChildUnit>, StoreError> {
        let (clause, code) = match scope {
            Scope::Country => ("level = 1 AND $1 = $1", ""),
            Scope::Unit { code, .. } => ("parent_code = $1", code.as_str()),
        };
        let sql = format!(
            "SELECT code, name, kind, path FROM units WHERE {clause} ORDER BY sort_key, code"
        );
        let rows: Vec<ChildUnit> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).fetch_all(p).await?
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
                let (lo, hi) = below(path);
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

    /// Per category, straight from `feedback` (`path` `None`: the whole country).
    async fn naive_feedback(
        &self,
        path: Option<&str>,
        from: Month,
        to: Month,
        category: Option<&str>,
        now: &str,
    ) -> Result<Vec<(String, FeedbackCounts)>, StoreError> {
        let b = self.backend();
        let scope_clause = match path {
            None => "$1 = $1 AND $2 = $2 AND $3 = $3",
            Some(_) => "(f.unit_path = $1 OR (f.unit_path >= $2 AND f.unit_path < $3))",
        };
        let path = path.unwrap_or("");
        let (lo, hi) = below(path);
        let source = sql::row_source(
            b,
            "f",
            1,
            &format!(
                "FROM feedback f WHERE {scope_clause} AND f.created_at >= $4 \
                 AND f.created_at < $5 AND ($6 = '' OR f.category = $6)"
            ),
            Some("$7"),
        );
        let sums = sql::sum_list("x")
            .iter()
            .map(|s| format!("CAST({s} AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ");
        // MATERIALIZED: each item's facts are computed once, not once per sum using them.
        let q = format!(
            "WITH x AS MATERIALIZED ({source}) \
             SELECT x.category, {sums}, CAST(SUM(x.overdue) AS BIGINT) FROM x \
             GROUP BY x.category ORDER BY x.category"
        );
        let out = with_pool!(self, p => {
            let rows = sqlx::query(&q)
                .bind(path)
                .bind(&lo)
                .bind(&hi)
                .bind(stamp(from.start()))
                .bind(stamp(to.plus(1).start()))
                .bind(category.unwrap_or(""))
                .bind(now)
                .fetch_all(p)
                .await?;
            keyed_counts!(rows, true)
        });
        Ok(out)
    }

    /// Active households and residents, straight from the base tables.
    async fn naive_population(&self, path: Option<&str>) -> Result<Population, StoreError> {
        let scope_clause = match path {
            None => "$1 = $1 AND $2 = $2 AND $3 = $3",
            Some(_) => "(u.path = $1 OR (u.path >= $2 AND u.path < $3))",
        };
        let path = path.unwrap_or("");
        let (lo, hi) = below(path);
        let count = |table: &str| {
            format!(
                "SELECT COUNT(*) FROM {table} t JOIN units u ON u.code = t.unit_code \
                 WHERE t.status = 'active' AND {scope_clause}"
            )
        };
        let (households, residents) = (count("households"), count("residents"));
        let (h, r): (i64, i64) = with_pool!(self, p => {
            let h: i64 = sqlx::query_scalar(&households)
                .bind(path)
                .bind(&lo)
                .bind(&hi)
                .fetch_one(p)
                .await?;
            let r: i64 = sqlx::query_scalar(&residents)
                .bind(path)
                .bind(&lo)
                .bind(&hi)
                .fetch_one(p)
                .await?;
            (h, r)
        });
        Ok(Population {
            households: h,
            residents: r,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConnectOptions;

    async fn exec(s: &Store, q: &str) {
        with_pool!(s, p => { sqlx::raw_sql(q).execute(p).await.unwrap(); });
    }

    /// The triggers, the rebuild and the naive query agree on a small tree, on SQLite in
    /// memory (both backends are covered over HTTP in the integration tests).
    #[tokio::test]
    async fn triggers_rebuild_and_naive_agree_on_sqlite() {
        let s = Store::connect(
            "sqlite::memory:",
            &ConnectOptions {
                max_connections: 1,
                sqlite_synchronous_full: false,
            },
        )
        .await
        .unwrap();
        triggers_rebuild_and_naive_agree(&s).await;
    }

    /// The same on a fresh PostgreSQL database when `TUQUAN_TEST_POSTGRES_URL` is set.
    #[tokio::test]
    async fn triggers_rebuild_and_naive_agree_on_postgres() {
        let Some(admin) = std::env::var("TUQUAN_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            return;
        };
        let name = format!(
            "tuquan_store_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let root = Store::connect(&admin, &ConnectOptions::default())
            .await
            .unwrap();
        exec(&root, &format!("CREATE DATABASE {name}")).await;
        let (base, _) = admin.rsplit_once('/').unwrap();
        let s = Store::connect(&format!("{base}/{name}"), &ConnectOptions::default())
            .await
            .unwrap();
        triggers_rebuild_and_naive_agree(&s).await;
        s.close().await;
        exec(&root, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    }

    async fn triggers_rebuild_and_naive_agree(s: &Store) {
        let s = s.clone();
        s.migrate().await.unwrap();
        assert!(s.rollups_maintained().await.unwrap());
        let t = "2026-01-01T00:00:00.000000Z";
        for (code, parent, path, level) in [
            ("79", None, "79", 1),
            ("26743", Some("79"), "79/26743", 2),
            ("26743-kp01", Some("26743"), "79/26743/kp01", 3),
            ("26743-kp02", Some("26743"), "79/26743/kp02", 3),
        ] {
            with_pool!(s, p => {
                sqlx::query(
                    "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, \
                     name_folded, sort_key, valid_from, created_at, updated_at) \
                     VALUES ($1, $2, '79', $3, $4, 'khu_pho', $1, $1, $5, $6, $6, $6)",
                )
                .bind(code)
                .bind(parent)
                .bind(path)
                .bind(level)
                .bind(code.as_bytes().to_vec())
                .bind(t)
                .execute(p)
                .await
                .unwrap();
            });
        }
        // Two items in kp01 (one acknowledged after 2 h on time, resolved after 3 days on time,
        // rated 4), one in kp02 still new and overdue.
        let ins = |id: i64, unit: &str, cat: &str, created: &str| {
            format!(
                "INSERT INTO feedback (tracking_code, province_code, commune_code, unit_code, \
                 unit_path, category, description, level, role, ack_due_at, resolve_due_at, \
                 created_at, updated_at) VALUES ('PA-{id}', '79', '26743', '{unit}', \
                 '79/{}', '{cat}', 'x', 'unit', 'unit_head', '2026-03-02T08:00:00.000000Z', \
                 '2026-03-05T08:00:00.000000Z', '{created}', '{created}')",
                unit.replace('-', "/")
            )
        };
        exec(
            &s,
            &ins(1, "26743-kp01", "traffic", "2026-03-02T02:00:00.000000Z"),
        )
        .await;
        exec(
            &s,
            &ins(
                2,
                "26743-kp01",
                "environment",
                "2026-03-02T03:00:00.000000Z",
            ),
        )
        .await;
        exec(
            &s,
            &ins(3, "26743-kp02", "traffic", "2026-03-02T04:00:00.000000Z"),
        )
        .await;
        exec(
            &s,
            "UPDATE feedback SET status = 'acknowledged', acknowledged_at = '2026-03-02T04:00:00.000000Z' WHERE tracking_code = 'PA-1'",
        )
        .await;
        exec(
            &s,
            "UPDATE feedback SET status = 'resolved', resolved_at = '2026-03-05T02:00:00.000000Z', rating = 4 WHERE tracking_code = 'PA-1'",
        )
        .await;
        let m = Month::parse("from", "2026-03").unwrap();
        let now = "2026-03-10T00:00:00.000000Z";
        let fast = s.report_at("26743", m, m, None, now).await.unwrap();
        let naive = s.report_naive_at("26743", m, m, None, now).await.unwrap();
        assert_eq!(fast, naive);
        assert_eq!(fast.total.received, 3);
        assert_eq!(fast.total.acknowledged_on_time, 1);
        assert_eq!(fast.total.resolved, 1);
        assert_eq!(fast.total.resolved_on_time, 1);
        assert_eq!(fast.total.ratings, [0, 0, 0, 1, 0]);
        assert_eq!(fast.total.overdue_now, 2);
        assert_eq!(fast.total.ack_time.median().unwrap().bucket, 4);
        assert_eq!(fast.categories.len(), 2);
        assert_eq!(fast.children.len(), 2);
        assert_eq!(fast.children[0].counts.received, 2);
        assert_eq!(fast.children[1].counts.overdue_now, 1);
        for unit in [COUNTRY, "79", "26743-kp01"] {
            for cat in [None, Some("traffic")] {
                assert_eq!(
                    s.report_at(unit, m, m, cat, now).await.unwrap(),
                    s.report_naive_at(unit, m, m, cat, now).await.unwrap(),
                    "{unit} {cat:?}"
                );
            }
        }
        s.pause_rollups().await.unwrap();
        exec(
            &s,
            &ins(4, "26743-kp02", "traffic", "2026-03-03T04:00:00.000000Z"),
        )
        .await;
        assert_ne!(
            s.report_at("79", m, m, None, now).await.unwrap(),
            s.report_naive_at("79", m, m, None, now).await.unwrap()
        );
        s.resume_rollups().await.unwrap();
        assert_eq!(
            s.report_at("79", m, m, None, now).await.unwrap(),
            s.report_naive_at("79", m, m, None, now).await.unwrap()
        );
        s.rebuild_rollups().await.unwrap();
        assert_eq!(
            s.report_at(COUNTRY, m, m, None, now).await.unwrap(),
            s.report_naive_at(COUNTRY, m, m, None, now).await.unwrap()
        );
    }
}

/// A rough measurement at province scale on SQLite; run by hand:
/// `TQ_PERF_FEEDBACK=1500000 TQ_PERF_RESIDENTS=11000000 cargo test --release -p tuquan-store
/// perf_at_province_scale -- --ignored --nocapture`.
#[cfg(test)]
mod perf {
    use super::*;
    use crate::ConnectOptions;

    fn env(name: &str, default: i64) -> i64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    async fn exec(s: &Store, q: &str) {
        with_pool!(s, p => { sqlx::raw_sql(q).execute(p).await.unwrap(); });
    }

    #[tokio::test]
    #[ignore]
    async fn perf_at_province_scale() {
        let feedback = env("TQ_PERF_FEEDBACK", 200_000);
        let residents = env("TQ_PERF_RESIDENTS", 1_000_000);
        let households = residents * 10 / 31;
        let dir = std::env::temp_dir().join(format!("tq-perf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/perf.db", dir.display());
        let s = Store::connect(
            &url,
            &ConnectOptions {
                max_connections: 2,
                sqlite_synchronous_full: false,
            },
        )
        .await
        .unwrap();
        s.migrate().await.unwrap();
        s.pause_rollups().await.unwrap();
        let t = std::time::Instant::now();
        let ts = "2024-12-01T00:00:00.000000Z";
        exec(&s, &format!(
            "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, name_folded, sort_key, valid_from, created_at, updated_at) \
             VALUES ('79', NULL, '79', '79', 1, 'thanh_pho', 'HCM', 'hcm', x'01', '{ts}', '{ts}', '{ts}');
             WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 167) \
             INSERT INTO units (code, parent_code, province_code, path, level, kind, name, name_folded, sort_key, valid_from, created_at, updated_at) \
             SELECT printf('%05d', 26000 + i), '79', '79', '79/' || printf('%05d', 26000 + i), 2, 'phuong', 'P' || i, 'p', x'02', '{ts}', '{ts}', '{ts}' FROM c;
             WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 168 * 60 - 1) \
             INSERT INTO units (code, parent_code, province_code, path, level, kind, name, name_folded, sort_key, valid_from, created_at, updated_at) \
             SELECT printf('%05d', 26000 + i / 60) || '-kp' || printf('%02d', i % 60), printf('%05d', 26000 + i / 60), '79', \
             '79/' || printf('%05d', 26000 + i / 60) || '/kp' || printf('%02d', i % 60), 3, 'khu_pho', 'KP' || i, 'kp', x'03', '{ts}', '{ts}', '{ts}' FROM c;"
        )).await;
        // Two years of feedback; only the last two months still have open items.
        exec(&s, &format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {feedback} - 1), \
             g AS (SELECT i, (i * 7919) % 10080 AS u, (i * 104729) % 63072000 AS sec FROM n) \
             INSERT INTO feedback (tracking_code, province_code, commune_code, unit_code, unit_path, category, description, \
               status, level, role, ack_due_at, resolve_due_at, acknowledged_at, resolved_at, rating, created_at, updated_at) \
             SELECT 'PA-' || i, '79', printf('%05d', 26000 + u / 60), printf('%05d', 26000 + u / 60) || '-kp' || printf('%02d', u % 60), \
               '79/' || printf('%05d', 26000 + u / 60) || '/kp' || printf('%02d', u % 60), \
               CASE i % 7 WHEN 0 THEN 'security_order' WHEN 1 THEN 'traffic' WHEN 2 THEN 'environment' WHEN 3 THEN 'fire_risk' \
                 WHEN 4 THEN 'infrastructure' WHEN 5 THEN 'administrative' ELSE 'other' END, 'x', \
               CASE WHEN sec < 58000000 THEN (CASE WHEN i % 10 = 0 THEN 'rejected' ELSE 'resolved' END) \
                    ELSE (CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'in_progress' ELSE 'resolved' END) END, \
               'unit', 'unit_head', \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + 28800) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + 259200) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + (i * 31) % 86400) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + (i * 37) % 604800) || ' seconds'), \
               CASE WHEN i % 3 = 0 THEN 1 + i % 5 END, \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || sec || ' seconds'), '{ts}' FROM g; \
             UPDATE feedback SET acknowledged_at = NULL WHERE status = 'new'; \
             UPDATE feedback SET resolved_at = NULL WHERE status NOT IN ('resolved');"
        )).await;
        exec(&s, &format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {households} - 1) \
             INSERT INTO households (id, province_code, unit_code, address, representative_name, name_folded, member_count, status, created_at) \
             SELECT i + 1, '79', printf('%05d', 26000 + (i % 10080) / 60) || '-kp' || printf('%02d', (i % 10080) % 60), 'a', 'r', 'r', 3, \
               CASE WHEN i % 50 = 0 THEN 'moved_away' ELSE 'active' END, '{ts}' FROM n;
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {residents} - 1) \
             INSERT INTO residents (province_code, household_id, unit_code, full_name, name_folded, sort_key, birth_date, gender, residence_type, status, created_at, updated_at) \
             SELECT '79', 1 + (i * 10 / 31), h.unit_code, 'n', 'n', x'00', '1980-01-01', 'male', 'permanent', \
               CASE WHEN i % 40 = 0 THEN 'moved_away' ELSE 'active' END, '{ts}', '{ts}' FROM n JOIN households h ON h.id = 1 + (i * 10 / 31);"
        )).await;
        println!("loaded in {:?}", t.elapsed());
        let t = std::time::Instant::now();
        s.resume_rollups().await.unwrap();
        println!("resume (install + rebuild) in {:?}", t.elapsed());
        exec(&s, "ANALYZE").await;
        let from = Month::parse("from", "2024-12").unwrap();
        let to = Month::parse("to", "2026-11").unwrap();
        let now = "2026-11-20T00:00:00.000000Z";
        for unit in ["26001", "79"] {
            let mut times = Vec::new();
            for _ in 0..21 {
                let t = std::time::Instant::now();
                let r = s.report_at(unit, from, to, None, now).await.unwrap();
                times.push(t.elapsed());
                assert!(r.total.received > 0);
            }
            times.sort();
            let t = std::time::Instant::now();
            let naive = s.report_naive_at(unit, from, to, None, now).await.unwrap();
            let naive_time = t.elapsed();
            let fast = s.report_at(unit, from, to, None, now).await.unwrap();
            println!(
                "{unit}: p50 {:?}, max {:?}; naive {:?}; received {}, overdue {}, residents {}",
                times[10],
                times[20],
                naive_time,
                fast.total.received,
                fast.total.overdue_now,
                fast.population.residents
            );
            assert_eq!(fast, naive);
            let scope = s.scope(unit).await.unwrap();
            let t = std::time::Instant::now();
            s.child_units(&scope).await.unwrap();
            println!("  child units {:?}", t.elapsed());
            let t = std::time::Instant::now();
            let children = s.child_units(&scope).await.unwrap();
            s.overdue_now(&scope, &children, from, to, "", now)
                .await
                .unwrap();
            println!("  overdue {:?}", t.elapsed());
            let t = std::time::Instant::now();
            s.population_of(&scope).await.unwrap();
            s.child_population(&scope).await.unwrap();
            println!("  population {:?}", t.elapsed());
        }
        s.close().await;
        if std::env::var_os("TQ_PERF_KEEP").is_none() {
            std::fs::remove_dir_all(&dir).ok();
        } else {
            println!("kept {}", dir.display());
        }
    }
}
