//! Removing embedded metadata (EXIF, where phones put the GPS location; XMP; comments) from
//! images before they are stored. `None` means the image is damaged.

/// Drops APP1..APP15 and COM segments (EXIF, XMP, comments); keeps APP0 (JFIF) and the image.
pub fn jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b.get(..2)?);
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = usize::from(b[i + 2]) << 8 | usize::from(b[i + 3]);
        if len < 2 || i + 2 + len > b.len() {
            return None;
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
            return Some(out);
        }
    }
    None
}

/// Drops the eXIf, tEXt, zTXt, iTXt and tIME chunks.
pub fn png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b.get(..8)?);
    let mut i = 8;
    while i + 12 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let end = i.checked_add(12 + len).filter(|e| *e <= b.len())?;
        let kind = &b[i + 4..i + 8];
        let drop = matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME");
        if !drop {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

/// Drops the EXIF and XMP chunks of a RIFF/WebP file and clears their flags in VP8X, fixing
/// the RIFF size.
pub fn webp(b: &[u8]) -> Option<Vec<u8>> {
    if b.len() < 12 {
        return None;
    }
    let riff_end = 8 + u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if riff_end > b.len() {
        return None;
    }
    let mut out = b[..12].to_vec();
    let mut i = 12;
    while i + 8 <= riff_end {
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        // Chunks are padded to an even length.
        let end = i.checked_add(8 + len + (len & 1))?.min(riff_end);
        if i + 8 + len > riff_end {
            return None;
        }
        let kind = &b[i..i + 4];
        match kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" if len >= 1 => {
                let at = out.len() + 8;
                out.extend_from_slice(&b[i..end]);
                // Bit 3: EXIF present, bit 2: XMP present.
                out[at] &= !0b0000_1100;
            }
            _ => out.extend_from_slice(&b[i..end]),
        }
        i = end;
    }
    if i != riff_end {
        return None;
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(out)
}
