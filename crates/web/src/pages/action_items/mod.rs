//! Action items pages ("rõ người, rõ việc"): who owes what in a unit (grouped by owner,
//! overdue first, filters, pages, print), the roll-up per unit, "my items", one item with its
//! history and progress form, the new/edit form, and a meeting's section. No JavaScript.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use tuquan_app::action_items::{self as items, ActionItemRecord, ItemPage, ListQuery};
use tuquan_app::documents::produce::file_name;
use tuquan_domain::{ActionItemId, MeetingId};

use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::common::vn_date;
use crate::pages::documents::{format_of, send};
use crate::pages::{render, Chrome};
use crate::AppState;

mod edit;
mod show;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/territory/{code}/action-items"),
    ("POST", "/action-items/{id}/edit"),
    ("POST", "/action-items/{id}/progress"),
    ("POST", "/action-items/{id}/cancel"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/territory/{code}/action-items",
            get(list).post(edit::create),
        )
        .route("/territory/{code}/action-items/new", get(edit::new_form))
        .route("/territory/{code}/action-items/rollup", get(rollup))
        .route("/territory/{code}/action-items/file/{file}", get(print))
        .route("/action-items/mine", get(mine))
        .route("/meetings/{id}/action-items", get(meeting_page))
        .route("/action-items/{id}", get(show::page))
        .route(
            "/action-items/{id}/edit",
            get(edit::edit_form).post(edit::save),
        )
        .route("/action-items/{id}/progress", post(show::progress))
        .route("/action-items/{id}/cancel", post(show::cancel))
}

/// One line of a list, ready to show.
pub struct Row {
    pub id: ActionItemId,
    /// The owner's heading, on the first row of each owner.
    pub heading: Option<String>,
    pub title: String,
    pub owner: String,
    pub unit_name: String,
    pub due: String,
    pub status: &'static str,
    pub overdue: bool,
    pub resolution: String,
}

fn status_key(i: &ActionItemRecord) -> &'static str {
    key_of(i.status.as_str())
}

/// The message key of a status code.
fn key_of(code: &str) -> &'static str {
    match code {
        "open" => "items.status.open",
        "in_progress" => "items.status.in_progress",
        "done" => "items.status.done",
        _ => "items.status.cancelled",
    }
}

/// Where a saved item goes: its page.
fn to_item(id: ActionItemId) -> Response {
    crate::pages::common::see_other(&format!("/action-items/{id}"), None)
}

/// Rows with a heading where the owner changes (`grouped`).
pub(crate) fn rows(list: &[ActionItemRecord], today: &str, grouped: bool) -> Vec<Row> {
    let mut last = String::new();
    list.iter()
        .map(|i| {
            let key = i.owner_key();
            let owner = items::owner_label(i);
            let heading = (grouped && key != last).then(|| owner.clone());
            last = key;
            Row {
                id: i.id,
                heading,
                title: i.title.clone(),
                owner,
                unit_name: i.unit_name.clone(),
                due: vn_date(&i.due_on),
                status: status_key(i),
                overdue: i.status.is_pending() && i.due_on.as_str() < today,
                resolution: i.resolution.clone().unwrap_or_default(),
            }
        })
        .collect()
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "action_items_list.html")]
struct ListPage {
    chrome: Chrome,
    code: String,
    name: String,
    rows: Vec<Row>,
    statuses: Vec<Opt>,
    owners: Vec<Opt>,
    /// The filters as a query string (without `page`), for the print and page links.
    query: String,
    prev: Option<String>,
    next: Option<String>,
}

fn query_of(q: &ListQuery) -> String {
    serde_urlencoded::to_string([
        ("status", q.status.clone().unwrap_or_default()),
        ("owner", q.owner.clone().unwrap_or_default()),
    ])
    .unwrap_or_default()
}

fn list_query(q: Result<Query<ListQuery>, QueryRejection>) -> Result<ListQuery, Failure> {
    crate::extract::query(q)
}

async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = list_query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let p: ItemPage = items::list(&ctx, &code, &q).await?;
    let current = q.status.clone().unwrap_or_else(|| "pending".into());
    let statuses = [
        "pending",
        "overdue",
        "open",
        "in_progress",
        "done",
        "cancelled",
        "all",
    ]
    .into_iter()
    .map(|s| Opt {
        value: s.into(),
        label: chrome.t(&format!("items.status.{s}")).into(),
        selected: s == current,
    })
    .collect();
    let owner = q.owner.clone().unwrap_or_default();
    let mut owners = vec![Opt {
        value: String::new(),
        label: chrome.t("items.all_owners").into(),
        selected: owner.is_empty(),
    }];
    for i in &p.items {
        let key = i.owner_key();
        if !owners.iter().any(|o| o.value == key) {
            owners.push(Opt {
                selected: key == owner,
                value: key,
                label: items::owner_label(i),
            });
        }
    }
    let base = query_of(&q);
    let link = |n: i64| format!("/territory/{}/action-items?{base}&page={n}", p.unit.code);
    render(&ListPage {
        code: p.unit.code.clone(),
        name: p.unit.name.clone(),
        rows: rows(&p.items, &p.today, true),
        statuses,
        owners,
        prev: (p.page > 1).then(|| link(p.page - 1)),
        next: p.more.then(|| link(p.page + 1)),
        query: base,
        chrome,
    })
}

/// `/territory/{code}/action-items/file/list.pdf` (or `.docx`): the list with the page's filters.
async fn print(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((code, file)): Path<(String, String)>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = list_query(q)?;
    let format = file
        .strip_prefix("list.")
        .and_then(format_of)
        .ok_or(Failure::NotFound)?;
    let ctx = state.ctx(Some(who), &rc);
    let (unit, doc) = items::list_document(&ctx, &code, &q).await?;
    let ext = file.rsplit('.').next().unwrap_or("pdf");
    send(
        doc,
        format,
        file_name(&["phan-cong-cong-viec", &unit.name], ext),
        true,
    )
    .await
}

pub struct CountRow {
    pub code: String,
    pub name: String,
    pub pending: i64,
    pub overdue: i64,
    pub done_on_time: i64,
    pub done_late: i64,
}

#[derive(Template)]
#[template(path = "action_items_rollup.html")]
struct RollupPage {
    chrome: Chrome,
    code: String,
    name: String,
    rows: Vec<CountRow>,
}

async fn rollup(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let (unit, counts) = items::rollup(&ctx, &code).await?;
    render(&RollupPage {
        code: unit.code,
        name: unit.name,
        rows: counts
            .into_iter()
            .map(|c| CountRow {
                code: c.unit_code,
                name: c.unit_name,
                pending: c.pending,
                overdue: c.overdue,
                done_on_time: c.done_on_time,
                done_late: c.done_late,
            })
            .collect(),
        chrome,
    })
}

#[derive(Template)]
#[template(path = "action_items_mine.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<Row>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    page: Option<i64>,
}

async fn mine(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = crate::extract::query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let (list, page, more, today) = items::mine(&ctx, q.page).await?;
    let link = |n: i64| format!("/action-items/mine?page={n}");
    render(&MinePage {
        rows: rows(&list, &today, false),
        prev: (page > 1).then(|| link(page - 1)),
        next: more.then(|| link(page + 1)),
        chrome,
    })
}

#[derive(Template)]
#[template(path = "_action_items_meeting.html")]
struct MeetingSection<'a> {
    chrome: &'a Chrome,
    set: Vec<Row>,
    carried: Vec<Row>,
}

/// A meeting's section (for the meeting's page, included with `|safe`): the items its
/// resolutions set and the open items carried into it. Returns the meeting's title too.
pub async fn meeting_section(
    ctx: &tuquan_app::Ctx,
    chrome: &Chrome,
    meeting_id: MeetingId,
) -> Result<(String, String), PageError> {
    let (title, m) = items::of_meeting(ctx, meeting_id).await?;
    let today = ctx.today().to_string();
    let html = render(&MeetingSection {
        chrome,
        set: rows(&m.set, &today, false),
        carried: rows(&m.carried, &today, false),
    })?;
    Ok((title, html.0))
}

#[derive(Template)]
#[template(path = "action_items_meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    id: MeetingId,
    title: String,
    section: String,
}

/// `/meetings/{id}/action-items`: the meeting's section on a page of its own.
async fn meeting_page(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let (title, section) = meeting_section(&ctx, &chrome, id).await?;
    render(&MeetingPage {
        chrome,
        id,
        title,
        section,
    })
}
