use super::*;

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() + 2) as u16;
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

pub(crate) fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01"));
    jpeg.extend(segment(0xE1, b"Exif\0\0GPSLatitude 10.77"));
    jpeg.extend(segment(0xDB, &[0; 65]));
    jpeg.extend(segment(0xDA, &[1, 2, 3]));
    jpeg.extend([0x12, 0x34, 0xFF, 0xD9]);
    jpeg
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = kind.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn webp_with_exif() -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(
        b"VP8X",
        &[0b0000_1100, 0, 0, 0, 1, 0, 0, 1, 0, 0],
    ));
    body.extend(riff_chunk(b"VP8L", &[0x2f, 1, 2, 3, 4]));
    body.extend(riff_chunk(b"EXIF", b"GPS 10.77 106.70"));
    body.extend(riff_chunk(b"XMP ", b"<x:xmpmeta/>"));
    let mut f = b"RIFF".to_vec();
    f.extend_from_slice(&(body.len() as u32).to_le_bytes());
    f.extend(body);
    f
}

#[test]
fn types_are_told_by_content_not_name() {
    let pdf = check_file(
        "attachment",
        "thong-bao.png",
        b"%PDF-1.7\n...",
        MAX_FILE_BYTES,
    )
    .unwrap();
    assert_eq!(pdf.content_type(), "application/pdf");
    assert_eq!(pdf.name, "thong-bao.png.pdf");
    let jpg = check_file("attachment", "a.jpg", &jpeg_with_gps(), MAX_FILE_BYTES).unwrap();
    assert_eq!(jpg.content_type(), "image/jpeg");
    let webp = check_file("attachment", "a.webp", &webp_with_exif(), MAX_FILE_BYTES).unwrap();
    assert_eq!(webp.content_type(), "image/webp");
    for bad in [
        &b"GIF89a......"[..],
        b"<html><script>",
        b"PK\x03\x04 docx",
        b"MZ exe",
    ] {
        let e = check_file("attachment", "x.pdf", bad, MAX_FILE_BYTES).unwrap_err();
        assert_eq!(
            (e.field, e.kind),
            ("attachment", FieldErrorKind::InvalidFormat)
        );
    }
}

#[test]
fn size_limit_and_empty_file_name_the_field() {
    let e = check_file("scan", "a.pdf", &[], MAX_FILE_BYTES).unwrap_err();
    assert_eq!((e.field, e.kind), ("scan", FieldErrorKind::Required));
    let mut big = b"%PDF-1.4".to_vec();
    big.resize(101, b' ');
    let e = check_file("scan", "a.pdf", &big, 100).unwrap_err();
    assert_eq!(e.kind, FieldErrorKind::TooLong { max: 100 });
    assert!(check_file("scan", "a.pdf", &big[..100], 100).is_ok());
}

#[test]
fn image_metadata_is_removed() {
    let jpg = check_file("f", "a.jpg", &jpeg_with_gps(), MAX_FILE_BYTES).unwrap();
    assert!(!jpg.bytes.windows(3).any(|w| w == b"GPS"));
    assert!(jpg.bytes.ends_with(&[0x12, 0x34, 0xFF, 0xD9]));
    let webp = check_file("f", "a.webp", &webp_with_exif(), MAX_FILE_BYTES).unwrap();
    assert!(!webp.bytes.windows(3).any(|w| w == b"GPS"));
    assert!(!webp.bytes.windows(4).any(|w| w == b"XMP "));
    assert!(webp.bytes.windows(4).any(|w| w == b"VP8L"));
    let size = u32::from_le_bytes(webp.bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(size + 8, webp.bytes.len(), "the RIFF size is fixed");
    assert_eq!(
        webp.bytes[20] & 0b1100,
        0,
        "the EXIF and XMP flags are cleared"
    );
    // The fingerprint is of the bytes stored.
    assert_eq!(webp.sha256, sha256_hex(&webp.bytes));
}

#[test]
fn damaged_images_are_refused() {
    let e = check_file("f", "a.jpg", &[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF], 100).unwrap_err();
    assert_eq!(e.kind, FieldErrorKind::InvalidFormat);
    let mut webp = webp_with_exif();
    webp.truncate(webp.len() - 4);
    assert!(check_file("f", "a.webp", &webp, MAX_FILE_BYTES).is_err());
    assert!(check_file("f", "a.png", b"\x89PNG\r\n\x1a\n\0\0", MAX_FILE_BYTES).is_err());
}

#[test]
fn names_are_cleaned() {
    assert_eq!(
        clean_name("C:\\Users\\x\\Thông báo.pdf", FileType::Pdf),
        "Thông báo.pdf"
    );
    assert_eq!(clean_name("../../etc/passwd", FileType::Pdf), "passwd.pdf");
    assert_eq!(clean_name("  \"a<b>\";.jpeg ", FileType::Jpeg), "ab.jpeg");
    assert_eq!(clean_name("", FileType::Png), "tep.png");
    assert_eq!(clean_name("...", FileType::Png), "tep.png");
    assert_eq!(clean_name("a\u{0}b\n c.PNG", FileType::Png), "ab c.PNG");
    let long = "x".repeat(500);
    let n = clean_name(&long, FileType::Webp);
    assert_eq!(n.chars().count(), MAX_NAME_CHARS);
    assert!(n.ends_with(".webp"));
}

#[test]
fn fingerprints_match_known_values() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

#[test]
fn content_disposition_has_an_ascii_fallback_and_the_exact_name() {
    assert_eq!(
        content_disposition("Thông báo số 1.pdf", false),
        "attachment; filename=\"Thong bao so 1.pdf\"; \
         filename*=UTF-8''Th%C3%B4ng%20b%C3%A1o%20s%E1%BB%91%201.pdf"
    );
    assert!(content_disposition("Đường.png", true).starts_with("inline; filename=\"Duong.png\""));
}

#[test]
fn owner_kinds_round_trip_and_name_their_access() {
    for k in OwnerKind::ALL {
        assert_eq!(OwnerKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(OwnerKind::parse("Announcement"), None);
    assert!(!OwnerKind::Announcement.access().personal);
    assert!(OwnerKind::Proxy.access().personal);
}
