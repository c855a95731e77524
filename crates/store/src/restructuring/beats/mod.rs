//! Police and militia beats (docs/beats.md): beats, their assignments of whole units with
//! validity dates, militia heads. An assignment to a beat whose officer has an account gives
//! that account an area police grant on the unit, in the same transaction, and ending it
//! removes the grant; each change writes its audit rows and the officer's notice (outbox) in
//! that transaction. Nothing is deleted but the grant: ending sets `valid_to`.

use std::collections::BTreeSet;

use serde_json::json;
use tuquan_domain::access::Role;
use tuquan_domain::restructuring::beats::{
    AlignUnit, BeatAssignmentId, BeatId, Cover, MilitiaHeadId, NewBeat, NewMilitiaHead,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::{ResidentId, UserId};

use crate::audit::{insert_audit, Arg, AuditCtx, AuditEntry};
use crate::outbox::{insert_messages, NewMessage};
use crate::BeginWrite;
use crate::{now, subtree, with_pool, Store, StoreError};

#[macro_use]
mod tx;
mod reads;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BeatRecord {
    #[sqlx(try_from = "i64")]
    pub id: BeatId,
    pub province_code: String,
    pub commune_code: String,
    pub commune_path: String,
    pub name: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub officer_user_id: Option<UserId>,
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
    #[sqlx(try_from = "i64")]
    pub id: BeatAssignmentId,
    #[sqlx(try_from = "i64")]
    pub beat_id: BeatId,
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

    /// Its end on `valid_to`, as [`Store::change_beats`] writes it.
    pub fn end_on(&self, valid_to: String) -> EndAssignment {
        EndAssignment {
            assignment_id: self.id,
            beat_id: self.beat_id,
            unit_code: self.unit_code.clone(),
            unit_path: self.unit_path.clone(),
            valid_to,
            grant_id: self.grant_id,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MilitiaRecord {
    #[sqlx(try_from = "i64")]
    pub id: MilitiaHeadId,
    pub commune_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
    pub full_name: String,
    pub phone: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub resident_id: Option<ResidentId>,
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
    pub beat_id: BeatId,
    pub unit_code: String,
    pub unit_path: String,
    pub valid_from: String,
    pub event_id: Option<i64>,
    /// The officer's account to grant (the beat's), if any.
    pub officer_user_id: Option<UserId>,
}

/// An open assignment to end.
#[derive(Debug, Clone)]
pub struct EndAssignment {
    pub assignment_id: BeatAssignmentId,
    pub beat_id: BeatId,
    pub unit_code: String,
    pub unit_path: String,
    pub valid_to: String,
    pub grant_id: Option<i64>,
}

/// A militia head who continues in a successor: the person of `from_head`, from `valid_from`.
#[derive(Debug, Clone)]
pub struct CarriedHead {
    pub from_head: MilitiaHeadId,
    pub unit_code: String,
    pub unit_path: String,
    pub valid_from: String,
    pub event_id: i64,
}

/// A militia head of a closed unit whose service there ends on `valid_to`.
#[derive(Debug, Clone)]
pub struct EndedHead {
    pub head_id: MilitiaHeadId,
    pub unit_path: String,
    pub valid_to: String,
    pub event_id: i64,
}

/// What one write changes in a commune's beats, all or nothing: assignments ended and made
/// (the officers' grants follow), militia heads carried to successors and ended, and the
/// officers' notices.
#[derive(Debug, Clone, Default)]
pub struct BeatChanges {
    pub ends: Vec<EndAssignment>,
    pub assign: Vec<NewAssignment>,
    pub heads: Vec<CarriedHead>,
    pub head_ends: Vec<EndedHead>,
    pub msgs: Vec<NewMessage>,
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

impl Store {
    /// Writes a new beat of `commune`. Returns its id.
    pub async fn create_beat(
        &self,
        commune: &Unit,
        b: &NewBeat,
        officer_user_id: Option<UserId>,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<BeatId, StoreError> {
        let ts = now();
        let from = b.valid_from.to_string();
        let mut e = entry("beat.create", "beat", String::new(), &commune.path);
        e.after = Some(json!({ "name": b.name, "officer_user_id": officer_user_id,
                               "officer_name": b.officer_name, "from": from }));
        let id = self
            .insert_audited(
                "INSERT INTO beats (province_code, commune_code, commune_path, name, \
                 officer_user_id, officer_name, officer_phone, valid_from, created_by, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                &[
                    Arg::Text(&commune.province_code),
                    Arg::Text(&commune.code),
                    Arg::Text(&commune.path),
                    Arg::Text(&b.name),
                    Arg::OptInt(officer_user_id.map(UserId::get)),
                    Arg::Text(&b.officer_name),
                    Arg::Text(&b.officer_phone),
                    Arg::Text(&from),
                    Arg::Text(by),
                    Arg::Text(&ts),
                ],
                ctx,
                e,
            )
            .await?;
        Ok(BeatId(id))
    }

    /// Changes a beat's name and officer. A new officer account takes over the grants of
    /// the open assignments (the old account's are removed); `msgs` tell both.
    pub async fn edit_beat(
        &self,
        cur: &BeatRecord,
        b: &NewBeat,
        officer_user_id: Option<UserId>,
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
            .bind(cur.id.get())
            .bind(&b.name)
            .bind(officer_user_id.map(UserId::get))
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
                        revoke_in_tx!(tx, g, a, ctx);
                    }
                    let grant = match officer_user_id {
                        Some(user) => Some(grant_in_tx!(tx, user, a, &ts, ctx)),
                        None => None,
                    };
                    sqlx::query("UPDATE beat_units SET grant_id = $2 WHERE id = $1")
                        .bind(a.id.get()).bind(grant).execute(&mut *tx).await?;
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

    /// Ends a beat on `valid_to` with `c` (the end of all its open assignments, their grants
    /// removed, and the officer's notice).
    pub async fn end_beat(
        &self,
        cur: &BeatRecord,
        valid_to: &str,
        c: &BeatChanges,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            changes_in_tx!(tx, c, by, &ts, ctx);
            let n = sqlx::query(
                "UPDATE beats SET valid_to = $2, updated_at = $3 WHERE id = $1 AND valid_to IS NULL",
            )
            .bind(cur.id.get()).bind(valid_to).bind(&ts)
            .execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                return Err(StoreError::Conflict { field: "valid_to" });
            }
            let mut e = entry("beat.end", "beat", cur.id.to_string(), &cur.commune_path);
            e.after = Some(json!({ "to": valid_to, "assignments_ended": c.ends.len() }));
            insert_audit!(&mut *tx, ctx, &e)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Writes `c` in one transaction, with `summary` (an audit row for the whole, if
    /// given). A record ended meanwhile, or a unit that got a militia head meanwhile, is a
    /// `Conflict` and nothing is written. Returns the new assignments' ids.
    pub async fn change_beats(
        &self,
        c: &BeatChanges,
        summary: Option<&AuditEntry>,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<Vec<BeatAssignmentId>, StoreError> {
        let ts = now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let ids = changes_in_tx!(tx, c, by, &ts, ctx);
            if let Some(e) = summary {
                insert_audit!(&mut *tx, ctx, e)?;
            }
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
    ) -> Result<MilitiaHeadId, StoreError> {
        let ts = now();
        let from = m.valid_from.to_string();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let q = sqlx::query_scalar(
                "INSERT INTO militia_heads (province_code, commune_code, unit_code, unit_path, \
                 full_name, phone, resident_id, valid_from, created_by, created_at) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE NOT EXISTS \
                 (SELECT 1 FROM militia_heads o WHERE o.unit_code = $3 AND o.valid_to IS NULL) \
                 RETURNING id",
            )
            .bind(&commune.province_code)
            .bind(&commune.code)
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(&m.full_name)
            .bind(&m.phone)
            .bind(m.resident_id.map(ResidentId::get))
            .bind(&from)
            .bind(by)
            .bind(&ts);
            let after = json!({ "unit": unit.code, "name": m.full_name, "from": from });
            let id = open_head_in_tx!(tx, q, &unit.path, after, ctx);
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
            &[Arg::Int(cur.id.get()), Arg::Text(valid_to)],
            true,
            ctx,
            &e,
        )
        .await
        .map(drop)
    }
}
