//! Reminders before a deadline: which items are coming due, and a claim so each deadline is
//! reminded once even with several servers running the job.

use super::{FeedbackRecord, FEEDBACK_COLUMNS};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

/// Which deadline a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    Acknowledge,
    Resolve,
}

impl DeadlineKind {
    /// The history event kind that records the reminder.
    pub fn event_kind(self) -> &'static str {
        match self {
            Self::Acknowledge => "reminder.ack",
            Self::Resolve => "reminder.resolve",
        }
    }
}

impl Store {
    /// Open items with a pending deadline after `now` and no later than `until`, oldest
    /// deadline first, after `after_id` (paging by id).
    pub async fn feedback_coming_due(
        &self,
        now: &str,
        until: &str,
        after_id: tuquan_domain::FeedbackId,
        limit: i64,
    ) -> Result<Vec<FeedbackRecord>, StoreError> {
        let sql = format!(
            "SELECT {FEEDBACK_COLUMNS} FROM feedback \
             WHERE status IN ('new', 'acknowledged', 'in_progress') AND id > $3 \
             AND ((status = 'new' AND ack_due_at > $1 AND ack_due_at <= $2) \
                  OR (resolve_due_at > $1 AND resolve_due_at <= $2)) \
             ORDER BY id LIMIT $4"
        );
        let rows: Vec<FeedbackRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(now)
                .bind(until)
                .bind(after_id.get())
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// Records that the deadline `due` of an item was reminded, unless it already was, and
    /// writes the reminder's notices in the same transaction. Returns whether this call made
    /// the record (and so sent the reminder).
    pub async fn claim_reminder(
        &self,
        feedback_id: tuquan_domain::FeedbackId,
        kind: DeadlineKind,
        due: &str,
        notices: &[super::FeedbackNotice],
    ) -> Result<bool, StoreError> {
        let ts = now();
        let n = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "INSERT INTO feedback_events (feedback_id, at, kind, internal_note) \
                 SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM feedback_events \
                 WHERE feedback_id = $1 AND kind = $3 AND internal_note = $4)",
            )
            .bind(feedback_id.get())
            .bind(&ts)
            .bind(kind.event_kind())
            .bind(due)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                super::insert_notices!(tx, notices, feedback_id, &ts)?;
            }
            tx.commit().await?;
            n
        });
        Ok(n == 1)
    }
}
