//! The settings page and its categories' forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use tuquan_app::feedback::{self as app, category_name};
use tuquan_app::{AppError, Ctx};
use tuquan_domain::access::Action;
use tuquan_domain::feedback::CategoryInput;

use super::routes::{route_key, route_rows, RouteRow};
use super::{done_key, DoneQuery};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, FeedbackConfigure, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::account::see_other;
use crate::pages::feedback_staff::form_errors;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

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
/// What went wrong in one of the page's forms, to show it there.
pub(super) enum FormError {
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
    let routes = route_rows(lang, &settings, &rules, route_error);
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

pub(crate) async fn settings(
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
pub(crate) async fn set_category(
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

/// A refused settings change: the page again with every error beside its control in the
/// form concerned, the values as entered, and the summary at the top.
pub(super) async fn refused(
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
