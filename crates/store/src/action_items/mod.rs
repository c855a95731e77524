//! Action items: writing them with their audit rows and progress notes, the per-unit lists,
//! the overdue flags of the job, the roll-up for a commune, and the carry-over into a meeting.
//! Owners are resolved when read, through the view `action_items_resolved` (migration 0014),
//! so an item owed by a post shows whoever holds the post now.

use serde_json::json;
use tuquan_domain::action_items::{ItemStatus, NewActionItem, Owner, OwnerKind};
use tuquan_domain::territory::Unit;
use tuquan_domain::{ActionItemId, GroupId, MeetingId, ResidentId, UserId};

use crate::audit::{audited_tx, insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

/// Writes one history entry on a transaction.
macro_rules! insert_note {
    ($tx:expr, $id:expr, $ts:expr, $by:expr, $from:expr, $to:expr, $note:expr) => {{
        let by: &Writer = $by;
        sqlx::query(
            "INSERT INTO action_item_notes (item_id, at, author_user_id, author_name, from_status, \
             to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($id.get()).bind($ts).bind(by.user_id.map(UserId::get)).bind(&by.name).bind($from).bind($to).bind($note)
        .execute(&mut *$tx)
        .await?;
    }};
}

mod choices;
mod reads;

pub use choices::{OwnerChoices, MAX_RESIDENTS};
pub use reads::{ItemFilter, UnitCounts};

/// An action item with its owner resolved now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActionItemRecord {
    #[sqlx(try_from = "i64")]
    pub id: ActionItemId,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub group_id: Option<GroupId>,
    pub group_name: Option<String>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub meeting_id: Option<MeetingId>,
    pub resolution: Option<String>,
    pub title: String,
    pub description: Option<String>,
    #[sqlx(try_from = "String")]
    pub owner_kind: OwnerKind,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub owner_resident_id: Option<ResidentId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub owner_user_id: Option<UserId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub owner_group_id: Option<GroupId>,
    pub owner_role: Option<String>,
    pub owner_group_name: Option<String>,
    /// The person who owes it now (a post's current holder); none: the post is vacant.
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub holder_resident_id: Option<ResidentId>,
    pub holder_name: Option<String>,
    /// The account to tell, if the owner has one.
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub holder_user_id: Option<UserId>,
    pub due_on: String,
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
    pub done_on: Option<String>,
    pub flagged_on: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl ActionItemRecord {
    /// The key the "who owes what" list groups by: the same post or person, whoever holds it.
    pub fn owner_key(&self) -> String {
        match self.owner_kind {
            OwnerKind::Resident => {
                format!("r{}", self.owner_resident_id.map_or(0, ResidentId::get))
            }
            OwnerKind::Account => format!("a{}", self.owner_user_id.map_or(0, UserId::get)),
            OwnerKind::Position => format!(
                "p{}-{}",
                self.owner_group_id.map_or(0, GroupId::get),
                self.owner_role.as_deref().unwrap_or("")
            ),
        }
    }
}

/// One entry of an item's history: created, a note, a change of status.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub item_id: ActionItemId,
    pub at: String,
    pub author_name: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

/// Who writes: the account and the name shown in the history.
#[derive(Debug, Clone)]
pub struct Writer {
    pub user_id: Option<UserId>,
    pub name: String,
}

pub(crate) const SELECT: &str =
    "SELECT id, unit_code, unit_path, unit_name, group_id, group_name, \
     meeting_id, resolution, title, description, owner_kind, owner_resident_id, owner_user_id, \
     owner_group_id, owner_role, owner_group_name, holder_resident_id, holder_name, \
     holder_user_id, due_on, status, done_on, flagged_on, created_by, created_at, updated_at \
     FROM action_items_resolved";

/// The owner's columns as bound: (kind, resident, account, group, role).
fn owner_cols(
    o: &Owner,
) -> (
    &'static str,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<&'static str>,
) {
    match *o {
        Owner::Resident(r) => ("resident", Some(r.get()), None, None, None),
        Owner::Account(u) => ("account", None, Some(u.get()), None, None),
        Owner::Position { group_id, role } => (
            "position",
            None,
            None,
            Some(group_id.get()),
            Some(role.as_str()),
        ),
    }
}

/// The audit entry of a change to an item (the unit path is the item's).
fn item_audit(
    action: &'static str,
    id: ActionItemId,
    unit_path: &str,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "action_item",
        target_id: id.to_string(),
        unit_path: Some(unit_path.to_owned()),
        before,
        after: Some(after),
    }
}

fn item_json(a: &NewActionItem) -> serde_json::Value {
    let (kind, r, u, g, role) = owner_cols(&a.owner);
    json!({
        "title": a.title, "description": a.description, "group_id": a.group_id,
        "meeting_id": a.meeting_id, "resolution": a.resolution, "owner_kind": kind,
        "owner_resident_id": r, "owner_user_id": u, "owner_group_id": g, "owner_role": role,
        "due_on": a.due_on.to_string(),
    })
}

impl Store {
    /// One item, owner resolved.
    pub async fn action_item(&self, id: ActionItemId) -> Result<ActionItemRecord, StoreError> {
        let sql = format!("{SELECT} WHERE id = $1");
        let row: Option<ActionItemRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Whether the owner and group belong where the item is: the resident lives in the unit
    /// or below it, the account exists and is not disabled, the groups belong to the unit or
    /// below it (or, for a group, above it). Returns the field that is wrong.
    pub async fn action_item_refs_ok(
        &self,
        unit: &Unit,
        a: &NewActionItem,
    ) -> Result<Option<&'static str>, StoreError> {
        let (lo, hi) = crate::subtree(&unit.path);
        let below = "(unit_path = $2 OR (unit_path >= $3 AND unit_path < $4))";
        // A group of a unit above (a ward's security team covering several khu phố).
        let above = "$2 LIKE unit_path || '/%'";
        let (kind, r, u, g, _) = owner_cols(&a.owner);
        let checks: Vec<(&'static str, String, i64)> = [
            (a.group_id.map(GroupId::get), "group_id", "community_groups"),
            (g, "owner_group_id", "community_groups"),
            (a.meeting_id.map(MeetingId::get), "meeting_id", "meetings"),
        ]
        .into_iter()
        .filter_map(|(id, f, t)| {
            id.map(|id| {
                (
                    f,
                    format!("SELECT COUNT(*) FROM {t} WHERE id = $1 AND ({below} OR {above})"),
                    id,
                )
            })
        })
        .chain(r.map(|id| {
            (
                "owner_resident_id",
                "SELECT COUNT(*) FROM residents re JOIN units un ON un.code = re.unit_code \
                 WHERE re.id = $1 AND (un.path = $2 OR (un.path >= $3 AND un.path < $4))"
                    .to_owned(),
                id,
            )
        }))
        .collect();
        for (field, sql, id) in checks {
            let n: i64 = with_pool!(self, p => {
                sqlx::query_scalar(&sql).bind(id).bind(&unit.path).bind(&lo).bind(&hi).fetch_one(p).await?
            });
            if n == 0 {
                return Ok(Some(field));
            }
        }
        if kind == "account" {
            let n: i64 = with_pool!(self, p => {
                sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1 AND NOT disabled")
                    .bind(u).fetch_one(p).await?
            });
            if n == 0 {
                return Ok(Some("owner_user_id"));
            }
        }
        Ok(None)
    }

    /// Writes a new item, its first history entry and its audit row. Returns its id.
    pub async fn create_action_item(
        &self,
        unit: &Unit,
        a: &NewActionItem,
        by: &Writer,
        ctx: &AuditCtx,
    ) -> Result<ActionItemId, StoreError> {
        let ts = now();
        let (kind, r, u, g, role) = owner_cols(&a.owner);
        let due = a.due_on.to_string();
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO action_items (province_code, unit_code, unit_path, group_id, meeting_id, \
                 resolution, title, description, owner_kind, owner_resident_id, owner_user_id, \
                 owner_group_id, owner_role, due_on, status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'open', $15, $16, $16) \
                 RETURNING id",
            )
            .bind(&unit.province_code).bind(&unit.code).bind(&unit.path)
            .bind(a.group_id.map(GroupId::get)).bind(a.meeting_id.map(MeetingId::get))
            .bind(&a.resolution).bind(&a.title).bind(&a.description)
            .bind(kind).bind(r).bind(u).bind(g).bind(role).bind(&due).bind(&by.name).bind(&ts)
            .fetch_one(&mut *tx)
            .await?;
            let id = ActionItemId(id);
            insert_note!(tx, id, &ts, by, None::<&str>, "open", None::<&str>);
            (id, item_audit("action_item.create", id, &unit.path, None, item_json(a)))
        });
        Ok(id)
    }

    /// Replaces what an item says (title, owner, due date…); its status and history stay.
    pub async fn edit_action_item(
        &self,
        old: &ActionItemRecord,
        a: &NewActionItem,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let (kind, r, u, g, role) = owner_cols(&a.owner);
        let due = a.due_on.to_string();
        let ts = now();
        let before = json!({"title": old.title, "owner_kind": old.owner_kind.as_str(),
            "owner_resident_id": old.owner_resident_id, "owner_user_id": old.owner_user_id,
            "owner_group_id": old.owner_group_id, "owner_role": old.owner_role,
            "due_on": old.due_on});
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE action_items SET group_id = $2, meeting_id = $3, resolution = $4, title = $5, \
                 description = $6, owner_kind = $7, owner_resident_id = $8, owner_user_id = $9, \
                 owner_group_id = $10, owner_role = $11, due_on = $12, updated_at = $13, \
                 flagged_on = CASE WHEN due_on = $12 THEN flagged_on END \
                 WHERE id = $1 AND updated_at = $14",
            )
            .bind(old.id.get()).bind(a.group_id.map(GroupId::get))
            .bind(a.meeting_id.map(MeetingId::get)).bind(&a.resolution).bind(&a.title)
            .bind(&a.description).bind(kind).bind(r).bind(u).bind(g).bind(role).bind(&due)
            .bind(&ts).bind(&old.updated_at)
            .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "updated_at" });
            }
            ((), item_audit("action_item.edit", old.id, &old.unit_path, Some(before), item_json(a)))
        });
        Ok(())
    }

    /// Records progress: a note, a change of status (or both), its history entry and its
    /// audit row. `done_on` is the Vietnam date when the item becomes done.
    #[allow(clippy::too_many_arguments)]
    pub async fn progress_action_item(
        &self,
        old: &ActionItemRecord,
        to: ItemStatus,
        note: Option<&str>,
        done_on: Option<&str>,
        by: &Writer,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let action = if to == old.status {
            "action_item.note"
        } else {
            "action_item.status"
        };
        let before = json!({"status": old.status.as_str()});
        let after = json!({"status": to.as_str(), "note": note});
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE action_items SET status = $2, done_on = $3, updated_at = $4 \
                 WHERE id = $1 AND status = $5",
            )
            .bind(old.id.get()).bind(to.as_str()).bind(done_on).bind(&ts).bind(old.status.as_str())
            .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "status" });
            }
            insert_note!(tx, old.id, &ts, by, Some(old.status.as_str()), to.as_str(), note);
            ((), item_audit(action, old.id, &old.unit_path, Some(before), after))
        });
        Ok(())
    }

    /// An item's history, oldest first.
    pub async fn action_item_notes(&self, id: ActionItemId) -> Result<Vec<NoteRecord>, StoreError> {
        let rows: Vec<NoteRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, item_id, at, author_name, from_status, to_status, note \
                 FROM action_item_notes WHERE item_id = $1 ORDER BY id",
            )
            .bind(id.get()).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// Marks an overdue item flagged on `today` (Vietnam date) and writes the messages, in one
    /// transaction. Returns false (and writes nothing) when it was already flagged today: a
    /// second run of the job on the same day does nothing, and the outbox keys make even a
    /// race harmless.
    pub async fn flag_action_item(
        &self,
        item: &ActionItemRecord,
        today: &str,
        msgs: &[crate::outbox::NewMessage],
        ctx: &AuditCtx,
    ) -> Result<bool, StoreError> {
        let ts = now();
        let done = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE action_items SET flagged_on = $2 WHERE id = $1 \
                 AND (flagged_on IS NULL OR flagged_on < $2) AND status IN ('open', 'in_progress')",
            )
            .bind(item.id.get()).bind(today)
            .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                false
            } else {
                crate::outbox::insert_messages!(tx, msgs, &ts, true);
                let after = json!({"flagged_on": today, "messages": msgs.len()});
                insert_audit!(&mut *tx, ctx, &item_audit("action_item.flag_overdue", item.id,
                    &item.unit_path, None, after))?;
                tx.commit().await?;
                true
            }
        });
        Ok(done)
    }

    /// E-mail addresses the accounts gave, by account.
    pub async fn email_of(&self, user_id: UserId) -> Result<Option<String>, StoreError> {
        let v: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT address FROM delivery_addresses WHERE user_id = $1 AND channel = 'email'",
            )
            .bind(user_id.get()).fetch_optional(p).await?
        });
        Ok(v)
    }

    /// Records that these open items were carried into `meeting_id` and appends each new one
    /// to the meeting's agenda with its entry, once each. Returns how many were new.
    pub async fn carry_action_items(
        &self,
        unit_path: &str,
        meeting_id: MeetingId,
        items: &[(ActionItemId, String)],
        ctx: &AuditCtx,
    ) -> Result<u64, StoreError> {
        let ts = now();
        let n = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut n = 0;
            for (id, entry) in items {
                let new = sqlx::query(
                    "INSERT INTO action_item_carries (item_id, meeting_id, carried_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (meeting_id, item_id) DO NOTHING",
                )
                .bind(id.get()).bind(meeting_id.get()).bind(&ts)
                .execute(&mut *tx).await?.rows_affected();
                // Each item once on the agenda, after the entries the meeting was given.
                if new == 1 {
                    sqlx::query(
                        "INSERT INTO meeting_agenda (meeting_id, position, title) VALUES ($1, \
                         (SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_agenda WHERE meeting_id = $1), $2)",
                    )
                    .bind(meeting_id.get()).bind(entry)
                    .execute(&mut *tx).await?;
                }
                n += new;
            }
            insert_audit!(&mut *tx, ctx, &AuditEntry {
                action: "action_item.carry_over",
                target_type: "meeting",
                target_id: meeting_id.to_string(),
                unit_path: Some(unit_path.to_owned()),
                before: None,
                after: Some(json!({"items": items.iter().map(|i| i.0).collect::<Vec<_>>()})),
            })?;
            tx.commit().await?;
            n
        });
        Ok(n)
    }
}
