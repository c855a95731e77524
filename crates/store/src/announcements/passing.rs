//! The author's view of the passing on: for a unit and each unit directly below it, whether
//! and when it was passed on there, by whom and with which note, and how many units of its
//! subtree have passed it on so far (rolled up).

use crate::{with_pool, Store, StoreError};

/// One unit's passing on, with its subtree rolled up.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PassingRecord {
    pub unit_code: String,
    pub unit_name: String,
    pub level: i64,
    pub deadline: Option<String>,
    pub passed_on_at: Option<String>,
    pub passed_on_by: Option<String>,
    pub note: Option<String>,
    /// Units of the subtree (the unit included) the announcement waits at or passed.
    pub units: i64,
    /// Of those, the ones where it was passed on.
    pub units_passed_on: i64,
    /// Of those, the ones still waiting after their deadline.
    pub units_late: i64,
}

impl Store {
    /// The passing on of announcement `id` at `unit_code` and each current unit directly
    /// below it; `now` (stored format) decides which waiting units are late.
    pub async fn passing(
        &self,
        id: tuquan_domain::announcements::AnnouncementId,
        unit_code: &str,
        now: &str,
    ) -> Result<Vec<PassingRecord>, StoreError> {
        let subtree = "FROM announcement_units x JOIN units xu ON xu.code = x.unit_code \
             WHERE x.announcement_id = $1 AND (xu.path = c.path OR xu.path LIKE c.path || '/%')";
        let sql = format!(
            "SELECT c.code AS unit_code, c.name AS unit_name, c.level, au.deadline, \
             au.passed_on_at, au.passed_on_by, au.note, \
             (SELECT COUNT(*) {subtree}) AS units, \
             (SELECT COUNT(*) {subtree} AND x.passed_on_at IS NOT NULL) AS units_passed_on, \
             (SELECT COUNT(*) {subtree} AND x.passed_on_at IS NULL AND x.deadline < $3) \
             AS units_late \
             FROM units c LEFT JOIN announcement_units au \
             ON au.announcement_id = $1 AND au.unit_code = c.code \
             WHERE (c.code = $2 OR c.parent_code = $2) AND c.valid_to IS NULL \
             ORDER BY c.level, c.sort_key, c.code"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).bind(unit_code).bind(now).fetch_all(p).await?
        }))
    }
}
