//! Raw input for groups and decisions, parsed into values that can only be valid or into a
//! `FieldError` naming the field.

use jiff::civil::Date;
use serde::Deserialize;

use super::{DecisionKind, GroupKind};
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::input::too_many;
use crate::territory::UnitCode;
use crate::text;
pub use crate::text::{optional as optional_text, required as required_text};
use crate::time::required_date;

pub const GROUP_NAME_MAX: usize = 120;
pub const KIND_LABEL_MAX: usize = 80;
pub const DECISION_NUMBER_MAX: usize = 50;
pub const ISSUER_MAX: usize = 200;
pub const PERSON_NAME_MAX: usize = 100;
pub const NOTE_MAX: usize = 500;
/// A group covers at most this many units.
pub const MAX_UNITS: usize = 50;

/// An optional date: blank means `default`.
pub(crate) fn date_or(
    raw: Option<&str>,
    field: &'static str,
    default: Date,
) -> Result<Date, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => required_date(s, field),
    }
}

pub(crate) fn not_after(d: Date, limit: Date, field: &'static str) -> Result<Date, FieldError> {
    if d > limit {
        return Err(FieldError::new(
            field,
            FieldErrorKind::NotAllowedHere,
            "a date in the future",
        ));
    }
    if d.year() < 1945 {
        return Err(FieldError::new(
            field,
            FieldErrorKind::NotAllowedHere,
            "implausibly old",
        ));
    }
    Ok(d)
}

/// Raw input for a new group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewGroupInput {
    pub kind: String,
    pub kind_label: Option<String>,
    pub name: String,
    /// The units the group covers; blank means only the unit it is created in.
    pub unit_codes: Vec<String>,
}

/// A new group that passed every rule. Whether its units lie inside the unit it belongs to is
/// checked against the stored tree by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub kind: GroupKind,
    /// For `Other`: what kind of group it is.
    pub kind_label: Option<String>,
    pub name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
    /// Distinct; empty means the group's own unit.
    pub unit_codes: Vec<UnitCode>,
}

impl NewGroup {
    /// The group, or the first rule it breaks.
    pub fn parse(input: &NewGroupInput) -> Result<Self, FieldError> {
        Self::parse_all(input).map_err(|mut e| e.swap_remove(0))
    }

    /// The group, or every rule it breaks (never an empty list), in the form's order.
    pub fn parse_all(input: &NewGroupInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let kind = c.check(parse_group_kind(&input.kind));
        // What kind of group "other" is; no label is asked of any other (or unknown) kind.
        let kind_label = match kind {
            Some(GroupKind::Other) => c
                .check(required_text(
                    input.kind_label.as_deref().unwrap_or(""),
                    "kind_label",
                    KIND_LABEL_MAX,
                ))
                .map(Some),
            _ => Some(None),
        };
        let name = c.check(required_text(&input.name, "name", GROUP_NAME_MAX));
        let unit_codes = c.check(parse_unit_codes(&input.unit_codes));
        let (Some(kind), Some(kind_label), Some(name), Some(unit_codes)) =
            (kind, kind_label, name, unit_codes)
        else {
            return Err(c.into_errors());
        };
        Ok(Self {
            name_folded: text::fold(&name),
            sort_key: text::sort_key(&name),
            kind,
            kind_label,
            name,
            unit_codes,
        })
    }
}

fn parse_group_kind(raw: &str) -> Result<GroupKind, FieldError> {
    match raw.trim() {
        "" => Err(FieldError::new("kind", FieldErrorKind::Required, "empty")),
        k => GroupKind::parse(k)
            .filter(|k| k.creatable())
            .ok_or_else(|| {
                FieldError::new("kind", FieldErrorKind::UnknownValue, "not a group kind")
            }),
    }
}

/// Distinct unit codes, separated by commas, spaces or lines, at most [`MAX_UNITS`].
fn parse_unit_codes(raw: &[String]) -> Result<Vec<UnitCode>, FieldError> {
    let mut unit_codes: Vec<UnitCode> = Vec::new();
    for raw in raw
        .iter()
        .flat_map(|s| s.split([',', ' ', '\n']))
        .filter(|s| !s.trim().is_empty())
    {
        let code = UnitCode::parse(raw).map_err(|e| FieldError {
            field: "unit_codes",
            ..e
        })?;
        if !unit_codes.contains(&code) {
            unit_codes.push(code);
        }
    }
    if unit_codes.len() > MAX_UNITS {
        return Err(too_many("unit_codes", MAX_UNITS, "too many units"));
    }
    Ok(unit_codes)
}

/// Raw input for an establishment or dissolution decision.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewDecisionInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub signer: String,
    /// Blank: the day of issue.
    #[serde(default)]
    pub effective_on: Option<String>,
}

/// A decision (quyết định) that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub kind: DecisionKind,
    /// Số quyết định, e.g. `125/QĐ-UBND`.
    pub number: String,
    pub issued_on: Date,
    /// Cơ quan ban hành, e.g. `UBND phường Bến Thành`.
    pub issuer: String,
    /// Người ký.
    pub signer: String,
    pub effective_on: Date,
}

impl NewDecision {
    /// The decision, or the first rule it breaks.
    pub fn parse(input: &NewDecisionInput, today: Date) -> Result<Self, FieldError> {
        Self::parse_all(input, today).map_err(|mut e| e.swap_remove(0))
    }

    /// The decision, or every rule it breaks (never an empty list), in the form's order.
    pub fn parse_all(input: &NewDecisionInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let kind = c.check(match input.kind.trim() {
            "" => Err(FieldError::new("kind", FieldErrorKind::Required, "empty")),
            k => DecisionKind::parse(k).ok_or_else(|| {
                FieldError::new(
                    "kind",
                    FieldErrorKind::UnknownValue,
                    "establishment or dissolution",
                )
            }),
        });
        let number = c.check(required_text(&input.number, "number", DECISION_NUMBER_MAX));
        let issued_on = c.check(
            required_date(&input.issued_on, "issued_on")
                .and_then(|d| not_after(d, today, "issued_on")),
        );
        let issuer = c.check(required_text(&input.issuer, "issuer", ISSUER_MAX));
        let signer = c.check(required_text(&input.signer, "signer", PERSON_NAME_MAX));
        // Without a valid day of issue, a typed effective date is still checked as a date.
        let effective_on = c.check(
            date_or(
                input.effective_on.as_deref(),
                "effective_on",
                issued_on.unwrap_or(today),
            )
            .and_then(|e| match issued_on {
                Some(i) if e < i => Err(FieldError::new(
                    "effective_on",
                    FieldErrorKind::NotAllowedHere,
                    "before the day of issue",
                )),
                _ => Ok(e),
            }),
        );
        let (
            Some(kind),
            Some(number),
            Some(issued_on),
            Some(issuer),
            Some(signer),
            Some(effective_on),
        ) = (kind, number, issued_on, issuer, signer, effective_on)
        else {
            return Err(c.into_errors());
        };
        Ok(Self {
            kind,
            number,
            issued_on,
            issuer,
            signer,
            effective_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::refused;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 21);

    /// A change to a valid input, and the field it should make fail.
    type Patch<T> = (fn(&mut T), &'static str);

    #[test]
    fn groups_need_a_kind_a_name_and_valid_units() {
        let input = NewGroupInput {
            kind: "to_xung_kich".into(),
            name: "  Tổ bảo vệ  ANTT khu phố 1 ".into(),
            unit_codes: vec!["26743-KP01, 26743-kp02".into(), "26743-kp01".into()],
            ..Default::default()
        };
        let g = NewGroup::parse(&input).unwrap();
        assert_eq!(g.kind, GroupKind::ToBaoVeAntt);
        assert_eq!(g.name, "Tổ bảo vệ ANTT khu phố 1");
        assert_eq!(g.unit_codes.len(), 2);
        assert_eq!(g.kind_label, None);
        let cases: Vec<Patch<NewGroupInput>> = vec![
            (|i| i.kind = "".into(), "kind"),
            (|i| i.kind = "unit_leadership".into(), "kind"),
            (|i| i.kind = "other".into(), "kind_label"),
            (|i| i.name = " ".into(), "name"),
            (|i| i.unit_codes = vec!["kp01".into()], "unit_codes"),
        ];
        for (patch, field) in cases {
            let mut i = input.clone();
            patch(&mut i);
            assert_eq!(NewGroup::parse(&i).unwrap_err().field, field);
        }
        let mut other = input.clone();
        other.kind = "other".into();
        other.kind_label = Some("Câu lạc bộ dưỡng sinh".into());
        assert_eq!(
            NewGroup::parse(&other).unwrap().kind_label.as_deref(),
            Some("Câu lạc bộ dưỡng sinh")
        );
    }

    #[test]
    fn decisions_name_their_bad_field() {
        let input = NewDecisionInput {
            kind: "establishment".into(),
            number: "125/QĐ-UBND".into(),
            issued_on: "15/07/2025".into(),
            issuer: "UBND phường Bến Thành".into(),
            signer: "Nguyễn Văn A".into(),
            effective_on: None,
        };
        let d = NewDecision::parse(&input, TODAY).unwrap();
        assert_eq!(d.issued_on, date(2025, 7, 15));
        assert_eq!(d.effective_on, d.issued_on);
        let cases: Vec<Patch<NewDecisionInput>> = vec![
            (|i| i.kind = "merger".into(), "kind"),
            (|i| i.number = "".into(), "number"),
            (|i| i.issued_on = "2027-01-01".into(), "issued_on"),
            (|i| i.issued_on = "31/02/2025".into(), "issued_on"),
            (|i| i.issuer = "".into(), "issuer"),
            (|i| i.signer = "".into(), "signer"),
            (
                |i| i.effective_on = Some("2025-07-01".into()),
                "effective_on",
            ),
        ];
        for (patch, field) in cases {
            let mut i = input.clone();
            patch(&mut i);
            assert_eq!(NewDecision::parse(&i, TODAY).unwrap_err().field, field);
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let g = NewGroupInput {
            kind: "other".into(),
            name: " ".into(),
            unit_codes: vec!["kp01".into()],
            ..Default::default()
        };
        assert_eq!(
            refused(NewGroup::parse_all(&g)),
            ["kind_label", "name", "unit_codes"]
        );
        let d = NewDecisionInput {
            kind: "merger".into(),
            issued_on: "2027-01-01".into(),
            effective_on: Some("31/02/2025".into()),
            ..Default::default()
        };
        assert_eq!(
            refused(NewDecision::parse_all(&d, TODAY)),
            [
                "kind",
                "number",
                "issued_on",
                "issuer",
                "signer",
                "effective_on"
            ]
        );
    }
}
