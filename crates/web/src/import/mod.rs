//! Import and export of households and residents (docs/import.md): reading CSV and XLSX,
//! checking a file against the domain's rules and the database, writing templates and
//! exports. Shared by the pages (`pages::import`) and the API (`api::import`).

use std::collections::HashMap;

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tuquan_domain::people::import::{
    parse_rows, Column, Header, ImportPlan, RowError, RowErrorKind,
};
use tuquan_domain::territory::Unit;
use tuquan_store::households::HouseholdQuery;
use tuquan_store::import::ImportSummary;
use tuquan_store::residents::{ResidentQuery, ResidentRecord};
use tuquan_store::StoreError;
use utoipa::ToSchema;

use crate::auth::RequestCtx;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::AppState;

pub mod read;
pub mod write;

pub use read::FileKind;
use write::ExportRow;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_MIME: &str = "text/csv; charset=utf-8";

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No file was chosen.
    Missing,
    Empty,
    TooLarge,
    /// Neither CSV nor XLSX.
    WrongType,
    /// The old binary Excel format.
    LegacyXls,
    /// A CSV not in UTF-8 (nor UTF-16 with a byte-order mark); the first bad line.
    NotUtf8 {
        line: usize,
    },
    /// A broken XLSX or CSV; an English detail for the log.
    Unreadable(String),
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "file_missing",
            Self::Empty => "file_empty",
            Self::TooLarge => "file_too_large",
            Self::WrongType => "file_type",
            Self::LegacyXls => "file_xls",
            Self::NotUtf8 { .. } => "file_encoding",
            Self::Unreadable(_) => "file_unreadable",
        }
    }

    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::WrongType | Self::LegacyXls => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let key = format!("import.{}", self.code());
        lang.t(&key)
            .replace("{max}", &(MAX_FILE_BYTES / (1024 * 1024)).to_string())
            .replace(
                "{line}",
                &match self {
                    Self::NotUtf8 { line } => line.to_string(),
                    _ => String::new(),
                },
            )
    }
}

/// The name of a column in a message: its header as written in the file, else the layout's.
pub fn column_name(lang: Lang, header: &Header, e: &RowError) -> String {
    if let Some(name) = e.column.and_then(|i| header.names.get(i)) {
        if !name.is_empty() {
            return name.clone();
        }
    }
    match e.field {
        Some(c) if lang == Lang::En => format!("{} ({})", c.header_en(), c.key()),
        Some(c) => c.header().to_owned(),
        None => String::new(),
    }
}

/// The hint that says what to write instead, for some columns and kinds.
fn hint(field: Option<Column>, code: &str) -> Option<&'static str> {
    use Column::*;
    Some(match (field?, code) {
        (BirthDate | ResidenceSince, "invalid_format") => "import.hint.date",
        (Phone | HouseholdPhone, "invalid_format") => "import.hint.phone",
        (Gender, "unknown_value") => "import.hint.gender",
        (ResidenceType, "unknown_value") => "import.hint.residence_type",
        (Cccd, "invalid_format") => "import.hint.cccd",
        (UnitCode, "invalid_format") => "import.hint.unit",
        (ResidenceSince, "not_allowed_here") => "import.hint.residence_since",
        _ => return None,
    })
}

/// The reason for one error, in the reader's language, naming the column.
pub fn row_message(lang: Lang, header: &Header, unit: &Unit, e: &RowError) -> String {
    use tuquan_domain::FieldErrorKind as K;
    let mut msg = lang
        .t(&format!("import.err.{}", e.code()))
        .replace("{column}", &column_name(lang, header, e))
        .replace("{unit}", &unit.name);
    match &e.kind {
        RowErrorKind::Field(K::TooLong { max }) => msg = msg.replace("{max}", &max.to_string()),
        RowErrorKind::Field(K::OutOfRange { min, max }) => {
            msg = msg
                .replace("{min}", &min.to_string())
                .replace("{max}", &max.to_string());
        }
        RowErrorKind::TooManyRows { max } => msg = msg.replace("{max}", &lang.int(*max as i64)),
        RowErrorKind::DuplicateCccd { first_line }
        | RowErrorKind::HouseholdMismatch { first_line } => {
            msg = msg.replace("{first_line}", &first_line.to_string());
        }
        _ => {}
    }
    if let Some(h) = hint(e.field, e.code()) {
        msg.push(' ');
        msg.push_str(lang.t(h));
    }
    msg
}

/// One error as the API and the pages show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportErrorItem {
    /// The line in the file (the header is line 1 when it is the first); 0 for the whole file.
    pub line: usize,
    /// The spreadsheet column letter (`A`, `B`, …), or empty.
    pub column: String,
    /// The layout column key (`ngay_sinh`, `cccd`, …), if any.
    pub field: Option<String>,
    /// Stable machine code, e.g. `required`, `invalid_format`, `duplicate_in_file`,
    /// `cccd_exists`, `unknown_column`, `outside_unit`.
    pub code: String,
    /// The reason in the reader's language (`Accept-Language`; Vietnamese by default).
    pub message: String,
}

/// The outcome of an import or of its dry run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// `csv` or `xlsx`.
    pub file_type: String,
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    /// Households created (or, in a dry run, that would be); 0 when there are errors.
    pub created_households: usize,
    /// Residents created (or, in a dry run, that would be); 0 when there are errors.
    pub created_residents: usize,
    /// All errors found; `errors` lists at most 1,000 of them.
    pub error_count: usize,
    pub errors: Vec<ImportErrorItem>,
}

/// A file read and checked: the plan and the unit each household goes to.
pub struct Checked {
    pub kind: FileKind,
    pub plan: ImportPlan,
    /// The target unit of each household of the plan, in order.
    pub targets: Vec<Unit>,
}

impl Checked {
    pub fn report(&self, lang: Lang, unit: &Unit, dry_run: bool, written: bool) -> ImportReport {
        let ok = self.plan.is_valid();
        let (h, r) = if ok && (dry_run || written) {
            (self.plan.households.len(), self.plan.resident_count())
        } else {
            (0, 0)
        };
        ImportReport {
            dry_run,
            file_type: self.kind.as_str().into(),
            rows: self.plan.rows,
            created_households: h,
            created_residents: r,
            error_count: self.plan.error_count,
            errors: self
                .plan
                .errors
                .iter()
                .map(|e| ImportErrorItem {
                    line: e.line,
                    column: e.column_letter(),
                    field: e.field.map(|c| c.key().to_owned()),
                    code: e.code().to_owned(),
                    message: row_message(lang, &self.plan.header, unit, e),
                })
                .collect(),
        }
    }
}

/// Whether `path` is the unit at `root` or below it.
fn within(path: &str, root: &str) -> bool {
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Reads and checks a file for an import into `unit`: the domain's rules on every row, then
/// the unit codes and identity numbers against the database. Writes nothing.
pub async fn check(
    state: &AppState,
    unit: &Unit,
    bytes: Vec<u8>,
) -> Result<Result<Checked, FileError>, Failure> {
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    // Parsing and collation keys for 20,000 rows is CPU work: off the async threads.
    let parsed = tokio::task::spawn_blocking(move || {
        read::read(&bytes).map(|(kind, rows)| (kind, parse_rows(&rows, today)))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "import parsing failed");
        Failure::Internal
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
            let found = match state.store.unit(code).await {
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
    let existing = state.store.cccd_exists(&numbers).await?;
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

/// Writes a checked, valid file in one transaction.
pub async fn apply(
    state: &AppState,
    checked: &Checked,
    ctx: &tuquan_store::audit::AuditCtx,
) -> Result<ImportSummary, Failure> {
    let batch: Vec<_> = checked
        .targets
        .iter()
        .zip(&checked.plan.households)
        .collect();
    Ok(state.store.import_households(&batch, ctx).await?)
}

/// Records a check that wrote nothing (a dry run, or a refused file): it still looked
/// identity numbers up in the database.
pub async fn audit_check(
    state: &AppState,
    rc: &RequestCtx,
    who: &crate::auth::Authenticated,
    unit: &Unit,
    checked: &Checked,
    dry_run: bool,
) -> Result<(), Failure> {
    let entry = tuquan_store::audit::AuditEntry {
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
    state.store.audit(&rc.audit(Some(who)), &entry).await?;
    Ok(())
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
pub async fn export_rows(state: &AppState, unit: &Unit) -> Result<Vec<ExportRow>, Failure> {
    let mut households = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .store
            .households_in(unit, &HouseholdQuery::default(), after, EXPORT_PAGE)
            .await?;
        after = page.last().map(|h| h.cursor());
        let done = (page.len() as i64) < EXPORT_PAGE;
        households.extend(page);
        if done {
            break;
        }
    }
    let mut members: HashMap<i64, Vec<ResidentRecord>> = HashMap::new();
    let mut after = None;
    loop {
        let page = state
            .store
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

/// A file to download, never cached (it holds personal data).
pub fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The file name of an export: `ho-dan-26743-kp01-20261121.csv`.
pub fn export_name(unit: &Unit, kind: FileKind) -> String {
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    format!(
        "ho-dan-{}-{}.{}",
        unit.code,
        today.strftime("%Y%m%d"),
        kind.as_str()
    )
}

/// Writes an export file and records the read of personal data.
pub async fn export(
    state: &AppState,
    rc: &RequestCtx,
    who: &crate::auth::Authenticated,
    lang: Lang,
    unit: &Unit,
    kind: FileKind,
) -> Result<Response, Failure> {
    let rows = export_rows(state, unit).await?;
    let count = rows.len();
    let households = rows
        .iter()
        .map(|r| r.household_key.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    let bytes = tokio::task::spawn_blocking(move || match kind {
        FileKind::Csv => Ok(write::export_csv(&rows)),
        FileKind::Xlsx => write::export_xlsx(lang, &rows),
    })
    .await
    .map_err(|_| Failure::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "export failed");
        Failure::Internal
    })?;
    let entry = tuquan_store::audit::AuditEntry {
        action: "household.export",
        target_type: "unit",
        target_id: unit.code.clone(),
        unit_path: Some(unit.path.clone()),
        before: None,
        after: Some(serde_json::json!({
            "format": kind.as_str(), "households": households, "rows": count,
        })),
    };
    state.store.audit(&rc.audit(Some(who)), &entry).await?;
    let mime = match kind {
        FileKind::Csv => CSV_MIME,
        FileKind::Xlsx => XLSX_MIME,
    };
    Ok(download(bytes, mime, &export_name(unit, kind)))
}

/// The unit named in the path, for an action checked with `check`.
pub async fn unit_for(state: &AppState, code: &str) -> Result<Unit, Failure> {
    let code = tuquan_domain::territory::UnitCode::parse(code).map_err(|_| Failure::NotFound)?;
    Ok(state.store.unit(code.as_str()).await?.unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_membership_is_by_whole_path_segments() {
        assert!(within("79/26743", "79/26743"));
        assert!(within("79/26743/kp01", "79/26743"));
        assert!(!within("79/267430", "79/26743"));
        assert!(!within("79", "79/26743"));
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        let header = Header::default();
        let unit = Unit {
            code: "26743".into(),
            parent_code: Some("79".into()),
            province_code: "79".into(),
            path: "79/26743".into(),
            level: 2,
            kind: tuquan_domain::territory::UnitKind::Ward,
            name: "Phường Bến Thành".into(),
            codename: None,
            valid_from: "2025-07-01".into(),
            valid_to: None,
        };
        use tuquan_domain::FieldErrorKind as K;
        let kinds = [
            RowErrorKind::Field(K::Required),
            RowErrorKind::Field(K::TooLong { max: 3 }),
            RowErrorKind::Field(K::OutOfRange { min: 1, max: 2 }),
            RowErrorKind::Field(K::InvalidFormat),
            RowErrorKind::Field(K::UnknownValue),
            RowErrorKind::Field(K::NotAllowedHere),
            RowErrorKind::UnknownColumn,
            RowErrorKind::DuplicateColumn,
            RowErrorKind::MissingColumn,
            RowErrorKind::NoRows,
            RowErrorKind::TooManyRows { max: 20_000 },
            RowErrorKind::DuplicateCccd { first_line: 2 },
            RowErrorKind::CccdExists,
            RowErrorKind::HouseholdMismatch { first_line: 2 },
            RowErrorKind::UnknownUnit,
            RowErrorKind::OutsideUnit,
            RowErrorKind::UnitClosed,
        ];
        for lang in [Lang::Vi, Lang::En] {
            for kind in &kinds {
                for field in Column::ALL {
                    let e = RowError::new(2, None, Some(field), kind.clone(), "");
                    let msg = row_message(lang, &header, &unit, &e);
                    assert!(!msg.contains('{'), "{lang:?} {kind:?}: {msg}");
                    assert!(!msg.starts_with("import."), "{lang:?} {kind:?}: {msg}");
                }
            }
            for f in [
                FileError::Missing,
                FileError::Empty,
                FileError::TooLarge,
                FileError::WrongType,
                FileError::LegacyXls,
                FileError::NotUtf8 { line: 3 },
                FileError::Unreadable(String::new()),
            ] {
                let msg = f.message(lang);
                assert!(!msg.contains('{') && !msg.starts_with("import."), "{msg}");
            }
        }
        let e = RowError::new(
            3,
            None,
            Some(Column::BirthDate),
            RowErrorKind::Field(K::InvalidFormat),
            "",
        );
        assert_eq!(
            row_message(Lang::Vi, &header, &unit, &e),
            "“Ngày sinh” không đúng định dạng. Ghi ngày theo dạng DD/MM/YYYY (ví dụ 12/03/1985) hoặc YYYY-MM-DD."
        );
    }
}
