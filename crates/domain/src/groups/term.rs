//! Terms of office: the province's term length (2.5 or 5 years), acting heads (at most six
//! months), and deputies whose term ends with the head's.

use jiff::civil::Date;
use jiff::Span;

use super::{GroupKind, PositionRole};
use crate::error::{FieldError, FieldErrorKind};

/// The length of a term, set per province (domain.md, "Leaders and groups": 2.5 or 5 years,
/// chosen per province). Five years unless the province says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TermYears {
    /// Two years and six months.
    TwoAndAHalf,
    #[default]
    Five,
}

/// An acting head serves at most this many months.
pub const ACTING_MONTHS: i64 = 6;

impl TermYears {
    /// `2.5` (or `2,5`) or `5`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "2.5" | "2,5" => Ok(Self::TwoAndAHalf),
            "5" | "5.0" | "5,0" => Ok(Self::Five),
            "" => Err(FieldError::new("years", FieldErrorKind::Required, "empty")),
            other => Err(FieldError::new(
                "years",
                FieldErrorKind::UnknownValue,
                format!("2.5 or 5, not {other:?}"),
            )),
        }
    }

    pub fn months(self) -> i64 {
        match self {
            Self::TwoAndAHalf => 30,
            Self::Five => 60,
        }
    }

    /// From the stored number of months; anything unknown is the default.
    pub fn from_months(m: i64) -> Self {
        if m == 30 {
            Self::TwoAndAHalf
        } else {
            Self::Five
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TwoAndAHalf => "2.5",
            Self::Five => "5",
        }
    }
}

/// `start` plus whole months; the day is clamped to the end of a shorter month
/// (31 August + 6 months = 28 or 29 February).
pub fn add_months(start: Date, months: i64) -> Date {
    start
        .checked_add(Span::new().months(months))
        .unwrap_or(Date::MAX)
}

/// The end of a term begun on `start`.
pub fn term_end(start: Date, years: TermYears) -> Date {
    add_months(start, years.months())
}

/// The last day an acting head begun on `start` may serve.
pub fn acting_end(start: Date) -> Date {
    add_months(start, ACTING_MONTHS)
}

/// When a new position's term ends.
///
/// - an acting holder: six months after the start;
/// - the deputy of a unit's leadership: with the head's term (`head_ends`), when there is a
///   head; the deputy is chosen by the head, and the deputy's term ends with the head's
///   (domain.md, "Leaders and groups");
/// - everyone else: the province's term from the start.
pub fn position_end(
    kind: GroupKind,
    role: PositionRole,
    acting: bool,
    start: Date,
    years: TermYears,
    head_ends: Option<Date>,
) -> Date {
    if acting {
        return acting_end(start);
    }
    match (kind, role, head_ends) {
        (GroupKind::UnitLeadership, PositionRole::Deputy, Some(end)) => end,
        _ => term_end(start, years),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn five_and_two_and_a_half_years() {
        let start = date(2025, 7, 1);
        assert_eq!(term_end(start, TermYears::Five), date(2030, 7, 1));
        assert_eq!(term_end(start, TermYears::TwoAndAHalf), date(2028, 1, 1));
        assert_eq!(
            term_end(date(2024, 2, 29), TermYears::Five),
            date(2029, 2, 28)
        );
        assert_eq!(
            term_end(date(2025, 8, 31), TermYears::TwoAndAHalf),
            date(2028, 2, 29)
        );
        assert_eq!(TermYears::default(), TermYears::Five);
    }

    #[test]
    fn term_years_parse_and_round_trip() {
        assert_eq!(TermYears::parse("2.5").unwrap(), TermYears::TwoAndAHalf);
        assert_eq!(TermYears::parse(" 2,5 ").unwrap(), TermYears::TwoAndAHalf);
        assert_eq!(TermYears::parse("5").unwrap(), TermYears::Five);
        for bad in ["3", "2.6", "five", ""] {
            assert_eq!(TermYears::parse(bad).unwrap_err().field, "years", "{bad}");
        }
        for y in [TermYears::TwoAndAHalf, TermYears::Five] {
            assert_eq!(TermYears::from_months(y.months()), y);
            assert_eq!(TermYears::parse(y.as_str()).unwrap(), y);
        }
    }

    #[test]
    fn acting_heads_serve_six_months() {
        assert_eq!(acting_end(date(2025, 7, 1)), date(2026, 1, 1));
        assert_eq!(acting_end(date(2025, 8, 31)), date(2026, 2, 28));
        let end = position_end(
            GroupKind::UnitLeadership,
            PositionRole::Head,
            true,
            date(2025, 7, 1),
            TermYears::Five,
            None,
        );
        assert_eq!(end, date(2026, 1, 1));
    }

    #[test]
    fn the_deputy_term_ends_with_the_head() {
        let head_ends = date(2030, 7, 1);
        let end = position_end(
            GroupKind::UnitLeadership,
            PositionRole::Deputy,
            false,
            date(2026, 3, 15),
            TermYears::Five,
            Some(head_ends),
        );
        assert_eq!(end, head_ends);
        // Members of other groups serve the province's term from their own start.
        let end = position_end(
            GroupKind::ToBaoVeAntt,
            PositionRole::Deputy,
            false,
            date(2026, 3, 15),
            TermYears::TwoAndAHalf,
            Some(head_ends),
        );
        assert_eq!(end, date(2028, 9, 15));
    }
}
