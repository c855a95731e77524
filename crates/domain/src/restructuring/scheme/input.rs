//! What a commune official types into a scheme, parsed: the header, a merge, a split, a
//! rename, an override of the consent. Every field is checked; every error returned at once.

use jiff::civil::Date;
use serde::Deserialize;

use super::{SchemeRule, MAX_CANDIDATES, MAX_PARTS, NAME_MAX, REASON_MAX, TITLE_MAX};
use crate::restructuring::LegalBasis;
use crate::territory::{LocalCode, Tier, UnitCode, UnitKind};
use crate::text::required;
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind};

/// A scheme's header as typed (a field not sent is empty).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SchemeInput {
    pub title: String,
    pub reason: String,
    pub effective_on: String,
    pub basis_number: String,
    pub basis_date: String,
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
            _ => Err(SchemeRule {
                code: "scheme_no_basis",
                field: "basis_number",
            }),
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

/// An override of the consent: why, and the decision approving it (a field not sent is
/// empty).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
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
