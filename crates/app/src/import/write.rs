//! Writing files: the import templates and the exports, in XLSX and CSV, with the column
//! layout of the import (so an export is also an example of what to import).

use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use tuquan_domain::people::import::Column;

use crate::i18n::Lang;

/// One exported resident with their household, values as people write them.
#[derive(Debug, Clone, Default)]
pub struct ExportRow {
    pub household_key: String,
    pub address: String,
    pub household_phone: String,
    pub full_name: String,
    /// `YYYY-MM-DD`, as stored.
    pub birth_date: String,
    pub gender: &'static str,
    pub phone: String,
    pub residence_type: &'static str,
    /// `YYYY-MM-DD`, or empty.
    pub residence_since: String,
    /// Masked: exports travel by e-mail.
    pub cccd_masked: String,
    pub unit_code: String,
}

impl ExportRow {
    fn value(&self, c: Column) -> &str {
        match c {
            Column::HouseholdKey => &self.household_key,
            Column::Address => &self.address,
            Column::HouseholdPhone => &self.household_phone,
            Column::FullName => &self.full_name,
            Column::BirthDate => &self.birth_date,
            Column::Gender => self.gender,
            Column::Phone => &self.phone,
            Column::ResidenceType => self.residence_type,
            Column::ResidenceSince => &self.residence_since,
            Column::Cccd => &self.cccd_masked,
            Column::UnitCode => &self.unit_code,
        }
    }
}

/// `YYYY-MM-DD` → `DD/MM/YYYY`; anything else unchanged.
pub fn vn_date(iso: &str) -> String {
    match iso.parse::<jiff::civil::Date>() {
        Ok(d) => d.strftime("%d/%m/%Y").to_string(),
        Err(_) => iso.to_owned(),
    }
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`) is written with a
/// leading apostrophe, so an exported name cannot run anything when the CSV is opened.
fn csv_safe(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

fn csv_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    // A byte-order mark: Excel then opens the file as UTF-8, with its diacritics.
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for r in rows {
            // Writing to memory cannot fail.
            let _ = w.write_record(&r);
        }
        let _ = w.flush();
    }
    out
}

fn header_row() -> Vec<String> {
    Column::ALL.iter().map(|c| c.header().to_owned()).collect()
}

/// The CSV template: the header row alone.
pub fn template_csv() -> Vec<u8> {
    csv_bytes([header_row()])
}

/// The export as CSV (UTF-8 with a byte-order mark, comma, CRLF), dates as `DD/MM/YYYY`.
pub fn export_csv(rows: &[ExportRow]) -> Vec<u8> {
    let body = rows.iter().map(|r| {
        Column::ALL
            .iter()
            .map(|&c| {
                let v = r.value(c);
                if c.is_date() {
                    vn_date(v)
                } else {
                    csv_safe(v)
                }
            })
            .collect()
    });
    csv_bytes(std::iter::once(header_row()).chain(body))
}

fn width(c: Column) -> f64 {
    match c {
        Column::Address => 32.0,
        Column::FullName => 26.0,
        Column::HouseholdKey | Column::Gender => 10.0,
        Column::Cccd | Column::ResidenceType | Column::UnitCode => 16.0,
        _ => 14.0,
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_border_bottom(FormatBorder::Thin)
}

/// The XLSX template: the data sheet (header row, every column formatted as text so that
/// leading zeros and typed dates stay as written, lists for gender and residence type) and
/// an instructions sheet in the reader's language.
pub fn template_xlsx(lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let text = Format::new().set_num_format("@");
    let bold = header_format();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("import.sheet_data"))?;
    for (i, c) in Column::ALL.iter().enumerate() {
        let col = i as u16;
        sheet.set_column_width(col, width(*c))?;
        sheet.set_column_format(col, &text)?;
        sheet.write_string_with_format(0, col, c.header(), &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last = tuquan_domain::people::import::MAX_ROWS as u32;
    for (c, values) in [
        (Column::Gender, &["Nam", "Nữ"][..]),
        (Column::ResidenceType, &["Thường trú", "Tạm trú"][..]),
    ] {
        let col = Column::ALL.iter().position(|x| *x == c).unwrap_or(0) as u16;
        let v = DataValidation::new().allow_list_strings(values)?;
        sheet.add_data_validation(1, col, last, col, &v)?;
    }

    let help = book.add_worksheet();
    help.set_name(lang.t("import.sheet_help"))?;
    help.set_column_width(0, 18.0)?;
    help.set_column_width(1, 16.0)?;
    help.set_column_width(2, 12.0)?;
    help.set_column_width(3, 70.0)?;
    help.set_column_width(4, 20.0)?;
    let wrap = Format::new().set_text_wrap();
    help.write_string_with_format(0, 0, lang.t("import.help_column"), &bold)?;
    help.write_string_with_format(0, 1, lang.t("import.help_key"), &bold)?;
    help.write_string_with_format(0, 2, lang.t("import.help_required"), &bold)?;
    help.write_string_with_format(0, 3, lang.t("import.help_values"), &bold)?;
    help.write_string_with_format(0, 4, lang.t("import.help_example"), &bold)?;
    for (i, c) in Column::ALL.iter().enumerate() {
        let row = i as u32 + 1;
        help.write_string(row, 0, c.header())?;
        help.write_string(row, 1, c.key())?;
        let required = if c.required() {
            lang.t("import.yes")
        } else {
            lang.t("import.no")
        };
        help.write_string(row, 2, required)?;
        help.write_string_with_format(row, 3, lang.t(&format!("import.col.{}", c.key())), &wrap)?;
        help.write_string(row, 4, example(*c))?;
    }
    let notes = Column::ALL.len() as u32 + 2;
    for (i, key) in [
        "import.note_households",
        "import.note_all_or_nothing",
        "import.note_limits",
    ]
    .iter()
    .enumerate()
    {
        help.write_string(notes + i as u32, 0, lang.t(key))?;
    }
    book.save_to_buffer()
}

/// An example value for a column, as in the instructions and docs/import.md.
pub fn example(c: Column) -> &'static str {
    match c {
        Column::HouseholdKey => "H001",
        Column::Address => "12 Đề Thám",
        Column::HouseholdPhone => "0909123456",
        Column::FullName => "Nguyễn Thị Mai",
        Column::BirthDate => "12/03/1985",
        Column::Gender => "Nữ",
        Column::Phone => "0912345678",
        Column::ResidenceType => "Thường trú",
        Column::ResidenceSince => "01/01/2010",
        Column::Cccd => "079185001234",
        Column::UnitCode => "26743-kp01",
    }
}

/// The export as XLSX: the import's columns, real date cells, identity numbers masked.
pub fn export_xlsx(lang: Lang, rows: &[ExportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = header_format();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name(lang.t("import.sheet_export"))?;
    for (i, c) in Column::ALL.iter().enumerate() {
        let col = i as u16;
        sheet.set_column_width(col, width(*c))?;
        sheet.write_string_with_format(0, col, c.header(), &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (i, c) in Column::ALL.iter().enumerate() {
            let col = i as u16;
            let v = row.value(*c);
            if v.is_empty() {
                continue;
            }
            let as_date = c
                .is_date()
                .then(|| v.parse::<jiff::civil::Date>().ok())
                .flatten()
                .and_then(|d| {
                    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok()
                });
            match as_date {
                Some(d) => sheet.write_datetime_with_format(r, col, d, &date)?,
                // Strings, never formulas or numbers: phones and codes keep their zeros.
                None => sheet.write_string_with_format(r, col, v, &text)?,
            };
        }
    }
    if !rows.is_empty() {
        sheet.autofilter(0, 0, rows.len() as u32, Column::ALL.len() as u16 - 1)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_template_is_the_header_with_a_bom() {
        let t = template_csv();
        assert!(t.starts_with(b"\xEF\xBB\xBF"));
        let s = String::from_utf8(t[3..].to_vec()).unwrap();
        assert!(s.starts_with("Mã hộ,Địa chỉ,"), "{s}");
        assert!(s.ends_with("Mã đơn vị\r\n"));
    }

    #[test]
    fn templates_and_exports_read_back_as_valid_headers() {
        for lang in [Lang::Vi, Lang::En] {
            let bytes = template_xlsx(lang).unwrap();
            let (_, rows) = super::super::read::read(&bytes).unwrap();
            assert_eq!(rows.len(), 1);
            tuquan_domain::people::import::map_header(&rows[0]).unwrap();
        }
        let (_, rows) = super::super::read::read(&template_csv()).unwrap();
        tuquan_domain::people::import::map_header(&rows[0]).unwrap();
    }

    #[test]
    fn csv_export_neutralises_formulas_and_formats_dates() {
        let row = ExportRow {
            household_key: "1".into(),
            full_name: "=HYPERLINK(\"x\")".into(),
            birth_date: "1985-03-12".into(),
            gender: "Nữ",
            residence_type: "Thường trú",
            cccd_masked: "0791••••••34".into(),
            ..ExportRow::default()
        };
        let s = String::from_utf8(export_csv(&[row])[3..].to_vec()).unwrap();
        assert!(s.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{s}");
        assert!(s.contains("12/03/1985"));
        assert!(s.contains("0791••••••34"));
    }
}
