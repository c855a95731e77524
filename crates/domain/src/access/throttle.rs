//! Sign-in throttling thresholds. An account is locked after a few failures (growing delays,
//! see [`super::lockout_secs`]); a client address, which many people may share behind one
//! router or proxy, only after many failures within a sliding window, and only briefly.

/// Failed sign-ins tolerated per account before delays start.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;

/// The sliding window over which failures from one client address count: older ones expire.
pub const ADDRESS_WINDOW_SECS: i64 = 15 * 60;

/// Failures from one address within the window before the address is locked.
pub const ADDRESS_FREE_FAILURES: usize = 50;

/// How long an address stays locked: short, since it may be a whole office or a proxy.
pub const ADDRESS_LOCK_SECS: i64 = 120;

/// The lock an address earns with `failures_in_window` recent failures: none up to the
/// allowance, then [`ADDRESS_LOCK_SECS`] (never growing: a shared address is not a suspect).
pub fn address_lock_secs(failures_in_window: usize) -> Option<i64> {
    (failures_in_window > ADDRESS_FREE_FAILURES).then_some(ADDRESS_LOCK_SECS)
}

/// The whole seconds a client should wait from `now_secs` until `until_secs` (at least 1),
/// for a `Retry-After` header.
pub fn retry_after_secs(now_secs: i64, until_secs: i64) -> i64 {
    (until_secs - now_secs).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_locked_only_after_many_failures_and_briefly() {
        assert_eq!(address_lock_secs(0), None);
        assert_eq!(address_lock_secs(ADDRESS_FREE_FAILURES), None);
        assert_eq!(address_lock_secs(ADDRESS_FREE_FAILURES + 1), Some(120));
        assert_eq!(address_lock_secs(10_000), Some(120));
        const { assert!(ADDRESS_FREE_FAILURES as i64 > 4 * ACCOUNT_FREE_FAILURES) };
        const { assert!(ADDRESS_LOCK_SECS <= 300) };
        assert_eq!(ADDRESS_WINDOW_SECS, 900);
    }

    #[test]
    fn retry_after_is_at_least_a_second() {
        assert_eq!(retry_after_secs(100, 160), 60);
        assert_eq!(retry_after_secs(100, 100), 1);
        assert_eq!(retry_after_secs(100, 50), 1);
    }
}
