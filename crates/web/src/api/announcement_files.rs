//! The attachment parts of the announcements API: the multipart bodies of publishing and of a
//! new version (read into the same domain inputs as the JSON bodies and the pages' forms),
//! and an attached file as the API lists it.

use axum::extract::{FromRequest, Multipart, Request};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tuquan_app::announcements::ATTACHMENT_FIELD;
use tuquan_domain::announcements::{EditAnnouncementInput, NewAnnouncementInput};
use tuquan_domain::FileId;
use utoipa::ToSchema;

use crate::error::Failure;
use crate::files::{read_multipart, MultipartForm};
use crate::AppState;

/// A body sent as JSON, or as `multipart/form-data` with attachments.
pub enum JsonOrForm<J> {
    Json(J),
    Form(MultipartForm),
}

/// Reads a body that may come as JSON (`J`) or as a multipart form with `attachment` parts:
/// the form is refused when cut at the body limit or when it holds a part `known` does not
/// name, as the JSON body refuses unknown fields.
pub async fn json_or_form<J: DeserializeOwned>(
    req: Request,
    state: &AppState,
    known: &[&str],
) -> Result<JsonOrForm<J>, Failure> {
    if !crate::api::feedback::is_multipart(&req) {
        let json = crate::extract::body(Json::<J>::from_request(req, state).await)?;
        return Ok(JsonOrForm::Json(json));
    }
    let mp = Multipart::from_request(req, state)
        .await
        .map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let form = read_multipart(mp, &[ATTACHMENT_FIELD]).await?;
    if form.too_large {
        return Err(MultipartForm::too_large_error(ATTACHMENT_FIELD));
    }
    form.refuse_unknown(known)?;
    Ok(JsonOrForm::Form(form))
}

/// A new announcement with attachments, as `multipart/form-data`: the fields of the JSON body
/// as text parts (`group_kinds` and `roles` repeated), and up to five `attachment` file parts.
// `deny_unknown_fields` only for the schema: no other parts are documented, so the contract
// test does not send parts with random names (which the edge refuses with a 400).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PublishUpload {
    pub title: String,
    pub body: String,
    pub category: String,
    pub urgency: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// `true` to show it on the public notice board.
    pub public: Option<String>,
    pub group_kinds: Vec<String>,
    pub roles: Vec<String>,
    /// PDF, JPEG, PNG or WebP (told by content), at most 10 MB each; images lose their
    /// embedded metadata.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub attachment: Vec<Vec<u8>>,
}

/// The parts of [`PublishUpload`].
pub const PUBLISH_PARTS: &[&str] = &[
    "title",
    "body",
    "category",
    "urgency",
    "valid_from",
    "valid_until",
    "public",
    "group_kinds",
    "roles",
    "attachment",
];

/// The announcement fields of a multipart form, named as in the JSON body.
pub fn input_of(f: &MultipartForm) -> NewAnnouncementInput {
    NewAnnouncementInput {
        title: f.text("title"),
        body: f.text("body"),
        category: f.text("category"),
        urgency: f.opt("urgency"),
        valid_from: f.opt("valid_from"),
        valid_until: f.opt("valid_until"),
        public: f.flag("public"),
        group_kinds: f.all("group_kinds"),
        roles: f.all("roles"),
    }
}

/// A new version with attachments, as `multipart/form-data`: `title`, `body`, `remove_files`
/// (repeated), and up to five new `attachment` file parts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EditUpload {
    pub title: String,
    pub body: String,
    pub remove_files: Vec<i64>,
    #[schema(value_type = Vec<String>, format = Binary)]
    pub attachment: Vec<Vec<u8>>,
}

/// The parts of [`EditUpload`].
pub const EDIT_PARTS: &[&str] = &["title", "body", "remove_files", "attachment"];

/// The fields of an edit sent as a multipart form.
pub fn edit_input_of(f: &MultipartForm) -> Result<EditAnnouncementInput, Failure> {
    let remove_files = f
        .all("remove_files")
        .iter()
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .map(FileId)
                .ok_or_else(|| {
                    Failure::Invalid(tuquan_domain::FieldError::new(
                        "remove_files",
                        tuquan_domain::FieldErrorKind::InvalidFormat,
                        "file ids",
                    ))
                })
        })
        .collect::<Result<Vec<FileId>, Failure>>()?;
    Ok(EditAnnouncementInput {
        title: f.text("title"),
        body: f.text("body"),
        remove_files,
    })
}

/// An attached file; `url` downloads it (`/files/{id}` on the pages).
#[derive(Debug, Serialize, ToSchema)]
pub struct FileItem {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    pub url: String,
}

impl From<&tuquan_app::files::FileRecord> for FileItem {
    fn from(f: &tuquan_app::files::FileRecord) -> Self {
        Self {
            id: f.id.get(),
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            url: format!("/api/v1/files/{}", f.id),
        }
    }
}
