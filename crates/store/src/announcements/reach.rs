//! The messages written when an announcement reaches a unit: in the same transaction as the
//! change (publication, passing on, a new version), as `INSERT … SELECT` so that a unit of
//! any size costs a handful of statements. A message already in the outbox (same key) is
//! left alone.

/// What to say when an announcement reaches a unit.
#[derive(Debug, Clone)]
pub struct Reach {
    /// `announcement-{id}-v{version}`: the start of every message's idempotency key.
    pub key_prefix: String,
    pub announcement_id: tuquan_domain::announcements::AnnouncementId,
    /// For the heads of the units below: "waiting for you to pass on".
    pub head_subject: String,
    /// For the households of the unit.
    pub resident_subject: String,
    pub body: String,
    /// The announcement's narrowing (comma-separated group kinds and roles; empty: everybody).
    pub group_kinds: String,
    pub roles: String,
}

/// The consent purpose that allows e-mail and SMS to a resident.
pub(crate) const CONSENT: &str = tuquan_domain::announcements::CONSENT_PURPOSE;

/// Whether resident `r`'s latest consent for announcements is a yes.
const CONSENTED: &str = "EXISTS (SELECT 1 FROM consents c WHERE c.resident_id = r.id \
     AND c.purpose = $7 AND c.granted = TRUE AND c.id = (SELECT MAX(c2.id) FROM consents c2 \
     WHERE c2.resident_id = r.id AND c2.purpose = $7))";

/// The statements: each selects (key suffix, channel, recipient, user id, subject) for unit $2.
/// $1 key prefix, $2 unit code, $3 head subject, $4 resident subject, $5 body, $6 now,
/// $7 consent purpose, $8 announcement id, $9 group kinds, $10 roles. A channel an account
/// turned off gets nothing (`account_channels`); a narrowed announcement goes to the heads
/// below (who pass it on) and only to the residents and accounts in its audience.
pub(crate) fn statements() -> [String; 7] {
    use super::channel_on;
    let target = super::targeting::resident_targeted(9, 10);
    let insert = "INSERT INTO outbox (idempotency_key, channel, recipient, user_id, subject, \
         body, purpose, about_type, about_id, attempts, next_attempt_at, status, created_at) ";
    let tail = "ON CONFLICT (idempotency_key) DO NOTHING";
    let heads = "FROM grants g JOIN units u ON u.code = g.unit_code \
         JOIN users us ON us.id = g.user_id \
         WHERE u.parent_code = $2 AND u.valid_to IS NULL AND NOT us.disabled \
         AND g.role IN ('unit_head', 'deputy_head')";
    let residents = "FROM users us JOIN residents r ON r.id = us.resident_id \
         JOIN households h ON h.id = r.household_id \
         WHERE h.unit_code = $2 AND h.status = 'active' AND r.status = 'active' AND NOT us.disabled";
    let cols = |channel: &str, recipient: &str, user: &str, subject: &str| {
        format!(
            "$1 || '-{channel}-' || {recipient}, '{channel}', {recipient}, {user}, {subject}, $5, \
             'announcement', 'announcement', $8, 0, $6, 'pending', $6"
        )
    };
    let with_address = |from: &str, ch: &str| {
        from.replace(
            "WHERE",
            &format!(
                "JOIN delivery_addresses da ON da.user_id = us.id AND da.channel = '{ch}' WHERE"
            ),
        )
    };
    let (app_on, mail_on, sms_on) = (
        channel_on("us.id", "in_app"),
        channel_on("us.id", "email"),
        channel_on("us.id", "sms"),
    );
    // A resident whose account turned SMS off gets none at the household's phone either.
    let resident_sms_on = "NOT EXISTS (SELECT 1 FROM users ux JOIN account_channels ac \
         ON ac.user_id = ux.id WHERE ux.resident_id = r.id AND ac.channel = 'sms' \
         AND ac.enabled = FALSE)";
    [
        // Heads of the units below: in the app…
        format!(
            "{insert} SELECT DISTINCT {} {heads} AND {app_on} {tail}",
            cols("in_app", "CAST(us.id AS TEXT)", "us.id", "$3")
        ),
        // …by e-mail where they gave an address (officials need no consent)…
        format!(
            "{insert} SELECT DISTINCT {} {} AND {mail_on} {tail}",
            cols("email", "da.address", "us.id", "$3"),
            with_address(heads, "email"),
        ),
        // …and by SMS where they gave a phone.
        format!(
            "{insert} SELECT DISTINCT {} {} AND {sms_on} {tail}",
            cols("webhook", "da.address", "us.id", "$3"),
            with_address(heads, "sms"),
        ),
        // Residents with an account: in the app.
        format!(
            "{insert} SELECT {} {residents} AND {app_on} AND {target} {tail}",
            cols("in_app", "CAST(us.id AS TEXT)", "us.id", "$4")
        ),
        // Residents with an account and an e-mail address, who consented.
        format!(
            "{insert} SELECT {} {} AND {CONSENTED} AND {mail_on} AND {target} {tail}",
            cols("email", "da.address", "us.id", "$4"),
            with_address(residents, "email"),
        ),
        // Every resident of the unit with a phone, who consented: SMS through the webhook.
        format!(
            "{insert} SELECT {} FROM residents r JOIN households h ON h.id = r.household_id \
             WHERE h.unit_code = $2 AND h.status = 'active' AND r.status = 'active' \
             AND r.phone IS NOT NULL AND r.phone <> '' AND {CONSENTED} AND {resident_sms_on} \
             AND {target} {tail}",
            cols("webhook", "r.phone", "NULL", "$4")
        ),
        // Accounts holding a role the announcement is narrowed to, at this unit: in the app.
        format!(
            "{insert} SELECT DISTINCT {} FROM grants g JOIN users us ON us.id = g.user_id \
             WHERE g.unit_code = $2 AND $10 <> '' AND NOT us.disabled \
             AND (',' || $10 || ',') LIKE ('%,' || g.role || ',%') AND {app_on} {tail}",
            cols("in_app", "CAST(us.id AS TEXT)", "us.id", "$4")
        ),
    ]
}

/// Runs the statements of [`statements`] for `unit` on a transaction's connection.
macro_rules! enqueue_reach {
    ($tx:expr, $reach:expr, $unit:expr, $ts:expr) => {{
        let reach: &$crate::announcements::Reach = $reach;
        for sql in $crate::announcements::reach::statements() {
            sqlx::query(&sql)
                .bind(&reach.key_prefix)
                .bind($unit)
                .bind(&reach.head_subject)
                .bind(&reach.resident_subject)
                .bind(&reach.body)
                .bind($ts)
                .bind($crate::announcements::reach::CONSENT)
                .bind(reach.announcement_id.get())
                .bind(&reach.group_kinds)
                .bind(&reach.roles)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use enqueue_reach;
