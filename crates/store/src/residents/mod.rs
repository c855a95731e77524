//! Residents: the people of a household (consent, export and erasure in `rights`).

use serde_json::{json, Value};
use tuquan_domain::people::{cccd::mask, NewResident, ResidentStatus};
use tuquan_domain::territory::Unit;
use tuquan_domain::{HouseholdId, ResidentId};

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::households::HouseholdRecord;
use crate::{now, with_pool, Store, StoreError};

mod rights;

pub use rights::{ConsentRecord, ErasureRequest};

/// A resident as read back; the identity number only masked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResidentRecord {
    #[sqlx(try_from = "i64")]
    pub id: ResidentId,
    #[sqlx(try_from = "i64")]
    pub household_id: HouseholdId,
    pub unit_code: String,
    pub unit_path: String,
    pub full_name: String,
    pub birth_date: String,
    pub gender: String,
    pub phone: Option<String>,
    pub residence_type: String,
    pub residence_since: Option<String>,
    pub cccd_masked: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ResidentStatus,
    pub created_at: String,
    pub updated_at: String,
    #[sqlx(default)]
    sort_key: Vec<u8>,
}

impl ResidentRecord {
    /// The fields an audit row records (never the full identity number).
    pub fn audit_json(&self) -> Value {
        json!({
            "household_id": self.household_id, "full_name": self.full_name,
            "birth_date": self.birth_date, "gender": self.gender, "phone": self.phone,
            "residence_type": self.residence_type, "residence_since": self.residence_since,
            "cccd": self.cccd_masked, "status": self.status,
        })
    }

    /// The keyset position of this row in a name-ordered list.
    pub fn cursor(&self) -> (Vec<u8>, i64) {
        (self.sort_key.clone(), self.id.get())
    }

    /// The audit entry of a change to this resident, filed under their unit.
    pub(crate) fn entry(
        &self,
        action: &'static str,
        before: Option<Value>,
        after: Value,
    ) -> AuditEntry {
        let target = ("resident", self.id.to_string());
        AuditEntry::about(action, target, &self.unit_path, before, after)
    }
}

/// A resident's identity number as stored: ciphertext, masked form, keyed hash.
#[derive(Debug, Clone, Default)]
pub struct SealedCccd {
    pub cipher: Option<String>,
    pub masked: Option<String>,
    pub index: Option<String>,
}

/// Binds a resident's own fields in their column order (`full_name` … `cccd_index`) after
/// the ones already bound: the same list serves the insert and the update.
macro_rules! bind_resident_fields {
    ($query:expr, $r:expr, $sealed:expr) => {{
        let r: &tuquan_domain::people::NewResident = $r;
        let sealed: &$crate::residents::SealedCccd = $sealed;
        $query
            .bind(&r.full_name)
            .bind(&r.name_folded)
            .bind(&r.sort_key)
            .bind(r.birth_date.to_string())
            .bind(r.gender.as_str())
            .bind(r.phone.as_ref().map(|p| p.as_str()))
            .bind(r.residence_type.as_str())
            .bind(r.residence_since.map(|d| d.to_string()))
            .bind(&sealed.cipher)
            .bind(&sealed.masked)
            .bind(&sealed.index)
    }};
}
pub(crate) use bind_resident_fields;

/// Inserts one resident row on an executor and evaluates to its id. A macro so that one SQL
/// text serves both backends' transactions (see `insert_audit!`).
macro_rules! insert_resident_row {
    ($exec:expr, $province:expr, $household_id:expr, $unit_code:expr, $r:expr, $sealed:expr, $ts:expr) => {{
        let r: &tuquan_domain::people::NewResident = $r;
        let sealed: &$crate::residents::SealedCccd = $sealed;
        let q = sqlx::query_scalar(
            "INSERT INTO residents (province_code, household_id, unit_code, full_name, \
             name_folded, sort_key, birth_date, gender, phone, residence_type, \
             residence_since, cccd_cipher, cccd_masked, cccd_index, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
             RETURNING id",
        )
        .bind($province)
        .bind($household_id)
        .bind($unit_code);
        let id: i64 = $crate::residents::bind_resident_fields!(q, r, sealed)
            .bind($ts)
            .fetch_one($exec)
            .await
            .map_err($crate::StoreError::conflict_on("cccd"))?;
        tuquan_domain::ResidentId(id)
    }};
}
pub(crate) use insert_resident_row;

/// What an audit row records of a new resident (the identity number masked).
pub(crate) fn new_resident_json(
    household_id: HouseholdId,
    r: &NewResident,
    masked: &Option<String>,
) -> Value {
    json!({
        "household_id": household_id, "full_name": r.full_name,
        "birth_date": r.birth_date.to_string(), "gender": r.gender.as_str(),
        "phone": r.phone.as_ref().map(|p| p.as_str()),
        "residence_type": r.residence_type.as_str(),
        "residence_since": r.residence_since.map(|d| d.to_string()),
        "cccd": masked,
    })
}

const RESIDENT_SELECT: &str = "SELECT r.id, r.household_id, r.unit_code, u.path AS unit_path, \
     r.full_name, r.birth_date, r.gender, r.phone, r.residence_type, r.residence_since, \
     r.cccd_masked, r.status, r.created_at, r.updated_at, r.sort_key \
     FROM residents r JOIN units u ON u.code = r.unit_code";

/// A search over residents of a unit's subtree; blank text matches everyone.
#[derive(Debug, Clone, Default)]
pub struct ResidentQuery {
    /// A `LIKE` pattern over the folded name, or the empty string.
    pub name_pattern: String,
    /// Digits of a phone number, or the empty string.
    pub phone: String,
    /// Include moved-away, deceased and erased residents.
    pub include_inactive: bool,
}

impl Store {
    /// Encrypts a new resident's identity number with the configured key.
    pub fn seal(&self, r: &NewResident) -> Result<SealedCccd, StoreError> {
        match &r.cccd {
            Some(c) => {
                let key = self.identity_key()?;
                Ok(SealedCccd {
                    cipher: Some(key.encrypt(c.as_str())),
                    masked: Some(c.masked()),
                    index: Some(key.blind_index(c.as_str())),
                })
            }
            None => Ok(SealedCccd::default()),
        }
    }

    /// Which of these keyed hashes of identity numbers are already stored.
    pub async fn known_cccd_indexes(&self, indexes: &[String]) -> Result<Vec<String>, StoreError> {
        let mut known = Vec::new();
        for index in indexes {
            let found: Option<String> = with_pool!(self, p => {
                sqlx::query_scalar("SELECT cccd_index FROM residents WHERE cccd_index = $1")
                    .bind(index)
                    .fetch_optional(p)
                    .await?
            });
            known.extend(found);
        }
        Ok(known)
    }

    /// Adds a resident to a household, encrypting the identity number; the first member
    /// becomes the household's representative.
    pub async fn add_resident(
        &self,
        household: &HouseholdRecord,
        r: &NewResident,
        ctx: &AuditCtx,
    ) -> Result<ResidentId, StoreError> {
        let sealed = self.seal(r)?;
        let masked = sealed.masked.clone();
        let ts = now();
        let id = audited_tx!(self, ctx, tx => {
            let id = insert_resident_row!(
                &mut *tx, &household.province_code, household.id.get(), &household.unit_code,
                r, &sealed, &ts
            );
            sqlx::query(
                "UPDATE households SET member_count = member_count + 1, updated_at = $2, \
                 representative_id = COALESCE(representative_id, $3), \
                 representative_name = CASE WHEN representative_id IS NULL THEN $4 ELSE representative_name END, \
                 name_folded = CASE WHEN representative_id IS NULL THEN $5 ELSE name_folded END, \
                 sort_key = CASE WHEN representative_id IS NULL THEN $6 ELSE sort_key END \
                 WHERE id = $1",
            )
            .bind(household.id.get())
            .bind(&ts)
            .bind(id.get())
            .bind(&r.full_name)
            .bind(&r.name_folded)
            .bind(&r.sort_key)
            .execute(&mut *tx)
            .await?;
            let entry = AuditEntry {
                action: "resident.create",
                target_type: "resident",
                target_id: id.to_string(),
                unit_path: Some(household.unit_path.clone()),
                before: None,
                after: Some(new_resident_json(household.id, r, &masked)),
            };
            (id, entry)
        });
        Ok(id)
    }

    pub async fn resident(&self, id: ResidentId) -> Result<ResidentRecord, StoreError> {
        let sql = format!("{RESIDENT_SELECT} WHERE r.id = $1");
        let row: Option<ResidentRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The full identity number. The caller audits the view.
    pub async fn resident_identity(&self, id: ResidentId) -> Result<Option<String>, StoreError> {
        let cipher: Option<Option<String>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT cccd_cipher FROM residents WHERE id = $1")
                .bind(id.get())
                .fetch_optional(p)
                .await?
        });
        match cipher.ok_or(StoreError::NotFound)? {
            Some(c) => Ok(Some(self.identity_key()?.decrypt(&c)?)),
            None => Ok(None),
        }
    }

    /// Replaces a resident's details (not their household).
    pub async fn update_resident(
        &self,
        id: ResidentId,
        r: &NewResident,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.resident(id).await?;
        if before.status == ResidentStatus::Erased {
            return Err(StoreError::NotFound);
        }
        let sealed = self.seal(r)?;
        let ts = now();
        let mut after = new_resident_json(before.household_id, r, &sealed.masked);
        after["status"] = json!(before.status);
        let entry = before.entry("resident.update", Some(before.audit_json()), after);
        audited_tx!(self, ctx, &entry, tx => {
            let q = sqlx::query(
                "UPDATE residents SET full_name = $2, name_folded = $3, sort_key = $4, \
                 birth_date = $5, gender = $6, phone = $7, residence_type = $8, \
                 residence_since = $9, cccd_cipher = $10, cccd_masked = $11, cccd_index = $12, \
                 updated_at = $13 WHERE id = $1",
            )
            .bind(id.get());
            bind_resident_fields!(q, r, &sealed)
            .bind(&ts)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::conflict_on("cccd"))?;
            // The representative's name is copied on the household for lists.
            sqlx::query(
                "UPDATE households SET representative_name = $2, name_folded = $3, sort_key = $4 \
                 WHERE representative_id = $1",
            )
            .bind(id.get())
            .bind(&r.full_name)
            .bind(&r.name_folded)
            .bind(&r.sort_key)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Marks a resident moved away or deceased (or active again). Records are never deleted.
    pub async fn set_resident_status(
        &self,
        id: ResidentId,
        status: ResidentStatus,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.resident(id).await?;
        if before.status == ResidentStatus::Erased || status == ResidentStatus::Erased {
            return Err(StoreError::NotFound);
        }
        let was_active = before.status == ResidentStatus::Active;
        let is_active = status == ResidentStatus::Active;
        let delta: i64 = match (was_active, is_active) {
            (true, false) => -1,
            (false, true) => 1,
            _ => 0,
        };
        let entry = before.entry(
            "resident.status",
            Some(json!({ "status": before.status })),
            json!({ "status": status.as_str() }),
        );
        let ts = now();
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query("UPDATE residents SET status = $2, updated_at = $3 WHERE id = $1")
                .bind(id.get())
                .bind(status.as_str())
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE households SET member_count = member_count + $2 WHERE id = $1")
                .bind(before.household_id.get())
                .bind(delta)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    pub async fn residents_of_household(
        &self,
        household_id: HouseholdId,
    ) -> Result<Vec<ResidentRecord>, StoreError> {
        let sql = format!("{RESIDENT_SELECT} WHERE r.household_id = $1 ORDER BY r.sort_key, r.id");
        let rows: Vec<ResidentRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(household_id.get()).fetch_all(p).await?
        });
        Ok(rows)
    }

    /// Residents of a unit and below, in Vietnamese name order, after a keyset position.
    pub async fn residents_in(
        &self,
        unit: &Unit,
        q: &ResidentQuery,
        after: Option<(Vec<u8>, i64)>,
        limit: i64,
    ) -> Result<Vec<ResidentRecord>, StoreError> {
        let list = crate::households::PeopleList {
            select: RESIDENT_SELECT,
            alias: "r",
            text_match: "r.name_folded LIKE $4 ESCAPE '\\'",
        };
        self.people_in(
            &list,
            unit,
            &q.name_pattern,
            &q.phone,
            q.include_inactive,
            after,
            limit,
        )
        .await
    }
}

/// The masked form of a stored number, for callers that hold one.
pub fn masked(number: &str) -> String {
    mask(number)
}
