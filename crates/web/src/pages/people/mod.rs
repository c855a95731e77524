//! Pages for households and residents: a unit head keeps the unit's households on a phone.
//! Every handler parses, calls one use case of `tuquan_app::people` (which makes the one
//! authorization check on the record's unit and audits reads and changes) and renders.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_domain::access::{authorize, Action};

use super::form::FormErrors;
use super::Chrome;
use crate::api::people::PeopleQuery;
use crate::auth::Authenticated;
use crate::error::{Failure, PageError};
use crate::pages::common::see_other;
use crate::AppState;

mod edit;
mod households;
mod residents;
mod status;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/households"),
    ("POST", "/households/{id}/edit"),
    ("POST", "/households/{id}/members"),
    ("POST", "/households/{id}/move"),
    ("POST", "/households/{id}/status"),
    ("POST", "/households/{id}/representative"),
    ("POST", "/residents/{id}/edit"),
    ("POST", "/residents/{id}/status"),
    ("POST", "/residents/{id}/consents"),
    ("POST", "/residents/{id}/erasure"),
    ("POST", "/erasure-requests/{id}/decide"),
    ("POST", "/account/erasure-request"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/territory/{code}/households", get(households::list))
        .route("/territory/{code}/residents", get(residents::list))
        .route("/households/new", get(households::new_form))
        .route("/households", post(households::create))
        .route("/households/{id}", get(households::show))
        .route(
            "/households/{id}/edit",
            get(edit::edit_form::<edit::Household>).post(edit::edit::<edit::Household>),
        )
        .route("/households/{id}/members", post(households::add_member))
        .route(
            "/households/{id}/move",
            get(households::move_form).post(households::move_submit),
        )
        .route(
            "/households/{id}/status",
            get(status::status_confirm::<status::Household>)
                .post(status::set_status::<status::Household>),
        )
        .route(
            "/households/{id}/representative",
            post(households::representative),
        )
        .route("/residents/{id}", get(residents::show))
        .route(
            "/residents/{id}/edit",
            get(edit::edit_form::<edit::Resident>).post(edit::edit::<edit::Resident>),
        )
        .route("/residents/{id}/identity", get(residents::identity))
        .route(
            "/residents/{id}/status",
            get(status::status_confirm::<status::Resident>)
                .post(status::set_status::<status::Resident>),
        )
        .route("/residents/{id}/consents", post(residents::consent))
        .route("/residents/{id}/export", get(residents::export))
        .route("/residents/{id}/erasure", post(residents::erasure))
        .route("/erasure-requests", get(residents::erasures))
        .route(
            "/erasure-requests/{id}/decide",
            get(residents::decide_confirm).post(residents::decide),
        )
        .route("/account/my-data", get(residents::my_data))
        .route("/account/erasure-request", post(residents::my_erasure))
}

/// Whether the signed-in user may do `action` on the unit at `path` (to show a link or a
/// form; the use case behind it checks again).
fn may(who: &Authenticated, action: Action, path: &str) -> bool {
    authorize(&who.actor, action, Some(path)).is_ok()
}

/// A record's page again with a form's errors beside its fields (bad fields, a duplicate,
/// a rule) and their status, `page` rendering it; the error page for other failures.
async fn page_with_errors<Fut>(
    f: impl Into<Failure>,
    lang: crate::i18n::Lang,
    page: impl FnOnce(FormErrors) -> Fut,
) -> Result<Response, PageError>
where
    Fut: std::future::Future<Output = Result<Html<String>, PageError>>,
{
    let f = f.into();
    match FormErrors::from_failure(&f, lang) {
        Some((status, errors)) => Ok((status, page(errors).await?).into_response()),
        None => Err(f.into()),
    }
}

/// A form re-rendered with its errors, or the failure itself.
fn form_error<T: Template>(
    f: impl Into<Failure>,
    lang: crate::i18n::Lang,
    page: impl FnOnce(FormErrors) -> T,
) -> Result<Response, PageError> {
    super::form::rerender(f, lang, page)
}

/// After an edit form: "Saved" on the record's page `back`, or the form again with every
/// error (values kept), or the failure itself. One shape for households and residents.
fn saved_or_form<T, P: Template>(
    result: tuquan_app::AppResult<T>,
    back: &str,
    lang: crate::i18n::Lang,
    page: impl FnOnce(FormErrors) -> P,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(see_other(&format!("{back}?done=saved"), None)),
        Err(e) => form_error(e, lang, page),
    }
}

/// `?done=…` after a form, for the notice on the page it returns to.
#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// `?status=…` of a status change and its confirmation.
#[derive(Deserialize)]
struct StatusQuery {
    status: Option<String>,
}

/// `?unit=…`: the unit a page is about.
#[derive(Deserialize)]
struct UnitQuery {
    unit: Option<String>,
}

/// Labels for stored codes, in the page's language.
fn label(chrome: &Chrome, prefix: &str, code: &str) -> &'static str {
    chrome.t(&format!("{prefix}.{code}"))
}

/// One line of a list.
struct Row {
    href: String,
    name: String,
    meta: String,
}

/// The households or the residents of a unit (one template for both lists).
#[derive(Template)]
#[template(path = "people_list.html")]
struct ListPage {
    chrome: Chrome,
    /// `households` or `residents`: the path segment and the list's id.
    kind: &'static str,
    households: bool,
    title_key: &'static str,
    search_key: &'static str,
    none_key: &'static str,
    unit_name: String,
    unit_code: String,
    q: String,
    phone: String,
    rows: Vec<Row>,
    next_href: Option<String>,
    can_edit: bool,
}

impl ListPage {
    /// The list of `kind` with the search as typed and the link to the next page.
    fn new(
        chrome: Chrome,
        kind: &'static str,
        unit: tuquan_domain::territory::Unit,
        q: PeopleQuery,
        rows: Vec<Row>,
        next_cursor: Option<String>,
    ) -> Self {
        let next_href = next_cursor.map(|c| {
            let next = PeopleQuery {
                cursor: Some(c),
                ..q.clone()
            };
            format!(
                "/territory/{}/{kind}?{}",
                unit.code,
                serde_urlencoded::to_string(&next).unwrap_or_default()
            )
        });
        let households = kind == "households";
        Self {
            chrome,
            kind,
            households,
            title_key: if households {
                "households.title"
            } else {
                "residents.title"
            },
            search_key: if households {
                "households.search"
            } else {
                "residents.search"
            },
            none_key: if households {
                "households.none"
            } else {
                "residents.none"
            },
            unit_name: unit.name,
            unit_code: unit.code,
            q: q.q.unwrap_or_default(),
            phone: q.phone.unwrap_or_default(),
            rows,
            next_href,
            can_edit: false,
        }
    }
}
