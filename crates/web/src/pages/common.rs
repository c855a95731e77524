//! Small helpers shared by the pages of every area.

use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A 303 to `to`, setting `cookie` if given (the answer to a successful form).
pub(crate) fn see_other(to: &str, cookie: Option<String>) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response();
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().append(SET_COOKIE, c);
    }
    r
}

/// A stored `YYYY-MM-DD` date as people read it, `dd/mm/yyyy`.
pub(crate) fn vn_date(s: &str) -> String {
    match s.parse::<jiff::civil::Date>() {
        Ok(d) => d.strftime("%d/%m/%Y").to_string(),
        Err(_) => s.to_owned(),
    }
}

/// One option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub(crate) fn choices<'a>(
    items: impl IntoIterator<Item = (&'a str, String)>,
    selected: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == selected.trim(),
            value: value.to_owned(),
            label,
        })
        .collect()
}

#[derive(serde::Deserialize)]
pub(crate) struct Empty {}

/// The text of `key` in `lang` with its `{placeholders}` filled from `vars`.
pub(crate) fn fill(lang: crate::i18n::Lang, key: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(lang.t(key).to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// A question before an irreversible or disruptive act: the first half of a
/// confirm-then-act pair. The GET handler loads the target through the same use case that
/// checks the act, and answers with [`confirm`]; the page's form POSTs to `action` with the
/// CSRF token, and the POST handler acts and redirects.
pub(crate) struct Ask<'a> {
    /// Keys of the page title and of the button (often the same).
    pub title: &'static str,
    pub button: &'static str,
    /// Key of the question; its `{placeholders}` are filled from `vars`.
    pub question: &'static str,
    pub vars: &'a [(&'a str, &'a str)],
    /// Where the confirmed form goes.
    pub action: String,
    /// Where "cancel" goes.
    pub back: String,
}

/// The confirmation page of a confirm-then-act pair (see [`Ask`]).
pub(crate) fn confirm(
    chrome: super::Chrome,
    ask: Ask<'_>,
) -> Result<axum::response::Html<String>, crate::error::PageError> {
    let lang = chrome.lang;
    super::render(&super::ConfirmPage {
        title: lang.t(ask.title).to_owned(),
        message: fill(lang, ask.question, ask.vars),
        action: ask.action,
        button: ask.button,
        back: ask.back,
        chrome,
    })
}

/// Where to go after signing in or switching language: only a path on this site. Anything
/// a browser could read as another host — `//host`, `/\host`, a control character (browsers
/// drop tabs and newlines, so `/%09/host` becomes `//host`), an absolute URL — gives `/`.
pub(crate) fn safe_next(raw: Option<&str>) -> String {
    raw.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
    })
    .unwrap_or("/")
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths() {
        for ok in ["/", "/x", "/residents/3?tab=a&b=c", "/khu-phố"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r//evil.example",
            "/x\u{0}",
            "/x\u{7f}",
            "/x\u{85}",
            "https://evil.example/",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
