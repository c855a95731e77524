//! The thanks list (tri ân) of a commune: who stopped serving when the units were
//! restructured, their post, unit, service and reward decision; printable from the browser
//! (the print stylesheet drops the navigation, the form and the tick boxes). An official
//! records the reward decision (number and date) for the records ticked, with one form and
//! no JavaScript: the boxes in the table belong to the form by their `form` attribute.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use axum::routing::get;
use axum::Router;
use tuquan_app::restructuring as app;
use tuquan_domain::restructuring::reward::{RewardInput, ThanksId};

use super::super::common::vn_date;
use super::super::form::FormErrors;
use super::super::groups::role_name;
use super::super::{render, Chrome};
use super::schemes::{all, finish, one, Pairs};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, RequestCtx, RestructuringApply};
use crate::error::{Failure, PageError};
use crate::AppState;

const PATH: &str = "/communes/{code}/restructuring/thanks";

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[("POST", PATH)];

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(page).post(reward))
}

pub struct Row {
    pub id: ThanksId,
    pub checked: bool,
    pub full_name: String,
    pub resident_id: i64,
    pub post: String,
    pub group: String,
    pub unit: String,
    pub served: String,
    pub reward: String,
}

#[derive(Template)]
#[template(path = "restructuring_thanks.html")]
struct Page {
    chrome: Chrome,
    code: String,
    name: String,
    rows: Vec<Row>,
    number: String,
    date: String,
    errors: FormErrors,
}

/// The page with the form's fields (the ticked records, `record` repeated; the number and
/// the date) as typed.
async fn build(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    code: &str,
    form: &Pairs,
    errors: FormErrors,
) -> Result<Page, Failure> {
    let list = app::thanks_list(ctx, code).await?;
    let lang = chrome.lang;
    let ticked = all(form, "record");
    let rows = list
        .records
        .iter()
        .map(|r| Row {
            id: r.id,
            checked: ticked.contains(&r.id.to_string()),
            full_name: r.full_name.clone(),
            resident_id: r.resident_id.get(),
            post: role_name(lang, &r.role, false),
            group: r.group_name.clone(),
            unit: r.unit_name.clone(),
            served: format!("{} – {}", vn_date(&r.served_from), vn_date(&r.served_to)),
            reward: match (&r.reward_decision, &r.reward_on) {
                (Some(n), Some(d)) => format!("{n}, {}", vn_date(d)),
                (Some(n), None) => n.clone(),
                _ => String::new(),
            },
        })
        .collect();
    Ok(Page {
        code: list.commune.code.clone(),
        name: list.commune.name.clone(),
        rows,
        number: one(form, "number"),
        date: one(form, "date"),
        errors,
        chrome,
    })
}

async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<RestructuringApply>,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    render(&build(&ctx, chrome, &code, &Vec::new(), FormErrors::none()).await?)
}

/// Records the reward decision on the ticked records; errors beside the fields, the ticks
/// and values kept.
async fn reward(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<RestructuringApply>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let ids: Vec<ThanksId> = all(&form, "record")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let input = RewardInput {
        number: one(&form, "number"),
        date: one(&form, "date"),
    };
    let done = app::record_reward(&ctx, &code, &ids, &input).await;
    finish(
        chrome.lang,
        done,
        |_| format!("/communes/{code}/restructuring/thanks"),
        |errors| build(&ctx, chrome, &code, &form, errors),
    )
    .await
}
