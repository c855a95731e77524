//! CSRF protection for every state-changing form: a token bound to the session (or, before
//! sign-in, to a cookie of its own) must come back in the form's `csrf` field.

use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{cookie, resolve, secret, CSRF_COOKIE};
use crate::error::Failure;
use crate::AppState;

/// A form body that passed the CSRF check.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

/// The token a form must carry for this request.
pub async fn expected_token(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<String>, Failure> {
    if let Some(who) = resolve(parts, state).await? {
        if let Some(s) = who.session {
            return Ok(Some(s.csrf_token));
        }
    }
    Ok(cookie(parts, CSRF_COOKIE).map(str::to_owned))
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Failure> {
        let (mut parts, body) = req.into_parts();
        let expected = expected_token(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, 64 * 1024)
            .await
            .map_err(|_| Failure::InvalidBody("the form is too large".into()))?;
        let given: Token = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| Failure::InvalidBody(e.to_string()))?;
        match expected {
            Some(t) if !given.csrf.is_empty() && secret::same(&t, &given.csrf) => {}
            _ => {
                tracing::warn!(path = %parts.uri.path(), "CSRF token missing or wrong");
                return Err(Failure::CsrfRejected);
            }
        }
        let form: T = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| Failure::InvalidBody(e.to_string()))?;
        Ok(Self(form))
    }
}
