//! Announcements: publication with one pass-on row per unit below, passing on, versions,
//! withdrawal, one acknowledgement per household. Every change writes its audit row and the
//! messages it causes (see `reach`) in the same transaction. Reads are in `reads`.

use serde_json::json;
use tuquan_domain::announcements::{AckChannel, AnnouncementId, NewAnnouncement};
use tuquan_domain::files::{CheckedFile, FileId, OwnerKind};
use tuquan_domain::territory::Unit;
use tuquan_domain::UserId;

use crate::audit::{audited_tx, insert_audit, AuditCtx, AuditEntry};
use crate::files::{insert_files, remove_files_except, FileOwner};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

mod channels;
mod passing;
pub(crate) mod reach;
mod reads;
mod targeting;

pub(crate) use channels::channel_on;
pub use channels::{ChannelChoice, CHANNELS};
pub use passing::PassingRecord;
pub(crate) use reach::enqueue_reach;
pub use reach::Reach;
pub use reads::{
    AckCount, AnnouncementRecord, DeliveryCounts, NotReached, PassOnRecord, VersionRecord,
};

/// Who acts, as stored on the announcement.
#[derive(Debug, Clone)]
pub struct Author {
    pub user_id: Option<UserId>,
    pub name: String,
}

/// A household's acknowledgement to record.
#[derive(Debug, Clone)]
pub struct NewAck {
    pub announcement_id: AnnouncementId,
    pub household_id: tuquan_domain::HouseholdId,
    pub unit_code: String,
    pub unit_path: String,
    pub version: i64,
    pub channel: AckChannel,
    pub resident_id: Option<tuquan_domain::ResidentId>,
    pub recorded_by: String,
}

fn audit(
    action: &'static str,
    id: AnnouncementId,
    path: &str,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "announcement",
        target_id: id.to_string(),
        unit_path: Some(path.to_owned()),
        before: None,
        after: Some(after),
    }
}

impl Store {
    /// Publishes `a` at `unit`: the announcement, its first version, a pass-on row for every
    /// current unit below with the deadline of its depth (`deadlines[d - 1]`, the last one for
    /// deeper units), its attached files, and the messages for the unit itself. Returns the id.
    #[allow(clippy::too_many_arguments)]
    pub async fn publish_announcement(
        &self,
        unit: &Unit,
        a: &NewAnnouncement,
        files: &[CheckedFile],
        author: &Author,
        deadlines: &[String],
        reach: impl Fn(AnnouncementId) -> Reach,
        ctx: &AuditCtx,
    ) -> Result<AnnouncementId, StoreError> {
        let ts = now();
        let join = |v: Vec<&str>| v.join(",");
        let group_kinds = join(a.group_kinds.iter().map(|k| k.as_str()).collect());
        let roles = join(a.roles.iter().map(|r| r.as_str()).collect());
        let mut case = String::from("CASE u.level - $2");
        for (i, _) in deadlines.iter().enumerate() {
            case.push_str(&format!(" WHEN {} THEN ${}", i + 1, i + 4));
        }
        case.push_str(&format!(" ELSE ${} END", deadlines.len() + 3));
        let rows_sql = format!(
            "INSERT INTO announcement_units (announcement_id, unit_code, parent_code, depth, deadline) \
             SELECT $1, u.code, u.parent_code, u.level - $2, {case} FROM units u \
             WHERE u.path LIKE $3 AND u.valid_to IS NULL"
        );
        let after = json!({
            "title": a.title, "category": a.category.as_str(), "urgency": a.urgency.as_str(),
            "public": a.public, "valid_from": a.valid_from.to_string(),
            "valid_until": a.valid_until.map(|d| d.to_string()), "version": 1,
            "files": files.iter().map(|f| json!({ "name": f.name, "sha256": f.sha256 })).collect::<Vec<_>>(),
        });
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO announcements (unit_code, unit_path, category, urgency, title, body, \
                 version, valid_from, valid_until, public, group_kinds, roles, status, \
                 author_user_id, author_name, published_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, 'published', $12, $13, $14, $14) \
                 RETURNING id",
            )
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(a.category.as_str())
            .bind(a.urgency.as_str())
            .bind(&a.title)
            .bind(&a.body)
            .bind(a.valid_from.to_string())
            .bind(a.valid_until.map(|d| d.to_string()))
            .bind(a.public)
            .bind(&group_kinds)
            .bind(&roles)
            .bind(author.user_id.map(UserId::get))
            .bind(&author.name)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await?;
            let id = AnnouncementId(id);
            sqlx::query(
                "INSERT INTO announcement_versions (announcement_id, version, title, body, \
                 created_at, created_by) VALUES ($1, 1, $2, $3, $4, $5)",
            )
            .bind(id.get())
            .bind(&a.title)
            .bind(&a.body)
            .bind(&ts)
            .bind(&author.name)
            .execute(&mut *tx)
            .await?;
            let mut q = sqlx::query(&rows_sql)
                .bind(id.get())
                .bind(unit.level)
                .bind(format!("{}/%", unit.path));
            for d in deadlines {
                q = q.bind(d);
            }
            q.execute(&mut *tx).await?;
            let owner = FileOwner {
                kind: OwnerKind::Announcement,
                id: id.get(),
                province_code: unit.province_code.clone(),
                path: unit.path.clone(),
            };
            insert_files!(tx, &owner, files, &author.name, &ts)?;
            let r = reach(id);
            enqueue_reach!(tx, &r, &unit.code, &ts);
            (id, audit("announcement.publish", id, &unit.path, after))
        });
        Ok(id)
    }

    /// Marks the announcement passed on at `unit` and writes the messages for it. `Conflict`
    /// when it was passed on there meanwhile.
    pub async fn pass_on_announcement(
        &self,
        id: AnnouncementId,
        unit: &Unit,
        note: Option<&str>,
        by: &str,
        reach: &Reach,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE announcement_units SET passed_on_at = $3, passed_on_by = $4, note = $5 \
                 WHERE announcement_id = $1 AND unit_code = $2 AND passed_on_at IS NULL",
            )
            .bind(id.get())
            .bind(&unit.code)
            .bind(&ts)
            .bind(by)
            .bind(note)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "unit" });
            }
            enqueue_reach!(tx, reach, &unit.code, &ts);
            let after = json!({ "unit_code": unit.code, "note": note });
            ((), audit("announcement.pass_on", id, &unit.path, after))
        });
        Ok(())
    }

    /// Records a household's acknowledgement of the current version. Returns `false` when
    /// the household had already acknowledged this version (nothing changes).
    pub async fn acknowledge_announcement(
        &self,
        ack: &NewAck,
        ctx: &AuditCtx,
    ) -> Result<bool, StoreError> {
        let ts = now();
        let counted = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "INSERT INTO announcement_acks (announcement_id, household_id, unit_code, version, \
                 channel, resident_id, recorded_by, acknowledged_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (announcement_id, household_id) DO UPDATE SET \
                 version = excluded.version, channel = excluded.channel, \
                 resident_id = excluded.resident_id, recorded_by = excluded.recorded_by, \
                 acknowledged_at = excluded.acknowledged_at, unit_code = excluded.unit_code \
                 WHERE announcement_acks.version < excluded.version",
            )
            .bind(ack.announcement_id.get())
            .bind(ack.household_id.get())
            .bind(&ack.unit_code)
            .bind(ack.version)
            .bind(ack.channel.as_str())
            .bind(ack.resident_id.map(tuquan_domain::ResidentId::get))
            .bind(&ack.recorded_by)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                let after = json!({
                    "household_id": ack.household_id, "version": ack.version,
                    "channel": ack.channel.as_str(),
                });
                let e = audit("announcement.acknowledge", ack.announcement_id, &ack.unit_path, after);
                insert_audit!(&mut *tx, ctx, &e)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(counted)
    }

    /// Replaces the title and body with a new version (which needs fresh acknowledgement),
    /// adds `files` and keeps of the current attachments only `keep` (the others are marked
    /// removed, not deleted), and writes the messages again for every unit it has reached.
    /// Returns the new version.
    #[allow(clippy::too_many_arguments)]
    pub async fn edit_announcement(
        &self,
        a: &AnnouncementRecord,
        title: &str,
        body: &str,
        (owner, files, keep): (&FileOwner, &[CheckedFile], &[FileId]),
        by: &str,
        reach: &Reach,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let ts = now();
        let version = a.version + 1;
        let reached = self.reached_units(a.id).await?;
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE announcements SET title = $2, body = $3, version = $4, updated_at = $5 \
                 WHERE id = $1 AND version = $6 AND status = 'published'",
            )
            .bind(a.id.get())
            .bind(title)
            .bind(body)
            .bind(version)
            .bind(&ts)
            .bind(a.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "version" });
            }
            sqlx::query(
                "INSERT INTO announcement_versions (announcement_id, version, title, body, \
                 created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(a.id.get())
            .bind(version)
            .bind(title)
            .bind(body)
            .bind(&ts)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            let removed = remove_files_except!(tx, OwnerKind::Announcement, a.id.get(), keep, &ts)?;
            insert_files!(tx, owner, files, by, &ts)?;
            for unit in std::iter::once(&a.unit_code).chain(reached.iter()) {
                enqueue_reach!(tx, reach, unit, &ts);
            }
            let added: Vec<_> = files.iter().map(|f| json!({ "name": f.name, "sha256": f.sha256 })).collect();
            let after = json!({
                "title": title, "version": version, "files_added": added, "files_removed": removed,
            });
            ((), audit("announcement.edit", a.id, &a.unit_path, after))
        });
        Ok(version)
    }

    /// Withdraws the announcement; it stays, with its history, as a record.
    pub async fn withdraw_announcement(
        &self,
        a: &AnnouncementRecord,
        reason: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        audited_tx!(self, ctx, tx => {
            let n = sqlx::query(
                "UPDATE announcements SET status = 'withdrawn', withdrawn_at = $2, \
                 withdrawn_reason = $3, updated_at = $2 WHERE id = $1 AND status = 'published'",
            )
            .bind(a.id.get())
            .bind(&ts)
            .bind(reason)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "status" });
            }
            // Messages not yet sent are no longer worth sending.
            sqlx::query(
                "UPDATE outbox SET status = 'failed', last_error = 'withdrawn' \
                 WHERE about_type = 'announcement' AND about_id = $1 AND status = 'pending'",
            )
            .bind(a.id.get())
            .execute(&mut *tx)
            .await?;
            let after = json!({ "status": "withdrawn", "reason": reason });
            ((), audit("announcement.withdraw", a.id, &a.unit_path, after))
        });
        Ok(())
    }

    /// Chooses where an account receives messages on `channel` (`None` removes it).
    pub async fn set_delivery_address(
        &self,
        user_id: UserId,
        channel: &str,
        address: Option<&str>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        audited_tx!(self, ctx, tx => {
            sqlx::query("DELETE FROM delivery_addresses WHERE user_id = $1 AND channel = $2")
                .bind(user_id.get())
                .bind(channel)
                .execute(&mut *tx)
                .await?;
            if let Some(addr) = address {
                sqlx::query(
                    "INSERT INTO delivery_addresses (user_id, channel, address, updated_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(user_id.get())
                .bind(channel)
                .bind(addr)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
            let entry = AuditEntry {
                action: "user.delivery_address",
                target_type: "user",
                target_id: user_id.to_string(),
                unit_path: None,
                before: None,
                after: Some(json!({ "channel": channel, "set": address.is_some() })),
            };
            ((), entry)
        });
        Ok(())
    }
}
