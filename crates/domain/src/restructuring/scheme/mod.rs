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

use jiff::civil::Date;
use serde::Deserialize;

use super::{LegalBasis, NewUnit, Plan, Step};
use crate::territory::{LocalCode, Tier, UnitCode, UnitKind};
use crate::text::required;
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind, HouseholdId};

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

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s).ok_or(s)
            }
        }
    };
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
    listed: &[(HouseholdId, i64)],
    parts: &[i64],
) -> SplitGap {
    let unit: BTreeSet<HouseholdId> = unit_households.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let mut per_part: BTreeMap<i64, usize> = parts.iter().map(|p| (*p, 0)).collect();
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

/// A scheme's header as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SchemeInput {
    pub title: String,
    pub reason: String,
    pub effective_on: String,
    #[serde(default)]
    pub basis_number: String,
    #[serde(default)]
    pub basis_date: String,
    #[serde(default)]
    pub basis_signer: String,
}

/// A scheme's header, parsed. The legal basis may be filled in later; it is needed to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeHeader {
    pub title: String,
    pub reason: String,
    pub effective_on: Date,
    pub basis_number: String,
    pub basis_date: Option<Date>,
    pub basis_signer: String,
}

fn optional(raw: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    let t = crate::text::clean(raw);
    if t.chars().count() > max {
        return Err(FieldError::new(field, FieldErrorKind::TooLong { max }, ""));
    }
    Ok(t)
}

fn multiline(raw: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    let lines: Vec<String> = raw.lines().map(crate::text::clean).collect();
    let t = lines.join("\n").trim().to_owned();
    if t.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, FieldErrorKind::TooLong { max }, ""));
    }
    Ok(t)
}

impl SchemeHeader {
    pub fn parse(i: &SchemeInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let title = c.check(required(&i.title, "title", TITLE_MAX));
        let reason = c.check(multiline(&i.reason, "reason", REASON_MAX));
        let effective_on = c.check(parse_date(Some(&i.effective_on), "effective_on").and_then(
            |d| d.ok_or_else(|| FieldError::new("effective_on", FieldErrorKind::Required, "")),
        ));
        let basis_number = c.check(optional(&i.basis_number, "basis_number", 100));
        let basis_date = c.check(parse_date(Some(&i.basis_date), "basis_date"));
        let basis_signer = c.check(optional(&i.basis_signer, "basis_signer", 200));
        let errors = c.into_errors();
        match (
            title,
            reason,
            effective_on,
            basis_number,
            basis_date,
            basis_signer,
        ) {
            (Some(title), Some(reason), Some(effective_on), Some(n), Some(d), Some(s))
                if errors.is_empty() =>
            {
                Ok(SchemeHeader {
                    title,
                    reason,
                    effective_on,
                    basis_number: n,
                    basis_date: d,
                    basis_signer: s,
                })
            }
            _ => Err(errors),
        }
    }

    /// The legal basis, needed to apply.
    pub fn basis(&self) -> Result<LegalBasis, SchemeRule> {
        match self.basis_date {
            Some(date) if !self.basis_number.is_empty() && !self.basis_signer.is_empty() => {
                Ok(LegalBasis {
                    number: self.basis_number.clone(),
                    date,
                    signer: self.basis_signer.clone(),
                    file: None,
                })
            }
            _ => Err(rule("scheme_no_basis", "basis_number")),
        }
    }
}

fn unit_code(raw: &str, field: &'static str) -> Result<UnitCode, FieldError> {
    UnitCode::parse(raw).map_err(|e| FieldError { field, ..e })
}

fn residential_kind(raw: &str, field: &'static str) -> Result<UnitKind, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, ""));
    }
    UnitKind::parse(raw)
        .filter(|k| k.tier() == Tier::Residential)
        .ok_or_else(|| FieldError::new(field, FieldErrorKind::UnknownValue, ""))
}

fn local_code(raw: &str, field: &'static str) -> Result<LocalCode, FieldError> {
    LocalCode::parse(raw).map_err(|e| FieldError { field, ..e })
}

/// A merge as typed: the units (codes), and either an existing unit to merge into or the
/// new unit's name, kind and local code; the units declared adjacent; candidate names.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MergeInput {
    pub units: Vec<String>,
    #[serde(default)]
    pub into: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub local_code: String,
    #[serde(default)]
    pub adjacent: bool,
    /// Candidate names for the new unit, one per line, put to the households' vote.
    #[serde(default)]
    pub candidates: String,
}

/// A new unit's name, kind and local code (below the parts' parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPart {
    pub name: String,
    pub kind: UnitKind,
    pub local_code: LocalCode,
}

/// A merge, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub units: Vec<UnitCode>,
    /// Merge into an existing unit, or make a new one.
    pub into: Result<UnitCode, NewPart>,
    pub candidates: Vec<String>,
}

fn candidates(raw: &str) -> Result<Vec<String>, FieldError> {
    let names: Vec<String> = raw
        .lines()
        .map(crate::text::clean)
        .filter(|l| !l.is_empty())
        .collect();
    if names.len() > MAX_CANDIDATES {
        return Err(FieldError::new(
            "candidates",
            FieldErrorKind::OutOfRange {
                min: 0,
                max: MAX_CANDIDATES as i64,
            },
            "",
        ));
    }
    if names.iter().any(|n| n.chars().count() > NAME_MAX) {
        return Err(FieldError::new(
            "candidates",
            FieldErrorKind::TooLong { max: NAME_MAX },
            "",
        ));
    }
    Ok(names)
}

impl Merge {
    pub fn parse(i: &MergeInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let into_raw = i.into.trim();
        let into = if into_raw.is_empty() {
            None
        } else {
            c.check(unit_code(into_raw, "into")).map(Some)
        };
        let mut units = Vec::new();
        let mut bad_unit = false;
        for raw in i.units.iter().filter(|u| !u.trim().is_empty()) {
            match unit_code(raw, "units") {
                Ok(u)
                    if !units.contains(&u)
                        && into.as_ref().and_then(|x| x.as_ref()) != Some(&u) =>
                {
                    units.push(u)
                }
                Ok(_) => {}
                Err(e) => {
                    bad_unit = true;
                    c.check::<()>(Err(e));
                }
            }
        }
        let needed = if matches!(into, Some(Some(_))) { 1 } else { 2 };
        if !bad_unit && units.len() < needed {
            c.check::<()>(Err(FieldError::new(
                "units",
                FieldErrorKind::OutOfRange {
                    min: needed as i64,
                    max: 100,
                },
                "too few units",
            )));
        }
        if !i.adjacent {
            c.check::<()>(Err(FieldError::new(
                "adjacent",
                FieldErrorKind::Required,
                "the units must be declared adjacent",
            )));
        }
        let new = match into {
            Some(_) => None,
            None => {
                let name = c.check(required(&i.name, "name", NAME_MAX));
                let kind = c.check(residential_kind(&i.kind, "kind"));
                let local = c.check(local_code(&i.local_code, "local_code"));
                match (name, kind, local) {
                    (Some(name), Some(kind), Some(local_code)) => Some(NewPart {
                        name,
                        kind,
                        local_code,
                    }),
                    _ => None,
                }
            }
        };
        let cands = c.check(candidates(&i.candidates));
        let errors = c.into_errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let into = match (into, new) {
            (Some(Some(u)), _) => Ok(u),
            (_, Some(n)) => Err(n),
            _ => return Err(errors),
        };
        Ok(Merge {
            units,
            into,
            candidates: cands.unwrap_or_default(),
        })
    }
}

/// One part of a split as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub local_code: String,
}

/// A split as typed: the unit and its new parts (blank rows ignored).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SplitInput {
    pub unit: String,
    pub parts: Vec<PartInput>,
}

/// A split, parsed: at least two parts, their local codes distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub unit: UnitCode,
    pub parts: Vec<NewPart>,
}

/// The form's field names of part `n` (0-based): name, kind, local code.
pub const PART_FIELDS: [[&str; 3]; MAX_PARTS] = [
    ["part1_name", "part1_kind", "part1_local_code"],
    ["part2_name", "part2_kind", "part2_local_code"],
    ["part3_name", "part3_kind", "part3_local_code"],
    ["part4_name", "part4_kind", "part4_local_code"],
    ["part5_name", "part5_kind", "part5_local_code"],
    ["part6_name", "part6_kind", "part6_local_code"],
];

impl Split {
    pub fn parse(i: &SplitInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let unit = c.check(unit_code(&i.unit, "unit"));
        let mut parts: Vec<NewPart> = Vec::new();
        let filled = i.parts.iter().filter(|p| {
            !(p.name.trim().is_empty()
                && p.kind.trim().is_empty()
                && p.local_code.trim().is_empty())
        });
        for (n, p) in filled.enumerate() {
            let Some([f_name, f_kind, f_code]) = PART_FIELDS.get(n).copied() else {
                c.check::<()>(Err(FieldError::new(
                    "parts",
                    FieldErrorKind::OutOfRange {
                        min: 2,
                        max: MAX_PARTS as i64,
                    },
                    "too many parts",
                )));
                break;
            };
            let name = c.check(required(&p.name, f_name, NAME_MAX));
            let kind = c.check(residential_kind(&p.kind, f_kind));
            let local = c.check(local_code(&p.local_code, f_code));
            if let Some(l) = &local {
                if parts.iter().any(|q| &q.local_code == l) {
                    c.check::<()>(Err(FieldError::new(
                        f_code,
                        FieldErrorKind::NotAllowedHere,
                        "the same code twice",
                    )));
                    continue;
                }
            }
            if let (Some(name), Some(kind), Some(local_code)) = (name, kind, local) {
                parts.push(NewPart {
                    name,
                    kind,
                    local_code,
                });
            }
        }
        let errors = c.into_errors();
        if errors.is_empty() && parts.len() < 2 {
            return Err(vec![FieldError::new(
                "part2_name",
                FieldErrorKind::Required,
                "a split makes at least two parts",
            )]);
        }
        match unit {
            Some(unit) if errors.is_empty() => Ok(Split { unit, parts }),
            _ => Err(errors),
        }
    }
}

/// A rename as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RenameInput {
    pub unit: String,
    pub name: String,
    pub kind: String,
}

/// A rename, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub unit: UnitCode,
    pub name: String,
    pub kind: UnitKind,
}

impl Rename {
    pub fn parse(i: &RenameInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let unit = c.check(unit_code(&i.unit, "unit"));
        let name = c.check(required(&i.name, "name", NAME_MAX));
        let kind = c.check(residential_kind(&i.kind, "kind"));
        let errors = c.into_errors();
        match (unit, name, kind) {
            (Some(unit), Some(name), Some(kind)) if errors.is_empty() => {
                Ok(Rename { unit, name, kind })
            }
            _ => Err(errors),
        }
    }
}

/// An override of the consent: why, and the decision approving it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OverrideInput {
    pub reason: String,
    pub number: String,
    pub date: String,
    pub signer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub reason: String,
    pub number: String,
    pub date: Date,
    pub signer: String,
}

impl Override {
    pub fn parse(i: &OverrideInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let reason = c.check(multiline(&i.reason, "reason", REASON_MAX));
        let number = c.check(required(&i.number, "number", 100));
        let date =
            c.check(parse_date(Some(&i.date), "date").and_then(|d| {
                d.ok_or_else(|| FieldError::new("date", FieldErrorKind::Required, ""))
            }));
        let signer = c.check(required(&i.signer, "signer", 200));
        let errors = c.into_errors();
        match (reason, number, date, signer) {
            (Some(reason), Some(number), Some(date), Some(signer)) if errors.is_empty() => {
                Ok(Override {
                    reason,
                    number,
                    date,
                    signer,
                })
            }
            _ => Err(errors),
        }
    }
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
    scheme_id: i64,
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
