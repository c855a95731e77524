//! Police and militia beats (docs/beats.md): beats, their assignments of whole units with
//! validity dates, militia heads. An assignment to a beat whose officer has an account gives
//! that account an area police grant on the unit, in the same transaction, and ending it
//! removes the grant; each change writes its audit rows and the officer's notice (outbox) in
//! that transaction. Nothing is deleted but the grant: ending sets `valid_to`.

use std::collections::BTreeSet;

use serde_json::json;
use tuquan_domain::access::Role;
use tuquan_domain::restructuring::beats::{AlignUnit, Cover, NewBeat, NewMilitiaHead};
use tuquan_domain::territory::Unit;

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::outbox::{insert_messages, NewMessage};
use crate::BeginWrite;
use crate::{now, subtree, with_pool, Store, StoreError};

mod reads;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BeatRecord {
    pub id: i64,
    pub province_code: String,
    pub commune_code: String,
    pub commune_path: String,
    pub name: String,
    pub officer_user_id: Option<i64>,
    pub officer_username: Option<String>,
    pub officer_name: String,
    pub officer_phone: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BeatUnitRecord {
    pub id: i64,
    pub beat_id: i64,
    pub beat_name: String,
    pub beat_commune: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub unit_valid_to: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub grant_id: Option<i64>,
    pub event_id: Option<i64>,
}

impl BeatUnitRecord {
    /// As the alignment checks see it on `day`.
    pub fn cover(&self, day: &str) -> Cover {
        Cover {
            assignment_id: self.id,
            beat_id: self.beat_id,
            beat_commune: self.beat_commune.clone(),
            unit_code: self.unit_code.clone(),
            unit_path: self.unit_path.clone(),
            unit_open: self.unit_valid_to.as_deref().is_none_or(|to| to > day),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MilitiaRecord {
    pub id: i64,
    pub commune_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub full_name: String,
    pub phone: String,
    pub resident_id: Option<i64>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// A unit as the alignment report lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlignUnitRow {
    pub code: String,
    pub path: String,
    pub parent_code: Option<String>,
    pub level: i64,
    pub name: String,
}

impl AlignUnitRow {
    pub fn align_unit(&self) -> AlignUnit {
        AlignUnit {
            code: self.code.clone(),
            path: self.path.clone(),
            parent_code: self.parent_code.clone(),
            below_commune: self.level == 3,
        }
    }
}

/// A participant of a recorded restructuring event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventPartRow {
    pub event_id: i64,
    pub kind: String,
    pub effective_on: String,
    pub unit_code: String,
    pub unit_path: String,
    pub role: String,
    /// Its active households at that point of the event.
    pub households: Option<i64>,
}

/// A new assignment to write.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub beat_id: i64,
    pub unit_code: String,
    pub unit_path: String,
    pub valid_from: String,
    pub event_id: Option<i64>,
    /// The officer's account to grant (the beat's), if any.
    pub officer_user_id: Option<i64>,
}

/// An open assignment to end.
#[derive(Debug, Clone)]
pub struct EndAssignment {
    pub assignment_id: i64,
    pub beat_id: i64,
    pub unit_code: String,
    pub unit_path: String,
    pub valid_to: String,
    pub grant_id: Option<i64>,
}

const BEAT_COLUMNS: &str = "b.id, b.province_code, b.commune_code, b.commune_path, b.name, \
     b.officer_user_id, us.username AS officer_username, b.officer_name, b.officer_phone, \
     b.valid_from, b.valid_to, b.created_by, b.created_at \
     FROM beats b LEFT JOIN users us ON us.id = b.officer_user_id";

const ASSIGNMENT_COLUMNS: &str = "a.id, a.beat_id, b.name AS beat_name, \
     b.commune_code AS beat_commune, a.unit_code, a.unit_path, u.name AS unit_name, \
     u.valid_to AS unit_valid_to, a.valid_from, a.valid_to, a.grant_id, a.event_id \
     FROM beat_units a JOIN beats b ON b.id = a.beat_id JOIN units u ON u.code = a.unit_code";

const MILITIA_COLUMNS: &str = "m.id, m.commune_code, m.unit_code, m.unit_path, \
     u.name AS unit_name, m.full_name, m.phone, m.resident_id, m.valid_from, m.valid_to \
     FROM militia_heads m JOIN units u ON u.code = m.unit_code";

fn entry(action: &'static str, kind: &'static str, id: String, path: &str) -> AuditEntry {
    AuditEntry {
        action,
        target_type: kind,
        target_id: id,
        unit_path: Some(path.to_owned()),
        before: None,
        after: None,
    }
}

/// Writes one assignment, with the officer's grant and its audit rows, on a transaction.
macro_rules! assign_in_tx {
    ($tx:expr, $a:expr, $by:expr, $ts:expr, $ctx:expr) => {{
        let a: &NewAssignment = $a;
        let grant_id: Option<i64> = match a.officer_user_id {
            Some(user) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO grants (user_id, role, unit_code, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(user)
                .bind(Role::AreaPolice.as_str())
                .bind(&a.unit_code)
                .bind($ts)
                .fetch_one(&mut *$tx)
                .await?;
                let mut e = entry("user.grant_added", "user", user.to_string(), &a.unit_path);
                e.after = Some(json!({ "role": Role::AreaPolice.as_str(), "unit": a.unit_code,
                                       "beat_id": a.beat_id }));
                insert_audit!(&mut *$tx, $ctx, &e)?;
                Some(id)
            }
            None => None,
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO beat_units (beat_id, unit_code, unit_path, valid_from, grant_id, \
             event_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(a.beat_id)
        .bind(&a.unit_code)
        .bind(&a.unit_path)
        .bind(&a.valid_from)
        .bind(grant_id)
        .bind(a.event_id)
        .bind($by)
        .bind($ts)
        .fetch_one(&mut *$tx)
        .await?;
        let mut e = entry("beat.unit_assigned", "beat", a.beat_id.to_string(), &a.unit_path);
        e.after = Some(json!({ "assignment": id, "unit": a.unit_code, "from": a.valid_from,
                               "event_id": a.event_id, "grant_id": grant_id }));
        insert_audit!(&mut *$tx, $ctx, &e)?;
        id
    }};
}

/// Ends one open assignment and removes its grant, on a transaction; `Conflict` when it
/// was ended meanwhile.
macro_rules! end_in_tx {
    ($tx:expr, $a:expr, $ctx:expr) => {{
        let a: &EndAssignment = $a;
        let n = sqlx::query(
            "UPDATE beat_units SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL",
        )
        .bind(a.assignment_id)
        .bind(&a.valid_to)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict { field: "valid_to" });
        }
        if let Some(g) = a.grant_id {
            // Only the grant as given: one moved elsewhere meanwhile (a restructuring moving
            // grants to a successor) is no longer this assignment's.
            let user: Option<i64> = sqlx::query_scalar(
                "SELECT user_id FROM grants WHERE id = $1 AND unit_code = $2 AND role = $3",
            )
            .bind(g)
            .bind(&a.unit_code)
            .bind(Role::AreaPolice.as_str())
            .fetch_optional(&mut *$tx)
            .await?;
            if let Some(user) = user {
                sqlx::query("DELETE FROM grants WHERE id = $1")
                    .bind(g)
                    .execute(&mut *$tx)
                    .await?;
                let mut e = entry("user.grant_revoked", "user", user.to_string(), &a.unit_path);
                e.before = Some(json!({ "role": Role::AreaPolice.as_str(), "unit": a.unit_code,
                                        "beat_id": a.beat_id }));
                insert_audit!(&mut *$tx, $ctx, &e)?;
            }
        }
        let mut e = entry("beat.unit_ended", "beat", a.beat_id.to_string(), &a.unit_path);
        e.after = Some(json!({ "assignment": a.assignment_id, "unit": a.unit_code,
                               "to": a.valid_to }));
        insert_audit!(&mut *$tx, $ctx, &e)?;
    }};
}

mod carry;
pub use carry::{CarriedHead, EndedHead};

impl Store {
    /// Writes a new beat of `commune`. Returns its id.
    pub async fn create_beat(
        &self,
        commune: &Unit,
        b: &NewBeat,
        officer_user_id: Option<i64>,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let ts = now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO beats (province_code, commune_code, commune_path, name, \
                 officer_user_id, officer_name, officer_phone, valid_from, created_by, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(&commune.province_code)
            .bind(&commune.code)
            .bind(&commune.path)
            .bind(&b.name)
            .bind(officer_user_id)
            .bind(&b.officer_name)
            .bind(&b.officer_phone)
            .bind(b.valid_from.to_string())
            .bind(by)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await?;
            let mut e = entry("beat.create", "beat", id.to_string(), &commune.path);
            e.after = Some(json!({ "name": b.name, "officer_user_id": officer_user_id,
                                   "officer_name": b.officer_name,
                                   "from": b.valid_from.to_string() }));
            insert_audit!(&mut *tx, ctx, &e)?;
            tx.commit().await?;
            id
        }))
    }

    /// Changes a beat's name and officer. A new officer account takes over the grants of
    /// the open assignments (the old account's are removed); `msgs` tell both.
    pub async fn edit_beat(
        &self,
        cur: &BeatRecord,
        b: &NewBeat,
        officer_user_id: Option<i64>,
        msgs: &[NewMessage],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let open = self.beat_assignments(cur.id).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE beats SET name = $2, officer_user_id = $3, officer_name = $4, \
                 officer_phone = $5, updated_at = $6 WHERE id = $1 AND valid_to IS NULL",
            )
            .bind(cur.id)
            .bind(&b.name)
            .bind(officer_user_id)
            .bind(&b.officer_name)
            .bind(&b.officer_phone)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "valid_to" });
            }
            if officer_user_id != cur.officer_user_id {
                for a in open.iter().filter(|a| a.valid_to.is_none()) {
                    // The assignment itself goes on: only its grant changes hands.
                    if let Some(g) = a.grant_id {
                        sqlx::query("DELETE FROM grants WHERE id = $1").bind(g)
                            .execute(&mut *tx).await?;
                        let user = cur.officer_user_id.unwrap_or_default();
                        let mut e = entry("user.grant_revoked", "user", user.to_string(), &a.unit_path);
                        e.before = Some(json!({ "role": Role::AreaPolice.as_str(),
                                                "unit": a.unit_code, "beat_id": cur.id }));
                        insert_audit!(&mut *tx, ctx, &e)?;
                    }
                    let mut grant = None;
                    if let Some(user) = officer_user_id {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO grants (user_id, role, unit_code, created_at) \
                             VALUES ($1, $2, $3, $4) RETURNING id",
                        )
                        .bind(user).bind(Role::AreaPolice.as_str()).bind(&a.unit_code).bind(&ts)
                        .fetch_one(&mut *tx).await?;
                        let mut e = entry("user.grant_added", "user", user.to_string(), &a.unit_path);
                        e.after = Some(json!({ "role": Role::AreaPolice.as_str(),
                                               "unit": a.unit_code, "beat_id": cur.id }));
                        insert_audit!(&mut *tx, ctx, &e)?;
                        grant = Some(id);
                    }
                    sqlx::query("UPDATE beat_units SET grant_id = $2 WHERE id = $1")
                        .bind(a.id).bind(grant).execute(&mut *tx).await?;
                }
            }
            let mut e = entry("beat.edit", "beat", cur.id.to_string(), &cur.commune_path);
            e.before = Some(json!({ "name": cur.name, "officer_user_id": cur.officer_user_id,
                                    "officer_name": cur.officer_name }));
            e.after = Some(json!({ "name": b.name, "officer_user_id": officer_user_id,
                                   "officer_name": b.officer_name }));
            insert_audit!(&mut *tx, ctx, &e)?;
            insert_messages!(tx, msgs, &ts, true);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends a beat on `valid_to` with all its open assignments (their grants removed).
    pub async fn end_beat(
        &self,
        cur: &BeatRecord,
        valid_to: &str,
        ends: &[EndAssignment],
        msgs: &[NewMessage],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for a in ends {
                end_in_tx!(tx, a, ctx);
            }
            let n = sqlx::query(
                "UPDATE beats SET valid_to = $2, updated_at = $3 WHERE id = $1 AND valid_to IS NULL",
            )
            .bind(cur.id).bind(valid_to).bind(&ts)
            .execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "valid_to" });
            }
            let mut e = entry("beat.end", "beat", cur.id.to_string(), &cur.commune_path);
            e.after = Some(json!({ "to": valid_to, "assignments_ended": ends.len() }));
            insert_audit!(&mut *tx, ctx, &e)?;
            insert_messages!(tx, msgs, &ts, true);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Writes new assignments and ends others, all in one transaction, with the grants,
    /// the officers' notices and `summary` (an audit row for the whole, if given). Returns
    /// the new assignments' ids.
    pub async fn change_beat_units(
        &self,
        assign: &[NewAssignment],
        ends: &[EndAssignment],
        msgs: &[NewMessage],
        summary: Option<&AuditEntry>,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<Vec<i64>, StoreError> {
        let ts = now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for a in ends {
                end_in_tx!(tx, a, ctx);
            }
            let mut ids = Vec::with_capacity(assign.len());
            for a in assign {
                ids.push(assign_in_tx!(tx, a, by, &ts, ctx));
            }
            if let Some(e) = summary {
                insert_audit!(&mut *tx, ctx, e)?;
            }
            insert_messages!(tx, msgs, &ts, true);
            tx.commit().await?;
            ids
        }))
    }

    /// Appoints a militia head; `Conflict` on `unit_code` when the unit has one still.
    pub async fn appoint_militia_head(
        &self,
        commune: &Unit,
        unit: &Unit,
        m: &NewMilitiaHead,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let ts = now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM militia_heads WHERE unit_code = $1 AND valid_to IS NULL",
            )
            .bind(&unit.code).fetch_one(&mut *tx).await?;
            if open > 0 {
                return Err(StoreError::Conflict { field: "unit_code" });
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO militia_heads (province_code, commune_code, unit_code, unit_path, \
                 full_name, phone, resident_id, valid_from, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&commune.province_code)
            .bind(&commune.code)
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(&m.full_name)
            .bind(&m.phone)
            .bind(m.resident_id)
            .bind(m.valid_from.to_string())
            .bind(by)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await?;
            let mut e = entry("militia.appoint", "militia_head", id.to_string(), &unit.path);
            e.after = Some(json!({ "unit": unit.code, "name": m.full_name,
                                   "from": m.valid_from.to_string() }));
            insert_audit!(&mut *tx, ctx, &e)?;
            tx.commit().await?;
            id
        }))
    }

    /// Ends a militia head's service on `valid_to`.
    pub async fn end_militia_head(
        &self,
        cur: &MilitiaRecord,
        valid_to: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let mut e = entry(
            "militia.end",
            "militia_head",
            cur.id.to_string(),
            &cur.unit_path,
        );
        e.after = Some(json!({ "to": valid_to }));
        self.execute_audited(
            "UPDATE militia_heads SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL",
            &[
                crate::audit::Arg::Int(cur.id),
                crate::audit::Arg::Text(valid_to),
            ],
            true,
            ctx,
            &e,
        )
        .await
        .map(drop)
    }
}
