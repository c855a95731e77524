//! Importing households and residents from a spreadsheet: the checks that need the database
//! and the write of a whole validated file in one transaction.

use std::collections::HashSet;

use serde_json::json;
use tuquan_domain::people::import::ImportHousehold;
use tuquan_domain::people::NewResident;
use tuquan_domain::territory::Unit;

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::households::insert_household_with_members;
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

/// How many values one `IN (…)` list carries.
const CHUNK: usize = 500;

/// What an import created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub households: usize,
    pub residents: usize,
}

impl Store {
    /// Which of these identity numbers (12 digits) are already stored, found through their
    /// keyed hashes without decrypting anything.
    pub async fn cccd_exists(&self, numbers: &[&str]) -> Result<HashSet<String>, StoreError> {
        let mut found = HashSet::new();
        if numbers.is_empty() {
            return Ok(found);
        }
        let key = self.identity_key()?;
        let indexed: Vec<(String, &str)> =
            numbers.iter().map(|n| (key.blind_index(n), *n)).collect();
        for chunk in indexed.chunks(CHUNK) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT cccd_index FROM residents WHERE cccd_index IN ({})",
                placeholders.join(", ")
            );
            let stored: Vec<String> = with_pool!(self, p => {
                let mut q = sqlx::query_scalar(&sql);
                for (index, _) in chunk {
                    q = q.bind(index);
                }
                q.fetch_all(p).await?
            });
            let stored: HashSet<String> = stored.into_iter().collect();
            found.extend(
                chunk
                    .iter()
                    .filter(|(index, _)| stored.contains(index))
                    .map(|(_, n)| (*n).to_owned()),
            );
        }
        Ok(found)
    }

    /// Writes a whole imported file: every household with its members (the first member is
    /// the representative), identity numbers encrypted, one `household.import` audit row per
    /// household listing its members (identity numbers masked). One transaction: a failure
    /// anywhere, such as an identity number stored meanwhile, writes nothing.
    pub async fn import_households(
        &self,
        batch: &[(&Unit, &ImportHousehold)],
        ctx: &AuditCtx,
    ) -> Result<ImportSummary, StoreError> {
        let mut sealed = Vec::with_capacity(batch.len());
        for (_, h) in batch {
            sealed.push(
                h.members
                    .iter()
                    .map(|m| self.seal(&m.resident))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        let ts = now();
        let mut summary = ImportSummary::default();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for ((unit, h), seals) in batch.iter().zip(&sealed) {
                if h.members.is_empty() {
                    continue;
                }
                let residents: Vec<&NewResident> = h.members.iter().map(|m| &m.resident).collect();
                let (id, mut members) =
                    insert_household_with_members!(tx, unit, &h.household, &residents, seals, &ts);
                for (j, m) in members.iter_mut().zip(&h.members) {
                    j["line"] = json!(m.line);
                }
                let entry = AuditEntry {
                    action: "household.import",
                    target_type: "household",
                    target_id: id.to_string(),
                    unit_path: Some(unit.path.clone()),
                    before: None,
                    after: Some(json!({
                        "unit_code": unit.code, "address": h.household.address,
                        "phone": h.household.phone.as_ref().map(|p| p.as_str()),
                        "representative_id": members[0]["id"],
                        "line": h.line, "members": members,
                    })),
                };
                insert_audit!(&mut *tx, ctx, &entry)?;
                summary.households += 1;
                summary.residents += h.members.len();
            }
            tx.commit().await?;
        });
        Ok(summary)
    }
}
