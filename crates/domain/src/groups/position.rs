//! Raw input for appointing a person and for ending a position.

use jiff::civil::Date;
use serde::Deserialize;

use super::input::{date_or, not_after, optional_text, DECISION_NUMBER_MAX, NOTE_MAX};
use super::PositionRole;
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::ResidentId;

/// Raw input for an appointment.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewPositionInput {
    #[serde(default)]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub role: String,
    /// Blank: today.
    #[serde(default)]
    pub starts_on: Option<String>,
    /// An acting head (quyền trưởng), for at most six months.
    #[serde(default)]
    pub acting: bool,
    /// The decision that recognises or appoints the person, e.g. `45/QĐ-UBND`.
    #[serde(default)]
    pub decision_ref: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosition {
    pub resident_id: ResidentId,
    pub role: PositionRole,
    pub starts_on: Date,
    pub acting: bool,
    pub decision_ref: Option<String>,
    pub note: Option<String>,
}

impl NewPosition {
    /// The appointment, or the first rule it breaks.
    pub fn parse(input: &NewPositionInput, today: Date) -> Result<Self, FieldError> {
        Self::parse_all(input, today).map_err(|mut e| e.swap_remove(0))
    }

    /// The appointment, or every rule it breaks (never an empty list), in the form's order.
    pub fn parse_all(input: &NewPositionInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let resident_id = c.check(match input.resident_id {
            None => Err(FieldError::new(
                "resident_id",
                FieldErrorKind::Required,
                "empty",
            )),
            Some(id) if id <= 0 => Err(FieldError::new(
                "resident_id",
                FieldErrorKind::InvalidFormat,
                "not an id",
            )),
            Some(id) => Ok(ResidentId(id)),
        });
        let role = c.check(match input.role.trim() {
            "" => Err(FieldError::new("role", FieldErrorKind::Required, "empty")),
            r => PositionRole::parse(r).ok_or_else(|| {
                FieldError::new("role", FieldErrorKind::UnknownValue, "not a position")
            }),
        });
        let starts_on = c.check(
            date_or(input.starts_on.as_deref(), "starts_on", today).and_then(|d| {
                if d.year() < 1945 {
                    Err(FieldError::new(
                        "starts_on",
                        FieldErrorKind::NotAllowedHere,
                        "implausibly old",
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let decision_ref = c.check(optional_text(
            input.decision_ref.as_deref(),
            "decision_ref",
            DECISION_NUMBER_MAX,
        ));
        let note = c.check(optional_text(input.note.as_deref(), "note", NOTE_MAX));
        let (Some(resident_id), Some(role), Some(starts_on), Some(decision_ref), Some(note)) =
            (resident_id, role, starts_on, decision_ref, note)
        else {
            return Err(c.into_errors());
        };
        Ok(Self {
            resident_id,
            role,
            starts_on,
            acting: input.acting,
            decision_ref,
            note,
        })
    }
}

/// Why a position ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Hết nhiệm kỳ.
    TermEnded,
    /// Xin thôi.
    Resigned,
    /// Miễn nhiệm, bãi nhiệm.
    Dismissed,
    /// Chuyển đi nơi khác.
    MovedAway,
    /// Từ trần.
    Deceased,
    /// The group was dissolved (set by the product).
    Dissolved,
    Other,
    /// The unit was restructured (merged, split, dissolved; set by the product).
    UnitRestructured,
}

impl EndReason {
    pub const ALL: [EndReason; 8] = [
        Self::TermEnded,
        Self::Resigned,
        Self::Dismissed,
        Self::MovedAway,
        Self::Deceased,
        Self::Dissolved,
        Self::Other,
        Self::UnitRestructured,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TermEnded => "term_ended",
            Self::Resigned => "resigned",
            Self::Dismissed => "dismissed",
            Self::MovedAway => "moved_away",
            Self::Deceased => "deceased",
            Self::Dissolved => "dissolved",
            Self::Other => "other",
            Self::UnitRestructured => "unit_restructured",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The reasons a person gives (dissolution and restructuring are recorded by the product).
    pub fn choosable() -> impl Iterator<Item = Self> {
        Self::ALL
            .into_iter()
            .filter(|r| !matches!(r, Self::Dissolved | Self::UnitRestructured))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndPositionInput {
    /// Blank: today.
    #[serde(default)]
    pub ended_on: Option<String>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndPosition {
    pub ended_on: Date,
    pub reason: EndReason,
}

impl EndPosition {
    /// `started` is the position's start: it cannot end before it began.
    pub fn parse(input: &EndPositionInput, started: Date, today: Date) -> Result<Self, FieldError> {
        let reason = match input.reason.trim() {
            "" => return Err(FieldError::new("reason", FieldErrorKind::Required, "empty")),
            r => EndReason::parse(r)
                .filter(|r| *r != EndReason::Dissolved)
                .ok_or_else(|| {
                    FieldError::new("reason", FieldErrorKind::UnknownValue, "not a reason")
                })?,
        };
        let ended_on = not_after(
            date_or(input.ended_on.as_deref(), "ended_on", today)?,
            today,
            "ended_on",
        )?;
        if ended_on < started {
            return Err(FieldError::new(
                "ended_on",
                FieldErrorKind::NotAllowedHere,
                "before the position began",
            ));
        }
        Ok(Self { ended_on, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 21);

    #[test]
    fn positions_and_their_end() {
        let p = NewPosition::parse(
            &NewPositionInput {
                resident_id: Some(7),
                role: "deputy".into(),
                ..Default::default()
            },
            TODAY,
        )
        .unwrap();
        assert_eq!(p.starts_on, TODAY);
        assert_eq!(p.role, PositionRole::Deputy);
        let e = NewPosition::parse(&NewPositionInput::default(), TODAY).unwrap_err();
        assert_eq!(e.field, "resident_id");
        let e = NewPosition::parse(
            &NewPositionInput {
                resident_id: Some(7),
                role: "boss".into(),
                ..Default::default()
            },
            TODAY,
        )
        .unwrap_err();
        assert_eq!(e.field, "role");
        let end = |ended: &str, reason: &str| {
            EndPosition::parse(
                &EndPositionInput {
                    ended_on: Some(ended.into()),
                    reason: reason.into(),
                },
                date(2025, 1, 1),
                TODAY,
            )
        };
        assert_eq!(
            end("2026-01-01", "resigned").unwrap().reason,
            EndReason::Resigned
        );
        assert_eq!(end("2024-12-31", "resigned").unwrap_err().field, "ended_on");
        assert_eq!(end("2026-01-01", "dissolved").unwrap_err().field, "reason");
    }
}
