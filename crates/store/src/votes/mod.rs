//! Votes at meetings and household ballots: the thresholds per province, the votes, the
//! frozen roll of a ballot, one cast per household, the two paper entries, the tally log.
//!
//! Every change writes its audit row (with the vote's unit path) and, where it touches a
//! count, a line of the tally log, in the same transaction.

use serde_json::json;
use tuquan_domain::territory::Unit;
use tuquan_domain::votes::{Channel, Choice, Matter, Mode, Outcome, Status, Tally};

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::files::{insert_files, FileOwner};
use crate::{now, subtree, with_pool, Store, StoreError};
use tuquan_domain::files::CheckedFile;
use tuquan_domain::{FileId, HouseholdId, MeetingId, ResidentId, UserId, VoteId};

mod reads;

use elections::insert_candidates;
pub use elections::{CandidateRecord, NewCandidate, NewRecognition, RecognitionRecord};

pub use reads::{CastRecord, PaperEntryRecord, SettingRecord, TallyLogRecord, UnitResult};

/// A vote as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VoteRecord {
    #[sqlx(try_from = "i64")]
    pub id: VoteId,
    pub province_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub matter: Matter,
    #[sqlx(try_from = "String")]
    pub mode: Mode,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub meeting_id: Option<MeetingId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub from_vote_id: Option<VoteId>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub online: bool,
    pub all_households: i64,
    pub present: i64,
    pub yes_count: i64,
    pub no_count: i64,
    pub abstain_count: i64,
    pub committee: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub candidate_id: Option<ResidentId>,
    pub outcome: Option<String>,
    /// An election: the day its list of candidates was posted.
    pub list_posted_on: Option<String>,
    /// The thresholds the result was judged by, as JSON.
    pub thresholds: String,
    pub created_by: Option<String>,
    pub created_at: String,
    pub closed_at: Option<String>,
    pub published_at: Option<String>,
}

impl VoteRecord {
    pub fn tally(&self) -> Tally {
        let n = |v: i64| u32::try_from(v).unwrap_or(0);
        Tally {
            yes: n(self.yes_count),
            no: n(self.no_count),
            abstain: n(self.abstain_count),
        }
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(Outcome::parse)
    }
}

pub(crate) const VOTE_SELECT: &str = "SELECT v.id, v.province_code, v.unit_code, v.unit_path, \
     u.name AS unit_name, v.title, v.matter, v.mode, v.meeting_id, v.from_vote_id, v.status, \
     v.online, v.all_households, v.present, v.yes_count, v.no_count, v.abstain_count, \
     v.committee, v.candidate_id, v.outcome, v.list_posted_on, v.thresholds, v.created_by, v.created_at, \
     v.closed_at, v.published_at FROM votes v JOIN units u ON u.code = v.unit_code";

/// A vote to record: a meeting's count (with its outcome) or a ballot to open.
#[derive(Debug, Clone)]
pub struct NewVote {
    pub title: String,
    pub matter: Matter,
    pub mode: Mode,
    pub meeting_id: Option<MeetingId>,
    pub from_vote_id: Option<VoteId>,
    pub online: bool,
    pub all_households: i64,
    pub present: i64,
    pub tally: Tally,
    pub committee: String,
    pub candidate_id: Option<ResidentId>,
    pub outcome: Option<Outcome>,
    pub thresholds: String,
    /// An election's candidates (none for other matters).
    pub candidates: Vec<NewCandidate>,
    pub list_posted_on: Option<String>,
}

impl NewVote {
    /// A household ballot with nothing counted yet: the roll is frozen when it is written.
    pub fn ballot(title: String, matter: Matter, thresholds: String) -> Self {
        Self {
            title,
            matter,
            mode: Mode::Ballot,
            meeting_id: None,
            from_vote_id: None,
            online: false,
            all_households: 0,
            present: 0,
            tally: Tally::default(),
            committee: String::new(),
            candidate_id: None,
            outcome: None,
            thresholds,
            candidates: Vec::new(),
            list_posted_on: None,
        }
    }
}

/// Writes a tally-log line on a transaction's connection.
macro_rules! tally_log {
    ($exec:expr, $vote:expr, $actor:expr, $change:expr, $detail:expr) => {{
        let detail: &serde_json::Value = $detail;
        sqlx::query(
            "INSERT INTO vote_tally_log (vote_id, at, actor, change, detail) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($vote)
        .bind(now())
        .bind($actor)
        .bind($change)
        .bind(detail.to_string())
        .execute($exec)
        .await
    }};
}

// After the macro, which the module uses.
mod elections;

/// The audit entry of a change to a vote (the unit path is the vote's).
fn vote_audit(
    action: &'static str,
    id: VoteId,
    unit_path: &str,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "vote",
        target_id: id.to_string(),
        unit_path: Some(unit_path.to_owned()),
        before,
        after: Some(after),
    }
}

fn actor(ctx: &AuditCtx) -> String {
    ctx.actor_username
        .clone()
        .unwrap_or_else(|| "system".into())
}

impl Store {
    /// Active households of a unit and its subtree now.
    pub async fn active_households_below(&self, path: &str) -> Result<i64, StoreError> {
        let (lo, hi) = subtree(path);
        Ok(with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM households h JOIN units u ON u.code = h.unit_code \
                 WHERE h.status = 'active' AND (u.path = $1 OR (u.path >= $2 AND u.path < $3))",
            )
            .bind(path)
            .bind(&lo)
            .bind(&hi)
            .fetch_one(p)
            .await?
        }))
    }

    /// Records a vote. A ballot (`Mode::Ballot`) freezes its roll in the same transaction: the
    /// active households of the unit's subtree now; `all_households` becomes the roll's size.
    pub async fn insert_vote(
        &self,
        unit: &Unit,
        v: &NewVote,
        ctx: &AuditCtx,
    ) -> Result<VoteId, StoreError> {
        let ts = now();
        let status = if v.mode == Mode::Ballot {
            Status::Open
        } else {
            Status::Recorded
        };
        let (lo, hi) = subtree(&unit.path);
        let after = json!({
            "title": v.title, "matter": v.matter.as_str(), "mode": v.mode.as_str(),
            "present": v.present, "all_households": v.all_households, "yes": v.tally.yes,
            "no": v.tally.no, "abstain": v.tally.abstain, "committee": v.committee,
            "outcome": v.outcome.map(|o| o.as_str()), "online": v.online,
            "meeting_id": v.meeting_id, "from_vote_id": v.from_vote_id,
            "list_posted_on": v.list_posted_on,
            "candidates": v.candidates.iter()
                .map(|c| json!({"resident_id": c.resident_id, "votes": c.votes, "elected": c.elected}))
                .collect::<Vec<_>>(),
        });
        let action = if v.mode == Mode::Ballot {
            "vote.ballot_opened"
        } else {
            "vote.recorded"
        };
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO votes (province_code, unit_code, unit_path, title, matter, mode, \
                 meeting_id, from_vote_id, status, online, all_households, present, yes_count, \
                 no_count, abstain_count, committee, candidate_id, outcome, thresholds, \
                 created_by, created_at, list_posted_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
            )
            .bind(&unit.province_code)
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(&v.title)
            .bind(v.matter.as_str())
            .bind(v.mode.as_str())
            .bind(v.meeting_id.map(MeetingId::get))
            .bind(v.from_vote_id.map(VoteId::get))
            .bind(status.as_str())
            .bind(v.online)
            .bind(v.all_households)
            .bind(v.present)
            .bind(i64::from(v.tally.yes))
            .bind(i64::from(v.tally.no))
            .bind(i64::from(v.tally.abstain))
            .bind(&v.committee)
            .bind(v.candidate_id.map(ResidentId::get))
            .bind(v.outcome.map(|o| o.as_str()))
            .bind(&v.thresholds)
            .bind(&ctx.actor_username)
            .bind(&ts)
            .bind(&v.list_posted_on)
            .fetch_one(&mut *tx)
            .await?;
            insert_candidates!(tx, id, v.candidates)?;
            if v.mode == Mode::Ballot {
                sqlx::query(
                    "INSERT INTO vote_roll (vote_id, household_id, unit_code, unit_path) \
                     SELECT $1, h.id, h.unit_code, u.path FROM households h \
                     JOIN units u ON u.code = h.unit_code WHERE h.status = 'active' \
                     AND (u.path = $2 OR (u.path >= $3 AND u.path < $4))",
                )
                .bind(id)
                .bind(&unit.path)
                .bind(&lo)
                .bind(&hi)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE votes SET all_households = \
                     (SELECT COUNT(*) FROM vote_roll WHERE vote_id = $1) WHERE id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            tally_log!(&mut *tx, id, actor(ctx), "recorded", &after)?;
            (id, vote_audit(action, VoteId(id), &unit.path, None, after.clone()))
        });
        Ok(VoteId(id))
    }

    /// One household's vote. Refused (`Conflict` on `household`) when the household already
    /// voted through any channel, or appears in a paper entry; `NotFound` when it is not on
    /// the roll or the ballot is not open.
    #[allow(clippy::too_many_arguments)]
    pub async fn cast_vote(
        &self,
        vote: &VoteRecord,
        household_id: HouseholdId,
        channel: Channel,
        choice: Choice,
        resident_id: Option<ResidentId>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let detail = json!({"household_id": household_id, "channel": channel.as_str()});
        audited_tx!(self, ctx, tx => {
            let on_roll: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM vote_roll r JOIN votes v ON v.id = r.vote_id \
                 WHERE r.vote_id = $1 AND r.household_id = $2 AND v.status = 'open'",
            )
            .bind(vote.id.get())
            .bind(household_id.get())
            .fetch_one(&mut *tx)
            .await?;
            if on_roll == 0 {
                return Err(StoreError::NotFound);
            }
            let on_paper: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM vote_paper WHERE vote_id = $1 AND household_id = $2",
            )
            .bind(vote.id.get())
            .bind(household_id.get())
            .fetch_one(&mut *tx)
            .await?;
            if on_paper > 0 {
                return Err(StoreError::Conflict { field: "household" });
            }
            let n = sqlx::query(
                "INSERT INTO vote_casts (vote_id, household_id, channel, choice, resident_id, \
                 recorded_by, cast_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (vote_id, household_id) DO NOTHING",
            )
            .bind(vote.id.get())
            .bind(household_id.get())
            .bind(channel.as_str())
            .bind(choice.as_str())
            .bind(resident_id.map(ResidentId::get))
            .bind(actor(ctx))
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "household" });
            }
            tally_log!(&mut *tx, vote.id.get(), actor(ctx), "cast", &detail)?;
            // The audit row names the household and channel, never the choice.
            ((), vote_audit("vote.cast", vote.id, &vote.unit_path, None, detail.clone()))
        });
        Ok(())
    }

    /// Replaces one of the two paper entries (1 or 2) of an open ballot. A household already
    /// counted through another channel is refused (`Conflict` on `household`).
    pub async fn enter_paper(
        &self,
        vote: &VoteRecord,
        entry_no: i64,
        by: (UserId, &str),
        rows: &[(HouseholdId, Choice)],
        sheet_file_id: Option<FileId>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let before = self.paper_rows(vote.id, entry_no).await?;
        let before_tally = Tally::from_choices(before.iter().map(|(_, c)| c));
        let after_tally = Tally::from_choices(rows.iter().map(|(_, c)| c));
        let detail = json!({
            "entry": entry_no, "by": by.1, "rows": rows.len(),
            "before": before_tally, "after": after_tally, "sheet_file_id": sheet_file_id,
        });
        audited_tx!(self, ctx, tx => {
            sqlx::query("DELETE FROM vote_paper WHERE vote_id = $1 AND entry_no = $2")
                .bind(vote.id.get())
                .bind(entry_no)
                .execute(&mut *tx)
                .await?;
            for (hid, choice) in rows {
                let counted: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM vote_casts WHERE vote_id = $1 AND household_id = $2",
                )
                .bind(vote.id.get())
                .bind(hid.get())
                .fetch_one(&mut *tx)
                .await?;
                if counted > 0 {
                    return Err(StoreError::Conflict { field: "household" });
                }
                sqlx::query(
                    "INSERT INTO vote_paper (vote_id, entry_no, household_id, choice) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(vote.id.get())
                .bind(entry_no)
                .bind(hid.get())
                .bind(choice.as_str())
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO vote_paper_entries (vote_id, entry_no, entered_by_id, entered_by, \
                 sheet_file_id, entered_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (vote_id, entry_no) DO UPDATE SET entered_by_id = $3, \
                 entered_by = $4, sheet_file_id = COALESCE($5, vote_paper_entries.sheet_file_id), \
                 entered_at = $6",
            )
            .bind(vote.id.get())
            .bind(entry_no)
            .bind(by.0.get())
            .bind(by.1)
            .bind(sheet_file_id.map(FileId::get))
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
            tally_log!(&mut *tx, vote.id.get(), actor(ctx), "paper_entry", &detail)?;
            let before = json!({"entry": entry_no, "tally": before_tally});
            ((), vote_audit("vote.paper_entered", vote.id, &vote.unit_path, Some(before), detail.clone()))
        });
        Ok(())
    }

    /// Attaches the photo of the paper tally sheet to paper entry 1 or 2 (stored with its
    /// SHA-256 in the same transaction, logged in the tally log). `NotFound` when the entry
    /// has not been made.
    pub async fn attach_paper_sheet(
        &self,
        vote: &VoteRecord,
        entry_no: i64,
        owner: &FileOwner,
        file: &CheckedFile,
        ctx: &AuditCtx,
    ) -> Result<FileId, StoreError> {
        let ts = now();
        let by = actor(ctx);
        let id = audited_tx!(self, ctx, tx => {
            let ids = insert_files!(tx, owner, std::slice::from_ref(file), &by, &ts)?;
            let file_id = ids.first().copied().unwrap_or(FileId(0));
            let n = sqlx::query(
                "UPDATE vote_paper_entries SET sheet_file_id = $3 \
                 WHERE vote_id = $1 AND entry_no = $2",
            )
            .bind(vote.id.get())
            .bind(entry_no)
            .bind(file_id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::NotFound);
            }
            let detail = json!({ "entry": entry_no, "file_id": file_id, "sha256": file.sha256 });
            tally_log!(&mut *tx, vote.id.get(), by.clone(), "sheet_attached", &detail)?;
            (file_id, vote_audit("vote.sheet_attached", vote.id, &vote.unit_path, None, detail))
        });
        Ok(id)
    }

    /// Closes a ballot: the agreed paper votes become casts, the counts and the outcome are
    /// written. The caller has reconciled the entries and computed the outcome.
    pub async fn close_ballot(
        &self,
        vote: &VoteRecord,
        paper: &[(HouseholdId, Choice)],
        outcome: Outcome,
        thresholds: &str,
        ctx: &AuditCtx,
    ) -> Result<Tally, StoreError> {
        let ts = now();
        let tally = audited_tx!(self, ctx, tx => {
            for (hid, choice) in paper {
                sqlx::query(
                    "INSERT INTO vote_casts (vote_id, household_id, channel, choice, \
                     resident_id, recorded_by, cast_at) VALUES ($1, $2, 'paper', $3, NULL, $4, $5)",
                )
                .bind(vote.id.get())
                .bind(hid.get())
                .bind(choice.as_str())
                .bind(actor(ctx))
                .bind(&ts)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::conflict_on("household"))?;
            }
            let choices: Vec<String> =
                sqlx::query_scalar("SELECT choice FROM vote_casts WHERE vote_id = $1")
                    .bind(vote.id.get())
                    .fetch_all(&mut *tx)
                    .await?;
            let parsed: Vec<Choice> = choices.iter().filter_map(|c| Choice::parse(c)).collect();
            let tally = Tally::from_choices(&parsed);
            let n = sqlx::query(
                "UPDATE votes SET status = 'closed', yes_count = $2, no_count = $3, \
                 abstain_count = $4, present = $5, outcome = $6, thresholds = $7, closed_at = $8 \
                 WHERE id = $1 AND status = 'open'",
            )
            .bind(vote.id.get())
            .bind(i64::from(tally.yes))
            .bind(i64::from(tally.no))
            .bind(i64::from(tally.abstain))
            .bind(i64::from(tally.total()))
            .bind(outcome.as_str())
            .bind(thresholds)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "status" });
            }
            // An election by ballots has one candidate: the households for are theirs.
            sqlx::query("UPDATE vote_candidates SET votes = $2, elected = $3 WHERE vote_id = $1")
                .bind(vote.id.get())
                .bind(i64::from(tally.yes))
                .bind(outcome == Outcome::Passed)
                .execute(&mut *tx)
                .await?;
            let after = json!({"tally": tally, "outcome": outcome.as_str(), "paper": paper.len()});
            tally_log!(&mut *tx, vote.id.get(), actor(ctx), "closed", &after)?;
            let before = json!({"status": vote.status.as_str()});
            (tally, vote_audit("vote.ballot_closed", vote.id, &vote.unit_path, Some(before), after))
        });
        Ok(tally)
    }

    /// Publishes a counted vote's result to the unit.
    pub async fn publish_vote(&self, vote: &VoteRecord, ctx: &AuditCtx) -> Result<(), StoreError> {
        let entry = vote_audit(
            "vote.published",
            vote.id,
            &vote.unit_path,
            Some(json!({"status": vote.status.as_str()})),
            json!({"status": "published", "outcome": vote.outcome}),
        );
        self.execute_audited(
            "UPDATE votes SET status = 'published', published_at = $2 \
             WHERE id = $1 AND status IN ('recorded', 'closed')",
            &[
                crate::audit::Arg::Int(vote.id.get()),
                crate::audit::Arg::Text(&now()),
            ],
            true,
            ctx,
            &entry,
        )
        .await?;
        Ok(())
    }

    /// Sets a province's threshold from a date (replacing a value set for that same date).
    pub async fn set_vote_setting(
        &self,
        province: &Unit,
        key: &str,
        value: i64,
        effective_from: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "vote.setting",
            target_type: "province",
            target_id: province.code.clone(),
            unit_path: Some(province.path.clone()),
            before: None,
            after: Some(json!({"key": key, "value": value, "effective_from": effective_from})),
        };
        self.execute_audited(
            "INSERT INTO vote_settings (province_code, key, value, effective_from, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (province_code, key, effective_from) DO UPDATE SET value = $3, \
             created_by = $5, created_at = $6",
            &[
                crate::audit::Arg::Text(&province.code),
                crate::audit::Arg::Text(key),
                crate::audit::Arg::Int(value),
                crate::audit::Arg::Text(effective_from),
                crate::audit::Arg::OptText(ctx.actor_username.as_deref()),
                crate::audit::Arg::Text(&now()),
            ],
            false,
            ctx,
            &entry,
        )
        .await?;
        Ok(())
    }
}
