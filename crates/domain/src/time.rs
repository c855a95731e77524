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
