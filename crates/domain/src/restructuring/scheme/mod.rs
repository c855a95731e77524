//! Restructuring schemes (đề án sắp xếp): drafted by the commune, consulted on with the
//! households of every affected unit, approved, and applied as a [`Plan`].
//!
//! A scheme is a list of items — merges (of whole units into a new unit, or into an existing
//! one), splits (with the explicit household list of every part) and renames. It can be
//! edited only while a draft. Applying it needs: the scheme approved, a legal basis, every
//! split's lists complete, consent on record for every affected unit (more than 50% of the
//! household representatives of each, Circular 04/2012/TT-BNV as amended, Art 7–8) or an
//! override with its reason and approving decision, and no freeze in force.

use std::collections::{BTreeMap, BTreeSet};

use super::{NewUnit, Plan, Step};
use crate::code::code_enum;
pub use crate::code::{FreezeId, SchemeId, SchemeItemId, SplitPartId};
use crate::territory::UnitCode;
use crate::HouseholdId;

mod groups;
mod input;

pub use groups::{
    check_group, check_groups, dispositions, GroupAction, GroupChoice, GroupChoiceInput, GroupFact,
    GroupScope,
};
pub use input::{
    Merge, MergeInput, NewPart, Override, OverrideInput, PartInput, Rename, RenameInput,
    SchemeHeader, SchemeInput, Split, SplitInput, PART_FIELDS,
};

pub const TITLE_MAX: usize = 200;
pub const REASON_MAX: usize = 4_000;
pub const NAME_MAX: usize = 100;
/// Parts of one split on the form.
pub const MAX_PARTS: usize = 6;
pub const MAX_CANDIDATES: usize = 5;

/// A rule of schemes that refused something (`rule.{code}` in the catalogues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemeRule {
    pub code: &'static str,
    pub field: &'static str,
}

const fn rule(code: &'static str, field: &'static str) -> SchemeRule {
    SchemeRule { code, field }
}

code_enum!(
    /// Where a scheme stands.
    SchemeStatus {
        Draft => "draft",
        /// The households of the affected units are being consulted.
        Consulting => "consulting",
        /// Approved by the commune (People's Council decision): ready to apply.
        Approved => "approved",
        Applied => "applied",
        Abandoned => "abandoned",
    }
);

code_enum!(
    /// One kind of change in a scheme.
    ItemKind {
        Merge => "merge",
        Split => "split",
        Rename => "rename",
    }
);

code_enum!(
    /// Why a scheme opened a household ballot.
    VotePurpose {
        /// The consent of an affected unit's households.
        Consent => "consent",
        /// A candidate name for a new unit.
        Name => "name",
    }
);

impl SchemeStatus {
    /// Drafts only are edited.
    pub fn edit(self) -> Result<(), SchemeRule> {
        (self == Self::Draft)
            .then_some(())
            .ok_or(rule("scheme_not_draft", "status"))
    }

    /// Draft → consulting, with at least one item.
    pub fn start_consulting(self, items: usize) -> Result<(), SchemeRule> {
        self.edit()?;
        (items > 0)
            .then_some(())
            .ok_or(rule("scheme_no_items", "items"))
    }

    /// Consulting → approved.
    pub fn approve(self) -> Result<(), SchemeRule> {
        (self == Self::Consulting)
            .then_some(())
            .ok_or(rule("scheme_not_consulting", "status"))
    }

    /// Anything not yet applied may be abandoned.
    pub fn abandon(self) -> Result<(), SchemeRule> {
        matches!(self, Self::Draft | Self::Consulting | Self::Approved)
            .then_some(())
            .ok_or(rule("scheme_closed", "status"))
    }

    /// An override is recorded while consulting or approved.
    pub fn override_consent(self) -> Result<(), SchemeRule> {
        matches!(self, Self::Consulting | Self::Approved)
            .then_some(())
            .ok_or(rule("scheme_not_consulting", "status"))
    }
}

/// The consent of one affected unit, from its household ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// No ballot yet, or the ballot is still open.
    Pending,
    Passed,
    Refused,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Pending => "pending",
            Consent::Passed => "passed",
            Consent::Refused => "refused",
        }
    }
}

/// More than 50% of the household representatives on the roll agree: exactly half is not
/// enough.
pub fn consent_passed(yes: u64, roll: u64) -> bool {
    roll > 0 && yes * 2 > roll
}

/// A unit's consent from its ballot: pending while open.
pub fn consent_of(closed: bool, yes: u64, roll: u64) -> Consent {
    match (closed, consent_passed(yes, roll)) {
        (false, _) => Consent::Pending,
        (true, true) => Consent::Passed,
        (true, false) => Consent::Refused,
    }
}

/// Whether an approved scheme may be applied as far as consent goes: every affected unit
/// passed, or an override is recorded.
pub fn consent_ready(consents: &[Consent], overridden: bool) -> Result<(), SchemeRule> {
    if overridden || (!consents.is_empty() && consents.iter().all(|c| *c == Consent::Passed)) {
        Ok(())
    } else {
        Err(rule("scheme_no_consent", "consent"))
    }
}

/// What is wrong with a split's household lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitGap {
    /// Households of the unit in no part.
    pub missing: Vec<HouseholdId>,
    /// Listed households that are not (or no longer) in the unit.
    pub foreign: Vec<HouseholdId>,
    /// Parts with no household.
    pub empty_parts: usize,
}

impl SplitGap {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.foreign.is_empty() && self.empty_parts == 0
    }
}

/// Checks that the lists cover every household of the unit exactly once (a household can be
/// listed once per split at most: the store's key) and that every part has a household.
pub fn split_gap(
    unit_households: &[HouseholdId],
    listed: &[(HouseholdId, SplitPartId)],
    parts: &[SplitPartId],
) -> SplitGap {
    let unit: BTreeSet<HouseholdId> = unit_households.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let mut per_part: BTreeMap<SplitPartId, usize> = parts.iter().map(|p| (*p, 0)).collect();
    let mut gap = SplitGap::default();
    for (h, part) in listed {
        if !unit.contains(h) || !seen.insert(*h) {
            gap.foreign.push(*h);
            continue;
        }
        if let Some(n) = per_part.get_mut(part) {
            *n += 1;
        }
    }
    gap.missing = unit.difference(&seen).copied().collect();
    gap.empty_parts = per_part.values().filter(|n| **n == 0).count();
    gap
}

/// One item of a scheme with what the store knows, ready to become a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemPlan {
    /// `parent`: the parts' parent, where a new unit is opened.
    Merge {
        units: Vec<UnitCode>,
        parent: UnitCode,
        into: Result<UnitCode, NewPart>,
    },
    Split {
        unit: UnitCode,
        parent: UnitCode,
        parts: Vec<(NewPart, Vec<HouseholdId>)>,
    },
    Rename(Rename),
}

fn new_unit(parent: &UnitCode, p: NewPart) -> NewUnit {
    NewUnit {
        parent: parent.clone(),
        local_code: p.local_code,
        name: p.name,
        kind: p.kind,
    }
}

/// Turns a scheme's items into the plan `apply_plan` executes: a merge into a new unit is
/// `CreateFromParts`, into an existing unit `MergeInto`; a split keeps its lists; a rename
/// is a `Rename`. No unit may appear in two items.
pub fn to_plan(
    commune: UnitCode,
    header: &SchemeHeader,
    scheme_id: SchemeId,
    items: Vec<ItemPlan>,
) -> Result<Plan, SchemeRule> {
    let basis = header.basis()?;
    if items.is_empty() {
        return Err(rule("scheme_no_items", "items"));
    }
    let mut seen = BTreeSet::new();
    let mut steps = Vec::with_capacity(items.len());
    for item in items {
        let touched: Vec<UnitCode> = match &item {
            ItemPlan::Merge { units, into, .. } => {
                let mut t = units.clone();
                if let Ok(r) = into {
                    t.push(r.clone());
                }
                t
            }
            ItemPlan::Split { unit, .. } => vec![unit.clone()],
            ItemPlan::Rename(r) => vec![r.unit.clone()],
        };
        if !touched.into_iter().all(|u| seen.insert(u)) {
            return Err(rule("scheme_unit_twice", "items"));
        }
        steps.push(match item {
            ItemPlan::Merge {
                units,
                parent,
                into: Ok(receiver),
            } => {
                let _ = parent;
                Step::MergeInto {
                    parts: units,
                    receiver,
                }
            }
            ItemPlan::Merge {
                units,
                parent,
                into: Err(new),
            } => Step::CreateFromParts {
                parts: units,
                into: new_unit(&parent, new),
            },
            ItemPlan::Split {
                unit,
                parent,
                parts,
            } => Step::Split {
                unit,
                parts: parts
                    .into_iter()
                    .map(|(p, hs)| (new_unit(&parent, p), hs))
                    .collect(),
            },
            ItemPlan::Rename(r) => Step::Rename {
                unit: r.unit,
                name: r.name,
                kind: r.kind,
            },
        });
    }
    Ok(Plan {
        commune,
        effective_on: header.effective_on,
        basis,
        scheme_id: Some(scheme_id),
        steps,
        groups: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
