//! Households: address, unit, representative, members, phone; moves keep their history;
//! statuses change, records are never deleted.

use serde_json::{json, Value};
use tuquan_domain::people::{HouseholdStatus, NewHousehold};
use tuquan_domain::territory::Unit;
use tuquan_domain::text;
use tuquan_domain::{HouseholdId, ResidentId};

use tuquan_domain::people::NewResident;

use crate::audit::{audited_tx, insert_audit, Arg, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, subtree, with_pool, Store, StoreError};

/// Inserts a household with its members on transaction `tx` (the first member is its
/// representative; a household without members sorts by its address) and evaluates to its
/// id and each member's audit JSON with the member's id. A macro so that one SQL text
/// serves both backends' transactions (see `insert_audit!`); used by the forms and imports.
macro_rules! insert_household_with_members {
    ($tx:ident, $unit:expr, $household:expr, $members:expr, $seals:expr, $ts:expr) => {{
        let unit: &tuquan_domain::territory::Unit = $unit;
        let h: &tuquan_domain::people::NewHousehold = $household;
        let members: &[&tuquan_domain::people::NewResident] = $members;
        let first = members.first();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO households (province_code, unit_code, address, address_folded, phone, \
             representative_name, name_folded, sort_key, member_count, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(&unit.province_code)
        .bind(&unit.code)
        .bind(&h.address)
        .bind(&h.address_folded)
        .bind(h.phone.as_ref().map(|p| p.as_str()))
        .bind(first.map_or("", |m| m.full_name.as_str()))
        .bind(first.map_or(String::new(), |m| m.name_folded.clone()))
        .bind(first.map_or_else(
            || tuquan_domain::text::sort_key(&h.address),
            |m| m.sort_key.clone(),
        ))
        .bind(members.len() as i64)
        .bind($ts)
        .fetch_one(&mut *$tx)
        .await?;
        let id = tuquan_domain::HouseholdId(id);
        let mut member_json = Vec::with_capacity(members.len());
        for (i, (m, seal)) in members.iter().zip($seals).enumerate() {
            let rid = $crate::residents::insert_resident_row!(
                &mut *$tx,
                &unit.province_code,
                id.get(),
                &unit.code,
                *m,
                seal,
                $ts
            );
            if i == 0 {
                sqlx::query("UPDATE households SET representative_id = $2 WHERE id = $1")
                    .bind(id.get())
                    .bind(rid.get())
                    .execute(&mut *$tx)
                    .await?;
            }
            let mut j = $crate::residents::new_resident_json(id, m, &seal.masked);
            j["id"] = serde_json::json!(rid);
            member_json.push(j);
        }
        (id, member_json)
    }};
}
pub(crate) use insert_household_with_members;

/// A household as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdRecord {
    #[sqlx(try_from = "i64")]
    pub id: HouseholdId,
    pub province_code: String,
    pub unit_code: String,
    pub unit_path: String,
    pub address: String,
    pub phone: Option<String>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub representative_id: Option<ResidentId>,
    pub representative_name: String,
    pub member_count: i64,
    #[sqlx(try_from = "String")]
    pub status: HouseholdStatus,
    pub created_at: String,
    #[sqlx(default)]
    sort_key: Vec<u8>,
}

impl HouseholdRecord {
    pub fn audit_json(&self) -> Value {
        json!({
            "unit_code": self.unit_code, "address": self.address, "phone": self.phone,
            "representative_id": self.representative_id, "status": self.status,
        })
    }

    pub fn cursor(&self) -> (Vec<u8>, i64) {
        (self.sort_key.clone(), self.id.get())
    }

    /// The audit entry of a change to this household, filed under its unit.
    fn entry(&self, action: &'static str, before: Value, after: Value) -> AuditEntry {
        let target = ("household", self.id.to_string());
        AuditEntry::about(action, target, &self.unit_path, Some(before), after)
    }
}

/// A change refused because it would leave the household as it is or break a link.
fn not_here(field: &'static str, detail: &'static str) -> StoreError {
    StoreError::Invalid(tuquan_domain::FieldError::new(
        field,
        tuquan_domain::FieldErrorKind::NotAllowedHere,
        detail,
    ))
}

const HOUSEHOLD_SELECT: &str = "SELECT h.id, h.province_code, h.unit_code, u.path AS unit_path, \
     h.address, h.phone, h.representative_id, h.representative_name, h.member_count, h.status, \
     h.created_at, h.sort_key FROM households h JOIN units u ON u.code = h.unit_code";

/// A search over households of a unit's subtree; blank parts match everything.
#[derive(Debug, Clone, Default)]
pub struct HouseholdQuery {
    /// A `LIKE` pattern over the folded representative name or address, or empty.
    pub text_pattern: String,
    /// Digits of a phone number, or empty.
    pub phone: String,
    /// Include moved-away and dissolved households.
    pub include_inactive: bool,
}

impl Store {
    /// Creates households with their members in one transaction (the first member of each is
    /// its representative): all or nothing. Returns the new household ids.
    pub async fn create_households_with_members(
        &self,
        unit: &Unit,
        batch: &[(NewHousehold, Vec<NewResident>)],
        ctx: &AuditCtx,
    ) -> Result<Vec<HouseholdId>, StoreError> {
        let mut sealed = Vec::with_capacity(batch.len());
        for (_, members) in batch {
            sealed.push(
                members
                    .iter()
                    .map(|m| self.seal(m))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        let ts = now();
        let mut ids = Vec::with_capacity(batch.len());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for ((h, members), seals) in batch.iter().zip(&sealed) {
                let members: Vec<&NewResident> = members.iter().collect();
                let (id, member_json) =
                    insert_household_with_members!(tx, unit, h, &members, seals, &ts);
                let entry = AuditEntry {
                    action: "household.create",
                    target_type: "household",
                    target_id: id.to_string(),
                    unit_path: Some(unit.path.clone()),
                    before: None,
                    after: Some(json!({
                        "unit_code": unit.code, "address": h.address,
                        "phone": h.phone.as_ref().map(|p| p.as_str()), "members": member_json,
                    })),
                };
                insert_audit!(&mut *tx, ctx, &entry)?;
                ids.push(id);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// Creates an empty household; its first resident becomes the representative.
    pub async fn create_household(
        &self,
        unit: &Unit,
        h: &NewHousehold,
        ctx: &AuditCtx,
    ) -> Result<HouseholdId, StoreError> {
        let entry = AuditEntry {
            action: "household.create",
            target_type: "household",
            target_id: String::new(),
            unit_path: Some(unit.path.clone()),
            before: None,
            after: Some(json!({
                "unit_code": unit.code, "address": h.address,
                "phone": h.phone.as_ref().map(|p| p.as_str()),
            })),
        };
        // A household sorts by its address until it has a representative.
        let sort_key = text::sort_key(&h.address);
        self.insert_audited(
            "INSERT INTO households (province_code, unit_code, address, address_folded, phone, \
             representative_name, name_folded, sort_key, member_count, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, '', '', $6, 0, $7, $7) RETURNING id",
            &[
                Arg::Text(&unit.province_code),
                Arg::Text(&unit.code),
                Arg::Text(&h.address),
                Arg::Text(&h.address_folded),
                Arg::OptText(h.phone.as_ref().map(|p| p.as_str())),
                Arg::Bytes(&sort_key),
                Arg::Text(&now()),
            ],
            ctx,
            entry,
        )
        .await
        .map(HouseholdId)
    }

    pub async fn household(&self, id: HouseholdId) -> Result<HouseholdRecord, StoreError> {
        let sql = format!("{HOUSEHOLD_SELECT} WHERE h.id = $1");
        let row: Option<HouseholdRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn update_household(
        &self,
        id: HouseholdId,
        h: &NewHousehold,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.household(id).await?;
        let entry = before.entry(
            "household.update",
            before.audit_json(),
            json!({
                "unit_code": before.unit_code, "address": h.address,
                "phone": h.phone.as_ref().map(|p| p.as_str()),
                "representative_id": before.representative_id, "status": before.status,
            }),
        );
        self.execute_audited(
            "UPDATE households SET address = $2, address_folded = $3, phone = $4, updated_at = $5 \
             WHERE id = $1",
            &[
                Arg::Int(id.get()),
                Arg::Text(&h.address),
                Arg::Text(&h.address_folded),
                Arg::OptText(h.phone.as_ref().map(|p| p.as_str())),
                Arg::Text(&now()),
            ],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Names another member as the household's representative.
    pub async fn set_representative(
        &self,
        id: HouseholdId,
        resident_id: ResidentId,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.household(id).await?;
        let r = self.resident(resident_id).await?;
        if r.household_id != id {
            return Err(not_here(
                "representative_id",
                "not a member of this household",
            ));
        }
        let entry = before.entry(
            "household.representative",
            json!({ "representative_id": before.representative_id }),
            json!({ "representative_id": resident_id }),
        );
        self.execute_audited(
            "UPDATE households SET representative_id = $2, representative_name = $3, \
             name_folded = $4, sort_key = $5, updated_at = $6 WHERE id = $1",
            &[
                Arg::Int(id.get()),
                Arg::Int(resident_id.get()),
                Arg::Text(&r.full_name),
                Arg::Text(&text::fold(&r.full_name)),
                Arg::Bytes(&text::sort_key(&r.full_name)),
                Arg::Text(&now()),
            ],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Moves a household and its members to another unit, keeping the move in its history.
    pub async fn move_household(
        &self,
        id: HouseholdId,
        to: &Unit,
        moved_on: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.household(id).await?;
        if before.unit_code == to.code {
            return Err(not_here("unit", "already in this unit"));
        }
        let entry = before.entry(
            "household.move",
            json!({ "unit_code": before.unit_code }),
            json!({ "unit_code": to.code, "moved_on": moved_on, "to_path": to.path }),
        );
        let ts = now();
        audited_tx!(self, ctx, &entry, tx => {
            sqlx::query(
                "INSERT INTO household_moves (household_id, from_unit, to_unit, moved_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.get())
            .bind(&before.unit_code)
            .bind(&to.code)
            .bind(moved_on)
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
            // The household and its members move together.
            for (table, key) in [("households", "id"), ("residents", "household_id")] {
                sqlx::query(&format!(
                    "UPDATE {table} SET unit_code = $2, province_code = $3, updated_at = $4 \
                     WHERE {key} = $1"
                ))
                .bind(id.get())
                .bind(&to.code)
                .bind(&to.province_code)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }

    /// The units a household has lived in: (from, to, moved on), oldest first.
    pub async fn household_moves(
        &self,
        id: HouseholdId,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows: Vec<(String, String, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT from_unit, to_unit, moved_on FROM household_moves WHERE household_id = $1 ORDER BY id",
            )
            .bind(id.get())
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    pub async fn set_household_status(
        &self,
        id: HouseholdId,
        status: HouseholdStatus,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.household(id).await?;
        let entry = before.entry(
            "household.status",
            json!({ "status": before.status }),
            json!({ "status": status.as_str() }),
        );
        self.execute_audited(
            "UPDATE households SET status = $2, updated_at = $3 WHERE id = $1",
            &[
                Arg::Int(id.get()),
                Arg::Text(status.as_str()),
                Arg::Text(&now()),
            ],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Households of a unit and below, in Vietnamese order of the representative's name.
    pub async fn households_in(
        &self,
        unit: &Unit,
        q: &HouseholdQuery,
        after: Option<(Vec<u8>, i64)>,
        limit: i64,
    ) -> Result<Vec<HouseholdRecord>, StoreError> {
        let list = PeopleList {
            select: HOUSEHOLD_SELECT,
            alias: "h",
            text_match: "h.name_folded LIKE $4 ESCAPE '\\' OR h.address_folded LIKE $4 ESCAPE '\\'",
        };
        self.people_in(
            &list,
            unit,
            &q.text_pattern,
            &q.phone,
            q.include_inactive,
            after,
            limit,
        )
        .await
    }

    /// One keyset page of a people list (households or residents) of a unit's subtree,
    /// filtered by folded text, part of a phone number and status.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn people_in<T>(
        &self,
        list: &PeopleList<'_>,
        unit: &Unit,
        pattern: &str,
        phone: &str,
        include_inactive: bool,
        after: Option<(Vec<u8>, i64)>,
        limit: i64,
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let (lo, hi) = subtree(&unit.path);
        let (after_key, after_id) = match after {
            Some((k, i)) => (Some(k), i),
            None => (None, 0),
        };
        let PeopleList {
            select,
            alias: a,
            text_match,
        } = list;
        let sql = format!(
            "{select} WHERE (u.path = $1 OR (u.path >= $2 AND u.path < $3)) \
             AND ($4 = '' OR {text_match}) \
             AND ($5 = '' OR {a}.phone LIKE $6) \
             AND ($7 OR {a}.status = 'active') \
             AND ($8 IS NULL OR {a}.sort_key > $8 OR ({a}.sort_key = $8 AND {a}.id > $9)) \
             ORDER BY {a}.sort_key, {a}.id LIMIT $10"
        );
        let rows: Vec<T> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(&unit.path)
                .bind(&lo)
                .bind(&hi)
                .bind(pattern)
                .bind(phone)
                .bind(format!("%{phone}%"))
                .bind(include_inactive)
                .bind(after_key)
                .bind(after_id)
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }
}

/// What differs between the household and the resident list queries.
pub(crate) struct PeopleList<'a> {
    /// The `SELECT … FROM … JOIN units u` of the records.
    pub select: &'a str,
    /// The alias of the listed table (`h`, `r`), which has `phone`, `status`, `sort_key`.
    pub alias: &'a str,
    /// The condition on the folded search pattern `$4`.
    pub text_match: &'a str,
}
