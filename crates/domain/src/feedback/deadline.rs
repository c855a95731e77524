//! Deadlines counted in working time: Monday to Friday, office hours, less holidays, in
//! Asia/Ho_Chi_Minh (a fixed UTC+7).

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::{SignedDuration, Timestamp};

use crate::time::vietnam;

/// When and on which days people work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Days off that fall on weekdays (Tết, national holidays, compensatory days off).
    pub holidays: BTreeSet<Date>,
    /// Weekend days worked to make up for a bridged holiday.
    pub make_up_days: BTreeSet<Date>,
    /// Office hours in a working day, in order and not overlapping.
    pub periods: Vec<(Time, Time)>,
}

impl Default for WorkCalendar {
    /// State offices: 07:30–11:30 and 13:00–17:00, eight hours a day.
    fn default() -> Self {
        Self {
            holidays: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
            periods: vec![
                (Time::constant(7, 30, 0, 0), Time::constant(11, 30, 0, 0)),
                (Time::constant(13, 0, 0, 0), Time::constant(17, 0, 0, 0)),
            ],
        }
    }
}

impl WorkCalendar {
    pub fn with_holidays(holidays: impl IntoIterator<Item = Date>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
            ..Self::default()
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.make_up_days.contains(&d) {
            return true;
        }
        !self.holidays.contains(&d) && !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    fn minutes_per_day(&self) -> i64 {
        self.periods
            .iter()
            .map(|(a, b)| minutes(a.to_datetime(Date::MIN), b.to_datetime(Date::MIN)))
            .sum()
    }
}

fn minutes(a: DateTime, b: DateTime) -> i64 {
    a.duration_until(b).as_secs() / 60
}

fn local(ts: Timestamp) -> DateTime {
    ts.to_zoned(vietnam()).datetime()
}

fn instant(dt: DateTime) -> Timestamp {
    dt.to_zoned(vietnam())
        .expect("a fixed offset has no gaps")
        .timestamp()
}

/// The instant `working_minutes` of working time after `start`.
pub fn add_working_minutes(
    start: Timestamp,
    working_minutes: i64,
    cal: &WorkCalendar,
) -> Timestamp {
    if working_minutes <= 0 || cal.minutes_per_day() == 0 {
        return start;
    }
    let mut t = local(start);
    let mut left = working_minutes;
    // Bounded: a year of holidays in a row would still end the loop.
    for _ in 0..3660 {
        let d = t.date();
        if cal.is_working_day(d) {
            for (ps, pe) in &cal.periods {
                let (ps, pe) = (d.to_datetime(*ps), d.to_datetime(*pe));
                if t >= pe {
                    continue;
                }
                let from = t.max(ps);
                let available = minutes(from, pe);
                if left <= available {
                    return instant(from + SignedDuration::from_mins(left));
                }
                left -= available;
                t = pe;
            }
        }
        t = d
            .tomorrow()
            .expect("dates far from the end of time")
            .to_datetime(Time::midnight());
    }
    instant(t)
}

/// How long before a deadline the responsible person is reminded, in working minutes: a
/// quarter of the time the category allows, at least one working hour (so an 8-hour
/// acknowledgement gets a two-hour warning and a 5-day answer a 10-hour one).
pub fn reminder_lead_minutes(window_minutes: i64) -> i64 {
    (window_minutes / 4).max(60)
}

/// Whether a reminder is due now for a deadline `due`: the deadline has not passed and at most
/// `lead` working minutes remain before it.
pub fn reminder_due(now: Timestamp, due: Timestamp, lead: i64, cal: &WorkCalendar) -> bool {
    now < due && working_minutes_between(now, due, cal) <= lead
}

/// Working minutes between two instants (zero if `end` is not after `start`).
pub fn working_minutes_between(start: Timestamp, end: Timestamp, cal: &WorkCalendar) -> i64 {
    if end <= start {
        return 0;
    }
    let (a, b) = (local(start), local(end));
    let mut total = 0;
    let mut d = a.date();
    while d <= b.date() {
        if cal.is_working_day(d) {
            for (ps, pe) in &cal.periods {
                let from = d.to_datetime(*ps).max(a);
                let to = d.to_datetime(*pe).min(b);
                if to > from {
                    total += minutes(from, to);
                }
            }
        }
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        instant(date(y, m, d).at(h, min, 0, 0))
    }

    fn show(ts: Timestamp) -> String {
        local(ts).strftime("%a %Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn within_one_morning() {
        let cal = WorkCalendar::default();
        // Friday 2026-11-20 08:00 + 2 h = 10:00.
        assert_eq!(
            show(add_working_minutes(at(2026, 11, 20, 8, 0), 120, &cal)),
            "Fri 2026-11-20 10:00"
        );
    }

    #[test]
    fn across_lunch_and_the_weekend() {
        let cal = WorkCalendar::default();
        // Friday 10:00 + 8 working hours: 1.5 h before lunch, 4 h after, 2.5 h on Monday.
        assert_eq!(
            show(add_working_minutes(at(2026, 11, 20, 10, 0), 8 * 60, &cal)),
            "Mon 2026-11-23 10:00"
        );
        // Submitted on Saturday evening: the clock starts Monday 07:30.
        assert_eq!(
            show(add_working_minutes(at(2026, 11, 21, 20, 0), 60, &cal)),
            "Mon 2026-11-23 08:30"
        );
        // After hours on a weekday: starts next morning.
        assert_eq!(
            show(add_working_minutes(at(2026, 11, 19, 18, 0), 30, &cal)),
            "Fri 2026-11-20 08:00"
        );
        // Five working days from Monday morning end on Friday at closing time.
        assert_eq!(
            show(add_working_minutes(
                at(2026, 11, 23, 7, 30),
                5 * 8 * 60,
                &cal
            )),
            "Fri 2026-11-27 17:00"
        );
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_count() {
        // National Day 2026: Tuesday 1 and Wednesday 2 September.
        let mut cal = WorkCalendar::with_holidays([date(2026, 9, 1), date(2026, 9, 2)]);
        assert_eq!(
            show(add_working_minutes(at(2026, 8, 31, 16, 0), 120, &cal)),
            "Thu 2026-09-03 08:30"
        );
        // A Saturday worked in exchange.
        cal.make_up_days.insert(date(2026, 9, 5));
        assert_eq!(
            show(add_working_minutes(at(2026, 9, 4, 16, 0), 120, &cal)),
            "Sat 2026-09-05 08:30"
        );
    }

    #[test]
    fn counting_back_agrees_with_adding() {
        let cal = WorkCalendar::with_holidays([date(2026, 9, 2)]);
        let start = at(2026, 8, 28, 15, 17);
        for mins in [0, 1, 43, 240, 480, 481, 2400, 5000] {
            let end = add_working_minutes(start, mins, &cal);
            assert_eq!(working_minutes_between(start, end, &cal), mins, "{mins}");
        }
        assert_eq!(
            working_minutes_between(at(2026, 11, 21, 8, 0), at(2026, 11, 22, 18, 0), &cal),
            0,
            "a weekend"
        );
    }

    #[test]
    fn reminder_lead_is_a_quarter_of_the_window_and_at_least_an_hour() {
        assert_eq!(reminder_lead_minutes(480), 120);
        assert_eq!(reminder_lead_minutes(2400), 600);
        assert_eq!(reminder_lead_minutes(120), 60);
        assert_eq!(reminder_lead_minutes(0), 60);
    }

    #[test]
    fn reminders_count_working_time_across_a_weekend() {
        let cal = WorkCalendar::default();
        // Due Monday 09:00; on Friday 16:00 only 1.5 working hours remain (16:00–17:00 Friday,
        // 07:30–09:00 Monday per the default periods), though 65 wall hours do.
        let due = at(2026, 3, 9, 9, 0);
        let friday = at(2026, 3, 6, 16, 0);
        let left = working_minutes_between(friday, due, &cal);
        assert!(left < 180, "{left}");
        assert!(reminder_due(friday, due, 180, &cal));
        assert!(!reminder_due(friday, due, left - 1, &cal));
        // Thursday noon is more than a working day away.
        assert!(!reminder_due(at(2026, 3, 5, 12, 0), due, 180, &cal));
        // Past the deadline it is escalation's business, not a reminder's.
        assert!(!reminder_due(at(2026, 3, 9, 9, 1), due, 180, &cal));
    }
}
