//! Documents: the page of a unit listing what can be produced there, and the downloads
//! (PDF and DOCX in the Decree 30 format, the statistics workbook). The use cases authorize
//! and audit (`tuquan_app::documents::produce`); rendering runs in `spawn_blocking`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tuquan_app::documents::produce;
use tuquan_app::documents::{render_docx, render_pdf, Document};
use tuquan_app::stats::StatsQuery;
use tuquan_app::{AppError, Ctx};
use tuquan_domain::access::Action;

use super::{render, Chrome};
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::extract::{FileFormat, PathExt};
use crate::i18n::Lang;
use crate::AppState;

const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/{code}/documents", get(page))
        .route("/units/{code}/documents/{file}", get(unit_file))
        .route("/units/{code}/feedback-stats.xlsx", get(stats_xlsx))
        .route("/groups/{id}/decision.pdf", get(decision))
        .route("/groups/{id}/decision.docx", get(decision))
        .route("/me/data.pdf", get(my_data_pdf))
}

pub struct GroupLink {
    pub name: String,
    pub pdf: String,
    pub docx: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    chrome: Chrome,
    title: String,
    code: String,
    unit_href: String,
    households: bool,
    groups: Vec<GroupLink>,
    from: String,
    to: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Pdf,
    Docx,
}

pub(crate) fn format_of(ext: &str) -> Option<Format> {
    match ext {
        "pdf" => Some(Format::Pdf),
        "docx" => Some(Format::Docx),
        _ => None,
    }
}

impl FileFormat for Format {
    fn from_ext(ext: &str) -> Option<Self> {
        format_of(ext)
    }
}

/// Documents rendered at once: one per core. A render is CPU work of up to about a second;
/// more at once would only slow each other and the other requests down, so later ones wait
/// (asynchronously, holding no thread) for a permit.
static RENDERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Renders on the blocking pool (never on the runtime's threads), at most [`RENDERS`] at a
/// time, and answers with the file. `personal`: never cached.
pub(crate) async fn send(
    doc: Document,
    f: Format,
    name: String,
    personal: bool,
) -> Result<Response, PageError> {
    let bytes = rendered(move || match f {
        Format::Pdf => render_pdf(&doc),
        Format::Docx => render_docx(&doc),
    })
    .await?;
    Ok(file(
        bytes,
        if f == Format::Pdf { PDF } else { DOCX },
        &name,
        personal,
    ))
}

/// Runs `render` on the blocking pool, at most [`RENDERS`] at a time; any failure is internal.
async fn rendered<E: ToString + Send + 'static>(
    render: impl FnOnce() -> Result<Vec<u8>, E> + Send + 'static,
) -> Result<Vec<u8>, AppError> {
    fn internal(e: impl ToString) -> AppError {
        AppError::Internal(e.to_string())
    }
    let _permit = RENDERS.acquire().await.map_err(internal)?;
    tokio::task::spawn_blocking(render)
        .await
        .map_err(internal)?
        .map_err(internal)
}

fn file(bytes: Vec<u8>, content_type: &str, name: &str, personal: bool) -> Response {
    let cache = if personal {
        "no-store"
    } else {
        "private, max-age=0"
    };
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, cache.to_owned()),
        ],
        bytes,
    )
        .into_response()
}

fn ext_name(f: Format) -> &'static str {
    if f == Format::Pdf {
        "pdf"
    } else {
        "docx"
    }
}

async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let unit = tuquan_app::territory::unit(&ctx.app, &code).await?;
    let households = ctx
        .authorize(Action::HouseholdView, Some(&unit.path))
        .is_ok();
    let groups = match tuquan_app::groups::list_groups(&ctx, &code, Default::default()).await {
        Ok(p) => p
            .items
            .into_iter()
            .map(|g| GroupLink {
                name: g.name,
                pdf: format!("/groups/{}/decision.pdf", g.id),
                docx: format!("/groups/{}/decision.docx", g.id),
            })
            .collect(),
        Err(AppError::Forbidden) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let period = tuquan_domain::feedback::stats::Period::default_at(ctx.now);
    let page = DocumentsPage {
        title: format!("{} — {}", chrome.lang.t("doc.title"), unit.name),
        unit_href: format!("/territory/{}", unit.code),
        code: unit.code,
        households,
        groups,
        from: period.from.to_string(),
        to: period.to.to_string(),
        chrome,
    };
    Ok(render(&page)?.into_response())
}

async fn unit_file(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((code, name)): Path<(String, String)>,
    Query(q): Query<StatsQuery>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let (stem, ext) = name.rsplit_once('.').ok_or(AppError::NotFound)?;
    let f = format_of(ext).ok_or(AppError::NotFound)?;
    let day = ctx.today().strftime("%Y%m%d").to_string();
    match stem {
        "households" => {
            let (unit, doc) = produce::household_list(&ctx, &code).await?;
            let n = produce::file_name(&["danh-sach-ho", &unit.code, &day], ext_name(f));
            send(doc, f, n, true).await
        }
        "feedback-report" => {
            let doc = produce::feedback_report(&ctx, &code, &q).await?;
            let n = produce::file_name(&["bao-cao-phan-anh", &code, &day], ext_name(f));
            send(doc, f, n, false).await
        }
        _ => Err(AppError::NotFound.into()),
    }
}

/// A group's establishment decision, as PDF or DOCX by the path's extension.
async fn decision(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<tuquan_domain::GroupId>,
    PathExt(f): PathExt<Format>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let doc = produce::group_decision(&ctx, id).await?;
    let n = produce::file_name(&["quyet-dinh-thanh-lap", &id.to_string()], ext_name(f));
    send(doc, f, n, true).await
}

async fn my_data_pdf(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let doc = produce::my_data(&ctx).await?;
    let n = produce::file_name(
        &[
            "du-lieu-cua-toi",
            &ctx.today().strftime("%Y%m%d").to_string(),
        ],
        "pdf",
    );
    send(doc, Format::Pdf, n, true).await
}

/// The statistics of a unit as a workbook with a native chart (public figures).
async fn stats_xlsx(
    State(state): State<AppState>,
    lang: Lang,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<StatsQuery>,
) -> Result<Response, PageError> {
    let ctx: Ctx = state.ctx(None, &rc);
    let l = tuquan_app::stats::report(&ctx, Some(&code), &q).await?;
    let unit = l.unit.clone().ok_or(AppError::NotFound)?;
    let monthly =
        produce::monthly_stats(&ctx, Some(&unit), l.period, q.category.as_deref()).await?;
    let rows = produce::stat_rows(lang, &unit.name, &monthly);
    let bytes =
        rendered(move || tuquan_app::documents::stats_xlsx::statistics_xlsx(&rows, lang)).await?;
    let n = produce::file_name(&["thong-ke-phan-anh", &unit.code], "xlsx");
    Ok(file(bytes, XLSX, &n, false))
}
