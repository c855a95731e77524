//! Police and militia beats (docs/beats.md): the beat (địa bàn) of an area police officer
//! (cảnh sát khu vực) is a set of WHOLE residential units, each assigned with validity dates;
//! the militia head (khu đội trưởng, ấp đội trưởng) is a named person per unit directly below
//! a commune. This module parses the inputs; [`align`] holds the alignment checks,
//! [`carry`] what a restructuring does to the beats and [`militia`] to the militia heads,
//! all pure functions.

use jiff::civil::Date;

use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::people::Phone;
use crate::territory::{Tier, Unit};
use crate::text;
use crate::time::parse_date;
use crate::ResidentId;

pub mod align;
pub mod carry;
pub mod militia;

pub use crate::code::{BeatAssignmentId, BeatId, MilitiaHeadId};
pub use align::{align, AlignUnit, Alignment, Cover, Crossing, Overlap, Partial, Stale};
pub use carry::{carry_plan, Assign, CarryEvent, CarryPlan, End, Part, Undecided};
pub use militia::{carry_militia, HeadCarry, HeadEnd, MilitiaPlan, OpenHead};

/// Longest beat or person name.
pub const NAME_MAX: usize = 120;

/// A beat's fields as a form or JSON body gives them.
#[derive(Debug, Clone, Default)]
pub struct BeatInput {
    pub name: String,
    /// The officer's account (username), optional: the grants follow the beat only when set.
    pub officer_username: String,
    pub officer_name: String,
    pub officer_phone: String,
    pub valid_from: String,
}

/// A beat that passed every check (the account, if any, is looked up by the use case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBeat {
    pub name: String,
    pub officer_username: Option<String>,
    pub officer_name: String,
    pub officer_phone: String,
    pub valid_from: Date,
}

fn phone(raw: &str, field: &'static str) -> Result<String, FieldError> {
    match raw.trim() {
        "" => Ok(String::new()),
        p => Phone::parse(p)
            .map(|p| p.as_str().to_owned())
            .map_err(|e| FieldError { field, ..e }),
    }
}

/// A required date, default `today` when blank.
fn date_or(raw: &str, field: &'static str, today: Date) -> Result<Date, FieldError> {
    Ok(parse_date(Some(raw), field)?.unwrap_or(today))
}

impl NewBeat {
    /// Every field checked at once: a name, the officer's name (or an account, whose display
    /// name then stands in), a phone number if given, the first day (default today).
    pub fn parse(input: &BeatInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let name = c.check(text::required(&input.name, "name", NAME_MAX));
        let username = input.officer_username.trim().to_owned();
        let officer_name = text::clean(&input.officer_name);
        let officer_name = c.check(if officer_name.is_empty() && username.is_empty() {
            Err(FieldError::new(
                "officer_name",
                FieldErrorKind::Required,
                "a name or an account",
            ))
        } else if officer_name.chars().count() > NAME_MAX {
            Err(FieldError::new(
                "officer_name",
                FieldErrorKind::TooLong { max: NAME_MAX },
                "long",
            ))
        } else {
            Ok(officer_name)
        });
        let officer_phone = c.check(phone(&input.officer_phone, "officer_phone"));
        let valid_from = c.check(date_or(&input.valid_from, "valid_from", today));
        match (name, officer_name, officer_phone, valid_from) {
            (Some(name), Some(officer_name), Some(officer_phone), Some(valid_from)) => Ok(Self {
                name,
                officer_username: (!username.is_empty()).then_some(username),
                officer_name,
                officer_phone,
                valid_from,
            }),
            _ => Err(c.into_errors()),
        }
    }
}

/// A militia head's fields as a form or JSON body gives them.
#[derive(Debug, Clone, Default)]
pub struct MilitiaInput {
    pub unit_code: String,
    pub full_name: String,
    pub phone: String,
    pub resident_id: Option<ResidentId>,
    pub valid_from: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMilitiaHead {
    pub unit_code: String,
    pub full_name: String,
    pub phone: String,
    pub resident_id: Option<ResidentId>,
    pub valid_from: Date,
}

impl NewMilitiaHead {
    pub fn parse(input: &MilitiaInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let unit_code = c.check(text::required(&input.unit_code, "unit_code", 40));
        let full_name = c.check(text::required(&input.full_name, "full_name", NAME_MAX));
        let phone = c.check(phone(&input.phone, "phone"));
        let valid_from = c.check(date_or(&input.valid_from, "valid_from", today));
        match (unit_code, full_name, phone, valid_from) {
            (Some(unit_code), Some(full_name), Some(phone), Some(valid_from)) => Ok(Self {
                unit_code,
                full_name,
                phone,
                resident_id: input.resident_id,
                valid_from,
            }),
            _ => Err(c.into_errors()),
        }
    }
}

/// A refusal of a beat rule: a stable code (`rule.{code}` in the catalogues) and the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeatRule {
    pub code: &'static str,
    pub field: &'static str,
}

const fn refuse(code: &'static str, field: &'static str) -> BeatRule {
    BeatRule { code, field }
}

/// Whether `unit` can be put in a beat from `from`: a residential unit, open on that day.
pub fn check_assignable(unit: &Unit, from: Date) -> Result<(), BeatRule> {
    if unit.kind.tier() != Tier::Residential {
        return Err(refuse("beat_unit_not_residential", "unit_code"));
    }
    check_open(unit, from, "unit_code")
}

/// Whether `unit` exists on `on` (from its first day, before its last).
pub fn check_open(unit: &Unit, on: Date, field: &'static str) -> Result<(), BeatRule> {
    let day = on.to_string();
    if day.as_str() < unit.valid_from.as_str() {
        return Err(refuse("beat_unit_not_yet", field));
    }
    if unit
        .valid_to
        .as_deref()
        .is_some_and(|to| to <= day.as_str())
    {
        return Err(refuse("beat_unit_closed", field));
    }
    Ok(())
}

/// Whether a unit may have a militia head: a residential unit directly below its commune
/// (khu phố, ấp, thôn, tổ dân phố), open on `from`.
pub fn check_militia_unit(unit: &Unit, from: Date) -> Result<(), BeatRule> {
    if unit.kind.tier() != Tier::Residential || unit.depth_below_commune() != 1 {
        return Err(refuse("militia_unit_level", "unit_code"));
    }
    check_open(unit, from, "unit_code")
}

/// The last day of something that began on `from` (`valid_from`), ended on `to`: not before
/// it began, and not in the future (the grant ends when the end is recorded).
pub fn check_end(from: &str, to: Date, today: Date) -> Result<(), BeatRule> {
    if to.to_string().as_str() < from {
        return Err(refuse("beat_end_before_start", "valid_to"));
    }
    if to > today {
        return Err(refuse("beat_end_in_future", "valid_to"));
    }
    Ok(())
}

/// The end date a form gives (default today).
pub fn parse_end(raw: &str, today: Date) -> Result<Date, FieldError> {
    date_or(raw, "valid_to", today)
}

/// The start date a form gives (default today).
pub fn parse_start(raw: &str, today: Date) -> Result<Date, FieldError> {
    date_or(raw, "valid_from", today)
}

/// The commune code of a unit path (`79/26743/kp03` → `26743`).
pub fn commune_of_path(path: &str) -> Option<&str> {
    path.split('/').nth(1)
}

/// Whether `path` is `root` or lies below it.
pub fn within(path: &str, root: &str) -> bool {
    path == root
        || (path.len() > root.len()
            && path.starts_with(root)
            && path.as_bytes()[root.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::UnitKind;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 30)
    }

    pub(super) fn unit(code: &str, path: &str, kind: UnitKind, level: i64) -> Unit {
        Unit {
            code: code.into(),
            parent_code: None,
            province_code: "79".into(),
            path: path.into(),
            level,
            kind,
            name: code.into(),
            codename: None,
            valid_from: "2025-07-01".into(),
            valid_to: None,
        }
    }

    #[test]
    fn a_beat_needs_a_name_and_an_officer_and_reports_every_field() {
        let bad = BeatInput {
            name: " ".into(),
            officer_phone: "12".into(),
            valid_from: "31/02/2026".into(),
            ..BeatInput::default()
        };
        let errs = NewBeat::parse(&bad, today()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["name", "officer_name", "officer_phone", "valid_from"]
        );
        let ok = NewBeat::parse(
            &BeatInput {
                name: "Địa bàn 1".into(),
                officer_username: "csrkv.kp01".into(),
                officer_phone: "0903 123 456".into(),
                ..BeatInput::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(ok.valid_from, today());
        assert_eq!(ok.officer_phone, "0903123456");
        assert_eq!(ok.officer_username.as_deref(), Some("csrkv.kp01"));
    }

    #[test]
    fn only_open_residential_units_go_in_a_beat() {
        let kp = unit("26743-kp01", "79/26743/kp01", UnitKind::KhuPho, 3);
        assert!(check_assignable(&kp, today()).is_ok());
        let ward = unit("26743", "79/26743", UnitKind::Ward, 2);
        assert_eq!(
            check_assignable(&ward, today()).unwrap_err().code,
            "beat_unit_not_residential"
        );
        let before = jiff::civil::date(2025, 6, 30);
        assert_eq!(
            check_assignable(&kp, before).unwrap_err().code,
            "beat_unit_not_yet"
        );
        let closed = Unit {
            valid_to: Some("2026-11-30".into()),
            ..kp.clone()
        };
        // Closed on its valid_to day; open the day before.
        assert_eq!(
            check_assignable(&closed, today()).unwrap_err().code,
            "beat_unit_closed"
        );
        assert!(check_assignable(&closed, jiff::civil::date(2026, 11, 29)).is_ok());
    }

    #[test]
    fn militia_heads_sit_directly_below_the_commune() {
        let kp = unit("26743-kp01", "79/26743/kp01", UnitKind::KhuPho, 3);
        assert!(check_militia_unit(&kp, today()).is_ok());
        let to = unit("26743-kp01-t1", "79/26743/kp01/t1", UnitKind::ToDanCu, 4);
        assert_eq!(
            check_militia_unit(&to, today()).unwrap_err().code,
            "militia_unit_level"
        );
        let errs = NewMilitiaHead::parse(&MilitiaInput::default(), today()).unwrap_err();
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn an_end_is_not_before_the_start_nor_in_the_future() {
        let t = today();
        assert!(check_end("2026-11-30", t, t).is_ok());
        assert_eq!(
            check_end("2026-12-01", t, t).unwrap_err().code,
            "beat_end_before_start"
        );
        assert_eq!(
            check_end("2026-01-01", jiff::civil::date(2026, 12, 1), t)
                .unwrap_err()
                .code,
            "beat_end_in_future"
        );
    }

    #[test]
    fn paths_and_communes() {
        assert_eq!(commune_of_path("79/26743/kp03"), Some("26743"));
        assert_eq!(commune_of_path("79"), None);
        assert!(within("79/26743/kp03", "79/26743"));
        assert!(within("79/26743", "79/26743"));
        assert!(!within("79/267430", "79/26743"));
        assert!(!within("79/2674", "79/26743"));
    }
}
