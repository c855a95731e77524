//! The column layout, the header row and the text of cells.

use std::collections::HashMap;

use super::*;
use crate::text;

/// The columns of the layout (docs/import.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    HouseholdKey,
    Address,
    HouseholdPhone,
    FullName,
    BirthDate,
    Gender,
    Phone,
    ResidenceType,
    ResidenceSince,
    Cccd,
    UnitCode,
}

impl Column {
    /// In the order of the template.
    pub const ALL: [Column; 11] = [
        Self::HouseholdKey,
        Self::Address,
        Self::HouseholdPhone,
        Self::FullName,
        Self::BirthDate,
        Self::Gender,
        Self::Phone,
        Self::ResidenceType,
        Self::ResidenceSince,
        Self::Cccd,
        Self::UnitCode,
    ];

    /// The stable key, also accepted as a header.
    pub fn key(self) -> &'static str {
        match self {
            Self::HouseholdKey => "ma_ho",
            Self::Address => "dia_chi",
            Self::HouseholdPhone => "dien_thoai_ho",
            Self::FullName => "ho_ten",
            Self::BirthDate => "ngay_sinh",
            Self::Gender => "gioi_tinh",
            Self::Phone => "dien_thoai",
            Self::ResidenceType => "loai_cu_tru",
            Self::ResidenceSince => "cu_tru_tu",
            Self::Cccd => "cccd",
            Self::UnitCode => "ma_don_vi",
        }
    }

    /// The Vietnamese header of the template.
    pub fn header(self) -> &'static str {
        match self {
            Self::HouseholdKey => "Mã hộ",
            Self::Address => "Địa chỉ",
            Self::HouseholdPhone => "Điện thoại hộ",
            Self::FullName => "Họ và tên",
            Self::BirthDate => "Ngày sinh",
            Self::Gender => "Giới tính",
            Self::Phone => "Điện thoại",
            Self::ResidenceType => "Loại cư trú",
            Self::ResidenceSince => "Cư trú từ ngày",
            Self::Cccd => "Số CCCD",
            Self::UnitCode => "Mã đơn vị",
        }
    }

    /// The English name, also accepted as a header.
    pub fn header_en(self) -> &'static str {
        match self {
            Self::HouseholdKey => "Household key",
            Self::Address => "Address",
            Self::HouseholdPhone => "Household phone",
            Self::FullName => "Full name",
            Self::BirthDate => "Birth date",
            Self::Gender => "Gender",
            Self::Phone => "Phone",
            Self::ResidenceType => "Residence type",
            Self::ResidenceSince => "Residence since",
            Self::Cccd => "CCCD",
            Self::UnitCode => "Unit code",
        }
    }

    /// Other headers people write, folded (see [`normalise_header`]).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::HouseholdKey => &["ma ho gia dinh", "so ho", "ho", "household"],
            Self::Address => &["dia chi ho", "noi o", "household address"],
            Self::HouseholdPhone => &["so dien thoai ho", "dt ho", "sdt ho"],
            Self::FullName => &["ho ten", "ten", "name"],
            Self::BirthDate => &["ngay thang nam sinh", "date of birth", "birthday"],
            Self::Gender => &["phai", "sex"],
            Self::Phone => &["so dien thoai", "sdt", "dt", "phone number"],
            Self::ResidenceType => &["cu tru", "hinh thuc cu tru"],
            Self::ResidenceSince => &["cu tru tu", "ngay cu tru", "tu ngay"],
            Self::Cccd => &[
                "so cccd",
                "can cuoc cong dan",
                "so can cuoc",
                "can cuoc",
                "so dinh danh",
                "so dinh danh ca nhan",
                "identity number",
            ],
            Self::UnitCode => &["don vi", "unit"],
        }
    }

    /// The columns a file must have.
    pub fn required(self) -> bool {
        matches!(
            self,
            Self::HouseholdKey
                | Self::Address
                | Self::FullName
                | Self::BirthDate
                | Self::Gender
                | Self::ResidenceType
        )
    }

    pub fn is_date(self) -> bool {
        matches!(self, Self::BirthDate | Self::ResidenceSince)
    }

    /// The column a header names, with or without diacritics, in any case, with the key's
    /// underscores or spaces, and ignoring a note in brackets or a `*`.
    pub fn from_header(raw: &str) -> Option<Self> {
        let h = normalise_header(raw);
        if h.is_empty() {
            return None;
        }
        Self::ALL.into_iter().find(|c| {
            normalise_header(c.key()) == h
                || normalise_header(c.header()) == h
                || normalise_header(c.header_en()) == h
                || c.aliases().contains(&h.as_str())
        })
    }

    /// The column a domain parser's field belongs to.
    pub(super) fn of_resident_field(field: &str) -> Option<Self> {
        Some(match field {
            "full_name" => Self::FullName,
            "birth_date" => Self::BirthDate,
            "gender" => Self::Gender,
            "phone" => Self::Phone,
            "residence_type" => Self::ResidenceType,
            "residence_since" => Self::ResidenceSince,
            "cccd" => Self::Cccd,
            _ => return None,
        })
    }

    pub(super) fn of_household_field(field: &str) -> Option<Self> {
        Some(match field {
            "address" => Self::Address,
            "phone" => Self::HouseholdPhone,
            _ => return None,
        })
    }
}

/// Folded (no diacritics, lower case), notes in brackets and `*` dropped, every run of
/// other punctuation or spaces made one space.
pub fn normalise_header(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    let mut depth = 0usize;
    for c in raw.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => s.push(c),
            _ => s.push(' '),
        }
    }
    text::fold(&s)
}

/// The spreadsheet letter of a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The header row: which file column holds which layout column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub line: usize,
    /// The headers as written, by file column.
    pub names: Vec<String>,
    positions: HashMap<Column, usize>,
}

impl Header {
    /// The file column of a layout column, if the file has it.
    pub fn position(&self, c: Column) -> Option<usize> {
        self.positions.get(&c).copied()
    }

    /// The header as written in the file, if the column is there.
    pub fn name_of(&self, c: Column) -> Option<&str> {
        self.position(c)
            .and_then(|i| self.names.get(i))
            .map(String::as_str)
    }
}

/// Maps a header row. Blank headers are ignored (spreadsheets often carry empty columns).
pub fn map_header(row: &Row) -> Result<Header, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut positions = HashMap::new();
    let mut names = Vec::with_capacity(row.cells.len());
    for (i, cell) in row.cells.iter().enumerate() {
        let name = match cell {
            Cell::Text(s) => text::clean(s.trim_start_matches('\u{feff}')),
            Cell::Empty => String::new(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => d.to_string(),
        };
        if !name.is_empty() {
            match Column::from_header(&name) {
                None => errors.push(RowError::new(
                    row.line,
                    Some(i),
                    None,
                    RowErrorKind::UnknownColumn,
                    format!("unknown column {name:?}"),
                )),
                Some(c) => {
                    if positions.insert(c, i).is_some() {
                        errors.push(RowError::new(
                            row.line,
                            Some(i),
                            Some(c),
                            RowErrorKind::DuplicateColumn,
                            format!("column {} given twice", c.key()),
                        ));
                    }
                }
            }
        }
        names.push(name);
    }
    for c in Column::ALL {
        if c.required() && !positions.contains_key(&c) {
            errors.push(RowError::new(
                row.line,
                None,
                Some(c),
                RowErrorKind::MissingColumn,
                format!("no column {}", c.key()),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Header {
            line: row.line,
            names,
            positions,
        })
    } else {
        Err(errors)
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The text of a cell for a column: numbers that lost their leading zero in a spreadsheet
/// get it back, date cells become `YYYY-MM-DD`, a time after a date is dropped.
pub(super) fn cell_text(cell: &Cell, column: Column) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => {
            let s = s.trim();
            if column.is_date() {
                // "1985-03-12 00:00:00" from other software: the date part.
                s.split_whitespace().next().unwrap_or("").to_owned()
            } else {
                s.to_owned()
            }
        }
        Cell::Date(d) => {
            if column.is_date() {
                d.to_string()
            } else {
                d.strftime("%d/%m/%Y").to_string()
            }
        }
        Cell::Number(n) => {
            let whole = n.fract() == 0.0 && *n >= 0.0 && *n < 1e13;
            match column {
                Column::Cccd if whole => format!("{:012}", *n as u64),
                Column::Phone | Column::HouseholdPhone if whole => {
                    let digits = format!("{}", *n as u64);
                    if digits.len() == 9 {
                        format!("0{digits}")
                    } else {
                        digits
                    }
                }
                Column::UnitCode if whole => {
                    let v = *n as u64;
                    if v < 100 {
                        format!("{v:02}")
                    } else {
                        format!("{v:05}")
                    }
                }
                _ => format_number(*n),
            }
        }
    }
}
