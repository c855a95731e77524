//! Positions: appointing, ending, and the service history of a person.

use serde_json::json;
use tuquan_domain::groups::{
    EndPosition, EndReason, GroupKind, NewPosition, PositionId, PositionRole,
};
use tuquan_domain::{GroupId, ResidentId};

use super::{insert_event, Event, GroupRecord};
use crate::audit::{audited_tx, AuditCtx};
use crate::{now, with_pool, Store, StoreError};

/// A position, current or past, with its holder's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PositionRecord {
    #[sqlx(try_from = "i64")]
    pub id: PositionId,
    #[sqlx(try_from = "i64")]
    pub group_id: GroupId,
    #[sqlx(try_from = "i64")]
    pub resident_id: ResidentId,
    pub full_name: String,
    pub gender: String,
    pub birth_date: String,
    #[sqlx(try_from = "String")]
    pub role: PositionRole,
    pub acting: bool,
    pub starts_on: String,
    pub ends_on: String,
    pub ended_on: Option<String>,
    pub end_reason: Option<String>,
    pub decision_ref: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
}

impl PositionRecord {
    /// Held on `today`: begun, not ended, and its term not over.
    pub fn is_current(&self, today: &str) -> bool {
        self.ended_on.is_none()
            && self.starts_on.as_str() <= today
            && self.ends_on.as_str() >= today
    }

    /// Not ended and its term not over (it may start later).
    pub fn is_open(&self, today: &str) -> bool {
        self.ended_on.is_none() && self.ends_on.as_str() >= today
    }
}

const POSITION_SELECT: &str = "SELECT p.id, p.group_id, p.resident_id, r.full_name, r.gender, \
     r.birth_date, p.role, p.acting, p.starts_on, p.ends_on, p.ended_on, p.end_reason, \
     p.decision_ref, p.note, p.created_at \
     FROM group_positions p JOIN residents r ON r.id = p.resident_id";

/// A position in a person's service history, with its group.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRecord {
    #[sqlx(try_from = "i64")]
    pub position_id: PositionId,
    #[sqlx(try_from = "i64")]
    pub group_id: GroupId,
    pub group_name: String,
    #[sqlx(try_from = "String")]
    pub group_kind: GroupKind,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub role: String,
    pub acting: bool,
    pub starts_on: String,
    pub ends_on: String,
    pub ended_on: Option<String>,
    pub end_reason: Option<String>,
}

impl Store {
    /// Every position of a group, current and past: the current ones first by rank of role,
    /// then by start.
    pub async fn positions_of(&self, group_id: GroupId) -> Result<Vec<PositionRecord>, StoreError> {
        let sql = format!(
            "{POSITION_SELECT} WHERE p.group_id = $1 ORDER BY \
             CASE p.role WHEN 'head' THEN 0 WHEN 'deputy' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, \
             p.starts_on, p.id"
        );
        let rows: Vec<PositionRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(group_id.get()).fetch_all(p).await?
        });
        Ok(rows)
    }

    pub async fn position(&self, id: PositionId) -> Result<PositionRecord, StoreError> {
        let sql = format!("{POSITION_SELECT} WHERE p.id = $1");
        let row: Option<PositionRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Appoints a person whose eligibility the caller checked, with the term end it computed.
    /// Terms of the group already past their end on `today` are closed first. A second
    /// current head, or a second current seat for the same person, is a conflict on `role`
    /// or `resident_id` (a race with another appointment).
    pub async fn appoint(
        &self,
        group: &GroupRecord,
        holder_name: &str,
        pos: &NewPosition,
        ends_on: &str,
        today: &str,
        ctx: &AuditCtx,
    ) -> Result<PositionId, StoreError> {
        let ts = now();
        let detail = json!({
            "resident_id": pos.resident_id, "full_name": holder_name, "role": pos.role.as_str(),
            "acting": pos.acting, "starts_on": pos.starts_on.to_string(), "ends_on": ends_on,
            "decision_ref": pos.decision_ref, "note": pos.note,
        });
        let id = audited_tx!(self, ctx, tx => {
            sqlx::query(
                "UPDATE group_positions SET ended_on = ends_on, end_reason = $3, updated_at = $4 \
                 WHERE group_id = $1 AND ended_on IS NULL AND ends_on < $2",
            )
            .bind(group.id.get())
            .bind(today)
            .bind(EndReason::TermEnded.as_str())
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO group_positions (province_code, group_id, resident_id, role, acting, \
                 starts_on, ends_on, decision_ref, note, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(&group.province_code)
            .bind(group.id.get())
            .bind(pos.resident_id.get())
            .bind(pos.role.as_str())
            .bind(pos.acting)
            .bind(pos.starts_on.to_string())
            .bind(ends_on)
            .bind(&pos.decision_ref)
            .bind(&pos.note)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                    field: if db.message().contains("one_head") || pos.role.as_str() == "head" {
                        "role"
                    } else {
                        "resident_id"
                    },
                },
                _ => StoreError::Database(e),
            })?;
            let mut detail = detail.clone();
            detail["position_id"] = json!(id);
            insert_event!(&mut *tx, ctx, &group.province_code, group.id.get(),
                &Event { event: "appointed", detail: &detail })?;
            (PositionId(id), group.entry("group.appoint", None, detail))
        });
        Ok(id)
    }

    /// Ends a position before (or at) its term's end. Refused with a conflict on `ended_on`
    /// when it has already ended.
    pub async fn end_position(
        &self,
        group: &GroupRecord,
        pos: &PositionRecord,
        end: &EndPosition,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let ended_on = end.ended_on.to_string();
        let detail = json!({
            "position_id": pos.id, "resident_id": pos.resident_id, "full_name": pos.full_name,
            "role": pos.role, "ended_on": ended_on, "reason": end.reason.as_str(),
        });
        audited_tx!(self, ctx, tx => {
            let changed = sqlx::query(
                "UPDATE group_positions SET ended_on = $2, end_reason = $3, updated_at = $4 \
                 WHERE id = $1 AND ended_on IS NULL",
            )
            .bind(pos.id.get())
            .bind(&ended_on)
            .bind(end.reason.as_str())
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::Conflict { field: "ended_on" });
            }
            insert_event!(&mut *tx, ctx, &group.province_code, group.id.get(),
                &Event { event: "ended", detail: &detail })?;
            let before = json!({ "position_id": pos.id, "ends_on": pos.ends_on });
            ((), group.entry("group.position_end", Some(before), detail))
        });
        Ok(())
    }

    /// Every position a person has held or holds, newest first: their service history.
    pub async fn service_history(
        &self,
        resident_id: ResidentId,
    ) -> Result<Vec<ServiceRecord>, StoreError> {
        let rows: Vec<ServiceRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT p.id AS position_id, g.id AS group_id, g.name AS group_name, \
                 g.kind AS group_kind, g.unit_code, g.unit_path, u.name AS unit_name, p.role, \
                 p.acting, p.starts_on, p.ends_on, p.ended_on, p.end_reason \
                 FROM group_positions p JOIN community_groups g ON g.id = p.group_id \
                 JOIN units u ON u.code = g.unit_code \
                 WHERE p.resident_id = $1 ORDER BY p.starts_on DESC, p.id DESC",
            )
            .bind(resident_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// The current head of the first active group of `kind` that belongs to or covers the
    /// unit: the position's id and the holder's name.
    pub async fn current_head_for_unit(
        &self,
        unit_code: &str,
        kind: &str,
        today: &str,
    ) -> Result<Option<(PositionId, String)>, StoreError> {
        let row: Option<(i64, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT p.id, r.full_name FROM group_positions p \
                 JOIN residents r ON r.id = p.resident_id \
                 JOIN community_groups g ON g.id = p.group_id \
                 WHERE g.kind = $2 AND g.status = 'active' AND p.role = 'head' \
                 AND p.ended_on IS NULL AND p.starts_on <= $3 AND p.ends_on >= $3 \
                 AND (g.unit_code = $1 OR EXISTS (SELECT 1 FROM group_units gu \
                      WHERE gu.group_id = g.id AND gu.unit_code = $1)) \
                 ORDER BY g.id, p.id LIMIT 1",
            )
            .bind(unit_code)
            .bind(kind)
            .bind(today)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(id, name)| (PositionId(id), name)))
    }
}
