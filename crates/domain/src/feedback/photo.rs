//! Photos attached to feedback: only JPEG and PNG, size-limited, with embedded metadata
//! (EXIF, where phones put the GPS location) removed before storage.

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

/// Drops APP1..APP15 and COM segments (EXIF, XMP, comments); keeps APP0 (JFIF) and the image.
fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, FieldError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return Err(broken());
        }
        let marker = b[i + 1];
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = usize::from(b[i + 2]) << 8 | usize::from(b[i + 3]);
        if len < 2 || i + 2 + len > b.len() {
            return Err(broken());
        }
        let segment = &b[i..i + 2 + len];
        let metadata = (0xE1..=0xEF).contains(&marker) || marker == 0xFE;
        if !metadata {
            out.extend_from_slice(segment);
        }
        i += 2 + len;
        if marker == 0xDA {
            // Start of scan: the compressed image follows to the end.
            out.extend_from_slice(&b[i..]);
            return Ok(out);
        }
    }
    Err(broken())
}

/// Drops the eXIf, tEXt, zTXt, iTXt and tIME chunks.
fn strip_png(b: &[u8]) -> Result<Vec<u8>, FieldError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut i = 8;
    while i + 12 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let end = i
            .checked_add(12 + len)
            .filter(|e| *e <= b.len())
            .ok_or_else(broken)?;
        let kind = &b[i + 4..i + 8];
        let drop = matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME");
        if !drop {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err(broken())
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
