//! `/api/v1/units/{code}/import` and `/api/v1/units/{code}/export`: households and
//! residents from and to CSV or XLSX (docs/import.md).

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::import::{
    self as files, row_message, Checked, FileError, FileKind, ImportOutcome, MAX_FILE_BYTES,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::{ApiError, ErrorBody, ErrorDetail, Failure};
use crate::extract::{query, FileFormat};
use crate::i18n::Lang;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[("POST", "/api/v1/units/{code}/import")];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units/{code}/import", post(import_file))
        .route("/api/v1/units/{code}/export", get(export_file))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` (the default): check the file and report what would be created, writing
    /// nothing. `false`: import it, all rows or none.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (the default) or `csv`.
    pub format: Option<String>,
}

/// The bytes of a CSV or XLSX file, in the OpenAPI document.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

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

impl ImportReport {
    /// What a checked file holds, in `lang`; the counts only when valid and (dry run or)
    /// written.
    pub fn new(lang: Lang, unit: &Unit, c: &Checked, dry_run: bool, written: bool) -> Self {
        let ok = c.plan.is_valid();
        let (h, r) = if ok && (dry_run || written) {
            (c.plan.households.len(), c.plan.resident_count())
        } else {
            (0, 0)
        };
        Self {
            dry_run,
            file_type: c.kind.as_str().into(),
            rows: c.plan.rows,
            created_households: h,
            created_residents: r,
            error_count: c.plan.error_count,
            errors: c
                .plan
                .errors
                .iter()
                .map(|e| ImportErrorItem {
                    line: e.line,
                    column: e.column_letter(),
                    field: e.field.map(|c| c.key().to_owned()),
                    code: e.code().to_owned(),
                    message: row_message(lang, &c.plan.header, unit, e),
                })
                .collect(),
        }
    }
}

/// The body of the import's 400, in the OpenAPI document: the report of a file with wrong
/// rows, or the one error of a file that could not be read (`field: "file"`).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Documentation only: the handler answers one or the other directly.
pub enum ImportRefusal {
    Report(ImportReport),
    Unreadable(ErrorBody),
}

/// The HTTP status of a file that could not be read.
pub(crate) fn file_status(e: &FileError) -> StatusCode {
    match e {
        FileError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        FileError::WrongType | FileError::LegacyXls => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        // A well-formed request whose file holds nothing to import.
        FileError::Empty => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A file that could not be read, as the API's usual error body with `field: "file"`.
pub(crate) fn file_error(lang: Lang, e: &FileError) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: e.code().to_owned(),
            message: e.message(lang),
            field: Some("file".to_owned()),
        },
    };
    (file_status(e), Json(body)).into_response()
}

/// A file to download, never cached (it holds personal data).
pub(crate) fn download(f: files::ExportFile) -> Response {
    use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
    (
        [
            (CONTENT_TYPE, f.content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", f.file_name),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        f.bytes,
    )
        .into_response()
}

impl FileFormat for FileKind {
    fn from_ext(ext: &str) -> Option<Self> {
        FileKind::parse(ext)
    }
}

/// Import households and residents from a CSV or XLSX file sent as the request body.
///
/// One row per resident; rows sharing `ma_ho` form a household whose first row is its
/// representative (docs/import.md). Every row is checked first; if any is wrong, nothing is
/// written and the answer is 400 with every error (line, column, reason). Identity numbers
/// already registered are reported too. At most 5 MB and 20,000 rows.
#[utoipa::path(
    post, path = "/api/v1/units/{code}/import", tag = "import",
    params(("code" = String, Path, description = "The unit to import into, e.g. `26743-kp01`"), ImportQuery),
    request_body(
        description = "The file's bytes: CSV (UTF-8, with or without BOM; comma, semicolon or tab) or XLSX (first sheet)",
        content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Dry run: the file is valid; what would be created", body = ImportReport),
        (status = 201, description = "Imported", body = ImportReport),
        (status = 400, description = "Some rows are wrong (nothing written): the report; or the file is unreadable: the error", body = ImportRefusal),
        (status = 401, body = ErrorBody),
        (status = 403, description = "No grant allows editing households of this unit", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "An identity number was registered meanwhile; nothing written", body = ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = ErrorBody),
        (status = 415, description = "Neither CSV nor XLSX", body = ErrorBody),
    )
)]
pub async fn import_file(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    lang: Lang,
    Path(code): Path<String>,
    q: Result<Query<ImportQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let dry_run = q.dry_run.unwrap_or(true);
    let ctx = state.ctx(Some(can.who), &rc);
    // The one check on the unit before the body is read.
    files::import_unit(&ctx, tuquan_domain::access::Action::HouseholdEdit, &code).await?;
    let bytes = match axum::body::to_bytes(body, MAX_FILE_BYTES + 1).await {
        Ok(b) if b.len() <= MAX_FILE_BYTES => Ok(b.to_vec()),
        _ => Err(FileError::TooLarge),
    };
    let (unit, outcome) = files::import_file(&ctx, &code, bytes, !dry_run).await?;
    Ok(match outcome {
        ImportOutcome::Unreadable(e) => file_error(lang, &e),
        ImportOutcome::Checked(c) => {
            let status = if c.plan.is_valid() {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            (
                status,
                Json(ImportReport::new(lang, &unit, &c, dry_run, false)),
            )
                .into_response()
        }
        ImportOutcome::Imported(c, summary) => {
            let mut report = ImportReport::new(lang, &unit, &c, false, true);
            report.created_households = summary.households;
            report.created_residents = summary.residents;
            (StatusCode::CREATED, Json(report)).into_response()
        }
    })
}

/// Export the current households and residents of a unit and below, one row per resident
/// in the import's column layout. Identity numbers are masked. The read is audited.
#[utoipa::path(
    get, path = "/api/v1/units/{code}/export", tag = "import",
    params(("code" = String, Path, description = "Unit code"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "text/csv"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn export_file(
    State(state): State<AppState>,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    lang: Lang,
    Path(code): Path<String>,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let kind = match q.format.as_deref().map(str::trim) {
        None | Some("") => FileKind::Xlsx,
        Some(f) => FileKind::parse(f).ok_or_else(|| {
            Failure::Invalid(FieldError::new(
                "format",
                FieldErrorKind::UnknownValue,
                "csv or xlsx",
            ))
        })?,
    };
    let ctx = state.ctx(Some(can.who), &rc);
    Ok(download(files::export_unit(&ctx, &code, kind, lang).await?))
}
