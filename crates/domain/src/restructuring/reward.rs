//! The reward decision (quyết định khen thưởng) recorded on thanks records (tri ân): its
//! number and date, the date not after today (a decision is recorded once signed).

use jiff::civil::Date;
use serde::Deserialize;

pub use crate::code::ThanksId;
use crate::text::required;
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind};

/// The longest decision number kept.
pub const NUMBER_MAX: usize = 100;

/// A reward decision as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RewardInput {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub date: String,
}

/// A reward decision, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    pub number: String,
    pub date: Date,
}

impl Reward {
    /// Both fields checked, every error at once: the number required, the date required and
    /// not after `today`.
    pub fn parse(i: &RewardInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let number = c.check(required(&i.number, "number", NUMBER_MAX));
        let date = c.check(parse_date(Some(&i.date), "date").and_then(|d| match d {
            None => Err(FieldError::new("date", FieldErrorKind::Required, "")),
            Some(d) if d > today => Err(FieldError::new("date", FieldErrorKind::InFuture, "")),
            Some(d) => Ok(d),
        }));
        let errors = c.into_errors();
        match (number, date) {
            (Some(number), Some(date)) if errors.is_empty() => Ok(Reward { number, date }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(number: &str, date: &str) -> Result<Reward, Vec<FieldError>> {
        let today: Date = "2026-03-10".parse().unwrap();
        Reward::parse(
            &RewardInput {
                number: number.into(),
                date: date.into(),
            },
            today,
        )
    }

    #[test]
    fn number_and_date_required_date_not_in_the_future() {
        let e = parse(" ", "").unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| (e.field, e.kind.code())).collect();
        assert_eq!(fields, [("number", "required"), ("date", "required")]);
        let e = parse("12/QĐ-UBND", "2026-03-11").unwrap_err();
        assert_eq!((e[0].field, e[0].kind.code()), ("date", "in_future"));
        assert_eq!(
            parse("12/QĐ-UBND", "10/03/2026x").unwrap_err()[0].field,
            "date"
        );
        let r = parse(" 12/QĐ-UBND ", "2026-03-10").unwrap();
        assert_eq!(r.number, "12/QĐ-UBND");
        assert_eq!(r.date.to_string(), "2026-03-10");
    }
}
