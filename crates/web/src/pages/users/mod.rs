//! User management for officials, within the units their grants cover: the account list,
//! inviting an account, and one account's page (grants, disable, password reset). The use
//! cases and their checks are `tuquan_app::access::users`; the policy is the domain's.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::access::users as app;
use tuquan_app::access::GrantRecord;
use tuquan_domain::access::{assignable_roles, Action, Actor, Role};

use super::common::{confirm, fill, see_other, Ask, Empty};
use super::{render, Chrome, ShownOncePage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, RequestCtx, UserManage, UserView};
use crate::error::{Failure, PageError};
use crate::i18n::{local_time, Lang};
use crate::pages::form::FormErrors;
use crate::AppState;

/// Accounts per page of the list.
const PAGE_SIZE: usize = 50;

mod invite;
mod list;
mod manage;

use invite::*;
use list::*;
use manage::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/new", get(new_form))
        .route("/users/{id}", get(show))
        .route("/users/{id}/grants", post(add_grant))
        .route(
            "/users/{id}/grants/{grant_id}/revoke",
            get(revoke_confirm).post(revoke),
        )
        .route("/users/{id}/disable", get(disable_confirm).post(disable))
        .route("/users/{id}/enable", post(enable))
        .route(
            "/users/{id}/reset-password",
            get(reset_confirm).post(reset_password),
        )
}

use crate::extract::path;

fn role_label(lang: Lang, role: Role) -> &'static str {
    lang.t(&format!("role.{}", role.as_str()))
}

/// How a grant's unit is shown: its name and code, or the whole country.
fn unit_label(lang: Lang, g: &GrantRecord) -> String {
    match (&g.unit_name, &g.grant.unit_code) {
        (Some(name), Some(code)) => format!("{name} ({code})"),
        (None, Some(code)) => code.clone(),
        _ => lang.t("role.whole_country").to_owned(),
    }
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The roles the actor may hand out (the domain's `assignable_roles`), as options.
fn role_options(lang: Lang, actor: &Actor, selected: &str) -> Vec<RoleOption> {
    assignable_roles(actor)
        .into_iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: role_label(lang, r),
            selected: r.as_str() == selected.trim(),
        })
        .collect()
}

/// The errors shown in a form for a rejected value, beside the fields; `None` for failures
/// that get the error page instead.
fn form_message(lang: Lang, f: &Failure) -> Option<(StatusCode, FormErrors)> {
    FormErrors::from_failure(f, lang)
}

fn with_status(status: StatusCode, page: Html<String>) -> Response {
    (status, page).into_response()
}

pub struct UserRow {
    pub id: tuquan_domain::UserId,
    pub display_name: String,
    pub username: String,
    pub summary: String,
    pub disabled: bool,
}

pub struct GrantView {
    pub role: &'static str,
    pub unit: String,
    pub revoke_href: Option<String>,
}
