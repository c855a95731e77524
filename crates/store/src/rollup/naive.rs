//! The plain `GROUP BY` answer to the same report, computed from the base tables: the
//! reference the roll-ups are checked against (tests, `tuquan bench`).

use super::*;

impl Store {
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

    /// [`Store::report_naive`] with "overdue now" judged at `now`.
    pub async fn report_naive_at(
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
        self.report_by(Method::Naive, unit_code, &ask).await
    }

    /// The lines straight from the base tables, each child's with its own queries.
    pub(super) async fn naive_lines(
        &self,
        scope: &Scope,
        children: Vec<ChildUnit>,
        ask: &Ask<'_>,
    ) -> Result<Lines, StoreError> {
        let path = match scope {
            Scope::Country => None,
            Scope::Unit { path, .. } => Some(path.as_str()),
        };
        let mut total = FeedbackCounts::default();
        let mut categories = Vec::new();
        for (key, c) in self.naive_feedback(path, ask).await? {
            total.merge(&c);
            categories.push(CategoryRow {
                category: key,
                counts: c,
            });
        }
        let population = self.naive_population(path).await?;
        let mut rows = Vec::with_capacity(children.len());
        for u in children {
            let mut counts = FeedbackCounts::default();
            for (_, c) in self.naive_feedback(Some(&u.path), ask).await? {
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
        Ok(Lines {
            categories,
            total,
            population,
            children: rows,
        })
    }

    /// Per category, straight from `feedback` (`path` `None`: the whole country).
    async fn naive_feedback(
        &self,
        path: Option<&str>,
        ask: &Ask<'_>,
    ) -> Result<Vec<(String, FeedbackCounts)>, StoreError> {
        let b = self.backend();
        let scope_clause = match path {
            None => "$1 = $1 AND $2 = $2 AND $3 = $3",
            Some(_) => "(f.unit_path = $1 OR (f.unit_path >= $2 AND f.unit_path < $3))",
        };
        let path = path.unwrap_or("");
        let (lo, hi) = subtree(path);
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
                .bind(stamp(ask.from.start()))
                .bind(stamp(ask.to.plus(1).start()))
                .bind(ask.category.unwrap_or(""))
                .bind(ask.now)
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
        let (lo, hi) = subtree(path);
        let count = |table: &str| {
            format!(
                "(SELECT COUNT(*) FROM {table} t JOIN units u ON u.code = t.unit_code \
                 WHERE t.status = 'active' AND {scope_clause})"
            )
        };
        let q = format!("SELECT {}, {}", count("households"), count("residents"));
        let (households, residents): (i64, i64) = with_pool!(self, p => {
            sqlx::query_as(&q)
                .bind(path)
                .bind(&lo)
                .bind(&hi)
                .fetch_one(p)
                .await?
        });
        Ok(Population {
            households,
            residents,
        })
    }
}
