//! Reading a `multipart/form-data` upload (a form with one file) with bounded memory.

use std::ops::Deref;

use axum::extract::Multipart;
use tuquan_domain::groups::SCAN_MAX_BYTES;

use crate::error::Failure;
use crate::multipart::{self, Limits, LongText, MultipartForm};

/// The longest text field accepted in an upload form.
const TEXT_MAX_BYTES: usize = 8 * 1024;
/// The most fields accepted in an upload form.
const MAX_FIELDS: usize = 40;

/// The file of an upload: a scan as the application layer takes it.
pub(crate) use tuquan_app::groups::Scan as UploadedFile;

/// The text fields (read through [`MultipartForm`]'s accessors) and the file of an upload.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    form: MultipartForm,
    pub file: Option<UploadedFile>,
}

impl Deref for Upload {
    type Target = MultipartForm;
    fn deref(&self) -> &MultipartForm {
        &self.form
    }
}

/// What an upload form accepts: a longer text part is refused, a larger scan kept as
/// [`UploadedFile::too_large`] with its bytes dropped.
const LIMITS: Limits = Limits {
    parts: MAX_FIELDS,
    text_bytes: TEXT_MAX_BYTES,
    long_text: LongText::Refuse,
    file_bytes: SCAN_MAX_BYTES,
    // Every file part kept (the route's body limit bounds them): the last one sent is the
    // file.
    files: MAX_FIELDS,
};

/// Reads every field (the shared reader, [`crate::multipart`]); the one named `file_field` is
/// the file (the last one sent). A file part with neither a name nor content (a form sent
/// without choosing a file) counts as no file. A repeated text field keeps its last value.
pub(crate) async fn read(mp: Multipart, file_field: &str) -> Result<Upload, Failure> {
    let mut form = multipart::read(mp, &[file_field], &LIMITS)
        .await?
        .keep_last();
    if form.too_large {
        return Err(Failure::InvalidBody("the request is too large".into()));
    }
    let file = form.take_files(file_field).pop().map(|f| {
        let too_large = f.bytes.len() > SCAN_MAX_BYTES;
        UploadedFile {
            file_name: f.name,
            bytes: if too_large { Vec::new() } else { f.bytes },
            too_large,
        }
    });
    Ok(Upload { form, file })
}
