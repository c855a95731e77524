//! The reader's language, worked out from the request. The catalogues themselves live in the
//! application layer (`tuquan_app::i18n`), which also writes messages and documents.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
pub use tuquan_app::i18n::*;

use crate::AppState;

/// The language of this request (see [`Lang::negotiate`]).
pub fn lang_of(parts: &Parts) -> Lang {
    Lang::negotiate(
        parts.uri.path().starts_with("/api/"),
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok()),
    )
}

impl FromRequestParts<AppState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(lang_of(parts))
    }
}
