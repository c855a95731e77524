//! Households, minimal for now: enough for the demo and for counts on unit pages.
//! The full people registry (residents, members, consent) builds on this table.

use tuquan_domain::territory::Unit;
use tuquan_domain::text;

use serde_json::json;

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

/// A household as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub unit_code: String,
    pub address: String,
    pub representative_name: String,
    pub member_count: i64,
    pub status: String,
}

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
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            for h in households {
                let name = text::clean(&h.representative_name);
                let address = text::clean(&h.address);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO households (province_code, unit_code, address, \
                     representative_name, name_folded, member_count, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&unit.province_code)
                .bind(&unit.code)
                .bind(&address)
                .bind(&name)
                .bind(text::fold(&name))
                .bind(h.member_count)
                .bind(&ts)
                .fetch_one(&mut *tx)
                .await?;
                let entry = AuditEntry {
                    action: "household.create",
                    target_type: "household",
                    target_id: id.to_string(),
                    unit_path: Some(unit.path.clone()),
                    before: None,
                    after: Some(json!({
                        "unit_code": unit.code, "address": address,
                        "representative_name": name, "member_count": h.member_count,
                    })),
                };
                insert_audit!(&mut *tx, ctx, &entry)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The households of a unit and its subtree, by id, after `after_id`.
    pub async fn households_in(
        &self,
        unit: &Unit,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<HouseholdRow>, StoreError> {
        let (lo, hi) = (format!("{}/", unit.path), format!("{}0", unit.path));
        let rows: Vec<HouseholdRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT h.id, h.unit_code, h.address, h.representative_name, h.member_count, \
                 h.status FROM households h JOIN units u ON u.code = h.unit_code \
                 WHERE (u.path = $1 OR (u.path >= $2 AND u.path < $3)) AND h.id > $4 \
                 ORDER BY h.id LIMIT $5",
            )
            .bind(&unit.path)
            .bind(&lo)
            .bind(&hi)
            .bind(after_id)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
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
