//! Changes of an item's state, assignment, rating and escalation.

use serde_json::json;
use tuquan_domain::feedback::{Responsible, Status};

use super::{insert_notices, FeedbackNotice, FeedbackRecord};
use crate::audit::{audited_tx, insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

/// A change of state, checked by the domain's `Transition::apply` before it gets here.
#[derive(Debug, Clone)]
pub struct TransitionRecord {
    pub kind: &'static str,
    pub from: Status,
    pub to: Status,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    pub duplicate_of: Option<tuquan_domain::FeedbackId>,
    pub referred_to: Option<String>,
}

/// A step without a change of state (a note, an assignment, a rating, an escalation).
#[derive(Debug, Clone)]
pub struct StepRecord {
    pub kind: &'static str,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
}

/// The audit row of a change of `item`.
fn item_entry(
    action: &'static str,
    item: &FeedbackRecord,
    before: serde_json::Value,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "feedback",
        target_id: item.id.to_string(),
        unit_path: Some(item.unit_path.clone()),
        before: Some(before),
        after: Some(after),
    }
}

/// One row of an item's history, written in the transaction of the change it records.
struct EventRow<'a> {
    kind: &'a str,
    /// Who acted; `None` for the escalation job, which is nobody.
    actor: Option<&'a AuditCtx>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    public_note: Option<&'a str>,
    internal_note: Option<&'a str>,
}

/// Writes an [`EventRow`] of item `$id` at `$ts` on `$tx` and evaluates to a `Result`. A
/// macro so that one text serves both backends.
macro_rules! insert_event {
    ($tx:ident, $id:expr, $ts:expr, $ev:expr) => {{
        let ev: &EventRow<'_> = $ev;
        sqlx::query(
            "INSERT INTO feedback_events (feedback_id, at, actor_id, actor_name, kind, \
             from_status, to_status, public_note, internal_note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tuquan_domain::FeedbackId::get($id))
        .bind($ts)
        .bind(
            ev.actor
                .and_then(|a| a.actor_user_id)
                .map(tuquan_domain::UserId::get),
        )
        .bind(ev.actor.and_then(|a| a.actor_username.as_deref()))
        .bind(ev.kind)
        .bind(ev.from)
        .bind(ev.to)
        .bind(ev.public_note)
        .bind(ev.internal_note)
        .execute(&mut *$tx)
        .await
    }};
}

impl Store {
    /// Applies a transition if the item is still in `t.from` (another writer may have moved
    /// it: then a conflict on `status`), with its notices.
    pub async fn transition_feedback(
        &self,
        item: &FeedbackRecord,
        t: &TransitionRecord,
        notices: &[FeedbackNotice],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let to = t.to.as_str();
        let entry = item_entry(
            "feedback.transition",
            item,
            json!({ "status": t.from.as_str() }),
            json!({
                "status": to, "step": t.kind, "public_note": t.public_note,
                "duplicate_of": t.duplicate_of, "referred_to": t.referred_to,
            }),
        );
        let event = EventRow {
            kind: t.kind,
            actor: Some(ctx),
            from: Some(t.from.as_str()),
            to: Some(to),
            public_note: t.public_note.as_deref(),
            internal_note: t.internal_note.as_deref(),
        };
        let reopened = i64::from(t.kind == "reopen");
        audited_tx!(self, ctx, &entry, tx => {
            let n = sqlx::query(
                "UPDATE feedback SET status = $3, updated_at = $4, \
                 acknowledged_at = CASE WHEN acknowledged_at IS NULL AND $3 <> 'new' THEN $4 ELSE acknowledged_at END, \
                 resolved_at = CASE WHEN $3 = 'resolved' THEN $4 WHEN $3 = 'in_progress' THEN NULL ELSE resolved_at END, \
                 closed_at = CASE WHEN $3 IN ('resolved', 'rejected', 'duplicate', 'referred') THEN $4 ELSE NULL END, \
                 public_answer = COALESCE($5, public_answer), \
                 duplicate_of = COALESCE($6, duplicate_of), referred_to = COALESCE($7, referred_to), \
                 reopen_count = reopen_count + $8 \
                 WHERE id = $1 AND status = $2",
            )
            .bind(item.id.get())
            .bind(t.from.as_str())
            .bind(to)
            .bind(&ts)
            .bind(&t.public_note)
            .bind(t.duplicate_of.map(tuquan_domain::FeedbackId::get))
            .bind(&t.referred_to)
            .bind(reopened)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "status" });
            }
            insert_event!(tx, item.id, &ts, &event)?;
            insert_notices!(tx, notices, item.id, &ts)?;
        });
        Ok(())
    }

    /// Records a step that does not change the state; `assignee` (if `Some`) assigns the item,
    /// `rating` (if `Some`) rates it; with its notices.
    #[allow(clippy::too_many_arguments)]
    pub async fn feedback_step(
        &self,
        item: &FeedbackRecord,
        step: &StepRecord,
        assignee: Option<Option<tuquan_domain::UserId>>,
        rating: Option<i64>,
        notices: &[FeedbackNotice],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let entry = item_entry(
            "feedback.step",
            item,
            json!({ "assignee_id": item.assignee_id, "rating": item.rating }),
            json!({
                "step": step.kind, "public_note": step.public_note,
                "assignee_id": assignee.unwrap_or(item.assignee_id), "rating": rating.or(item.rating),
            }),
        );
        let event = EventRow {
            kind: step.kind,
            actor: Some(ctx),
            from: None,
            to: None,
            public_note: step.public_note.as_deref(),
            internal_note: step.internal_note.as_deref(),
        };
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query(
                "UPDATE feedback SET updated_at = $2, \
                 assignee_id = CASE WHEN $3 THEN $4 ELSE assignee_id END, \
                 rating = COALESCE($5, rating) WHERE id = $1",
            )
            .bind(item.id.get())
            .bind(&ts)
            .bind(assignee.is_some())
            .bind(assignee.flatten().map(tuquan_domain::UserId::get))
            .bind(rating)
            .execute(&mut *tx)
            .await?;
            insert_event!(tx, item.id, &ts, &event)?;
            insert_notices!(tx, notices, item.id, &ts)?;
        });
        Ok(())
    }

    /// Sets (or with `None` clears) the item's public summary, with a `summary` event in its
    /// history (the text itself is in the audit log, not in the public history).
    pub async fn set_feedback_summary(
        &self,
        item: &FeedbackRecord,
        summary: Option<&str>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let entry = item_entry(
            "feedback.summary",
            item,
            json!({ "public_summary": item.public_summary }),
            json!({ "public_summary": summary }),
        );
        let event = EventRow {
            kind: "summary",
            actor: Some(ctx),
            from: None,
            to: None,
            public_note: None,
            internal_note: None,
        };
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query("UPDATE feedback SET public_summary = $2, updated_at = $3 WHERE id = $1")
                .bind(item.id.get())
                .bind(summary)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            insert_event!(tx, item.id, &ts, &event)?;
        });
        Ok(())
    }

    /// Moves an overdue item one level up (`to` comes from `Responsible::escalate`), with its
    /// notices; nothing when another writer escalated it meanwhile.
    pub async fn escalate_feedback(
        &self,
        item: &FeedbackRecord,
        to: &Responsible,
        notices: &[FeedbackNotice],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let entry = item_entry(
            "feedback.escalate",
            item,
            json!({ "level": item.level, "role": item.role }),
            json!({ "level": to.level.as_str(), "role": to.role.as_str() }),
        );
        let note = format!(
            "{}:{} → {}:{}",
            item.level.as_str(),
            item.role.as_str(),
            to.level.as_str(),
            to.role.as_str()
        );
        let event = EventRow {
            kind: "escalated",
            actor: None,
            from: None,
            to: None,
            public_note: None,
            internal_note: Some(&note),
        };
        // Not `audited_tx!`: nothing at all is written when another writer escalated first.
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE feedback SET level = $3, role = $4, escalations = escalations + 1, \
                 assignee_id = NULL, updated_at = $5 WHERE id = $1 AND escalations = $2",
            )
            .bind(item.id.get())
            .bind(item.escalations)
            .bind(to.level.as_str())
            .bind(to.role.as_str())
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                // Someone else escalated it meanwhile.
                return Ok(());
            }
            insert_event!(tx, item.id, &ts, &event)?;
            insert_notices!(tx, notices, item.id, &ts)?;
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
        });
        Ok(())
    }
}
