//! Reading an uploaded file into rows: CSV (UTF-8 with or without a byte-order mark, or
//! UTF-16 as Excel's "Unicode text" writes it; comma, semicolon or tab) and XLSX (the first
//! sheet, read cell by cell so that a stray far-away cell costs nothing).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use tuquan_domain::people::import::{Cell, Row, MAX_ROWS};

use super::FileError;

/// Cells beyond this column are ignored.
pub const MAX_COLUMNS: usize = 64;
/// An XLSX whose parts claim to unpack to more than this is refused (a "zip bomb").
const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;
/// Enough rows to learn that a file has too many, without reading all of a huge one.
const ROWS_READ: usize = MAX_ROWS + 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The kind named `s` (an extension or a `format` parameter; not a guess at content).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Csv, Self::Xlsx]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What a file is, from its first bytes (never from its name or declared type, which lie).
pub fn sniff(bytes: &[u8]) -> Result<FileKind, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > super::MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(FileKind::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileError::LegacyXls);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Ok(FileKind::Csv);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let binary = head.contains(&0)
        || [
            &b"%PDF"[..],
            b"\x89PNG",
            b"\xFF\xD8\xFF",
            b"GIF8",
            b"PK\x05\x06",
            b"{\\rtf",
        ]
        .iter()
        .any(|m| bytes.starts_with(m));
    if binary {
        return Err(FileError::WrongType);
    }
    Ok(FileKind::Csv)
}

/// Reads a file of either kind into rows with the line numbers the user sees.
pub fn read(bytes: &[u8]) -> Result<(FileKind, Vec<Row>), FileError> {
    let kind = sniff(bytes)?;
    let rows = match kind {
        FileKind::Csv => read_csv(bytes)?,
        FileKind::Xlsx => read_xlsx(bytes)?,
    };
    Ok((kind, rows))
}

/// The text of a CSV file: UTF-8 (a byte-order mark is dropped) or UTF-16 with its mark.
fn decode(bytes: &[u8]) -> Result<String, FileError> {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| FileError::NotUtf8 { line: 1 })
    };
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return utf16(false);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return utf16(true);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let line = body[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Err(FileError::NotUtf8 { line })
        }
    }
}

/// The delimiter of the header line: the most frequent of comma, semicolon and tab outside
/// quotes (Excel in Vietnamese settings often writes semicolons).
fn delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map_or(b',', |c| c.0)
}

/// The byte offsets at which lines end (`\r\n`, `\n` or a lone `\r`).
fn line_breaks(text: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, b) in text.iter().enumerate() {
        match b {
            b'\n' => out.push(i),
            b'\r' if text.get(i + 1) != Some(&b'\n') => out.push(i),
            _ => {}
        }
    }
    out
}

/// The 1-based line of the record the reader placed at `byte`. The reader may place a record
/// on the line break before it (after blank lines or a `\r\n`); a record never starts with
/// a line break, so those are skipped first.
fn line_of(text: &[u8], breaks: &[usize], byte: usize) -> usize {
    let start = text
        .get(byte..)
        .and_then(|rest| rest.iter().position(|b| !matches!(b, b'\r' | b'\n')))
        .map_or(text.len(), |i| byte + i);
    breaks.partition_point(|&b| b < start) + 1
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let breaks = line_breaks(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut non_blank = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| line_of(text.as_bytes(), &breaks, p.byte() as usize));
                return Err(FileError::Unreadable(format!("CSV line {line}: {e}")));
            }
        }
        let line = record.position().map_or(rows.len() + 1, |p| {
            line_of(text.as_bytes(), &breaks, p.byte() as usize)
        });
        let cells: Vec<Cell> = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_owned())
                }
            })
            .collect();
        if cells.iter().any(|c| *c != Cell::Empty) {
            non_blank += 1;
        }
        rows.push(Row::new(line, cells));
        if non_blank > ROWS_READ {
            break;
        }
    }
    Ok(rows)
}

/// The sum of the sizes an XLSX's parts claim to unpack to, from the ZIP central directory;
/// `None` if the directory cannot be read.
fn zip_unpacked_size(bytes: &[u8]) -> Option<u64> {
    const EOCD: [u8; 4] = [0x50, 0x4B, 0x05, 0x06];
    const CDH: [u8; 4] = [0x50, 0x4B, 0x01, 0x02];
    let le16 = |at: usize| -> Option<u64> {
        Some(u64::from(u16::from_le_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let le32 = |at: usize| -> Option<u64> {
        Some(u64::from(u32::from_le_bytes(
            bytes.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (tail_start..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| bytes[i..i + 4] == EOCD)?;
    let entries = le16(eocd + 10)?;
    let mut at = usize::try_from(le32(eocd + 16)?).ok()?;
    let mut total = 0u64;
    for _ in 0..entries {
        if bytes.get(at..at + 4)? != CDH {
            return None;
        }
        let size = le32(at + 24)?;
        if size == u64::from(u32::MAX) {
            // ZIP64: far beyond anything accepted here.
            return Some(u64::MAX);
        }
        total = total.saturating_add(size);
        let skip = 46 + le16(at + 28)? + le16(at + 30)? + le16(at + 32)?;
        at = at.checked_add(usize::try_from(skip).ok()?)?;
    }
    Some(total)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    match zip_unpacked_size(bytes) {
        None => return Err(FileError::Unreadable("not a ZIP archive".into())),
        Some(n) if n > MAX_UNPACKED_BYTES => return Err(FileError::TooLarge),
        Some(_) => {}
    }
    let unreadable = |e: calamine::XlsxError| FileError::Unreadable(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(first) = book.sheet_names().into_iter().next() else {
        return Err(FileError::Unreadable("no worksheet".into()));
    };
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let c = c as usize;
        if c >= MAX_COLUMNS {
            continue;
        }
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Int(n) => Cell::Number(*n as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::String(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
            DataRef::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                match jiff::civil::Date::new(y as i16, m as i8, d as i8) {
                    Ok(date) => Cell::Date(date),
                    Err(_) => Cell::Text(dt.as_f64().to_string()),
                }
            }
            DataRef::DateTime(dt) => Cell::Text(dt.as_f64().to_string()),
            DataRef::DateTimeIso(s) => Cell::Text(s.get(..10).unwrap_or(s).to_owned()),
            DataRef::DurationIso(s) => Cell::Text(s.clone()),
            DataRef::Error(e) => Cell::Text(format!("#{e}")),
        };
        if !rows.contains_key(&r) && rows.len() > ROWS_READ {
            break;
        }
        let row = rows.entry(r).or_default();
        if row.len() <= c {
            row.resize(c + 1, Cell::Empty);
        }
        row[c] = value;
    }
    Ok(rows
        .into_iter()
        .map(|(r, cells)| Row::new(r as usize + 1, cells))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_rows(rows: &[Row]) -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .map(|r| {
                (
                    r.line,
                    r.cells
                        .iter()
                        .map(|c| match c {
                            Cell::Text(s) => s.clone(),
                            Cell::Empty => String::new(),
                            other => format!("{other:?}"),
                        })
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn csv_with_and_without_bom_and_with_semicolons() {
        let plain = "Mã hộ,Họ và tên\nH1,\"Nguyễn, Thị Mai\"\n";
        let bom = format!("\u{feff}{plain}");
        let semi = "Mã hộ;Họ và tên\r\nH1;Nguyễn Thị Mai\r\n";
        for (src, name) in [
            (plain, "Nguyễn, Thị Mai"),
            (bom.as_str(), "Nguyễn, Thị Mai"),
            (semi, "Nguyễn Thị Mai"),
        ] {
            let (kind, rows) = read(src.as_bytes()).unwrap();
            assert_eq!(kind, FileKind::Csv);
            assert_eq!(
                text_rows(&rows),
                vec![
                    (1, vec!["Mã hộ".into(), "Họ và tên".into()]),
                    (2, vec!["H1".into(), name.into()])
                ]
            );
        }
    }

    #[test]
    fn lines_count_the_file_s_lines_even_inside_quotes() {
        for nl in ["\r\n", "\n", "\r"] {
            let src = format!("a,b{nl}\"12 Lê Lợi{nl}Phường Bến Thành\",x{nl}{nl}c,d{nl}");
            let (_, rows) = read(src.as_bytes()).unwrap();
            let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![1, 2, 5], "{nl:?}");
            assert_eq!(
                rows[1].cells[0],
                Cell::Text(format!("12 Lê Lợi{nl}Phường Bến Thành"))
            );
        }
    }

    #[test]
    fn utf16_csv_as_excel_writes_unicode_text() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Mã hộ\tHọ và tên\r\nH1\tMai\r\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let (_, rows) = read(&bytes).unwrap();
        assert_eq!(text_rows(&rows)[1], (2, vec!["H1".into(), "Mai".into()]));
    }

    #[test]
    fn wrong_files_are_named() {
        assert!(matches!(read(b""), Err(FileError::Empty)));
        assert!(matches!(read(b"%PDF-1.7 ..."), Err(FileError::WrongType)));
        assert!(matches!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]),
            Err(FileError::LegacyXls)
        ));
        assert!(matches!(
            read(b"a,b\nc,\xE0\xE1\n"),
            Err(FileError::NotUtf8 { line: 2 })
        ));
        assert!(matches!(
            read(b"PK\x03\x04garbage"),
            Err(FileError::Unreadable(_))
        ));
        let big = vec![b'a'; super::super::MAX_FILE_BYTES + 1];
        assert!(matches!(read(&big), Err(FileError::TooLarge)));
    }

    #[test]
    fn xlsx_cells_numbers_and_real_dates() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Mã hộ").unwrap();
        sheet.write_string(0, 1, "Ngày sinh").unwrap();
        sheet.write_string(0, 3, "Số CCCD").unwrap();
        sheet.write_string(2, 0, "H1").unwrap();
        let date = ExcelDateTime::from_ymd(1985, 3, 12).unwrap();
        sheet
            .write_datetime_with_format(2, 1, &date, &Format::new().set_num_format("dd/mm/yyyy"))
            .unwrap();
        sheet.write_number(2, 3, 79_185_001_234.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (kind, rows) = read(&bytes).unwrap();
        assert_eq!(kind, FileKind::Xlsx);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].cells[0], Cell::Text("H1".into()));
        assert_eq!(rows[1].cells[1], Cell::Date(jiff::civil::date(1985, 3, 12)));
        assert_eq!(rows[1].cells[2], Cell::Empty);
        assert_eq!(rows[1].cells[3], Cell::Number(79_185_001_234.0));
        assert!(zip_unpacked_size(&bytes).unwrap() > 0);
    }
}
