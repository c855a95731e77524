//! Unit tests of the import rules.

use super::*;
use jiff::civil::date;
use jiff::civil::Date;

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
        (4, "2030-01-01", "E", Column::BirthDate, "in_future"),
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
        (9, "079085001111", "J", Column::Cccd, "not_allowed_here"),
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
