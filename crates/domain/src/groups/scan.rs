//! Uploaded scans: accepted types, found from the file's first bytes, and safe file names.

use crate::error::{FieldError, FieldErrorKind};
use crate::text;

/// The kinds of scan accepted for a decision or a regulation, found from the file's first
/// bytes, never from its name or the declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanType {
    Pdf,
    Jpeg,
    Png,
}

/// The largest scan accepted: 5 MB.
pub const SCAN_MAX_BYTES: usize = 5 * 1024 * 1024;

impl ScanType {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    pub fn from_content_type(s: &str) -> Option<Self> {
        [Self::Pdf, Self::Jpeg, Self::Png]
            .into_iter()
            .find(|t| t.content_type() == s)
    }

    /// Checks a file's size and magic bytes; errors name the field `scan`.
    pub fn sniff(bytes: &[u8]) -> Result<Self, FieldError> {
        if bytes.is_empty() {
            return Err(FieldError::new("scan", FieldErrorKind::Required, "no file"));
        }
        if bytes.len() > SCAN_MAX_BYTES {
            return Err(FieldError::new(
                "scan",
                FieldErrorKind::OutOfRange {
                    min: 1,
                    max: SCAN_MAX_BYTES as i64,
                },
                format!("{} bytes", bytes.len()),
            ));
        }
        if bytes.starts_with(b"%PDF-") {
            Ok(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(Self::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Ok(Self::Png)
        } else {
            Err(FieldError::new(
                "scan",
                FieldErrorKind::InvalidFormat,
                "not a PDF, JPEG or PNG file",
            ))
        }
    }
}

/// A file name safe to show: the last path component, printable characters only, at most
/// 100 characters; `fallback` when nothing is left.
pub fn clean_file_name(raw: &str, fallback: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ';'))
        .take(100)
        .collect();
    let cleaned = text::clean(&cleaned);
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        fallback.to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_are_known_by_their_magic_bytes() {
        assert_eq!(ScanType::sniff(b"%PDF-1.7\n...").unwrap(), ScanType::Pdf);
        assert_eq!(
            ScanType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]).unwrap(),
            ScanType::Jpeg
        );
        assert_eq!(
            ScanType::sniff(b"\x89PNG\r\n\x1a\n rest").unwrap(),
            ScanType::Png
        );
        assert_eq!(ScanType::sniff(b"").unwrap_err().kind.code(), "required");
        assert_eq!(
            ScanType::sniff(b"<html>%PDF-").unwrap_err().kind.code(),
            "invalid_format"
        );
        let big = vec![b'%'; SCAN_MAX_BYTES + 1];
        assert_eq!(
            ScanType::sniff(&big).unwrap_err().kind.code(),
            "out_of_range"
        );
        assert_eq!(
            clean_file_name("C:\\scans\\QĐ 125\".pdf", "x.pdf"),
            "QĐ 125.pdf"
        );
        assert_eq!(clean_file_name("../..", "x.pdf"), "x.pdf");
    }
}
