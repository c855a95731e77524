//! Restructuring schemes: the scheme, its status and override (here); its items (`items`:
//! merges, splits with their household lists, renames, the ballots it opened); what it does
//! with the groups of the units it closes (`groups`); the province's size standards and
//! freezes (`settings`); the reads (`reads`). Every change writes its audit row in the same
//! transaction.

use serde_json::json;
use tuquan_domain::restructuring::scheme::{
    ItemKind, Override, SchemeHeader, SchemeId, SchemeItemId, SchemeStatus,
};
use tuquan_domain::territory::{Unit, UnitKind};
use tuquan_domain::votes::Status as VoteStatus;

use crate::audit::{Arg, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

mod groups;
mod items;
mod reads;
mod settings;

pub use groups::{AffectedGroupRecord, SchemeGroupRecord};
pub use reads::{
    FreezeRecord, ItemUnitRecord, PartRecord, SchemeVoteRecord, StandardRecord, UnitSizeRecord,
};

/// A scheme with its commune's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SchemeRecord {
    #[sqlx(try_from = "i64")]
    pub id: SchemeId,
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
    #[sqlx(try_from = "i64")]
    pub id: SchemeItemId,
    #[sqlx(try_from = "i64")]
    pub scheme_id: SchemeId,
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

/// The audit row of a change to the scheme `s`.
fn entry(action: &'static str, s: &SchemeRecord, after: serde_json::Value) -> AuditEntry {
    AuditEntry {
        action,
        target_type: "restructuring_scheme",
        target_id: s.id.to_string(),
        unit_path: Some(s.commune_path.clone()),
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

impl Store {
    /// One update of a scheme guarded by its status (in the `WHERE`), with its audit row;
    /// `Conflict` when the scheme left that status meanwhile.
    async fn update_guarded(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        ctx: &AuditCtx,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        match self.execute_audited(sql, args, false, ctx, entry).await? {
            0 => Err(StoreError::Conflict { field: "status" }),
            _ => Ok(()),
        }
    }

    /// Writes a draft scheme of a commune. Returns its id.
    pub async fn create_scheme(
        &self,
        commune: &Unit,
        h: &SchemeHeader,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<SchemeId, StoreError> {
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
                action: "restructuring.scheme_created",
                target_type: "restructuring_scheme",
                target_id: String::new(),
                unit_path: Some(commune.path.clone()),
                before: None,
                after: Some(header_json(h)),
            },
        )
        .await
        .map(SchemeId)
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
        self.update_guarded(
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
                Arg::Int(s.id.get()),
            ],
            ctx,
            &entry("restructuring.scheme_edited", s, header_json(h)),
        )
        .await
    }

    pub async fn scheme(&self, id: SchemeId) -> Result<SchemeRecord, StoreError> {
        let sql = format!("{SCHEME_SELECT} WHERE s.id = $1");
        let r: Option<SchemeRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
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
        self.update_guarded(
            "UPDATE restructuring_schemes SET status = $1, updated_at = $2, \
                 applied_at = COALESCE($3, applied_at) WHERE id = $4 AND status = $5",
            &[
                Arg::Text(to.as_str()),
                Arg::Text(&ts),
                Arg::OptText(applied),
                Arg::Int(s.id.get()),
                Arg::Text(from.as_str()),
            ],
            ctx,
            &AuditEntry {
                before: Some(json!({"status": from.as_str()})),
                ..entry(
                    "restructuring.scheme_status",
                    s,
                    json!({"status": to.as_str()}),
                )
            },
        )
        .await
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
        self.update_guarded(
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
                Arg::Int(s.id.get()),
            ],
            ctx,
            &entry(
                "restructuring.scheme_override",
                s,
                json!({"reason": o.reason, "number": o.number, "date": date,
                           "signer": o.signer}),
            ),
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
