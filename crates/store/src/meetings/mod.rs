//! Meetings: scheduling with the agenda, the invitation's link, status changes; the roll and
//! attendance (`roll`); the minutes' versions (`minutes`). Every change writes its audit row
//! in the same transaction.

use serde_json::json;
use tuquan_domain::meetings::{MeetingKind, MeetingStatus, NewMeeting};
use tuquan_domain::territory::Unit;
use tuquan_domain::{GroupId, MeetingId};

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

mod minutes;
mod roll;

pub use minutes::{MinutesRecord, NewMinutesVersion};
pub use roll::{AttendanceRow, NewAttendanceRow, RollMember, RollRow};

/// A meeting as stored, with its unit's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingRecord {
    #[sqlx(try_from = "i64")]
    pub id: MeetingId,
    pub province_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub group_id: Option<GroupId>,
    pub group_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: MeetingKind,
    pub title: String,
    /// `YYYY-MM-DD`, Vietnam.
    pub meeting_date: String,
    /// `HH:MM`, Vietnam.
    pub meeting_time: String,
    pub place: String,
    pub chair_name: Option<String>,
    pub secretary_name: Option<String>,
    pub elects_head: bool,
    pub clusters: i64,
    #[sqlx(try_from = "String")]
    pub status: MeetingStatus,
    pub announcement_id: Option<i64>,
    pub roll_frozen_at: Option<String>,
    pub roll_size: Option<i64>,
    pub cancelled_reason: Option<String>,
    pub held_at: Option<String>,
    pub created_at: String,
    pub created_by: Option<String>,
    pub updated_at: String,
}

/// One agenda item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgendaRecord {
    pub position: i64,
    pub title: String,
}

const SELECT: &str =
    "SELECT m.id, m.province_code, m.unit_code, m.unit_path, u.name AS unit_name, \
     m.group_id, g.name AS group_name, m.kind, m.title, m.meeting_date, m.meeting_time, m.place, \
     m.chair_name, m.secretary_name, m.elects_head, m.clusters, m.status, m.announcement_id, \
     m.roll_frozen_at, m.roll_size, m.cancelled_reason, m.held_at, m.created_at, m.created_by, \
     m.updated_at FROM meetings m JOIN units u ON u.code = m.unit_code \
     LEFT JOIN community_groups g ON g.id = m.group_id";

pub(crate) fn audit(
    action: &'static str,
    id: MeetingId,
    path: &str,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "meeting",
        target_id: id.to_string(),
        unit_path: Some(path.to_owned()),
        before: None,
        after: Some(after),
    }
}

/// Where a page of meetings starts: after this (date, time, id), newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingCursor {
    pub date: String,
    pub time: String,
    pub id: MeetingId,
}

impl Store {
    /// Schedules a meeting at `unit` with its agenda. Returns the id.
    pub async fn create_meeting(
        &self,
        unit: &Unit,
        m: &NewMeeting,
        ctx: &AuditCtx,
    ) -> Result<MeetingId, StoreError> {
        let ts = now();
        let date = m.date.to_string();
        let time = m.time.strftime("%H:%M").to_string();
        let after = json!({
            "kind": m.kind.as_str(), "title": m.title, "date": date, "time": time,
            "place": m.place, "chair": m.chair, "secretary": m.secretary, "agenda": m.agenda,
            "group_id": m.group_id, "elects_head": m.elects_head, "clusters": m.clusters,
        });
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meetings (province_code, unit_code, unit_path, group_id, kind, title, \
                 meeting_date, meeting_time, place, chair_name, secretary_name, elects_head, \
                 clusters, status, created_at, created_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'planned', $14, \
                 $15, $14) RETURNING id",
            )
            .bind(&unit.province_code)
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(m.group_id.map(|g| g.get()))
            .bind(m.kind.as_str())
            .bind(&m.title)
            .bind(&date)
            .bind(&time)
            .bind(&m.place)
            .bind(&m.chair)
            .bind(&m.secretary)
            .bind(m.elects_head)
            .bind(m.clusters)
            .bind(&ts)
            .bind(&ctx.actor_username)
            .fetch_one(&mut *tx)
            .await?;
            for (i, item) in m.agenda.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO meeting_agenda (meeting_id, position, title) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(i as i64 + 1)
                .bind(item)
                .execute(&mut *tx)
                .await?;
            }
            (id, audit("meeting.create", MeetingId::from(id), &unit.path, after))
        });
        Ok(MeetingId::from(id))
    }

    /// One meeting; `NotFound` when there is none.
    pub async fn meeting(&self, id: MeetingId) -> Result<MeetingRecord, StoreError> {
        let sql = format!("{SELECT} WHERE m.id = $1");
        let row: Option<MeetingRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The agenda in order.
    pub async fn meeting_agenda(&self, id: MeetingId) -> Result<Vec<AgendaRecord>, StoreError> {
        let rows: Vec<AgendaRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT position, title FROM meeting_agenda WHERE meeting_id = $1 ORDER BY position",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// A unit's meetings (its own and its groups'), newest first, `limit` after `after`.
    pub async fn meetings_of_unit(
        &self,
        unit_code: &str,
        after: Option<&MeetingCursor>,
        limit: i64,
    ) -> Result<Vec<MeetingRecord>, StoreError> {
        let (d, t, i) = match after {
            Some(c) => (c.date.clone(), c.time.clone(), c.id.get()),
            None => ("9999-12-31".to_owned(), "99:99".to_owned(), i64::MAX),
        };
        let sql = format!(
            "{SELECT} WHERE m.unit_code = $1 AND (m.meeting_date < $2 OR (m.meeting_date = $2 AND \
             (m.meeting_time < $3 OR (m.meeting_time = $3 AND m.id < $4)))) \
             ORDER BY m.meeting_date DESC, m.meeting_time DESC, m.id DESC LIMIT $5"
        );
        let rows: Vec<MeetingRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(unit_code)
                .bind(&d)
                .bind(&t)
                .bind(i)
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// How many planned meetings of a unit fall between two dates (inclusive): the start
    /// page's "meetings in the next 7 days".
    pub async fn planned_meetings_between(
        &self,
        unit_code: &str,
        from: &str,
        to: &str,
    ) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM meetings WHERE unit_code = $1 AND status = 'planned' \
                 AND meeting_date >= $2 AND meeting_date <= $3",
            )
            .bind(unit_code)
            .bind(from)
            .bind(to)
            .fetch_one(p)
            .await?
        });
        Ok(n)
    }

    /// Links the invitation published for the meeting.
    pub async fn link_meeting_invitation(
        &self,
        m: &MeetingRecord,
        announcement_id: i64,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let after = json!({ "announcement_id": announcement_id });
        audited_tx!(self, ctx, tx => {
            sqlx::query("UPDATE meetings SET announcement_id = $2, updated_at = $3 WHERE id = $1")
                .bind(m.id.get())
                .bind(announcement_id)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            ((), audit("meeting.invite", m.id, &m.unit_path, after))
        });
        Ok(())
    }

    /// Moves a planned meeting to `held` or `cancelled` (with a reason). `Conflict` when it
    /// is no longer planned.
    pub async fn set_meeting_status(
        &self,
        m: &MeetingRecord,
        to: MeetingStatus,
        reason: Option<&str>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let held_at = (to == MeetingStatus::Held).then_some(ts.as_str());
        let action = match to {
            MeetingStatus::Held => "meeting.hold",
            MeetingStatus::Cancelled => "meeting.cancel",
            MeetingStatus::Planned => "meeting.reopen",
        };
        let after = json!({ "status": to.as_str(), "reason": reason });
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE meetings SET status = $2, cancelled_reason = $3, held_at = $4, \
                 updated_at = $5 WHERE id = $1 AND status = 'planned'",
            )
            .bind(m.id.get())
            .bind(to.as_str())
            .bind(reason)
            .bind(held_at)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "status" });
            }
            ((), audit(action, m.id, &m.unit_path, after))
        });
        Ok(())
    }
}
