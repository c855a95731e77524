//! Reads of schemes: items, the units they touch with their sizes, split parts and lists,
//! the ballots, the standards and freezes, and the sizes of a commune's units.

use tuquan_domain::restructuring::scheme::{FreezeId, SchemeId, SchemeItemId, SplitPartId};
use tuquan_domain::votes::Status as VoteStatus;
use tuquan_domain::{HouseholdId, VoteId};

use super::ItemRecord;
use crate::{subtree, with_pool, Store, StoreError};

/// A unit an item touches, with its size now (active households and residents, its subtree).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemUnitRecord {
    #[sqlx(try_from = "i64")]
    pub item_id: SchemeItemId,
    /// `part` (merged or split), `into` (receiver), `rename`.
    pub role: String,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub parent_code: Option<String>,
    pub unit_path: String,
    pub valid_to: Option<String>,
    pub households: i64,
    pub residents: i64,
}

/// A part of a split with the size of its list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartRecord {
    #[sqlx(try_from = "i64")]
    pub id: SplitPartId,
    #[sqlx(try_from = "i64")]
    pub item_id: SchemeItemId,
    pub part_no: i64,
    pub name: String,
    pub kind: String,
    pub local_code: String,
    pub households: i64,
    pub residents: i64,
}

/// A ballot a scheme opened, with its count.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SchemeVoteRecord {
    #[sqlx(try_from = "i64")]
    pub vote_id: VoteId,
    pub unit_code: String,
    pub unit_name: String,
    pub purpose: String,
    pub candidate_name: String,
    #[sqlx(try_from = "String")]
    pub status: VoteStatus,
    pub all_households: i64,
    pub yes_count: i64,
    pub no_count: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StandardRecord {
    pub id: i64,
    pub province_code: String,
    pub kind: String,
    pub min_households: i64,
    pub effective_from: String,
    pub basis: String,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FreezeRecord {
    #[sqlx(try_from = "i64")]
    pub id: FreezeId,
    /// Empty: national.
    pub province_code: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub basis: String,
    pub created_by: Option<String>,
}

/// A residential unit of a commune with its size now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitSizeRecord {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub level: i64,
    pub households: i64,
    pub residents: i64,
}

const SIZE: &str = "COALESCE(pr.households, 0) AS households, \
     COALESCE(pr.residents, 0) AS residents";

impl Store {
    pub async fn scheme_items(&self, scheme_id: SchemeId) -> Result<Vec<ItemRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, scheme_id, kind, unit_code, into_code, new_name, new_kind, \
                 new_local_code, adjacent, candidate_names FROM restructuring_scheme_items \
                 WHERE scheme_id = $1 ORDER BY id",
            )
            .bind(scheme_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// Every unit the scheme's items touch, with its size now.
    pub async fn scheme_units(
        &self,
        scheme_id: SchemeId,
    ) -> Result<Vec<ItemUnitRecord>, StoreError> {
        let sql = format!(
            "SELECT x.item_id, x.role, u.code AS unit_code, u.name AS unit_name, \
             u.kind AS unit_kind, u.parent_code, u.path AS unit_path, u.valid_to, {SIZE} FROM ( \
               SELECT iu.item_id, 'part' AS role, iu.unit_code FROM restructuring_item_units iu \
               JOIN restructuring_scheme_items i ON i.id = iu.item_id WHERE i.scheme_id = $1 \
               UNION ALL SELECT id, 'into', into_code FROM restructuring_scheme_items \
               WHERE scheme_id = $1 AND into_code IS NOT NULL \
               UNION ALL SELECT id, CASE WHEN kind = 'split' THEN 'part' ELSE 'rename' END, \
               unit_code FROM restructuring_scheme_items \
               WHERE scheme_id = $1 AND unit_code IS NOT NULL \
             ) x JOIN units u ON u.code = x.unit_code \
             LEFT JOIN population_rollup pr ON pr.unit_code = u.code \
             ORDER BY x.item_id, u.sort_key, u.code"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(scheme_id.get()).fetch_all(p).await?
        }))
    }

    /// The parts of the scheme's splits with the active households listed and their residents.
    pub async fn scheme_parts(&self, scheme_id: SchemeId) -> Result<Vec<PartRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT sp.id, sp.item_id, sp.part_no, sp.name, sp.kind, sp.local_code, \
                 (SELECT COUNT(*) FROM restructuring_split_households sh \
                  JOIN households h ON h.id = sh.household_id \
                  WHERE sh.part_id = sp.id AND h.status = 'active') AS households, \
                 (SELECT COUNT(*) FROM restructuring_split_households sh \
                  JOIN residents r ON r.household_id = sh.household_id \
                  WHERE sh.part_id = sp.id AND r.status = 'active') AS residents \
                 FROM restructuring_split_parts sp JOIN restructuring_scheme_items i \
                 ON i.id = sp.item_id WHERE i.scheme_id = $1 ORDER BY sp.item_id, sp.part_no",
            )
            .bind(scheme_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// A split's lists: (household, part).
    pub async fn split_lists(
        &self,
        item_id: SchemeItemId,
    ) -> Result<Vec<(HouseholdId, SplitPartId)>, StoreError> {
        let rows: Vec<(i64, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT household_id, part_id FROM restructuring_split_households \
                 WHERE item_id = $1 ORDER BY household_id",
            )
            .bind(item_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(h, p)| (HouseholdId(h), SplitPartId(p)))
            .collect())
    }

    /// The active households of a unit and its subtree now.
    pub async fn active_household_ids_under(
        &self,
        path: &str,
    ) -> Result<Vec<HouseholdId>, StoreError> {
        let (lo, hi) = subtree(path);
        let rows: Vec<i64> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT h.id FROM households h JOIN units u ON u.code = h.unit_code \
                 WHERE h.status = 'active' AND (u.path = $1 OR (u.path >= $2 AND u.path < $3)) \
                 ORDER BY h.id",
            )
            .bind(path)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(HouseholdId).collect())
    }

    pub async fn scheme_votes(
        &self,
        scheme_id: SchemeId,
    ) -> Result<Vec<SchemeVoteRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT sv.vote_id, sv.unit_code, u.name AS unit_name, sv.purpose, \
                 sv.candidate_name, v.status, v.all_households, v.yes_count, v.no_count \
                 FROM restructuring_scheme_votes sv JOIN votes v ON v.id = sv.vote_id \
                 JOIN units u ON u.code = sv.unit_code WHERE sv.scheme_id = $1 \
                 ORDER BY sv.vote_id",
            )
            .bind(scheme_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// Schemes of communes in a subtree waiting for an official: consulting with every
    /// ballot counted, or approved.
    pub async fn schemes_waiting(&self, path: &str) -> Result<i64, StoreError> {
        let (lo, hi) = subtree(path);
        Ok(with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM restructuring_schemes s WHERE \
                 (s.commune_path = $1 OR (s.commune_path >= $2 AND s.commune_path < $3)) AND \
                 (s.status = 'approved' OR (s.status = 'consulting' AND EXISTS \
                   (SELECT 1 FROM restructuring_scheme_votes sv WHERE sv.scheme_id = s.id) \
                  AND NOT EXISTS (SELECT 1 FROM restructuring_scheme_votes sv \
                   JOIN votes v ON v.id = sv.vote_id WHERE sv.scheme_id = s.id \
                   AND v.status = 'open')))",
            )
            .bind(path)
            .bind(&lo)
            .bind(&hi)
            .fetch_one(p)
            .await?
        }))
    }

    pub async fn restructuring_standards(
        &self,
        province_code: &str,
    ) -> Result<Vec<StandardRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, province_code, kind, min_households, effective_from, basis, \
                 created_by FROM restructuring_standards WHERE province_code = $1 \
                 ORDER BY kind, effective_from",
            )
            .bind(province_code)
            .fetch_all(p)
            .await?
        }))
    }

    /// National freezes and the province's, newest first.
    pub async fn restructuring_freezes(
        &self,
        province_code: &str,
    ) -> Result<Vec<FreezeRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, province_code, starts_on, ends_on, basis, created_by \
                 FROM restructuring_freezes WHERE province_code = '' OR province_code = $1 \
                 ORDER BY starts_on DESC, id DESC",
            )
            .bind(province_code)
            .fetch_all(p)
            .await?
        }))
    }

    /// The open residential units below a commune with their sizes, in tree order.
    pub async fn unit_sizes(&self, commune_path: &str) -> Result<Vec<UnitSizeRecord>, StoreError> {
        let (lo, hi) = subtree(commune_path);
        let sql = format!(
            "SELECT u.code, u.name, u.kind, u.parent_code, u.level, {SIZE} FROM units u \
             LEFT JOIN population_rollup pr ON pr.unit_code = u.code \
             WHERE u.path >= $1 AND u.path < $2 AND u.valid_to IS NULL \
             ORDER BY u.level, u.sort_key, u.code"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(&lo).bind(&hi).fetch_all(p).await?
        }))
    }
}
