//! Signing in and out, the account page, password changes, sessions and API tokens.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_domain::access::{lockout_secs, Password, Username};
use tuquan_store::sessions::NewSession;

use super::common::safe_next;
use super::{render, Chrome, ConfirmPage, ShownOncePage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{
    secret, set_cookie, Authenticated, CurrentUser, MaybeUser, RequestCtx, SignedIn,
};
use crate::auth::{SESSION_COOKIE, SESSION_DAYS};
use crate::error::{Failure, PageError};
use crate::i18n::local_time;
use crate::AppState;

/// Failed attempts tolerated before delays start: per account, and per client address
/// (higher, since many people may share one address).
const FREE_FAILURES_ACCOUNT: i64 = 5;
const FREE_FAILURES_ADDRESS: i64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
        .route("/account/tokens", post(create_token))
        .route(
            "/account/tokens/{id}/revoke",
            get(revoke_token_confirm).post(revoke_token),
        )
        .route(
            "/account/sessions/end-all",
            get(end_all_confirm).post(end_all),
        )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    username: String,
    error: Option<String>,
}

pub(crate) use super::common::see_other;

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(q.next.as_deref());
    if who.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(render(&LoginPage {
        chrome,
        next,
        username: String::new(),
        error: None,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// The time until which `key` is locked, if it is.
async fn locked(state: &AppState, key: &str) -> Result<Option<String>, Failure> {
    Ok(state.store.throttle_locked_until(key).await?)
}

/// Counts a failure against `key` and locks it when past its allowance.
async fn fail(state: &AppState, key: &str, free: i64) -> Result<(), Failure> {
    let failures = state.store.throttle_failure(key).await?;
    if let Some(secs) = lockout_secs(failures, free) {
        let until =
            tuquan_store::stamp(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs));
        state.store.throttle_lock(key, &until).await?;
        tracing::warn!(
            key,
            failures,
            lock_secs = secs,
            "sign-in locked after repeated failures"
        );
    }
    Ok(())
}

async fn login(
    State(state): State<AppState>,
    chrome: Chrome,
    rc: RequestCtx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    let addr_key = format!("addr:{}", rc.client_addr.as_deref().unwrap_or("unknown"));
    let username = Username::parse(&form.username).ok();
    let user_key = username.as_ref().map(|u| format!("user:{}", u.as_str()));
    for key in std::iter::once(&addr_key).chain(user_key.as_ref()) {
        if let Some(until) = locked(&state, key).await? {
            return Err(Failure::TooManyAttempts { until }.into());
        }
    }
    let user = match &username {
        Some(u) => state.store.user_by_username(u.as_str()).await?,
        None => None,
    };
    // Verify even without an account, so timing does not tell which accounts exist.
    let hash = user
        .as_ref()
        .map_or(secret::dummy_hash(), |u| u.password_hash.as_str());
    let password_ok = secret::verify_password(&form.password, hash);
    let user = match user {
        Some(u) if password_ok && !u.disabled => u,
        _ => {
            fail(&state, &addr_key, FREE_FAILURES_ADDRESS).await?;
            if let Some(k) = &user_key {
                fail(&state, k, FREE_FAILURES_ACCOUNT).await?;
            }
            let error = Some(chrome.t("login.failed").to_owned());
            let page = render(&LoginPage {
                chrome,
                next,
                username: form.username.trim().chars().take(60).collect(),
                error,
            })?;
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
    };
    if let Some(k) = &user_key {
        state.store.throttle_clear(k).await?;
    }
    // A fresh session id at every sign-in: an id planted before sign-in is worthless.
    let old = crate::auth::cookie_in(&headers, SESSION_COOKIE).map(|id| secret::sha256_hex(&id));
    let id = secret::random_token();
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * SESSION_DAYS);
    let session = NewSession {
        id_hash: secret::sha256_hex(&id),
        user_id: user.id,
        csrf_token: secret::random_token(),
        expires_at: tuquan_store::stamp(expires),
        client_addr: rc.client_addr.clone(),
        user_agent: rc.user_agent.clone(),
    };
    let mut ctx = rc.audit(None);
    ctx.actor_user_id = Some(user.id);
    ctx.actor_username = Some(user.username.clone());
    state
        .store
        .create_session(&session, old.as_deref(), &ctx)
        .await?;
    let target = if user.must_change_password {
        "/account/password".to_owned()
    } else {
        next
    };
    let cookie = set_cookie(&state, SESSION_COOKIE, &id, SESSION_DAYS * 86400);
    Ok(see_other(&target, Some(cookie)))
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(
    State(state): State<AppState>,
    SignedIn(who): SignedIn,
    rc: RequestCtx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    if let Some(s) = &who.session {
        state
            .store
            .end_session(&s.id_hash, &rc.audit(Some(&who)))
            .await?;
    }
    Ok(see_other(
        "/",
        Some(set_cookie(&state, SESSION_COOKIE, "", 0)),
    ))
}

struct TokenView {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    display_name: String,
    username: String,
    notice: Option<&'static str>,
    /// (role, unit)
    grants: Vec<(String, String)>,
    /// (signed in at, device, is this one)
    sessions: Vec<(String, String, bool)>,
    tokens: Vec<TokenView>,
    /// The account is linked to a resident record: offer "my data".
    has_resident: bool,
}

#[derive(Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn account(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let grants = state
        .store
        .grants_of(who.user.id)
        .await?
        .into_iter()
        .map(|g| {
            (
                lang.t(&format!("role.{}", g.grant.role.as_str()))
                    .to_owned(),
                g.unit_name
                    .unwrap_or_else(|| lang.t("role.whole_country").to_owned()),
            )
        })
        .collect();
    let current = who.session.as_ref().map(|s| s.id_hash.clone());
    let sessions = state
        .store
        .sessions_of(who.user.id)
        .await?
        .into_iter()
        .map(|s| {
            let device: String = s.user_agent.unwrap_or_default().chars().take(60).collect();
            (
                local_time(&s.created_at),
                device,
                Some(&s.id_hash) == current.as_ref(),
            )
        })
        .collect();
    let tokens = state
        .store
        .tokens_of(who.user.id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: local_time(&t.created_at),
            last_used: t
                .last_used_at
                .map(|u| local_time(&u))
                .unwrap_or_else(|| lang.t("account.never").to_owned()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("password") => Some("password.changed"),
        Some("token_revoked") => Some("account.token_revoked"),
        Some("erasure") => Some("residents.erasure_requested"),
        _ => None,
    };
    render(&AccountPage {
        chrome,
        display_name: who.user.display_name.clone(),
        username: who.user.username.clone(),
        notice,
        grants,
        sessions,
        tokens,
        has_resident: who.user.resident_id.is_some(),
    })
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    must_change: bool,
    error: Option<String>,
}

async fn password_form(chrome: Chrome, SignedIn(who): SignedIn) -> Result<Html<String>, PageError> {
    render(&PasswordPage {
        chrome,
        must_change: who.user.must_change_password,
        error: None,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    chrome: Chrome,
    SignedIn(who): SignedIn,
    rc: RequestCtx,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let problem = if !secret::verify_password(&form.current_password, &who.user.password_hash) {
        Some(lang.t("password.wrong_current").to_owned())
    } else {
        match Password::parse(&form.new_password, "new_password") {
            Err(e) => Some(lang.field_error(&e)),
            Ok(_) if form.new_password != form.confirm_password => {
                Some(lang.t("password.mismatch").to_owned())
            }
            Ok(_) if form.new_password == form.current_password => {
                Some(lang.field_error(&tuquan_domain::FieldError::new(
                    "new_password",
                    tuquan_domain::FieldErrorKind::NotAllowedHere,
                    "same as the current one",
                )))
            }
            Ok(_) => None,
        }
    };
    if let Some(error) = problem {
        let page = render(&PasswordPage {
            chrome,
            must_change: who.user.must_change_password,
            error: Some(error),
        })?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let hash = secret::hash_password(&form.new_password);
    state
        .store
        .set_password(who.user.id, &hash, false, &rc.audit(Some(&who)))
        .await?;
    Ok(see_other("/account?done=password", None))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Html<String>, PageError> {
    let name = tuquan_domain::text::clean(&form.name);
    if name.is_empty() {
        return Err(Failure::Invalid(tuquan_domain::FieldError::new(
            "name",
            tuquan_domain::FieldErrorKind::Required,
            "empty",
        ))
        .into());
    }
    if name.chars().count() > 60 {
        return Err(Failure::Invalid(tuquan_domain::FieldError::new(
            "name",
            tuquan_domain::FieldErrorKind::TooLong { max: 60 },
            "long",
        ))
        .into());
    }
    let token = issue_token(&state, &who, &name, &rc).await?;
    let title = chrome.t("account.token_created").to_owned();
    render(&ShownOncePage {
        chrome,
        title,
        message: name,
        label: "account.token_label",
        secret: token,
        back: "/account".into(),
    })
}

/// Creates an API token for `who`; returns the token, which is never stored in clear.
pub(crate) async fn issue_token(
    state: &AppState,
    who: &Authenticated,
    name: &str,
    rc: &RequestCtx,
) -> Result<String, Failure> {
    let token = format!("tq_{}", secret::random_token());
    state
        .store
        .create_token(
            who.user.id,
            name,
            &secret::sha256_hex(&token),
            &rc.audit(Some(who)),
        )
        .await?;
    Ok(token)
}

async fn revoke_token_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let token = state
        .store
        .tokens_of(who.user.id)
        .await?
        .into_iter()
        .find(|t| t.id == id && t.revoked_at.is_none())
        .ok_or(Failure::NotFound)?;
    let title = chrome.t("account.revoke").to_owned();
    let message = chrome
        .t("account.revoke_confirm")
        .replace("{name}", &token.name);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/account/tokens/{id}/revoke"),
        button: "account.revoke",
        back: "/account".into(),
    })
}

async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_token(who.user.id, id, &rc.audit(Some(&who)))
        .await?;
    Ok(see_other("/account?done=token_revoked", None))
}

async fn end_all_confirm(
    chrome: Chrome,
    CurrentUser(_): CurrentUser,
) -> Result<Html<String>, PageError> {
    let title = chrome.t("account.logout_everywhere").to_owned();
    let message = chrome.t("account.logout_everywhere_confirm").to_owned();
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: "/account/sessions/end-all".into(),
        button: "account.logout_everywhere",
        back: "/account".into(),
    })
}

async fn end_all(
    State(state): State<AppState>,
    SignedIn(who): SignedIn,
    rc: RequestCtx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    state
        .store
        .end_all_sessions(who.user.id, &rc.audit(Some(&who)))
        .await?;
    Ok(see_other(
        "/login",
        Some(set_cookie(&state, SESSION_COOKIE, "", 0)),
    ))
}
