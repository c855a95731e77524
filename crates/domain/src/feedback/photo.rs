//! Photos attached to feedback: only JPEG and PNG, size-limited, with embedded metadata
//! (EXIF, where phones put the GPS location) removed before storage (by `files::strip`, shared
//! with every attached file).

use crate::error::{FieldError, FieldErrorKind};

pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_PHOTOS: usize = 3;

/// A checked photo, metadata removed: (content type, bytes).
pub fn clean_photo(bytes: &[u8]) -> Result<(&'static str, Vec<u8>), FieldError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(FieldError::new(
            "photo",
            FieldErrorKind::TooLong {
                max: MAX_PHOTO_BYTES,
            },
            "larger than 5 MB",
        ));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return strip_jpeg(bytes).map(|b| ("image/jpeg", b));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return strip_png(bytes).map(|b| ("image/png", b));
    }
    Err(FieldError::new(
        "photo",
        FieldErrorKind::InvalidFormat,
        "JPEG or PNG only",
    ))
}

fn broken() -> FieldError {
    FieldError::new("photo", FieldErrorKind::InvalidFormat, "a damaged image")
}

fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, FieldError> {
    crate::files::strip::jpeg(b).ok_or_else(broken)
}

fn strip_png(b: &[u8]) -> Result<Vec<u8>, FieldError> {
    crate::files::strip::png(b).ok_or_else(broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = (payload.len() + 2) as u16;
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&len.to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    #[test]
    fn jpeg_exif_with_gps_is_removed() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        jpeg.extend(segment(0xE1, b"Exif\0\0GPSLatitude 10.77"));
        jpeg.extend(segment(0xDB, &[0; 65]));
        jpeg.extend(segment(0xDA, &[1, 2, 3]));
        jpeg.extend([0x12, 0x34, 0xFF, 0xD9]);
        let (ct, clean) = clean_photo(&jpeg).unwrap();
        assert_eq!(ct, "image/jpeg");
        assert!(!clean.windows(4).any(|w| w == b"Exif"));
        assert!(!clean.windows(3).any(|w| w == b"GPS"));
        assert!(clean.windows(4).any(|w| w == b"JFIF"));
        assert!(clean.ends_with(&[0x12, 0x34, 0xFF, 0xD9]));
    }

    #[test]
    fn png_text_and_exif_chunks_are_removed() {
        fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"eXIf", b"GPS 10.77"));
        png.extend(chunk(b"tEXt", b"Location\0home"));
        png.extend(chunk(b"IDAT", &[9; 10]));
        png.extend(chunk(b"IEND", &[]));
        let (ct, clean) = clean_photo(&png).unwrap();
        assert_eq!(ct, "image/png");
        assert!(!clean.windows(4).any(|w| w == b"eXIf" || w == b"tEXt"));
        assert!(clean.windows(4).any(|w| w == b"IDAT"));
    }

    #[test]
    fn other_files_and_oversized_ones_are_refused() {
        assert!(clean_photo(b"%PDF-1.4").is_err());
        assert!(clean_photo(b"GIF89a").is_err());
        assert!(
            clean_photo(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]).is_err(),
            "truncated"
        );
        let big = vec![0u8; MAX_PHOTO_BYTES + 1];
        assert_eq!(
            clean_photo(&big).unwrap_err().kind,
            FieldErrorKind::TooLong {
                max: MAX_PHOTO_BYTES
            }
        );
    }
}
