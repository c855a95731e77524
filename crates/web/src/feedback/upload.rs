//! Reading a feedback form sent as `multipart/form-data` (its text fields and up to three
//! photos) with bounded memory. Shared by the HTML form and the JSON API's multipart variant.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::http::StatusCode;
use tuquan_domain::feedback::photo::{MAX_PHOTOS, MAX_PHOTO_BYTES};
use tuquan_domain::feedback::NewFeedbackInput;
use tuquan_domain::{FieldError, FieldErrorKind};

use tuquan_app::AppError;

use crate::error::Failure;

/// The largest request body accepted for a feedback form: the photos at their largest, one
/// more so that an oversized photo still gets its field error, and the text fields.
pub const BODY_LIMIT: usize = (MAX_PHOTOS + 1) * MAX_PHOTO_BYTES + 1024 * 1024;
/// The name of the file parts.
pub const PHOTO_FIELD: &str = "photo";
/// The longest text field accepted (a description of 4000 characters fits).
const TEXT_MAX_BYTES: usize = 20 * 1024;
/// The most parts accepted.
const MAX_PARTS: usize = 40;

/// The text fields and photos of a feedback form.
#[derive(Debug, Default)]
pub struct FeedbackUpload {
    pub fields: HashMap<String, String>,
    /// Each at most `MAX_PHOTO_BYTES + 1` bytes (longer ones are cut there, so that the photo
    /// check refuses them as too large); at most `MAX_PHOTOS + 1` kept (so that the count
    /// check refuses too many).
    pub photos: Vec<Vec<u8>>,
    /// The whole request was larger than [`BODY_LIMIT`]: reading stopped there.
    pub too_large: bool,
}

impl FeedbackUpload {
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

    /// Whether a checkbox-like field is set (`true`, `1`, `on`).
    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.fields.get(name).map(|s| s.trim()),
            Some("true" | "1" | "on" | "yes")
        )
    }

    /// The feedback fields, named as in the JSON body.
    pub fn input(&self) -> NewFeedbackInput {
        NewFeedbackInput {
            category: self.text("category"),
            description: self.text("description"),
            unit_code: self.text("unit_code"),
            address: self.opt("address"),
            lat: self.opt("lat"),
            lng: self.opt("lng"),
            contact_name: self.opt("contact_name"),
            contact_phone: self.opt("contact_phone"),
            contact_email: self.opt("contact_email"),
        }
    }

    /// The error for a request cut at the body limit: it can only be the photos.
    pub fn too_large_error() -> AppError {
        tuquan_app::feedback::submit::photo_refused(FieldError::new(
            PHOTO_FIELD,
            FieldErrorKind::TooLong {
                max: MAX_PHOTO_BYTES,
            },
            "the photos are too large",
        ))
    }
}

/// Reads every part. Parts named `photo` are files; a file part with neither a name nor
/// content (a form sent without choosing a photo) is skipped.
pub async fn read(mut mp: Multipart) -> Result<FeedbackUpload, Failure> {
    let mut up = FeedbackUpload::default();
    let mut parts = 0;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                up.too_large = true;
                break;
            }
            Err(e) => return Err(Failure::InvalidBody(e.body_text())),
        };
        parts += 1;
        if parts > MAX_PARTS {
            return Err(Failure::InvalidBody("too many fields".into()));
        }
        let name = field.name().unwrap_or("").to_owned();
        let is_file = name == PHOTO_FIELD;
        let keep = if is_file {
            MAX_PHOTO_BYTES + 1
        } else {
            TEXT_MAX_BYTES
        };
        let mut buf = Vec::new();
        let mut cut = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    let room = keep.saturating_sub(buf.len());
                    if chunk.len() > room {
                        cut = true;
                    }
                    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    up.too_large = true;
                    return Ok(up);
                }
                Err(e) => return Err(Failure::InvalidBody(e.body_text())),
            }
        }
        if is_file {
            let unnamed = field.file_name().unwrap_or("").is_empty();
            if buf.is_empty() && unnamed {
                continue;
            }
            if up.photos.len() <= MAX_PHOTOS {
                up.photos.push(buf);
            }
        } else {
            // A field cut at the limit is longer than any field may be: the domain refuses
            // it naming the field.
            let text = if cut {
                String::from_utf8_lossy(&buf).into_owned()
            } else {
                String::from_utf8(buf)
                    .map_err(|_| Failure::InvalidBody(format!("the field {name} is not UTF-8")))?
            };
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}
