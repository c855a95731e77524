//! Form errors the GOV.UK Design System way, built once for every form: all errors at once,
//! each beside its field in the field's own label and plain words, a summary at the top that
//! links to the fields, and a "Saved" note after every successful save.
//!
//! A handler turns a refused use case into [`FormErrors`] with [`FormErrors::from_failure`]
//! and re-renders its form with the values as entered; the templates show them with the
//! `_form_errors.html` summary and the macros of `_form.html` (`error`, and `aria` on the
//! control).

use askama::Template;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::{Failure, PageError};
use crate::i18n::Lang;

/// One message of a form: the id of the control it is about (`None` for a message about
/// the whole form) and the text.
#[derive(Debug, Clone)]
pub struct FormError {
    pub id: Option<String>,
    pub message: String,
}

/// The errors a form shows, in the order of its fields.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub items: Vec<FormError>,
}

impl FormErrors {
    /// No errors: the form as first shown.
    pub fn none() -> Self {
        Self::default()
    }

    /// One message about the whole form (no field to point at).
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            items: vec![FormError {
                id: None,
                message: message.into(),
            }],
        }
    }

    /// One message beside the control `id`.
    pub fn field(id: &str, message: impl Into<String>) -> Self {
        Self::none().with(id, message)
    }

    /// Adds a message beside the control `id`.
    pub fn with(mut self, id: &str, message: impl Into<String>) -> Self {
        self.items.push(FormError {
            id: Some(id.to_owned()),
            message: message.into(),
        });
        self
    }

    /// The errors of a failure a form answers itself (bad fields, a duplicate, a rule), with
    /// the status to answer; `None` for the others, which get the error page. Fields are
    /// named by their API code, which is the id of their control unless [`Self::rename`]d.
    pub fn from_failure(f: &Failure, lang: Lang) -> Option<(StatusCode, Self)> {
        let field = |e: &tuquan_domain::FieldError| FormError {
            id: Some(e.field.to_owned()),
            message: lang.field_message(e),
        };
        let (status, items) = match f {
            Failure::Invalid(e) => (StatusCode::BAD_REQUEST, vec![field(e)]),
            Failure::InvalidFields(es) => (StatusCode::BAD_REQUEST, es.iter().map(field).collect()),
            Failure::Conflict { field } => (
                StatusCode::CONFLICT,
                vec![FormError {
                    id: Some((*field).to_owned()),
                    message: conflict_message(lang, field),
                }],
            ),
            Failure::Rule { code, field } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![FormError {
                    id: field.map(str::to_owned),
                    message: rule_message(lang, code, *field),
                }],
            ),
            _ => return None,
        };
        Some((status, Self { items }))
    }

    /// Points the errors on the field `code` at the control `id` (a form whose control ids
    /// differ from the API's field names).
    pub fn rename(mut self, code: &str, id: &str) -> Self {
        for e in &mut self.items {
            if e.id.as_deref() == Some(code) {
                e.id = Some(id.to_owned());
            }
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The message beside the control `id`, if any (the first, when a rule and a format
    /// error name the same field).
    pub fn get(&self, id: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
            .map(|e| e.message.as_str())
    }

    /// The ARIA attributes of the control `id`: invalid, and described by its error and by
    /// `hint` (the id of a hint, or empty). Ids are literals of the templates.
    pub fn aria(&self, id: &str, hint: &str) -> String {
        let mut by: Vec<String> = Vec::new();
        if !hint.is_empty() {
            by.push(hint.to_owned());
        }
        let invalid = self.get(id).is_some();
        if invalid {
            by.push(format!("{id}-error"));
        }
        let mut out = String::new();
        if invalid {
            out.push_str(" aria-invalid=\"true\"");
        }
        if !by.is_empty() {
            out.push_str(&format!(" aria-describedby=\"{}\"", by.join(" ")));
        }
        out
    }
}

/// A duplicate, named by the field's label.
fn conflict_message(lang: Lang, field: &str) -> String {
    if let Some(own) = lang.get(&format!("form.{field}.conflict")) {
        return own.to_owned();
    }
    let label = lang
        .get(&format!("field.{field}"))
        .unwrap_or_else(|| lang.t("form.this_field"));
    lang.t("form.conflict").replace("{label}", label)
}

/// A rule's message, with `{field}` as the field's label.
fn rule_message(lang: Lang, code: &str, field: Option<&str>) -> String {
    let label = field
        .and_then(|f| lang.get(&format!("field.{f}")))
        .unwrap_or("");
    lang.t(&format!("rule.{code}")).replace("{field}", label)
}

/// A form re-rendered with its errors (and the status the failure calls for), or the
/// failure itself as the error page when it is not about the form's input.
pub(crate) fn rerender<T: Template>(
    f: impl Into<Failure>,
    lang: Lang,
    page: impl FnOnce(FormErrors) -> T,
) -> Result<Response, PageError> {
    let f = f.into();
    match FormErrors::from_failure(&f, lang) {
        Some((status, errors)) => Ok((status, super::render(&page(errors))?).into_response()),
        None => Err(PageError(f)),
    }
}

/// `saved=1` in a page's query: the page shows "Saved" above its content.
pub(crate) fn is_saved(path_and_query: &str) -> bool {
    path_and_query
        .split_once('?')
        .is_some_and(|(_, q)| q.split(['&', '#']).any(|p| p == "saved=1"))
}

/// Posts whose redirect is not a save: signing in and out, switching language.
const NOT_SAVES: &[&str] = &["/login", "/logout", "/lang"];

/// After a form saved (a page POST answered by a redirect on this site), the page it goes
/// to says so: `saved=1` is added to the address unless the redirect already carries its
/// own notice (`done=`).
pub async fn saved_flash(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_form_post = req.method() == Method::POST
        && !req.uri().path().starts_with("/api/")
        && !NOT_SAVES.contains(&req.uri().path());
    let mut res = next.run(req).await;
    if !is_form_post || res.status() != StatusCode::SEE_OTHER {
        return res;
    }
    let Some(to) = res.headers().get(LOCATION).and_then(|v| v.to_str().ok()) else {
        return res;
    };
    if let Some(marked) = mark_saved(to) {
        if let Ok(v) = HeaderValue::from_str(&marked) {
            res.headers_mut().insert(LOCATION, v);
        }
    }
    res
}

/// `to` with `saved=1` added before any `#fragment`; `None` when it is not a path on this
/// site or already carries a notice.
fn mark_saved(to: &str) -> Option<String> {
    if !to.starts_with('/') || to.starts_with("//") || to.starts_with("/login") {
        return None;
    }
    let (path, fragment) = match to.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (to, None),
    };
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    if query
        .split('&')
        .any(|p| p.starts_with("done=") || p.starts_with("saved="))
    {
        return None;
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = format!("{path}{sep}saved=1");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_goes_before_the_fragment_and_not_over_a_notice() {
        assert_eq!(mark_saved("/households/3").unwrap(), "/households/3?saved=1");
        assert_eq!(
            mark_saved("/feedback/PA-1?x=1#top").unwrap(),
            "/feedback/PA-1?x=1&saved=1#top"
        );
        assert_eq!(mark_saved("/groups/2?done=created"), None);
        assert_eq!(mark_saved("https://x.example/"), None);
        assert!(is_saved("/households/3?saved=1"));
        assert!(!is_saved("/households/3?unsaved=1"));
    }

    #[test]
    fn aria_names_the_error_and_the_hint() {
        let e = FormErrors::field("cccd", "x");
        assert_eq!(
            e.aria("cccd", "cccd-hint"),
            " aria-invalid=\"true\" aria-describedby=\"cccd-hint cccd-error\""
        );
        assert_eq!(e.aria("phone", ""), "");
        assert_eq!(e.aria("phone", "h"), " aria-describedby=\"h\"");
    }
}
