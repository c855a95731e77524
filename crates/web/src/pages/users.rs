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

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    /// What the list covers: a unit's name, or the whole country.
    scope: String,
    unit: String,
    error: Option<String>,
    rows: Vec<UserRow>,
    invite_href: Option<String>,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    unit: Option<String>,
    after: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserView>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let unit_code = q.unit.as_deref().map(str::trim).unwrap_or("").to_owned();
    let after = q.after.as_deref().map(str::trim).unwrap_or("").to_owned();
    let may_invite = can
        .who
        .actor
        .grants
        .iter()
        .any(|g| allowed(g.role, Action::UserManage));
    let invite_href = may_invite.then(|| {
        if unit_code.is_empty() {
            "/users/new".to_owned()
        } else {
            format!(
                "/users/new?{}",
                serde_urlencoded::to_string([("unit", &unit_code)]).unwrap_or_default()
            )
        }
    });

    // The scope: the unit asked for, or the widest one the caller may see.
    let (scope_path, scope) = if unit_code.is_empty() {
        match can.home_scope() {
            Some(None) => {
                can.check(None)?;
                (None, lang.t("role.whole_country").to_owned())
            }
            Some(Some(path)) => {
                can.check(Some(path))?;
                let code = can
                    .who
                    .actor
                    .grants
                    .iter()
                    .find(|g| g.unit_path.as_deref() == Some(path))
                    .and_then(|g| g.unit_code.clone());
                let name = match code {
                    Some(c) => match state.store.unit(&c).await {
                        Ok(u) => format!("{} ({})", u.unit.name, u.unit.code),
                        Err(_) => c,
                    },
                    None => path.to_owned(),
                };
                (Some(path.to_owned()), name)
            }
            None => return Err(Failure::Forbidden.into()),
        }
    } else {
        match unit_by_code(&state, "unit", &unit_code).await {
            Ok(u) => {
                can.check(Some(&u.path))?;
                (Some(u.path.clone()), format!("{} ({})", u.name, u.code))
            }
            Err(f) => {
                let Some((status, message)) = form_message(lang, &f) else {
                    return Err(f.into());
                };
                let page = render(&UsersPage {
                    chrome,
                    scope: String::new(),
                    unit: unit_code,
                    error: Some(message),
                    rows: Vec::new(),
                    invite_href,
                    next_href: None,
                    first_href: Some("/users".into()),
                })?;
                return Ok(with_status(status, page));
            }
        }
    };

    let mut users = state
        .store
        .users_in_scope(scope_path.as_deref(), &after, PAGE_SIZE as i64 + 1)
        .await?;
    let more = users.len() > PAGE_SIZE;
    users.truncate(PAGE_SIZE);
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let grants = state.store.grants_of(u.id).await?;
        let summary = if grants.is_empty() {
            lang.t("users.no_grants").to_owned()
        } else {
            grants
                .iter()
                .map(|g| {
                    format!(
                        "{} — {}",
                        role_label(lang, g.grant.role),
                        unit_label(lang, g)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        rows.push(UserRow {
            id: u.id,
            display_name: u.display_name,
            username: u.username,
            summary,
            disabled: u.disabled,
        });
    }
    let list_href = |after: Option<&str>| {
        let mut params = Vec::new();
        if !unit_code.is_empty() {
            params.push(("unit", unit_code.as_str()));
        }
        if let Some(a) = after {
            params.push(("after", a));
        }
        if params.is_empty() {
            "/users".to_owned()
        } else {
            format!(
                "/users?{}",
                serde_urlencoded::to_string(&params).unwrap_or_default()
            )
        }
    };
    let next_href = if more {
        rows.last().map(|r| list_href(Some(&r.username)))
    } else {
        None
    };
    let first_href = (!after.is_empty()).then(|| list_href(None));
    let page = render(&UsersPage {
        chrome,
        scope,
        unit: unit_code,
        error: None,
        rows,
        invite_href,
        next_href,
        first_href,
    })?;
    Ok(page.into_response())
}

// ---------------------------------------------------------------------------------------
// Inviting an account

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    chrome: Chrome,
    roles: Vec<RoleOption>,
    username: String,
    display_name: String,
    unit: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct NewQuery {
    unit: Option<String>,
}

async fn new_form(
    chrome: Chrome,
    can: Can<UserManage>,
    query: Result<Query<NewQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let roles = role_options(chrome.lang, &can.who.actor, "");
    render(&NewUserPage {
        chrome,
        roles,
        username: String::new(),
        display_name: String::new(),
        unit: q.unit.unwrap_or_default().trim().chars().take(60).collect(),
        error: None,
    })
}

#[derive(Deserialize)]
struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

/// A validated invitation: who, which role, where.
struct Invitation {
    username: Username,
    display_name: String,
    role: Role,
    unit: Option<Unit>,
}

async fn validate_invitation(state: &AppState, form: &NewUserForm) -> Result<Invitation, Failure> {
    let username = Username::parse(&form.username)?;
    let display_name = tuquan_domain::text::clean(&form.display_name);
    if display_name.is_empty() {
        return Err(field_error(
            "display_name",
            FieldErrorKind::Required,
            "empty",
        ));
    }
    if display_name.chars().count() > DISPLAY_NAME_MAX {
        return Err(field_error(
            "display_name",
            FieldErrorKind::TooLong {
                max: DISPLAY_NAME_MAX,
            },
            "too long",
        ));
    }
    let role = parse_role(&form.role)?;
    let unit = grant_unit(state, role, &form.unit).await?;
    Ok(Invitation {
        username,
        display_name,
        role,
        unit,
    })
}

async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let outcome = async {
        let inv = validate_invitation(&state, &form).await?;
        let path = inv.unit.as_ref().map(|u| u.path.as_str());
        can.check(path)?;
        check_may_assign(&can.who, inv.role, path)?;
        let temp = secret::temporary_password();
        let new = NewUser {
            username: inv.username.as_str().to_owned(),
            display_name: inv.display_name.clone(),
            password_hash: secret::hash_password(&temp),
            must_change_password: true,
        };
        let grant = (inv.role, inv.unit.as_ref().map(|u| u.code.clone()));
        let id = state
            .store
            .create_user(&new, &[grant], &rc.audit(Some(&can.who)))
            .await
            .map_err(|e| match e {
                // The unit vanished between the check and the write.
                StoreError::NotFound => {
                    field_error("unit", FieldErrorKind::UnknownValue, "no such unit")
                }
                e => Failure::from(e),
            })?;
        Ok::<_, Failure>((id, new, temp))
    }
    .await;
    match outcome {
        Ok((id, new, temp)) => {
            let title = lang.t("users.created").to_owned();
            let message = lang
                .t("users.created_message")
                .replace("{name}", &new.display_name)
                .replace("{username}", &new.username);
            Ok(render(&ShownOncePage {
                chrome,
                title,
                message,
                label: "users.temp_password",
                secret: temp,
                back: format!("/users/{id}"),
            })?
            .into_response())
        }
        Err(f) => {
            let Some((status, message)) = form_message(lang, &f) else {
                return Err(f.into());
            };
            let roles = role_options(lang, &can.who.actor, &form.role);
            let page = render(&NewUserPage {
                chrome,
                roles,
                username: form.username.trim().chars().take(60).collect(),
                display_name: form.display_name.trim().chars().take(200).collect(),
                unit: form.unit.trim().chars().take(60).collect(),
                error: Some(message),
            })?;
            Ok(with_status(status, page))
        }
    }
}

// ---------------------------------------------------------------------------------------
// One account

pub struct GrantView {
    pub role: &'static str,
    pub unit: String,
    pub revoke_href: Option<String>,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    chrome: Chrome,
    id: i64,
    username: String,
    display_name: String,
    disabled: bool,
    must_change: bool,
    created: String,
    grants: Vec<GrantView>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// This is the caller's own account.
    is_self: bool,
    /// The caller may add grants to this account.
    grant_form: bool,
    /// The caller may disable, enable, and reset the password of this account.
    admin: bool,
    roles: Vec<RoleOption>,
    unit: String,
}

struct GrantFormValues<'a> {
    role: &'a str,
    unit: &'a str,
}

fn user_page(
    chrome: Chrome,
    who: &Authenticated,
    user: UserRecord,
    grants: &[GrantRecord],
    notice: Option<&'static str>,
    error: Option<String>,
    form: GrantFormValues<'_>,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let actor = &who.actor;
    let is_self = who.user.id == user.id;
    let manage = !is_self && would_be_in_scope(actor, Action::UserManage, grants);
    let admin = manage && outranks(actor, grants);
    let grant_views = grants
        .iter()
        .map(|g| GrantView {
            role: role_label(lang, g.grant.role),
            unit: unit_label(lang, g),
            revoke_href: (manage
                && may_assign(actor, g.grant.role, g.grant.unit_path.as_deref()).is_ok())
            .then(|| format!("/users/{}/grants/{}/revoke", user.id, g.id)),
        })
        .collect();
    let roles = role_options(lang, actor, form.role);
    render(&UserPage {
        chrome,
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        disabled: user.disabled,
        must_change: user.must_change_password,
        created: local_time(&user.created_at),
        grants: grant_views,
        notice,
        error,
        is_self,
        grant_form: manage,
        admin,
        roles,
        unit: form.unit.trim().chars().take(60).collect(),
    })
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserView>,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let (user, grants) = load_target(&state, &can, id).await?;
    let notice = match query.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("grant_added") => Some("users.done_grant_added"),
        Some("grant_revoked") => Some("users.done_grant_revoked"),
        Some("disabled") => Some("users.done_disabled"),
        Some("enabled") => Some("users.done_enabled"),
        _ => None,
    };
    user_page(
        chrome,
        &can.who,
        user,
        &grants,
        notice,
        None,
        GrantFormValues { role: "", unit: "" },
    )
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

async fn add_grant(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    let (user, grants) = load_target(&state, &can, id).await?;
    check_not_self(&can.who, id)?;
    let outcome = async {
        let role = parse_role(&form.role)?;
        let unit = grant_unit(&state, role, &form.unit).await?;
        let path = unit.as_ref().map(|u| u.path.as_str());
        can.check(path)?;
        check_may_assign(&can.who, role, path)?;
        let code = unit.as_ref().map(|u| u.code.as_str());
        if grants
            .iter()
            .any(|g| g.grant.role == role && g.grant.unit_code.as_deref() == code)
        {
            return Err(Failure::Conflict { field: "role" });
        }
        state
            .store
            .add_grant(id, role, code, &rc.audit(Some(&can.who)))
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/users/{id}?done=grant_added"), None)),
        Err(f) => {
            let Some((status, message)) = form_message(chrome.lang, &f) else {
                return Err(f.into());
            };
            let page = user_page(
                chrome,
                &can.who,
                user,
                &grants,
                None,
                Some(message),
                GrantFormValues {
                    role: &form.role,
                    unit: &form.unit,
                },
            )?;
            Ok(with_status(status, page))
        }
    }
}

/// The grant `grant_id` of account `id`, which the caller may take back.
async fn revocable_grant(
    state: &AppState,
    can: &Can<UserManage>,
    id: i64,
    grant_id: i64,
) -> Result<(UserRecord, GrantRecord), Failure> {
    let (user, grants) = load_target(state, can, id).await?;
    check_not_self(&can.who, id)?;
    let grant = grants
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or(Failure::NotFound)?;
    check_may_assign(&can.who, grant.grant.role, grant.grant.unit_path.as_deref())?;
    Ok((user, grant))
}

async fn revoke_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let (id, grant_id) = path_id(ids)?;
    let (user, grant) = revocable_grant(&state, &can, id, grant_id).await?;
    let lang = chrome.lang;
    let title = lang.t("users.revoke_title").to_owned();
    let message = lang
        .t("users.revoke_confirm")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username)
        .replace("{role}", role_label(lang, grant.grant.role))
        .replace("{unit}", &unit_label(lang, &grant));
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/users/{id}/grants/{grant_id}/revoke"),
        button: "users.revoke",
        back: format!("/users/{id}"),
    })
}

async fn revoke(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let (id, grant_id) = path_id(ids)?;
    let (_, grant) = revocable_grant(&state, &can, id, grant_id).await?;
    state
        .store
        .revoke_grant(grant.id, &rc.audit(Some(&can.who)))
        .await?;
    // Without that grant the account may have left the caller's scope.
    let remaining = state.store.grants_of(id).await?;
    let to = if would_be_in_scope(&can.who.actor, Action::UserView, &remaining) {
        format!("/users/{id}?done=grant_revoked")
    } else {
        "/users".to_owned()
    };
    Ok(see_other(&to, None))
}

/// Account `id`, which the caller may disable, enable, or reset the password of.
async fn administrable(
    state: &AppState,
    can: &Can<UserManage>,
    id: i64,
) -> Result<UserRecord, Failure> {
    let (user, grants) = load_target(state, can, id).await?;
    check_not_self(&can.who, id)?;
    check_outranks(&can.who, &grants)?;
    Ok(user)
}

async fn disable_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let user = administrable(&state, &can, id).await?;
    let title = chrome.t("users.disable").to_owned();
    let message = chrome
        .t("users.disable_confirm")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/users/{id}/disable"),
        button: "users.disable",
        back: format!("/users/{id}"),
    })
}

async fn disable(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    administrable(&state, &can, id).await?;
    state
        .store
        .set_disabled(id, true, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/users/{id}?done=disabled"), None))
}

async fn enable(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    administrable(&state, &can, id).await?;
    state
        .store
        .set_disabled(id, false, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/users/{id}?done=enabled"), None))
}

async fn reset_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let user = administrable(&state, &can, id).await?;
    let title = chrome.t("users.reset_password").to_owned();
    let message = chrome
        .t("users.reset_confirm")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/users/{id}/reset-password"),
        button: "users.reset_password",
        back: format!("/users/{id}"),
    })
}

async fn reset_password(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let user = administrable(&state, &can, id).await?;
    let temp = secret::temporary_password();
    state
        .store
        .set_password(
            id,
            &secret::hash_password(&temp),
            true,
            &rc.audit(Some(&can.who)),
        )
        .await?;
    let title = chrome.t("users.reset_done").to_owned();
    let message = chrome
        .t("users.reset_message")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username);
    render(&ShownOncePage {
        chrome,
        title,
        message,
        label: "users.temp_password",
        secret: temp,
        back: format!("/users/{id}"),
    })
}
