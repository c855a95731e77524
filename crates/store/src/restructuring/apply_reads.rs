//! What applying a plan reads first: the commune's units (open and closed, for codes never
//! to reuse), the active households of units that give households by list, the unit
//! leaderships; and the thanks records (tri ân) for their list and a person's service history.

use tuquan_domain::territory::Unit;
use tuquan_domain::{GroupId, HouseholdId, ResidentId};

use crate::territory::UnitCols;
use crate::{subtree, with_pool, Store, StoreError};

/// One thanks record (tri ân) with the names a list shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThanksRecord {
    #[sqlx(try_from = "i64")]
    pub id: tuquan_domain::code::ThanksId,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    #[sqlx(try_from = "i64")]
    pub resident_id: ResidentId,
    pub full_name: String,
    #[sqlx(try_from = "i64")]
    pub group_id: GroupId,
    pub group_name: String,
    pub role: String,
    pub served_from: String,
    pub served_to: String,
    pub reason: String,
    pub reward_decision: Option<String>,
    pub reward_on: Option<String>,
}

const THANKS: &str = "SELECT t.id, t.unit_code, u.name AS unit_name, t.unit_path, t.resident_id, \
     r.full_name, t.group_id, g.name AS group_name, t.role, t.served_from, t.served_to, t.reason, \
     t.reward_decision, t.reward_on FROM service_thanks t JOIN units u ON u.code = t.unit_code \
     JOIN residents r ON r.id = t.resident_id JOIN community_groups g ON g.id = t.group_id";

impl Store {
    /// A unit and every unit ever below it, open or closed.
    pub async fn units_under(&self, path: &str) -> Result<Vec<Unit>, StoreError> {
        let (lo, hi) = subtree(path);
        let rows: Vec<UnitCols> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT code, parent_code, province_code, path, level, kind, name, codename, \
                 valid_from, valid_to FROM units WHERE path = $1 OR (path >= $2 AND path < $3) \
                 ORDER BY path",
            )
            .bind(path)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// The active households of a unit.
    pub async fn active_household_ids(
        &self,
        unit_code: &str,
    ) -> Result<Vec<HouseholdId>, StoreError> {
        let ids: Vec<i64> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT id FROM households WHERE unit_code = $1 AND status = 'active' ORDER BY id",
            )
            .bind(unit_code)
            .fetch_all(p)
            .await?
        });
        Ok(ids.into_iter().map(HouseholdId).collect())
    }

    /// The unit's leadership (the group of its head), if it has one not dissolved.
    pub async fn leadership_group_id(
        &self,
        unit_code: &str,
    ) -> Result<Option<GroupId>, StoreError> {
        let id: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT id FROM community_groups WHERE unit_code = $1 \
                 AND kind = 'unit_leadership' AND status <> 'dissolved'",
            )
            .bind(unit_code)
            .fetch_optional(p)
            .await?
        });
        Ok(id.map(GroupId))
    }

    /// The thanks records of a commune, latest first.
    pub async fn thanks_of_commune(
        &self,
        commune_code: &str,
    ) -> Result<Vec<ThanksRecord>, StoreError> {
        let sql = format!(
            "{THANKS} WHERE t.commune_code = $1 ORDER BY t.served_to DESC, u.sort_key, t.id"
        );
        let rows = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(commune_code).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// The thanks records of one person, oldest first.
    pub async fn thanks_of_resident(
        &self,
        id: ResidentId,
    ) -> Result<Vec<ThanksRecord>, StoreError> {
        let sql = format!("{THANKS} WHERE t.resident_id = $1 ORDER BY t.served_to, t.id");
        let rows = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_all(p).await?
        });
        Ok(rows)
    }
}
