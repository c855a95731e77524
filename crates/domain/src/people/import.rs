//! Importing households and residents from a spreadsheet: one row per resident, rows sharing
//! a household key form one household, the first of them its representative.
//!
//! Pure: the web layer reads the file (CSV or XLSX) into [`Row`]s of [`Cell`]s, this module
//! maps the header, parses every row with the same rules as the forms
//! ([`NewHousehold::parse`], [`NewResident::parse`]) and groups the rows into households. Every
//! problem becomes a [`RowError`] with the line and column the user sees (the header is
//! line 1 of a file that starts with it) and a stable code; the message is the web layer's.
//! Checks that need the database (the unit codes, identity numbers already stored) are the
//! caller's, which adds its findings with [`ImportPlan::push_error`].

use std::collections::HashMap;

use jiff::civil::Date;

use super::{NewHousehold, NewHouseholdInput, NewResident, NewResidentInput};
use crate::error::{FieldError, FieldErrorKind};
use crate::territory::UnitCode;
use crate::text;

/// At most this many data rows in one file.
pub const MAX_ROWS: usize = 20_000;
/// At most this many errors are kept; the count of all of them is kept too.
pub const MAX_ERRORS: usize = 1_000;

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell of a spreadsheet (identity numbers and phones typed as numbers lose
    /// their leading zero; they are restored per column).
    Number(f64),
    /// A date cell of a spreadsheet.
    Date(Date),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row of the file with its line number as the user sees it (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn new(line: usize, cells: Vec<Cell>) -> Self {
        Self { line, cells }
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

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
    fn of_resident_field(field: &str) -> Option<Self> {
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

    fn of_household_field(field: &str) -> Option<Self> {
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

/// Why a row (or the file) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowErrorKind {
    /// A domain rule on a field (the same as the forms').
    Field(FieldErrorKind),
    /// A header names no known column.
    UnknownColumn,
    /// Two headers name the same column.
    DuplicateColumn,
    /// A required column is absent.
    MissingColumn,
    /// The file has no data rows (or no header).
    NoRows,
    TooManyRows {
        max: usize,
    },
    /// The same identity number on an earlier line of the file.
    DuplicateCccd {
        first_line: usize,
    },
    /// The identity number is already stored.
    CccdExists,
    /// A household value differs from the one on the household's first row.
    HouseholdMismatch {
        first_line: usize,
    },
    /// No unit has this code.
    UnknownUnit,
    /// The unit is not the one imported into, nor below it.
    OutsideUnit,
    /// The unit no longer exists (merged, split or renamed).
    UnitClosed,
}

impl RowErrorKind {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Field(k) => k.code(),
            Self::UnknownColumn => "unknown_column",
            Self::DuplicateColumn => "duplicate_column",
            Self::MissingColumn => "missing_column",
            Self::NoRows => "no_rows",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::DuplicateCccd { .. } => "duplicate_in_file",
            Self::CccdExists => "cccd_exists",
            Self::HouseholdMismatch { .. } => "household_mismatch",
            Self::UnknownUnit => "unknown_unit",
            Self::OutsideUnit => "outside_unit",
            Self::UnitClosed => "unit_closed",
        }
    }
}

/// One problem: where (line, column) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line as the user sees it; 0 for the file as a whole.
    pub line: usize,
    /// The 0-based column in the file, when the problem is in one cell or header.
    pub column: Option<usize>,
    /// The layout column concerned, if any.
    pub field: Option<Column>,
    pub kind: RowErrorKind,
    /// English, for logs and developers; never shown as the message.
    pub detail: String,
}

impl RowError {
    pub fn new(
        line: usize,
        column: Option<usize>,
        field: Option<Column>,
        kind: RowErrorKind,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            line,
            column,
            field,
            kind,
            detail: detail.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// `C`, or empty when the error is not in one column of the file.
    pub fn column_letter(&self) -> String {
        self.column.map(column_letter).unwrap_or_default()
    }
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
fn cell_text(cell: &Cell, column: Column) -> String {
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

/// A resident ready to store, with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResident {
    pub line: usize,
    pub resident: NewResident,
}

/// A household ready to store: its first member is the representative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportHousehold {
    /// The household key as written on its first row.
    pub key: String,
    /// The line of its first row.
    pub line: usize,
    /// The unit code given in the file (checked for form only), or `None` for the unit the
    /// import runs on.
    pub unit_code: Option<String>,
    pub household: NewHousehold,
    pub members: Vec<ImportResident>,
}

/// What a file would create, and everything wrong with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub header: Header,
    /// Households whose rows all passed, in the order of their first rows.
    pub households: Vec<ImportHousehold>,
    /// At most [`MAX_ERRORS`], in line order once [`ImportPlan::sort_errors`] ran.
    pub errors: Vec<RowError>,
    /// All errors found, including those beyond [`MAX_ERRORS`].
    pub error_count: usize,
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
}

impl ImportPlan {
    /// Nothing wrong: the batch may be written.
    pub fn is_valid(&self) -> bool {
        self.error_count == 0
    }

    pub fn resident_count(&self) -> usize {
        self.households.iter().map(|h| h.members.len()).sum()
    }

    pub fn push_error(&mut self, e: RowError) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        }
    }

    /// Errors by line, then column.
    pub fn sort_errors(&mut self) {
        self.errors
            .sort_by_key(|e| (e.line, e.column.unwrap_or(usize::MAX)));
    }

    /// Every identity number of the file with its line.
    pub fn cccds(&self) -> Vec<(usize, &str)> {
        self.households
            .iter()
            .flat_map(|h| &h.members)
            .filter_map(|m| m.resident.cccd.as_ref().map(|c| (m.line, c.as_str())))
            .collect()
    }

    /// Reports an identity number already stored, on the line that carries it.
    pub fn cccd_exists(&mut self, line: usize) {
        let column = self.header.position(Column::Cccd);
        self.push_error(RowError::new(
            line,
            column,
            Some(Column::Cccd),
            RowErrorKind::CccdExists,
            "identity number already registered",
        ));
    }

    /// Reports a problem with a household's unit code, on the household's first row.
    pub fn unit_error(&mut self, line: usize, kind: RowErrorKind) {
        let column = self.header.position(Column::UnitCode);
        self.push_error(RowError::new(
            line,
            column,
            Some(Column::UnitCode),
            kind,
            "unit code",
        ));
    }
}

/// The first-row values of a household, which later rows may repeat but not contradict.
struct Group {
    key: String,
    line: usize,
    address: String,
    phone: String,
    unit: String,
    household: Option<NewHousehold>,
    unit_code: Option<String>,
    members: Vec<ImportResident>,
}

fn digits_and_letters(s: &str) -> String {
    text::fold(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A valid stand-in for a refused field, so that the rest of the row is still checked.
/// Returns false when nothing more can be learnt from the row.
fn patch(input: &mut NewResidentInput, field: &str) -> bool {
    match field {
        "full_name" => input.full_name = "x".into(),
        "birth_date" => {
            input.birth_date = "1900-01-01".into();
            // The identity number encodes the birth year: it cannot be checked now.
            input.cccd = None;
        }
        "gender" => {
            input.gender = "nam".into();
            input.cccd = None;
        }
        "phone" => input.phone = None,
        "residence_type" => input.residence_type = "thuong tru".into(),
        "residence_since" => input.residence_since = None,
        "cccd" => input.cccd = None,
        _ => return false,
    }
    true
}

/// How many rows from the top may precede the header (titles, notes).
const HEADER_SEARCH: usize = 10;

fn recognised_columns(row: &Row) -> usize {
    row.cells
        .iter()
        .filter(|c| match c {
            Cell::Text(s) => Column::from_header(s).is_some(),
            _ => false,
        })
        .count()
}

/// Parses the rows of a file into households. The header is the first row that names
/// columns (titles above it are skipped); every row below it is one resident.
pub fn parse_rows(rows: &[Row], today: Date) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let non_blank: Vec<&Row> = rows.iter().filter(|r| !r.is_blank()).collect();
    // The header is the first row naming at least three columns among the first few, so a
    // title above it ("DANH SÁCH HỘ DÂN …") is skipped; failing that, the first row.
    let start = non_blank
        .iter()
        .take(HEADER_SEARCH)
        .position(|r| recognised_columns(r) >= 3)
        .unwrap_or(0);
    let mut data = non_blank.into_iter().skip(start);
    let Some(header_row) = data.next() else {
        plan.push_error(RowError::new(
            0,
            None,
            None,
            RowErrorKind::NoRows,
            "the file is empty",
        ));
        return plan;
    };
    match map_header(header_row) {
        Ok(h) => plan.header = h,
        Err(errors) => {
            for e in errors {
                plan.push_error(e);
            }
            return plan;
        }
    }
    let data: Vec<&Row> = data.collect();
    plan.rows = data.len();
    if data.is_empty() {
        plan.push_error(RowError::new(
            header_row.line,
            None,
            None,
            RowErrorKind::NoRows,
            "no rows below the header",
        ));
        return plan;
    }
    if data.len() > MAX_ROWS {
        plan.push_error(RowError::new(
            0,
            None,
            None,
            RowErrorKind::TooManyRows { max: MAX_ROWS },
            format!("{} rows", data.len()),
        ));
        return plan;
    }
    let header = plan.header.clone();
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut seen_cccd: HashMap<String, usize> = HashMap::new();
    for row in data {
        let line = row.line;
        let errors_before = plan.error_count;
        let get = |c: Column| -> String {
            header
                .position(c)
                .and_then(|i| row.cells.get(i))
                .map(|cell| cell_text(cell, c))
                .unwrap_or_default()
        };
        let err = |c: Column, kind: RowErrorKind, detail: String| {
            RowError::new(line, header.position(c), Some(c), kind, detail)
        };
        let field_err = |c: Column, e: FieldError| err(c, RowErrorKind::Field(e.kind), e.detail);

        // The household this row belongs to.
        let raw_key = text::clean(&get(Column::HouseholdKey));
        let group = if raw_key.is_empty() {
            plan.push_error(field_err(
                Column::HouseholdKey,
                FieldError::new("ma_ho", FieldErrorKind::Required, "empty household key"),
            ));
            None
        } else if raw_key.chars().count() > 50 {
            plan.push_error(field_err(
                Column::HouseholdKey,
                FieldError::new("ma_ho", FieldErrorKind::TooLong { max: 50 }, "long"),
            ));
            None
        } else {
            let key = text::fold(&raw_key);
            let address = get(Column::Address);
            let phone = get(Column::HouseholdPhone);
            let unit = get(Column::UnitCode);
            match by_key.get(&key) {
                Some(&i) => {
                    // A later row: household values may be repeated, not contradicted.
                    let g = &groups[i];
                    let first_line = g.line;
                    let checks = [
                        (Column::Address, &address, text::fold(&address) != g.address),
                        (
                            Column::HouseholdPhone,
                            &phone,
                            digits_and_letters(&phone) != g.phone,
                        ),
                        (
                            Column::UnitCode,
                            &unit,
                            unit.trim().to_ascii_lowercase() != g.unit,
                        ),
                    ];
                    for (c, value, differs) in checks {
                        if !value.trim().is_empty() && differs {
                            plan.push_error(err(
                                c,
                                RowErrorKind::HouseholdMismatch { first_line },
                                format!("differs from line {first_line} of the same household"),
                            ));
                        }
                    }
                    Some(i)
                }
                None => {
                    let mut ok = true;
                    let household = match NewHousehold::parse(&NewHouseholdInput {
                        address: address.clone(),
                        phone: Some(phone.clone()),
                    }) {
                        Ok(h) => Some(h),
                        Err(e) => {
                            ok = false;
                            let c = Column::of_household_field(e.field).unwrap_or(Column::Address);
                            plan.push_error(field_err(c, e));
                            // The address is checked before the phone: check the phone too.
                            if c == Column::Address && !phone.trim().is_empty() {
                                if let Err(e) = super::Phone::parse(&phone) {
                                    plan.push_error(field_err(Column::HouseholdPhone, e));
                                }
                            }
                            None
                        }
                    };
                    let unit_code = match unit.trim() {
                        "" => None,
                        u => match UnitCode::parse(u) {
                            Ok(code) => Some(code.into_string()),
                            Err(e) => {
                                ok = false;
                                plan.push_error(field_err(Column::UnitCode, e));
                                None
                            }
                        },
                    };
                    by_key.insert(key.clone(), groups.len());
                    groups.push(Group {
                        key: raw_key.clone(),
                        line,
                        address: text::fold(&address),
                        phone: digits_and_letters(&phone),
                        unit: unit.trim().to_ascii_lowercase(),
                        household: household.filter(|_| ok),
                        unit_code,
                        members: Vec::new(),
                    });
                    Some(groups.len() - 1)
                }
            }
        };

        // The resident: every refused field is reported, not just the first.
        let mut input = NewResidentInput {
            full_name: get(Column::FullName),
            birth_date: get(Column::BirthDate),
            gender: get(Column::Gender),
            phone: Some(get(Column::Phone)),
            residence_type: get(Column::ResidenceType),
            residence_since: Some(get(Column::ResidenceSince)),
            cccd: Some(get(Column::Cccd)),
        };
        let mut resident = None;
        for _ in 0..8 {
            match NewResident::parse(&input, today) {
                Ok(r) => {
                    resident = Some(r);
                    break;
                }
                Err(e) => {
                    let c = Column::of_resident_field(e.field).unwrap_or(Column::FullName);
                    let field = e.field;
                    plan.push_error(field_err(c, e));
                    if !patch(&mut input, field) {
                        break;
                    }
                }
            }
        }
        // A patched row parses in the end, but its resident is not to be kept.
        let Some(resident) = resident.filter(|_| plan.error_count == errors_before) else {
            continue;
        };
        if let Some(c) = &resident.cccd {
            match seen_cccd.get(c.as_str()) {
                Some(&first_line) => {
                    plan.push_error(err(
                        Column::Cccd,
                        RowErrorKind::DuplicateCccd { first_line },
                        format!("same identity number as line {first_line}"),
                    ));
                    continue;
                }
                None => {
                    seen_cccd.insert(c.as_str().to_owned(), line);
                }
            }
        }
        if let Some(i) = group {
            groups[i].members.push(ImportResident { line, resident });
        }
    }
    plan.households = groups
        .into_iter()
        .filter_map(|g| {
            let household = g.household?;
            if g.members.is_empty() {
                return None;
            }
            Some(ImportHousehold {
                key: g.key,
                line: g.line,
                unit_code: g.unit_code,
                household,
                members: g.members,
            })
        })
        .collect();
    plan.sort_errors();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn today() -> Date {
        date(2026, 11, 21)
    }

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    const HEADER: &[&str] = &[
        "Mã hộ",
        "Địa chỉ",
        "Điện thoại hộ",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Điện thoại",
        "Loại cư trú",
        "Cư trú từ ngày",
        "Số CCCD",
        "Mã đơn vị",
    ];

    fn rows(data: &[&[&str]]) -> Vec<Row> {
        std::iter::once(HEADER)
            .chain(data.iter().copied())
            .enumerate()
            .map(|(i, r)| Row::new(i + 1, r.iter().map(|s| t(s)).collect()))
            .collect()
    }

    const MAI: &[&str] = &[
        "H1",
        "12 Đề Thám",
        "0909 123 456",
        "Nguyễn Thị Mai",
        "12/03/1985",
        "Nữ",
        "0912345678",
        "Thường trú",
        "2010-01-01",
        "079185001234",
        "",
    ];
    const BINH: &[&str] = &[
        "H1",
        "",
        "",
        "Trần Văn Bình",
        "1983-07-02",
        "Nam",
        "",
        "Thường trú",
        "",
        "",
        "",
    ];
    const AN: &[&str] = &[
        "H2",
        "5 Bùi Viện",
        "",
        "Lê Văn An",
        "01/01/2000",
        "nam",
        "",
        "tam tru",
        "",
        "079200001111",
        "26743-KP01",
    ];

    #[test]
    fn headers_with_or_without_diacritics_keys_and_english() {
        for h in [
            "Ngày sinh",
            "ngay sinh",
            "NGAY_SINH",
            "ngay_sinh",
            "Birth date",
        ] {
            assert_eq!(Column::from_header(h), Some(Column::BirthDate), "{h}");
        }
        assert_eq!(
            Column::from_header("Ngày sinh (DD/MM/YYYY) *"),
            Some(Column::BirthDate)
        );
        assert_eq!(Column::from_header("Số CCCD"), Some(Column::Cccd));
        assert_eq!(Column::from_header("so cccd"), Some(Column::Cccd));
        assert_eq!(Column::from_header("Mã hộ"), Some(Column::HouseholdKey));
        assert_eq!(Column::from_header("ma ho"), Some(Column::HouseholdKey));
        assert_eq!(
            Column::from_header("Điện thoại hộ"),
            Some(Column::HouseholdPhone)
        );
        assert_eq!(Column::from_header("dien thoai"), Some(Column::Phone));
        assert_eq!(Column::from_header("Nghề nghiệp"), None);
        for c in Column::ALL {
            assert_eq!(Column::from_header(c.key()), Some(c));
            assert_eq!(Column::from_header(c.header()), Some(c));
            assert_eq!(Column::from_header(c.header_en()), Some(c));
        }
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn header_problems_are_reported_on_line_one() {
        let row = Row::new(
            1,
            vec![
                t("ma_ho"),
                t("Nghề nghiệp"),
                t("ho_ten"),
                t("Họ tên"),
                t(""),
            ],
        );
        let errors = map_header(&row).unwrap_err();
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column_letter(), e.code()))
            .collect();
        assert!(codes.contains(&(1, "B".into(), "unknown_column")));
        assert!(codes.contains(&(1, "D".into(), "duplicate_column")));
        let missing: Vec<_> = errors
            .iter()
            .filter(|e| e.kind == RowErrorKind::MissingColumn)
            .map(|e| e.field.unwrap())
            .collect();
        assert_eq!(
            missing,
            vec![
                Column::Address,
                Column::BirthDate,
                Column::Gender,
                Column::ResidenceType
            ]
        );
    }

    #[test]
    fn rows_sharing_a_key_form_one_household_first_row_represents_it() {
        let plan = parse_rows(&rows(&[MAI, AN, BINH]), today());
        assert!(plan.is_valid(), "{:?}", plan.errors);
        assert_eq!(plan.rows, 3);
        assert_eq!(plan.households.len(), 2);
        let h1 = &plan.households[0];
        assert_eq!(h1.key, "H1");
        assert_eq!(h1.line, 2);
        assert_eq!(h1.household.address, "12 Đề Thám");
        assert_eq!(h1.household.phone.as_ref().unwrap().as_str(), "0909123456");
        let names: Vec<_> = h1
            .members
            .iter()
            .map(|m| (m.line, m.resident.full_name.as_str()))
            .collect();
        assert_eq!(names, vec![(2, "Nguyễn Thị Mai"), (4, "Trần Văn Bình")]);
        assert_eq!(h1.unit_code, None);
        let h2 = &plan.households[1];
        assert_eq!(h2.unit_code.as_deref(), Some("26743-kp01"));
        assert_eq!(plan.resident_count(), 3);
        assert_eq!(plan.cccds(), vec![(2, "079185001234"), (3, "079200001111")]);
    }

    #[test]
    fn household_keys_compare_without_case_or_diacritics() {
        let mut b = BINH.to_vec();
        b[0] = " h1 ";
        let plan = parse_rows(&rows(&[MAI, &b]), today());
        assert!(plan.is_valid(), "{:?}", plan.errors);
        assert_eq!(plan.households.len(), 1);
        assert_eq!(plan.households[0].members.len(), 2);
    }

    fn one_error(row: &[&str]) -> (usize, String, Option<Column>, &'static str) {
        let plan = parse_rows(&rows(&[MAI, row]), today());
        assert_eq!(plan.error_count, 1, "{:?}", plan.errors);
        assert!(plan.households.is_empty() || !plan.is_valid());
        let e = &plan.errors[0];
        (e.line, e.column_letter(), e.field, e.code())
    }

    #[test]
    fn each_error_kind_names_line_and_column() {
        let cases: Vec<(usize, &str, &str, Column, &str)> = vec![
            (0, "", "A", Column::HouseholdKey, "required"),
            (1, "", "B", Column::Address, "required"),
            (2, "12345", "C", Column::HouseholdPhone, "invalid_format"),
            (3, " ", "D", Column::FullName, "required"),
            (4, "31/02/1985", "E", Column::BirthDate, "invalid_format"),
            (4, "2030-01-01", "E", Column::BirthDate, "out_of_range"),
            (5, "x", "F", Column::Gender, "unknown_value"),
            (6, "12345", "G", Column::Phone, "invalid_format"),
            (7, "", "H", Column::ResidenceType, "required"),
            (
                8,
                "1970-01-01",
                "I",
                Column::ResidenceSince,
                "not_allowed_here",
            ),
            (9, "079085001111", "J", Column::Cccd, "invalid_format"),
            (10, "26743/kp01", "K", Column::UnitCode, "invalid_format"),
        ];
        for (i, value, letter, column, code) in cases {
            let mut row = AN.to_vec();
            row[i] = value;
            let got = one_error(&row);
            assert_eq!(got, (3, letter.to_owned(), Some(column), code), "{value:?}");
        }
        let long = "x".repeat(101);
        let mut row = AN.to_vec();
        row[3] = &long;
        assert_eq!(one_error(&row).3, "too_long");
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported() {
        let mut row = AN.to_vec();
        row[3] = "";
        row[5] = "?";
        row[6] = "1";
        row[7] = "x";
        let plan = parse_rows(&rows(&[&row]), today());
        let found: Vec<_> = plan.errors.iter().map(|e| e.field.unwrap()).collect();
        assert_eq!(
            found,
            vec![
                Column::FullName,
                Column::Gender,
                Column::Phone,
                Column::ResidenceType
            ]
        );
        assert!(plan.households.is_empty());
    }

    #[test]
    fn later_rows_may_repeat_but_not_contradict_the_household() {
        let mut same = BINH.to_vec();
        same[1] = "12  đề thám";
        let plan = parse_rows(&rows(&[MAI, &same]), today());
        assert!(plan.is_valid(), "{:?}", plan.errors);
        let mut other = BINH.to_vec();
        other[1] = "14 Đề Thám";
        let plan = parse_rows(&rows(&[MAI, &other]), today());
        let e = &plan.errors[0];
        assert_eq!(
            (e.line, e.column_letter().as_str(), &e.kind),
            (3, "B", &RowErrorKind::HouseholdMismatch { first_line: 2 })
        );
    }

    #[test]
    fn a_duplicate_identity_number_in_the_file_names_the_first_line() {
        let mut twin = AN.to_vec();
        twin[0] = "H3";
        let plan = parse_rows(&rows(&[MAI, AN, &twin]), today());
        assert_eq!(plan.error_count, 1);
        let e = &plan.errors[0];
        assert_eq!(e.line, 4);
        assert_eq!(e.column_letter(), "J");
        assert_eq!(e.kind, RowErrorKind::DuplicateCccd { first_line: 3 });
        assert_eq!(e.code(), "duplicate_in_file");
    }

    #[test]
    fn spreadsheet_cells_numbers_and_dates() {
        let mut data = rows(&[AN]);
        let cells = &mut data[1].cells;
        cells[4] = Cell::Date(date(2000, 1, 1));
        cells[6] = Cell::Number(912_345_678.0);
        cells[9] = Cell::Number(79_200_001_111.0);
        let plan = parse_rows(&data, today());
        assert!(plan.is_valid(), "{:?}", plan.errors);
        let r = &plan.households[0].members[0].resident;
        assert_eq!(r.birth_date, date(2000, 1, 1));
        assert_eq!(r.phone.as_ref().unwrap().as_str(), "0912345678");
        assert_eq!(r.cccd.as_ref().unwrap().as_str(), "079200001111");
    }

    #[test]
    fn blank_rows_are_skipped_and_lines_kept() {
        let mut data = rows(&[MAI]);
        data.push(Row::new(3, vec![t(""), t("  ")]));
        let mut bad = AN.to_vec();
        bad[5] = "?";
        data.push(Row::new(4, bad.iter().map(|s| t(s)).collect()));
        let plan = parse_rows(&data, today());
        assert_eq!(plan.rows, 2);
        assert_eq!(plan.errors[0].line, 4);
    }

    #[test]
    fn a_title_above_the_header_is_skipped() {
        let mut data = vec![
            Row::new(1, vec![t("DANH SÁCH HỘ DÂN KHU PHỐ 1")]),
            Row::new(2, vec![t("Ngày lập: 01/11/2026")]),
        ];
        for mut r in rows(&[MAI, AN]) {
            r.line += 3;
            data.push(r);
        }
        let plan = parse_rows(&data, today());
        assert!(plan.is_valid(), "{:?}", plan.errors);
        assert_eq!(plan.header.line, 4);
        assert_eq!(plan.households[0].line, 5);
        assert_eq!(plan.households.len(), 2);
    }

    #[test]
    fn empty_and_oversized_files() {
        let plan = parse_rows(&[], today());
        assert_eq!(plan.errors[0].code(), "no_rows");
        let plan = parse_rows(&rows(&[]), today());
        assert_eq!(plan.errors[0].code(), "no_rows");
        let many: Vec<&[&str]> = vec![BINH; MAX_ROWS + 1];
        let plan = parse_rows(&rows(&many), today());
        assert_eq!(plan.errors[0].code(), "too_many_rows");
        assert!(plan.households.is_empty());
    }

    #[test]
    fn errors_are_capped_but_counted() {
        let mut bad = AN.to_vec();
        bad[5] = "?";
        let many: Vec<&[&str]> = vec![&bad; MAX_ERRORS + 5];
        let plan = parse_rows(&rows(&many), today());
        assert_eq!(plan.errors.len(), MAX_ERRORS);
        assert_eq!(plan.error_count, MAX_ERRORS + 5);
    }
}
