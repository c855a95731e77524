//! The coordination regulation (quy chế phối hợp, QCPH) between a unit's head and the head
//! of its Front work committee: signed, reviewed every year, re-signed when it changes
//! (domain.md, "Leaders and groups", seed 002).

use jiff::civil::Date;
use serde::Deserialize;

use super::input::{optional_text, NOTE_MAX, PERSON_NAME_MAX};
use super::term::add_months;
use crate::error::{FieldError, FieldErrorKind};
use crate::text;
use crate::time::required_date;

/// A regulation is reviewed at least this often.
pub const REVIEW_MONTHS: i64 = 12;

/// Whether a regulation last signed or reviewed on `last` is over twelve months old on
/// `today`, and so due for its yearly review.
pub fn review_due(last: Date, today: Date) -> bool {
    today > add_months(last, REVIEW_MONTHS)
}

/// Raw input for a new version (a signing or re-signing).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewRegulationInput {
    #[serde(default)]
    pub signed_on: String,
    /// Blank: the unit's current head.
    #[serde(default)]
    pub unit_head_name: Option<String>,
    /// Blank: the current head of the unit's Front work committee.
    #[serde(default)]
    pub front_head_name: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegulation {
    pub signed_on: Date,
    pub unit_head_name: String,
    pub front_head_name: String,
    pub note: Option<String>,
}

fn party(
    given: Option<&str>,
    current: Option<&str>,
    field: &'static str,
) -> Result<String, FieldError> {
    let name = given
        .map(text::clean)
        .filter(|s| !s.is_empty())
        .or_else(|| current.map(text::clean).filter(|s| !s.is_empty()))
        .ok_or_else(|| FieldError::new(field, FieldErrorKind::Required, "no holder"))?;
    if name.chars().count() > PERSON_NAME_MAX {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong {
                max: PERSON_NAME_MAX,
            },
            "long",
        ));
    }
    Ok(name)
}

impl NewRegulation {
    /// `current` are the names of the present unit head and Front committee head, used when
    /// the input leaves a party blank.
    pub fn parse(
        input: &NewRegulationInput,
        current: (Option<&str>, Option<&str>),
        today: Date,
    ) -> Result<Self, FieldError> {
        let signed_on = required_date(&input.signed_on, "signed_on")?;
        if signed_on > today {
            return Err(FieldError::new(
                "signed_on",
                FieldErrorKind::NotAllowedHere,
                "in the future",
            ));
        }
        Ok(Self {
            signed_on,
            unit_head_name: party(input.unit_head_name.as_deref(), current.0, "unit_head_name")?,
            front_head_name: party(
                input.front_head_name.as_deref(),
                current.1,
                "front_head_name",
            )?,
            note: optional_text(input.note.as_deref(), "note", NOTE_MAX)?,
        })
    }
}

/// Raw input for a yearly review that kept the regulation unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewReviewInput {
    #[serde(default)]
    pub reviewed_on: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    pub reviewed_on: Date,
    pub note: Option<String>,
}

impl NewReview {
    /// A review comes after the signing it reviews (`signed_on`), and not in the future.
    pub fn parse(input: &NewReviewInput, signed_on: Date, today: Date) -> Result<Self, FieldError> {
        let reviewed_on = required_date(&input.reviewed_on, "reviewed_on")?;
        if reviewed_on > today || reviewed_on < signed_on {
            return Err(FieldError::new(
                "reviewed_on",
                FieldErrorKind::NotAllowedHere,
                "in the future or before the signing",
            ));
        }
        Ok(Self {
            reviewed_on,
            note: optional_text(input.note.as_deref(), "note", NOTE_MAX)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_after_twelve_months() {
        let signed = date(2025, 11, 21);
        assert!(!review_due(signed, date(2026, 5, 1)));
        assert!(!review_due(signed, date(2026, 11, 21)));
        assert!(review_due(signed, date(2026, 11, 22)));
    }

    #[test]
    fn parties_default_to_the_current_holders() {
        let today = date(2026, 11, 21);
        let input = NewRegulationInput {
            signed_on: "2026-01-10".into(),
            ..Default::default()
        };
        let r = NewRegulation::parse(
            &input,
            (Some("Nguyễn Văn Bình"), Some("Võ Thị Hồng")),
            today,
        )
        .unwrap();
        assert_eq!(r.unit_head_name, "Nguyễn Văn Bình");
        assert_eq!(r.front_head_name, "Võ Thị Hồng");
        let e = NewRegulation::parse(&input, (Some("Nguyễn Văn Bình"), None), today).unwrap_err();
        assert_eq!(e.field, "front_head_name");
        let given = NewRegulationInput {
            front_head_name: Some(" Lê  Văn Tám ".into()),
            ..input.clone()
        };
        let r = NewRegulation::parse(&given, (Some("A"), Some("B")), today).unwrap();
        assert_eq!(r.front_head_name, "Lê Văn Tám");
        let future = NewRegulationInput {
            signed_on: "2027-01-01".into(),
            ..input
        };
        assert_eq!(
            NewRegulation::parse(&future, (Some("A"), Some("B")), today)
                .unwrap_err()
                .field,
            "signed_on"
        );
        let e = NewReview::parse(
            &NewReviewInput {
                reviewed_on: "2025-12-31".into(),
                note: None,
            },
            date(2026, 1, 10),
            today,
        )
        .unwrap_err();
        assert_eq!(e.field, "reviewed_on");
    }
}
