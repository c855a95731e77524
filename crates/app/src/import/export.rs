//! The export of a unit's households and residents in the import's column layout.

use std::collections::{HashMap, HashSet};

use tuquan_domain::access::Action;
use tuquan_domain::territory::Unit;
use tuquan_store::audit::AuditEntry;
use tuquan_store::households::HouseholdQuery;
use tuquan_store::residents::{ResidentQuery, ResidentRecord};

use super::write::{self, ExportRow};
use super::{import_unit, FileKind, CSV_MIME, XLSX_MIME};
use crate::i18n::Lang;
use crate::{AppError, AppResult, Ctx};

/// A file to download.
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
}

fn gender_label(g: &str) -> &'static str {
    match g {
        "male" => "Nam",
        "female" => "Nữ",
        _ => "",
    }
}

fn residence_label(r: &str) -> &'static str {
    match r {
        "permanent" => "Thường trú",
        "temporary" => "Tạm trú",
        _ => "",
    }
}

/// Rows read per query while exporting.
const EXPORT_PAGE: i64 = 1000;

/// The active households of a unit and below with their active members, one row per
/// member (the representative first); a household recorded without members is one row with
/// its representative's name. Identity numbers masked.
async fn export_rows(ctx: &Ctx, unit: &Unit) -> AppResult<Vec<ExportRow>> {
    let store = ctx.store();
    let mut households = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .households_in(unit, &HouseholdQuery::default(), after, EXPORT_PAGE)
            .await?;
        after = page.last().map(|h| h.cursor());
        let done = (page.len() as i64) < EXPORT_PAGE;
        households.extend(page);
        if done {
            break;
        }
    }
    let mut members: HashMap<tuquan_domain::HouseholdId, Vec<ResidentRecord>> = HashMap::new();
    let mut after = None;
    loop {
        let page = store
            .residents_in(unit, &ResidentQuery::default(), after, EXPORT_PAGE)
            .await?;
        after = page.last().map(|r| r.cursor());
        let done = (page.len() as i64) < EXPORT_PAGE;
        for r in page {
            members.entry(r.household_id).or_default().push(r);
        }
        if done {
            break;
        }
    }
    let mut rows = Vec::new();
    for h in &households {
        let household = |full_name: String| ExportRow {
            household_key: h.id.to_string(),
            address: h.address.clone(),
            household_phone: h.phone.clone().unwrap_or_default(),
            full_name,
            unit_code: h.unit_code.clone(),
            ..ExportRow::default()
        };
        let mut list = members.remove(&h.id).unwrap_or_default();
        if list.is_empty() {
            rows.push(household(h.representative_name.clone()));
            continue;
        }
        // Residents come in name order; the representative goes first.
        list.sort_by_key(|r| Some(r.id) != h.representative_id);
        for r in list {
            rows.push(ExportRow {
                birth_date: r.birth_date.clone(),
                gender: gender_label(&r.gender),
                phone: r.phone.clone().unwrap_or_default(),
                residence_type: residence_label(&r.residence_type),
                residence_since: r.residence_since.clone().unwrap_or_default(),
                cccd_masked: r.cccd_masked.clone().unwrap_or_default(),
                ..household(r.full_name.clone())
            });
        }
    }
    Ok(rows)
}

/// The file name of an export: `ho-dan-26743-kp01-20261121.csv`.
fn export_name(ctx: &Ctx, unit: &Unit, kind: FileKind) -> String {
    format!(
        "ho-dan-{}-{}.{}",
        unit.code,
        ctx.today().strftime("%Y%m%d"),
        kind.as_str()
    )
}

/// Exports the unit's current households and residents (headers in `lang` for XLSX). The
/// read of personal data is audited.
pub async fn export_unit(
    ctx: &Ctx,
    code: &str,
    kind: FileKind,
    lang: Lang,
) -> AppResult<ExportFile> {
    let unit = import_unit(ctx, Action::HouseholdView, code).await?;
    let rows = export_rows(ctx, &unit).await?;
    let count = rows.len();
    let households = rows
        .iter()
        .map(|r| r.household_key.as_str())
        .collect::<HashSet<_>>()
        .len();
    let bytes = tokio::task::spawn_blocking(move || match kind {
        FileKind::Csv => Ok(write::export_csv(&rows)),
        FileKind::Xlsx => write::export_xlsx(lang, &rows),
    })
    .await
    .map_err(|e| AppError::Internal(format!("export task: {e}")))?
    .map_err(|e| {
        tracing::error!(error = %e, "export failed");
        AppError::Internal(format!("export: {e}"))
    })?;
    let entry = AuditEntry {
        action: "household.export",
        target_type: "unit",
        target_id: unit.code.clone(),
        unit_path: Some(unit.path.clone()),
        before: None,
        after: Some(serde_json::json!({
            "format": kind.as_str(), "households": households, "rows": count,
        })),
    };
    ctx.store().audit(&ctx.audit_ctx(), &entry).await?;
    Ok(ExportFile {
        bytes,
        content_type: match kind {
            FileKind::Csv => CSV_MIME,
            FileKind::Xlsx => XLSX_MIME,
        },
        file_name: export_name(ctx, &unit, kind),
    })
}

/// The import template, with instructions in `lang`. Public: it holds no data.
pub fn template(kind: FileKind, lang: Lang) -> AppResult<ExportFile> {
    let bytes = match kind {
        FileKind::Csv => write::template_csv(),
        FileKind::Xlsx => write::template_xlsx(lang).map_err(|e| {
            tracing::error!(error = %e, "template failed");
            AppError::Internal(format!("template: {e}"))
        })?,
    };
    Ok(ExportFile {
        bytes,
        content_type: match kind {
            FileKind::Csv => CSV_MIME,
            FileKind::Xlsx => XLSX_MIME,
        },
        file_name: format!("mau-nhap-ho-dan.{}", kind.as_str()),
    })
}
