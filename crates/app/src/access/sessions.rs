//! Signing in and out, the account overview, password changes and "sign out everywhere".

use tuquan_domain::access::throttle::ACCOUNT_FREE_FAILURES;
use tuquan_domain::access::{lockout_secs, Password, Username};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditEntry;
use tuquan_store::sessions::NewSession;

use super::{secret, Authenticated, GrantRecord, SessionRecord, TokenRecord, SESSION_DAYS};
use crate::{AppError, AppResult, Ctx};

/// A session just started: the cookie's value (shown once, stored only as a hash).
#[derive(Debug, Clone)]
pub struct StartedSession {
    pub session_id: String,
    /// Signed in with a temporary password: the next stop is the password change.
    pub must_change_password: bool,
}

/// Checks a username and password and starts a session. `Ok(None)` for wrong credentials
/// or a disabled account (counted against the account, in the database, and against the
/// client address, in a sliding window in memory; see `tuquan_domain::access::throttle`);
/// `TooManyAttempts` while either is locked. Failures and locks are audited. `old_session`
/// (the cookie the browser came with) is ended in the same transaction: an id planted
/// before sign-in is worthless.
pub async fn sign_in(
    ctx: &Ctx,
    username: &str,
    password: &str,
    old_session: Option<&str>,
) -> AppResult<Option<StartedSession>> {
    let addr = ctx.meta.client_addr.as_deref().unwrap_or("unknown");
    let now = ctx.now.as_second();
    let username = Username::parse(username).ok();
    let user_key = username.as_ref().map(|u| format!("user:{}", u.as_str()));
    if let Some(until) = ctx.app.limits().address_locked_until(addr, now) {
        return Err(AppError::TooManyAttempts {
            until: crate::limits::stamp_secs(until),
        });
    }
    if let Some(key) = &user_key {
        if let Some(until) = ctx.store().throttle_locked_until(key).await? {
            return Err(AppError::TooManyAttempts { until });
        }
    }
    let user = match &username {
        Some(u) => ctx.store().user_by_username(u.as_str()).await?,
        None => None,
    };
    // Verify even without an account, so timing does not tell which accounts exist.
    let hash = user
        .as_ref()
        .map_or(secret::dummy_hash(), |u| u.password_hash.as_str());
    let password_ok = secret::verify_password(password, hash);
    let user = match user {
        Some(u) if password_ok && !u.disabled => u,
        _ => {
            let attempted = username.as_ref().map(|u| u.as_str());
            audit_attempt(ctx, "session.login_failed", attempted, None).await?;
            if let Some(secs) = ctx.app.limits().address_failure(addr, now) {
                tracing::warn!(
                    client = addr,
                    lock_secs = secs,
                    "sign-in locked for an address"
                );
                audit_attempt(
                    ctx,
                    "session.login_locked",
                    attempted,
                    Some(("address", secs)),
                )
                .await?;
            }
            if let Some(k) = &user_key {
                fail(ctx, k, attempted).await?;
            }
            return Ok(None);
        }
    };
    ctx.app.limits().address_success(addr);
    if let Some(k) = &user_key {
        ctx.store().throttle_clear(k).await?;
    }
    let id = secret::random_token();
    let expires = ctx.now + jiff::SignedDuration::from_hours(24 * SESSION_DAYS);
    let session = NewSession {
        id_hash: secret::sha256_hex(&id),
        user_id: user.id,
        csrf_token: secret::random_token(),
        expires_at: tuquan_store::stamp(expires),
        client_addr: ctx.meta.client_addr.clone(),
        user_agent: ctx.meta.user_agent.clone(),
    };
    // The new session's owner is the actor of its audit row.
    let mut audit = ctx.audit_ctx();
    audit.actor_user_id = Some(user.id);
    audit.actor_username = Some(user.username.clone());
    let old = old_session.map(secret::sha256_hex);
    ctx.store()
        .create_session(&session, old.as_deref(), &audit)
        .await?;
    Ok(Some(StartedSession {
        session_id: id,
        must_change_password: user.must_change_password,
    }))
}

/// Counts a failure against the account `key` and locks it when past its allowance.
async fn fail(ctx: &Ctx, key: &str, attempted: Option<&str>) -> AppResult<()> {
    let failures = ctx.store().throttle_failure(key).await?;
    if let Some(secs) = lockout_secs(failures, ACCOUNT_FREE_FAILURES) {
        let until = tuquan_store::stamp(ctx.now + jiff::SignedDuration::from_secs(secs));
        ctx.store().throttle_lock(key, &until).await?;
        tracing::warn!(
            key,
            failures,
            lock_secs = secs,
            "sign-in locked after repeated failures"
        );
        audit_attempt(
            ctx,
            "session.login_locked",
            attempted,
            Some(("account", secs)),
        )
        .await?;
    }
    Ok(())
}

/// An audit row for a failed sign-in or a lock: the attempted username as the actor (never
/// the password), the client address from the request.
async fn audit_attempt(
    ctx: &Ctx,
    action: &'static str,
    attempted: Option<&str>,
    lock: Option<(&str, i64)>,
) -> AppResult<()> {
    let mut audit = ctx.audit_ctx();
    audit.actor_username = attempted.map(str::to_owned);
    let entry = AuditEntry {
        action,
        target_type: "user",
        target_id: attempted.unwrap_or("").to_owned(),
        unit_path: None,
        before: None,
        after: lock.map(|(scope, secs)| serde_json::json!({"lock": scope, "seconds": secs})),
    };
    ctx.store().audit(&audit, &entry).await?;
    Ok(())
}

/// Ends the actor's current browser session (nothing for an API token).
pub async fn sign_out(ctx: &Ctx) -> AppResult<()> {
    let who = ctx.who()?;
    if let Some(s) = &who.session {
        ctx.store()
            .end_session(&s.id_hash, &ctx.audit_ctx())
            .await?;
    }
    Ok(())
}

/// Ends every session of the actor's account, on every device.
pub async fn end_all_sessions(ctx: &Ctx) -> AppResult<()> {
    let who = ctx.who()?;
    ctx.store()
        .end_all_sessions(who.user.id, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// "Sign out everywhere" including API tokens (confirmed by the owner on the page): every
/// session and every token of the account ends.
pub async fn end_all_access(ctx: &Ctx) -> AppResult<()> {
    let who = ctx.who()?;
    ctx.store()
        .end_access(
            who.user.id,
            None,
            true,
            "session.logout_everywhere",
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}

/// Changes the actor's own password. Every problem is an `Invalid` on its field:
/// `current_password` (wrong), `new_password` (too weak, or the same as the current one),
/// `confirm_password` (the two differ).
pub async fn change_password(ctx: &Ctx, current: &str, new: &str, confirm: &str) -> AppResult<()> {
    let who = ctx.who()?;
    if !secret::verify_password(current, &who.user.password_hash) {
        return Err(invalid(
            "current_password",
            FieldErrorKind::NotAllowedHere,
            "wrong",
        ));
    }
    Password::parse(new, "new_password")?;
    if new != confirm {
        return Err(invalid(
            "confirm_password",
            FieldErrorKind::NotAllowedHere,
            "differs",
        ));
    }
    if new == current {
        return Err(invalid(
            "new_password",
            FieldErrorKind::NotAllowedHere,
            "same as the current one",
        ));
    }
    ctx.store()
        .set_password(
            who.user.id,
            &secret::hash_password(new),
            false,
            &ctx.audit_ctx(),
        )
        .await?;
    // Whoever knew the old password may hold another session or a token: end them all but
    // the session making the change.
    let keep = who.session.as_ref().map(|s| s.id_hash.as_str());
    ctx.store()
        .end_access(
            who.user.id,
            keep,
            true,
            "session.ended_by_password_change",
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}

fn invalid(field: &'static str, kind: FieldErrorKind, detail: &str) -> AppError {
    AppError::Invalid(FieldError::new(field, kind, detail))
}

/// What the account page shows its owner.
#[derive(Debug, Clone)]
pub struct Overview {
    pub grants: Vec<GrantRecord>,
    pub sessions: Vec<SessionRecord>,
    pub tokens: Vec<TokenRecord>,
}

/// The actor's own grants, open sessions and API tokens.
pub async fn overview(ctx: &Ctx) -> AppResult<Overview> {
    let id = ctx.who()?.user.id;
    Ok(Overview {
        grants: ctx.store().grants_of(id).await?,
        sessions: ctx.store().sessions_of(id).await?,
        tokens: ctx.store().tokens_of(id).await?,
    })
}

/// The signed-in actor's unread notifications, for the page header; `None` when nobody is
/// signed in.
pub async fn unread_notifications(ctx: &Ctx) -> AppResult<Option<i64>> {
    match &ctx.actor {
        Some(Authenticated { user, .. }) => {
            Ok(Some(ctx.store().unread_notifications(user.id).await?))
        }
        None => Ok(None),
    }
}
