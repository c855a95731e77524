//! What the staff pages need beside the workflow: counts per state for the inbox, every
//! category of a commune (hidden ones too), who may be assigned an item, and a user's
//! notifications with the item each is about.

use tuquan_domain::access::Role;
use tuquan_domain::feedback::Category;
use tuquan_domain::UserId;

use super::{filter_where, FeedbackFilter};
use crate::{with_pool, Store, StoreError};

/// A category as its commune's settings page shows it.
#[derive(Debug, Clone)]
pub struct CategorySetting {
    pub category: Category,
    pub active: bool,
    /// Whether the commune changed it (or added it); `false` for a default left as it is.
    pub own: bool,
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    commune_code: String,
    code: String,
    name_vi: String,
    name_en: String,
    ack_minutes: i64,
    resolve_minutes: i64,
    allow_anonymous: bool,
    active: bool,
}

/// An account that holds a role on a unit or above it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantHolder {
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub unit_code: String,
}

/// A notification with the item it is about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub message: String,
    pub created_at: String,
    pub read_at: Option<String>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub feedback_id: Option<tuquan_domain::FeedbackId>,
    pub tracking_code: Option<String>,
    pub unit_path: Option<String>,
}

impl Store {
    /// How many items match `f` in each state, ignoring its state filter and paging.
    pub async fn count_feedback_by_status(
        &self,
        f: &FeedbackFilter,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let (scope, lo, hi) = crate::scope_range(f.scope_path.as_deref());
        let sql = format!(
            "SELECT status, COUNT(*) FROM feedback WHERE {} GROUP BY status ORDER BY status",
            filter_where(f.scope_path.is_some())
        );
        let rows: Vec<(String, i64)> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(&scope)
                .bind(&lo)
                .bind(&hi)
                .bind("")
                .bind(f.category.as_deref().unwrap_or(""))
                .bind(f.overdue_at.as_deref().unwrap_or(""))
                .bind(f.assignee_id.map(UserId::get))
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// Every category of a commune, hidden ones included: its own rows, else the defaults,
    /// by code.
    pub async fn category_settings(
        &self,
        commune_code: &str,
    ) -> Result<Vec<CategorySetting>, StoreError> {
        let rows: Vec<CategoryRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT commune_code, code, name_vi, name_en, ack_minutes, resolve_minutes, \
                 allow_anonymous, active FROM feedback_categories \
                 WHERE commune_code = '' OR commune_code = $1 ORDER BY code, commune_code DESC",
            )
            .bind(commune_code)
            .fetch_all(p)
            .await?
        });
        let mut out: Vec<CategorySetting> = Vec::new();
        for r in rows {
            if out.last().is_some_and(|l| l.category.code == r.code) {
                continue;
            }
            out.push(CategorySetting {
                own: !r.commune_code.is_empty(),
                active: r.active,
                category: Category {
                    code: r.code,
                    name_vi: r.name_vi,
                    name_en: r.name_en,
                    ack_minutes: r.ack_minutes,
                    resolve_minutes: r.resolve_minutes,
                    allow_anonymous: r.allow_anonymous,
                },
            });
        }
        out.sort_by(|a, b| {
            (a.category.code == "other")
                .cmp(&(b.category.code == "other"))
                .then_with(|| {
                    tuquan_domain::text::compare(&a.category.name_vi, &b.category.name_vi)
                })
        });
        Ok(out)
    }

    /// Enabled accounts with a grant on the unit at `path` or on a unit above it (national
    /// grants left out), by display name.
    pub async fn grant_holders_over(&self, path: &str) -> Result<Vec<GrantHolder>, StoreError> {
        let paths = super::path_and_ancestors(path);
        let sql = format!(
            "SELECT us.id AS user_id, us.username, us.display_name, g.role, g.unit_code \
             FROM grants g JOIN units u ON u.code = g.unit_code \
             JOIN users us ON us.id = g.user_id \
             WHERE NOT us.disabled AND u.path IN ({}) ORDER BY us.id, g.id",
            super::placeholders(1, paths.len())
        );
        let mut rows: Vec<GrantHolder> = with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql);
            for path in &paths {
                q = q.bind(*path);
            }
            q.fetch_all(p).await?
        });
        rows.sort_by(|a, b| {
            tuquan_domain::text::compare(&a.display_name, &b.display_name)
                .then(a.user_id.cmp(&b.user_id))
        });
        Ok(rows)
    }

    /// A user's notifications, newest first, before `before_id` when given.
    pub async fn notification_page(
        &self,
        user_id: UserId,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<NotificationView>, StoreError> {
        let rows: Vec<NotificationView> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT n.id, n.kind, n.message, n.created_at, n.read_at, n.feedback_id, \
                 f.tracking_code, f.unit_path FROM notifications n \
                 LEFT JOIN feedback f ON f.id = n.feedback_id \
                 WHERE n.user_id = $1 AND ($2 IS NULL OR n.id < $2) ORDER BY n.id DESC LIMIT $3",
            )
            .bind(user_id.get())
            .bind(before_id)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// How many of a user's notifications are unread.
    pub async fn unread_notifications(&self, user_id: UserId) -> Result<i64, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            )
            .bind(user_id.get())
            .fetch_one(p)
            .await?
        });
        Ok(n)
    }
}
