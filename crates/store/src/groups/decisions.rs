//! Establishment and dissolution decisions, and the uploaded documents (their scans).

use serde_json::json;
use sha2::{Digest, Sha256};
use tuquan_domain::groups::{DecisionId, DecisionKind, EndReason, NewDecision};
use tuquan_domain::GroupId;

use super::{insert_event, Event, GroupRecord};
use crate::audit::{audited_tx, AuditCtx};
use crate::{now, with_pool, Store, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecisionRecord {
    #[sqlx(try_from = "i64")]
    pub id: DecisionId,
    #[sqlx(try_from = "i64")]
    pub group_id: GroupId,
    #[sqlx(try_from = "String")]
    pub kind: DecisionKind,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
    pub signer: String,
    pub effective_on: String,
    pub document_id: Option<i64>,
    pub file_name: Option<String>,
    pub created_at: String,
    pub created_by: Option<String>,
}
/// An uploaded file whose type was checked from its first bytes.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRecord {
    pub id: i64,
    pub unit_path: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
}
/// Inserts a document on a transaction's connection; evaluates to its id.
macro_rules! insert_document {
    ($exec:expr, $ctx:expr, $province:expr, $unit_path:expr, $doc:expr) => {{
        let doc: &$crate::groups::NewDocument = $doc;
        let digest = $crate::groups::decisions::sha256_hex(&doc.bytes);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (province_code, unit_path, file_name, content_type, \
             size_bytes, sha256, content, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind($province)
        .bind($unit_path)
        .bind(&doc.file_name)
        .bind(doc.content_type)
        .bind(i64::try_from(doc.bytes.len()).unwrap_or(i64::MAX))
        .bind(&digest)
        .bind(&doc.bytes)
        .bind($crate::now())
        .bind(&$ctx.actor_username)
        .fetch_one($exec)
        .await?;
        id
    }};
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    pub async fn decisions_of(&self, group_id: GroupId) -> Result<Vec<DecisionRecord>, StoreError> {
        let rows: Vec<DecisionRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT d.id, d.group_id, d.kind, d.number, d.issued_on, d.issuer, d.signer, \
                 d.effective_on, d.document_id, doc.file_name, d.created_at, d.created_by \
                 FROM group_decisions d LEFT JOIN documents doc ON doc.id = d.document_id \
                 WHERE d.group_id = $1 ORDER BY d.id",
            )
            .bind(group_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Records an establishment decision (the group becomes active) or a dissolution
    /// decision (the group is dissolved and every current position ends on its effective
    /// date), with its scan. Refused with a conflict on `kind` when the group is not in the
    /// state the decision needs.
    pub async fn record_decision(
        &self,
        group: &GroupRecord,
        d: &NewDecision,
        scan: Option<&NewDocument>,
        ctx: &AuditCtx,
    ) -> Result<DecisionId, StoreError> {
        let (from, to) = d.kind.transition();
        let effective = d.effective_on.to_string();
        let ts = now();
        let detail = json!({
            "kind": d.kind.as_str(), "number": d.number, "issued_on": d.issued_on.to_string(),
            "issuer": d.issuer, "signer": d.signer, "effective_on": effective,
            "scan": scan.map(|s| json!({"file_name": s.file_name, "content_type": s.content_type,
                "size_bytes": s.bytes.len()})),
        });
        let (established, dissolved) = match d.kind {
            DecisionKind::Establishment => (Some(effective.clone()), None),
            DecisionKind::Dissolution => (None, Some(effective.clone())),
        };
        let province = group.province_code.clone();
        let id = audited_tx!(self, ctx, tx => {
            let changed = sqlx::query(
                "UPDATE community_groups SET status = $3, \
                 established_on = COALESCE($4, established_on), \
                 dissolved_on = COALESCE($5, dissolved_on), updated_at = $6 \
                 WHERE id = $1 AND status = $2",
            )
            .bind(group.id.get())
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(&established)
            .bind(&dissolved)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::Conflict { field: "kind" });
            }
            let document_id: Option<i64> = match scan {
                Some(doc) => Some(insert_document!(&mut *tx, ctx, &province, &group.unit_path, doc)),
                None => None,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO group_decisions (province_code, group_id, kind, number, issued_on, \
                 issuer, signer, effective_on, document_id, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(&province)
            .bind(group.id.get())
            .bind(d.kind.as_str())
            .bind(&d.number)
            .bind(d.issued_on.to_string())
            .bind(&d.issuer)
            .bind(&d.signer)
            .bind(&effective)
            .bind(document_id)
            .bind(&ts)
            .bind(&ctx.actor_username)
            .fetch_one(&mut *tx)
            .await?;
            if d.kind == DecisionKind::Dissolution {
                // Positions end with the group; a term that ended earlier keeps its own end.
                sqlx::query(
                    "UPDATE group_positions SET \
                     ended_on = CASE WHEN ends_on < $2 THEN ends_on ELSE $2 END, \
                     end_reason = CASE WHEN ends_on < $2 THEN $3 ELSE $4 END, updated_at = $5 \
                     WHERE group_id = $1 AND ended_on IS NULL",
                )
                .bind(group.id.get())
                .bind(&effective)
                .bind(EndReason::TermEnded.as_str())
                .bind(EndReason::Dissolved.as_str())
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
            let event = match d.kind {
                DecisionKind::Establishment => "established",
                DecisionKind::Dissolution => "dissolved",
            };
            let mut detail = detail.clone();
            detail["decision_id"] = json!(id);
            insert_event!(&mut *tx, ctx, &province, group.id.get(),
                &Event { event, detail: &detail })?;
            let entry = group.entry("group.decision", Some(group.audit_json()), detail);
            (DecisionId(id), entry)
        });
        Ok(id)
    }

    /// A stored document with its bytes. The caller authorizes on `unit_path`.
    pub async fn document(&self, id: i64) -> Result<DocumentRecord, StoreError> {
        let row: Option<DocumentRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, unit_path, file_name, content_type, size_bytes, sha256, content \
                 FROM documents WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        row.ok_or(StoreError::NotFound)
    }
}
