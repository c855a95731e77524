//! Reading announcements: one, its versions, its pass-on rows, what waits for a unit's head,
//! a unit's notice board, the acknowledgement counts per unit, the households not reached and
//! the delivery counts.

use tuquan_domain::announcements::{AnnouncementId, Status};
use tuquan_domain::{HouseholdId, UserId};

use crate::{with_pool, Store, StoreError};

const COLUMNS: &str = "a.id, a.unit_code, a.unit_path, u.name AS unit_name, a.category, \
     a.urgency, a.title, a.body, a.version, a.valid_from, a.valid_until, a.public, \
     a.group_kinds, a.roles, a.status, a.author_name, a.published_at, a.updated_at, \
     a.withdrawn_at, a.withdrawn_reason";

/// An announcement with its unit's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnnouncementRecord {
    #[sqlx(try_from = "i64")]
    pub id: AnnouncementId,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub category: String,
    pub urgency: String,
    pub title: String,
    pub body: String,
    pub version: i64,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub public: bool,
    pub group_kinds: String,
    pub roles: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub author_name: String,
    pub published_at: String,
    pub updated_at: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_reason: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRecord {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub created_by: String,
}

/// A unit's pass-on row (with the announcement's title, for the head's list).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PassOnRecord {
    #[sqlx(try_from = "i64")]
    pub announcement_id: AnnouncementId,
    pub title: String,
    pub urgency: String,
    pub unit_code: String,
    pub unit_name: String,
    pub parent_code: String,
    pub depth: i64,
    pub deadline: String,
    pub passed_on_at: Option<String>,
    pub passed_on_by: Option<String>,
    pub note: Option<String>,
}

/// "x of y households" for one unit's subtree.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AckCount {
    pub unit_code: String,
    pub unit_name: String,
    pub level: i64,
    pub households: i64,
    pub acknowledged: i64,
    pub passed_on_at: Option<String>,
    pub deadline: Option<String>,
}

/// A household that has not acknowledged the current version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotReached {
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub unit_code: String,
    pub unit_name: String,
    pub address: String,
    pub representative_name: String,
    pub phone: Option<String>,
}

/// Messages about one announcement, by status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
}

const PASS_ON_COLUMNS: &str = "au.announcement_id, a.title, a.urgency, au.unit_code, \
     u.name AS unit_name, au.parent_code, au.depth, au.deadline, au.passed_on_at, \
     au.passed_on_by, au.note";

/// The announcement has reached the parent of `au`'s unit.
const PARENT_REACHED: &str = "(au.parent_code = a.unit_code OR EXISTS (SELECT 1 FROM \
     announcement_units pu WHERE pu.announcement_id = au.announcement_id \
     AND pu.unit_code = au.parent_code AND pu.passed_on_at IS NOT NULL))";

impl Store {
    pub async fn announcement(&self, id: AnnouncementId) -> Result<AnnouncementRecord, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM announcements a JOIN units u ON u.code = a.unit_code WHERE a.id = $1"
        );
        let row: Option<AnnouncementRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn announcement_versions(
        &self,
        id: AnnouncementId,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT version, title, body, created_at, created_by FROM announcement_versions \
                 WHERE announcement_id = $1 ORDER BY version DESC",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// The pass-on row of `unit_code`, if the unit is below the announcement's unit.
    pub async fn pass_on_row(
        &self,
        id: AnnouncementId,
        unit_code: &str,
    ) -> Result<Option<PassOnRecord>, StoreError> {
        let sql = format!(
            "SELECT {PASS_ON_COLUMNS} FROM announcement_units au \
             JOIN announcements a ON a.id = au.announcement_id JOIN units u ON u.code = au.unit_code \
             WHERE au.announcement_id = $1 AND au.unit_code = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).bind(unit_code).fetch_optional(p).await?
        }))
    }

    /// The units where it was passed on.
    pub async fn reached_units(&self, id: AnnouncementId) -> Result<Vec<String>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT unit_code FROM announcement_units WHERE announcement_id = $1 \
                 AND passed_on_at IS NOT NULL ORDER BY unit_code",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// What waits to be passed on in the subtree of `path`: published, reached the level
    /// above, not passed on yet; soonest deadline first.
    pub async fn waiting_pass_on(&self, path: &str) -> Result<Vec<PassOnRecord>, StoreError> {
        let sql = format!(
            "SELECT {PASS_ON_COLUMNS} FROM announcement_units au \
             JOIN announcements a ON a.id = au.announcement_id JOIN units u ON u.code = au.unit_code \
             WHERE (u.path = $1 OR u.path LIKE $2) AND au.passed_on_at IS NULL \
             AND a.status = 'published' AND {PARENT_REACHED} \
             ORDER BY au.deadline, au.announcement_id, au.unit_code LIMIT 500"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(path).bind(format!("{path}/%")).fetch_all(p).await?
        }))
    }

    /// The announcements that reached `unit_code` (written there or passed on there), newest
    /// first; only public and published ones for the notice board.
    pub async fn announcements_at(
        &self,
        unit_code: &str,
        public_only: bool,
        limit: i64,
    ) -> Result<Vec<AnnouncementRecord>, StoreError> {
        let filter = if public_only {
            "AND a.public = TRUE AND a.status = 'published'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM announcements a JOIN units u ON u.code = a.unit_code \
             WHERE (a.unit_code = $1 OR EXISTS (SELECT 1 FROM announcement_units au \
             WHERE au.announcement_id = a.id AND au.unit_code = $1 AND au.passed_on_at IS NOT NULL)) \
             {filter} ORDER BY a.id DESC LIMIT $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(unit_code).bind(limit).fetch_all(p).await?
        }))
    }

    /// "x of y households" for `unit` and each unit directly below it, for the current
    /// version; with each child's pass-on state. Read from the roll-ups (households from
    /// `population_rollup`, acknowledgements from `announcement_ack_rollup`), so a province
    /// costs the same as a khu phố.
    pub async fn ack_counts(
        &self,
        a: &AnnouncementRecord,
        unit_code: &str,
    ) -> Result<Vec<AckCount>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT c.code AS unit_code, c.name AS unit_name, c.level, \
                 COALESCE(pr.households, 0) AS households, \
                 COALESCE(r.acknowledged, 0) AS acknowledged, au.passed_on_at, au.deadline \
                 FROM units c LEFT JOIN population_rollup pr ON pr.unit_code = c.code \
                 LEFT JOIN announcement_ack_rollup r ON r.announcement_id = $1 \
                 AND r.version = $2 AND r.unit_code = c.code \
                 LEFT JOIN announcement_units au ON au.announcement_id = $1 AND au.unit_code = c.code \
                 WHERE (c.code = $3 OR c.parent_code = $3) AND c.valid_to IS NULL \
                 ORDER BY c.level, c.sort_key, c.code",
            )
            .bind(a.id.get())
            .bind(a.version)
            .bind(unit_code)
            .fetch_all(p)
            .await?
        }))
    }

    /// [`Store::ack_counts`] counted from the base tables: the reference the roll-ups are
    /// checked against (tests, `tuquan bench`). Each subtree is the unit itself plus the
    /// index range `[path/, path0)` (an `OR` of the two would scan); slow on a province.
    pub async fn ack_counts_naive(
        &self,
        a: &AnnouncementRecord,
        unit_code: &str,
    ) -> Result<Vec<AckCount>, StoreError> {
        let households = |cond: &str| {
            format!(
                "(SELECT COUNT(*) FROM households h JOIN units hu ON hu.code = h.unit_code \
                 WHERE h.status = 'active' AND {})",
                cond.replace("{p}", "hu.path")
            )
        };
        let acks = |cond: &str| {
            format!(
                "(SELECT COUNT(*) FROM announcement_acks k JOIN units ku ON ku.code = k.unit_code \
                 JOIN households kh ON kh.id = k.household_id \
                 WHERE k.announcement_id = $1 AND k.version = $2 AND kh.status = 'active' AND {})",
                cond.replace("{p}", "ku.path")
            )
        };
        let (own, below) = (
            "{p} = c.path",
            "{p} >= c.path || '/' AND {p} < c.path || '0'",
        );
        let sql = format!(
            "SELECT c.code AS unit_code, c.name AS unit_name, c.level, \
             {} + {} AS households, {} + {} AS acknowledged, au.passed_on_at, au.deadline \
             FROM units c LEFT JOIN announcement_units au \
             ON au.announcement_id = $1 AND au.unit_code = c.code \
             WHERE (c.code = $3 OR c.parent_code = $3) AND c.valid_to IS NULL \
             ORDER BY c.level, c.sort_key, c.code",
            households(own),
            households(below),
            acks(own),
            acks(below)
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(a.id.get())
                .bind(a.version)
                .bind(unit_code)
                .fetch_all(p)
                .await?
        }))
    }

    /// The households of `path`'s subtree that have not acknowledged the current version,
    /// by unit and address (for door-to-door visits).
    pub async fn not_reached(
        &self,
        a: &AnnouncementRecord,
        path: &str,
        limit: i64,
    ) -> Result<Vec<NotReached>, StoreError> {
        // Only the households in the audience of a narrowed announcement.
        let sql = format!(
            "SELECT h.id AS household_id, h.unit_code, u.name AS unit_name, h.address, \
             h.representative_name, h.phone FROM households h JOIN units u ON u.code = h.unit_code \
             WHERE h.status = 'active' AND (u.path = $3 OR u.path LIKE $4) \
             AND NOT EXISTS (SELECT 1 FROM announcement_acks k WHERE k.announcement_id = $1 \
             AND k.household_id = h.id AND k.version = $2) AND {} \
             ORDER BY u.sort_key, u.code, h.sort_key, h.id LIMIT $5",
            super::targeting::household_targeted(6, 7)
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
            .bind(a.id.get())
            .bind(a.version)
            .bind(path)
            .bind(format!("{path}/%"))
            .bind(limit)
            .bind(&a.group_kinds)
            .bind(&a.roles)
            .fetch_all(p)
            .await?
        }))
    }

    /// How many messages about the announcement are pending, sent and failed.
    pub async fn delivery_counts(&self, id: AnnouncementId) -> Result<DeliveryCounts, StoreError> {
        let rows: Vec<(String, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT status, COUNT(*) FROM outbox WHERE about_type = 'announcement' \
                 AND about_id = $1 GROUP BY status",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        });
        let mut c = DeliveryCounts::default();
        for (status, n) in rows {
            match status.as_str() {
                "sent" => c.sent += n,
                "failed" => c.failed += n,
                _ => c.pending += n,
            }
        }
        Ok(c)
    }

    /// The household (and resident) an account is linked to, with its unit's code and path.
    pub async fn household_of_user(
        &self,
        user_id: UserId,
    ) -> Result<Option<(HouseholdId, tuquan_domain::ResidentId, String, String)>, StoreError> {
        let row: Option<(i64, i64, String, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT h.id, r.id, h.unit_code, u.path FROM users us \
                 JOIN residents r ON r.id = us.resident_id JOIN households h ON h.id = r.household_id \
                 JOIN units u ON u.code = h.unit_code \
                 WHERE us.id = $1 AND r.status = 'active' AND h.status = 'active'",
            )
            .bind(user_id.get())
            .fetch_optional(p)
            .await?
        });
        Ok(
            row.map(|(h, r, code, path)| {
                (HouseholdId(h), tuquan_domain::ResidentId(r), code, path)
            }),
        )
    }

    /// A household's unit code and path, if it is active.
    pub async fn household_unit(
        &self,
        id: HouseholdId,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT h.unit_code, u.path FROM households h JOIN units u ON u.code = h.unit_code \
                 WHERE h.id = $1 AND h.status = 'active'",
            )
            .bind(id.get())
            .fetch_optional(p)
            .await?
        }))
    }
}
