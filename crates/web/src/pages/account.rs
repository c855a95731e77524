//! Signing in and out, the account page, password changes, sessions and API tokens.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::access::{sessions, tokens};
use tuquan_app::AppError;
use tuquan_domain::access::TokenId;

use super::common::{confirm, safe_next, Ask, Empty};
use super::{render, Chrome, ShownOncePage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{set_cookie, CurrentUser, MaybeUser, RequestCtx, SignedIn};
use crate::auth::{SESSION_COOKIE, SESSION_DAYS};
use crate::error::PageError;
use crate::i18n::local_time;
use crate::pages::form::FormErrors;
use crate::AppState;

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
        .route("/account/channels", post(set_channels))
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
    errors: FormErrors,
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
        let to = if next == "/" { "/start" } else { next.as_str() };
        return Ok(Redirect::to(to).into_response());
    }
    Ok(render(&LoginPage {
        chrome,
        next,
        username: String::new(),
        errors: FormErrors::none(),
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

async fn login(
    State(state): State<AppState>,
    chrome: Chrome,
    rc: RequestCtx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    let old = crate::auth::cookie_in(&headers, SESSION_COOKIE);
    let ctx = state.ctx(None, &rc);
    // Empty fields are named without an attempt (which would count as a failed one).
    let mut errors = FormErrors::none();
    for (id, blank) in [
        ("username", form.username.trim().is_empty()),
        ("password", form.password.is_empty()),
    ] {
        if blank {
            errors = errors.with(id, chrome.t(&format!("login.enter_{id}")));
        }
    }
    let started = if errors.is_empty() {
        sessions::sign_in(&ctx, &form.username, &form.password, old.as_deref()).await?
    } else {
        None
    };
    let Some(started) = started else {
        let (status, errors) = if errors.is_empty() {
            let failed = FormErrors::field("username", chrome.t("login.failed"));
            (StatusCode::UNAUTHORIZED, failed)
        } else {
            (StatusCode::BAD_REQUEST, errors)
        };
        let page = render(&LoginPage {
            chrome,
            next,
            username: form.username.trim().chars().take(60).collect(),
            errors,
        })?;
        return Ok((status, page).into_response());
    };
    // Without a page to come back to, sign-in leads to the start page.
    let target = if started.must_change_password {
        "/account/password".to_owned()
    } else if next == "/" {
        "/start".to_owned()
    } else {
        next
    };
    let cookie = set_cookie(
        &state,
        SESSION_COOKIE,
        &started.session_id,
        SESSION_DAYS * 86400,
    );
    Ok(see_other(&target, Some(cookie)))
}

async fn logout(
    State(state): State<AppState>,
    SignedIn(who): SignedIn,
    rc: RequestCtx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    sessions::sign_out(&state.ctx(Some(who), &rc)).await?;
    Ok(see_other(
        "/",
        Some(set_cookie(&state, SESSION_COOKIE, "", 0)),
    ))
}

#[derive(Deserialize)]
struct ChannelsForm {
    in_app: Option<String>,
    email: Option<String>,
    sms: Option<String>,
    #[serde(default)]
    email_address: String,
    #[serde(default)]
    sms_address: String,
}

/// The account chooses its channels and addresses (the outbox honours them).
async fn set_channels(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    CsrfForm(f): CsrfForm<ChannelsForm>,
) -> Result<Response, PageError> {
    let input = tuquan_app::announcements::ChannelsInput {
        in_app: f.in_app.is_some(),
        email: f.email.is_some(),
        sms: f.sms.is_some(),
        email_address: f.email_address,
        sms_address: f.sms_address,
    };
    tuquan_app::announcements::set_my_channels(&state.ctx(Some(who), &rc), &input).await?;
    Ok(Redirect::to("/account?done=channels").into_response())
}

struct TokenView {
    id: TokenId,
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
    /// (channel, on, address) in the order of `CHANNELS`.
    channels: Vec<(String, bool, String)>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn account(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let ctx = state.ctx(Some(who.clone()), &rc);
    let overview = sessions::overview(&ctx).await?;
    let channels = tuquan_app::announcements::my_channels(&ctx)
        .await?
        .into_iter()
        .map(|c| (c.channel, c.enabled, c.address.unwrap_or_default()))
        .collect();
    let grants = overview
        .grants
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
    let sessions = overview
        .sessions
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
    let tokens = overview
        .tokens
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
        Some("channels") => Some("ann.channels_saved"),
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
        channels,
    })
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    must_change: bool,
    errors: FormErrors,
}

async fn password_form(chrome: Chrome, SignedIn(who): SignedIn) -> Result<Html<String>, PageError> {
    render(&PasswordPage {
        chrome,
        must_change: who.user.must_change_password,
        errors: FormErrors::none(),
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
    let must_change = who.user.must_change_password;
    let ctx = state.ctx(Some(who), &rc);
    let outcome = sessions::change_password(
        &ctx,
        &form.current_password,
        &form.new_password,
        &form.confirm_password,
    )
    .await;
    if let Err(AppError::Invalid(e)) = &outcome {
        let message = match (e.field, e.kind.code()) {
            ("current_password", "required") | ("new_password", "required") => {
                lang.field_message(e)
            }
            ("current_password", _) => lang.t("password.wrong_current").to_owned(),
            ("confirm_password", _) => lang.t("password.mismatch").to_owned(),
            _ => lang.field_message(e),
        };
        let page = render(&PasswordPage {
            chrome,
            must_change,
            errors: FormErrors::field(e.field, message),
        })?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    outcome?;
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
    let created = tokens::create_token(&state.ctx(Some(who), &rc), &form.name).await?;
    let title = chrome.t("account.token_created").to_owned();
    render(&ShownOncePage {
        chrome,
        title,
        message: created.name,
        label: "account.token_label",
        secret: created.token,
        back: "/account".into(),
    })
}

async fn revoke_token_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<TokenId>,
) -> Result<Html<String>, PageError> {
    let token = tokens::active_token(&state.ctx(Some(who), &rc), id).await?;
    confirm(
        chrome,
        Ask {
            title: "account.revoke",
            button: "account.revoke",
            question: "account.revoke_confirm",
            vars: &[("name", &token.name)],
            action: format!("/account/tokens/{id}/revoke"),
            back: "/account".into(),
        },
    )
}

async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<TokenId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    tokens::revoke_token(&state.ctx(Some(who), &rc), id).await?;
    Ok(see_other("/account?done=token_revoked", None))
}

#[derive(Deserialize)]
struct EndAllQuery {
    tokens: Option<String>,
}

impl EndAllQuery {
    /// Revoke API tokens too: asked for on its own confirmation page.
    fn tokens(&self) -> bool {
        self.tokens.as_deref() == Some("1")
    }
}

async fn end_all_confirm(
    chrome: Chrome,
    CurrentUser(_): CurrentUser,
    Query(q): Query<EndAllQuery>,
) -> Result<Html<String>, PageError> {
    let (question, action) = if q.tokens() {
        (
            "account.end_tokens_confirm",
            "/account/sessions/end-all?tokens=1",
        )
    } else {
        (
            "account.logout_everywhere_confirm",
            "/account/sessions/end-all",
        )
    };
    confirm(
        chrome,
        Ask {
            title: "account.logout_everywhere",
            button: "account.logout_everywhere",
            question,
            vars: &[],
            action: action.into(),
            back: "/account".into(),
        },
    )
}

async fn end_all(
    State(state): State<AppState>,
    SignedIn(who): SignedIn,
    rc: RequestCtx,
    Query(q): Query<EndAllQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    if q.tokens() {
        sessions::end_all_access(&ctx).await?;
    } else {
        sessions::end_all_sessions(&ctx).await?;
    }
    Ok(see_other(
        "/login",
        Some(set_cookie(&state, SESSION_COOKIE, "", 0)),
    ))
}
