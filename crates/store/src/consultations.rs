//! Consultations on a draft document: the consultation with its articles (replaced whole
//! while a draft), opening and closing, and households' comments per article. Every change
//! writes its audit row in the same transaction.

use serde_json::json;
use tuquan_domain::consultations::{
    Article, Channel, CommentId, ConsultationId, Kind, NewComment, NewConsultation, Stance, Status,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::{HouseholdId, ResidentId};

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

const COLUMNS: &str = "c.id, c.unit_code, c.unit_path, u.name AS unit_name, c.kind, c.title, \
     c.body, c.preamble, c.opens_on, c.closes_on, c.status, c.created_by, c.created_at, \
     c.updated_at, c.opened_at, c.closed_at";

/// A comment with its household's address and representative (`k`: the comment, `h`: the
/// household); the caller adds the `WHERE`.
const COMMENT_SELECT: &str = "SELECT k.id, k.article, k.household_id, k.unit_code, h.address, \
     h.representative_name, k.stance, k.text, k.channel, k.recorded_by, k.created_at \
     FROM consultation_comments k JOIN households h ON h.id = k.household_id";

/// A consultation with its unit's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsultationRecord {
    #[sqlx(try_from = "i64")]
    pub id: ConsultationId,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub title: String,
    pub body: String,
    pub preamble: String,
    pub opens_on: String,
    pub closes_on: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ArticleRecord {
    pub number: i64,
    pub heading: String,
    pub text: String,
}

/// A stored comment with the household it is attributed to (for the staff and for the
/// household itself; the public summary never carries these).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRecord {
    #[sqlx(try_from = "i64")]
    pub id: CommentId,
    pub article: i64,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub unit_code: String,
    pub address: String,
    pub representative_name: String,
    #[sqlx(try_from = "String")]
    pub stance: Stance,
    pub text: Option<String>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub recorded_by: String,
    pub created_at: String,
}

/// Who comments, for whom.
#[derive(Debug, Clone)]
pub struct CommentBy {
    pub household_id: HouseholdId,
    pub unit_code: String,
    pub unit_path: String,
    pub channel: Channel,
    pub resident_id: Option<ResidentId>,
    pub recorded_by: String,
}

fn audit(
    action: &'static str,
    id: ConsultationId,
    path: &str,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "consultation",
        target_id: id.to_string(),
        unit_path: Some(path.to_owned()),
        before: None,
        after: Some(after),
    }
}

/// What the audit row of a new or edited draft records.
fn draft_audit(c: &NewConsultation) -> serde_json::Value {
    json!({
        "title": c.title, "kind": c.kind.as_str(), "articles": c.articles.len(),
        "opens_on": c.opens_on.to_string(), "closes_on": c.closes_on.to_string(),
    })
}

/// Binds a draft's kind, title, text, preamble, opening and closing days, in that order (the
/// same six columns in the insert and the edit).
macro_rules! bind_draft {
    ($query:expr, $c:expr) => {
        $query
            .bind($c.kind.as_str())
            .bind(&$c.title)
            .bind(&$c.text)
            .bind(&$c.preamble)
            .bind($c.opens_on.to_string())
            .bind($c.closes_on.to_string())
    };
}

/// Inserts the articles of consultation `$id` (inside the caller's transaction).
macro_rules! insert_articles {
    ($tx:expr, $id:expr, $articles:expr) => {{
        for a in $articles {
            sqlx::query(
                "INSERT INTO consultation_articles (consultation_id, number, heading, text) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind($id.get())
            .bind(a.number)
            .bind(&a.heading)
            .bind(&a.text)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

impl Store {
    /// Writes a new draft consultation at `unit` with its articles. Returns the id.
    pub async fn create_consultation(
        &self,
        unit: &Unit,
        c: &NewConsultation,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<ConsultationId, StoreError> {
        let ts = now();
        let after = draft_audit(c);
        let id = audited_tx!(self, ctx, tx => {
            let query = sqlx::query_scalar(
                "INSERT INTO consultations (unit_code, unit_path, province_code, kind, title, \
                 body, preamble, opens_on, closes_on, status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11) RETURNING id",
            )
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(&unit.province_code);
            let id: i64 = bind_draft!(query, c)
                .bind(by)
                .bind(&ts)
                .fetch_one(&mut *tx)
                .await?;
            let id = ConsultationId(id);
            insert_articles!(tx, id, &c.articles);
            (id, audit("consultation.create", id, &unit.path, after))
        });
        Ok(id)
    }

    /// Replaces a draft's title, kind, text, articles and dates. `Conflict` when it is no
    /// longer a draft.
    pub async fn edit_consultation(
        &self,
        cur: &ConsultationRecord,
        c: &NewConsultation,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let after = draft_audit(c);
        audited_tx!(self, ctx, tx => {
            let query = sqlx::query(
                "UPDATE consultations SET kind = $2, title = $3, body = $4, preamble = $5, \
                 opens_on = $6, closes_on = $7, updated_at = $8 WHERE id = $1 AND status = 'draft'",
            )
            .bind(cur.id.get());
            let n = bind_draft!(query, c)
                .bind(&ts)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "status" });
            }
            sqlx::query("DELETE FROM consultation_articles WHERE consultation_id = $1")
                .bind(cur.id.get())
                .execute(&mut *tx)
                .await?;
            insert_articles!(tx, cur.id, &c.articles);
            ((), audit("consultation.edit", cur.id, &cur.unit_path, after))
        });
        Ok(())
    }

    /// Moves a consultation from `from` to `to` (open: draft → open; close: open → closed).
    /// `Conflict` when it was moved meanwhile.
    pub async fn set_consultation_status(
        &self,
        cur: &ConsultationRecord,
        from: Status,
        to: Status,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let (column, action) = match to {
            Status::Open => ("opened_at", "consultation.open"),
            Status::Closed => ("closed_at", "consultation.close"),
            Status::Draft => return Err(StoreError::Conflict { field: "status" }),
        };
        let sql = format!(
            "UPDATE consultations SET status = $2, {column} = $3, updated_at = $3 \
             WHERE id = $1 AND status = $4"
        );
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(&sql)
                .bind(cur.id.get())
                .bind(to.as_str())
                .bind(&ts)
                .bind(from.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "status" });
            }
            let after = json!({ "status": to.as_str() });
            ((), audit(action, cur.id, &cur.unit_path, after))
        });
        Ok(())
    }

    /// Records one household's comments (one or more articles, one form) in one
    /// transaction, while the consultation is still open. Returns the comment ids.
    pub async fn add_consultation_comments(
        &self,
        cur: &ConsultationRecord,
        by: &CommentBy,
        comments: &[NewComment],
        ctx: &AuditCtx,
    ) -> Result<Vec<CommentId>, StoreError> {
        let ts = now();
        let after = json!({
            "household_id": by.household_id, "channel": by.channel.as_str(),
            "comments": comments.iter().map(|c| json!({
                "article": c.article, "stance": c.stance.as_str(),
            })).collect::<Vec<_>>(),
        });
        let ids = audited_tx!(self, ctx, tx => {
            // Check the status inside the transaction (a close racing a comment wins) with a
            // write, so the transaction holds the write lock from its first statement: a read
            // first would have SQLite refuse the later insert if another writer committed in
            // between (a busy snapshot, not retried by the busy timeout).
            let open = sqlx::query(
                "UPDATE consultations SET status = status WHERE id = $1 AND status = 'open'",
            )
            .bind(cur.id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if open == 0 {
                return Err(StoreError::Conflict { field: "status" });
            }
            let mut ids = Vec::with_capacity(comments.len());
            for c in comments {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO consultation_comments (consultation_id, article, household_id, \
                     unit_code, unit_path, stance, text, channel, resident_id, recorded_by, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(cur.id.get())
                .bind(c.article)
                .bind(by.household_id.get())
                .bind(&by.unit_code)
                .bind(&by.unit_path)
                .bind(c.stance.as_str())
                .bind(&c.text)
                .bind(by.channel.as_str())
                .bind(by.resident_id.map(ResidentId::get))
                .bind(&by.recorded_by)
                .bind(&ts)
                .fetch_one(&mut *tx)
                .await?;
                ids.push(CommentId(id));
            }
            (ids, audit("consultation.comment", cur.id, &by.unit_path, after))
        });
        Ok(ids)
    }

    pub async fn consultation(&self, id: ConsultationId) -> Result<ConsultationRecord, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM consultations c JOIN units u ON u.code = c.unit_code WHERE c.id = $1"
        );
        let row: Option<ConsultationRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn consultation_articles(
        &self,
        id: ConsultationId,
    ) -> Result<Vec<ArticleRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT number, heading, text FROM consultation_articles \
                 WHERE consultation_id = $1 ORDER BY number",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// One page of the consultations written at `unit`, newest first (ids below `before`
    /// when given); `public_only` leaves out drafts.
    pub async fn consultations_at(
        &self,
        unit: &Unit,
        public_only: bool,
        before: Option<ConsultationId>,
        limit: i64,
    ) -> Result<Vec<ConsultationRecord>, StoreError> {
        let filter = if public_only {
            "AND c.status <> 'draft'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM consultations c JOIN units u ON u.code = c.unit_code \
             WHERE c.unit_code = $1 {filter} AND ($2 IS NULL OR c.id < $2) \
             ORDER BY c.id DESC LIMIT $3"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(&unit.code)
                .bind(before.map(ConsultationId::get))
                .bind(limit)
                .fetch_all(p)
                .await?
        }))
    }

    /// One page of a consultation's comments, oldest first (ids above `after` when given),
    /// with the household's address and representative: the staff's list.
    pub async fn consultation_comments_page(
        &self,
        id: ConsultationId,
        after: Option<CommentId>,
        limit: i64,
    ) -> Result<Vec<CommentRecord>, StoreError> {
        let sql = format!(
            "{COMMENT_SELECT} WHERE k.consultation_id = $1 AND ($2 IS NULL OR k.id > $2) \
             ORDER BY k.id LIMIT $3"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(id.get())
                .bind(after.map(CommentId::get))
                .bind(limit)
                .fetch_all(p)
                .await?
        }))
    }

    /// Every comment of a consultation, oldest first, with the household's address and
    /// representative; `household` narrows to one household.
    pub async fn consultation_comments(
        &self,
        id: ConsultationId,
        household: Option<HouseholdId>,
    ) -> Result<Vec<CommentRecord>, StoreError> {
        let sql = format!(
            "{COMMENT_SELECT} WHERE k.consultation_id = $1 \
             AND ($2 IS NULL OR k.household_id = $2) ORDER BY k.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(id.get())
                .bind(household.map(HouseholdId::get))
                .fetch_all(p)
                .await?
        }))
    }

    /// The open consultations in `path`'s subtree with how many households have commented:
    /// the start page's line.
    pub async fn open_consultations_below(
        &self,
        path: &str,
    ) -> Result<Vec<(ConsultationId, String, i64)>, StoreError> {
        let rows: Vec<(i64, String, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT c.id, c.title, (SELECT COUNT(DISTINCT k.household_id) \
                 FROM consultation_comments k WHERE k.consultation_id = c.id) \
                 FROM consultations c WHERE c.status = 'open' \
                 AND (c.unit_path = $1 OR c.unit_path LIKE $2) ORDER BY c.id",
            )
            .bind(path)
            .bind(format!("{path}/%"))
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, title, n)| (ConsultationId(id), title, n))
            .collect())
    }
}

/// The domain's article from a stored one.
impl From<&ArticleRecord> for Article {
    fn from(a: &ArticleRecord) -> Self {
        Article {
            number: a.number,
            heading: a.heading.clone(),
            text: a.text.clone(),
        }
    }
}
