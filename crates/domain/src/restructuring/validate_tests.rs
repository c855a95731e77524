use super::*;
use crate::restructuring::LegalBasis;
use crate::territory::LocalCode;

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn fact(code: &str, parent: &str, commune: &str, kind: UnitKind) -> UnitFact {
    UnitFact {
        code: code.into(),
        parent_code: Some(parent.into()),
        commune_code: commune.into(),
        name: format!("Khu phố {code}"),
        kind,
        valid_from: date("2025-07-01"),
        open: true,
        open_children: vec![],
    }
}

/// A ward with kp01..kp04 (households 1-4 in kp01, 10-11 in kp02), and a unit of another
/// ward.
fn facts() -> TreeFacts {
    let mut f = TreeFacts::default();
    let mut ward = fact("26743", "79", "26743", UnitKind::Ward);
    ward.parent_code = Some("79".into());
    f.units.insert("26743".into(), ward);
    for kp in ["26743-kp01", "26743-kp02", "26743-kp03", "26743-kp04"] {
        f.units
            .insert(kp.into(), fact(kp, "26743", "26743", UnitKind::KhuPho));
        f.existing_codes.insert(kp.into());
    }
    f.units.insert(
        "26740-kp01".into(),
        fact("26740-kp01", "26740", "26740", UnitKind::KhuPho),
    );
    f.existing_codes.insert("26743-kp09".into()); // closed long ago
    f.households.insert(
        "26743-kp01".into(),
        [1, 2, 3, 4].into_iter().map(HouseholdId).collect(),
    );
    f.households.insert(
        "26743-kp02".into(),
        [10, 11].into_iter().map(HouseholdId).collect(),
    );
    f
}

fn new_unit(local: &str) -> NewUnit {
    NewUnit {
        parent: code("26743"),
        local_code: LocalCode::parse(local).unwrap(),
        name: format!("Khu phố {local}"),
        kind: UnitKind::KhuPho,
    }
}

fn plan(steps: Vec<Step>) -> Plan {
    Plan {
        commune: code("26743"),
        effective_on: date("2026-01-01"),
        basis: LegalBasis {
            number: "1/QĐ-UBND".into(),
            date: date("2025-12-20"),
            signer: "Chủ tịch".into(),
            file: None,
        },
        scheme_id: None,
        steps,
        groups: vec![],
    }
}

fn problems(p: &Plan, f: &TreeFacts) -> Vec<&'static str> {
    match validate(p, f) {
        Ok(()) => vec![],
        Err(es) => es.iter().map(|e| e.problem.code()).collect(),
    }
}

fn hh(ids: &[i64]) -> Vec<HouseholdId> {
    ids.iter().copied().map(HouseholdId).collect()
}

#[test]
fn a_good_plan_of_every_kind_passes() {
    let p = plan(vec![
        Step::CreateFromParts {
            parts: vec![code("26743-kp03"), code("26743-kp04")],
            into: new_unit("kp20"),
        },
        Step::Split {
            unit: code("26743-kp01"),
            parts: vec![
                (new_unit("kp21"), hh(&[1, 2])),
                (new_unit("kp22"), hh(&[3, 4])),
            ],
        },
        Step::Rename {
            unit: code("26743-kp02"),
            name: "Khu phố Bến Nghé".into(),
            kind: UnitKind::KhuPho,
        },
    ]);
    assert_eq!(problems(&p, &facts()), Vec::<&str>::new());
}

#[test]
fn an_empty_plan_is_refused() {
    assert_eq!(problems(&plan(vec![]), &facts()), ["empty"]);
}

#[test]
fn units_must_exist_be_open_and_lie_in_the_commune() {
    let mut f = facts();
    f.units.get_mut("26743-kp02").unwrap().open = false;
    let p = plan(vec![Step::MergeInto {
        parts: vec![code("26743-kp02"), code("26740-kp01"), code("26743-kp77")],
        receiver: code("26743-kp03"),
    }]);
    assert_eq!(
        problems(&p, &f),
        ["unit_closed", "outside_commune", "unknown_unit"]
    );
}

#[test]
fn the_commune_itself_is_not_a_part() {
    let p = plan(vec![Step::Dissolve {
        unit: code("26743"),
        receiver: code("26743-kp03"),
    }]);
    assert_eq!(problems(&p, &facts()), ["outside_commune"]);
}

#[test]
fn the_effective_date_may_not_precede_a_unit() {
    let mut f = facts();
    f.units.get_mut("26743-kp03").unwrap().valid_from = date("2026-01-02");
    let p = plan(vec![Step::Dissolve {
        unit: code("26743-kp03"),
        receiver: code("26743-kp04"),
    }]);
    assert_eq!(problems(&p, &f), ["before_valid_from"]);
    // On the very day it began is fine.
    f.units.get_mut("26743-kp03").unwrap().valid_from = date("2026-01-01");
    assert!(validate(&p, &f).is_ok());
}

#[test]
fn a_closed_unit_appears_in_no_other_step() {
    let p = plan(vec![
        Step::Dissolve {
            unit: code("26743-kp03"),
            receiver: code("26743-kp04"),
        },
        Step::MergeInto {
            parts: vec![code("26743-kp03")],
            receiver: code("26743-kp02"),
        },
        Step::Rename {
            unit: code("26743-kp03"),
            name: "Mới".into(),
            kind: UnitKind::KhuPho,
        },
    ]);
    assert_eq!(
        problems(&p, &facts()),
        ["unit_in_two_steps", "unit_in_two_steps"]
    );
}

#[test]
fn a_receiver_must_be_open_and_not_closed_by_the_plan() {
    let mut f = facts();
    f.units.get_mut("26743-kp04").unwrap().open = false;
    let p = plan(vec![Step::Dissolve {
        unit: code("26743-kp03"),
        receiver: code("26743-kp04"),
    }]);
    assert_eq!(problems(&p, &f), ["unit_closed"]);
    let p = plan(vec![
        Step::Dissolve {
            unit: code("26743-kp03"),
            receiver: code("26743-kp04"),
        },
        Step::Dissolve {
            unit: code("26743-kp04"),
            receiver: code("26743-kp02"),
        },
    ]);
    assert_eq!(problems(&p, &facts()), ["unit_in_two_steps"]);
}

#[test]
fn a_receiver_is_not_one_of_its_parts() {
    let p = plan(vec![Step::MergeInto {
        parts: vec![code("26743-kp03"), code("26743-kp04")],
        receiver: code("26743-kp04"),
    }]);
    assert!(problems(&p, &facts()).contains(&"receiver_is_part"));
}

#[test]
fn codes_are_never_reused() {
    // In use, used long ago (closed), and twice in the plan.
    let p = plan(vec![
        Step::CreateFromParts {
            parts: vec![code("26743-kp03")],
            into: new_unit("kp02"),
        },
        Step::CreateFromParts {
            parts: vec![code("26743-kp04")],
            into: new_unit("kp09"),
        },
        Step::Split {
            unit: code("26743-kp01"),
            parts: vec![
                (new_unit("kp30"), hh(&[1, 2])),
                (new_unit("kp30"), hh(&[3, 4])),
            ],
        },
    ]);
    assert_eq!(
        problems(&p, &facts()),
        ["code_taken", "code_taken", "code_taken"]
    );
}

#[test]
fn a_change_of_code_needs_a_new_code() {
    let p = plan(vec![Step::ChangeCode {
        unit: code("26743-kp03"),
        local_code: LocalCode::parse("kp04").unwrap(),
    }]);
    assert_eq!(problems(&p, &facts()), ["code_taken"]);
    let p = plan(vec![Step::ChangeCode {
        unit: code("26743-kp03"),
        local_code: LocalCode::parse("kp33").unwrap(),
    }]);
    assert!(validate(&p, &facts()).is_ok());
}

#[test]
fn a_split_list_must_be_complete() {
    let p = plan(vec![Step::Split {
        unit: code("26743-kp01"),
        parts: vec![
            (new_unit("kp21"), hh(&[1, 2])),
            (new_unit("kp22"), hh(&[3])),
        ],
    }]);
    let e = validate(&p, &facts()).unwrap_err();
    assert_eq!(
        e[0].problem,
        Problem::SplitIncomplete {
            unit: "26743-kp01".into(),
            missing: 1
        }
    );
}

#[test]
fn a_split_list_must_be_disjoint_and_of_the_unit() {
    let p = plan(vec![Step::Split {
        unit: code("26743-kp01"),
        parts: vec![
            (new_unit("kp21"), hh(&[1, 2, 3])),
            (new_unit("kp22"), hh(&[3, 4, 10])),
        ],
    }]);
    assert_eq!(
        problems(&p, &facts()),
        ["household_twice", "household_not_in_unit"]
    );
}

#[test]
fn a_split_has_two_parts_at_least() {
    let p = plan(vec![Step::Split {
        unit: code("26743-kp01"),
        parts: vec![(new_unit("kp21"), hh(&[1, 2, 3, 4]))],
    }]);
    assert_eq!(problems(&p, &facts()), ["split_too_few"]);
}

#[test]
fn a_rename_must_change_something() {
    let f = facts();
    let same = plan(vec![Step::Rename {
        unit: code("26743-kp02"),
        name: " Khu phố  26743-kp02 ".into(),
        kind: UnitKind::KhuPho,
    }]);
    assert_eq!(problems(&same, &f), ["same_name"]);
    let kind_only = plan(vec![Step::Rename {
        unit: code("26743-kp02"),
        name: "Khu phố 26743-kp02".into(),
        kind: UnitKind::Ap,
    }]);
    assert!(validate(&kind_only, &f).is_ok());
    let blank = plan(vec![Step::Rename {
        unit: code("26743-kp02"),
        name: "  ".into(),
        kind: UnitKind::KhuPho,
    }]);
    assert_eq!(problems(&blank, &f), ["bad_new_unit"]);
}

#[test]
fn a_transfer_names_households_of_the_giver() {
    let p = plan(vec![Step::TransferPart {
        from: code("26743-kp01"),
        to: code("26743-kp02"),
        households: hh(&[1, 11]),
    }]);
    assert_eq!(problems(&p, &facts()), ["household_not_in_unit"]);
    let p = plan(vec![Step::TransferPart {
        from: code("26743-kp01"),
        to: code("26743-kp02"),
        households: vec![],
    }]);
    assert_eq!(problems(&p, &facts()), ["no_households"]);
}

#[test]
fn a_unit_with_open_children_is_closed_only_with_them() {
    let mut f = facts();
    f.units.get_mut("26743-kp03").unwrap().open_children = vec!["26743-kp03-t01".into()];
    let mut t01 = fact("26743-kp03-t01", "26743-kp03", "26743", UnitKind::ToDanPho);
    t01.open_children = vec![];
    f.units.insert("26743-kp03-t01".into(), t01);
    let alone = plan(vec![Step::MergeInto {
        parts: vec![code("26743-kp03")],
        receiver: code("26743-kp04"),
    }]);
    assert_eq!(problems(&alone, &f), ["open_children"]);
    let both = plan(vec![Step::MergeInto {
        parts: vec![code("26743-kp03"), code("26743-kp03-t01")],
        receiver: code("26743-kp04"),
    }]);
    assert!(validate(&both, &f).is_ok());
}

#[test]
fn a_change_of_parent_goes_somewhere_else() {
    let p = plan(vec![Step::ChangeParent {
        unit: code("26743-kp03"),
        into: new_unit("kp40"),
    }]);
    assert_eq!(problems(&p, &facts()), ["same_parent"]);
}

#[test]
fn new_units_sit_under_an_open_parent_of_the_commune() {
    let mut nu = new_unit("kp50");
    nu.parent = code("26740-kp01");
    let p = plan(vec![Step::CreateFromParts {
        parts: vec![code("26743-kp03")],
        into: nu,
    }]);
    assert_eq!(problems(&p, &facts()), ["outside_commune"]);
    let mut nu = new_unit("t01");
    nu.parent = code("26743-kp03");
    let p = plan(vec![Step::CreateFromParts {
        parts: vec![code("26743-kp03")],
        into: nu,
    }]);
    assert_eq!(problems(&p, &facts()), ["unit_closed"]);
}
