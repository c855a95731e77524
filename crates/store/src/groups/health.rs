//! How a subtree's groups stand, for the start page: active groups without a head today,
//! and those whose head's term ends soon.

use super::subtree;
use crate::{with_pool, Store, StoreError};

/// Counts of a subtree's active groups that need attention.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupHealth {
    /// Active groups with no head in office today.
    pub without_head: i64,
    /// Active groups whose head's term ends on or before the horizon.
    pub term_ending: i64,
}

impl Store {
    /// Active groups belonging to the unit at `path` or below it: how many have no head in
    /// office on `today` (`YYYY-MM-DD`), and how many have one whose term ends by `horizon`.
    pub async fn group_health_in(
        &self,
        path: &str,
        today: &str,
        horizon: &str,
    ) -> Result<GroupHealth, StoreError> {
        let (lo, hi) = subtree(path);
        let row: (i64, i64) = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT COALESCE(SUM(CASE WHEN h.ends_on IS NULL THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN h.ends_on IS NOT NULL AND h.ends_on <= $5 \
                   THEN 1 ELSE 0 END), 0) \
                 FROM community_groups g LEFT JOIN (SELECT group_id, MAX(ends_on) AS ends_on \
                   FROM group_positions WHERE role = 'head' AND ended_on IS NULL \
                   AND starts_on <= $4 AND ends_on >= $4 GROUP BY group_id) h \
                 ON h.group_id = g.id \
                 WHERE g.status = 'active' \
                 AND (g.unit_path = $1 OR (g.unit_path >= $2 AND g.unit_path < $3))",
            )
            .bind(path)
            .bind(&lo)
            .bind(&hi)
            .bind(today)
            .bind(horizon)
            .fetch_one(p)
            .await?
        });
        Ok(GroupHealth {
            without_head: row.0,
            term_ending: row.1,
        })
    }
}
