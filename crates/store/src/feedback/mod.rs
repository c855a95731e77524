//! Resident feedback: items, their history, photos and in-app notifications.

use serde_json::json;
use tuquan_domain::access::Role;
use tuquan_domain::feedback::{Level, NewFeedback, PhotoId, Responsible, Status};
use tuquan_domain::territory::Unit;

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};
use tuquan_domain::{FeedbackId, UserId};

pub(crate) mod batch;
mod config;
mod notices;
mod reminders;
mod staff;
mod workflow;

pub(crate) use notices::insert_notices;
pub use notices::FeedbackNotice;
pub use reminders::DeadlineKind;
pub use staff::{CategorySetting, GrantHolder, NotificationView};
pub use workflow::{StepRecord, TransitionRecord};

/// A feedback item as stored. Contact fields are personal data: public views never show them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackRecord {
    #[sqlx(try_from = "i64")]
    pub id: FeedbackId,
    pub tracking_code: String,
    pub province_code: String,
    pub commune_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub category: String,
    pub description: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub submitter_id: Option<UserId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub filed_by_id: Option<UserId>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub level: Level,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub assignee_id: Option<UserId>,
    pub ack_due_at: String,
    pub resolve_due_at: String,
    pub acknowledged_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub escalations: i64,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub duplicate_of: Option<FeedbackId>,
    pub referred_to: Option<String>,
    pub public_answer: Option<String>,
    /// What the public reads instead of `description` (set by staff; `None` until then).
    pub public_summary: Option<String>,
    pub rating: Option<i64>,
    pub reopen_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl FeedbackRecord {
    pub fn status(&self) -> Status {
        self.status
    }

    /// Overdue at `now`: still unacknowledged past the acknowledgement deadline, or still
    /// open past the resolution deadline.
    pub fn overdue_at(&self, now: &str) -> bool {
        let s = self.status();
        (s == Status::New && self.ack_due_at.as_str() < now)
            || (s.is_open() && self.resolve_due_at.as_str() < now)
    }
}

const FEEDBACK_COLUMNS: &str = "id, tracking_code, province_code, commune_code, unit_code, \
     unit_path, category, description, address, lat, lng, contact_name, contact_phone, \
     contact_email, submitter_id, filed_by_id, status, level, role, assignee_id, ack_due_at, \
     resolve_due_at, acknowledged_at, resolved_at, closed_at, escalations, duplicate_of, \
     referred_to, public_answer, public_summary, rating, reopen_count, created_at, updated_at";

/// The conditions of a [`FeedbackFilter`] but its paging, on binds `$1` to `$7`: scope path,
/// its subtree's range (two binds), status, category, overdue-at time, assignee.
/// The filter with a scope written as one index range on `unit_path` (`$1` ≤ path < `$3`,
/// then the unit itself or its subtree from `$2`), so both databases read the scope's items
/// from the `feedback_unit` index instead of scanning the table newest first.
pub(super) const FILTER_WHERE_SCOPED: &str =
    "(unit_path >= $1 AND unit_path < $3 AND (unit_path = $1 OR unit_path >= $2)) \
     AND ($4 = '' OR status = $4) AND ($5 = '' OR category = $5) \
     AND ($6 = '' OR (status = 'new' AND ack_due_at < $6) \
          OR (status IN ('new', 'acknowledged', 'in_progress') AND resolve_due_at < $6)) \
     AND ($7 IS NULL OR assignee_id = $7)";

/// [`FILTER_WHERE_SCOPED`] or, without a scope, the unscoped filter.
pub(super) fn filter_where(scoped: bool) -> &'static str {
    if scoped {
        FILTER_WHERE_SCOPED
    } else {
        FILTER_WHERE
    }
}

pub(super) const FILTER_WHERE: &str =
    "($1 = '' OR unit_path = $1 OR (unit_path >= $2 AND unit_path < $3)) \
     AND ($4 = '' OR status = $4) AND ($5 = '' OR category = $5) \
     AND ($6 = '' OR (status = 'new' AND ack_due_at < $6) \
          OR (status IN ('new', 'acknowledged', 'in_progress') AND resolve_due_at < $6)) \
     AND ($7 IS NULL OR assignee_id = $7)";

/// `path` and every path above it (`79/26743/kp01`, `79/26743`, `79`).
pub(crate) fn path_and_ancestors(path: &str) -> Vec<&str> {
    let mut out: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
    out.push(path);
    out
}

/// `$first, $first+1, …` for `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A step of an item's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackEvent {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub feedback_id: FeedbackId,
    pub at: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
}

/// Everything needed to store a new item.
#[derive(Debug, Clone)]
pub struct NewFeedbackRow<'a> {
    pub tracking_code: String,
    pub unit: &'a Unit,
    pub commune_code: String,
    pub feedback: &'a NewFeedback,
    pub submitter_id: Option<UserId>,
    pub filed_by_id: Option<UserId>,
    pub responsible: Responsible,
    pub ack_due_at: String,
    pub resolve_due_at: String,
    /// (content type, bytes), already checked and stripped of location data.
    pub photos: Vec<(String, Vec<u8>)>,
    /// Written with the item (its arrival, to those responsible).
    pub notices: Vec<FeedbackNotice>,
}

/// Which items to list. Blank parts do not filter.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    /// Items of this unit and below; `None` for all.
    pub scope_path: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// Only items whose deadline has passed at this time (a stored timestamp).
    pub overdue_at: Option<String>,
    /// Only items assigned to this user.
    pub assignee_id: Option<UserId>,
    /// Items with a smaller id (newest first paging).
    pub before_id: Option<FeedbackId>,
    pub limit: i64,
}

/// An in-app notification.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub feedback_id: Option<FeedbackId>,
    pub kind: String,
    pub message: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// Inserts a new item with its photos, first history step and audit row on a transaction
/// and evaluates to its id (a `Result`). A macro so that one text serves both backends.
macro_rules! insert_feedback {
    ($tx:ident, $n:expr, $ctx:expr, $ts:expr) => {
        async {
            let n: &NewFeedbackRow<'_> = $n;
            let ctx: &AuditCtx = $ctx;
            let ts: &str = $ts;
            let f = n.feedback;
                let id = tuquan_domain::FeedbackId(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO feedback (tracking_code, province_code, commune_code, unit_code, unit_path, \
                     category, description, address, lat, lng, contact_name, contact_phone, contact_email, \
                     submitter_id, filed_by_id, level, role, ack_due_at, resolve_due_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
                     RETURNING id",
                )
                .bind(&n.tracking_code)
                .bind(&n.unit.province_code)
                .bind(&n.commune_code)
                .bind(&n.unit.code)
                .bind(&n.unit.path)
                .bind(&f.category)
                .bind(&f.description)
                .bind(&f.address)
                .bind(f.lat)
                .bind(f.lng)
                .bind(&f.contact_name)
                .bind(f.contact_phone.as_ref().map(|p| p.as_str()))
                .bind(&f.contact_email)
                .bind(n.submitter_id.map(tuquan_domain::UserId::get))
                .bind(n.filed_by_id.map(tuquan_domain::UserId::get))
                .bind(n.responsible.level.as_str())
                .bind(n.responsible.role.as_str())
                .bind(&n.ack_due_at)
                .bind(&n.resolve_due_at)
                .bind(ts)
                .fetch_one(&mut *$tx)
                .await
                .map_err(StoreError::conflict_on("tracking_code"))?);
                for (ct, bytes) in &n.photos {
                    sqlx::query("INSERT INTO feedback_photos (feedback_id, content_type, bytes, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(id.get())
                        .bind(ct)
                        .bind(bytes)
                        .bind(ts)
                        .execute(&mut *$tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO feedback_events (feedback_id, at, actor_id, actor_name, kind, to_status) \
                     VALUES ($1, $2, $3, $4, 'created', 'new')",
                )
                .bind(id.get())
                .bind(ts)
                .bind(ctx.actor_user_id.map(tuquan_domain::UserId::get))
                .bind(&ctx.actor_username)
                .execute(&mut *$tx)
                .await?;
                let entry = AuditEntry {
                    action: "feedback.create",
                    target_type: "feedback",
                    target_id: id.to_string(),
                    unit_path: Some(n.unit.path.clone()),
                    before: None,
                    after: Some(json!({
                        "tracking_code": n.tracking_code, "category": f.category,
                        "unit_code": n.unit.code, "level": n.responsible.level.as_str(),
                        "role": n.responsible.role.as_str(), "photos": n.photos.len(),
                        "filed_by_id": n.filed_by_id,
                    })),
                };
                insert_audit!(&mut *$tx, ctx, &entry)?;
                $crate::feedback::insert_notices!($tx, &n.notices, id, ts)?;
                Ok::<tuquan_domain::FeedbackId, StoreError>(id)
        }
        .await
    };
}
pub(crate) use insert_feedback;

impl Store {
    /// Stores a new item with its photos and first history step, in one transaction.
    pub async fn create_feedback(
        &self,
        n: &NewFeedbackRow<'_>,
        ctx: &AuditCtx,
    ) -> Result<FeedbackId, StoreError> {
        // SQLite commits one writer at a time, each waiting for its own fsync: concurrent
        // submissions are committed together instead (see `batch`).
        if let crate::Db::Sqlite(p) = &self.db {
            return self.create_feedback_batched(p, n, ctx).await;
        }
        let ts = now();
        let id = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id = insert_feedback!(tx, n, ctx, &ts)?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// (id, tracking code) of the given items, in one query.
    pub async fn tracking_codes(
        &self,
        ids: &[FeedbackId],
    ) -> Result<Vec<(FeedbackId, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, tracking_code FROM feedback WHERE id IN ({})",
            placeholders(1, ids.len())
        );
        let rows: Vec<(i64, String)> = with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(id.get());
            }
            q.fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, code)| (FeedbackId(id), code))
            .collect())
    }

    pub async fn feedback(&self, id: FeedbackId) -> Result<FeedbackRecord, StoreError> {
        let sql = format!("SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE id = $1");
        let row: Option<FeedbackRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn feedback_by_code(&self, code: &str) -> Result<FeedbackRecord, StoreError> {
        let sql = format!("SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE tracking_code = $1");
        let row: Option<FeedbackRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Newest first.
    pub async fn list_feedback(
        &self,
        f: &FeedbackFilter,
    ) -> Result<Vec<FeedbackRecord>, StoreError> {
        let (scope, lo, hi) = crate::scope_range(f.scope_path.as_deref());
        let sql = format!(
            "SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE {} \
             AND ($8 IS NULL OR id < $8) ORDER BY id DESC LIMIT $9",
            filter_where(f.scope_path.is_some())
        );
        let rows: Vec<FeedbackRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(&scope)
                .bind(&lo)
                .bind(&hi)
                .bind(f.status.as_deref().unwrap_or(""))
                .bind(f.category.as_deref().unwrap_or(""))
                .bind(f.overdue_at.as_deref().unwrap_or(""))
                .bind(f.assignee_id.map(UserId::get))
                .bind(f.before_id.map(FeedbackId::get))
                .bind(f.limit)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    pub async fn feedback_events(&self, id: FeedbackId) -> Result<Vec<FeedbackEvent>, StoreError> {
        let rows: Vec<FeedbackEvent> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, feedback_id, at, actor_id, actor_name, kind, from_status, to_status, \
                 public_note, internal_note FROM feedback_events WHERE feedback_id = $1 ORDER BY id",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// The ids of an item's photos.
    pub async fn feedback_photo_ids(&self, id: FeedbackId) -> Result<Vec<PhotoId>, StoreError> {
        let rows: Vec<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT id FROM feedback_photos WHERE feedback_id = $1 ORDER BY id")
                .bind(id.get())
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(PhotoId).collect())
    }

    /// One photo: (feedback id, content type, bytes).
    pub async fn feedback_photo(
        &self,
        photo_id: PhotoId,
    ) -> Result<(FeedbackId, String, Vec<u8>), StoreError> {
        let row: Option<(i64, String, Vec<u8>)> = with_pool!(self, p => {
            sqlx::query_as("SELECT feedback_id, content_type, bytes FROM feedback_photos WHERE id = $1")
                .bind(photo_id.get())
                .fetch_optional(p)
                .await?
        });
        let (id, content_type, bytes) = row.ok_or(StoreError::NotFound)?;
        Ok((FeedbackId(id), content_type, bytes))
    }

    /// Accounts holding `role` on the unit at `path` or above it (and the system
    /// administrators are left out: they are not anyone's inbox).
    pub async fn users_with_role_over(
        &self,
        role: &str,
        path: &str,
    ) -> Result<Vec<UserId>, StoreError> {
        // The grant's unit path is `path` or one of its prefixes: looked up on the unique path
        // index (a `LIKE` against every unit's path read the whole table for each item).
        let paths = path_and_ancestors(path);
        let sql = format!(
            "SELECT DISTINCT g.user_id, u.path FROM grants g JOIN units u ON u.code = g.unit_code \
             JOIN users us ON us.id = g.user_id \
             WHERE g.role = $1 AND NOT us.disabled AND u.path IN ({})",
            placeholders(2, paths.len())
        );
        let rows: Vec<(i64, String)> = with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql).bind(role);
            for path in &paths {
                q = q.bind(*path);
            }
            q.fetch_all(p).await?
        });
        Ok(rows.into_iter().map(|r| UserId(r.0)).collect())
    }

    /// A user's notifications, newest first.
    pub async fn notifications_of(
        &self,
        user_id: UserId,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows: Vec<NotificationRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, user_id, feedback_id, kind, message, created_at, read_at FROM notifications \
                 WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(user_id.get())
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Marks all of a user's notifications read; returns how many were unread.
    pub async fn mark_notifications_read(
        &self,
        user_id: UserId,
        ctx: &AuditCtx,
    ) -> Result<u64, StoreError> {
        let n = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
                .bind(user_id.get())
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let entry = AuditEntry {
                action: "notification.read_all",
                target_type: "user",
                target_id: user_id.to_string(),
                unit_path: None,
                before: None,
                after: Some(json!({ "marked_read": n })),
            };
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
            n
        });
        Ok(n)
    }
}
