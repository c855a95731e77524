//! Reading action items: the "who owes what" list, the overdue ones for the job, the counts
//! for the start page and the roll-up per unit.

use super::{ActionItemRecord, SELECT};
use crate::{subtree, with_pool, Store, StoreError};
use tuquan_domain::{ActionItemId, GroupId, MeetingId, UserId};

/// A list's filters. Blank strings and zeros mean "any".
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// The unit whose subtree is listed.
    pub unit_path: String,
    /// One status code, or blank.
    pub status: String,
    /// Only open and in progress.
    pub pending: bool,
    /// Only overdue (owed and due before `today`).
    pub overdue: bool,
    /// Vietnam date, `YYYY-MM-DD`.
    pub today: String,
    /// The owner: kind code, id (resident, account or group) and role for a post.
    pub owner_kind: String,
    pub owner_id: i64,
    pub owner_role: String,
    pub limit: i64,
    pub offset: i64,
}

/// Counts for one unit of a roll-up.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitCounts {
    pub unit_code: String,
    pub unit_name: String,
    pub pending: i64,
    pub overdue: i64,
    pub done_on_time: i64,
    pub done_late: i64,
}

const OWNER_KEY: &str = "(owner_kind || ':' || CAST(COALESCE(owner_resident_id, owner_user_id, \
     owner_group_id, 0) AS TEXT) || ':' || COALESCE(owner_role, ''))";
const LATE: &str = "CASE WHEN status IN ('open', 'in_progress') AND due_on < $7 THEN 1 ELSE 0 END";

impl Store {
    /// "Who owes what": grouped by owner — owners with something overdue first — and within
    /// an owner the overdue items first, then by due date. One page of `limit` (+1 to tell
    /// whether more follow).
    pub async fn list_action_items(
        &self,
        f: &ItemFilter,
    ) -> Result<Vec<ActionItemRecord>, StoreError> {
        let (lo, hi) = subtree(&f.unit_path);
        let sql = format!(
            "{SELECT} WHERE (unit_path = $1 OR (unit_path >= $2 AND unit_path < $3)) \
             AND ($4 = '' OR status = $4) \
             AND ($5 = 0 OR status IN ('open', 'in_progress')) \
             AND ($6 = 0 OR (status IN ('open', 'in_progress') AND due_on < $7)) \
             AND ($8 = '' OR owner_kind = $8) \
             AND ($9 = 0 OR COALESCE(owner_resident_id, owner_user_id, owner_group_id) = $9) \
             AND ($10 = '' OR COALESCE(owner_role, '') = $10) \
             ORDER BY MAX({LATE}) OVER (PARTITION BY {OWNER_KEY}) DESC, \
             COALESCE(holder_name, owner_group_name, ''), {OWNER_KEY}, {LATE} DESC, due_on, id \
             LIMIT $11 OFFSET $12"
        );
        let rows: Vec<ActionItemRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(&f.unit_path).bind(&lo).bind(&hi).bind(&f.status)
                .bind(i64::from(f.pending)).bind(i64::from(f.overdue)).bind(&f.today)
                .bind(&f.owner_kind).bind(f.owner_id).bind(&f.owner_role)
                .bind(f.limit + 1).bind(f.offset)
                .fetch_all(p).await?
        });
        Ok(rows)
    }

    /// Overdue items not yet flagged today, in id order after `after_id`.
    pub async fn action_items_to_flag(
        &self,
        today: &str,
        after_id: ActionItemId,
        limit: i64,
    ) -> Result<Vec<ActionItemRecord>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE status IN ('open', 'in_progress') AND due_on < $1 \
             AND (flagged_on IS NULL OR flagged_on < $1) AND id > $2 ORDER BY id LIMIT $3"
        );
        let rows: Vec<ActionItemRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(today).bind(after_id.get()).bind(limit).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// The unit's own items still owed (not those of units below), by due date: what a new
    /// meeting of the unit carries over; for a group's meeting (`group_id`), the group's only.
    pub async fn pending_action_items_of(
        &self,
        unit_code: &str,
        group_id: Option<GroupId>,
    ) -> Result<Vec<ActionItemRecord>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE unit_code = $1 AND status IN ('open', 'in_progress') \
             AND ($2 = 0 OR group_id = $2 OR owner_group_id = $2) ORDER BY due_on, id"
        );
        let rows: Vec<ActionItemRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(unit_code).bind(group_id.map_or(0, GroupId::get)).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// A meeting's items: those its resolutions set, then those carried into it.
    pub async fn action_items_of_meeting(
        &self,
        meeting_id: MeetingId,
    ) -> Result<(Vec<ActionItemRecord>, Vec<ActionItemRecord>), StoreError> {
        let set = format!("{SELECT} WHERE meeting_id = $1 ORDER BY due_on, id");
        let carried = format!(
            "{SELECT} WHERE id IN (SELECT item_id FROM action_item_carries WHERE meeting_id = $1) \
             ORDER BY due_on, id"
        );
        let meeting_id = meeting_id.get();
        let out = with_pool!(self, p => {
            let a: Vec<ActionItemRecord> = sqlx::query_as(&set).bind(meeting_id).fetch_all(p).await?;
            let b: Vec<ActionItemRecord> = sqlx::query_as(&carried).bind(meeting_id).fetch_all(p).await?;
            (a, b)
        });
        Ok(out)
    }

    /// (overdue, due from `today` to `until`) among the items owed by the account `user_id`.
    pub async fn action_item_counts_of_owner(
        &self,
        user_id: UserId,
        today: &str,
        until: &str,
    ) -> Result<(i64, i64), StoreError> {
        let sql = "SELECT CAST(COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN due_on >= $2 AND due_on <= $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM action_items_resolved WHERE holder_user_id = $1 AND status IN ('open', 'in_progress')";
        let row: (i64, i64) = with_pool!(self, p => {
            sqlx::query_as(sql).bind(user_id.get()).bind(today).bind(until).fetch_one(p).await?
        });
        Ok(row)
    }

    /// (overdue, due from `today` to `until`) among the items owed in a unit's subtree.
    pub async fn action_item_counts_in(
        &self,
        unit_path: &str,
        today: &str,
        until: &str,
    ) -> Result<(i64, i64), StoreError> {
        let (lo, hi) = subtree(unit_path);
        let sql = "SELECT CAST(COALESCE(SUM(CASE WHEN due_on < $4 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN due_on >= $4 AND due_on <= $5 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM action_items WHERE (unit_path = $1 OR (unit_path >= $2 AND unit_path < $3)) \
             AND status IN ('open', 'in_progress') AND due_on <= $5";
        let row: (i64, i64) = with_pool!(self, p => {
            sqlx::query_as(sql).bind(unit_path).bind(&lo).bind(&hi).bind(today).bind(until).fetch_one(p).await?
        });
        Ok(row)
    }

    /// Counts per unit with items in the subtree of `unit_path`: owed, overdue, done on time,
    /// done late; in the order of the units' names.
    pub async fn action_item_rollup(
        &self,
        unit_path: &str,
        today: &str,
    ) -> Result<Vec<UnitCounts>, StoreError> {
        let (lo, hi) = subtree(unit_path);
        let sql = "SELECT i.unit_code, MIN(u.name) AS unit_name, \
             CAST(SUM(CASE WHEN i.status IN ('open', 'in_progress') THEN 1 ELSE 0 END) AS BIGINT) AS pending, \
             CAST(SUM(CASE WHEN i.status IN ('open', 'in_progress') AND i.due_on < $4 THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
             CAST(SUM(CASE WHEN i.status = 'done' AND i.done_on <= i.due_on THEN 1 ELSE 0 END) AS BIGINT) AS done_on_time, \
             CAST(SUM(CASE WHEN i.status = 'done' AND i.done_on > i.due_on THEN 1 ELSE 0 END) AS BIGINT) AS done_late \
             FROM action_items i JOIN units u ON u.code = i.unit_code \
             WHERE (i.unit_path = $1 OR (i.unit_path >= $2 AND i.unit_path < $3)) \
             GROUP BY i.unit_code, u.sort_key ORDER BY u.sort_key, i.unit_code";
        let rows: Vec<UnitCounts> = with_pool!(self, p => {
            sqlx::query_as(sql).bind(unit_path).bind(&lo).bind(&hi).bind(today).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// The items an account owes now (itself, as a resident, or through a post it holds):
    /// overdue and soonest first; `limit` + 1 from `offset`.
    pub async fn action_items_of_holder(
        &self,
        user_id: UserId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ActionItemRecord>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE holder_user_id = $1 ORDER BY \
             CASE WHEN status IN ('open', 'in_progress') THEN 0 ELSE 1 END, due_on, id \
             LIMIT $2 OFFSET $3"
        );
        let rows: Vec<ActionItemRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(user_id.get()).bind(limit + 1).bind(offset).fetch_all(p).await?
        });
        Ok(rows)
    }
}
