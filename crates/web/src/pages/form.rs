//! Form errors the GOV.UK Design System way, built once for every form: all errors at once,
//! each beside its field in the field's own label and plain words, a summary at the top that
//! links to the fields, and a "Saved" note after every successful save.
//!
//! A handler turns a refused use case into [`FormErrors`] with [`FormErrors::from_failure`]
//! and re-renders its form with the values as entered; the templates show them with the
//! `_form_errors.html` summary and the macros of `_form.html` (`error`, and `aria` on the
//! control).

use askama::Template;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
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
            Failure::RuleDated { code, field, date } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![FormError {
                    id: field.map(str::to_owned),
                    message: rule_message(lang, code, *field)
                        .replace("{date}", &crate::error::day_month_year(date)),
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

/// The cookie that carries "Saved" from a form's redirect to the page it leads to.
pub(crate) const SAVED_COOKIE: &str = "tq_saved";

/// Posts whose redirect is not a save: signing in and out, switching language.
const NOT_SAVES: &[&str] = &["/login", "/logout", "/lang"];

/// After a form saved (a page POST answered by a redirect on this site), the next page says
/// so: the redirect sets a short-lived cookie, [`super::Chrome`] shows "Saved" while it is
/// there, and the page that showed it clears it. A redirect carrying its own notice
/// (`done=`) gets none. The addresses stay as the handlers wrote them.
pub async fn saved_flash(
    State(state): State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_form_post = req.method() == Method::POST
        && !req.uri().path().starts_with("/api/")
        && !NOT_SAVES.contains(&req.uri().path());
    let had_flash = req.method() == Method::GET
        && crate::auth::cookie_in(req.headers(), SAVED_COOKIE).is_some();
    let mut res = next.run(req).await;
    let cookie = if is_form_post && res.status() == StatusCode::SEE_OTHER {
        res.headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .filter(|to| is_save_redirect(to))
            .map(|_| crate::auth::set_cookie(&state, SAVED_COOKIE, "1", 120))
    } else if had_flash && res.status() == StatusCode::OK {
        Some(crate::auth::set_cookie(&state, SAVED_COOKIE, "", 0))
    } else {
        None
    };
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// A redirect after a save that should say "Saved": to a path on this site, not to sign
/// in, and without a notice of its own.
fn is_save_redirect(to: &str) -> bool {
    if !to.starts_with('/') || to.starts_with("//") || to.starts_with("/login") {
        return false;
    }
    let path = to.split('#').next().unwrap_or(to);
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    !query
        .split('&')
        .any(|p| p.starts_with("done=") || p.starts_with("sent="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_only_after_a_save_without_its_own_notice() {
        assert!(is_save_redirect("/households/3"));
        assert!(is_save_redirect("/feedback/PA-1?x=1#top"));
        assert!(!is_save_redirect("/groups/2?done=created"));
        assert!(!is_save_redirect("https://x.example/"));
        assert!(!is_save_redirect("/login?next=/"));
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
