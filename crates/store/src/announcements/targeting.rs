//! Narrowing an announcement to some group kinds or roles within its subtree. The stored
//! comma-separated codes are bound as parameters and matched with `LIKE` on `,code,`, so the
//! SQL is the same for every announcement. Empty lists mean everybody.
//!
//! Who is in the audience: a resident who holds a current position in an active group of one
//! of the kinds, or whose account holds one of the roles. A household is in the audience when
//! one of its active residents is; only those households count and may acknowledge.

use super::reads::{AckCount, AnnouncementRecord};
use crate::{with_pool, Store, StoreError};

/// SQL: resident `r` is in the audience; `$k` the group kinds, `$o` the roles.
pub(crate) fn resident_targeted(k: u8, o: u8) -> String {
    format!(
        "((${k} = '' AND ${o} = '') \
         OR (${k} <> '' AND EXISTS (SELECT 1 FROM group_positions tp \
             JOIN community_groups tg ON tg.id = tp.group_id WHERE tp.resident_id = r.id \
             AND tp.ended_on IS NULL AND tg.status = 'active' \
             AND (',' || ${k} || ',') LIKE ('%,' || tg.kind || ',%'))) \
         OR (${o} <> '' AND EXISTS (SELECT 1 FROM users tu JOIN grants tr ON tr.user_id = tu.id \
             WHERE tu.resident_id = r.id AND NOT tu.disabled \
             AND (',' || ${o} || ',') LIKE ('%,' || tr.role || ',%'))))"
    )
}

/// SQL: household `h` has an active resident in the audience.
pub(crate) fn household_targeted(k: u8, o: u8) -> String {
    format!(
        "EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.status = 'active' \
         AND {})",
        resident_targeted(k, o)
    )
}

impl AnnouncementRecord {
    /// Whether the announcement is narrowed to some group kinds or roles.
    pub fn targeted(&self) -> bool {
        !self.group_kinds.is_empty() || !self.roles.is_empty()
    }
}

impl Store {
    /// Whether household `id` is in the announcement's audience (always, when not narrowed).
    pub async fn household_targeted(
        &self,
        a: &AnnouncementRecord,
        id: tuquan_domain::HouseholdId,
    ) -> Result<bool, StoreError> {
        if !a.targeted() {
            return Ok(true);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM households h WHERE h.id = $1 AND {}",
            household_targeted(2, 3)
        );
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(&sql)
                .bind(id.get())
                .bind(&a.group_kinds)
                .bind(&a.roles)
                .fetch_one(p)
                .await?
        });
        Ok(n > 0)
    }

    /// "x of y households" as `ack_counts`, for a narrowed announcement: only the households
    /// in its audience count.
    pub async fn targeted_ack_counts(
        &self,
        a: &AnnouncementRecord,
        unit_code: &str,
    ) -> Result<Vec<AckCount>, StoreError> {
        let sql = format!(
            "SELECT c.code AS unit_code, c.name AS unit_name, c.level, \
             (SELECT COUNT(*) FROM households h JOIN units hu ON hu.code = h.unit_code \
              WHERE h.status = 'active' AND (hu.path = c.path OR hu.path LIKE c.path || '/%') \
              AND {target}) AS households, \
             (SELECT COUNT(*) FROM announcement_acks k JOIN units ku ON ku.code = k.unit_code \
              JOIN households h ON h.id = k.household_id \
              WHERE k.announcement_id = $1 AND k.version = $2 AND h.status = 'active' \
              AND (ku.path = c.path OR ku.path LIKE c.path || '/%') AND {target}) AS acknowledged, \
             au.passed_on_at, au.deadline \
             FROM units c LEFT JOIN announcement_units au \
             ON au.announcement_id = $1 AND au.unit_code = c.code \
             WHERE (c.code = $3 OR c.parent_code = $3) AND c.valid_to IS NULL \
             ORDER BY c.level, c.sort_key, c.code",
            target = household_targeted(4, 5)
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(a.id.get())
                .bind(a.version)
                .bind(unit_code)
                .bind(&a.group_kinds)
                .bind(&a.roles)
                .fetch_all(p)
                .await?
        }))
    }
}
