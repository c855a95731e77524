//! Restructuring schemes: the scheme and its items (merges, splits with their household lists,
//! renames), the household ballots it opened, its override; the province's size standards and
//! freezes. Every change writes its audit row in the same transaction.

use serde_json::json;
use tuquan_domain::restructuring::scheme::{
    ItemKind, Merge, Override, Rename, SchemeHeader, SchemeStatus, Split, VotePurpose,
};
use tuquan_domain::restructuring::standards::{Freeze, Standard};
use tuquan_domain::territory::{Unit, UnitKind};
use tuquan_domain::votes::Status as VoteStatus;
use tuquan_domain::HouseholdId;

use crate::audit::{insert_audit, Arg, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

mod reads;

pub use reads::{
    FreezeRecord, ItemUnitRecord, PartRecord, SchemeVoteRecord, StandardRecord, UnitSizeRecord,
};

/// A scheme with its commune's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SchemeRecord {
    pub id: i64,
    pub province_code: String,
    pub commune_code: String,
    pub commune_path: String,
    pub commune_name: String,
    pub title: String,
    pub reason: String,
    pub effective_on: String,
    pub basis_number: String,
    pub basis_date: Option<String>,
    pub basis_signer: String,
    #[sqlx(try_from = "String")]
    pub status: SchemeStatus,
    pub override_reason: Option<String>,
    pub override_number: Option<String>,
    pub override_date: Option<String>,
    pub override_signer: Option<String>,
    pub override_by: Option<String>,
    pub applied_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl SchemeRecord {
    pub fn overridden(&self) -> bool {
        self.override_number.is_some()
    }
}

/// One item of a scheme.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRecord {
    pub id: i64,
    pub scheme_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ItemKind,
    pub unit_code: Option<String>,
    pub into_code: Option<String>,
    pub new_name: String,
    pub new_kind: String,
    pub new_local_code: String,
    pub adjacent: bool,
    pub candidate_names: String,
}

impl ItemRecord {
    pub fn candidates(&self) -> Vec<String> {
        self.candidate_names
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

const SCHEME_SELECT: &str = "SELECT s.id, s.province_code, s.commune_code, s.commune_path, \
     u.name AS commune_name, s.title, s.reason, s.effective_on, s.basis_number, s.basis_date, \
     s.basis_signer, s.status, s.override_reason, s.override_number, s.override_date, \
     s.override_signer, s.override_by, s.applied_at, s.created_by, s.created_at, s.updated_at \
     FROM restructuring_schemes s JOIN units u ON u.code = s.commune_code";

fn entry(action: &'static str, id: i64, path: &str, after: serde_json::Value) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "restructuring_scheme",
        target_id: id.to_string(),
        unit_path: Some(path.to_owned()),
        before: None,
        after: Some(after),
    }
}

fn header_json(h: &SchemeHeader) -> serde_json::Value {
    json!({
        "title": h.title, "reason": h.reason, "effective_on": h.effective_on.to_string(),
        "basis_number": h.basis_number, "basis_date": h.basis_date.map(|d| d.to_string()),
        "basis_signer": h.basis_signer,
    })
}

/// A change refused because the scheme left the status it needs meanwhile.
fn raced(n: u64) -> Result<(), StoreError> {
    if n == 0 {
        Err(StoreError::Conflict { field: "status" })
    } else {
        Ok(())
    }
}

impl Store {
    /// Writes a draft scheme of a commune. Returns its id.
    pub async fn create_scheme(
        &self,
        commune: &Unit,
        h: &SchemeHeader,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let ts = now();
        let basis_date = h.basis_date.map(|d| d.to_string());
        let effective = h.effective_on.to_string();
        self.insert_audited(
            "INSERT INTO restructuring_schemes (province_code, commune_code, commune_path, \
             title, reason, effective_on, basis_number, basis_date, basis_signer, status, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11) RETURNING id",
            &[
                Arg::Text(&commune.province_code),
                Arg::Text(&commune.code),
                Arg::Text(&commune.path),
                Arg::Text(&h.title),
                Arg::Text(&h.reason),
                Arg::Text(&effective),
                Arg::Text(&h.basis_number),
                Arg::OptText(basis_date.as_deref()),
                Arg::Text(&h.basis_signer),
                Arg::Text(by),
                Arg::Text(&ts),
            ],
            ctx,
            AuditEntry {
                target_id: String::new(),
                ..entry(
                    "restructuring.scheme_created",
                    0,
                    &commune.path,
                    header_json(h),
                )
            },
        )
        .await
    }

    /// Replaces a draft's header; `Conflict` when it is no longer a draft.
    pub async fn update_scheme(
        &self,
        s: &SchemeRecord,
        h: &SchemeHeader,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let basis_date = h.basis_date.map(|d| d.to_string());
        let effective = h.effective_on.to_string();
        let n = self
            .execute_audited(
                "UPDATE restructuring_schemes SET title = $1, reason = $2, effective_on = $3, \
                 basis_number = $4, basis_date = $5, basis_signer = $6, updated_at = $7 \
                 WHERE id = $8 AND status = 'draft'",
                &[
                    Arg::Text(&h.title),
                    Arg::Text(&h.reason),
                    Arg::Text(&effective),
                    Arg::Text(&h.basis_number),
                    Arg::OptText(basis_date.as_deref()),
                    Arg::Text(&h.basis_signer),
                    Arg::Text(&ts),
                    Arg::Int(s.id),
                ],
                false,
                ctx,
                &entry(
                    "restructuring.scheme_edited",
                    s.id,
                    &s.commune_path,
                    header_json(h),
                ),
            )
            .await?;
        raced(n)
    }

    pub async fn scheme(&self, id: i64) -> Result<SchemeRecord, StoreError> {
        let sql = format!("{SCHEME_SELECT} WHERE s.id = $1");
        let r: Option<SchemeRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
        });
        r.ok_or(StoreError::NotFound)
    }

    /// A commune's schemes, newest first.
    pub async fn schemes_of(&self, commune_code: &str) -> Result<Vec<SchemeRecord>, StoreError> {
        let sql = format!("{SCHEME_SELECT} WHERE s.commune_code = $1 ORDER BY s.id DESC");
        Ok(with_pool!(self, p => {
            sqlx::query_as(&sql).bind(commune_code).fetch_all(p).await?
        }))
    }

    /// Moves a scheme from one status to another; `Conflict` if it moved meanwhile.
    pub async fn set_scheme_status(
        &self,
        s: &SchemeRecord,
        from: SchemeStatus,
        to: SchemeStatus,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let applied = (to == SchemeStatus::Applied).then_some(ts.as_str());
        let n = self
            .execute_audited(
                "UPDATE restructuring_schemes SET status = $1, updated_at = $2, \
                 applied_at = COALESCE($3, applied_at) WHERE id = $4 AND status = $5",
                &[
                    Arg::Text(to.as_str()),
                    Arg::Text(&ts),
                    Arg::OptText(applied),
                    Arg::Int(s.id),
                    Arg::Text(from.as_str()),
                ],
                false,
                ctx,
                &AuditEntry {
                    before: Some(json!({"status": from.as_str()})),
                    ..entry(
                        "restructuring.scheme_status",
                        s.id,
                        &s.commune_path,
                        json!({"status": to.as_str()}),
                    )
                },
            )
            .await?;
        raced(n)
    }

    /// Records the override of the consent with its approving decision.
    pub async fn record_scheme_override(
        &self,
        s: &SchemeRecord,
        o: &Override,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let date = o.date.to_string();
        let n = self
            .execute_audited(
                "UPDATE restructuring_schemes SET override_reason = $1, override_number = $2, \
                 override_date = $3, override_signer = $4, override_by = $5, updated_at = $6 \
                 WHERE id = $7 AND status IN ('consulting', 'approved')",
                &[
                    Arg::Text(&o.reason),
                    Arg::Text(&o.number),
                    Arg::Text(&date),
                    Arg::Text(&o.signer),
                    Arg::Text(by),
                    Arg::Text(&ts),
                    Arg::Int(s.id),
                ],
                false,
                ctx,
                &entry(
                    "restructuring.scheme_override",
                    s.id,
                    &s.commune_path,
                    json!({"reason": o.reason, "number": o.number, "date": date,
                           "signer": o.signer}),
                ),
            )
            .await?;
        raced(n)
    }

    /// Adds a merge to a draft. Returns the item's id.
    pub async fn add_scheme_merge(
        &self,
        s: &SchemeRecord,
        m: &Merge,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let (into, name, kind, local) = match &m.into {
            Ok(u) => (Some(u.as_str().to_owned()), "", "", ""),
            Err(n) => (
                None,
                n.name.as_str(),
                n.kind.as_str(),
                n.local_code.as_str(),
            ),
        };
        let units: Vec<&str> = m.units.iter().map(|u| u.as_str()).collect();
        let after = json!({"kind": "merge", "units": units, "into": into, "name": name,
                           "unit_kind": kind, "local_code": local, "candidates": m.candidates});
        let id = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO restructuring_scheme_items (scheme_id, kind, into_code, new_name, \
                 new_kind, new_local_code, adjacent, candidate_names) \
                 SELECT $1, 'merge', $2, $3, $4, $5, $6, $7 FROM restructuring_schemes \
                 WHERE id = $1 AND status = 'draft' RETURNING id",
            )
            .bind(s.id)
            .bind(&into)
            .bind(name)
            .bind(kind)
            .bind(local)
            .bind(true)
            .bind(m.candidates.join("\n"))
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict { field: "status" })?;
            for u in &units {
                sqlx::query("INSERT INTO restructuring_item_units (item_id, unit_code) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*u)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_audit!(&mut *tx, ctx, &entry("restructuring.item_added", s.id, &s.commune_path, after))?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Adds a split (its parts; the household lists come after). Returns the item's id.
    pub async fn add_scheme_split(
        &self,
        s: &SchemeRecord,
        sp: &Split,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let parts: Vec<_> = sp
            .parts
            .iter()
            .map(|p| json!({"name": p.name, "kind": p.kind.as_str(), "local_code": p.local_code.as_str()}))
            .collect();
        let after = json!({"kind": "split", "unit": sp.unit.as_str(), "parts": parts});
        let id = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO restructuring_scheme_items (scheme_id, kind, unit_code) \
                 SELECT $1, 'split', $2 FROM restructuring_schemes \
                 WHERE id = $1 AND status = 'draft' RETURNING id",
            )
            .bind(s.id)
            .bind(sp.unit.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict { field: "status" })?;
            for (n, part) in sp.parts.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO restructuring_split_parts (item_id, part_no, name, kind, local_code) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(n as i64 + 1)
                .bind(&part.name)
                .bind(part.kind.as_str())
                .bind(part.local_code.as_str())
                .execute(&mut *tx)
                .await?;
            }
            insert_audit!(&mut *tx, ctx, &entry("restructuring.item_added", s.id, &s.commune_path, after))?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Adds a rename. Returns the item's id.
    pub async fn add_scheme_rename(
        &self,
        s: &SchemeRecord,
        r: &Rename,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let after = json!({"kind": "rename", "unit": r.unit.as_str(), "name": r.name,
                           "unit_kind": r.kind.as_str()});
        let id = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO restructuring_scheme_items (scheme_id, kind, unit_code, new_name, new_kind) \
                 SELECT $1, 'rename', $2, $3, $4 FROM restructuring_schemes \
                 WHERE id = $1 AND status = 'draft' RETURNING id",
            )
            .bind(s.id)
            .bind(r.unit.as_str())
            .bind(&r.name)
            .bind(r.kind.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict { field: "status" })?;
            insert_audit!(&mut *tx, ctx, &entry("restructuring.item_added", s.id, &s.commune_path, after))?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Removes an item of a draft with its units, parts and lists.
    pub async fn remove_scheme_item(
        &self,
        s: &SchemeRecord,
        item_id: i64,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let draft: Option<i64> = sqlx::query_scalar(
                "SELECT i.id FROM restructuring_scheme_items i JOIN restructuring_schemes s \
                 ON s.id = i.scheme_id WHERE i.id = $1 AND s.id = $2 AND s.status = 'draft'",
            )
            .bind(item_id)
            .bind(s.id)
            .fetch_optional(&mut *tx)
            .await?;
            if draft.is_none() {
                return Err(StoreError::NotFound);
            }
            for sql in [
                "DELETE FROM restructuring_split_households WHERE item_id = $1",
                "DELETE FROM restructuring_split_parts WHERE item_id = $1",
                "DELETE FROM restructuring_item_units WHERE item_id = $1",
                "DELETE FROM restructuring_scheme_items WHERE id = $1",
            ] {
                sqlx::query(sql).bind(item_id).execute(&mut *tx).await?;
            }
            insert_audit!(&mut *tx, ctx, &entry("restructuring.item_removed", s.id, &s.commune_path, json!({"item": item_id})))?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Puts households of a split unit into a part (`None`: takes them off every list) while
    /// the scheme is a draft.
    pub async fn assign_split_households(
        &self,
        s: &SchemeRecord,
        item_id: i64,
        part_id: Option<i64>,
        households: &[HouseholdId],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ids: Vec<i64> = households.iter().map(|h| h.get()).collect();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let draft: Option<i64> = sqlx::query_scalar(
                "SELECT i.id FROM restructuring_scheme_items i JOIN restructuring_schemes s \
                 ON s.id = i.scheme_id WHERE i.id = $1 AND s.id = $2 AND i.kind = 'split' \
                 AND s.status = 'draft'",
            )
            .bind(item_id)
            .bind(s.id)
            .fetch_optional(&mut *tx)
            .await?;
            if draft.is_none() {
                return Err(StoreError::Conflict { field: "status" });
            }
            for h in &ids {
                sqlx::query("DELETE FROM restructuring_split_households WHERE item_id = $1 AND household_id = $2")
                    .bind(item_id)
                    .bind(*h)
                    .execute(&mut *tx)
                    .await?;
                if let Some(part) = part_id {
                    sqlx::query(
                        "INSERT INTO restructuring_split_households (item_id, household_id, part_id) \
                         SELECT $1, $2, id FROM restructuring_split_parts WHERE id = $3 AND item_id = $1",
                    )
                    .bind(item_id)
                    .bind(*h)
                    .bind(part)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            insert_audit!(&mut *tx, ctx, &entry("restructuring.split_listed", s.id, &s.commune_path,
                json!({"item": item_id, "part": part_id, "households": ids})))?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Links a household ballot the scheme opened.
    pub async fn link_scheme_vote(
        &self,
        s: &SchemeRecord,
        vote_id: i64,
        unit_code: &str,
        purpose: VotePurpose,
        candidate: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        self.execute_audited(
            "INSERT INTO restructuring_scheme_votes (vote_id, scheme_id, unit_code, purpose, \
             candidate_name) VALUES ($1, $2, $3, $4, $5)",
            &[
                Arg::Int(vote_id),
                Arg::Int(s.id),
                Arg::Text(unit_code),
                Arg::Text(purpose.as_str()),
                Arg::Text(candidate),
            ],
            true,
            ctx,
            &entry(
                "restructuring.ballot_linked",
                s.id,
                &s.commune_path,
                json!({"vote": vote_id, "unit": unit_code, "purpose": purpose.as_str(),
                       "candidate": candidate}),
            ),
        )
        .await
        .map(drop)
    }

    /// Sets a province's minimum for a kind from a date (replacing a setting of that day).
    pub async fn set_restructuring_standard(
        &self,
        province: &Unit,
        st: &Standard,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let from = st.effective_from.to_string();
        let ts = now();
        self.execute_audited(
            "INSERT INTO restructuring_standards (province_code, kind, min_households, \
             effective_from, basis, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (province_code, kind, effective_from) DO UPDATE SET \
             min_households = excluded.min_households, basis = excluded.basis, \
             created_by = excluded.created_by, created_at = excluded.created_at",
            &[
                Arg::Text(&province.code),
                Arg::Text(st.kind.as_str()),
                Arg::Int(i64::from(st.min_households)),
                Arg::Text(&from),
                Arg::Text(&st.basis),
                Arg::OptText(ctx.actor_username.as_deref()),
                Arg::Text(&ts),
            ],
            true,
            ctx,
            &AuditEntry {
                action: "restructuring.standard_set",
                target_type: "province",
                target_id: province.code.clone(),
                unit_path: Some(province.path.clone()),
                before: None,
                after: Some(
                    json!({"kind": st.kind.as_str(), "min_households": st.min_households,
                                   "effective_from": from, "basis": st.basis}),
                ),
            },
        )
        .await
        .map(drop)
    }

    /// Records a freeze (national when `f.province` is `None`). Returns its id.
    pub async fn add_restructuring_freeze(
        &self,
        f: &Freeze,
        audit_path: &str,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let starts = f.starts_on.to_string();
        let ends = f.ends_on.map(|d| d.to_string());
        let ts = now();
        let province = f.province.clone().unwrap_or_default();
        self.insert_audited(
            "INSERT INTO restructuring_freezes (province_code, starts_on, ends_on, basis, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                Arg::Text(&province),
                Arg::Text(&starts),
                Arg::OptText(ends.as_deref()),
                Arg::Text(&f.basis),
                Arg::OptText(ctx.actor_username.as_deref()),
                Arg::Text(&ts),
            ],
            ctx,
            AuditEntry {
                action: "restructuring.freeze_added",
                target_type: "restructuring_freeze",
                target_id: String::new(),
                unit_path: Some(audit_path.to_owned()),
                before: None,
                after: Some(
                    json!({"province": province, "starts_on": starts, "ends_on": ends,
                                   "basis": f.basis}),
                ),
            },
        )
        .await
    }
}

/// The kind of a stored unit kind code, for records read as text.
pub fn kind_of(s: &str) -> Option<UnitKind> {
    UnitKind::parse(s)
}

/// Whether a vote has been counted.
pub fn vote_closed(status: VoteStatus) -> bool {
    status != VoteStatus::Open
}
