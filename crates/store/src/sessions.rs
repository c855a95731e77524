//! Server-side sessions, API tokens and login throttling. Session ids and tokens are stored
//! only as hashes: a copy of the database does not let anyone log in.

use serde_json::json;
use tuquan_domain::access::TokenId;
use tuquan_domain::UserId;

use crate::audit::{audited_tx, Arg, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub id_hash: String,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: String,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRecord {
    #[sqlx(try_from = "i64")]
    pub id: TokenId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

const SESSION_COLUMNS: &str = "id_hash, user_id, csrf_token, created_at, last_seen_at, \
     expires_at, client_addr, user_agent";

impl Store {
    /// Starts a session; `replaces` (the id hash of the session the browser came with, if any)
    /// is ended in the same transaction, so a session id is never carried across a login.
    pub async fn create_session(
        &self,
        s: &NewSession,
        replaces: Option<&str>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let entry = AuditEntry {
            action: "session.login",
            target_type: "user",
            target_id: s.user_id.to_string(),
            unit_path: None,
            before: None,
            after: Some(json!({ "user_agent": s.user_agent })),
        };
        audited_tx!(self, ctx, &entry, tx => {
            if let Some(old) = replaces {
                sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1")
                    .bind(old)
                    .bind(&ts)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, \
                 expires_at, client_addr, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
            )
            .bind(&s.id_hash)
            .bind(s.user_id.get())
            .bind(&s.csrf_token)
            .bind(&ts)
            .bind(&s.expires_at)
            .bind(&s.client_addr)
            .bind(&s.user_agent)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// A live session: not revoked, not expired.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions \
             WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > $2"
        );
        let row: Option<SessionRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id_hash).bind(now()).fetch_optional(p).await?
        });
        Ok(row)
    }

    /// Notes activity, at most once a minute per session to spare the database.
    pub async fn touch_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        let ts = now();
        let minute_ago = crate::stamp(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60));
        if s.last_seen_at > minute_ago {
            return Ok(());
        }
        with_pool!(self, p => {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
                .bind(&s.id_hash)
                .bind(&ts)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    pub async fn end_session(&self, id_hash: &str, ctx: &AuditCtx) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "session.logout",
            target_type: "user",
            target_id: ctx.actor_user_id.map(|i| i.to_string()).unwrap_or_default(),
            unit_path: None,
            before: None,
            after: None,
        };
        self.execute_audited(
            "UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL",
            &[Arg::Text(id_hash), Arg::Text(&now())],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// "Log out everywhere": ends every session of the user; returns how many.
    pub async fn end_all_sessions(
        &self,
        user_id: UserId,
        ctx: &AuditCtx,
    ) -> Result<u64, StoreError> {
        let entry = AuditEntry {
            action: "session.logout_everywhere",
            target_type: "user",
            target_id: user_id.to_string(),
            unit_path: None,
            before: None,
            after: None,
        };
        self.execute_audited(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            &[Arg::Int(user_id.get()), Arg::Text(&now())],
            false,
            ctx,
            &entry,
        )
        .await
    }

    pub async fn sessions_of(&self, user_id: UserId) -> Result<Vec<SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions \
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 \
             ORDER BY created_at DESC"
        );
        let rows: Vec<SessionRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(user_id.get()).bind(now()).fetch_all(p).await?
        });
        Ok(rows)
    }

    pub async fn create_token(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        ctx: &AuditCtx,
    ) -> Result<TokenId, StoreError> {
        let entry = AuditEntry {
            action: "token.create",
            target_type: "api_token",
            target_id: String::new(),
            unit_path: None,
            before: None,
            after: Some(json!({ "user_id": user_id, "name": name })),
        };
        self.insert_audited(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[
                Arg::Int(user_id.get()),
                Arg::Text(name),
                Arg::Text(token_hash),
                Arg::Text(&now()),
            ],
            ctx,
            entry,
        )
        .await
        .map(TokenId)
    }

    /// The owner of a live token, noting its use (at most once a minute).
    pub async fn token_owner(&self, token_hash: &str) -> Result<Option<UserId>, StoreError> {
        let row: Option<(i64, i64, Option<String>)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, user_id, last_used_at FROM api_tokens \
                 WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?
        });
        let Some((id, user_id, last_used)) = row else {
            return Ok(None);
        };
        let minute_ago = crate::stamp(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60));
        if last_used.is_none_or(|t| t < minute_ago) {
            with_pool!(self, p => {
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now())
                    .execute(p)
                    .await?;
            });
        }
        Ok(Some(UserId(user_id)))
    }

    pub async fn tokens_of(&self, user_id: UserId) -> Result<Vec<TokenRecord>, StoreError> {
        let rows: Vec<TokenRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens \
                 WHERE user_id = $1 ORDER BY id DESC",
            )
            .bind(user_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Revokes one of `user_id`'s tokens; another user's token is "not found".
    pub async fn revoke_token(
        &self,
        user_id: UserId,
        token_id: TokenId,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "token.revoke",
            target_type: "api_token",
            target_id: token_id.to_string(),
            unit_path: None,
            before: None,
            after: None,
        };
        self.execute_audited(
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
            &[
                Arg::Int(token_id.get()),
                Arg::Int(user_id.get()),
                Arg::Text(&now()),
            ],
            true,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Ends every session of the user except `keep` (a session id hash) and, with
    /// `revoke_tokens`, revokes every API token too; one audit row (`action`) with the counts.
    /// Returns (sessions ended, tokens revoked).
    pub async fn end_access(
        &self,
        user_id: UserId,
        keep: Option<&str>,
        revoke_tokens: bool,
        action: &'static str,
        ctx: &AuditCtx,
    ) -> Result<(u64, u64), StoreError> {
        let keep = keep.unwrap_or("");
        let (sessions, tokens) = audited_tx!(self, ctx, tx => {
            let at = now();
            let sessions = sqlx::query(
                "UPDATE sessions SET revoked_at = $2 \
                 WHERE user_id = $1 AND revoked_at IS NULL AND id_hash <> $3",
            )
            .bind(user_id.get())
            .bind(&at)
            .bind(keep)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let tokens = if revoke_tokens {
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(user_id.get())
                .bind(&at)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                0
            };
            let entry = AuditEntry {
                action,
                target_type: "user",
                target_id: user_id.to_string(),
                unit_path: None,
                before: None,
                after: Some(json!({"sessions_ended": sessions, "tokens_revoked": tokens})),
            };
            ((sessions, tokens), entry)
        });
        Ok((sessions, tokens))
    }

    /// When a throttled key (an account or an address) may try again, if it is locked now.
    pub async fn throttle_locked_until(&self, key: &str) -> Result<Option<String>, StoreError> {
        let until: Option<Option<String>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?
        });
        Ok(until.flatten().filter(|u| *u > now()))
    }

    /// Counts a failed login for `key`; returns the number of failures so far.
    pub async fn throttle_failure(&self, key: &str) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2) \
                 ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures + 1, \
                 last_failure_at = excluded.last_failure_at RETURNING failures",
            )
            .bind(key)
            .bind(now())
            .fetch_one(p)
            .await?
        });
        Ok(n)
    }

    pub async fn throttle_lock(&self, key: &str, until: &str) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("UPDATE login_throttle SET locked_until = $2 WHERE key = $1")
                .bind(key)
                .bind(until)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    pub async fn throttle_clear(&self, key: &str) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(key)
                .execute(p)
                .await?;
        });
        Ok(())
    }
}
