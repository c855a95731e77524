//! The edge: text no field may hold is refused before any handler or database sees it, the
//! same way on SQLite and PostgreSQL (a NUL used to be a 500 on one and stored on the other).
//!
//! Refused with a 400 that names the field: invalid UTF-8 (instead of a silent U+FFFD), NUL
//! and every other control character (C0, DEL, C1) in the path, in query parameters, in
//! URL-encoded and JSON bodies (the Open311 POST body is read as URL-encoded whatever its
//! type) and in the text parts of multipart bodies. Tab, line feed and carriage return are
//! allowed in body values (a description has lines), never in names, paths or queries.
//! File parts are left alone. Also: URIs over [`MAX_URI`] get a 414 here, with the
//! security headers (hyper's own 414 for URIs over 64 KiB has none).

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;

use crate::error::{ErrorBody, ErrorDetail};

/// The longest request target answered normally.
pub const MAX_URI: usize = 8 * 1024;

/// The most body the edge reads to check it: the largest limit any route sets (routes keep
/// their own, smaller limits).
pub const MAX_BODY: usize = max(
    max(
        max(
            crate::feedback::upload::BODY_LIMIT,
            crate::api::groups::UPLOAD_BODY_LIMIT,
        ),
        crate::files::BODY_LIMIT,
    ),
    // The import page's form carries the file in base64.
    tuquan_app::import::MAX_FILE_BYTES / 3 * 4 + 64 * 1024,
);

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

/// Which characters a value may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Names, paths, query values: no control character at all.
    Line,
    /// Body values: tab, line feed and carriage return too.
    Text,
}

#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// The named field holds invalid UTF-8 or a control character.
    Invalid(String),
    TooLarge,
    UriTooLong,
}

#[derive(Debug, Clone, Copy)]
enum BodyKind {
    Form,
    Json,
    Multipart,
}

/// The middleware: checks the request, then passes it on with its body intact.
pub async fn guard(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if parts.uri.to_string().len() > MAX_URI {
        return refuse(&parts, Refusal::UriTooLong);
    }
    let head = check_path(parts.uri.path()).and_then(|()| match parts.uri.query() {
        Some(q) => check_urlencoded(q.as_bytes(), Rule::Line),
        None => Ok(()),
    });
    if let Err(r) = head {
        return refuse(&parts, r);
    }
    let Some(kind) = body_kind(&parts) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return refuse(&parts, Refusal::TooLarge);
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return refuse(&parts, Refusal::TooLarge),
    };
    let checked = match kind {
        BodyKind::Form => check_urlencoded(&bytes, Rule::Text),
        BodyKind::Json => check_json(&bytes),
        BodyKind::Multipart => check_multipart(&parts, bytes.clone()).await,
    };
    if let Err(r) = checked {
        return refuse(&parts, r);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn body_kind(parts: &Parts) -> Option<BodyKind> {
    let mime = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if parts.method == axum::http::Method::POST && parts.uri.path().starts_with("/open311/") {
        return Some(BodyKind::Form);
    }
    match mime.as_str() {
        "application/x-www-form-urlencoded" => Some(BodyKind::Form),
        "multipart/form-data" => Some(BodyKind::Multipart),
        m if m == "application/json" || m.ends_with("+json") => Some(BodyKind::Json),
        _ => None,
    }
}

fn allowed(c: char, rule: Rule) -> bool {
    !c.is_control() || (rule == Rule::Text && matches!(c, '\t' | '\n' | '\r'))
}

fn valid(bytes: &[u8], rule: Rule) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| s.chars().all(|c| allowed(c, rule)))
}

/// A field name fit to show: lossy, controls replaced, at most 64 characters.
fn shown(name: &[u8]) -> String {
    let s: String = String::from_utf8_lossy(name)
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .take(64)
        .collect();
    if s.is_empty() {
        "?".into()
    } else {
        s
    }
}

/// `%XX` and `+` decoded to bytes, as `application/x-www-form-urlencoded` says; a `%` not
/// followed by two hex digits stays as it is.
fn percent_decode(s: &[u8], plus_is_space: bool) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn check_path(path: &str) -> Result<(), Refusal> {
    if valid(&percent_decode(path.as_bytes(), false), Rule::Line) {
        Ok(())
    } else {
        Err(Refusal::Invalid("path".into()))
    }
}

fn check_urlencoded(raw: &[u8], rule: Rule) -> Result<(), Refusal> {
    for pair in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let name = percent_decode(k, true);
        if !valid(&name, Rule::Line) || !valid(&percent_decode(v, true), rule) {
            return Err(Refusal::Invalid(shown(&name)));
        }
    }
    Ok(())
}

/// Malformed JSON is left to the handler (which names what is wrong), except invalid UTF-8.
fn check_json(bytes: &[u8]) -> Result<(), Refusal> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => check_value(&v, ""),
        Err(_) if std::str::from_utf8(bytes).is_err() => Err(Refusal::Invalid("body".into())),
        Err(_) => Ok(()),
    }
}

/// Walks a JSON value; the field is named by its path (`contact.name`, `items[2]`).
fn check_value(v: &serde_json::Value, at: &str) -> Result<(), Refusal> {
    match v {
        serde_json::Value::String(s) if !s.chars().all(|c| allowed(c, Rule::Text)) => {
            Err(Refusal::Invalid(shown(at.as_bytes())))
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_value(item, &format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, item)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if !k.chars().all(|c| allowed(c, Rule::Line)) {
                return Err(Refusal::Invalid(shown(path.as_bytes())));
            }
            check_value(item, &path)
        }),
        _ => Ok(()),
    }
}

/// The names of all parts and the values of the text parts (those without a file name).
/// A body multer cannot read is left to the handler.
async fn check_multipart(parts: &Parts, bytes: Bytes) -> Result<(), Refusal> {
    let Some(boundary) = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
    else {
        return Ok(());
    };
    let mut mp = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if !valid(name.as_bytes(), Rule::Line) {
            return Err(Refusal::Invalid(shown(name.as_bytes())));
        }
        if field.file_name().is_some() {
            continue;
        }
        let Ok(value) = field.bytes().await else {
            return Ok(());
        };
        if !valid(&value, Rule::Text) {
            return Err(Refusal::Invalid(shown(name.as_bytes())));
        }
    }
    Ok(())
}

/// The refusal in the format the path calls for: the product's JSON error under `/api/`,
/// the specification's error list under `/open311/`, an HTML page elsewhere.
fn refuse(parts: &Parts, r: Refusal) -> Response {
    let lang = crate::i18n::lang_of(parts);
    let (status, code, key, field) = match r {
        Refusal::Invalid(f) => (
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "error.invalid_text",
            Some(f),
        ),
        Refusal::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "error.too_large",
            None,
        ),
        Refusal::UriTooLong => (
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            "error.uri_too_long",
            None,
        ),
    };
    let message = lang
        .t(key)
        .replace("{field}", field.as_deref().unwrap_or(""));
    tracing::info!(status = status.as_u16(), field, "refused at the edge");
    let path = parts.uri.path();
    if path.starts_with("/api/") {
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
            },
        };
        return (status, Json(body)).into_response();
    }
    if path.starts_with("/open311/") {
        let description = match &field {
            Some(f) => format!("{f}: {message}"),
            None => message,
        };
        return open311_error(path.ends_with(".xml"), status, &description);
    }
    (status, Html(crate::pages::error_page(lang, &message))).into_response()
}

/// GeoReport v2's error list with one error.
fn open311_error(xml: bool, status: StatusCode, description: &str) -> Response {
    let code = status.as_u16();
    if !xml {
        let body = serde_json::json!([{ "code": code, "description": description }]);
        return (status, Json(body)).into_response();
    }
    let escaped = description
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>{code}</code>\
         <description>{escaped}</description></error></errors>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_values_and_names() {
        assert_eq!(check_urlencoded(b"q=a+b&x=%C3%A1", Rule::Line), Ok(()));
        assert_eq!(
            check_urlencoded(b"a=1&q=a%00b", Rule::Line),
            Err(Refusal::Invalid("q".into()))
        );
        assert_eq!(
            check_urlencoded(b"description=%FF", Rule::Text),
            Err(Refusal::Invalid("description".into()))
        );
        assert_eq!(
            check_urlencoded(b"d=line%0D%0Aline%09x", Rule::Text),
            Ok(())
        );
        assert!(check_urlencoded(b"d=line%0Aline", Rule::Line).is_err());
        assert!(check_urlencoded(b"d=%7F", Rule::Text).is_err());
        assert!(check_urlencoded(b"d=%C2%85", Rule::Text).is_err());
        assert!(check_urlencoded(b"a%00=x", Rule::Text).is_err());
        // A stray percent sign is text, not an error.
        assert_eq!(check_urlencoded(b"d=100%&e=%", Rule::Text), Ok(()));
    }

    #[test]
    fn json_fields_by_path() {
        assert_eq!(check_json(br#"{"a":"x\ny","b":[1,"z"]}"#), Ok(()));
        assert_eq!(
            check_json(br#"{"contact":{"name":"a\u0000"}}"#),
            Err(Refusal::Invalid("contact.name".into()))
        );
        assert_eq!(
            check_json(br#"{"tags":["ok","\u001b"]}"#),
            Err(Refusal::Invalid("tags[1]".into()))
        );
        assert_eq!(
            check_json(b"{\"a\":\"\xff\"}"),
            Err(Refusal::Invalid("body".into()))
        );
        assert_eq!(check_json(b"{not json"), Ok(()));
    }

    #[test]
    fn paths() {
        assert_eq!(check_path("/territory/79%2F1"), Ok(()));
        assert!(check_path("/api/v1/units/a%00b").is_err());
        assert!(check_path("/x/%FF").is_err());
    }
}
