//! Files attached to records of any area: announcement attachments, meeting-minutes scans,
//! proxy authorisations, ballot-sheet photos.
//!
//! A file is accepted by what its bytes are (PDF, JPEG, PNG, WebP by their magic numbers),
//! never by its name or the browser's content type; images lose their embedded metadata (the
//! GPS location phones write); the name is cleaned for showing and downloading; the SHA-256
//! fingerprint is kept so that a printed copy can be matched with the stored one.
//!
//! Who may read a file follows its owner: each [`OwnerKind`] names the action that guards it
//! on the owning record's unit, and whether reading it is a read of personal data (audited).

use sha2::Digest;

use crate::access::Action;
use crate::error::{FieldError, FieldErrorKind};

pub(crate) mod strip;

pub use crate::code::FileId;

/// The largest file accepted by default (a scanned page or a phone photo fits).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// The kind of record a file belongs to; stored as its code in `files.owner_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    /// An attachment of an announcement (`announcements.id`).
    Announcement,
    /// The signed paper minutes of a meeting, scanned.
    MinutesScan,
    /// A written proxy authorisation for a meeting.
    Proxy,
    /// A photo of a paper ballot tally sheet.
    BallotSheet,
}

/// What guards the files of an owner kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileAccess {
    /// Needed on the owning record's unit path (areas may allow more, e.g. public
    /// announcements, in their own check).
    pub action: Action,
    /// Reading it reads personal data: every read is audited.
    pub personal: bool,
}

impl OwnerKind {
    pub const ALL: [OwnerKind; 4] = [
        Self::Announcement,
        Self::MinutesScan,
        Self::Proxy,
        Self::BallotSheet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Announcement => "announcement",
            Self::MinutesScan => "minutes_scan",
            Self::Proxy => "proxy",
            Self::BallotSheet => "ballot_sheet",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The action and audit rule for reading this kind's files.
    ///
    /// Minutes scans, proxies and ballot sheets guard with `HouseholdView` (those who may see
    /// the unit's households) until their areas add their own actions: the meetings and
    /// votes areas replace these arms.
    pub fn access(self) -> FileAccess {
        match self {
            Self::Announcement => FileAccess {
                action: Action::AnnouncementView,
                personal: false,
            },
            Self::MinutesScan => FileAccess {
                action: Action::HouseholdView,
                personal: true,
            },
            Self::Proxy | Self::BallotSheet => FileAccess {
                action: Action::HouseholdView,
                personal: true,
            },
        }
    }
}

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
    Webp,
}

impl FileType {
    /// What the bytes are, by their magic number.
    pub fn sniff(b: &[u8]) -> Option<Self> {
        if b.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, Self::Pdf)
    }
}

/// A file that passed the checks, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    /// The cleaned name, ending with the extension of its type.
    pub name: String,
    pub file_type: FileType,
    /// The bytes to store (images without their metadata).
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, lower-case hex.
    pub sha256: String,
}

impl CheckedFile {
    pub fn content_type(&self) -> &'static str {
        self.file_type.content_type()
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}

/// Checks an uploaded file for the form field `field`: not empty, at most `max` bytes, a PDF,
/// JPEG, PNG or WebP by content, intact where it is an image. The error names `field`:
/// `Required` (empty), `TooLong { max }` (too large), `InvalidFormat` (another kind of file,
/// or a damaged image).
pub fn check_file(
    field: &'static str,
    name: &str,
    bytes: &[u8],
    max: usize,
) -> Result<CheckedFile, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new(
            field,
            FieldErrorKind::Required,
            "an empty file",
        ));
    }
    if bytes.len() > max {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max },
            format!("larger than {max} bytes"),
        ));
    }
    let Some(file_type) = FileType::sniff(bytes) else {
        return Err(FieldError::new(
            field,
            FieldErrorKind::InvalidFormat,
            "PDF, JPEG, PNG or WebP only",
        ));
    };
    let stripped = match file_type {
        FileType::Pdf => Some(bytes.to_vec()),
        FileType::Jpeg => strip::jpeg(bytes),
        FileType::Png => strip::png(bytes),
        FileType::Webp => strip::webp(bytes),
    };
    let bytes = stripped
        .ok_or_else(|| FieldError::new(field, FieldErrorKind::InvalidFormat, "a damaged image"))?;
    Ok(CheckedFile {
        name: clean_name(name, file_type),
        file_type,
        sha256: sha256_hex(&bytes),
        bytes,
    })
}

/// A file name safe to show and to send back in `Content-Disposition`: the last path
/// component, NFC, without control or reserved characters, at most [`MAX_NAME_CHARS`]
/// characters, ending with the type's extension (a name without one gets it; a blank name
/// becomes `tep.<ext>`, Vietnamese for "file").
pub fn clean_name(raw: &str, t: FileType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = crate::text::clean(base)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*' | ';'))
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let ext = t.extension();
    let (stem, has_ext) = match cleaned.rsplit_once('.') {
        Some((stem, e)) if known_extension(e, t) => (stem, true),
        _ => (cleaned, false),
    };
    let room = MAX_NAME_CHARS - ext.len() - 1;
    let mut stem: String = stem.chars().take(room).collect();
    stem = stem.trim_end_matches(['.', ' ']).to_owned();
    if stem.is_empty() {
        stem = "tep".to_owned();
    }
    let ext = if has_ext {
        cleaned.rsplit_once('.').map(|(_, e)| e).unwrap_or(ext)
    } else {
        ext
    };
    format!("{stem}.{ext}")
}

fn known_extension(e: &str, t: FileType) -> bool {
    let e = e.to_ascii_lowercase();
    match t {
        FileType::Pdf => e == "pdf",
        FileType::Jpeg => e == "jpg" || e == "jpeg",
        FileType::Png => e == "png",
        FileType::Webp => e == "webp",
    }
}

/// SHA-256 of the bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// SHA-1 of the bytes, lower-case hex: the digest CAP 1.2 asks for on a `<resource>`.
pub fn sha1_hex(bytes: &[u8]) -> String {
    hex(&sha1::Sha1::digest(bytes))
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Content-Disposition` value for downloading (`attachment`) or showing (`inline`) a
/// file: an ASCII fallback name (accents removed) and the exact name per RFC 6266/8187.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect::<String>();
    let ascii: String = unicode_normalization::UnicodeNormalization::nfd(ascii.as_str())
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests;
