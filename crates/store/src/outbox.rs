//! The outbox: every message the product sends, written in the transaction of the change that
//! causes it (see `announcements::reach`), claimed by the delivery worker for a lease, then
//! marked sent, or pending again with a later attempt, or failed. A worker that dies holding
//! a lease loses nothing: the message is claimed again when the lease ends, with the same
//! idempotency key.

use crate::BeginWrite;
use crate::{now, stamp, with_pool, Backend, Store, StoreError};
use tuquan_domain::UserId;

/// A message as claimed by the worker.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub idempotency_key: String,
    pub channel: String,
    pub recipient: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub user_id: Option<UserId>,
    pub subject: String,
    pub body: String,
    pub purpose: String,
    pub about_type: String,
    pub about_id: i64,
    pub attempts: i64,
}

/// A message to write to the outbox (see [`Store::enqueue_messages`]).
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Stable across retries and crashes; a message with a key already there is not written
    /// again.
    pub idempotency_key: String,
    pub channel: String,
    pub recipient: String,
    pub user_id: Option<UserId>,
    pub subject: String,
    pub body: String,
    pub purpose: String,
    pub about_type: String,
    pub about_id: i64,
}

/// Writes messages on a transaction's connection; in-app messages with `$deliver` are
/// delivered at once (the notification row and the outbox row marked sent, together).
macro_rules! insert_messages {
    ($tx:expr, $msgs:expr, $ts:expr, $deliver_in_app:expr) => {{
        for m in $msgs {
            let m: &$crate::outbox::NewMessage = m;
            let now_in_app = $deliver_in_app && m.channel == "in_app" && m.user_id.is_some();
            let inserted = sqlx::query(
                "INSERT INTO outbox (idempotency_key, channel, recipient, user_id, subject, body, \
                 purpose, about_type, about_id, attempts, next_attempt_at, status, created_at, sent_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $10, $12) \
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(&m.idempotency_key)
            .bind(&m.channel)
            .bind(&m.recipient)
            .bind(m.user_id.map(tuquan_domain::UserId::get))
            .bind(&m.subject)
            .bind(&m.body)
            .bind(&m.purpose)
            .bind(&m.about_type)
            .bind(m.about_id)
            .bind($ts)
            .bind(if now_in_app { "sent" } else { "pending" })
            .bind(now_in_app.then_some($ts))
            .execute(&mut *$tx)
            .await?
            .rows_affected();
            if now_in_app && inserted == 1 {
                let feedback_id = (m.about_type == "feedback").then_some(m.about_id);
                sqlx::query(
                    "INSERT INTO notifications (user_id, feedback_id, kind, message, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(m.user_id.map(tuquan_domain::UserId::get))
                .bind(feedback_id)
                .bind(&m.purpose)
                .bind(&m.subject)
                .bind($ts)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}
pub(crate) use insert_messages;

const RETURNING: &str = "RETURNING id, idempotency_key, channel, recipient, user_id, subject, \
     body, purpose, about_type, about_id, attempts";

impl Store {
    /// Claims up to `limit` due messages until `lease_until`, counting an attempt on each.
    pub async fn claim_outbox(
        &self,
        at: jiff::Timestamp,
        lease_until: jiff::Timestamp,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        // PostgreSQL: workers on several servers skip each other's rows.
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE status IN ('pending', 'sending') \
             AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3 {lock}) {RETURNING}"
        );
        // A read first: an idle worker must not take SQLite's write lock every poll.
        let due: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT id FROM outbox WHERE status IN ('pending', 'sending') \
                 AND next_attempt_at <= $1 LIMIT 1",
            )
            .bind(stamp(at))
            .fetch_optional(p)
            .await?
        });
        if due.is_none() {
            return Ok(vec![]);
        }
        let mut rows: Vec<OutboxMessage> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(stamp(at))
                .bind(stamp(lease_until))
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        rows.sort_by_key(|m| m.id);
        Ok(rows)
    }

    /// Writes messages in one transaction. With `deliver_in_app`, in-app messages are
    /// delivered in that transaction (their notification written, the message marked
    /// sent), so they show at once; the others wait for the worker.
    pub async fn enqueue_messages(
        &self,
        msgs: &[NewMessage],
        deliver_in_app: bool,
    ) -> Result<(), StoreError> {
        if msgs.is_empty() {
            return Ok(());
        }
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            insert_messages!(tx, msgs, &ts, deliver_in_app);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Marks messages delivered, in one statement (one commit for a whole pass).
    pub async fn outbox_sent_many(&self, ids: &[i64]) -> Result<(), StoreError> {
        let ts = now();
        // Bound parameters stay well under SQLite's limit of 32,766.
        for chunk in ids.chunks(1000) {
            let list = (2..chunk.len() + 2)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id IN ({list})"
            );
            with_pool!(self, p => {
                let mut q = sqlx::query(&sql).bind(&ts);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(p).await?;
            });
        }
        Ok(())
    }

    /// Deletes the messages about `about_type` (the benchmark's own, once measured).
    pub async fn delete_outbox_about(&self, about_type: &str) -> Result<u64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("DELETE FROM outbox WHERE about_type = $1")
                .bind(about_type)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    /// Marks a message delivered.
    pub async fn outbox_sent(&self, id: i64) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1")
                .bind(id)
                .bind(now())
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Delivers an in-app message: the notification and the outbox's "sent" in one
    /// transaction, so it appears exactly once.
    pub async fn outbox_deliver_in_app(&self, m: &OutboxMessage) -> Result<(), StoreError> {
        let Some(user_id) = m.user_id else {
            return self.outbox_failed(m.id, None, "no account").await;
        };
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = $2 WHERE id = $1 AND status <> 'sent'",
            )
            .bind(m.id)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query(
                    "INSERT INTO notifications (user_id, feedback_id, kind, message, created_at) \
                     VALUES ($1, NULL, $2, $3, $4)",
                )
                .bind(user_id.get())
                .bind(&m.purpose)
                .bind(&m.subject)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records a failed attempt: pending again at `retry_at`, or failed for good (`None`).
    pub async fn outbox_failed(
        &self,
        id: i64,
        retry_at: Option<jiff::Timestamp>,
        error: &str,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(500).collect();
        with_pool!(self, p => {
            match retry_at {
                Some(at) => sqlx::query(
                    "UPDATE outbox SET status = 'pending', next_attempt_at = $2, last_error = $3 \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(stamp(at))
                .bind(&error)
                .execute(p)
                .await?,
                None => sqlx::query("UPDATE outbox SET status = 'failed', last_error = $2 WHERE id = $1")
                    .bind(id)
                    .bind(&error)
                    .execute(p)
                    .await?,
            };
        });
        Ok(())
    }

    /// How many messages wait to be delivered (pending or claimed).
    pub async fn outbox_backlog(&self) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")
                .fetch_one(p)
                .await?
        }))
    }
}
