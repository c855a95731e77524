//! A commune's feedback settings — categories with their deadlines, the routing table — and
//! the national work calendar. Changes go through `tuquan_app::feedback::settings`, which checks
//! `FeedbackConfigure` on the commune (the whole country for the calendar); the store audits
//! each.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tuquan_app::feedback::{self as app, category_name};
use tuquan_app::{AppError, Ctx};
use tuquan_domain::access::{Action, Role};
use tuquan_domain::feedback::{role_handles_feedback, CategoryInput, Level};

use super::form_errors;
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, FeedbackConfigure, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::pages::account::see_other;
use crate::pages::form::FormErrors;
use crate::pages::groups::{choices, vn_date, Choice, Empty};
use crate::pages::{render, Chrome, ConfirmPage};
use crate::AppState;

#[derive(Deserialize)]
pub(super) struct PickQuery {
    commune: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_staff_pick.html")]
struct PickPage {
    chrome: Chrome,
    commune: String,
}

/// `/feedback/settings`: straight to one's commune, else a form asking which.
pub(super) async fn pick(
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    Query(q): Query<PickQuery>,
) -> Result<Response, PageError> {
    if let Some(c) = q
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        // A unit code is digits, letters and dashes; anything else is no commune.
        if c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
            return Ok(see_other(&format!("/feedback/settings/{c}"), None));
        }
        return Err(Failure::NotFound.into());
    }
    if let Some(Some(path)) = can.home_scope() {
        let parts: Vec<&str> = path.split('/').collect();
        if let [_, commune] = parts.as_slice() {
            return Ok(see_other(&format!("/feedback/settings/{commune}"), None));
        }
    }
    Ok(render(&PickPage {
        chrome,
        commune: String::new(),
    })?
    .into_response())
}

/// A category as the settings page shows and edits it.
pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub name_vi: String,
    pub name_en: String,
    pub ack_hours: String,
    pub resolve_hours: String,
    pub allow_anonymous: bool,
    pub active: bool,
    pub own: bool,
    /// What the ids of its controls end with: the code, or `new` for the form adding one.
    pub key: String,
    /// The errors of its last save, keyed by control id (`{field}-{key}`).
    pub errors: FormErrors,
}

impl CategoryRow {
    /// The id of the control of `field` in this row's form.
    pub fn id(&self, field: &str) -> String {
        format!("{field}-{}", self.key)
    }
}

/// A refused form's errors with their ids made those of the form's controls
/// (`{field}-{key}`); a message about a field the form has no control for stays general.
fn keyed(errors: FormErrors, key: &str, controls: &[&str]) -> FormErrors {
    let items = errors
        .items
        .into_iter()
        .map(|mut e| {
            e.id =
                e.id.filter(|id| controls.contains(&id.as_str()))
                    .map(|id| format!("{id}-{key}"));
            e
        })
        .collect();
    FormErrors { items }
}

/// The controls of a category's form (the code only where a category is added).
const CATEGORY_CONTROLS: &[&str] = &["name_vi", "name_en", "ack_hours", "resolve_hours"];
const NEW_CATEGORY_CONTROLS: &[&str] =
    &["code", "name_vi", "name_en", "ack_hours", "resolve_hours"];

/// A row of the routing table.
pub struct RouteRow {
    /// The category code, empty for every category.
    pub category: String,
    pub label: String,
    /// The rule in force, in words.
    pub current: String,
    pub levels: Vec<Choice>,
    pub roles: Vec<Choice>,
    /// What the ids of its controls end with: the category code, or `all`.
    pub key: String,
    pub errors: FormErrors,
}

impl RouteRow {
    pub fn id(&self, field: &str) -> String {
        format!("{field}-{}", self.key)
    }
}

#[derive(Template)]
#[template(path = "feedback_staff_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    commune_code: String,
    commune_name: String,
    categories: Vec<CategoryRow>,
    new_category: CategoryRow,
    routes: Vec<RouteRow>,
    done: Option<&'static str>,
    /// The errors of the form that was refused, for the summary at the top.
    errors: FormErrors,
}

fn hours(minutes: i64) -> String {
    (minutes / 60).to_string()
}

fn blank_category() -> CategoryRow {
    CategoryRow {
        code: String::new(),
        name: String::new(),
        name_vi: String::new(),
        name_en: String::new(),
        ack_hours: "8".into(),
        resolve_hours: "40".into(),
        allow_anonymous: false,
        active: true,
        own: true,
        key: "new".into(),
        errors: FormErrors::none(),
    }
}

fn from_input(input: &CategoryInput, key: &str, errors: FormErrors) -> CategoryRow {
    let on = |v: &Option<String>| v.is_some();
    CategoryRow {
        code: input.code.trim().to_owned(),
        name: input.name_vi.clone(),
        name_vi: input.name_vi.clone(),
        name_en: input.name_en.clone(),
        ack_hours: input.ack_hours.clone(),
        resolve_hours: input.resolve_hours.clone(),
        allow_anonymous: on(&input.allow_anonymous),
        active: on(&input.active),
        own: true,
        key: key.to_owned(),
        errors,
    }
}

fn level_label(lang: Lang, level: &str) -> &'static str {
    lang.t(&format!("fbs_level_{level}"))
}

/// What went wrong in one of the page's forms, to show it there.
enum FormError {
    Category {
        adding: bool,
        input: CategoryInput,
        errors: FormErrors,
    },
    Route {
        category: String,
        errors: FormErrors,
    },
}

async fn settings_page(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    done: Option<&'static str>,
    error: Option<FormError>,
) -> Result<SettingsPage, Failure> {
    let lang = chrome.lang;
    let app::settings::CommuneSettings {
        commune,
        categories: settings,
        routes: rules,
    } = app::settings::settings(ctx, code).await?;
    let mut new_category = blank_category();
    let mut categories: Vec<CategoryRow> = settings
        .iter()
        .map(|s| CategoryRow {
            code: s.category.code.clone(),
            name: category_name(lang, &s.category),
            name_vi: s.category.name_vi.clone(),
            name_en: s.category.name_en.clone(),
            ack_hours: hours(s.category.ack_minutes),
            resolve_hours: hours(s.category.resolve_minutes),
            allow_anonymous: s.category.allow_anonymous,
            active: s.active,
            own: s.own,
            key: s.category.code.clone(),
            errors: FormErrors::none(),
        })
        .collect();
    let mut route_error: Option<(String, FormErrors)> = None;
    let mut page_errors = FormErrors::none();
    match error {
        Some(FormError::Category {
            adding: true,
            input,
            errors,
        }) => {
            let errors = keyed(errors, "new", NEW_CATEGORY_CONTROLS);
            page_errors = errors.clone();
            new_category = from_input(&input, "new", errors);
        }
        Some(FormError::Category { input, errors, .. }) => {
            let code = input.code.trim().to_owned();
            let errors = keyed(errors, &code, CATEGORY_CONTROLS);
            page_errors = errors.clone();
            if let Some(row) = categories.iter_mut().find(|c| c.code == code) {
                let name = row.name.clone();
                *row = from_input(&input, &code, errors);
                row.name = name;
            }
        }
        Some(FormError::Route { category, errors }) => {
            let key = route_key(&category);
            let errors = keyed(errors, &key, &["level", "role"]);
            page_errors = errors.clone();
            route_error = Some((category, errors));
        }
        None => {}
    }
    let handling_roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::SystemAdmin && role_handles_feedback(*r))
        .collect();
    let mut rows: Vec<(String, String)> =
        vec![(String::new(), lang.t("fbs_every_category").to_owned())];
    rows.extend(
        settings
            .iter()
            .filter(|s| s.active)
            .map(|s| (s.category.code.clone(), category_name(lang, &s.category))),
    );
    let routes = rows
        .into_iter()
        .map(|(code, label)| {
            let rule = rules
                .iter()
                .find(|r| r.category.as_deref().unwrap_or("") == code);
            let current = match rule {
                Some(r) => format!(
                    "{} · {}",
                    level_label(lang, r.level.as_str()),
                    lang.t(&format!("role.{}", r.role.as_str()))
                ),
                None if code.is_empty() => lang.t("fbs_route_default").to_owned(),
                None => lang.t("fbs_route_inherit").to_owned(),
            };
            let level = rule.map(|r| r.level.as_str()).unwrap_or("");
            let role = rule.map(|r| r.role.as_str()).unwrap_or("");
            RouteRow {
                levels: choices(
                    [Level::Unit, Level::Commune, Level::Province]
                        .into_iter()
                        .map(|l| (l.as_str(), level_label(lang, l.as_str()).to_owned())),
                    level,
                ),
                roles: choices(
                    handling_roles.iter().map(|r| {
                        (
                            r.as_str(),
                            lang.t(&format!("role.{}", r.as_str())).to_owned(),
                        )
                    }),
                    role,
                ),
                errors: route_error
                    .as_ref()
                    .filter(|(c, _)| *c == code)
                    .map(|(_, e)| e.clone())
                    .unwrap_or_default(),
                key: route_key(&code),
                category: code,
                label,
                current,
            }
        })
        .collect();
    Ok(SettingsPage {
        commune_code: commune.code.clone(),
        commune_name: commune.name.clone(),
        categories,
        new_category,
        routes,
        done,
        errors: page_errors,
        chrome,
    })
}

/// What the ids of a routing row's controls end with.
fn route_key(category: &str) -> String {
    if category.is_empty() {
        "all".into()
    } else {
        category.to_owned()
    }
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

fn done_key(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "category" => Some("fbs_done_category"),
        "route" => Some("fbs_done_route"),
        "added" => Some("fbs_done_day_added"),
        "removed" => Some("fbs_done_day_removed"),
        _ => None,
    }
}

pub(super) async fn settings(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let page = settings_page(&ctx, chrome, &code, done_key(q.done.as_deref()), None).await?;
    Ok(render(&page)?.into_response())
}

/// Saves one category (`new` present: a category added by the commune).
pub(super) async fn set_category(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let commune = app::settings::commune_for(&ctx, Action::FeedbackConfigure, &code).await?;
    let mut input = CategoryInput::default();
    let mut adding = false;
    for (k, v) in pairs {
        match k.as_str() {
            "code" => input.code = v,
            "name_vi" => input.name_vi = v,
            "name_en" => input.name_en = v,
            "ack_hours" => input.ack_hours = v,
            "resolve_hours" => input.resolve_hours = v,
            "allow_anonymous" => input.allow_anonymous = Some(v),
            "active" => input.active = Some(v),
            "new" => adding = true,
            _ => {}
        }
    }
    match app::settings::set_category(&ctx, &commune, &input, adding).await {
        Ok(c) => Ok(see_other(
            &format!(
                "/feedback/settings/{}?done=category#cat-{}",
                commune.code, c.code
            ),
            None,
        )),
        Err(e) => {
            let error = |errors| FormError::Category {
                adding,
                input,
                errors,
            };
            refused(&ctx, chrome, &commune.code, e, error).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RouteForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    role: String,
}

/// Sets or (no level) removes the routing rule of a category.
pub(super) async fn set_route(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<RouteForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let commune = app::settings::commune_for(&ctx, Action::FeedbackConfigure, &code).await?;
    let result = app::settings::set_route(
        &ctx,
        &commune.code,
        &form.category,
        Some(&form.level),
        Some(&form.role),
    )
    .await;
    match result {
        Ok(()) => Ok(see_other(
            &format!("/feedback/settings/{}?done=route#routes", commune.code),
            None,
        )),
        Err(e) => {
            let error = |errors| FormError::Route {
                category: form.category.trim().to_owned(),
                errors,
            };
            refused(&ctx, chrome, &commune.code, e, error).await
        }
    }
}

/// A refused settings change: the page again with every error beside its control in the
/// form concerned, the values as entered, and the summary at the top.
async fn refused(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    e: AppError,
    error: impl FnOnce(FormErrors) -> FormError,
) -> Result<Response, PageError> {
    let f = Failure::from(e);
    let Some((status, errors)) = form_errors(chrome.lang, &f) else {
        return Err(f.into());
    };
    let page = settings_page(ctx, chrome, code, None, Some(error(errors))).await?;
    Ok((status, render(&page)?).into_response())
}

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

pub(super) async fn calendar(
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
pub(super) struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

/// Adds a holiday or a make-up working day (or renames a day already there).
pub(super) async fn add_day(
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
pub(super) async fn confirm_remove(
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

pub(super) async fn remove_day(
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
