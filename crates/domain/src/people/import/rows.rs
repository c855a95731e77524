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
                                if let Err(e) = super::super::Phone::parse(&phone) {
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
