//! Group commit of new feedback on SQLite.
//!
//! SQLite has one writer at a time and, with `synchronous=FULL`, each commit waits for its
//! own fsync (about 1.7 ms on the benchmark machine, docs/benchmarks.md): submissions one
//! transaction each top out at a few hundred a second, and concurrent writers wait in
//! SQLite's busy handler, which sleeps in steps of up to 100 ms. Here one task takes every
//! submission waiting at that moment (up to [`MAX_BATCH`]), writes each in its own savepoint
//! (a failure, such as a clashing tracking code, undoes only that item) and commits them
//! together: one fsync for the lot. Each caller is answered only after the commit, so an
//! acknowledged item is as durable as before.

use std::sync::{Arc, OnceLock};

use serde_json::json;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};
use tuquan_domain::feedback::{NewFeedback, Responsible};
use tuquan_domain::territory::Unit;

use super::{insert_feedback, NewFeedbackRow};
use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, Store, StoreError};

/// Items committed together at most.
const MAX_BATCH: usize = 256;

/// A [`NewFeedbackRow`] that owns its parts, to cross to the writer task.
struct Owned {
    tracking_code: String,
    unit: Unit,
    commune_code: String,
    feedback: NewFeedback,
    submitter_id: Option<tuquan_domain::UserId>,
    filed_by_id: Option<tuquan_domain::UserId>,
    responsible: Responsible,
    ack_due_at: String,
    resolve_due_at: String,
    photos: Vec<(String, Vec<u8>)>,
    notices: Vec<super::FeedbackNotice>,
}

impl Owned {
    fn row(&self) -> NewFeedbackRow<'_> {
        NewFeedbackRow {
            tracking_code: self.tracking_code.clone(),
            unit: &self.unit,
            commune_code: self.commune_code.clone(),
            feedback: &self.feedback,
            submitter_id: self.submitter_id,
            filed_by_id: self.filed_by_id,
            responsible: self.responsible.clone(),
            ack_due_at: self.ack_due_at.clone(),
            resolve_due_at: self.resolve_due_at.clone(),
            photos: self.photos.clone(),
            notices: self.notices.clone(),
        }
    }
}

struct Pending {
    row: Owned,
    ctx: AuditCtx,
    reply: oneshot::Sender<Result<tuquan_domain::FeedbackId, StoreError>>,
}

/// The writer task's queue, started on first use; shared by the store's clones.
#[derive(Debug, Default, Clone)]
pub(crate) struct Batcher(Arc<OnceLock<mpsc::UnboundedSender<PendingBox>>>);

/// `Pending` behind a box so that `Batcher` can derive `Debug`.
pub(crate) struct PendingBox(Box<Pending>);

impl std::fmt::Debug for PendingBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingFeedback")
    }
}

async fn writer(pool: SqlitePool, mut rx: mpsc::UnboundedReceiver<PendingBox>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first.0];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p.0),
                Err(_) => break,
            }
        }
        let results = commit_batch(&pool, &batch).await;
        match results {
            Ok(ids) => {
                for (p, id) in batch.into_iter().zip(ids) {
                    let _ = p.reply.send(id);
                }
            }
            Err(e) => {
                let text = e.to_string();
                tracing::error!(error = %text, items = batch.len(), "feedback batch failed");
                for p in batch {
                    let _ = p
                        .reply
                        .send(Err(StoreError::Config(format!("the write failed: {text}"))));
                }
            }
        }
    }
}

/// Writes every item in one transaction, each in a savepoint; the outer error is the
/// transaction's (then nothing was stored).
async fn commit_batch(
    pool: &SqlitePool,
    batch: &[Box<Pending>],
) -> Result<Vec<Result<tuquan_domain::FeedbackId, StoreError>>, StoreError> {
    let mut tx = pool.begin_write().await?;
    let ts = now();
    let mut out = Vec::with_capacity(batch.len());
    for p in batch {
        sqlx::query("SAVEPOINT item").execute(&mut *tx).await?;
        let row = p.row.row();
        let result = insert_feedback!(tx, &row, &p.ctx, &ts);
        if result.is_err() {
            sqlx::query("ROLLBACK TO item").execute(&mut *tx).await?;
        }
        sqlx::query("RELEASE item").execute(&mut *tx).await?;
        out.push(result);
    }
    tx.commit().await?;
    Ok(out)
}

impl Store {
    pub(super) async fn create_feedback_batched(
        &self,
        pool: &SqlitePool,
        n: &NewFeedbackRow<'_>,
        ctx: &AuditCtx,
    ) -> Result<tuquan_domain::FeedbackId, StoreError> {
        let tx = self.feedback_batch.0.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(writer(pool.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            row: Owned {
                tracking_code: n.tracking_code.clone(),
                unit: n.unit.clone(),
                commune_code: n.commune_code.clone(),
                feedback: n.feedback.clone(),
                submitter_id: n.submitter_id,
                filed_by_id: n.filed_by_id,
                responsible: n.responsible.clone(),
                ack_due_at: n.ack_due_at.clone(),
                resolve_due_at: n.resolve_due_at.clone(),
                photos: n.photos.clone(),
                notices: n.notices.clone(),
            },
            ctx: ctx.clone(),
            reply,
        };
        tx.send(PendingBox(Box::new(pending)))
            .map_err(|_| StoreError::Config("the feedback writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Config("the feedback writer has stopped".into()))?
    }
}
