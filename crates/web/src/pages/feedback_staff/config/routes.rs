//! The routing table of a commune's settings: who receives new feedback of each category.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tuquan_app::feedback::{self as app, category_name, CategorySetting};
use tuquan_domain::access::{Action, Role};
use tuquan_domain::feedback::{role_handles_feedback, Level, RouteRule};

use super::settings::{refused, FormError};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, FeedbackConfigure, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::account::see_other;
use crate::pages::form::FormErrors;
use crate::pages::groups::{choices, Choice};
use crate::pages::Chrome;
use crate::AppState;

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

fn level_label(lang: Lang, level: &str) -> &'static str {
    lang.t(&format!("fbs_level_{level}"))
}

/// The table's rows: every category first, then each active one, with the rule in force and
/// the errors of the row whose form was refused (`(category, errors)`).
pub(super) fn route_rows(
    lang: Lang,
    settings: &[CategorySetting],
    rules: &[RouteRule],
    route_error: Option<(String, FormErrors)>,
) -> Vec<RouteRow> {
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
    rows.into_iter()
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
        .collect()
}

/// What the ids of a routing row's controls end with.
pub(super) fn route_key(category: &str) -> String {
    if category.is_empty() {
        "all".into()
    } else {
        category.to_owned()
    }
}

#[derive(Deserialize)]
pub(crate) struct RouteForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    role: String,
}

/// Sets or (no level) removes the routing rule of a category.
pub(crate) async fn set_route(
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
