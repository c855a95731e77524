//! The rules of passing on, acknowledging and delivering.

use jiff::{SignedDuration, Timestamp};

use super::{AckChannel, Status, Urgency};

/// A refusal by a rule: a stable code (`rule.{code}` in the locale catalogues) and the input
/// it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckRule {
    pub code: &'static str,
    pub field: &'static str,
}

const fn refuse(code: &'static str, field: &'static str) -> Result<(), AckRule> {
    Err(AckRule { code, field })
}

/// How long each unit's head has to pass an announcement on to the level below.
pub fn per_level(urgency: Urgency) -> SignedDuration {
    match urgency {
        Urgency::Normal => SignedDuration::from_hours(72),
        Urgency::Urgent => SignedDuration::from_hours(24),
        Urgency::Immediate => SignedDuration::from_hours(4),
    }
}

/// When the head of a unit `depth` levels below the announcement's unit must have passed it
/// on: each level adds its share, so that the last household is reached in time.
pub fn pass_on_deadline(published: Timestamp, depth: u32, urgency: Urgency) -> Timestamp {
    let d = per_level(urgency) * i32::try_from(depth.max(1)).unwrap_or(i32::MAX);
    published.saturating_add(d).unwrap_or(published)
}

impl AckRule {
    /// Whether a unit's head may pass the announcement on now: it is published, has reached
    /// the unit (its parent passed it on, or the parent is where it was written) and was not
    /// passed on there yet.
    pub fn pass_on(status: Status, reached: bool, already: bool) -> Result<(), AckRule> {
        if status == Status::Withdrawn {
            return refuse("announcement_withdrawn", "announcement");
        }
        if !reached {
            return refuse("announcement_not_reached", "unit");
        }
        if already {
            return refuse("announcement_already_passed_on", "unit");
        }
        Ok(())
    }

    /// Whether a household's acknowledgement may be recorded: the announcement is published
    /// and has reached the household's unit. A resident acknowledges `online`; a head records
    /// how the household was told, which is never `online`.
    pub fn acknowledge(
        status: Status,
        reached: bool,
        on_behalf: bool,
        channel: AckChannel,
    ) -> Result<(), AckRule> {
        if status == Status::Withdrawn {
            return refuse("announcement_withdrawn", "announcement");
        }
        if !reached {
            return refuse("announcement_not_reached", "household");
        }
        if on_behalf == (channel == AckChannel::Online) {
            return refuse("ack_channel", "channel");
        }
        Ok(())
    }

    /// Whether an announcement may be edited or withdrawn: only while published.
    pub fn change(status: Status) -> Result<(), AckRule> {
        if status == Status::Withdrawn {
            return refuse("announcement_withdrawn", "announcement");
        }
        Ok(())
    }
}

/// Delivery gives up after this many attempts; the author sees the message as failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait before attempt `attempts + 1` after `attempts` failures: `base_ms`, doubling,
/// at most an hour.
pub fn backoff_secs(attempts: i64, base_ms: u64) -> SignedDuration {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    let ms = base_ms.saturating_mul(1u64 << doublings).min(3_600_000);
    SignedDuration::from_millis(i64::try_from(ms).unwrap_or(3_600_000))
}

/// The stable key of one message: the same announcement version, channel and recipient
/// always give the same key, so a message written twice is stored once and a receiver can
/// drop a repeat delivered after a crash.
pub fn delivery_key(
    purpose: &str,
    subject_id: i64,
    version: i64,
    channel: &str,
    to: &str,
) -> String {
    format!("{purpose}-{subject_id}-v{version}-{channel}-{to}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_grow_with_depth_and_shrink_with_urgency() {
        let t: Timestamp = "2026-11-29T01:00:00Z".parse().unwrap();
        let one = pass_on_deadline(t, 1, Urgency::Normal);
        let two = pass_on_deadline(t, 2, Urgency::Normal);
        assert_eq!(one, "2026-12-02T01:00:00Z".parse().unwrap());
        assert_eq!(two, "2026-12-05T01:00:00Z".parse().unwrap());
        assert!(
            pass_on_deadline(t, 1, Urgency::Immediate) < pass_on_deadline(t, 1, Urgency::Urgent)
        );
    }

    #[test]
    fn passing_on_needs_the_level_above() {
        assert!(AckRule::pass_on(Status::Published, true, false).is_ok());
        assert_eq!(
            AckRule::pass_on(Status::Published, false, false)
                .unwrap_err()
                .code,
            "announcement_not_reached"
        );
        assert_eq!(
            AckRule::pass_on(Status::Published, true, true)
                .unwrap_err()
                .code,
            "announcement_already_passed_on"
        );
        assert_eq!(
            AckRule::pass_on(Status::Withdrawn, true, false)
                .unwrap_err()
                .code,
            "announcement_withdrawn"
        );
    }

    #[test]
    fn residents_acknowledge_online_and_heads_say_how() {
        let p = Status::Published;
        assert!(AckRule::acknowledge(p, true, false, AckChannel::Online).is_ok());
        assert!(AckRule::acknowledge(p, true, true, AckChannel::Loudspeaker).is_ok());
        assert_eq!(
            AckRule::acknowledge(p, true, true, AckChannel::Online)
                .unwrap_err()
                .code,
            "ack_channel"
        );
        assert_eq!(
            AckRule::acknowledge(p, false, false, AckChannel::Online)
                .unwrap_err()
                .code,
            "announcement_not_reached"
        );
        assert!(AckRule::acknowledge(Status::Withdrawn, true, true, AckChannel::Zalo).is_err());
        assert!(AckRule::change(Status::Withdrawn).is_err());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(1, 1000), SignedDuration::from_secs(1));
        assert_eq!(backoff_secs(2, 1000), SignedDuration::from_secs(2));
        assert_eq!(backoff_secs(4, 1000), SignedDuration::from_secs(8));
        assert_eq!(backoff_secs(40, 1000), SignedDuration::from_secs(3600));
    }

    #[test]
    fn keys_are_stable() {
        assert_eq!(
            delivery_key("announcement", 7, 2, "email", "u12"),
            "announcement-7-v2-email-u12"
        );
    }
}
