//! The thanks list (tri ân) of a commune: who stopped serving when the units were
//! restructured, their post, unit, service and reward decision; printable from the browser
//! (the print stylesheet drops the navigation).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use tuquan_app::restructuring as app;

use super::super::common::vn_date;
use super::super::groups::role_name;
use super::super::{render, Chrome};
use crate::auth::{Can, RequestCtx, RestructuringApply};
use crate::error::PageError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/communes/{code}/restructuring/thanks", get(page))
}

pub struct Row {
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
}

async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<RestructuringApply>,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let list = app::thanks_list(&ctx, &code).await?;
    let lang = chrome.lang;
    let rows = list
        .records
        .iter()
        .map(|r| Row {
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
    render(&Page {
        code: list.commune.code.clone(),
        name: list.commune.name.clone(),
        rows,
        chrome,
    })
}
