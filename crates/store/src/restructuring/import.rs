//! Importing the official list of provinces and communes without losing history: a new code
//! is inserted; a changed name or kind is recorded as a `rename` event (the current version
//! closed on the import's date, a new version opened), never overwritten; a changed parent is
//! not applied (codes and paths never change: that takes a restructuring) and a code missing
//! from the file is not deleted — both are reported.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use tuquan_domain::restructuring::{EventKind, ParticipantRole};
use tuquan_domain::territory::{DivisionRecord, TERRITORY_VALID_FROM};

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

/// What `import_divisions` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    /// Codes whose name or kind changed: a rename event each, the old version kept.
    pub renamed: Vec<String>,
    /// Only the codename changed (not part of a version): updated in place.
    pub updated: usize,
    pub unchanged: usize,
    /// Codes the file puts under another parent: not applied.
    pub moved: Vec<String>,
    /// Open codes missing from the file: not deleted.
    pub vanished: Vec<String>,
}

impl ImportReport {
    pub fn changed_nothing(&self) -> bool {
        self.inserted == 0 && self.updated == 0 && self.renamed.is_empty()
    }
}

/// Where an import comes from, for the events it records.
#[derive(Debug, Clone, Copy)]
pub struct ImportSource<'a> {
    /// The file's name, e.g. `vn-divisions-2025.json`.
    pub file: &'a str,
    /// The import's date (`YYYY-MM-DD`, Vietnam): renames take effect on it.
    pub day: &'a str,
}

type Existing = (
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// How the file's records compare with what is stored.
struct Diff<'a> {
    inserts: Vec<&'a DivisionRecord>,
    renames: Vec<&'a DivisionRecord>,
    updates: Vec<&'a DivisionRecord>,
}

fn diff<'a>(
    records: &'a [DivisionRecord],
    existing: &[Existing],
    report: &mut ImportReport,
) -> Diff<'a> {
    let by_code: HashMap<&str, &Existing> = existing.iter().map(|e| (e.0.as_str(), e)).collect();
    let mut d = Diff {
        inserts: Vec::new(),
        renames: Vec::new(),
        updates: Vec::new(),
    };
    for r in records {
        match by_code.get(r.code.as_str()) {
            None => d.inserts.push(r),
            Some((_, parent, ..)) if parent != &r.parent_code => report.moved.push(r.code.clone()),
            Some((_, _, kind, name, codename, _)) => {
                if kind != r.kind.as_str() || name != &r.name {
                    d.renames.push(r);
                } else if codename.as_deref() != Some(r.codename.as_str()) {
                    d.updates.push(r);
                } else {
                    report.unchanged += 1;
                }
            }
        }
    }
    let in_file: HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
    report.vanished = existing
        .iter()
        .filter(|e| e.5.is_none() && !in_file.contains(e.0.as_str()))
        .map(|e| e.0.clone())
        .collect();
    report.inserted = d.inserts.len();
    report.updated = d.updates.len();
    report.renamed = d.renames.iter().map(|r| r.code.clone()).collect();
    d
}

/// Records a rename from the divisions file in transaction `$tx` (either backend): its event
/// (the file as the legal basis), the unit as both predecessor and successor, the old version
/// closed and the new one opened on the file's day.
macro_rules! record_rename {
    ($tx:expr, $r:expr, $day:expr, $basis:expr, $by:expr, $ts:expr) => {{
        let (tx, r, day, basis, by, ts) = ($tx, $r, $day, $basis, $by, $ts);
        let event: i64 = sqlx::query_scalar(
            "INSERT INTO unit_events (province_code, commune_code, kind, effective_on, \
                 basis_number, basis_date, basis_signer, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $6, $8) RETURNING id",
        )
        .bind(&r.province_code)
        .bind(&r.code)
        .bind(EventKind::Rename.as_str())
        .bind(day)
        .bind(basis)
        .bind(by)
        .bind("divisions file")
        .bind(ts)
        .fetch_one(&mut **tx)
        .await?;
        for role in [ParticipantRole::Predecessor, ParticipantRole::Successor] {
            sqlx::query(
                "INSERT INTO unit_event_participants (event_id, unit_code, role) \
                     VALUES ($1, $2, $3)",
            )
            .bind(event)
            .bind(&r.code)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "UPDATE unit_versions SET valid_to = $2 WHERE unit_code = $1 AND valid_to IS NULL",
        )
        .bind(&r.code)
        .bind(day)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO unit_versions (unit_code, name, name_folded, kind, parent_code, \
                 valid_from, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&r.code)
        .bind(&r.name)
        .bind(&r.name_folded)
        .bind(r.kind.as_str())
        .bind(&r.parent_code)
        .bind(day)
        .bind(event)
        .execute(&mut **tx)
        .await?;
    }};
}

/// The one audit row of an import: the file is the record of what each unit became; the
/// renames are events of their own, in the history.
fn import_entry(
    records: usize,
    inserts: &[&DivisionRecord],
    updates: &[&DivisionRecord],
    report: &ImportReport,
    file: &str,
) -> AuditEntry {
    AuditEntry {
        action: "territory.import",
        target_type: "divisions",
        target_id: format!("{records} records"),
        unit_path: None,
        before: None,
        after: Some(json!({
            "inserted": inserts.iter().map(|r| &r.code).collect::<Vec<_>>(),
            "renamed": report.renamed,
            "updated": updates.iter().map(|r| &r.code).collect::<Vec<_>>(),
            "not_moved": report.moved,
            "not_in_file": report.vanished.len(),
            "source": file,
        })),
    }
}

impl Store {
    /// Loads provinces and communes in one transaction (a failure leaves the store as it
    /// was): inserts what is new, records renames as history events, updates codenames.
    pub async fn import_divisions(
        &self,
        records: &[DivisionRecord],
        source: ImportSource<'_>,
        ctx: &AuditCtx,
    ) -> Result<ImportReport, StoreError> {
        let existing: Vec<Existing> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT code, parent_code, kind, name, codename, valid_to FROM units \
                 WHERE level <= 2",
            )
            .fetch_all(p)
            .await?
        });
        let mut report = ImportReport::default();
        let Diff {
            inserts,
            renames,
            updates,
        } = diff(records, &existing, &mut report);
        if report.changed_nothing() {
            return Ok(report);
        }
        let ts = now();
        // The first load is the list of 1 July 2025; a code added later starts on its day.
        let new_from = if existing.is_empty() {
            TERRITORY_VALID_FROM
        } else {
            source.day
        };
        let by = ctx
            .actor_username
            .clone()
            .unwrap_or_else(|| "system".into());
        let basis = format!("import {} {}", source.file, source.day);
        let entry = import_entry(records.len(), &inserts, &updates, &report, source.file);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for r in &inserts {
                sqlx::query(
                    "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, \
                     name_folded, sort_key, codename, valid_from, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
                )
                .bind(&r.code)
                .bind(&r.parent_code)
                .bind(&r.province_code)
                .bind(&r.path)
                .bind(r.level)
                .bind(r.kind.as_str())
                .bind(&r.name)
                .bind(&r.name_folded)
                .bind(&r.sort_key)
                .bind(&r.codename)
                .bind(new_from)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
            for r in &renames {
                record_rename!(&mut tx, r, source.day, &basis, &by, &ts);
            }
            for r in renames.iter().chain(&updates) {
                sqlx::query(
                    "UPDATE units SET kind = $2, name = $3, name_folded = $4, sort_key = $5, \
                     codename = $6, updated_at = $7 WHERE code = $1",
                )
                .bind(&r.code)
                .bind(r.kind.as_str())
                .bind(&r.name)
                .bind(&r.name_folded)
                .bind(&r.sort_key)
                .bind(&r.codename)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
            }
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
        });
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuquan_domain::territory::parse_divisions;

    fn existing_of(records: &[DivisionRecord]) -> Vec<Existing> {
        records
            .iter()
            .map(|r| {
                (
                    r.code.clone(),
                    r.parent_code.clone(),
                    r.kind.as_str().to_owned(),
                    r.name.clone(),
                    Some(r.codename.clone()),
                    None,
                )
            })
            .collect()
    }

    #[test]
    fn a_new_name_is_a_rename_a_new_parent_and_a_missing_code_are_reported() {
        let records = parse_divisions(crate::SHIPPED_DIVISIONS).unwrap();
        let mut existing = existing_of(&records);
        existing[1].3 = "Old name".into();
        existing[2].1 = Some("99".into());
        existing[3].4 = Some("old_codename".into());
        existing.push((
            "00000".into(),
            Some("01".into()),
            "ward".into(),
            "Gone".into(),
            None,
            None,
        ));
        existing.push((
            "00001".into(),
            Some("01".into()),
            "ward".into(),
            "Closed".into(),
            None,
            Some("2025-07-01".into()),
        ));
        let mut report = ImportReport::default();
        let d = diff(&records, &existing, &mut report);
        assert_eq!(report.renamed, [records[1].code.clone()]);
        assert_eq!(report.moved, [records[2].code.clone()]);
        assert_eq!(report.updated, 1);
        assert_eq!(d.updates[0].code, records[3].code);
        assert_eq!(report.vanished, ["00000"]);
        assert_eq!(report.inserted, 0);
        assert_eq!(report.unchanged, records.len() - 3);
        assert!(!report.changed_nothing());
    }
}
