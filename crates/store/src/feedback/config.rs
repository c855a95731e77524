//! A commune's feedback categories and routing table, and the national work calendar.

use jiff::civil::Date;
use serde_json::json;
use tuquan_domain::access::Role;
use tuquan_domain::feedback::{Category, Level, RouteRule, WorkCalendar};

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

impl Store {
    /// Whether any commune (or the defaults) has a category with this code, active or not:
    /// filters name only codes that exist.
    pub async fn category_known(&self, code: &str) -> Result<bool, StoreError> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM feedback_categories WHERE code = $1")
                .bind(code)
                .fetch_one(p)
                .await?
        });
        Ok(n > 0)
    }

    /// The active categories of a commune: its own rows, else the defaults, by code; in
    /// the order of [`Store::category_settings`] ("other" last, the rest in Vietnamese order).
    pub async fn categories_for(&self, commune_code: &str) -> Result<Vec<Category>, StoreError> {
        Ok(self
            .category_settings(commune_code)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .map(|s| s.category)
            .collect())
    }

    /// Adds or changes a commune's category (or hides it with `active = false`).
    pub async fn set_category(
        &self,
        commune: &tuquan_domain::territory::Unit,
        c: &Category,
        active: bool,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "feedback.category_set",
            target_type: "unit",
            target_id: commune.code.clone(),
            unit_path: Some(commune.path.clone()),
            before: None,
            after: Some(json!({ "category": c, "active": active })),
        };
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query(
                "INSERT INTO feedback_categories (commune_code, code, name_vi, name_en, ack_minutes, \
                 resolve_minutes, allow_anonymous, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (commune_code, code) DO UPDATE SET name_vi = excluded.name_vi, \
                 name_en = excluded.name_en, ack_minutes = excluded.ack_minutes, \
                 resolve_minutes = excluded.resolve_minutes, \
                 allow_anonymous = excluded.allow_anonymous, active = excluded.active",
            )
            .bind(&commune.code)
            .bind(&c.code)
            .bind(&c.name_vi)
            .bind(&c.name_en)
            .bind(c.ack_minutes)
            .bind(c.resolve_minutes)
            .bind(c.allow_anonymous)
            .bind(active)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// A commune's routing table.
    pub async fn routes_for(&self, commune_code: &str) -> Result<Vec<RouteRule>, StoreError> {
        let rows: Vec<(String, String, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT category_code, level, role FROM feedback_routes WHERE commune_code = $1 \
                 ORDER BY category_code",
            )
            .bind(commune_code)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(cat, level, role)| {
                Some(RouteRule {
                    category: (!cat.is_empty()).then_some(cat),
                    level: Level::parse(&level)?,
                    role: Role::parse(&role)?,
                })
            })
            .collect())
    }

    /// Sets (or with `rule` `None`, removes) the rule for a category (`""` = any).
    pub async fn set_route(
        &self,
        commune: &tuquan_domain::territory::Unit,
        category: &str,
        rule: Option<(Level, Role)>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "feedback.route_set",
            target_type: "unit",
            target_id: commune.code.clone(),
            unit_path: Some(commune.path.clone()),
            before: None,
            after: Some(json!({
                "category": category,
                "level": rule.map(|r| r.0.as_str()),
                "role": rule.map(|r| r.1.as_str()),
            })),
        };
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query("DELETE FROM feedback_routes WHERE commune_code = $1 AND category_code = $2")
                .bind(&commune.code)
                .bind(category)
                .execute(&mut *tx)
                .await?;
            if let Some((level, role)) = rule {
                sqlx::query(
                    "INSERT INTO feedback_routes (commune_code, category_code, level, role, updated_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&commune.code)
                .bind(category)
                .bind(level.as_str())
                .bind(role.as_str())
                .bind(now())
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }

    /// The national work calendar: holidays and make-up working days.
    pub async fn work_calendar(&self) -> Result<WorkCalendar, StoreError> {
        let rows: Vec<(String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT day, kind FROM work_calendar ORDER BY day")
                .fetch_all(p)
                .await?
        });
        let mut cal = WorkCalendar::default();
        for (day, kind) in rows {
            if let Ok(d) = day.parse::<Date>() {
                if kind == "workday" {
                    cal.make_up_days.insert(d);
                } else {
                    cal.holidays.insert(d);
                }
            }
        }
        Ok(cal)
    }

    /// The calendar's days with their names: (day, kind, name).
    pub async fn work_calendar_days(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows: Vec<(String, String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT day, kind, name FROM work_calendar ORDER BY day")
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// Adds or replaces a day (`holiday` or `workday`), or removes it with `kind` `None`.
    pub async fn set_calendar_day(
        &self,
        day: Date,
        kind: Option<(&str, &str)>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "feedback.calendar_set",
            target_type: "calendar",
            target_id: day.to_string(),
            unit_path: None,
            before: None,
            after: kind.map(|(k, n)| json!({ "kind": k, "name": n })),
        };
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query("DELETE FROM work_calendar WHERE day = $1")
                .bind(day.to_string())
                .execute(&mut *tx)
                .await?;
            if let Some((k, n)) = kind {
                sqlx::query("INSERT INTO work_calendar (day, kind, name) VALUES ($1, $2, $3)")
                    .bind(day.to_string())
                    .bind(k)
                    .bind(n)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }
}
