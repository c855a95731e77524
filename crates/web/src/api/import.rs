//! `/api/v1/units/{code}/import` and `/api/v1/units/{code}/export`: households and
//! residents from and to CSV or XLSX (docs/import.md).

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tuquan_domain::{FieldError, FieldErrorKind};
use utoipa::IntoParams;

use crate::auth::{Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::{ApiError, ErrorBody, ErrorDetail, Failure};
use crate::i18n::Lang;
use crate::import::{self as files, FileError, FileKind, ImportReport, MAX_FILE_BYTES};
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

/// A file that could not be read, as the API's usual error body with `field: "file"`.
pub(crate) fn file_error(lang: Lang, e: &FileError) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: e.code().to_owned(),
            message: e.message(lang),
            field: Some("file".to_owned()),
        },
    };
    (e.status(), Json(body)).into_response()
}

/// The unit in the path, after the one authorization check for the action on it.
pub(crate) async fn unit_checked<A: crate::auth::Capability>(
    state: &AppState,
    can: &Can<A>,
    code: &str,
) -> Result<tuquan_domain::territory::Unit, Failure> {
    let unit = files::unit_for(state, code).await?;
    can.check(Some(&unit.path))?;
    Ok(unit)
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
        (status = 400, description = "Some rows are wrong (nothing written), or the file is unreadable", body = ImportReport),
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
    let Query(q) = q.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let dry_run = q.dry_run.unwrap_or(true);
    let unit = unit_checked(&state, &can, &code).await?;
    if unit.valid_to.is_some() {
        return Err(Failure::Invalid(FieldError::new(
            "code",
            FieldErrorKind::NotAllowedHere,
            "the unit no longer exists",
        ))
        .into());
    }
    let bytes = match axum::body::to_bytes(body, MAX_FILE_BYTES + 1).await {
        Ok(b) if b.len() <= MAX_FILE_BYTES => b.to_vec(),
        _ => return Ok(file_error(lang, &FileError::TooLarge)),
    };
    let checked = match files::check(&state, &unit, bytes).await? {
        Ok(c) => c,
        Err(e) => return Ok(file_error(lang, &e)),
    };
    if dry_run || !checked.plan.is_valid() {
        files::audit_check(&state, &rc, &can.who, &unit, &checked, dry_run).await?;
        let status = if checked.plan.is_valid() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        return Ok((status, Json(checked.report(lang, &unit, dry_run, false))).into_response());
    }
    let summary = files::apply(&state, &checked, &rc.audit(Some(&can.who))).await?;
    let mut report = checked.report(lang, &unit, false, true);
    report.created_households = summary.households;
    report.created_residents = summary.residents;
    Ok((StatusCode::CREATED, Json(report)).into_response())
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
    let Query(q) = q.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let kind = match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("xlsx") => FileKind::Xlsx,
        Some("csv") => FileKind::Csv,
        Some(_) => {
            return Err(Failure::Invalid(FieldError::new(
                "format",
                FieldErrorKind::UnknownValue,
                "csv or xlsx",
            ))
            .into())
        }
    };
    let unit = unit_checked(&state, &can, &code).await?;
    Ok(files::export(&state, &rc, &can.who, lang, &unit, kind).await?)
}
