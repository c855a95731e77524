//! Server-rendered HTML pages (askama). Every page works without JavaScript.

use askama::Template;
use axum::extract::Query;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::AppState;

mod home;
mod territory;

/// What every page's frame needs: the language and the current address (for the switch).
pub struct Chrome {
    pub lang: Lang,
    /// The current path and query, to come back to after switching language.
    pub here: String,
}

impl Chrome {
    pub fn new(lang: Lang, uri: &axum::http::Uri) -> Self {
        let here = uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Self { lang, here }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/territory", get(territory::index))
        .route("/territory/{code}", get(territory::unit))
        .route("/lang", get(switch_lang))
        .route("/static/app.css", get(css))
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
    // Only local paths: never redirect elsewhere.
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    );
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, next), (SET_COOKIE, cookie)],
    )
        .into_response()
}

async fn css() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}
