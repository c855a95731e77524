//! Elections of a unit's head or deputy: the candidates of a vote with their votes, and the
//! commune's recognition of the result (one per election).

use serde_json::json;
use tuquan_domain::{ResidentId, VoteId};

use super::VoteRecord;
use crate::audit::{audited_tx, AuditCtx};
use crate::{now, with_pool, Store, StoreError};

/// A candidate to record with a vote: who, and the votes counted for them.
#[derive(Debug, Clone, Copy)]
pub struct NewCandidate {
    pub resident_id: ResidentId,
    pub votes: i64,
    pub elected: bool,
}

/// A candidate of an election as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateRecord {
    #[sqlx(try_from = "i64")]
    pub resident_id: ResidentId,
    pub full_name: String,
    pub votes: i64,
    pub elected: bool,
}

/// The commune's recognition of an election's result.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecognitionRecord {
    #[sqlx(try_from = "i64")]
    pub resident_id: ResidentId,
    pub decision_number: String,
    pub decision_date: String,
    pub position_id: i64,
    /// Account grants that came with the position (0 when the person has no account).
    pub grants_added: i64,
    pub recognised_by: Option<String>,
    pub recognised_at: String,
}

/// A recognition to record.
#[derive(Debug, Clone)]
pub struct NewRecognition<'a> {
    pub resident_id: ResidentId,
    pub decision_number: &'a str,
    pub decision_date: &'a str,
    pub position_id: i64,
    pub grants_added: i64,
}

/// Writes the candidates of vote `vote_id` on a transaction's connection, each with the
/// resident's name as it is now (the list posted).
macro_rules! insert_candidates {
    ($exec:expr, $vote:expr, $candidates:expr) => {{
        let mut r: Result<(), sqlx::Error> = Ok(());
        for (i, c) in $candidates.iter().enumerate() {
            let n = sqlx::query(
                "INSERT INTO vote_candidates (vote_id, position, resident_id, full_name, votes, \
                 elected) SELECT $1, $2, r.id, r.full_name, $4, $5 FROM residents r WHERE r.id = $3",
            )
            .bind($vote)
            .bind(i as i64)
            .bind(c.resident_id.get())
            .bind(c.votes)
            .bind(c.elected)
            .execute(&mut *$exec)
            .await;
            if let Err(e) = n {
                r = Err(e);
                break;
            }
        }
        r
    }};
}
pub(crate) use insert_candidates;

impl Store {
    /// The candidates of a vote, in the order they were named.
    pub async fn vote_candidates(
        &self,
        vote_id: VoteId,
    ) -> Result<Vec<CandidateRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT resident_id, full_name, votes, elected FROM vote_candidates \
                 WHERE vote_id = $1 ORDER BY position",
            )
            .bind(vote_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// The recognition of an election, if it was recognised.
    pub async fn vote_recognition(
        &self,
        vote_id: VoteId,
    ) -> Result<Option<RecognitionRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT resident_id, decision_number, decision_date, position_id, grants_added, \
                 recognised_by, recognised_at FROM vote_recognitions WHERE vote_id = $1",
            )
            .bind(vote_id.get())
            .fetch_optional(p)
            .await?
        }))
    }

    /// Records the commune's recognition of an election, with its audit row and a line of
    /// the tally log. A second recognition is refused (`Conflict` on `vote`).
    pub async fn record_recognition(
        &self,
        vote: &VoteRecord,
        r: &NewRecognition<'_>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let by = ctx.actor_username.clone();
        let detail = json!({
            "resident_id": r.resident_id, "decision_number": r.decision_number,
            "decision_date": r.decision_date, "position_id": r.position_id,
            "grants_added": r.grants_added,
        });
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "INSERT INTO vote_recognitions (vote_id, resident_id, decision_number, \
                 decision_date, position_id, grants_added, recognised_by, recognised_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (vote_id) DO NOTHING",
            )
            .bind(vote.id.get())
            .bind(r.resident_id.get())
            .bind(r.decision_number)
            .bind(r.decision_date)
            .bind(r.position_id)
            .bind(r.grants_added)
            .bind(&by)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "vote" });
            }
            tally_log!(&mut *tx, vote.id.get(), super::actor(ctx), "recognised", &detail)?;
            ((), super::vote_audit("vote.recognised", vote.id, &vote.unit_path, None, detail.clone()))
        });
        Ok(())
    }

    /// The accounts linked to a resident (for the grant that comes with a position).
    pub async fn accounts_of_resident(
        &self,
        resident_id: ResidentId,
    ) -> Result<Vec<tuquan_domain::UserId>, StoreError> {
        let ids: Vec<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT id FROM users WHERE resident_id = $1 ORDER BY id")
                .bind(resident_id.get())
                .fetch_all(p)
                .await?
        });
        Ok(ids.into_iter().map(tuquan_domain::UserId).collect())
    }
}
