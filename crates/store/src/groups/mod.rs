//! Groups, their units and history; the term length per province. Decisions and their
//! documents are in `decisions`, positions in `positions`, coordination regulations in
//! `regulations`.
//!
//! Every change writes its audit row (with the group's unit path, so the commune's officials
//! see it in their log) and, for a group, a history event, in the same transaction.

use serde_json::{json, Value};
use tuquan_domain::groups::{GroupKind, GroupStatus, NewGroup, TermYears};
use tuquan_domain::territory::Unit;
use tuquan_domain::GroupId;

use crate::audit::{audited_tx, Arg, AuditCtx, AuditEntry};
use crate::{now, subtree, with_pool, Store, StoreError};

mod decisions;
mod health;
mod positions;
mod regulations;

pub use decisions::{DecisionRecord, DocumentRecord, NewDocument};
pub use health::GroupHealth;
pub use positions::{PositionRecord, ServiceRecord};
pub use regulations::{RegulationRecord, RegulationStatus, ResignRecord, ReviewRecord};

/// A group as read back, with its unit's name and the number of people holding a current
/// position on the day asked about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRecord {
    #[sqlx(try_from = "i64")]
    pub id: GroupId,
    pub province_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub kind: GroupKind,
    pub kind_label: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub status: GroupStatus,
    pub established_on: Option<String>,
    pub dissolved_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub current_members: i64,
    sort_key: Vec<u8>,
}

impl GroupRecord {
    pub fn kind(&self) -> GroupKind {
        self.kind
    }

    pub fn status(&self) -> GroupStatus {
        self.status
    }

    /// The keyset position of this row in a name-ordered list.
    pub fn cursor(&self) -> (Vec<u8>, i64) {
        (self.sort_key.clone(), self.id.get())
    }

    /// The audit entry of a change to this group, filed under its unit.
    pub(crate) fn entry(
        &self,
        action: &'static str,
        before: Option<Value>,
        after: Value,
    ) -> AuditEntry {
        let target = ("group", self.id.to_string());
        AuditEntry::about(action, target, &self.unit_path, before, after)
    }

    fn audit_json(&self) -> Value {
        json!({
            "unit_code": self.unit_code, "kind": self.kind, "kind_label": self.kind_label,
            "name": self.name, "status": self.status,
        })
    }
}

/// Columns of [`GroupRecord`]; `$1` is the day current members are counted on.
const GROUP_SELECT: &str = "SELECT g.id, g.province_code, g.unit_code, g.unit_path, \
     u.name AS unit_name, g.kind, g.kind_label, g.name, g.status, g.established_on, \
     g.dissolved_on, g.created_at, g.updated_at, g.sort_key, \
     (SELECT COUNT(*) FROM group_positions p WHERE p.group_id = g.id AND p.ended_on IS NULL \
      AND p.starts_on <= $1 AND p.ends_on >= $1) AS current_members \
     FROM community_groups g JOIN units u ON u.code = g.unit_code";

/// A unit a group covers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupUnit {
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
}

/// One line of a group's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub group_id: GroupId,
    pub at: String,
    pub actor_username: Option<String>,
    pub event: String,
    pub detail_json: String,
}

impl EventRecord {
    pub fn detail(&self) -> Value {
        serde_json::from_str(&self.detail_json).unwrap_or(Value::Null)
    }
}

/// Filters of a group list; blank matches everything.
#[derive(Debug, Clone, Default)]
pub struct GroupQuery {
    pub kind: String,
    pub status: String,
}

/// What a history event says; stored as JSON.
pub(crate) struct Event<'a> {
    pub event: &'static str,
    pub detail: &'a Value,
}

/// Inserts a history event for a group on a transaction's connection.
macro_rules! insert_event {
    ($exec:expr, $ctx:expr, $province:expr, $group_id:expr, $ev:expr) => {{
        let ev: &$crate::groups::Event<'_> = $ev;
        sqlx::query(
            "INSERT INTO group_events (province_code, group_id, at, actor_username, event, \
             detail_json) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($province)
        .bind($group_id)
        .bind($crate::now())
        .bind(&$ctx.actor_username)
        .bind(ev.event)
        .bind(ev.detail.to_string())
        .execute($exec)
        .await
    }};
}
pub(crate) use insert_event;

impl Store {
    /// The term of office in a province: 5 years unless set otherwise.
    pub async fn term_years(&self, province_code: &str) -> Result<TermYears, StoreError> {
        let months: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT term_months FROM group_settings WHERE province_code = $1")
                .bind(province_code)
                .fetch_optional(p)
                .await?
        });
        Ok(months.map(TermYears::from_months).unwrap_or_default())
    }

    /// Sets a province's term of office. Terms already begun keep their end.
    pub async fn set_term_years(
        &self,
        province: &Unit,
        years: TermYears,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.term_years(&province.code).await?;
        let entry = AuditEntry {
            action: "group.term_years",
            target_type: "province",
            target_id: province.code.clone(),
            unit_path: Some(province.path.clone()),
            before: Some(json!({ "years": before.as_str() })),
            after: Some(json!({ "years": years.as_str() })),
        };
        self.execute_audited(
            "INSERT INTO group_settings (province_code, term_months, updated_at) \
             VALUES ($1, $2, $3) ON CONFLICT (province_code) \
             DO UPDATE SET term_months = $2, updated_at = $3",
            &[
                Arg::Text(&province.code),
                Arg::Int(years.months()),
                Arg::Text(&now()),
            ],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Creates a group in `unit` covering `covered` (the unit itself when empty). A group
    /// that needs a decision starts pending.
    pub async fn create_group(
        &self,
        unit: &Unit,
        g: &NewGroup,
        covered: &[Unit],
        ctx: &AuditCtx,
    ) -> Result<GroupId, StoreError> {
        let covered: Vec<&Unit> = if covered.is_empty() {
            vec![unit]
        } else {
            covered.iter().collect()
        };
        let status = if g.kind.needs_decision() {
            GroupStatus::Pending
        } else {
            GroupStatus::Active
        };
        self.insert_group(unit, g, status, &covered, ctx).await
    }

    async fn insert_group(
        &self,
        unit: &Unit,
        g: &NewGroup,
        status: GroupStatus,
        covered: &[&Unit],
        ctx: &AuditCtx,
    ) -> Result<GroupId, StoreError> {
        let ts = now();
        let codes: Vec<&str> = covered.iter().map(|u| u.code.as_str()).collect();
        let detail = json!({
            "kind": g.kind.as_str(), "kind_label": g.kind_label, "name": g.name,
            "unit_code": unit.code, "unit_codes": codes, "status": status.as_str(),
        });
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO community_groups (province_code, unit_code, unit_path, kind, \
                 kind_label, name, name_folded, sort_key, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(&unit.province_code)
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(g.kind.as_str())
            .bind(&g.kind_label)
            .bind(&g.name)
            .bind(&g.name_folded)
            .bind(&g.sort_key)
            .bind(status.as_str())
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::conflict_on("kind"))?;
            for u in covered {
                sqlx::query(
                    "INSERT INTO group_units (group_id, unit_code, unit_path) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(&u.code)
                .bind(&u.path)
                .execute(&mut *tx)
                .await?;
            }
            insert_event!(&mut *tx, ctx, &unit.province_code, id,
                &Event { event: "created", detail: &detail })?;
            let entry = AuditEntry {
                action: "group.create",
                target_type: "group",
                target_id: id.to_string(),
                unit_path: Some(unit.path.clone()),
                before: None,
                after: Some(detail.clone()),
            };
            (id, entry)
        });
        Ok(GroupId(id))
    }

    /// The leadership group of a residential unit, if it has one.
    pub async fn unit_leadership(
        &self,
        unit_code: &str,
        today: &str,
    ) -> Result<Option<GroupRecord>, StoreError> {
        let sql = format!("{GROUP_SELECT} WHERE g.unit_code = $2 AND g.kind = 'unit_leadership'");
        let row: Option<GroupRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(today).bind(unit_code).fetch_optional(p).await?
        });
        Ok(row)
    }

    /// The leadership group of a residential unit, created (active, no decision needed) the
    /// first time it is asked for. Returns the group's id and whether it was created.
    pub async fn ensure_unit_leadership(
        &self,
        unit: &Unit,
        name: &str,
        ctx: &AuditCtx,
    ) -> Result<(GroupId, bool), StoreError> {
        if let Some(g) = self.unit_leadership(&unit.code, "").await? {
            return Ok((g.id, false));
        }
        let g = NewGroup {
            kind: GroupKind::UnitLeadership,
            kind_label: None,
            name: name.to_owned(),
            name_folded: tuquan_domain::text::fold(name),
            sort_key: tuquan_domain::text::sort_key(name),
            unit_codes: vec![],
        };
        match self
            .insert_group(unit, &g, GroupStatus::Active, &[unit], ctx)
            .await
        {
            Ok(id) => Ok((id, true)),
            // Created meanwhile by someone else.
            Err(StoreError::Conflict { .. }) => {
                let g = self
                    .unit_leadership(&unit.code, "")
                    .await?
                    .ok_or(StoreError::NotFound)?;
                Ok((g.id, false))
            }
            Err(e) => Err(e),
        }
    }

    /// One group; `today` is the day its current members are counted on.
    pub async fn group(&self, id: GroupId, today: &str) -> Result<GroupRecord, StoreError> {
        let sql = format!("{GROUP_SELECT} WHERE g.id = $2");
        let row: Option<GroupRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(today).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn group_units(&self, group_id: GroupId) -> Result<Vec<GroupUnit>, StoreError> {
        let rows: Vec<GroupUnit> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT gu.unit_code, gu.unit_path, u.name AS unit_name FROM group_units gu \
                 JOIN units u ON u.code = gu.unit_code WHERE gu.group_id = $1 \
                 ORDER BY u.sort_key, u.code",
            )
            .bind(group_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Groups that belong to `unit` or below it, or cover a unit there, in Vietnamese name
    /// order after a keyset position.
    pub async fn groups_in(
        &self,
        unit: &Unit,
        q: &GroupQuery,
        today: &str,
        after: Option<(Vec<u8>, i64)>,
        limit: i64,
    ) -> Result<Vec<GroupRecord>, StoreError> {
        let (lo, hi) = subtree(&unit.path);
        let (after_key, after_id) = match after {
            Some((k, i)) => (Some(k), i),
            None => (None, 0),
        };
        let sql = format!(
            "{GROUP_SELECT} WHERE (g.unit_path = $2 OR (g.unit_path >= $3 AND g.unit_path < $4) \
             OR EXISTS (SELECT 1 FROM group_units gu WHERE gu.group_id = g.id \
               AND (gu.unit_path = $2 OR (gu.unit_path >= $3 AND gu.unit_path < $4)))) \
             AND ($5 = '' OR g.kind = $5) AND ($6 = '' OR g.status = $6) \
             AND ($7 IS NULL OR g.sort_key > $7 OR (g.sort_key = $7 AND g.id > $8)) \
             ORDER BY g.sort_key, g.id LIMIT $9"
        );
        let rows: Vec<GroupRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(today)
                .bind(&unit.path)
                .bind(&lo)
                .bind(&hi)
                .bind(&q.kind)
                .bind(&q.status)
                .bind(after_key)
                .bind(after_id)
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// A group's history, newest first, before the event `before_id` when given.
    pub async fn group_events(
        &self,
        group_id: GroupId,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let rows: Vec<EventRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, group_id, at, actor_username, event, detail_json FROM group_events \
                 WHERE group_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
            )
            .bind(group_id.get())
            .bind(before_id)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }
}
