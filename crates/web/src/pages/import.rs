//! Import and export pages: upload a file, see every error or what would be created (the
//! dry run), confirm, see the summary; download templates and the unit's list.
//!
//! Stateless confirmation: the dry-run page carries the checked file back in a hidden field,
//! so confirming posts the same bytes again, and they are checked again before anything is
//! written.

use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use tuquan_app::import::{
    self as files, write, Checked, FileError, FileKind, ImportOutcome, MAX_FILE_BYTES,
};
use tuquan_domain::access::{authorize, Action};
use tuquan_domain::people::import::{Column, MAX_ERRORS, MAX_ROWS};
use tuquan_domain::territory::Unit;

use super::common::see_other;
use super::{render, Chrome};
use crate::api::import::{download, file_status, ImportReport};
use crate::auth::{csrf, secret, Can, HouseholdEdit, HouseholdView, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::PathExt;
use crate::i18n::Lang;
use crate::pages::form::FormErrors;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[("POST", "/units/{code}/import")];

/// A form carrying the largest file, base64-encoded on the confirmation step, and its fields.
const FORM_LIMIT: usize = MAX_FILE_BYTES / 3 * 4 + 64 * 1024;
/// Households shown in the dry run's preview.
const PREVIEW: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/units/{code}/import",
            get(import_form)
                .post(import_post)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route("/units/{code}/export.xlsx", get(export))
        .route("/units/{code}/export.csv", get(export))
        .route("/import/template.xlsx", get(template))
        .route("/import/template.csv", get(template))
}

struct ColumnView {
    header: &'static str,
    key: &'static str,
    required: bool,
    description: &'static str,
    example: &'static str,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    unit_name: String,
    unit_code: String,
    action: String,
    done: Option<String>,
    /// The file's problem, beside the file control (`pages::form`).
    errors: FormErrors,
    limits: String,
    columns: Vec<ColumnView>,
    can_export: bool,
    export_hint: String,
}

struct ErrorView {
    line: String,
    column: String,
    message: String,
}

struct PreviewHousehold {
    line: usize,
    key: String,
    address: String,
    unit: String,
    members: Vec<String>,
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ResultPage {
    chrome: Chrome,
    unit_name: String,
    unit_code: String,
    action: String,
    file_name: String,
    errors: Vec<ErrorView>,
    errors_title: String,
    errors_more: Option<String>,
    summary: String,
    preview: Vec<PreviewHousehold>,
    preview_more: Option<String>,
    file_b64: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    households: Option<usize>,
    residents: Option<usize>,
}

fn action(unit: &Unit) -> String {
    format!("/units/{}/import", unit.code)
}

fn form_page(chrome: Chrome, unit: &Unit, can_export: bool) -> ImportPage {
    let lang = chrome.lang;
    ImportPage {
        unit_name: unit.name.clone(),
        unit_code: unit.code.clone(),
        action: action(unit),
        done: None,
        errors: FormErrors::none(),
        limits: lang
            .t("import.limits")
            .replace("{max}", &(MAX_FILE_BYTES / (1024 * 1024)).to_string())
            .replace("{rows}", &lang.int(MAX_ROWS as i64)),
        columns: Column::ALL
            .iter()
            .map(|c| ColumnView {
                header: c.header(),
                key: c.key(),
                required: c.required(),
                description: lang.t(&format!("import.col.{}", c.key())),
                example: write::example(*c),
            })
            .collect(),
        can_export,
        export_hint: lang.t("import.export_hint").replace("{unit}", &unit.name),
        chrome,
    }
}

fn may_export(can: &Can<HouseholdEdit>, unit: &Unit) -> bool {
    authorize(&can.who.actor, Action::HouseholdView, Some(&unit.path)).is_ok()
}

/// The upload form, the column layout, templates and export links.
async fn import_form(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    let unit = files::import_unit(&ctx, Action::HouseholdEdit, &code).await?;
    let mut page = form_page(chrome, &unit, may_export(&can, &unit));
    if let (Some(h), Some(r)) = (done.households, done.residents) {
        let lang = page.chrome.lang;
        page.done = Some(
            lang.t("import.done")
                .replace("{households}", &lang.int(h as i64))
                .replace("{residents}", &lang.int(r as i64)),
        );
    }
    Ok(render(&page)?.into_response())
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    mode: String,
    file_name: String,
    file: Option<Vec<u8>>,
    file_b64: Option<String>,
    too_large: bool,
}

/// `true` for a form past the size limit, else the malformed body's refusal.
fn over_limit(e: axum::extract::multipart::MultipartError) -> Result<bool, Failure> {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Ok(true)
    } else {
        Err(Failure::InvalidBody(e.body_text()))
    }
}

/// Reads the multipart form and checks its CSRF token with the same rule as `CsrfForm`: the
/// session's token, or before sign-in the `tq_csrf` cookie's.
async fn read_upload(state: &AppState, req: Request) -> Result<Upload, Failure> {
    let (mut parts, body) = req.into_parts();
    let expected = csrf::expected_token(&mut parts, state).await?;
    let path = parts.uri.path().to_owned();
    let mut form = Multipart::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let mut up = Upload::default();
    loop {
        // Past the size limit the form is read no further and says so; anything else
        // malformed is refused.
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                up.too_large = over_limit(e)?;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        match name.as_str() {
            "file" => match field.bytes().await {
                Ok(b) => {
                    if !b.is_empty() || file_name.as_deref().is_some_and(|n| !n.is_empty()) {
                        up.file_name = file_name.unwrap_or_default();
                        up.file = Some(b.to_vec());
                    }
                }
                Err(e) => {
                    up.too_large = over_limit(e)?;
                    break;
                }
            },
            "csrf" | "mode" | "file_b64" | "file_name" => {
                let text = match field.text().await {
                    Ok(t) => t,
                    Err(e) => {
                        up.too_large = over_limit(e)?;
                        break;
                    }
                };
                match name.as_str() {
                    "csrf" => up.csrf = text,
                    "mode" => up.mode = text,
                    "file_name" => up.file_name = text.chars().take(200).collect(),
                    _ => up.file_b64 = Some(text),
                }
            }
            _ => {}
        }
    }
    match expected {
        Some(t) if !up.csrf.is_empty() && secret::same(&t, &up.csrf) => Ok(up),
        _ => {
            tracing::warn!(path = %path, "CSRF token missing or wrong");
            Err(Failure::CsrfRejected)
        }
    }
}

/// The file's bytes from the form: the uploaded file, or the one carried by the
/// confirmation form.
fn upload_bytes(up: &mut Upload) -> Result<Vec<u8>, FileError> {
    if up.too_large {
        return Err(FileError::TooLarge);
    }
    if let Some(f) = up.file.take() {
        return Ok(f);
    }
    match up.file_b64.take() {
        Some(b) if !b.trim().is_empty() => STANDARD
            .decode(b.trim())
            .map_err(|_| FileError::Unreadable("bad base64 in the confirmation form".into())),
        _ => Err(FileError::Missing),
    }
}

fn result_page(
    chrome: Chrome,
    unit: &Unit,
    checked: &Checked,
    file_name: String,
    bytes: &[u8],
) -> ResultPage {
    let lang = chrome.lang;
    let report = ImportReport::new(lang, unit, checked, true, false);
    let errors: Vec<ErrorView> = report
        .errors
        .iter()
        .map(|e| ErrorView {
            line: if e.line == 0 {
                lang.t("import.whole_file").to_owned()
            } else {
                e.line.to_string()
            },
            column: e.column.clone(),
            message: e.message.clone(),
        })
        .collect();
    let plan = &checked.plan;
    let preview = plan
        .households
        .iter()
        .zip(&checked.targets)
        .take(PREVIEW)
        .map(|(h, u)| PreviewHousehold {
            line: h.line,
            key: h.key.clone(),
            address: h.household.address.clone(),
            unit: format!("{} ({})", u.name, u.code),
            members: h
                .members
                .iter()
                .map(|m| {
                    let r = &m.resident;
                    let mut s = format!("{} · {}", r.full_name, r.birth_date.strftime("%d/%m/%Y"));
                    if let Some(c) = &r.cccd {
                        s.push_str(" · ");
                        s.push_str(&c.masked());
                    }
                    s
                })
                .collect(),
        })
        .collect();
    let valid = plan.is_valid();
    ResultPage {
        unit_name: unit.name.clone(),
        unit_code: unit.code.clone(),
        action: action(unit),
        file_name,
        errors_title: lang
            .t("import.errors_title")
            .replace("{count}", &lang.int(plan.error_count as i64)),
        errors_more: (plan.error_count > plan.errors.len()).then(|| {
            lang.t("import.errors_more")
                .replace("{shown}", &lang.int(MAX_ERRORS as i64))
        }),
        errors,
        summary: lang
            .t("import.dry_ok")
            .replace("{rows}", &lang.int(plan.rows as i64))
            .replace("{households}", &lang.int(plan.households.len() as i64))
            .replace("{residents}", &lang.int(plan.resident_count() as i64)),
        preview,
        preview_more: (plan.households.len() > PREVIEW).then(|| {
            lang.t("import.preview_more").replace(
                "{count}",
                &lang.int((plan.households.len() - PREVIEW) as i64),
            )
        }),
        file_b64: if valid {
            STANDARD.encode(bytes)
        } else {
            String::new()
        },
        chrome,
    }
}

/// The upload: `mode=dry_run` checks and shows the outcome; `mode=apply` checks again and,
/// if every row is valid, writes them all and goes to the summary.
async fn import_post(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who.clone()), &rc);
    let unit = files::import_unit(&ctx, Action::HouseholdEdit, &code).await?;
    let mut up = read_upload(&state, req).await?;
    let apply = up.mode == "apply";
    if unit.valid_to.is_some() {
        return Err(Failure::NotFound.into());
    }
    let bytes = upload_bytes(&mut up);
    // The result page carries the valid file back for the confirmation.
    let kept = bytes.as_ref().ok().cloned().unwrap_or_default();
    let (unit, outcome) = files::import_file(&ctx, &code, bytes, apply).await?;
    match outcome {
        ImportOutcome::Unreadable(e) => Ok(file_error_page(chrome, &can, &unit, &e)),
        ImportOutcome::Checked(checked) => {
            let status = if checked.plan.is_valid() {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            let page = result_page(chrome, &unit, &checked, up.file_name, &kept);
            // The page carries the uploaded file (identity numbers in full) for the confirmation.
            Ok((status, [(CACHE_CONTROL, "no-store")], render(&page)?).into_response())
        }
        // Post/redirect/get: reloading the summary does not import twice.
        ImportOutcome::Imported(_, summary) => Ok(see_other(
            &format!(
                "{}?households={}&residents={}",
                action(&unit),
                summary.households,
                summary.residents
            ),
            None,
        )),
    }
}

fn file_error_page(
    chrome: Chrome,
    can: &Can<HouseholdEdit>,
    unit: &Unit,
    e: &FileError,
) -> Response {
    let lang = chrome.lang;
    let mut page = form_page(chrome, unit, may_export(can, unit));
    page.errors = FormErrors::field("file", e.message(lang));
    match render(&page) {
        Ok(html) => (file_status(e), html).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The unit's list, as XLSX or CSV by the path's extension.
async fn export(
    State(state): State<AppState>,
    can: Can<HouseholdView>,
    rc: RequestCtx,
    lang: Lang,
    Path(code): Path<String>,
    PathExt(kind): PathExt<FileKind>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    Ok(download(files::export_unit(&ctx, &code, kind, lang).await?))
}

/// The template by the path's extension: XLSX with instructions in the reader's language, or
/// CSV, the header row. Public: it holds no data.
async fn template(lang: Lang, PathExt(kind): PathExt<FileKind>) -> Result<Response, PageError> {
    Ok(download(files::template(kind, lang)?))
}
