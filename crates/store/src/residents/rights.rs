//! A resident's rights: consent, the export of everything held, erasure.

use serde_json::{json, Value};
use tuquan_domain::people::{ConsentId, ErasureRequestId, ErasureStatus};
use tuquan_domain::territory::Unit;
use tuquan_domain::ResidentId;

use super::ResidentRecord;
use crate::audit::{audited_tx, Arg, AuditCtx};
use crate::erased::record_erased;
use crate::erased_text::redact_free_text;
use crate::{now, subtree, with_pool, Store, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRecord {
    #[sqlx(try_from = "i64")]
    pub id: ConsentId,
    #[sqlx(try_from = "i64")]
    pub resident_id: ResidentId,
    pub purpose: String,
    pub granted: bool,
    pub given_on: String,
    pub source: String,
    pub created_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ErasureRequest {
    #[sqlx(try_from = "i64")]
    pub id: ErasureRequestId,
    #[sqlx(try_from = "i64")]
    pub resident_id: ResidentId,
    pub reason: String,
    #[sqlx(try_from = "String")]
    pub status: ErasureStatus,
    pub requested_by: Option<String>,
    pub requested_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

const ERASURE_SELECT: &str = "SELECT e.id, e.resident_id, e.reason, e.status, e.requested_by, \
     e.requested_at, e.decided_by, e.decided_at FROM erasure_requests e";

/// An approved erasure reaches every other place the product shows the person (issue 11 #8):
/// the linked account's display name, the contact of feedback they sent (by account or by
/// their phone number), the name in group history and on regulations they signed as a
/// position holder. Runs in the erasure's transaction.
macro_rules! erase_elsewhere {
    ($tx:expr, $r:expr, $anonymous:expr) => {{
        let r: &ResidentRecord = $r;
        let anonymous: &str = $anonymous;
        sqlx::query("UPDATE users SET display_name = $2 WHERE resident_id = $1")
            .bind(r.id.get())
            .bind(anonymous)
            .execute($tx)
            .await?;
        sqlx::query(
            "UPDATE feedback SET contact_name = NULL, contact_phone = NULL, contact_email = NULL \
             WHERE submitter_id IN (SELECT id FROM users WHERE resident_id = $1) \
             OR (contact_phone <> '' AND contact_phone = $2)",
        )
        .bind(r.id.get())
        .bind(r.phone.as_deref().unwrap_or(""))
        .execute($tx)
        .await?;
        // Group history keeps the event and the resident id; the name becomes the pseudonym.
        let old = serde_json::to_string(&json!({ "full_name": r.full_name })).unwrap_or_default();
        let new = serde_json::to_string(&json!({ "full_name": anonymous })).unwrap_or_default();
        let strip = |s: &str| s.trim_start_matches('{').trim_end_matches('}').to_owned();
        sqlx::query(
            "UPDATE group_events SET detail_json = replace(detail_json, $1, $2) \
             WHERE detail_json LIKE $3 OR detail_json LIKE $4",
        )
        .bind(strip(&old))
        .bind(strip(&new))
        .bind(format!("%\"resident_id\":{},%", r.id))
        .bind(format!("%\"resident_id\":{}}}%", r.id))
        .execute($tx)
        .await?;
        for col in ["unit_head", "front_head"] {
            sqlx::query(&format!(
                "UPDATE regulations SET {col}_name = $2 WHERE {col}_position_id IN \
                 (SELECT id FROM group_positions WHERE resident_id = $1)"
            ))
            .bind(r.id.get())
            .bind(anonymous)
            .execute($tx)
            .await?;
        }
    }};
}

impl Store {
    pub async fn record_consent(
        &self,
        resident: &ResidentRecord,
        purpose: &str,
        granted: bool,
        given_on: &str,
        source: &str,
        ctx: &AuditCtx,
    ) -> Result<ConsentId, StoreError> {
        let entry = resident.entry(
            "resident.consent",
            None,
            json!({ "purpose": purpose, "granted": granted, "given_on": given_on, "source": source }),
        );
        self.insert_audited(
            "INSERT INTO consents (resident_id, purpose, granted, given_on, source, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                Arg::Int(resident.id.get()),
                Arg::Text(purpose),
                Arg::Bool(granted),
                Arg::Text(given_on),
                Arg::Text(source),
                Arg::Text(&now()),
            ],
            ctx,
            entry,
        )
        .await
        .map(ConsentId)
    }

    pub async fn consents_of(
        &self,
        resident_id: ResidentId,
    ) -> Result<Vec<ConsentRecord>, StoreError> {
        let rows: Vec<ConsentRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, resident_id, purpose, granted, given_on, source, created_at \
                 FROM consents WHERE resident_id = $1 ORDER BY id",
            )
            .bind(resident_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Everything the product holds about a resident, for the resident to take away.
    /// Includes the full identity number: the caller authorizes and audits the export.
    pub async fn resident_export(&self, id: ResidentId) -> Result<Value, StoreError> {
        let r = self.resident(id).await?;
        let household = self.household(r.household_id).await?;
        let consents = self.consents_of(id).await?;
        let erasures = self.erasure_requests_of(id).await?;
        let cccd = self.resident_identity(id).await?;
        Ok(json!({
            "resident": {
                "id": r.id, "full_name": r.full_name, "birth_date": r.birth_date,
                "gender": r.gender, "phone": r.phone, "residence_type": r.residence_type,
                "residence_since": r.residence_since, "cccd": cccd, "status": r.status,
                "created_at": r.created_at, "updated_at": r.updated_at,
            },
            "household": {
                "id": household.id, "unit_code": household.unit_code,
                "address": household.address, "phone": household.phone,
                "is_representative": household.representative_id == Some(id),
            },
            "consents": consents.iter().map(|c| json!({
                "purpose": c.purpose, "granted": c.granted, "given_on": c.given_on,
                "source": c.source, "recorded_at": c.created_at,
            })).collect::<Vec<_>>(),
            "erasure_requests": erasures.iter().map(|e| json!({
                "reason": e.reason, "status": e.status, "requested_at": e.requested_at,
                "decided_at": e.decided_at,
            })).collect::<Vec<_>>(),
        }))
    }

    pub async fn request_erasure(
        &self,
        resident: &ResidentRecord,
        reason: &str,
        ctx: &AuditCtx,
    ) -> Result<ErasureRequestId, StoreError> {
        let ts = now();
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO erasure_requests (resident_id, reason, requested_by, requested_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(resident.id.get())
            .bind(reason)
            .bind(&ctx.actor_username)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await?;
            let entry = resident.entry(
                "resident.erasure_requested",
                None,
                json!({ "request_id": id, "reason": reason }),
            );
            (ErasureRequestId(id), entry)
        });
        Ok(id)
    }

    pub async fn erasure_requests_of(
        &self,
        resident_id: ResidentId,
    ) -> Result<Vec<ErasureRequest>, StoreError> {
        let sql = format!("{ERASURE_SELECT} WHERE e.resident_id = $1 ORDER BY e.id");
        let rows: Vec<ErasureRequest> = with_pool!(self, p => {
            sqlx::query_as(&sql)
            .bind(resident_id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    pub async fn erasure_request(
        &self,
        id: ErasureRequestId,
    ) -> Result<ErasureRequest, StoreError> {
        let sql = format!("{ERASURE_SELECT} WHERE e.id = $1");
        let row: Option<ErasureRequest> = with_pool!(self, p => {
            sqlx::query_as(&sql)
            .bind(id.get())
            .fetch_optional(p)
            .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Pending erasure requests for residents of a unit and below, oldest first.
    pub async fn pending_erasures_in(
        &self,
        unit: &Unit,
    ) -> Result<Vec<ErasureRequest>, StoreError> {
        let (lo, hi) = subtree(&unit.path);
        let sql = format!(
            "{ERASURE_SELECT} \
             JOIN residents r ON r.id = e.resident_id JOIN units u ON u.code = r.unit_code \
             WHERE e.status = 'pending' AND (u.path = $1 OR (u.path >= $2 AND u.path < $3)) \
             ORDER BY e.id LIMIT 200"
        );
        let rows: Vec<ErasureRequest> = with_pool!(self, p => {
            sqlx::query_as(&sql)
            .bind(&unit.path)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Approves (anonymising the resident's personal fields; the record, the household's
    /// member count and the history stay) or
    /// refuses a pending erasure request.
    pub async fn decide_erasure(
        &self,
        request_id: ErasureRequestId,
        approve: bool,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let req = self.erasure_request(request_id).await?;
        if req.status != ErasureStatus::Pending {
            return Err(StoreError::Conflict { field: "status" });
        }
        let r = self.resident(req.resident_id).await?;
        let ts = now();
        let action = if approve {
            "resident.erased"
        } else {
            "resident.erasure_refused"
        };
        let mut entry = r.entry(action, None, json!({ "request_id": request_id }));
        let anonymous = format!("Đã ẩn danh #{}", r.id);
        // Keep the year of birth for age statistics; drop the day and month.
        let birth_year = format!("{}-01-01", r.birth_date.get(..4).unwrap_or("1900"));
        // What the audit log will redact on read from now on (it is never rewritten).
        let digests = self.erased_digests(&r);
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query(
                "UPDATE erasure_requests SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1",
            )
            .bind(request_id.get())
            .bind(if approve { ErasureStatus::Approved } else { ErasureStatus::Refused }.as_str())
            .bind(&ctx.actor_username)
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
            if approve {
                sqlx::query(
                    "UPDATE residents SET full_name = $2, name_folded = $3, sort_key = $4, \
                     birth_date = $5, phone = NULL, residence_since = NULL, cccd_cipher = NULL, \
                     cccd_masked = NULL, cccd_index = NULL, status = 'erased', updated_at = $6 \
                     WHERE id = $1",
                )
                .bind(r.id.get())
                .bind(&anonymous)
                .bind(tuquan_domain::text::fold(&anonymous))
                .bind(tuquan_domain::text::sort_key(&anonymous))
                .bind(&birth_year)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE households SET representative_name = $2, name_folded = $3 \
                     WHERE representative_id = $1",
                )
                .bind(r.id.get())
                .bind(&anonymous)
                .bind(tuquan_domain::text::fold(&anonymous))
                .execute(&mut *tx)
                .await?;
                erase_elsewhere!(&mut *tx, &r, &anonymous);
                let texts = redact_free_text!(&mut *tx, &r.full_name, &anonymous);
                // A meeting roll keeps a folded copy of each name for search.
                sqlx::query("UPDATE meeting_roll SET name_folded = $2 WHERE name = $1")
                    .bind(&anonymous)
                    .bind(tuquan_domain::text::fold(&anonymous))
                    .execute(&mut *tx)
                    .await?;
                entry.after = Some(json!({ "request_id": request_id, "texts_redacted": texts }));
                record_erased!(&mut *tx, r.id.get(), &digests, &ts);
                sqlx::query("UPDATE users SET resident_id = NULL WHERE resident_id = $1")
                    .bind(r.id.get())
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }
}
