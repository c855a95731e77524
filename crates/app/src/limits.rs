//! Rate limits kept in the process's memory: sliding windows of recent events per key (a
//! client address, a contact, a unit). Several web nodes each keep their own counters, so
//! behind a load balancer the effective limit is the per-node limit times the number of
//! nodes; a restart forgets them. That suits their purpose — slowing floods of anonymous
//! feedback and sign-in guessing — not accounting. Per-account sign-in lockouts are kept in
//! the database instead (`login_throttle`), so they hold across nodes and restarts.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::Timestamp;
use tuquan_domain::access::throttle;
use tuquan_domain::feedback::NewFeedbackInput;

use crate::{AppError, AppResult, Ctx};

/// At most `max` events per `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub max: usize,
    pub window_secs: i64,
}

/// The limits on anonymous feedback (Open311 and the public form alike).
#[derive(Debug, Clone, Copy)]
pub struct LimitSettings {
    /// Per client address.
    pub feedback_per_address: Rule,
    /// Per contact phone or e-mail.
    pub feedback_per_contact: Rule,
    /// Per unit the feedback is about.
    pub feedback_per_unit: Rule,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            feedback_per_address: Rule {
                max: 10,
                window_secs: 600,
            },
            feedback_per_contact: Rule {
                max: 5,
                window_secs: 3600,
            },
            feedback_per_unit: Rule {
                max: 200,
                window_secs: 3600,
            },
        }
    }
}

/// Keys with no recent event are dropped once the map grows past this, so a flood of
/// distinct keys cannot grow memory without bound.
const PRUNE_ABOVE: usize = 10_000;

/// Sliding windows of event times (Unix seconds) per key.
#[derive(Default)]
struct Windows(HashMap<String, VecDeque<i64>>);

impl Windows {
    fn recent(&mut self, key: &str, now: i64, window: i64) -> usize {
        let Some(q) = self.0.get_mut(key) else {
            return 0;
        };
        while q.front().is_some_and(|t| *t <= now - window) {
            q.pop_front();
        }
        q.len()
    }

    /// When the oldest counted event leaves the window.
    fn free_at(&self, key: &str, window: i64) -> Option<i64> {
        self.0.get(key)?.front().map(|t| t + window)
    }

    fn record(&mut self, key: &str, now: i64, keep: usize) {
        if self.0.len() > PRUNE_ABOVE {
            self.0
                .retain(|_, q| q.back().is_some_and(|t| *t > now - 86_400));
        }
        let q = self.0.entry(key.to_owned()).or_default();
        q.push_back(now);
        while q.len() > keep {
            q.pop_front();
        }
    }
}

/// The process's limiters; one per [`crate::App`].
#[derive(Default)]
pub struct Limits {
    pub settings: LimitSettings,
    events: Mutex<Windows>,
    /// Client addresses locked from signing in, until (Unix seconds).
    address_locks: Mutex<HashMap<String, i64>>,
    /// The key and used tokens of the proof of humanity (`feedback::humanity`).
    pub(crate) proofs: crate::feedback::humanity::ProofKeys,
}

impl Limits {
    pub fn new(settings: LimitSettings) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }

    /// Checks every `(key, rule)` and, when none is over its limit, records one event for
    /// each. Over a limit: the time (Unix seconds) when the first refusing key frees up.
    fn take(&self, keys: &[(String, Rule)], now: i64) -> Result<(), i64> {
        let mut w = self.events.lock().unwrap_or_else(|e| e.into_inner());
        for (key, rule) in keys {
            if w.recent(key, now, rule.window_secs) >= rule.max {
                return Err(w.free_at(key, rule.window_secs).unwrap_or(now + 1));
            }
        }
        for (key, rule) in keys {
            w.record(key, now, rule.max.max(1));
        }
        Ok(())
    }

    /// Whether an anonymous client at `addr` sent more feedback recently than the soft
    /// threshold (30% of the per-address limit) after which it must prove it is human.
    pub(crate) fn over_soft_threshold(&self, addr: &str, now: i64) -> bool {
        let rule = self.settings.feedback_per_address;
        let soft = (rule.max * 3 / 10).max(1);
        let mut w = self.events.lock().unwrap_or_else(|e| e.into_inner());
        w.recent(&format!("fb-addr:{addr}"), now, rule.window_secs) >= soft
    }

    /// Until when (Unix seconds) sign-in from `addr` is locked, if it is.
    pub(crate) fn address_locked_until(&self, addr: &str, now: i64) -> Option<i64> {
        let locks = self.address_locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.get(addr).copied().filter(|u| *u > now)
    }

    /// Counts a failed sign-in from `addr` in its sliding window; returns the lock (seconds)
    /// it earns, if any.
    pub(crate) fn address_failure(&self, addr: &str, now: i64) -> Option<i64> {
        let key = format!("login:{addr}");
        let window = throttle::ADDRESS_WINDOW_SECS;
        let n = {
            let mut w = self.events.lock().unwrap_or_else(|e| e.into_inner());
            w.record(&key, now, throttle::ADDRESS_FREE_FAILURES + 1);
            w.recent(&key, now, window)
        };
        let secs = throttle::address_lock_secs(n)?;
        let mut locks = self.address_locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.retain(|_, u| *u > now);
        locks.insert(addr.to_owned(), now + secs);
        Some(secs)
    }

    /// A successful sign-in from `addr` clears its failures and any lock.
    pub(crate) fn address_success(&self, addr: &str) {
        let key = format!("login:{addr}");
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .remove(&key);
        self.address_locks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(addr);
    }
}

/// A contact reduced to what identifies it: digits of a phone, an e-mail in lower case.
fn contact_key(input: &NewFeedbackInput) -> Option<String> {
    let phone: String = input
        .contact_phone
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if !phone.is_empty() {
        return Some(format!("fb-contact:{phone}"));
    }
    let email = input.contact_email.as_deref().unwrap_or("").trim();
    (!email.is_empty()).then(|| format!("fb-contact:{}", email.to_lowercase()))
}

/// Counts one feedback submission against the limits per client, contact and unit;
/// `RateLimited` when any is exceeded (nothing is counted then). The client is the address
/// for anonymous senders and the account for signed-in ones (an Open311 application's key,
/// a resident). Officials filing for someone who came in person (`on_behalf`) are not
/// limited.
pub fn feedback(ctx: &Ctx, on_behalf: bool, input: &NewFeedbackInput) -> AppResult<()> {
    if on_behalf {
        return Ok(());
    }
    let limits = ctx.app.limits();
    let s = limits.settings;
    let addr = ctx.meta.client_addr.as_deref().unwrap_or("unknown");
    let client = match &ctx.actor {
        Some(who) => format!("fb-user:{}", who.user.id),
        None => format!("fb-addr:{addr}"),
    };
    let mut keys = vec![(client, s.feedback_per_address)];
    if let Some(k) = contact_key(input) {
        keys.push((k, s.feedback_per_contact));
    }
    keys.push((
        format!("fb-unit:{}", input.unit_code.trim()),
        s.feedback_per_unit,
    ));
    let now = ctx.now.as_second();
    limits.take(&keys, now).map_err(|free_at| {
        tracing::warn!(client = addr, "feedback rate limit reached");
        AppError::RateLimited {
            until: stamp_secs(free_at),
        }
    })
}

/// Unix seconds as the product's RFC 3339 stamp.
pub(crate) fn stamp_secs(secs: i64) -> String {
    tuquan_store::stamp(Timestamp::from_second(secs).unwrap_or(Timestamp::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        max: 2,
        window_secs: 60,
    };

    #[test]
    fn a_window_slides_and_expires() {
        let l = Limits::default();
        let k = [("a".to_owned(), RULE)];
        assert!(l.take(&k, 100).is_ok());
        assert!(l.take(&k, 110).is_ok());
        assert_eq!(l.take(&k, 120), Err(160));
        assert!(l.take(&k, 161).is_ok(), "the first event left the window");
        assert_eq!(l.take(&k, 162), Err(170));
    }

    #[test]
    fn a_refusal_counts_nothing() {
        let l = Limits::default();
        let both = [
            ("a".to_owned(), RULE),
            ("b".to_owned(), Rule { max: 1, ..RULE }),
        ];
        assert!(l.take(&both, 100).is_ok());
        assert!(l.take(&both, 101).is_err());
        assert!(l.take(&[("a".to_owned(), RULE)], 102).is_ok());
    }

    #[test]
    fn addresses_lock_after_many_failures_and_success_clears() {
        let l = Limits::default();
        for i in 0..throttle::ADDRESS_FREE_FAILURES {
            assert_eq!(l.address_failure("1.2.3.4", 1000 + i as i64), None);
        }
        assert_eq!(l.address_failure("1.2.3.4", 1100), Some(120));
        assert_eq!(l.address_locked_until("1.2.3.4", 1101), Some(1220));
        assert_eq!(l.address_locked_until("5.6.7.8", 1101), None);
        l.address_success("1.2.3.4");
        assert_eq!(l.address_locked_until("1.2.3.4", 1101), None);
        assert_eq!(l.address_failure("1.2.3.4", 1102), None);
        // Old failures expire: fifty spread over more than the window never lock.
        let l = Limits::default();
        for i in 0..200 {
            assert_eq!(l.address_failure("9.9.9.9", i * 60), None);
        }
    }
}
