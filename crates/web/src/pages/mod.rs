//! Server-rendered HTML pages (askama). Every page works without JavaScript.

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use tuquan_domain::access::{allowed, Action};

use crate::auth::MaybeUser;
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::AppState;

mod account;
pub mod action_items;
pub mod announcements;
mod audit;
pub mod common;
pub mod consultations;
mod documents;
pub mod feedback_public;
pub mod feedback_staff;
pub mod form;
pub mod groups;
mod home;
pub mod import;
pub mod meetings;
pub mod people;
pub mod restructuring;
mod start;
pub mod stats;
pub(crate) mod territory;
mod users;
pub mod votes;

/// What every page's frame needs: the language, the current address (for the language
/// switch), who is signed in, and the CSRF token the page's forms carry.
pub struct Chrome {
    pub lang: Lang,
    /// The current path and query, to come back to after switching language.
    pub here: String,
    /// The signed-in user's display name.
    pub user_name: Option<String>,
    pub csrf: String,
    /// Show the links to user management and the audit log.
    pub nav_users: bool,
    pub nav_audit: bool,
    /// Show the link to the feedback inbox (the user handles feedback somewhere).
    pub nav_inbox: bool,
    /// The signed-in user's unread notifications (`None` when not signed in).
    pub nav_unread: Option<i64>,
    /// The page follows a successful save (see [`form::saved_flash`]).
    pub saved: bool,
}

impl Chrome {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The versioned stylesheet's address.
    pub fn css_href(&self) -> &'static str {
        css_href()
    }

    /// The link that switches to the other language and comes back here.
    pub fn switch_href(&self) -> String {
        let q = serde_urlencoded::to_string([
            ("to", self.lang.other().code()),
            ("next", self.here.as_str()),
        ])
        .unwrap_or_default();
        format!("/lang?{q}")
    }
}

/// A CSRF token minted for a visitor without one, by [`ensure_csrf_cookie`].
#[derive(Clone)]
struct MintedCsrf(String);

impl FromRequestParts<AppState> for Chrome {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let lang = crate::i18n::lang_of(parts);
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let MaybeUser(who) = MaybeUser::from_request_parts(parts, state).await?;
        let csrf = match crate::auth::csrf::expected_token(parts, state).await? {
            Some(t) => t,
            None => parts
                .extensions
                .get::<MintedCsrf>()
                .map(|m| m.0.clone())
                .unwrap_or_default(),
        };
        let can = |a| {
            who.as_ref()
                .is_some_and(|w| w.actor.grants.iter().any(|g| allowed(g.role, a)))
        };
        let rc = crate::auth::RequestCtx::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let ctx = state.ctx(who.clone(), &rc);
        let nav_unread = tuquan_app::access::sessions::unread_notifications(&ctx).await?;
        Ok(Self {
            lang,
            saved: crate::auth::cookie(parts, form::SAVED_COOKIE).is_some(),
            here,
            nav_users: can(Action::UserView),
            nav_audit: can(Action::AuditView),
            nav_inbox: can(Action::FeedbackHandle),
            nav_unread,
            user_name: who.as_ref().map(|w| w.user.display_name.clone()),
            csrf,
        })
    }
}

/// Gives a visitor who has neither a live session nor a CSRF cookie a CSRF cookie, so that
/// the sign-in form is protected too. A session cookie the server no longer knows (ended
/// elsewhere, expired) counts as none, and is cleared: otherwise such a browser never gets
/// a token and can never sign in again.
pub async fn ensure_csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_page = !req.uri().path().starts_with("/api/") && req.method() == axum::http::Method::GET;
    let (mut parts, body) = req.into_parts();
    let has_csrf = crate::auth::cookie(&parts, crate::auth::CSRF_COOKIE).is_some();
    let has_session = crate::auth::cookie(&parts, crate::auth::SESSION_COOKIE).is_some();
    // Resolving caches the answer in the request: the handler's extractors reuse it.
    let stale = is_page
        && has_session
        && matches!(crate::auth::resolve(&mut parts, &state).await, Ok(None));
    let mut req = axum::extract::Request::from_parts(parts, body);
    if !is_page || (has_csrf && !stale) || (has_session && !stale) {
        return next.run(req).await;
    }
    let token = (!has_csrf).then(crate::auth::secret::random_token);
    if let Some(t) = &token {
        req.extensions_mut().insert(MintedCsrf(t.clone()));
    }
    let mut res = next.run(req).await;
    let mut cookies = Vec::new();
    if let Some(t) = &token {
        cookies.push(crate::auth::set_cookie(
            &state,
            crate::auth::CSRF_COOKIE,
            t,
            86400,
        ));
    }
    if stale {
        cookies.push(crate::auth::set_cookie(
            &state,
            crate::auth::SESSION_COOKIE,
            "",
            0,
        ));
    }
    for c in cookies {
        if let Ok(v) = axum::http::HeaderValue::from_str(&c) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/start", get(start::start))
        .route("/territory", get(territory::index))
        .route("/territory/{code}", get(territory::unit))
        .route("/units/{code}/history", get(restructuring::history::page))
        .merge(account::router())
        .merge(feedback_public::router())
        .merge(feedback_staff::router())
        .merge(stats::router())
        .merge(people::router())
        .merge(groups::router())
        .merge(import::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(announcements::router())
        .merge(meetings::router())
        .merge(consultations::router())
        .merge(documents::router())
        .merge(action_items::router())
        .merge(votes::router())
        .merge(restructuring::schemes::router())
        .merge(restructuring::thanks::router())
        .merge(restructuring::beats::router())
        .route("/lang", get(switch_lang))
        .route("/static/{file}", get(static_file))
}

pub(crate) fn render(t: &impl Template) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "template failed");
        PageError(Failure::Internal)
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    message: &'a str,
}

/// The friendly page shown for any error.
pub fn error_page(lang: Lang, message: &str) -> String {
    let page = ErrorPage {
        chrome: Chrome {
            lang,
            here: "/".into(),
            user_name: None,
            csrf: String::new(),
            nav_users: false,
            nav_audit: false,
            nav_inbox: false,
            nav_unread: None,
            saved: false,
        },
        message,
    };
    page.render()
        .unwrap_or_else(|_| "<!doctype html><title>Error</title><p>Error</p>".into())
}

#[derive(Deserialize)]
struct SwitchLang {
    to: Option<String>,
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and goes back to the page.
async fn switch_lang(
    axum::extract::State(state): axum::extract::State<AppState>,
    Query(q): Query<SwitchLang>,
) -> Response {
    let lang = q.to.as_deref().and_then(Lang::parse).unwrap_or_default();
    let next = common::safe_next(q.next.as_deref());
    let cookie = crate::auth::set_cookie(&state, "lang", lang.code(), 31_536_000);
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, next), (SET_COOKIE, cookie)],
    )
        .into_response()
}

const CSS: &str = include_str!("../../static/app.css");

/// The stylesheet's address with a hash of its content in the name (`app.<hash>.css`): it can
/// be cached for a year, and a new release changes the address.
pub fn css_href() -> &'static str {
    static HREF: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(CSS.as_bytes());
        let hex: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("/static/app.{hex}.css")
    });
    &HREF
}

/// Static files: the versioned stylesheet is immutable; the plain `app.css` (bookmarks, old
/// pages) is revalidated after an hour.
async fn static_file(Path(file): Path<String>) -> Response {
    let cache = if format!("/static/{file}") == css_href() {
        "public, max-age=31536000, immutable"
    } else if file == "app.css" {
        "public, max-age=3600"
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, cache),
        ],
        CSS,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub(crate) struct ConfirmPage {
    pub chrome: Chrome,
    pub title: String,
    pub message: String,
    pub action: String,
    pub button: &'static str,
    pub back: String,
}

#[derive(Template)]
#[template(path = "shown_once.html")]
pub(crate) struct ShownOncePage {
    pub chrome: Chrome,
    pub title: String,
    pub message: String,
    pub label: &'static str,
    pub secret: String,
    pub back: String,
}
