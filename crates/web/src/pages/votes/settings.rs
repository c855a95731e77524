//! The thresholds of meetings and votes in force in a unit's province, each with its legal
//! citation and the law's value, and the form a province official sets one with from a date.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use tuquan_app::votes as app;
use tuquan_domain::access::Action;
use tuquan_domain::votes::SettingInput;

use super::signed_in;
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::pages::common::{choices, see_other, Choice};
use crate::pages::form::{rerender, FormErrors};
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct Line {
    pub label: String,
    pub value: u32,
    pub default: u32,
    pub citation: &'static str,
}

pub struct History {
    pub key: String,
    pub value: i64,
    pub from: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "votes_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    code: String,
    name: String,
    lines: Vec<Line>,
    history: Vec<History>,
    may_set: bool,
    keys: Vec<Choice>,
    s: SettingInput,
    errors: FormErrors,
}

async fn data(
    chrome: Chrome,
    ctx: &tuquan_app::Ctx,
    code: &str,
    s: SettingInput,
) -> Result<SettingsPage, PageError> {
    let unit = tuquan_app::territory::unit(&ctx.app, code).await?;
    let (rows, history) = app::settings(ctx, code).await?;
    let lang = chrome.lang;
    let label = |k: &str| lang.t(&format!("votes.rule.{k}")).to_owned();
    Ok(SettingsPage {
        code: unit.code.clone(),
        name: unit.name.clone(),
        lines: rows
            .iter()
            .map(|r| Line {
                label: label(r.key.as_str()),
                value: r.value,
                default: r.default,
                citation: r.citation,
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| History {
                key: label(&h.key),
                value: h.value,
                from: crate::pages::common::vn_date(&h.effective_from),
                by: h.created_by.unwrap_or_default(),
            })
            .collect(),
        may_set: tuquan_app::groups::may(ctx, Action::VoteSettingsManage, &unit.path),
        keys: choices(
            rows.iter().map(|r| (r.key.as_str(), label(r.key.as_str()))),
            &s.key,
        ),
        s,
        errors: FormErrors::none(),
        chrome,
    })
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(u.0, &rc);
    let today = ctx.today().to_string();
    let s = SettingInput {
        effective_from: today,
        ..Default::default()
    };
    render(&data(chrome, &ctx, &code, s).await?)
}

pub(super) async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(s): CsrfForm<SettingInput>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::set_threshold(&ctx, &code, &s).await {
        Ok(()) => Ok(see_other(
            &format!("/territory/{}/vote-thresholds", code.trim()),
            None,
        )),
        Err(e) => {
            let lang = chrome.lang;
            let page = data(chrome, &ctx, &code, s).await?;
            rerender(e, lang, move |errors| SettingsPage { errors, ..page })
        }
    }
}
