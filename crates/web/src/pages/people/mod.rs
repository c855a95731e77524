//! Pages for households and residents: a unit head keeps the unit's households on a phone.
//! Every handler goes through the functions of `api::people`, which make the one
//! authorization check on the record's unit and audit reads and changes.

use askama::Template;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_domain::access::{authorize, Action};

use super::{render, Chrome};
use crate::auth::Authenticated;
use crate::error::{Failure, PageError};
use crate::AppState;

mod households;
mod residents;

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
            get(households::edit_form).post(households::edit),
        )
        .route("/households/{id}/members", post(households::add_member))
        .route(
            "/households/{id}/move",
            get(households::move_form).post(households::move_submit),
        )
        .route(
            "/households/{id}/status",
            get(households::status_confirm).post(households::set_status),
        )
        .route(
            "/households/{id}/representative",
            post(households::representative),
        )
        .route("/residents/{id}", get(residents::show))
        .route(
            "/residents/{id}/edit",
            get(residents::edit_form).post(residents::edit),
        )
        .route("/residents/{id}/identity", get(residents::identity))
        .route(
            "/residents/{id}/status",
            get(residents::status_confirm).post(residents::set_status),
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
/// form; the handler behind it checks again).
fn may(who: &Authenticated, action: Action, path: &str) -> bool {
    authorize(&who.actor, action, Some(path)).is_ok()
}

/// A form re-rendered with the error message for a bad field (400), or the failure itself.
fn form_error<T: Template>(
    f: Failure,
    lang: crate::i18n::Lang,
    page: impl FnOnce(String) -> T,
) -> Result<Response, PageError> {
    let msg = match &f {
        Failure::Invalid(e) => lang.field_error(e),
        Failure::Conflict { .. } => f_message(&f, lang),
        _ => return Err(PageError(f)),
    };
    let status = if matches!(f, Failure::Conflict { .. }) {
        axum::http::StatusCode::CONFLICT
    } else {
        axum::http::StatusCode::BAD_REQUEST
    };
    Ok((status, render(&page(msg))?).into_response())
}

fn f_message(f: &Failure, lang: crate::i18n::Lang) -> String {
    match f {
        Failure::Conflict { field } => lang.t("error.conflict").replace("{field}", field),
        _ => lang.t("error.internal").to_owned(),
    }
}

#[derive(Deserialize, Default)]
struct Empty {}

/// Labels for stored codes, in the page's language.
fn label(chrome: &Chrome, prefix: &str, code: &str) -> &'static str {
    chrome.t(&format!("{prefix}.{code}"))
}
