//! The roll of a meeting, frozen when first printed or used (so the sign-in sheet's rows and
//! short codes never shift), and the attendance per roll row.

use serde_json::json;
use tuquan_domain::meetings::{AttendanceSource, AttendeeKind};
use tuquan_domain::{FileId, GroupId, HouseholdId, MeetingId, ResidentId};

use super::{audit, MeetingRecord};
use crate::audit::{audited_tx, insert_audit, AuditCtx};
use crate::files::{insert_files, FileOwner};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};
use tuquan_domain::files::CheckedFile;

/// Who is on the roll before it is frozen: a household (its head's name) or a group member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RollMember {
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub household_id: Option<HouseholdId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub resident_id: Option<ResidentId>,
    pub name: String,
    pub address: String,
}

/// One row of a frozen roll with its attendance, if any.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RollRow {
    pub row_no: i64,
    pub code: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub household_id: Option<HouseholdId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub resident_id: Option<ResidentId>,
    pub name: String,
    pub address: String,
    pub attendee_kind: Option<String>,
    pub attendee_name: Option<String>,
    pub cluster: Option<i64>,
    pub source: Option<String>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub proxy_file_id: Option<FileId>,
    /// SHA-256 of the proxy's written authorisation, when photographed.
    pub proxy_sha256: Option<String>,
}

impl RollRow {
    pub fn present(&self) -> bool {
        self.attendee_kind.is_some()
    }
}

/// Attendance of one roll row, to record.
#[derive(Debug, Clone)]
pub struct NewAttendanceRow {
    pub row_no: i64,
    pub kind: AttendeeKind,
    pub name: Option<String>,
    pub resident_id: Option<ResidentId>,
    pub cluster: i64,
    pub source: AttendanceSource,
    pub proxy_file_id: Option<FileId>,
}

/// Present rows per cluster.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttendanceRow {
    pub cluster: i64,
    pub present: i64,
}

const ROLL_SELECT: &str = "SELECT r.row_no, r.code, r.household_id, r.resident_id, r.name, \
     r.address, a.attendee_kind, a.attendee_name, a.cluster, a.source, a.proxy_file_id, \
     f.sha256 AS proxy_sha256 \
     FROM meeting_roll r LEFT JOIN meeting_attendance a \
     ON a.meeting_id = r.meeting_id AND a.row_no = r.row_no \
     LEFT JOIN files f ON f.id = a.proxy_file_id";

impl Store {
    /// The active households of a unit's subtree, in Vietnamese order of their sort key.
    pub async fn roll_households(&self, unit_path: &str) -> Result<Vec<RollMember>, StoreError> {
        let (lo, hi) = crate::subtree(unit_path);
        let rows: Vec<RollMember> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT h.id AS household_id, NULL AS resident_id, h.representative_name AS name, \
                 h.address FROM households h JOIN units u ON u.code = h.unit_code \
                 WHERE (u.path = $1 OR (u.path >= $2 AND u.path < $3)) AND h.status = 'active' \
                 ORDER BY h.sort_key, h.id",
            )
            .bind(unit_path)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// The current members of a group, in Vietnamese order of their names.
    pub async fn roll_group_members(
        &self,
        group_id: GroupId,
        today: &str,
    ) -> Result<Vec<RollMember>, StoreError> {
        let rows: Vec<RollMember> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.household_id AS household_id, r.id AS resident_id, \
                 r.full_name AS name, h.address, r.sort_key FROM group_positions gp \
                 JOIN residents r ON r.id = gp.resident_id \
                 JOIN households h ON h.id = r.household_id \
                 WHERE gp.group_id = $1 AND gp.ended_on IS NULL AND gp.starts_on <= $2 \
                 ORDER BY r.sort_key, r.id",
            )
            .bind(group_id.get())
            .bind(today)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Freezes the roll of a meeting with these rows and codes, unless it is already frozen
    /// (then nothing changes). Returns whether this call froze it.
    pub async fn freeze_roll(
        &self,
        m: &MeetingRecord,
        rows: &[(RollMember, String)],
        ctx: &AuditCtx,
    ) -> Result<bool, StoreError> {
        let ts = now();
        let frozen = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE meetings SET roll_frozen_at = $2, roll_size = $3, updated_at = $2 \
                 WHERE id = $1 AND roll_frozen_at IS NULL",
            )
            .bind(m.id.get())
            .bind(&ts)
            .bind(rows.len() as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                for (i, (r, code)) in rows.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO meeting_roll (meeting_id, row_no, code, household_id, \
                         resident_id, name, name_folded, address) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(m.id.get())
                    .bind(i as i64 + 1)
                    .bind(code)
                    .bind(r.household_id.map(|h| h.get()))
                    .bind(r.resident_id.map(|r| r.get()))
                    .bind(&r.name)
                    .bind(tuquan_domain::text::fold(&r.name))
                    .bind(&r.address)
                    .execute(&mut *tx)
                    .await?;
                }
                let after = json!({ "rows": rows.len() });
                insert_audit!(&mut *tx, ctx, &audit("meeting.roll_freeze", m.id, &m.unit_path, after))?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(frozen)
    }

    /// The frozen roll with attendance; `search` (folded) narrows to names or codes that
    /// contain it.
    pub async fn meeting_roll(
        &self,
        id: MeetingId,
        search: Option<&str>,
    ) -> Result<Vec<RollRow>, StoreError> {
        let like = search
            .map(|s| format!("%{}%", s.replace(['%', '_', '\\'], "")))
            .unwrap_or_else(|| "%".to_owned());
        let sql = format!(
            "{ROLL_SELECT} WHERE r.meeting_id = $1 AND (r.name_folded LIKE $2 OR \
             LOWER(r.code) LIKE $2) ORDER BY r.row_no"
        );
        let rows: Vec<RollRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).bind(&like).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// One roll row by its number or its short code.
    pub async fn roll_row(
        &self,
        id: MeetingId,
        row_no: Option<i64>,
        code: Option<&str>,
    ) -> Result<Option<RollRow>, StoreError> {
        let sql =
            format!("{ROLL_SELECT} WHERE r.meeting_id = $1 AND (r.row_no = $2 OR r.code = $3)");
        let row: Option<RollRow> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(id.get())
                .bind(row_no.unwrap_or(-1))
                .bind(code.unwrap_or(""))
                .fetch_optional(p)
                .await?
        });
        Ok(row)
    }

    /// Present rows per cluster.
    pub async fn attendance_counts(&self, id: MeetingId) -> Result<Vec<AttendanceRow>, StoreError> {
        let rows: Vec<AttendanceRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT cluster, COUNT(*) AS present FROM meeting_attendance WHERE meeting_id = $1 \
                 GROUP BY cluster ORDER BY cluster",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Records (or changes) who came for a roll row; `proxy_file` is the photographed written
    /// authorisation of a proxy, stored in the same transaction (a later change without a
    /// file keeps the one stored).
    pub async fn record_attendance(
        &self,
        m: &MeetingRecord,
        row: &RollRow,
        a: &NewAttendanceRow,
        proxy_file: Option<(&FileOwner, &CheckedFile)>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let by = ctx.actor_username.clone().unwrap_or_default();
        audited_tx!(self, ctx, tx => {
            let mut file_id = a.proxy_file_id;
            if let Some((owner, file)) = proxy_file {
                let ids = insert_files!(tx, owner, std::slice::from_ref(file), &by, &ts)?;
                file_id = ids.first().copied().or(file_id);
            }
            let after = json!({
                "row_no": a.row_no, "household_id": row.household_id, "kind": a.kind.as_str(),
                "name": a.name, "resident_id": a.resident_id, "cluster": a.cluster,
                "source": a.source.as_str(), "proxy_file_id": file_id,
                "proxy_sha256": proxy_file.map(|(_, f)| f.sha256.clone()),
            });
            sqlx::query(
                "INSERT INTO meeting_attendance (meeting_id, row_no, household_id, resident_id, \
                 attendee_kind, attendee_name, proxy_file_id, cluster, source, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (meeting_id, row_no) DO UPDATE SET resident_id = excluded.resident_id, \
                 attendee_kind = excluded.attendee_kind, attendee_name = excluded.attendee_name, \
                 proxy_file_id = COALESCE(excluded.proxy_file_id, meeting_attendance.proxy_file_id), \
                 cluster = excluded.cluster, source = excluded.source, \
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            )
            .bind(m.id.get())
            .bind(a.row_no)
            .bind(row.household_id.map(|h| h.get()))
            .bind(a.resident_id.or(row.resident_id).map(|r| r.get()))
            .bind(a.kind.as_str())
            .bind(&a.name)
            .bind(file_id.map(FileId::get))
            .bind(a.cluster)
            .bind(a.source.as_str())
            .bind(&by)
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
            ((), audit("meeting.attend", m.id, &m.unit_path, after))
        });
        Ok(())
    }

    /// Removes a row's attendance (a tap by mistake). Returns whether there was one.
    pub async fn remove_attendance(
        &self,
        m: &MeetingRecord,
        row_no: i64,
        ctx: &AuditCtx,
    ) -> Result<bool, StoreError> {
        let after = json!({ "row_no": row_no });
        let removed = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1 AND row_no = $2")
                .bind(m.id.get())
                .bind(row_no)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                insert_audit!(&mut *tx, ctx, &audit("meeting.unattend", m.id, &m.unit_path, after))?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(removed)
    }
}
