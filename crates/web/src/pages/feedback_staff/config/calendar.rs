//! The national work calendar: holidays and make-up working days, which deadlines skip or
//! count.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tuquan_app::feedback as app;
use tuquan_app::Ctx;

use super::{done_key, DoneQuery};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, FeedbackConfigure, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::pages::account::see_other;
use crate::pages::feedback_staff::form_errors;
use crate::pages::form::FormErrors;
use crate::pages::groups::{vn_date, Empty};
use crate::pages::{render, Chrome, ConfirmPage};
use crate::AppState;

/// A day of the calendar as listed.
pub struct DayRow {
    pub day: String,
    pub shown: String,
    pub weekday: &'static str,
    pub kind: &'static str,
    pub name: String,
}

#[derive(Template)]
#[template(path = "feedback_staff_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    days: Vec<DayRow>,
    may_edit: bool,
    day: String,
    kind: String,
    name: String,
    errors: FormErrors,
    done: Option<&'static str>,
}

fn weekday(lang: Lang, day: &str) -> &'static str {
    match day.parse::<jiff::civil::Date>() {
        Ok(d) => lang.t(&format!(
            "fbs_weekday_{}",
            d.weekday().to_monday_one_offset()
        )),
        Err(_) => "",
    }
}

async fn calendar_page(
    ctx: &Ctx,
    chrome: Chrome,
    form: Option<&DayForm>,
    errors: FormErrors,
    done: Option<&'static str>,
) -> Result<CalendarPage, Failure> {
    let lang = chrome.lang;
    let days = app::settings::calendar_days(ctx)
        .await?
        .into_iter()
        .map(|(day, kind, name)| DayRow {
            shown: vn_date(&day),
            weekday: weekday(lang, &day),
            kind: if kind == "workday" {
                lang.t("fbs_kind_workday")
            } else {
                lang.t("fbs_kind_holiday")
            },
            day,
            name,
        })
        .collect();
    Ok(CalendarPage {
        days,
        may_edit: app::settings::may_edit_calendar(ctx),
        day: form.map(|f| f.day.clone()).unwrap_or_default(),
        kind: form
            .map(|f| f.kind.clone())
            .unwrap_or_else(|| "holiday".into()),
        name: form.map(|f| f.name.clone()).unwrap_or_default(),
        errors,
        done,
        chrome,
    })
}

pub(crate) async fn calendar(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let done = done_key(q.done.as_deref());
    let page = calendar_page(&ctx, chrome, None, FormErrors::none(), done).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub(crate) struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

/// Adds a holiday or a make-up working day (or renames a day already there).
pub(crate) async fn add_day(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    CsrfForm(form): CsrfForm<DayForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let ctx = state.ctx(Some(can.who), &rc);
    match app::settings::set_calendar_day(&ctx, &form.day, &form.kind, &form.name).await {
        Ok(_) => Ok(see_other("/feedback/calendar?done=added", None)),
        Err(e) => {
            let f = Failure::from(e);
            let Some((status, errors)) = form_errors(lang, &f) else {
                return Err(f.into());
            };
            let page = calendar_page(&ctx, chrome, Some(&form), errors, None).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}

/// Asks before removing a day: deadlines computed from now on change with it.
pub(crate) async fn confirm_remove(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Path(day): Path<String>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let ctx = state.ctx(Some(can.who), &rc);
    let (date, kind, name) = app::settings::calendar_day(&ctx, &day).await?;
    let kind = if kind == "workday" {
        lang.t("fbs_kind_workday")
    } else {
        lang.t("fbs_kind_holiday")
    };
    let page = ConfirmPage {
        title: lang.t("fbs_remove_day_title").to_owned(),
        message: lang
            .t("fbs_remove_day_message")
            .replace("{day}", &vn_date(&date.to_string()))
            .replace("{kind}", kind)
            .replace("{name}", &name),
        action: format!("/feedback/calendar/{date}/remove"),
        button: "fbs_remove_day_button",
        back: "/feedback/calendar".into(),
        chrome,
    };
    Ok(render(&page)?.into_response())
}

pub(crate) async fn remove_day(
    State(state): State<AppState>,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Path(day): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    app::settings::remove_calendar_day(&ctx, &day).await?;
    Ok(see_other("/feedback/calendar?done=removed", None))
}
