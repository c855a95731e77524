//! Households, minimal for now: enough for the demo and for counts on unit pages.
//! The full people registry (residents, members, consent) builds on this table.

use tuquan_domain::territory::Unit;
use tuquan_domain::text;

use crate::{now, with_pool, Store, StoreError};

/// A household to insert.
#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub address: String,
    pub representative_name: String,
    pub member_count: i64,
}

impl Store {
    /// Inserts households into one unit in a single transaction.
    pub async fn insert_households(
        &self,
        unit: &Unit,
        households: &[NewHousehold],
    ) -> Result<(), StoreError> {
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            for h in households {
                let name = text::clean(&h.representative_name);
                sqlx::query(
                    "INSERT INTO households (province_code, unit_code, address, \
                     representative_name, name_folded, member_count, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&unit.province_code)
                .bind(&unit.code)
                .bind(text::clean(&h.address))
                .bind(&name)
                .bind(text::fold(&name))
                .bind(h.member_count)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Households and people in a unit and everything below it.
    pub async fn household_totals(&self, unit: &Unit) -> Result<(i64, i64), StoreError> {
        let (lo, hi) = (format!("{}/", unit.path), format!("{}0", unit.path));
        let row: (i64, Option<i64>) = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT COUNT(*), CAST(SUM(h.member_count) AS BIGINT) FROM households h \
                 JOIN units u ON u.code = h.unit_code \
                 WHERE h.status = 'active' AND (u.path = $1 OR (u.path >= $2 AND u.path < $3))",
            )
            .bind(&unit.path)
            .bind(&lo)
            .bind(&hi)
            .fetch_one(p)
            .await?
        });
        Ok((row.0, row.1.unwrap_or(0)))
    }
}
