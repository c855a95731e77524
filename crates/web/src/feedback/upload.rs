//! Reading a feedback form sent as `multipart/form-data` (its text fields and up to three
//! photos) with bounded memory. Shared by the HTML form and the JSON API's multipart variant.

use std::ops::Deref;

use axum::extract::Multipart;
use tuquan_domain::feedback::photo::{MAX_PHOTOS, MAX_PHOTO_BYTES};
use tuquan_domain::feedback::NewFeedbackInput;
use tuquan_domain::{FieldError, FieldErrorKind};

use tuquan_app::AppError;

use crate::error::Failure;
use crate::multipart::{self, Limits, LongText, MultipartForm};

/// The largest request body accepted for a feedback form: the photos at their largest, one
/// more so that an oversized photo still gets its field error, and the text fields.
pub const BODY_LIMIT: usize = (MAX_PHOTOS + 1) * MAX_PHOTO_BYTES + 1024 * 1024;
/// The name of the file parts.
pub const PHOTO_FIELD: &str = "photo";
/// The longest text field accepted (a description of 4000 characters fits).
const TEXT_MAX_BYTES: usize = 20 * 1024;
/// The most parts accepted.
const MAX_PARTS: usize = 40;

/// The text fields (read through [`MultipartForm`]'s accessors) and photos of a feedback
/// form; [`MultipartForm::too_large`]: the whole request was larger than [`BODY_LIMIT`] and
/// reading stopped there.
#[derive(Debug, Default)]
pub struct FeedbackUpload {
    form: MultipartForm,
    /// Each at most `MAX_PHOTO_BYTES + 1` bytes (longer ones are cut there, so that the photo
    /// check refuses them as too large); at most `MAX_PHOTOS + 1` kept (so that the count
    /// check refuses too many).
    pub photos: Vec<Vec<u8>>,
}

impl Deref for FeedbackUpload {
    type Target = MultipartForm;
    fn deref(&self) -> &MultipartForm {
        &self.form
    }
}

impl FeedbackUpload {
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

/// What a feedback form accepts.
const LIMITS: Limits = Limits {
    parts: MAX_PARTS,
    text_bytes: TEXT_MAX_BYTES,
    long_text: LongText::Cut,
    file_bytes: MAX_PHOTO_BYTES,
    files: MAX_PHOTOS,
};

/// Reads every part (the shared reader, [`crate::multipart`]). Parts named `photo` are files;
/// a file part with neither a name nor content (a form sent without choosing a photo) is
/// skipped. A repeated text field keeps its last value.
pub async fn read(mp: Multipart) -> Result<FeedbackUpload, Failure> {
    let mut form = multipart::read(mp, &[PHOTO_FIELD], &LIMITS)
        .await?
        .keep_last();
    let photos = form
        .take_files(PHOTO_FIELD)
        .into_iter()
        .map(|f| f.bytes)
        .collect();
    Ok(FeedbackUpload { form, photos })
}
