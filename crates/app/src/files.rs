//! Files attached to records of any area (see `tuquan_domain::files`): checking uploads for a
//! form field, and fetching one file for download, authorized by its owner.
//!
//! An area checks its uploads with [`check_uploads`] before its own store write (which puts
//! the files in the record's transaction with `insert_files!`), lists a record's files with
//! [`list`] after its own read check, and lets [`fetch`] serve `/files/{id}`.

use tuquan_domain::files::{check_file, CheckedFile, FileId, OwnerKind, MAX_FILE_BYTES};
use tuquan_domain::FieldError;
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

pub use tuquan_store::files::{FileOwner, FileRecord};

/// The most files one form may attach at once.
pub const MAX_FILES: usize = 5;

/// A file as uploaded: the name the browser sent and the bytes, unchecked.
#[derive(Debug, Clone, Default)]
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Checks every upload of the form field `field`: every refused file is reported at once,
/// each naming the field (`required`, `too_long`, `invalid_format`), and more than
/// [`MAX_FILES`] is `out_of_range`.
pub fn check_uploads(field: &'static str, files: &[UploadedFile]) -> AppResult<Vec<CheckedFile>> {
    if files.len() > MAX_FILES {
        return Err(FieldError::new(
            field,
            tuquan_domain::FieldErrorKind::OutOfRange {
                min: 0,
                max: MAX_FILES as i64,
            },
            "too many files",
        )
        .into());
    }
    let mut errors = Vec::new();
    let mut ok = Vec::with_capacity(files.len());
    for f in files {
        match check_file(field, &f.name, &f.bytes, MAX_FILE_BYTES) {
            Ok(c) => ok.push(c),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors.into())
    }
}

/// The owner's unit as a [`FileOwner`].
pub fn owner(kind: OwnerKind, id: i64, province_code: &str, path: &str) -> FileOwner {
    FileOwner {
        kind,
        id,
        province_code: province_code.to_owned(),
        path: path.to_owned(),
    }
}

/// The current files of a record. The caller has already checked that the reader may read
/// the record itself.
pub async fn list(ctx: &Ctx, kind: OwnerKind, owner_id: i64) -> AppResult<Vec<FileRecord>> {
    Ok(ctx.store().files_of(kind, owner_id).await?)
}

/// A file and its bytes, for someone allowed to read it: by the owner kind's own rule where
/// it has one (announcements: whoever may read the announcement, anybody for a public one),
/// else the kind's action on the owning record's unit. Reads of personal files are audited
/// (`file.read`). Unknown ids and refused reads of removed files are not found.
pub async fn fetch(ctx: &Ctx, id: &str) -> AppResult<(FileRecord, Vec<u8>)> {
    let id: FileId = id.parse().map_err(|_| AppError::NotFound)?;
    let record = match ctx.store().file_record(id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let access = record.owner_kind.access();
    match record.owner_kind {
        OwnerKind::Announcement => {
            let a = crate::announcements::load(ctx, record.owner_id.into()).await?;
            crate::announcements::may_read(ctx, &a).await?;
        }
        _ => {
            ctx.authorize(access.action, Some(&record.path))?;
        }
    }
    let (record, bytes) = ctx.store().file_content(id).await?;
    if access.personal {
        ctx.audit_read("file.read", "file", id.to_string(), &record.path)
            .await?;
    }
    Ok((record, bytes))
}
