//! Time in Vietnam: stored in UTC, shown and reasoned about in Asia/Ho_Chi_Minh (UTC+7, no
//! daylight saving since 1975, so a fixed offset is exact).

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

pub fn vietnam() -> TimeZone {
    TimeZone::fixed(Offset::constant(7))
}

/// The calendar date in Vietnam at instant `ts`.
pub fn vietnam_date(ts: Timestamp) -> Date {
    ts.to_zoned(vietnam()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_the_next_day_in_vietnam() {
        let ts: Timestamp = "2026-11-21T17:30:00Z".parse().unwrap();
        assert_eq!(vietnam_date(ts), jiff::civil::date(2026, 11, 22));
        let ts: Timestamp = "2026-11-21T16:59:59Z".parse().unwrap();
        assert_eq!(vietnam_date(ts), jiff::civil::date(2026, 11, 21));
    }
}

/// A calendar date typed as `YYYY-MM-DD` (the form of `<input type="date">` and of the API),
/// or `dd/mm/yyyy` (also `dd.mm.yyyy`) as people write it, with a four-digit year. Empty
/// means `None`; [`required_date`] is the form for a date that must be given. The one date
/// parser of every area.
pub fn parse_date(
    raw: Option<&str>,
    field: &'static str,
) -> Result<Option<Date>, crate::FieldError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || crate::FieldError::new(field, crate::FieldErrorKind::InvalidFormat, "YYYY-MM-DD");
    if let Ok(d) = s.parse::<Date>() {
        return Ok(Some(d));
    }
    let parts: Vec<&str> = s.split(['/', '.']).collect();
    match parts.as_slice() {
        [d, m, y] if y.len() == 4 => {
            let n = |p: &str| p.parse::<i16>().map_err(|_| bad());
            Date::new(n(y)?, n(m)? as i8, n(d)? as i8)
                .map(Some)
                .map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

/// A date that must be given: [`parse_date`], a blank value being `Required`.
pub fn required_date(raw: &str, field: &'static str) -> Result<Date, crate::FieldError> {
    parse_date(Some(raw), field)?
        .ok_or_else(|| crate::FieldError::new(field, crate::FieldErrorKind::Required, "empty"))
}

#[cfg(test)]
mod parse_date_tests {
    use super::*;

    #[test]
    fn both_forms_and_errors() {
        let d = Date::new(2026, 11, 29).unwrap();
        assert_eq!(parse_date(Some("2026-11-29"), "d").unwrap(), Some(d));
        assert_eq!(parse_date(Some(" 29/11/2026 "), "d").unwrap(), Some(d));
        assert_eq!(parse_date(Some(""), "d").unwrap(), None);
        assert_eq!(parse_date(None, "d").unwrap(), None);
        assert_eq!(parse_date(Some("29.11.2026"), "d").unwrap(), Some(d));
        assert_eq!(required_date(" 2026-11-29", "d").unwrap(), d);
        assert_eq!(
            required_date(" ", "d").unwrap_err().kind,
            crate::FieldErrorKind::Required
        );
        for bad in ["2026-02-30", "31/02/2026", "29/11/26", "x", "29/11/2026/1"] {
            assert_eq!(
                parse_date(Some(bad), "birth_date").unwrap_err().field,
                "birth_date"
            );
        }
    }
}
