use jiff::civil::date;

use super::*;
use crate::territory::{LocalCode, UnitKind};

fn h(n: i64) -> HouseholdId {
    HouseholdId(n)
}

const P10: SplitPartId = SplitPartId(10);
const P11: SplitPartId = SplitPartId(11);

#[test]
fn consent_needs_more_than_half_exactly_half_fails() {
    assert!(!consent_passed(50, 100));
    assert!(consent_passed(51, 100));
    assert!(!consent_passed(2, 5));
    assert!(consent_passed(3, 5));
    assert!(!consent_passed(0, 0));
    assert_eq!(consent_of(false, 99, 100), Consent::Pending);
    assert_eq!(consent_of(true, 50, 100), Consent::Refused);
    assert_eq!(consent_of(true, 51, 100), Consent::Passed);
}

#[test]
fn applying_needs_every_unit_passed_or_an_override() {
    use Consent::*;
    assert!(consent_ready(&[Passed, Passed], false).is_ok());
    assert_eq!(
        consent_ready(&[Passed, Pending], false).unwrap_err().code,
        "scheme_no_consent"
    );
    assert!(consent_ready(&[Passed, Refused], true).is_ok());
    assert!(consent_ready(&[], false).is_err());
}

#[test]
fn an_incomplete_split_list_is_a_gap() {
    let unit = [h(1), h(2), h(3), h(4)];
    let ok = split_gap(
        &unit,
        &[(h(1), P10), (h(2), P10), (h(3), P11), (h(4), P11)],
        &[P10, P11],
    );
    assert!(ok.is_empty());
    let missing = split_gap(&unit, &[(h(1), P10), (h(2), P10), (h(3), P11)], &[P10, P11]);
    assert_eq!(missing.missing, vec![h(4)]);
    let foreign = split_gap(
        &unit,
        &[
            (h(1), P10),
            (h(2), P10),
            (h(3), P11),
            (h(4), P11),
            (h(9), P11),
        ],
        &[P10, P11],
    );
    assert_eq!(foreign.foreign, vec![h(9)]);
    let empty = split_gap(
        &unit,
        &[(h(1), P10), (h(2), P10), (h(3), P10), (h(4), P10)],
        &[P10, P11],
    );
    assert_eq!(empty.empty_parts, 1);
    assert!(!empty.is_empty());
}

#[test]
fn the_status_moves_one_way_and_drafts_alone_are_edited() {
    use SchemeStatus::*;
    assert!(Draft.edit().is_ok());
    assert_eq!(Consulting.edit().unwrap_err().code, "scheme_not_draft");
    assert_eq!(
        Draft.start_consulting(0).unwrap_err().code,
        "scheme_no_items"
    );
    assert!(Draft.start_consulting(1).is_ok());
    assert!(Consulting.approve().is_ok());
    assert!(Draft.approve().is_err());
    assert!(Approved.abandon().is_ok());
    assert!(Applied.abandon().is_err());
    assert!(Abandoned.abandon().is_err());
}

fn merge_input() -> MergeInput {
    MergeInput {
        units: vec!["26734-kp01".into(), "26734-kp02".into()],
        name: "Khu phố Mới".into(),
        kind: "khu_pho".into(),
        local_code: "kpm1".into(),
        adjacent: true,
        ..Default::default()
    }
}

#[test]
fn a_merge_needs_two_units_declared_adjacent_and_a_new_unit() {
    let m = Merge::parse(&merge_input()).unwrap();
    assert_eq!(m.units.len(), 2);
    assert!(m.into.is_err());
    let e = Merge::parse(&MergeInput {
        units: vec!["26734-kp01".into()],
        adjacent: false,
        name: String::new(),
        ..merge_input()
    })
    .unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["units", "adjacent", "name"]);
    let into = Merge::parse(&MergeInput {
        units: vec!["26734-kp01".into()],
        into: "26734-kp02".into(),
        name: String::new(),
        ..merge_input()
    })
    .unwrap();
    assert_eq!(into.into, Ok(UnitCode::parse("26734-kp02").unwrap()));
}

#[test]
fn a_split_needs_two_parts_with_distinct_codes() {
    let part = |n: &str, c: &str| PartInput {
        name: n.into(),
        kind: "khu_pho".into(),
        local_code: c.into(),
    };
    let ok = Split::parse(&SplitInput {
        unit: "26734-kp05".into(),
        parts: vec![part("A", "kp5a"), PartInput::default(), part("B", "kp5b")],
    })
    .unwrap();
    assert_eq!(ok.parts.len(), 2);
    let one = Split::parse(&SplitInput {
        unit: "26734-kp05".into(),
        parts: vec![part("A", "kp5a")],
    })
    .unwrap_err();
    assert_eq!(one[0].field, "part2_name");
    let twice = Split::parse(&SplitInput {
        unit: "26734-kp05".into(),
        parts: vec![part("A", "kp5a"), part("B", "kp5a")],
    })
    .unwrap_err();
    assert_eq!(twice[0].field, "part2_local_code");
}

fn header() -> SchemeHeader {
    SchemeHeader::parse(&SchemeInput {
        title: "Đề án".into(),
        reason: "Quy mô nhỏ".into(),
        effective_on: "2026-03-01".into(),
        basis_number: "12/NQ-HĐND".into(),
        basis_date: "2026-02-20".into(),
        basis_signer: "Chủ tịch HĐND".into(),
    })
    .unwrap()
}

#[test]
fn a_scheme_becomes_a_plan_step_by_step() {
    let u = |s: &str| UnitCode::parse(s).unwrap();
    let part = |n: &str, c: &str| NewPart {
        name: n.into(),
        kind: UnitKind::KhuPho,
        local_code: LocalCode::parse(c).unwrap(),
    };
    let plan = to_plan(
        u("26734"),
        &header(),
        SchemeId(7),
        vec![
            ItemPlan::Merge {
                units: vec![u("26734-kp01"), u("26734-kp02")],
                parent: u("26734"),
                into: Err(part("Khu phố Mới", "kpm1")),
            },
            ItemPlan::Split {
                unit: u("26734-kp05"),
                parent: u("26734"),
                parts: vec![
                    (part("5A", "kp5a"), vec![h(1)]),
                    (part("5B", "kp5b"), vec![h(2)]),
                ],
            },
            ItemPlan::Rename(Rename {
                unit: u("26734-kp07"),
                name: "Khu phố Bảy".into(),
                kind: UnitKind::KhuPho,
            }),
        ],
    )
    .unwrap();
    assert_eq!(plan.scheme_id, Some(SchemeId(7)));
    assert_eq!(plan.effective_on, date(2026, 3, 1));
    assert!(
        matches!(&plan.steps[0], Step::CreateFromParts { parts, into } if parts.len() == 2 && into.parent == u("26734"))
    );
    assert!(matches!(&plan.steps[1], Step::Split { parts, .. } if parts[1].1 == vec![h(2)]));
    assert!(matches!(&plan.steps[2], Step::Rename { .. }));
}

#[test]
fn a_plan_needs_a_legal_basis_and_each_unit_once() {
    let u = |s: &str| UnitCode::parse(s).unwrap();
    let rename = |c: &str| {
        ItemPlan::Rename(Rename {
            unit: u(c),
            name: "X".into(),
            kind: UnitKind::KhuPho,
        })
    };
    let twice = to_plan(
        u("26734"),
        &header(),
        SchemeId(1),
        vec![rename("26734-kp01"), rename("26734-kp01")],
    );
    assert_eq!(twice.unwrap_err().code, "scheme_unit_twice");
    let mut no_basis = header();
    no_basis.basis_number.clear();
    let e = to_plan(
        u("26734"),
        &no_basis,
        SchemeId(1),
        vec![rename("26734-kp01")],
    );
    assert_eq!(e.unwrap_err().code, "scheme_no_basis");
}

#[test]
fn an_override_needs_its_reason_and_decision() {
    let e = Override::parse(&OverrideInput::default()).unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["reason", "number", "date", "signer"]);
}
