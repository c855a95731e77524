//! The use case "import a file": read it, check every row against the domain's rules and
//! the database, and write all households or none.

use std::collections::HashMap;

use tuquan_domain::access::Action;
use tuquan_domain::people::import::{parse_rows, RowErrorKind};
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditEntry;
use tuquan_store::StoreError;

use super::{import_unit, read, within, Checked, FileError, ImportSummary};
use crate::{AppError, AppResult, Ctx};

/// What became of a file.
pub enum ImportOutcome {
    /// It could not be read at all; nothing written.
    Unreadable(FileError),
    /// Checked and nothing written: a dry run, or some rows are wrong (see `plan.errors`).
    Checked(Checked),
    /// Every row was valid and all were written in one transaction.
    Imported(Checked, ImportSummary),
}

/// Imports `file` into the unit `code` (or, with `apply` false, only checks it). The unit
/// must be current; `file` is the body as received, or why it could not be received.
/// A check that writes nothing is audited too: it looked identity numbers up.
pub async fn import_file(
    ctx: &Ctx,
    code: &str,
    file: Result<Vec<u8>, FileError>,
    apply: bool,
) -> AppResult<(Unit, ImportOutcome)> {
    let unit = import_unit(ctx, Action::HouseholdEdit, code).await?;
    if unit.valid_to.is_some() {
        return Err(FieldError::new(
            "code",
            FieldErrorKind::NotAllowedHere,
            "the unit no longer exists",
        )
        .into());
    }
    let bytes = match file {
        Ok(b) => b,
        Err(e) => return Ok((unit, ImportOutcome::Unreadable(e))),
    };
    let checked = match check(ctx, &unit, bytes).await? {
        Ok(c) => c,
        Err(e) => return Ok((unit, ImportOutcome::Unreadable(e))),
    };
    if !apply || !checked.plan.is_valid() {
        audit_check(ctx, &unit, &checked, !apply).await?;
        return Ok((unit, ImportOutcome::Checked(checked)));
    }
    let batch: Vec<_> = checked
        .targets
        .iter()
        .zip(&checked.plan.households)
        .collect();
    let summary = ctx
        .store()
        .import_households(&batch, &ctx.audit_ctx())
        .await?;
    Ok((unit, ImportOutcome::Imported(checked, summary)))
}

/// Reads and checks a file for an import into `unit`: the domain's rules on every row, then
/// the unit codes and identity numbers against the database. Writes nothing.
async fn check(ctx: &Ctx, unit: &Unit, bytes: Vec<u8>) -> AppResult<Result<Checked, FileError>> {
    let today = ctx.today();
    // Parsing and collation keys for 20,000 rows is CPU work: off the async threads.
    let parsed = tokio::task::spawn_blocking(move || {
        read::read(&bytes).map(|(kind, rows)| (kind, parse_rows(&rows, today)))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "import parsing failed");
        AppError::Internal(format!("import parsing failed: {e}"))
    })?;
    let (kind, mut plan) = match parsed {
        Ok(p) => p,
        Err(e) => {
            if let FileError::Unreadable(detail) = &e {
                tracing::info!(detail, "unreadable import file");
            }
            return Ok(Err(e));
        }
    };

    // Each household's unit: the one imported into, or a current unit below it.
    let mut units: HashMap<String, Result<Unit, RowErrorKind>> = HashMap::new();
    let mut targets = Vec::with_capacity(plan.households.len());
    let mut unit_errors = Vec::new();
    for h in &plan.households {
        let Some(code) = &h.unit_code else {
            targets.push(unit.clone());
            continue;
        };
        if !units.contains_key(code) {
            let found = match ctx.store().unit(code).await {
                Ok(item) if item.unit.valid_to.is_some() => Err(RowErrorKind::UnitClosed),
                Ok(item) if !within(&item.unit.path, &unit.path) => Err(RowErrorKind::OutsideUnit),
                Ok(item) => Ok(item.unit),
                Err(StoreError::NotFound) => Err(RowErrorKind::UnknownUnit),
                Err(e) => return Err(e.into()),
            };
            units.insert(code.clone(), found);
        }
        match &units[code] {
            Ok(u) => targets.push(u.clone()),
            Err(kind) => {
                unit_errors.push((h.line, kind.clone()));
                targets.push(unit.clone());
            }
        }
    }
    for (line, kind) in unit_errors {
        plan.unit_error(line, kind);
    }

    // Identity numbers already stored, found before anything is written.
    let cccds: Vec<(usize, String)> = plan
        .cccds()
        .into_iter()
        .map(|(l, n)| (l, n.to_owned()))
        .collect();
    let numbers: Vec<&str> = cccds.iter().map(|(_, n)| n.as_str()).collect();
    let existing = ctx.store().cccd_exists(&numbers).await?;
    for (line, n) in &cccds {
        if existing.contains(n) {
            plan.cccd_exists(*line);
        }
    }
    plan.sort_errors();
    Ok(Ok(Checked {
        kind,
        plan,
        targets,
    }))
}

/// Records a check that wrote nothing (a dry run, or a refused file).
async fn audit_check(ctx: &Ctx, unit: &Unit, checked: &Checked, dry_run: bool) -> AppResult<()> {
    let entry = AuditEntry {
        action: "household.import_checked",
        target_type: "unit",
        target_id: unit.code.clone(),
        unit_path: Some(unit.path.clone()),
        before: None,
        after: Some(serde_json::json!({
            "dry_run": dry_run, "file_type": checked.kind.as_str(), "rows": checked.plan.rows,
            "households": checked.plan.households.len(),
            "residents": checked.plan.resident_count(),
            "errors": checked.plan.error_count,
        })),
    };
    ctx.store().audit(&ctx.audit_ctx(), &entry).await?;
    Ok(())
}
