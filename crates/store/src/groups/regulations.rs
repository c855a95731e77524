//! Coordination regulations (quy chế phối hợp): versions, yearly reviews, and which units'
//! regulations are due for review.

use serde_json::json;
use tuquan_domain::groups::{NewRegulation, NewReview, PositionId, RegulationId};
use tuquan_domain::territory::Unit;

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::subtree;
use crate::{now, with_pool, Store, StoreError};

/// One signed version; every re-signing is a new version, old ones are kept.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegulationRecord {
    #[sqlx(try_from = "i64")]
    pub id: RegulationId,
    pub unit_code: String,
    pub version: i64,
    pub signed_on: String,
    pub unit_head_name: String,
    pub front_head_name: String,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub unit_head_position_id: Option<PositionId>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub front_head_position_id: Option<PositionId>,
    pub note: Option<String>,
    pub document_id: Option<i64>,
    pub file_name: Option<String>,
    pub created_at: String,
    pub created_by: Option<String>,
    /// Set by a restructuring that changed the unit (migration 0019): this version must be
    /// signed again; a newer version is the re-signing.
    pub needs_resign_since: Option<String>,
    /// The decision of that restructuring.
    pub resign_basis_number: Option<String>,
}

/// A unit whose latest regulation must be signed again after a restructuring.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResignRecord {
    pub unit_code: String,
    pub unit_name: String,
    pub version: i64,
    pub since: String,
    pub basis_number: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub regulation_id: RegulationId,
    pub reviewed_on: String,
    pub note: Option<String>,
    pub created_at: String,
    pub created_by: Option<String>,
}

/// A unit's regulation at a glance: its latest version and when it was last signed or
/// reviewed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegulationStatus {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub version: i64,
    pub last_signed: String,
    pub last_reviewed: Option<String>,
}

impl RegulationStatus {
    /// The later of the last signing and the last review (`YYYY-MM-DD`).
    pub fn last_checked(&self) -> &str {
        match &self.last_reviewed {
            Some(r) if r.as_str() > self.last_signed.as_str() => r,
            _ => &self.last_signed,
        }
    }
}

/// The audit entry of a regulation's signing or review, filed under its unit.
fn unit_entry(unit: &Unit, action: &'static str, after: serde_json::Value) -> AuditEntry {
    AuditEntry::about(action, ("unit", unit.code.clone()), &unit.path, None, after)
}

impl Store {
    /// A unit's versions, newest first.
    pub async fn regulations_of(
        &self,
        unit_code: &str,
    ) -> Result<Vec<RegulationRecord>, StoreError> {
        let rows: Vec<RegulationRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.id, r.unit_code, r.version, r.signed_on, r.unit_head_name, \
                 r.front_head_name, r.unit_head_position_id, r.front_head_position_id, r.note, \
                 r.document_id, d.file_name, r.created_at, r.created_by, r.needs_resign_since, \
                 e.basis_number AS resign_basis_number FROM regulations r \
                 LEFT JOIN documents d ON d.id = r.document_id \
                 LEFT JOIN unit_events e ON e.id = r.needs_resign_event_id \
                 WHERE r.unit_code = $1 ORDER BY r.version DESC",
            )
            .bind(unit_code)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// A unit's reviews, newest first.
    pub async fn regulation_reviews_of(
        &self,
        unit_code: &str,
    ) -> Result<Vec<ReviewRecord>, StoreError> {
        let rows: Vec<ReviewRecord> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, regulation_id, reviewed_on, note, created_at, created_by \
                 FROM regulation_reviews WHERE unit_code = $1 ORDER BY reviewed_on DESC, id DESC",
            )
            .bind(unit_code)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Records a signing as the unit's next version. `positions` are the position ids of the
    /// two parties when they are the current holders. Returns the new id and version.
    /// No scan is taken (the forms and the API have none; issue 11 #20): `document_id` stays
    /// empty until a scan upload is designed.
    pub async fn record_regulation(
        &self,
        unit: &Unit,
        r: &NewRegulation,
        positions: (Option<PositionId>, Option<PositionId>),
        ctx: &AuditCtx,
    ) -> Result<(RegulationId, i64), StoreError> {
        let ts = now();
        let (id, version) = audited_tx!(self, ctx, tx => {
            let last: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM regulations WHERE unit_code = $1",
            )
            .bind(&unit.code)
            .fetch_one(&mut *tx)
            .await?;
            let version = last.unwrap_or(0) + 1;
            // Signing again after a restructuring: the new version clears the mark, and the
            // audit row says which mark it answers.
            let mark: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
                "SELECT needs_resign_since, needs_resign_event_id FROM regulations \
                 WHERE unit_code = $1 AND version = $2",
            )
            .bind(&unit.code)
            .bind(version - 1)
            .fetch_optional(&mut *tx)
            .await?;
            let resigns = mark.and_then(|(since, event)| {
                since.map(|s| json!({ "version": version - 1, "since": s, "event_id": event }))
            });
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO regulations (province_code, unit_code, unit_path, version, \
                 signed_on, unit_head_name, front_head_name, unit_head_position_id, \
                 front_head_position_id, note, document_id, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(&unit.province_code)
            .bind(&unit.code)
            .bind(&unit.path)
            .bind(version)
            .bind(r.signed_on.to_string())
            .bind(&r.unit_head_name)
            .bind(&r.front_head_name)
            .bind(positions.0.map(PositionId::get))
            .bind(positions.1.map(PositionId::get))
            .bind(&r.note)
            .bind(None::<i64>)
            .bind(&ts)
            .bind(&ctx.actor_username)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::conflict_on("version"))?;
            let entry = unit_entry(unit, "regulation.sign", json!({
                "regulation_id": id, "version": version,
                "signed_on": r.signed_on.to_string(), "unit_head_name": r.unit_head_name,
                "front_head_name": r.front_head_name, "note": r.note,
                "resigns": resigns,
            }));
            ((RegulationId(id), version), entry)
        });
        Ok((id, version))
    }

    /// Records a yearly review of the latest version that kept it unchanged.
    pub async fn record_regulation_review(
        &self,
        unit: &Unit,
        latest: &RegulationRecord,
        r: &NewReview,
        ctx: &AuditCtx,
    ) -> Result<i64, StoreError> {
        let ts = now();
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO regulation_reviews (province_code, unit_code, regulation_id, \
                 reviewed_on, note, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&unit.province_code)
            .bind(&unit.code)
            .bind(latest.id.get())
            .bind(r.reviewed_on.to_string())
            .bind(&r.note)
            .bind(&ts)
            .bind(&ctx.actor_username)
            .fetch_one(&mut *tx)
            .await?;
            let entry = unit_entry(unit, "regulation.review", json!({
                "review_id": id, "version": latest.version,
                "reviewed_on": r.reviewed_on.to_string(), "note": r.note,
            }));
            (id, entry)
        });
        Ok(id)
    }

    /// The regulation of every unit in `unit`'s subtree that has one, in name order.
    pub async fn regulation_status_in(
        &self,
        unit: &Unit,
    ) -> Result<Vec<RegulationStatus>, StoreError> {
        let (lo, hi) = subtree(&unit.path);
        let rows: Vec<RegulationStatus> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.unit_code, u.name AS unit_name, u.path AS unit_path, \
                 MAX(r.version) AS version, MAX(r.signed_on) AS last_signed, \
                 (SELECT MAX(v.reviewed_on) FROM regulation_reviews v \
                  WHERE v.unit_code = r.unit_code) AS last_reviewed \
                 FROM regulations r JOIN units u ON u.code = r.unit_code \
                 WHERE r.unit_path = $1 OR (r.unit_path >= $2 AND r.unit_path < $3) \
                 GROUP BY r.unit_code, u.name, u.path, u.sort_key \
                 ORDER BY u.sort_key, r.unit_code LIMIT 2000",
            )
            .bind(&unit.path)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// The units of `unit`'s subtree (still open) whose latest regulation must be signed
    /// again after a restructuring, in name order.
    pub async fn regulations_to_resign_in(
        &self,
        unit: &Unit,
    ) -> Result<Vec<ResignRecord>, StoreError> {
        let (lo, hi) = subtree(&unit.path);
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.unit_code, u.name AS unit_name, r.version, r.needs_resign_since AS since, \
                 e.basis_number FROM regulations r JOIN units u ON u.code = r.unit_code \
                 LEFT JOIN unit_events e ON e.id = r.needs_resign_event_id \
                 WHERE (r.unit_path = $1 OR (r.unit_path >= $2 AND r.unit_path < $3)) \
                 AND r.needs_resign_since IS NOT NULL AND u.valid_to IS NULL \
                 AND r.version = (SELECT MAX(x.version) FROM regulations x WHERE x.unit_code = r.unit_code) \
                 ORDER BY u.sort_key, r.unit_code LIMIT 2000",
            )
            .bind(&unit.path)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(p)
            .await?
        }))
    }
}
