//! Reporting periods: calendar months in Vietnam time and validated month ranges.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;

use crate::error::{FieldError, FieldErrorKind};
use crate::time::vietnam;

use super::MAX_MONTHS;

/// A calendar month in Vietnam time, the period unit of statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    month: i8,
}

impl Month {
    pub fn new(year: i16, month: i8) -> Option<Self> {
        ((2000..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// `YYYY-MM`, years 2000 to 2100; the error names `field`.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
        }
        let bad = || FieldError::new(field, FieldErrorKind::InvalidFormat, "expected YYYY-MM");
        let (y, m) = raw.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !(y.chars().chain(m.chars())).all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        Self::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }

    /// The month an instant falls in, in Vietnam.
    pub fn of(ts: Timestamp) -> Self {
        let d = ts.to_zoned(vietnam()).date();
        Self {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> i8 {
        self.month
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i64) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + n;
        Self {
            year: i16::try_from(index.div_euclid(12)).unwrap_or(i16::MAX),
            month: (index.rem_euclid(12) + 1) as i8,
        }
    }

    /// Months from `self` to `other` (0 for the same month).
    pub fn months_until(self, other: Month) -> i64 {
        (i64::from(other.year) - i64::from(self.year)) * 12 + i64::from(other.month)
            - i64::from(self.month)
    }

    /// The first instant of the month in Vietnam.
    pub fn start(self) -> Timestamp {
        Date::new(self.year, self.month, 1)
            .expect("a valid month")
            .to_zoned(vietnam())
            .expect("in range")
            .timestamp()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The months a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    /// The last twelve months up to and including `now`'s.
    pub fn default_at(now: Timestamp) -> Self {
        let to = Month::of(now);
        Self {
            from: to.plus(-11),
            to,
        }
    }

    /// From optional `from` and `to` (`YYYY-MM`); a missing end defaults as in
    /// [`Period::default_at`] (a lone `from` runs to the current month). `to` must not be
    /// before `from`, and the period is at most [`MAX_MONTHS`] long.
    pub fn parse(from: Option<&str>, to: Option<&str>, now: Timestamp) -> Result<Self, FieldError> {
        fn blank(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let default = Self::default_at(now);
        let to = match blank(to) {
            Some(t) => Month::parse("to", t)?,
            None => default.to,
        };
        let from = match blank(from) {
            Some(f) => Month::parse("from", f)?,
            None => to.plus(-11),
        };
        if to < from {
            return Err(FieldError::new(
                "to",
                FieldErrorKind::NotAllowedHere,
                "the end is before the start",
            ));
        }
        if from.months_until(to) + 1 > MAX_MONTHS {
            return Err(FieldError::new(
                "from",
                FieldErrorKind::OutOfRange {
                    min: 1,
                    max: MAX_MONTHS,
                },
                "too many months",
            ));
        }
        Ok(Self { from, to })
    }
}
