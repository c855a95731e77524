//! Files attached to records of any area (`files` table). An area writes its record's files
//! with [`insert_files!`] inside the transaction that writes the record, so that a record and
//! its files exist together or not at all; later additions go through [`Store::add_files`].
//! A file a newer version of its record no longer carries is marked removed, never deleted.

use serde_json::json;
use tuquan_domain::files::{CheckedFile, FileId, OwnerKind};

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

/// The record a file belongs to, with its unit (reads are authorized by `path`).
#[derive(Debug, Clone)]
pub struct FileOwner {
    pub kind: OwnerKind,
    pub id: i64,
    pub province_code: String,
    /// The owning record's unit path.
    pub path: String,
}

const COLUMNS: &str = "id, owner_kind, owner_id, province_code, path, name, content_type, \
     size, sha256, created_by, created_at, removed_at";

/// A stored file without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FileRecord {
    #[sqlx(try_from = "i64")]
    pub id: FileId,
    #[sqlx(try_from = "String")]
    pub owner_kind: OwnerKind,
    pub owner_id: i64,
    pub province_code: String,
    pub path: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub created_by: String,
    pub created_at: String,
    pub removed_at: Option<String>,
}

/// Inserts checked files for `owner` on a transaction `$tx` (the caller's, which also writes
/// the record and its audit row) and evaluates to their ids in order (a `Result`). A macro so
/// that one text serves both backends. `$created_by` is the name shown with the file.
macro_rules! insert_files {
    ($tx:ident, $owner:expr, $files:expr, $created_by:expr, $ts:expr) => {
        async {
            let owner: &$crate::files::FileOwner = $owner;
            let files: &[tuquan_domain::files::CheckedFile] = $files;
            let mut ids = Vec::with_capacity(files.len());
            for f in files {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO files (owner_kind, owner_id, province_code, path, name, \
                     content_type, size, sha256, bytes, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(owner.kind.as_str())
                .bind(owner.id)
                .bind(&owner.province_code)
                .bind(&owner.path)
                .bind(&f.name)
                .bind(f.content_type())
                .bind(f.size() as i64)
                .bind(&f.sha256)
                .bind(&f.bytes)
                .bind($created_by)
                .bind($ts)
                .fetch_one(&mut *$tx)
                .await?;
                ids.push(tuquan_domain::files::FileId(id));
            }
            Ok::<Vec<tuquan_domain::files::FileId>, $crate::StoreError>(ids)
        }
        .await
    };
}
pub(crate) use insert_files;

/// Marks the files of an owner removed except those in `$keep` (on the caller's transaction)
/// and evaluates to the number marked (a `Result`).
macro_rules! remove_files_except {
    ($tx:ident, $kind:expr, $owner_id:expr, $keep:expr, $ts:expr) => {
        async {
            let kind: tuquan_domain::files::OwnerKind = $kind;
            let keep: &[tuquan_domain::files::FileId] = $keep;
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM files WHERE owner_kind = $1 AND owner_id = $2 \
                 AND removed_at IS NULL",
            )
            .bind(kind.as_str())
            .bind($owner_id)
            .fetch_all(&mut *$tx)
            .await?;
            let mut n = 0u64;
            for id in ids
                .into_iter()
                .filter(|id| !keep.iter().any(|k| k.0 == *id))
            {
                n += sqlx::query("UPDATE files SET removed_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind($ts)
                    .execute(&mut *$tx)
                    .await?
                    .rows_affected();
            }
            Ok::<u64, $crate::StoreError>(n)
        }
        .await
    };
}
pub(crate) use remove_files_except;

fn file_audit(action: &'static str, owner: &FileOwner, after: serde_json::Value) -> AuditEntry {
    AuditEntry {
        action,
        target_type: owner.kind.as_str(),
        target_id: owner.id.to_string(),
        unit_path: Some(owner.path.clone()),
        before: None,
        after: Some(after),
    }
}

impl Store {
    /// Adds files to an existing record, with an audit row (`file.add`) naming each file and
    /// its fingerprint. Returns their ids.
    pub async fn add_files(
        &self,
        owner: &FileOwner,
        files: &[CheckedFile],
        created_by: &str,
        ctx: &AuditCtx,
    ) -> Result<Vec<FileId>, StoreError> {
        let ts = now();
        let ids = audited_tx!(self, ctx, tx => {
            let ids = insert_files!(tx, owner, files, created_by, &ts)?;
            let listed: Vec<_> = files
                .iter()
                .zip(&ids)
                .map(|(f, id)| json!({ "file_id": id.0, "name": f.name, "sha256": f.sha256 }))
                .collect();
            (ids, file_audit("file.add", owner, json!({ "files": listed })))
        });
        Ok(ids)
    }

    /// Marks one file of `owner` removed (it stays stored, out of the owner's list), with an
    /// audit row (`file.remove`). `NotFound` when it is not a current file of the owner.
    pub async fn remove_file(
        &self,
        owner: &FileOwner,
        id: FileId,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE files SET removed_at = $4 WHERE id = $1 AND owner_kind = $2 \
                 AND owner_id = $3 AND removed_at IS NULL",
            )
            .bind(id.0)
            .bind(owner.kind.as_str())
            .bind(owner.id)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::NotFound);
            }
            ((), file_audit("file.remove", owner, json!({ "file_id": id.0 })))
        });
        Ok(())
    }

    /// The current files of a record, oldest first.
    pub async fn files_of(
        &self,
        kind: OwnerKind,
        owner_id: i64,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM files WHERE owner_kind = $1 AND owner_id = $2 \
             AND removed_at IS NULL ORDER BY id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(kind.as_str()).bind(owner_id).fetch_all(p).await?
        }))
    }

    /// Every file a record ever had, removed ones included, oldest first (for its history).
    pub async fn all_files_of(
        &self,
        kind: OwnerKind,
        owner_id: i64,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM files WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(kind.as_str()).bind(owner_id).fetch_all(p).await?
        }))
    }

    /// One file's record. `NotFound` when there is none.
    pub async fn file_record(&self, id: FileId) -> Result<FileRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM files WHERE id = $1");
        let r: Option<FileRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.0).fetch_optional(p).await?
        });
        r.ok_or(StoreError::NotFound)
    }

    /// One file with its bytes. `NotFound` when there is none.
    pub async fn file_content(&self, id: FileId) -> Result<(FileRecord, Vec<u8>), StoreError> {
        let record = self.file_record(id).await?;
        let bytes: Option<Vec<u8>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT bytes FROM files WHERE id = $1")
                .bind(id.0)
                .fetch_optional(p)
                .await?
        });
        Ok((record, bytes.ok_or(StoreError::NotFound)?))
    }
}
