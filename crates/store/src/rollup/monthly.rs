//! The month-by-month totals of a unit for a period, in one query (the charts of the
//! statistics pages and the feedback report draw them).

use sqlx::Row;
use tuquan_domain::feedback::stats::{FeedbackCounts, Month};

use super::{counts_from, sql, Scope};
use crate::{with_pool, Store, StoreError};

impl Store {
    /// The totals of `unit_code` ([`super::COUNTRY`] for the whole country) for each month of
    /// `from..=to` that received anything, all categories or one, in month order. One query
    /// over the roll-up rows; "overdue now" is not counted (it is not per month).
    /// [`StoreError::NotFound`] for an unknown unit.
    pub async fn monthly_totals(
        &self,
        unit_code: &str,
        from: Month,
        to: Month,
        category: Option<&str>,
    ) -> Result<Vec<(Month, FeedbackCounts)>, StoreError> {
        let scope = self.scope(unit_code).await?;
        let (clause, code) = match &scope {
            Scope::Country => (
                "r.unit_code IN (SELECT code FROM units WHERE level = 1) AND $1 = $1",
                String::new(),
            ),
            Scope::Unit { code, .. } => ("r.unit_code = $1", code.clone()),
        };
        let cols = sql::stored_sums("r");
        let q = format!(
            "SELECT r.month, {cols} FROM feedback_rollup r WHERE {clause} \
             AND r.month >= $2 AND r.month <= $3 AND r.category = $4 \
             GROUP BY r.month ORDER BY r.month"
        );
        let n = sql::COLUMNS.len();
        let mut out = Vec::new();
        with_pool!(self, p => {
            let rows = sqlx::query(&q)
                .bind(&code)
                .bind(from.to_string())
                .bind(to.to_string())
                .bind(category.unwrap_or(""))
                .fetch_all(p)
                .await?;
            for row in &rows {
                let month: String = row.try_get(0)?;
                let month = Month::parse("month", &month)
                    .map_err(|e| sqlx::Error::Decode(format!("roll-up month {month}: {e:?}").into()))?;
                let mut v = Vec::with_capacity(n);
                for i in 0..n {
                    v.push(row.try_get::<Option<i64>, _>(1 + i)?.unwrap_or(0));
                }
                out.push((month, counts_from(&v)));
            }
        });
        Ok(out)
    }
}
