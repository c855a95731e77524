//! User management for officials, within the units their grants cover: the account list,
//! inviting an account, and one account's page (grants, disable, password reset).

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_domain::access::{allowed, authorize, may_assign, Action, Actor, Role, Username};
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::users::{GrantRecord, NewUser, UserRecord};
use tuquan_store::StoreError;

use super::account::see_other;
use super::{render, Chrome, ConfirmPage, ShownOncePage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{secret, Authenticated, Can, Capability, RequestCtx, UserManage, UserView};
use crate::error::{Failure, PageError};
use crate::i18n::{local_time, Lang};
use crate::AppState;

/// Accounts per page of the list.
const PAGE_SIZE: usize = 50;
/// The longest display name accepted.
const DISPLAY_NAME_MAX: usize = 100;

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

// ---------------------------------------------------------------------------------------
// Scope and authorization helpers

/// The units an account's grants sit on, as authorization targets: one per grant (`None` for
/// a national grant, or a grant whose unit is gone), and the whole country for an account
/// without grants, which only national officials may see.
fn scope_targets(grants: &[GrantRecord]) -> Vec<Option<&str>> {
    if grants.is_empty() {
        return vec![None];
    }
    grants
        .iter()
        .map(|g| g.grant.unit_path.as_deref())
        .collect()
}

/// The target account is in the caller's scope: every one of its grants passes the
/// domain check for the caller's capability. Every `/users/{id}…` route goes through here.
fn check_in_scope<A: Capability>(can: &Can<A>, grants: &[GrantRecord]) -> Result<(), Failure> {
    for target in scope_targets(grants) {
        can.check(target)?;
    }
    Ok(())
}

/// The same question as [`check_in_scope`], for deciding what a page offers (no logging; the
/// handler that acts asks again).
fn would_be_in_scope(actor: &Actor, action: Action, grants: &[GrantRecord]) -> bool {
    scope_targets(grants)
        .into_iter()
        .all(|t| authorize(actor, action, t).is_ok())
}

/// The caller could have given each of the target's grants: nobody disables, re-enables or
/// resets the password of an account holding a role above their own.
fn outranks(actor: &Actor, grants: &[GrantRecord]) -> bool {
    grants
        .iter()
        .all(|g| may_assign(actor, g.grant.role, g.grant.unit_path.as_deref()).is_ok())
}

fn check_outranks(who: &Authenticated, grants: &[GrantRecord]) -> Result<(), Failure> {
    if outranks(&who.actor, grants) {
        Ok(())
    } else {
        tracing::warn!(user = %who.user.username, "denied: target holds a higher role");
        Err(Failure::Forbidden)
    }
}

/// Officials do not manage their own account here (no self-granting, self-disabling or
/// resetting one's own password; the account page is for that).
fn check_not_self(who: &Authenticated, target_id: i64) -> Result<(), Failure> {
    if who.user.id == target_id {
        tracing::warn!(user = %who.user.username, "denied: managing one's own account");
        return Err(Failure::Forbidden);
    }
    Ok(())
}

fn check_may_assign(who: &Authenticated, role: Role, path: Option<&str>) -> Result<(), Failure> {
    may_assign(&who.actor, role, path).map_err(|denied| {
        tracing::warn!(user = %who.user.username, %denied, role = role.as_str(), "denied");
        Failure::Forbidden
    })
}

/// Loads an account and its grants, and checks it is in the caller's scope.
async fn load_target<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    id: i64,
) -> Result<(UserRecord, Vec<GrantRecord>), Failure> {
    let user = state.store.user_by_id(id).await?;
    let grants = state.store.grants_of(id).await?;
    check_in_scope(can, &grants)?;
    Ok((user, grants))
}

/// An id in the path; anything else is a page that does not exist.
fn path_id<T>(p: Result<Path<T>, PathRejection>) -> Result<T, Failure> {
    p.map(|Path(v)| v).map_err(|_| Failure::NotFound)
}

/// The roles `actor` may hand out somewhere: those not above their best role.
fn assignable_roles(actor: &Actor) -> Vec<Role> {
    let best = actor
        .grants
        .iter()
        .map(|g| g.role.rank())
        .max()
        .unwrap_or(0);
    Role::ALL.into_iter().filter(|r| r.rank() <= best).collect()
}

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

fn field_error(field: &'static str, kind: FieldErrorKind, detail: &str) -> Failure {
    Failure::Invalid(FieldError::new(field, kind, detail))
}

fn parse_role(raw: &str) -> Result<Role, Failure> {
    if raw.trim().is_empty() {
        return Err(field_error("role", FieldErrorKind::Required, "empty"));
    }
    Role::parse(raw)
        .ok_or_else(|| field_error("role", FieldErrorKind::UnknownValue, "no such role"))
}

/// Finds a unit by code; an unknown code is an error on `field`.
async fn unit_by_code(state: &AppState, field: &'static str, code: &str) -> Result<Unit, Failure> {
    match crate::api::territory::load_unit_for(state, code).await {
        Ok(u) => Ok(u),
        Err(Failure::NotFound) => Err(field_error(
            field,
            FieldErrorKind::UnknownValue,
            "no such unit",
        )),
        Err(e) => Err(e),
    }
}

/// The unit a role is given on: none for a national role, which takes no unit; required
/// for every other role.
async fn grant_unit(state: &AppState, role: Role, raw: &str) -> Result<Option<Unit>, Failure> {
    let code = raw.trim();
    if role.is_national() {
        if !code.is_empty() {
            return Err(field_error(
                "unit",
                FieldErrorKind::NotAllowedHere,
                "a national role is held on the whole country",
            ));
        }
        return Ok(None);
    }
    if code.is_empty() {
        return Err(field_error("unit", FieldErrorKind::Required, "empty"));
    }
    unit_by_code(state, "unit", code).await.map(Some)
}

/// The message shown in a form for a rejected value; `None` for failures that get the
/// error page instead.
fn form_message(lang: Lang, f: &Failure) -> Option<(StatusCode, String)> {
    match f {
        Failure::Invalid(e) => Some((StatusCode::BAD_REQUEST, lang.field_error(e))),
        Failure::Conflict { field } => Some((
            StatusCode::CONFLICT,
            lang.t("error.conflict").replace("{field}", field),
        )),
        _ => None,
    }
}

fn with_status(status: StatusCode, page: Html<String>) -> Response {
    (status, page).into_response()
}

#[derive(Deserialize)]
struct Empty {}

// ---------------------------------------------------------------------------------------
// The list

pub struct UserRow {
    pub id: i64,
    pub display_name: String,
    pub username: String,
    pub summary: String,
    pub disabled: bool,
}
