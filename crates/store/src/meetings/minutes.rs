//! The minutes' versions: a draft is saved over; finalising locks it; a correction is a new
//! draft version with a reason, copied from the last one.

use serde_json::json;
use tuquan_domain::files::CheckedFile;
use tuquan_domain::meetings::MinutesStatus;
use tuquan_domain::{FileId, MeetingId};

use super::{audit, MeetingRecord};
use crate::audit::{audited_tx, AuditCtx};
use crate::files::{insert_files, FileOwner};
use crate::{now, with_pool, Store, StoreError};

/// One version of a meeting's minutes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MinutesRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub meeting_id: MeetingId,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub status: MinutesStatus,
    pub reason: Option<String>,
    /// JSON of the domain's `MinutesContent`.
    pub content: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub scan_file_id: Option<FileId>,
    pub scan_sha256: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub finalised_at: Option<String>,
    pub finalised_by: Option<String>,
}

/// A new version to write.
#[derive(Debug, Clone)]
pub struct NewMinutesVersion<'a> {
    pub version: i64,
    pub reason: Option<&'a str>,
    pub content: &'a str,
}

const SELECT: &str = "SELECT id, meeting_id, version, status, reason, content, scan_file_id, \
     scan_sha256, created_at, created_by, updated_at, finalised_at, finalised_by \
     FROM meeting_minutes";

impl Store {
    /// Every version, newest first.
    pub async fn minutes_versions(&self, id: MeetingId) -> Result<Vec<MinutesRecord>, StoreError> {
        let sql = format!("{SELECT} WHERE meeting_id = $1 ORDER BY version DESC");
        let rows: Vec<MinutesRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// Writes a new version (the first draft, or a correction). `Conflict` on `version` when
    /// another was written meanwhile.
    pub async fn insert_minutes(
        &self,
        m: &MeetingRecord,
        v: &NewMinutesVersion<'_>,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let ts = now();
        let by = ctx.actor_username.clone().unwrap_or_default();
        let action = if v.version == 1 {
            "minutes.create"
        } else {
            "minutes.correct"
        };
        let after = json!({ "version": v.version, "reason": v.reason });
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meeting_minutes (meeting_id, version, status, reason, content, \
                 created_at, created_by, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $5) \
                 RETURNING id",
            )
            .bind(m.id.get())
            .bind(v.version)
            .bind(v.reason)
            .bind(v.content)
            .bind(&ts)
            .bind(&by)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::conflict_on("version"))?;
            (id, audit(action, m.id, &m.unit_path, after))
        });
        Ok(id)
    }

    /// Saves the content of a draft version. `Conflict` when it was finalised meanwhile.
    pub async fn save_minutes(
        &self,
        m: &MeetingRecord,
        version: i64,
        content: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let after = json!({ "version": version });
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE meeting_minutes SET content = $3, updated_at = $4 \
                 WHERE meeting_id = $1 AND version = $2 AND status = 'draft'",
            )
            .bind(m.id.get())
            .bind(version)
            .bind(content)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "minutes" });
            }
            ((), audit("minutes.save", m.id, &m.unit_path, after))
        });
        Ok(())
    }

    /// Stores the signed paper scan (owner kind `minutes_scan`, owner the meeting) and records
    /// it and its SHA-256 on a version, in one transaction. Returns the file's id.
    pub async fn attach_minutes_scan(
        &self,
        m: &MeetingRecord,
        version: i64,
        owner: &FileOwner,
        file: &CheckedFile,
        ctx: &AuditCtx,
    ) -> Result<FileId, StoreError> {
        let ts = now();
        let by = ctx.actor_username.clone().unwrap_or_default();
        let id = audited_tx!(self, ctx, tx => {
            let ids = insert_files!(tx, owner, std::slice::from_ref(file), &by, &ts)?;
            let file_id = ids.first().copied().unwrap_or(FileId(0));
            let n = sqlx::query(
                "UPDATE meeting_minutes SET scan_file_id = $3, scan_sha256 = $4, updated_at = $5 \
                 WHERE meeting_id = $1 AND version = $2",
            )
            .bind(m.id.get())
            .bind(version)
            .bind(file_id.get())
            .bind(&file.sha256)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::NotFound);
            }
            let after = json!({ "version": version, "file_id": file_id, "sha256": file.sha256 });
            (file_id, audit("minutes.scan", m.id, &m.unit_path, after))
        });
        Ok(id)
    }

    /// Finalises (locks) a draft version. `Conflict` when it is not a draft any more.
    pub async fn finalise_minutes(
        &self,
        m: &MeetingRecord,
        version: i64,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let by = ctx.actor_username.clone().unwrap_or_default();
        let after = json!({ "version": version });
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE meeting_minutes SET status = 'final', finalised_at = $3, \
                 finalised_by = $4, updated_at = $3 \
                 WHERE meeting_id = $1 AND version = $2 AND status = 'draft'",
            )
            .bind(m.id.get())
            .bind(version)
            .bind(&ts)
            .bind(&by)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "minutes" });
            }
            ((), audit("minutes.finalise", m.id, &m.unit_path, after))
        });
        Ok(())
    }

    /// Held meetings of a unit whose latest minutes are missing or still a draft: the start
    /// page's "minutes to finalise".
    pub async fn minutes_to_finalise(&self, unit_code: &str) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM meetings m WHERE m.unit_code = $1 \
                 AND m.status = 'held' AND NOT EXISTS (SELECT 1 FROM \
                 meeting_minutes x WHERE x.meeting_id = m.id AND x.status = 'final' AND \
                 x.version = (SELECT MAX(y.version) FROM meeting_minutes y WHERE y.meeting_id = m.id))",
            )
            .bind(unit_code)
            .fetch_one(p)
            .await?
        });
        Ok(n)
    }
}
