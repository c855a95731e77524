//! Security headers on every response, errors included: this layer is the outermost, so the
//! 500 of a panic, the 503 of a timeout and the edge's 400/413/414 carry them too.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// No inline script or style anywhere: everything the pages need is served from `/static`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// One year; sent only when the server is configured for HTTPS (`secure_cookies`).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let personal = may_carry_personal_data(&req);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    // A handler that chose its own policy (all of them `no-store` or `public` for static
    // files) keeps it.
    if personal && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Whether the answer may hold personal data, so no cache may keep it: everything asked
/// for by someone signed in (session cookie or token), the whole API, and the people pages
/// whoever asks. Only the static files are exempt.
fn may_carry_personal_data(req: &Request) -> bool {
    let path = req.uri().path();
    if path.starts_with("/static/") {
        return false;
    }
    let signed_in = req.headers().contains_key(header::AUTHORIZATION)
        || req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|c| {
                c.trim()
                    .strip_prefix(crate::auth::SESSION_COOKIE)
                    .is_some_and(|rest| rest.starts_with('='))
            });
    let people = ["/residents", "/households", "/identity", "/export"]
        .iter()
        .any(|p| path.contains(p));
    signed_in || people || path.starts_with("/api/")
}
