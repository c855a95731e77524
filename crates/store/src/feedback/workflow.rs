//! Changes of an item's state, assignment, rating and escalation.

use serde_json::json;
use tuquan_domain::feedback::{Responsible, Status};

use super::{insert_notices, FeedbackNotice, FeedbackRecord};
use crate::audit::{insert_audit, AuditCtx, AuditEntry};
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
        let entry = AuditEntry {
            action: "feedback.transition",
            target_type: "feedback",
            target_id: item.id.to_string(),
            unit_path: Some(item.unit_path.clone()),
            before: Some(json!({ "status": t.from.as_str() })),
            after: Some(json!({
                "status": to, "step": t.kind, "public_note": t.public_note,
                "duplicate_of": t.duplicate_of, "referred_to": t.referred_to,
            })),
        };
        let reopened = i64::from(t.kind == "reopen");
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
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
            sqlx::query(
                "INSERT INTO feedback_events (feedback_id, at, actor_id, actor_name, kind, from_status, \
                 to_status, public_note, internal_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(item.id.get())
            .bind(&ts)
            .bind(ctx.actor_user_id.map(tuquan_domain::UserId::get))
            .bind(&ctx.actor_username)
            .bind(t.kind)
            .bind(t.from.as_str())
            .bind(to)
            .bind(&t.public_note)
            .bind(&t.internal_note)
            .execute(&mut *tx)
            .await?;
            insert_notices!(tx, notices, item.id, &ts)?;
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
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
        let entry = AuditEntry {
            action: "feedback.step",
            target_type: "feedback",
            target_id: item.id.to_string(),
            unit_path: Some(item.unit_path.clone()),
            before: Some(json!({ "assignee_id": item.assignee_id, "rating": item.rating })),
            after: Some(json!({
                "step": step.kind, "public_note": step.public_note,
                "assignee_id": assignee.unwrap_or(item.assignee_id), "rating": rating.or(item.rating),
            })),
        };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
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
            sqlx::query(
                "INSERT INTO feedback_events (feedback_id, at, actor_id, actor_name, kind, public_note, \
                 internal_note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(item.id.get())
            .bind(&ts)
            .bind(ctx.actor_user_id.map(tuquan_domain::UserId::get))
            .bind(&ctx.actor_username)
            .bind(step.kind)
            .bind(&step.public_note)
            .bind(&step.internal_note)
            .execute(&mut *tx)
            .await?;
            insert_notices!(tx, notices, item.id, &ts)?;
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
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
        let entry = AuditEntry {
            action: "feedback.summary",
            target_type: "feedback",
            target_id: item.id.to_string(),
            unit_path: Some(item.unit_path.clone()),
            before: Some(json!({ "public_summary": item.public_summary })),
            after: Some(json!({ "public_summary": summary })),
        };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("UPDATE feedback SET public_summary = $2, updated_at = $3 WHERE id = $1")
                .bind(item.id.get())
                .bind(summary)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO feedback_events (feedback_id, at, actor_id, actor_name, kind) \
                 VALUES ($1, $2, $3, $4, 'summary')",
            )
            .bind(item.id.get())
            .bind(&ts)
            .bind(ctx.actor_user_id.map(tuquan_domain::UserId::get))
            .bind(&ctx.actor_username)
            .execute(&mut *tx)
            .await?;
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
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
        let entry = AuditEntry {
            action: "feedback.escalate",
            target_type: "feedback",
            target_id: item.id.to_string(),
            unit_path: Some(item.unit_path.clone()),
            before: Some(json!({ "level": item.level, "role": item.role })),
            after: Some(json!({ "level": to.level.as_str(), "role": to.role.as_str() })),
        };
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
            sqlx::query(
                "INSERT INTO feedback_events (feedback_id, at, kind, internal_note) VALUES ($1, $2, 'escalated', $3)",
            )
            .bind(item.id.get())
            .bind(&ts)
            .bind(format!("{}:{} → {}:{}", item.level.as_str(), item.role.as_str(), to.level.as_str(), to.role.as_str()))
            .execute(&mut *tx)
            .await?;
            insert_notices!(tx, notices, item.id, &ts)?;
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
        });
        Ok(())
    }
}
