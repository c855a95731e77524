//! Parsing the rows of a file and grouping them into households.

use std::collections::HashMap;

use jiff::civil::Date;

use super::super::{NewHousehold, NewHouseholdInput, NewResident, NewResidentInput};
use super::*;
use crate::error::{FieldError, FieldErrorKind};
use crate::territory::UnitCode;
use crate::text;

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
    let Some(data) = header_and_data(rows, &mut plan) else {
        return plan;
    };
    let header = plan.header.clone();
    let mut groups = Groups::default();
    let mut seen_cccd: HashMap<String, usize> = HashMap::new();
    for row in data {
        let cells = Cells {
            header: &header,
            row,
        };
        let errors_before = plan.error_count;
        let group = groups.household_of(&cells, &mut plan);
        let resident = resident_of(&cells, today, &mut plan);
        // A patched row parses in the end, but its resident is not to be kept.
        let Some(resident) = resident.filter(|_| plan.error_count == errors_before) else {
            continue;
        };
        if let Some(c) = &resident.cccd {
            if let Some(&first_line) = seen_cccd.get(c.as_str()) {
                plan.push_error(cells.err(
                    Column::Cccd,
                    RowErrorKind::DuplicateCccd { first_line },
                    format!("same identity number as line {first_line}"),
                ));
                continue;
            }
            seen_cccd.insert(c.as_str().to_owned(), row.line);
        }
        if let Some(i) = group {
            groups.list[i].members.push(ImportResident {
                line: row.line,
                resident,
            });
        }
    }
    plan.households = groups.into_households();
    plan.sort_errors();
    plan
}

/// Finds and maps the header, and returns the data rows below it; or records why the file
/// has none to offer (empty, no header, no rows, too many rows) and returns `None`.
fn header_and_data<'r>(rows: &'r [Row], plan: &mut ImportPlan) -> Option<Vec<&'r Row>> {
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
        return None;
    };
    match map_header(header_row) {
        Ok(h) => plan.header = h,
        Err(errors) => {
            for e in errors {
                plan.push_error(e);
            }
            return None;
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
        return None;
    }
    if data.len() > MAX_ROWS {
        plan.push_error(RowError::new(
            0,
            None,
            None,
            RowErrorKind::TooManyRows { max: MAX_ROWS },
            format!("{} rows", data.len()),
        ));
        return None;
    }
    Some(data)
}

/// One data row read through the header.
struct Cells<'a> {
    header: &'a Header,
    row: &'a Row,
}

impl Cells<'_> {
    fn get(&self, c: Column) -> String {
        self.header
            .position(c)
            .and_then(|i| self.row.cells.get(i))
            .map(|cell| cell_text(cell, c))
            .unwrap_or_default()
    }

    fn err(&self, c: Column, kind: RowErrorKind, detail: String) -> RowError {
        RowError::new(
            self.row.line,
            self.header.position(c),
            Some(c),
            kind,
            detail,
        )
    }

    fn field_err(&self, c: Column, e: FieldError) -> RowError {
        self.err(c, RowErrorKind::Field(e.kind), e.detail)
    }
}

/// The households met so far, in file order, by folded key.
#[derive(Default)]
struct Groups {
    list: Vec<Group>,
    by_key: HashMap<String, usize>,
}

impl Groups {
    /// The household a row belongs to (its index), or `None` when its key is refused.
    fn household_of(&mut self, cells: &Cells, plan: &mut ImportPlan) -> Option<usize> {
        let raw_key = text::clean(&cells.get(Column::HouseholdKey));
        let kind = if raw_key.is_empty() {
            FieldErrorKind::Required
        } else if raw_key.chars().count() > 50 {
            FieldErrorKind::TooLong { max: 50 }
        } else {
            let key = text::fold(&raw_key);
            return Some(match self.by_key.get(&key) {
                Some(&i) => {
                    self.list[i].check_repeat(cells, plan);
                    i
                }
                None => {
                    self.by_key.insert(key, self.list.len());
                    self.list.push(Group::first_row(raw_key, cells, plan));
                    self.list.len() - 1
                }
            });
        };
        let detail = if kind == FieldErrorKind::Required {
            "empty household key"
        } else {
            "long"
        };
        let e = FieldError::new("ma_ho", kind, detail);
        plan.push_error(cells.field_err(Column::HouseholdKey, e));
        None
    }

    /// The households that have a valid first row and at least one kept resident.
    fn into_households(self) -> Vec<ImportHousehold> {
        self.list
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
            .collect()
    }
}

impl Group {
    /// A household's first row: its values are parsed, every refused one reported.
    fn first_row(key: String, cells: &Cells, plan: &mut ImportPlan) -> Group {
        let address = cells.get(Column::Address);
        let phone = cells.get(Column::HouseholdPhone);
        let unit = cells.get(Column::UnitCode);
        let mut ok = true;
        let household = match NewHousehold::parse(&NewHouseholdInput {
            address: address.clone(),
            phone: Some(phone.clone()),
        }) {
            Ok(h) => Some(h),
            Err(e) => {
                ok = false;
                let c = Column::of_household_field(e.field).unwrap_or(Column::Address);
                plan.push_error(cells.field_err(c, e));
                // The address is checked before the phone: check the phone too.
                if c == Column::Address && !phone.trim().is_empty() {
                    if let Err(e) = super::super::Phone::parse(&phone) {
                        plan.push_error(cells.field_err(Column::HouseholdPhone, e));
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
                    plan.push_error(cells.field_err(Column::UnitCode, e));
                    None
                }
            },
        };
        Group {
            key,
            line: cells.row.line,
            address: text::fold(&address),
            phone: digits_and_letters(&phone),
            unit: unit.trim().to_ascii_lowercase(),
            household: household.filter(|_| ok),
            unit_code,
            members: Vec::new(),
        }
    }

    /// A later row of the household: its values may be repeated, not contradicted.
    fn check_repeat(&self, cells: &Cells, plan: &mut ImportPlan) {
        let first_line = self.line;
        let address = cells.get(Column::Address);
        let phone = cells.get(Column::HouseholdPhone);
        let unit = cells.get(Column::UnitCode);
        let checks = [
            (
                Column::Address,
                &address,
                text::fold(&address) != self.address,
            ),
            (
                Column::HouseholdPhone,
                &phone,
                digits_and_letters(&phone) != self.phone,
            ),
            (
                Column::UnitCode,
                &unit,
                unit.trim().to_ascii_lowercase() != self.unit,
            ),
        ];
        for (c, value, differs) in checks {
            if !value.trim().is_empty() && differs {
                plan.push_error(cells.err(
                    c,
                    RowErrorKind::HouseholdMismatch { first_line },
                    format!("differs from line {first_line} of the same household"),
                ));
            }
        }
    }
}

/// The row's resident. Every refused field is reported, not just the first: a refused
/// field is patched with a valid stand-in and the row parsed again.
fn resident_of(cells: &Cells, today: Date, plan: &mut ImportPlan) -> Option<NewResident> {
    let mut input = NewResidentInput {
        full_name: cells.get(Column::FullName),
        birth_date: cells.get(Column::BirthDate),
        gender: cells.get(Column::Gender),
        phone: Some(cells.get(Column::Phone)),
        residence_type: cells.get(Column::ResidenceType),
        residence_since: Some(cells.get(Column::ResidenceSince)),
        cccd: Some(cells.get(Column::Cccd)),
    };
    for _ in 0..8 {
        match NewResident::parse(&input, today) {
            Ok(r) => return Some(r),
            Err(e) => {
                let c = Column::of_resident_field(e.field).unwrap_or(Column::FullName);
                let field = e.field;
                plan.push_error(cells.field_err(c, e));
                if !patch(&mut input, field) {
                    return None;
                }
            }
        }
    }
    None
}
