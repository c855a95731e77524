//! Reading a `multipart/form-data` upload (a form with one file) with bounded memory.

use std::collections::HashMap;

use axum::extract::Multipart;
use tuquan_domain::groups::SCAN_MAX_BYTES;

use crate::error::Failure;

/// The longest text field accepted in an upload form.
const TEXT_MAX_BYTES: usize = 8 * 1024;
/// The most fields accepted in an upload form.
const MAX_FIELDS: usize = 40;

/// The file of an upload: a scan as the application layer takes it.
pub(crate) use tuquan_app::groups::Scan as UploadedFile;

/// The text fields and the file of an upload.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    pub fields: HashMap<String, String>,
    pub file: Option<UploadedFile>,
}

impl Upload {
    /// A text field, or the empty string.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// A text field, or `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .filter(|s| !s.trim().is_empty())
            .cloned()
    }
}

fn bad(e: axum::extract::multipart::MultipartError) -> Failure {
    Failure::InvalidBody(e.body_text())
}

/// Reads every field; the one named `file_field` is the file. A file part with neither a
/// name nor content (a form sent without choosing a file) counts as no file.
pub(crate) async fn read(mut mp: Multipart, file_field: &str) -> Result<Upload, Failure> {
    let mut up = Upload::default();
    let mut count = 0;
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        count += 1;
        if count > MAX_FIELDS {
            return Err(Failure::InvalidBody("too many fields".into()));
        }
        let name = field.name().unwrap_or("").to_owned();
        if name == file_field {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if too_large || bytes.len() + chunk.len() > SCAN_MAX_BYTES {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
            if file_name.is_empty() && bytes.is_empty() && !too_large {
                continue;
            }
            up.file = Some(UploadedFile {
                file_name,
                bytes,
                too_large,
            });
        } else {
            let mut buf = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                buf.extend_from_slice(&chunk);
                if buf.len() > TEXT_MAX_BYTES {
                    return Err(Failure::InvalidBody(format!(
                        "the field {name} is too long"
                    )));
                }
            }
            let text = String::from_utf8(buf)
                .map_err(|_| Failure::InvalidBody(format!("the field {name} is not UTF-8")))?;
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}
