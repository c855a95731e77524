//! Reads of votes: one vote, a unit's list, the roll with each household's vote (counting
//! officials only), the paper entries, the results per unit, the thresholds in force.

use tuquan_domain::votes::Choice;
use tuquan_domain::{FileId, HouseholdId, MeetingId, ResidentId, UserId, VoteId};

use super::{VoteRecord, VOTE_SELECT};
use crate::{subtree, with_pool, Store, StoreError};

/// One row of the roll: a household and, if it voted, how and through which channel.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CastRecord {
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub unit_code: String,
    pub address: String,
    pub representative_name: String,
    pub channel: Option<String>,
    pub choice: Option<String>,
    pub cast_at: Option<String>,
}

/// Who made a paper entry, and when.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaperEntryRecord {
    pub entry_no: i64,
    #[sqlx(try_from = "i64")]
    pub entered_by_id: UserId,
    pub entered_by: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub sheet_file_id: Option<FileId>,
    /// SHA-256 of the tally sheet's photo, when attached.
    pub sheet_sha256: Option<String>,
    pub entered_at: String,
}

/// A ballot's counts in one unit of its roll.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitResult {
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub households: i64,
    pub voted: i64,
    pub yes_count: i64,
    pub no_count: i64,
    pub abstain_count: i64,
}

/// A threshold set for a province from a date.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingRecord {
    pub key: String,
    pub value: i64,
    pub effective_from: String,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// A line of the tally log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TallyLogRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub change: String,
    pub detail: String,
}

impl Store {
    /// The votes taken at a meeting and the household ballots its votes were sent to, in
    /// the order they were recorded.
    pub async fn votes_of_meeting(
        &self,
        meeting_id: MeetingId,
    ) -> Result<Vec<VoteRecord>, StoreError> {
        let sql = format!(
            "{VOTE_SELECT} WHERE v.meeting_id = $1 OR v.from_vote_id IN \
             (SELECT f.id FROM votes f WHERE f.meeting_id = $1) ORDER BY v.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(meeting_id.get()).fetch_all(p).await?
        }))
    }

    /// Whether the latest consent record of `purpose` for a resident is a yes (a household's
    /// authorisation of a member to vote for it).
    pub async fn latest_consent_granted(
        &self,
        resident_id: ResidentId,
        purpose: &str,
    ) -> Result<bool, StoreError> {
        let granted: Option<bool> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT granted FROM consents WHERE resident_id = $1 AND purpose = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(resident_id.get())
            .bind(purpose)
            .fetch_optional(p)
            .await?
        });
        Ok(granted.unwrap_or(false))
    }

    pub async fn vote(&self, id: VoteId) -> Result<VoteRecord, StoreError> {
        let sql = format!("{VOTE_SELECT} WHERE v.id = $1");
        let row: Option<VoteRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The votes of a unit and its subtree, newest first, `limit` older than `before_id`.
    pub async fn votes_in(
        &self,
        path: &str,
        before_id: Option<VoteId>,
        limit: i64,
    ) -> Result<Vec<VoteRecord>, StoreError> {
        let (lo, hi) = subtree(path);
        let sql = format!(
            "{VOTE_SELECT} WHERE (v.unit_path = $1 OR (v.unit_path >= $2 AND v.unit_path < $3)) \
             AND ($4 IS NULL OR v.id < $4) ORDER BY v.id DESC LIMIT $5"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(path)
                .bind(&lo)
                .bind(&hi)
                .bind(before_id.map(VoteId::get))
                .bind(limit)
                .fetch_all(p)
                .await?
        }))
    }

    /// The roll of a ballot with each household's vote, in address order.
    pub async fn vote_roll(&self, vote_id: VoteId) -> Result<Vec<CastRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.household_id, r.unit_code, h.address, h.representative_name, \
                 c.channel, c.choice, c.cast_at FROM vote_roll r \
                 JOIN households h ON h.id = r.household_id \
                 LEFT JOIN vote_casts c ON c.vote_id = r.vote_id AND c.household_id = r.household_id \
                 WHERE r.vote_id = $1 ORDER BY r.unit_path, h.sort_key, h.id",
            )
            .bind(vote_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// How one household voted, if it did: (channel, choice).
    pub async fn household_cast(
        &self,
        vote_id: VoteId,
        household_id: HouseholdId,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT channel, choice FROM vote_casts WHERE vote_id = $1 AND household_id = $2",
            )
            .bind(vote_id.get())
            .bind(household_id.get())
            .fetch_optional(p)
            .await?
        }))
    }

    /// Whether a household is on a ballot's roll.
    pub async fn on_roll(
        &self,
        vote_id: VoteId,
        household_id: HouseholdId,
    ) -> Result<bool, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM vote_roll WHERE vote_id = $1 AND household_id = $2",
            )
            .bind(vote_id.get())
            .bind(household_id.get())
            .fetch_one(p)
            .await?
        });
        Ok(n > 0)
    }

    /// One paper entry's rows: household → choice.
    pub async fn paper_rows(
        &self,
        vote_id: VoteId,
        entry_no: i64,
    ) -> Result<Vec<(HouseholdId, Choice)>, StoreError> {
        let rows: Vec<(i64, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT household_id, choice FROM vote_paper WHERE vote_id = $1 AND entry_no = $2 \
                 ORDER BY household_id",
            )
            .bind(vote_id.get())
            .bind(entry_no)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(h, c)| Choice::parse(&c).map(|c| (HouseholdId(h), c)))
            .collect())
    }

    pub async fn paper_entries(
        &self,
        vote_id: VoteId,
    ) -> Result<Vec<PaperEntryRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT e.entry_no, e.entered_by_id, e.entered_by, e.sheet_file_id, \
                 f.sha256 AS sheet_sha256, e.entered_at FROM vote_paper_entries e \
                 LEFT JOIN files f ON f.id = e.sheet_file_id WHERE e.vote_id = $1 \
                 ORDER BY e.entry_no",
            )
            .bind(vote_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// A ballot's counts per unit of its roll (the units households belong to).
    pub async fn vote_unit_results(&self, vote_id: VoteId) -> Result<Vec<UnitResult>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.unit_code, r.unit_path, u.name AS unit_name, COUNT(*) AS households, \
                 COUNT(c.choice) AS voted, \
                 SUM(CASE WHEN c.choice = 'yes' THEN 1 ELSE 0 END) AS yes_count, \
                 SUM(CASE WHEN c.choice = 'no' THEN 1 ELSE 0 END) AS no_count, \
                 SUM(CASE WHEN c.choice = 'abstain' THEN 1 ELSE 0 END) AS abstain_count \
                 FROM vote_roll r JOIN units u ON u.code = r.unit_code \
                 LEFT JOIN vote_casts c ON c.vote_id = r.vote_id AND c.household_id = r.household_id \
                 WHERE r.vote_id = $1 GROUP BY r.unit_code, r.unit_path, u.name ORDER BY r.unit_path",
            )
            .bind(vote_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    pub async fn tally_log(&self, vote_id: VoteId) -> Result<Vec<TallyLogRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, at, actor, change, detail FROM vote_tally_log WHERE vote_id = $1 \
                 ORDER BY id",
            )
            .bind(vote_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// The thresholds in force in a province on `day`: per key, the latest value whose date
    /// is on or before it.
    pub async fn vote_settings_on(
        &self,
        province_code: &str,
        day: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT s.key, s.value FROM vote_settings s WHERE s.province_code = $1 \
                 AND s.effective_from = (SELECT MAX(t.effective_from) FROM vote_settings t \
                 WHERE t.province_code = s.province_code AND t.key = s.key \
                 AND t.effective_from <= $2)",
            )
            .bind(province_code)
            .bind(day)
            .fetch_all(p)
            .await?
        }))
    }

    /// Every threshold set for a province, newest date first.
    pub async fn vote_settings(
        &self,
        province_code: &str,
    ) -> Result<Vec<SettingRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT key, value, effective_from, created_by, created_at FROM vote_settings \
                 WHERE province_code = $1 ORDER BY effective_from DESC, key",
            )
            .bind(province_code)
            .fetch_all(p)
            .await?
        }))
    }

    /// Open ballots of a subtree and, among them, those whose paper entries wait for a second
    /// entry or disagree (for the start page): (to enter, to resolve).
    pub async fn ballots_waiting(&self, path: &str) -> Result<(i64, i64), StoreError> {
        let (lo, hi) = subtree(path);
        let row: (i64, i64) = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN \
                 (SELECT COUNT(*) FROM vote_paper_entries e WHERE e.vote_id = v.id) = 2 AND \
                 EXISTS (SELECT 1 FROM vote_paper a LEFT JOIN vote_paper b ON b.vote_id = a.vote_id \
                   AND b.household_id = a.household_id AND b.entry_no <> a.entry_no \
                   WHERE a.vote_id = v.id AND (b.choice IS NULL OR b.choice <> a.choice)) \
                 THEN 1 ELSE 0 END), 0) FROM votes v WHERE v.status = 'open' \
                 AND (v.unit_path = $1 OR (v.unit_path >= $2 AND v.unit_path < $3))",
            )
            .bind(path)
            .bind(&lo)
            .bind(&hi)
            .fetch_one(p)
            .await?
        });
        Ok(row)
    }
}

impl Store {
    /// A unit's code and name by its path.
    pub async fn unit_by_path(&self, path: &str) -> Result<(String, String), StoreError> {
        let row: Option<(String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT code, name FROM units WHERE path = $1")
                .bind(path)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }
}
