//! Feedback statistics: reporting months, duration buckets, medians read off a histogram,
//! on-time rates and the numbers a report shows. Pure: the store fills the counts, the web
//! layer chooses the words.
//!
//! Times to acknowledge and to resolve are **elapsed (wall-clock) time** from receipt,
//! what the resident waits; whether a step was **on time** is judged against the item's
//! deadlines, which are counted in working time. Durations are kept as counts per
//! [bucket](BUCKET_UPPER_SECONDS), so medians can be summed up the unit tree; a median is
//! therefore known to its bucket, and estimated inside it.

use serde::Serialize;

/// Number of duration buckets.
pub const BUCKETS: usize = 16;

/// Exclusive upper bound of each duration bucket but the last, in seconds: bucket `i` holds
/// durations in `[BUCKET_UPPER_SECONDS[i-1], BUCKET_UPPER_SECONDS[i])` (bucket 0 from zero,
/// and anything negative from clock skew); the last bucket holds 30 days and more.
pub const BUCKET_UPPER_SECONDS: [i64; BUCKETS - 1] = [
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    4 * HOUR,
    8 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    3 * DAY,
    5 * DAY,
    7 * DAY,
    10 * DAY,
    14 * DAY,
    30 * DAY,
];

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// The widest period a report may cover, in months.
pub const MAX_MONTHS: i64 = 120;

/// The bucket a duration falls in.
pub fn bucket_of(seconds: i64) -> usize {
    BUCKET_UPPER_SECONDS
        .iter()
        .position(|&upper| seconds < upper)
        .unwrap_or(BUCKETS - 1)
}

/// The bounds of bucket `i` in seconds: lower (inclusive) and upper (exclusive; `None` for
/// the last, open-ended bucket).
pub fn bucket_bounds(i: usize) -> (i64, Option<i64>) {
    let lower = if i == 0 {
        0
    } else {
        BUCKET_UPPER_SECONDS[i - 1]
    };
    (lower, BUCKET_UPPER_SECONDS.get(i).copied())
}

/// Counts of durations per bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Histogram(pub [i64; BUCKETS]);

/// A median read off a histogram: the bucket that holds it, and an estimate inside it
/// (durations assumed evenly spread within the bucket; the lower bound for the last one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Median {
    pub bucket: usize,
    pub lower_seconds: i64,
    /// `None`: the open-ended last bucket ("30 days or more").
    pub upper_seconds: Option<i64>,
    pub estimate_seconds: i64,
}

impl Histogram {
    pub fn add(&mut self, seconds: i64) {
        self.0[bucket_of(seconds)] += 1;
    }

    pub fn count(&self) -> i64 {
        self.0.iter().sum()
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// The median, estimated by the usual interpolation for grouped data: the first bucket
    /// whose cumulative count reaches half of `n`, and inside it `lower + width × (n/2 −
    /// before) / count`. `None` when empty.
    ///
    /// This estimate is consistent under merging: the estimate of two merged histograms
    /// always lies between theirs (it is a mediant of their fractions within a bucket), so
    /// a total's median is never below, or above, every part's median.
    pub fn median(&self) -> Option<Median> {
        let n = self.count();
        if n <= 0 {
            return None;
        }
        let mut before = 0;
        for (bucket, &c) in self.0.iter().enumerate() {
            if c > 0 && 2 * (before + c) >= n {
                let (lower, upper) = bucket_bounds(bucket);
                let estimate = match upper {
                    Some(upper) => lower + (upper - lower) * (n - 2 * before) / (2 * c),
                    None => lower,
                };
                return Some(Median {
                    bucket,
                    lower_seconds: lower,
                    upper_seconds: upper,
                    estimate_seconds: estimate,
                });
            }
            before += c;
        }
        None
    }
}

/// What happened to the feedback received in one period (and, for `overdue_now`, where the
/// still-open part of it stands now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FeedbackCounts {
    pub received: i64,
    /// Acknowledged at some point (every state after `new`).
    pub acknowledged: i64,
    /// Acknowledged no later than the acknowledgement deadline.
    pub acknowledged_on_time: i64,
    /// In the `resolved` state now.
    pub resolved: i64,
    /// Resolved no later than the resolution deadline.
    pub resolved_on_time: i64,
    /// Resolved, rejected, marked duplicate or referred.
    pub closed: i64,
    /// Time from receipt to acknowledgement, of the acknowledged.
    pub ack_time: Histogram,
    /// Time from receipt to resolution, of the resolved.
    pub resolve_time: Histogram,
    /// Ratings 1 to 5: how many of each.
    pub ratings: [i64; 5],
    /// Still open and past a deadline at the time of the report.
    pub overdue_now: i64,
}

impl FeedbackCounts {
    pub fn open(&self) -> i64 {
        self.received - self.closed
    }

    pub fn merge(&mut self, o: &FeedbackCounts) {
        self.received += o.received;
        self.acknowledged += o.acknowledged;
        self.acknowledged_on_time += o.acknowledged_on_time;
        self.resolved += o.resolved;
        self.resolved_on_time += o.resolved_on_time;
        self.closed += o.closed;
        self.ack_time.merge(&o.ack_time);
        self.resolve_time.merge(&o.resolve_time);
        for (a, b) in self.ratings.iter_mut().zip(o.ratings) {
            *a += b;
        }
        self.overdue_now += o.overdue_now;
    }

    /// Share of the acknowledged that were acknowledged on time, in tenths of a percent.
    pub fn ack_on_time_permille(&self) -> Option<i64> {
        permille(self.acknowledged_on_time, self.acknowledged)
    }

    /// Share of the resolved that were resolved on time, in tenths of a percent.
    pub fn resolve_on_time_permille(&self) -> Option<i64> {
        permille(self.resolved_on_time, self.resolved)
    }

    pub fn rating_count(&self) -> i64 {
        self.ratings.iter().sum()
    }

    /// The mean rating in tenths (`42` is 4.2), rounded half up; `None` without ratings.
    pub fn rating_mean_tenths(&self) -> Option<i64> {
        let sum: i64 = self
            .ratings
            .iter()
            .zip(1..)
            .map(|(count, value)| count * value)
            .sum();
        ratio_rounded(sum * 10, self.rating_count())
    }
}

/// Households and residents (active ones) of a unit and everything below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Population {
    pub households: i64,
    pub residents: i64,
}

/// `part / whole` in tenths of a percent, rounded half up; `None` when `whole` is zero.
pub fn permille(part: i64, whole: i64) -> Option<i64> {
    ratio_rounded(part * 1000, whole)
}

fn ratio_rounded(num: i64, den: i64) -> Option<i64> {
    (den > 0).then(|| (2 * num + den) / (2 * den))
}

/// Tenths as text with the language's decimal separator: `875` → `87,5` (or `87.5`);
/// whole numbers lose the decimal: `1000` → `100`.
pub fn tenths_text(tenths: i64, decimal: char) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.abs();
    if t % 10 == 0 {
        format!("{sign}{}", t / 10)
    } else {
        format!("{sign}{}{decimal}{}", t / 10, t % 10)
    }
}

/// A percentage for display, `87,5%`; `None` when there is nothing to divide by.
pub fn percent_text(part: i64, whole: i64, decimal: char) -> Option<String> {
    permille(part, whole).map(|p| format!("{}%", tenths_text(p, decimal)))
}

/// The unit a duration reads best in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Minutes,
    Hours,
    Days,
}

/// A duration for display: under an hour in whole minutes, under two days in hours, else in
/// days; hours and days in tenths (rounded half up).
pub fn duration_parts(seconds: i64) -> (i64, DurationUnit) {
    let s = seconds.max(0);
    if s < HOUR {
        ((s + MINUTE / 2) / MINUTE, DurationUnit::Minutes)
    } else if s < 2 * DAY {
        ((s * 10 + HOUR / 2) / HOUR, DurationUnit::Hours)
    } else {
        ((s * 10 + DAY / 2) / DAY, DurationUnit::Days)
    }
}

mod period;
pub use period::{Month, Period};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldErrorKind;
    use jiff::Timestamp;

    #[test]
    fn buckets_cover_every_duration_once() {
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(899), 0);
        assert_eq!(bucket_of(900), 1);
        assert_eq!(bucket_of(3599), 2);
        assert_eq!(bucket_of(HOUR), 3);
        assert_eq!(bucket_of(DAY - 1), 7);
        assert_eq!(bucket_of(DAY), 8);
        assert_eq!(bucket_of(30 * DAY - 1), 14);
        assert_eq!(bucket_of(30 * DAY), 15);
        assert_eq!(bucket_of(i64::MAX), 15);
        // Bounds are increasing and each bucket's bounds hold its own durations.
        for i in 0..BUCKETS {
            let (lo, hi) = bucket_bounds(i);
            assert_eq!(bucket_of(lo), i);
            if let Some(hi) = hi {
                assert!(hi > lo);
                assert_eq!(bucket_of(hi - 1), i);
                assert_eq!(bucket_of(hi), i + 1);
            }
        }
    }

    #[test]
    fn median_of_a_histogram() {
        let mut h = Histogram::default();
        assert_eq!(h.median(), None);
        // One item of 3 hours: bucket [2h, 4h), estimated at its middle.
        h.add(3 * HOUR);
        let m = h.median().unwrap();
        assert_eq!(
            (m.bucket, m.lower_seconds, m.upper_seconds),
            (4, 2 * HOUR, Some(4 * HOUR))
        );
        assert_eq!(m.estimate_seconds, 3 * HOUR);
        // 1 h, 3 h, 3 h, 2 d: half of four is reached in [2h, 4h), one of its two items in:
        // half-way through the bucket.
        h.add(HOUR + 60);
        h.add(3 * HOUR);
        h.add(2 * DAY + 5);
        let m = h.median().unwrap();
        assert_eq!(m.bucket, 4);
        assert_eq!(m.estimate_seconds, 3 * HOUR);
        assert_eq!(h.count(), 4);
        // Everything in the open last bucket: its lower bound, flagged by `upper_seconds`.
        let mut late = Histogram::default();
        late.add(40 * DAY);
        late.add(31 * DAY);
        let m = late.median().unwrap();
        assert_eq!(m.upper_seconds, None);
        assert_eq!(m.estimate_seconds, 30 * DAY);
    }

    #[test]
    fn medians_add_up_across_units() {
        // Two units' histograms merged give the median of all their items.
        let mut a = Histogram::default();
        let mut b = Histogram::default();
        for s in [10 * MINUTE, 20 * MINUTE, 5 * HOUR] {
            a.add(s);
        }
        for s in [6 * HOUR, 7 * HOUR, 3 * DAY, 4 * DAY] {
            b.add(s);
        }
        a.merge(&b);
        // Seven items: the 4th (6 h) is in [4h, 8h).
        let m = a.median().unwrap();
        assert_eq!(m.bucket, 5);
        assert_eq!(a.count(), 7);
    }

    #[test]
    fn a_total_median_lies_between_its_parts() {
        // The issue-12 case: one item each in [2h, 4h); the old rank-based estimate put the
        // total (2.5 h) below both parts (3 h). And the same for pseudo-random histograms.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            i64::try_from(seed % m).unwrap()
        };
        let mut cases = vec![(Histogram::default(), Histogram::default())];
        cases[0].0.add(3 * HOUR);
        cases[0].1.add(3 * HOUR);
        for _ in 0..2000 {
            let (mut a, mut b) = (Histogram::default(), Histogram::default());
            for i in 0..BUCKETS {
                a.0[i] = next(4) * next(2);
                b.0[i] = next(4) * next(2);
            }
            a.0[usize::try_from(next(16)).unwrap()] += 1;
            b.0[usize::try_from(next(16)).unwrap()] += 1;
            cases.push((a, b));
        }
        for (a, b) in cases {
            let mut t = a;
            t.merge(&b);
            let (x, y, m) = (
                a.median().unwrap().estimate_seconds,
                b.median().unwrap().estimate_seconds,
                t.median().unwrap().estimate_seconds,
            );
            assert!(x.min(y) <= m && m <= x.max(y), "{a:?} {b:?}: {x} {y} {m}");
        }
    }

    #[test]
    fn rates_and_means_round_half_up() {
        assert_eq!(permille(7, 8), Some(875));
        assert_eq!(permille(1, 3), Some(333));
        assert_eq!(permille(2, 3), Some(667));
        assert_eq!(permille(0, 0), None);
        assert_eq!(percent_text(7, 8, ','), Some("87,5%".into()));
        assert_eq!(percent_text(7, 8, '.'), Some("87.5%".into()));
        assert_eq!(percent_text(3, 3, ','), Some("100%".into()));
        assert_eq!(percent_text(1, 0, ','), None);
        let c = FeedbackCounts {
            ratings: [1, 0, 0, 2, 3],
            acknowledged: 4,
            acknowledged_on_time: 3,
            ..Default::default()
        };
        // (1 + 8 + 15) / 6 = 4.0
        assert_eq!(c.rating_count(), 6);
        assert_eq!(c.rating_mean_tenths(), Some(40));
        assert_eq!(c.ack_on_time_permille(), Some(750));
        assert_eq!(c.resolve_on_time_permille(), None);
        assert_eq!(FeedbackCounts::default().rating_mean_tenths(), None);
        assert_eq!(tenths_text(42, ','), "4,2");
        assert_eq!(tenths_text(-5, '.'), "-0.5");
    }

    #[test]
    fn counts_merge_field_by_field() {
        let mut a = FeedbackCounts {
            received: 3,
            closed: 1,
            ratings: [0, 0, 1, 0, 0],
            overdue_now: 1,
            ..Default::default()
        };
        a.ack_time.add(HOUR);
        let mut b = a;
        b.received = 2;
        a.merge(&b);
        assert_eq!(a.received, 5);
        assert_eq!(a.open(), 3);
        assert_eq!(a.ratings, [0, 0, 2, 0, 0]);
        assert_eq!(a.ack_time.count(), 2);
        assert_eq!(a.overdue_now, 2);
    }

    #[test]
    fn durations_read_in_minutes_hours_or_days() {
        assert_eq!(duration_parts(-3), (0, DurationUnit::Minutes));
        assert_eq!(duration_parts(89), (1, DurationUnit::Minutes));
        assert_eq!(duration_parts(90), (2, DurationUnit::Minutes));
        assert_eq!(duration_parts(HOUR), (10, DurationUnit::Hours));
        assert_eq!(duration_parts(HOUR + HOUR / 2), (15, DurationUnit::Hours));
        assert_eq!(duration_parts(2 * DAY), (20, DurationUnit::Days));
        assert_eq!(duration_parts(3 * DAY + 3 * HOUR), (31, DurationUnit::Days));
    }

    #[test]
    fn months_parse_and_count_in_vietnam_time() {
        let m = Month::parse("from", "2026-02").unwrap();
        assert_eq!(m.to_string(), "2026-02");
        for bad in [
            "2026-2", "26-02", "2026-13", "2026/02", "abcd-ef", "1999-12", "2026-00",
        ] {
            let e = Month::parse("from", bad).unwrap_err();
            assert_eq!(
                (e.field, e.kind.code()),
                ("from", "invalid_format"),
                "{bad}"
            );
        }
        assert_eq!(
            Month::parse("to", " ").unwrap_err().kind,
            FieldErrorKind::Required
        );
        assert_eq!(m.plus(11).to_string(), "2027-01");
        assert_eq!(m.plus(-2).to_string(), "2025-12");
        assert_eq!(m.months_until(m.plus(23)), 23);
        // The month starts at midnight in Vietnam: 17:00 UTC the day before.
        assert_eq!(m.start().to_string(), "2026-01-31T17:00:00Z");
        let ts: Timestamp = "2026-01-31T17:00:00Z".parse().unwrap();
        assert_eq!(Month::of(ts), m);
        let ts: Timestamp = "2026-01-31T16:59:59Z".parse().unwrap();
        assert_eq!(Month::of(ts), m.plus(-1));
    }

    #[test]
    fn periods_default_to_the_last_twelve_months_and_are_checked() {
        let now: Timestamp = "2026-11-21T08:00:00Z".parse().unwrap();
        let p = Period::parse(None, None, now).unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2025-12".into(), "2026-11".into())
        );
        let p = Period::parse(Some("2026-03"), Some(""), now).unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2026-03".into(), "2026-11".into())
        );
        let p = Period::parse(None, Some("2026-06"), now).unwrap();
        assert_eq!(p.from.to_string(), "2025-07");
        let e = Period::parse(Some("2026-05"), Some("2026-04"), now).unwrap_err();
        assert_eq!(e.field, "to");
        let e = Period::parse(Some("2010-01"), Some("2026-04"), now).unwrap_err();
        assert_eq!((e.field, e.kind.code()), ("from", "out_of_range"));
        assert!(Period::parse(Some("2017-05"), Some("2027-04"), now).is_ok());
        let e = Period::parse(Some("2026-5"), None, now).unwrap_err();
        assert_eq!(e.field, "from");
    }
}
