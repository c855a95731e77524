//! What a scheme does with the groups of the units it closes (tổ chức, nhóm): each may be
//! carried over to one of the scheme's new or surviving units (its positions continue),
//! merged into another group (its positions end with thanks), or dissolved (the default: its
//! positions end for the reason "unit restructured", with thanks). The choices become the
//! plan's [`GroupDisposition`]s.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{rule, SchemeRule};
use crate::code::code_enum;
use crate::groups::GroupKind;
use crate::restructuring::GroupDisposition;
use crate::territory::UnitCode;
use crate::{Checks, FieldError, FieldErrorKind, GroupId};

code_enum!(
    /// The three choices, by their stored code.
    GroupAction {
        CarryOver => "carry_over",
        Merge => "merge",
        Dissolve => "dissolve",
    }
);

/// A choice as typed: the action, and the unit (`to`) or group (`into`) it needs.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupChoiceInput {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub into: String,
}

/// A choice, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChoice {
    CarryOver { to: UnitCode },
    Merge { into: GroupId },
    Dissolve,
}

impl GroupChoice {
    pub fn parse(i: &GroupChoiceInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let action = match i.action.trim() {
            "" => {
                c.check::<GroupAction>(Err(FieldError::new("action", FieldErrorKind::Required, "")))
            }
            raw => c.check(
                GroupAction::parse(raw)
                    .ok_or_else(|| FieldError::new("action", FieldErrorKind::UnknownValue, "")),
            ),
        };
        let choice = match action {
            Some(GroupAction::CarryOver) => match i.to.trim() {
                "" => c.check::<Self>(Err(FieldError::new("to", FieldErrorKind::Required, ""))),
                raw => c.check(
                    UnitCode::parse(raw)
                        .map(|to| Self::CarryOver { to })
                        .map_err(|e| FieldError { field: "to", ..e }),
                ),
            },
            Some(GroupAction::Merge) => match i.into.trim() {
                "" => c.check::<Self>(Err(FieldError::new("into", FieldErrorKind::Required, ""))),
                raw => c.check(
                    raw.parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .map(|n| Self::Merge { into: GroupId(n) })
                        .ok_or_else(|| FieldError::new("into", FieldErrorKind::InvalidFormat, "")),
                ),
            },
            Some(GroupAction::Dissolve) => Some(Self::Dissolve),
            None => None,
        };
        let errors = c.into_errors();
        match choice {
            Some(ch) if errors.is_empty() => Ok(ch),
            _ => Err(errors),
        }
    }

    pub fn action(&self) -> GroupAction {
        match self {
            Self::CarryOver { .. } => GroupAction::CarryOver,
            Self::Merge { .. } => GroupAction::Merge,
            Self::Dissolve => GroupAction::Dissolve,
        }
    }
}

/// A group as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFact {
    pub id: GroupId,
    pub kind: GroupKind,
    pub unit_code: String,
}

/// Where the groups of a scheme may go.
#[derive(Debug, Clone, Default)]
pub struct GroupScope {
    /// The open groups of the units the scheme closes.
    pub affected: Vec<GroupFact>,
    /// The scheme's new and surviving units by code: `true` for a unit the scheme opens.
    pub targets: BTreeMap<String, bool>,
    /// The open groups of the surviving units, which a group may be merged into.
    pub receiving: Vec<GroupFact>,
}

impl GroupScope {
    fn affected(&self, id: GroupId) -> Option<&GroupFact> {
        self.affected.iter().find(|g| g.id == id)
    }
}

/// Checks the choice of one group against the others: the group is one the scheme affects; a
/// group carried goes to a new or surviving unit of the scheme (a unit's leadership only to a
/// new unit, one leadership per unit: a unit has one); a group merged goes into a group of the
/// same kind that continues (carried over, or of a surviving unit); a group others merge into
/// must itself continue.
pub fn check_group(
    scope: &GroupScope,
    choices: &BTreeMap<GroupId, GroupChoice>,
    id: GroupId,
) -> Result<(), SchemeRule> {
    let fact = scope
        .affected(id)
        .ok_or(rule("scheme_group_not_affected", "group"))?;
    let choice = choices.get(&id).unwrap_or(&GroupChoice::Dissolve);
    let has_merges = choices
        .iter()
        .any(|(g, c)| *g != id && *c == GroupChoice::Merge { into: id });
    if has_merges && !matches!(choice, GroupChoice::CarryOver { .. }) {
        return Err(rule("scheme_group_has_merges", "action"));
    }
    match choice {
        GroupChoice::CarryOver { to } => {
            let new = *scope
                .targets
                .get(to.as_str())
                .ok_or(rule("scheme_group_bad_target", "to"))?;
            if fact.kind == GroupKind::UnitLeadership {
                let twice = choices.iter().any(|(g, c)| {
                    *g != id
                        && *c == GroupChoice::CarryOver { to: to.clone() }
                        && scope
                            .affected(*g)
                            .is_some_and(|f| f.kind == GroupKind::UnitLeadership)
                });
                if !new || twice {
                    return Err(rule("scheme_group_leadership_taken", "to"));
                }
            }
        }
        GroupChoice::Merge { into } => {
            let carried =
                |g: &GroupFact| matches!(choices.get(&g.id), Some(GroupChoice::CarryOver { .. }));
            let target = scope
                .affected
                .iter()
                .find(|g| g.id == *into && *into != id && carried(g))
                .or_else(|| scope.receiving.iter().find(|g| g.id == *into))
                .ok_or(rule("scheme_group_bad_merge", "into"))?;
            if target.kind != fact.kind {
                return Err(rule("scheme_group_merge_kind", "into"));
            }
        }
        GroupChoice::Dissolve => {}
    }
    Ok(())
}

/// Checks every stored choice of a group the scheme still affects (a choice for a group the
/// scheme no longer affects, after an item was removed, is ignored).
pub fn check_groups(
    scope: &GroupScope,
    choices: &BTreeMap<GroupId, GroupChoice>,
) -> Result<(), SchemeRule> {
    let live = live(scope, choices);
    for id in live.keys() {
        check_group(scope, &live, *id)?;
    }
    Ok(())
}

fn live(
    scope: &GroupScope,
    choices: &BTreeMap<GroupId, GroupChoice>,
) -> BTreeMap<GroupId, GroupChoice> {
    choices
        .iter()
        .filter(|(g, _)| scope.affected(**g).is_some())
        .map(|(g, c)| (*g, c.clone()))
        .collect()
}

/// The plan's dispositions of the checked choices: carried groups, one merge per surviving
/// group (it first), explicit dissolutions. A group without a choice is left to the plan's
/// default (dissolved).
pub fn dispositions(
    scope: &GroupScope,
    choices: &BTreeMap<GroupId, GroupChoice>,
) -> Vec<GroupDisposition> {
    let mut out = Vec::new();
    let mut merges: BTreeMap<GroupId, Vec<GroupId>> = BTreeMap::new();
    for (id, c) in live(scope, choices) {
        match c {
            GroupChoice::CarryOver { to } => {
                out.push(GroupDisposition::CarryOver { group: id, to })
            }
            GroupChoice::Merge { into } => {
                merges.entry(into).or_insert_with(|| vec![into]).push(id)
            }
            GroupChoice::Dissolve => out.push(GroupDisposition::Dissolve { group: id }),
        }
    }
    out.extend(
        merges
            .into_iter()
            .map(|(into, groups)| GroupDisposition::Merge { groups, into }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(id: i64, kind: GroupKind, unit: &str) -> GroupFact {
        GroupFact {
            id: GroupId(id),
            kind,
            unit_code: unit.into(),
        }
    }

    fn scope() -> GroupScope {
        GroupScope {
            affected: vec![
                g(1, GroupKind::UnitLeadership, "26743-kp01"),
                g(2, GroupKind::UnitLeadership, "26743-kp02"),
                g(3, GroupKind::ToBaoVeAntt, "26743-kp01"),
            ],
            targets: [
                ("26743-kp20".to_owned(), true),
                ("26743-kp05".to_owned(), false),
            ]
            .into_iter()
            .collect(),
            receiving: vec![g(9, GroupKind::UnitLeadership, "26743-kp05")],
        }
    }

    fn code(s: &str) -> UnitCode {
        UnitCode::parse(s).unwrap()
    }

    fn carry(to: &str) -> GroupChoice {
        GroupChoice::CarryOver { to: code(to) }
    }

    fn input(action: &str, to: &str, into: &str) -> GroupChoiceInput {
        GroupChoiceInput {
            action: action.into(),
            to: to.into(),
            into: into.into(),
        }
    }

    #[test]
    fn parse_names_the_field() {
        let e = GroupChoice::parse(&input("", "", "")).unwrap_err();
        assert_eq!(e[0].field, "action");
        let e = GroupChoice::parse(&input("carry_over", "", "")).unwrap_err();
        assert_eq!(e[0].field, "to");
        let e = GroupChoice::parse(&input("merge", "", "x")).unwrap_err();
        assert_eq!(e[0].field, "into");
        let e = GroupChoice::parse(&input("move", "", "")).unwrap_err();
        assert_eq!(e[0].kind.code(), "unknown_value");
        assert_eq!(
            GroupChoice::parse(&input("merge", "", " 7 ")).unwrap(),
            GroupChoice::Merge { into: GroupId(7) }
        );
        assert_eq!(
            GroupChoice::parse(&input("dissolve", "junk", "")).unwrap(),
            GroupChoice::Dissolve
        );
    }

    #[test]
    fn carry_goes_to_a_unit_of_the_scheme_and_leadership_to_a_new_one_once() {
        let s = scope();
        let mut c = BTreeMap::new();
        c.insert(GroupId(1), carry("26743-kp20"));
        assert_eq!(check_groups(&s, &c), Ok(()));
        c.insert(GroupId(2), carry("26743-kp20"));
        assert_eq!(
            check_group(&s, &c, GroupId(2)).unwrap_err().code,
            "scheme_group_leadership_taken"
        );
        c.insert(GroupId(2), carry("26743-kp05"));
        assert_eq!(check_group(&s, &c, GroupId(2)).unwrap_err().field, "to");
        c.insert(GroupId(2), carry("26743-kp99"));
        assert_eq!(
            check_group(&s, &c, GroupId(2)).unwrap_err().code,
            "scheme_group_bad_target"
        );
        assert_eq!(
            check_group(&s, &c, GroupId(42)).unwrap_err(),
            rule("scheme_group_not_affected", "group")
        );
    }

    #[test]
    fn merge_into_a_continuing_group_of_the_same_kind() {
        let s = scope();
        let mut c = BTreeMap::new();
        c.insert(GroupId(2), GroupChoice::Merge { into: GroupId(1) });
        // 1 is dissolved by default: nothing to merge into.
        assert_eq!(
            check_group(&s, &c, GroupId(2)).unwrap_err().code,
            "scheme_group_bad_merge"
        );
        assert_eq!(
            check_group(&s, &c, GroupId(1)).unwrap_err(),
            rule("scheme_group_has_merges", "action")
        );
        c.insert(GroupId(1), carry("26743-kp20"));
        assert_eq!(check_groups(&s, &c), Ok(()));
        c.insert(GroupId(2), GroupChoice::Merge { into: GroupId(2) });
        assert!(check_group(&s, &c, GroupId(2)).is_err());
        c.insert(GroupId(2), GroupChoice::Merge { into: GroupId(9) });
        assert_eq!(check_group(&s, &c, GroupId(2)), Ok(()));
        c.insert(GroupId(3), GroupChoice::Merge { into: GroupId(9) });
        assert_eq!(
            check_group(&s, &c, GroupId(3)).unwrap_err().code,
            "scheme_group_merge_kind"
        );
    }

    #[test]
    fn dispositions_group_merges_and_ignore_stale_choices() {
        let s = scope();
        let mut c = BTreeMap::new();
        c.insert(GroupId(1), carry("26743-kp20"));
        c.insert(GroupId(2), GroupChoice::Merge { into: GroupId(1) });
        c.insert(GroupId(3), GroupChoice::Dissolve);
        c.insert(GroupId(77), GroupChoice::Dissolve);
        assert_eq!(check_groups(&s, &c), Ok(()));
        let d = dispositions(&s, &c);
        assert_eq!(
            d,
            vec![
                GroupDisposition::CarryOver {
                    group: GroupId(1),
                    to: code("26743-kp20")
                },
                GroupDisposition::Dissolve { group: GroupId(3) },
                GroupDisposition::Merge {
                    groups: vec![GroupId(1), GroupId(2)],
                    into: GroupId(1)
                },
            ]
        );
    }
}
