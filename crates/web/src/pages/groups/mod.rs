//! Pages for groups: a commune's groups and regulations due for review, a group's page with
//! its decisions, members and history, and the forms to create, establish, appoint, end and
//! dissolve. Every handler calls one use case of `tuquan_app::groups`, which makes the one
//! authorization check on the group's unit; the store audits every change.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tuquan_app::groups::{GroupRecord, INELIGIBLE};
use tuquan_app::AppError;
use tuquan_domain::groups::GroupKind;

use crate::api::groups::upload::{self, Upload};
use crate::api::groups::{reason_message, UPLOAD_BODY_LIMIT};
use crate::auth::secret;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::pages::form::FormErrors;
use crate::AppState;

mod appoint;
mod decide;
mod list;
mod regulation;
mod show;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/territory/{code}/groups"),
    ("POST", "/territory/{code}/leadership"),
    ("POST", "/groups/{id}/decisions"),
    ("POST", "/groups/{id}/positions"),
    ("POST", "/groups/{id}/positions/{position_id}/end"),
    ("POST", "/territory/{code}/regulation"),
    ("POST", "/territory/{code}/regulation/review"),
    ("POST", "/territory/{code}/term-years"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/territory/{code}/groups",
            get(list::groups).post(list::create),
        )
        .route("/territory/{code}/groups/new", get(list::new_form))
        .route("/territory/{code}/leadership", post(list::leadership))
        .route("/groups/{id}", get(show::group))
        .route("/groups/{id}/history", get(show::history))
        .route("/groups/{id}/decisions/{decision_id}/scan", get(show::scan))
        .route("/groups/{id}/establish", get(decide::establish_form))
        .route("/groups/{id}/dissolve", get(decide::dissolve_form))
        .route(
            "/groups/{id}/decisions",
            post(decide::record).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/groups/{id}/positions",
            get(appoint::form).post(appoint::appoint),
        )
        .route(
            "/groups/{id}/positions/{position_id}/end",
            get(appoint::end_form).post(appoint::end),
        )
        .route("/residents/{id}/service", get(appoint::service))
        .route(
            "/territory/{code}/regulation",
            get(regulation::page).post(regulation::sign),
        )
        .route(
            "/territory/{code}/regulation/review",
            post(regulation::review),
        )
        .route(
            "/territory/{code}/term-years",
            get(regulation::term_form).post(regulation::set_term),
        )
}

/// An upload form (`multipart/form-data`) that passed the CSRF check.
pub(crate) struct CsrfUpload(pub Upload);

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Failure> {
        let (mut parts, body) = req.into_parts();
        let expected = crate::auth::csrf::expected_token(&mut parts, state).await?;
        let path = parts.uri.path().to_owned();
        let mp = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| Failure::InvalidBody(e.body_text()))?;
        let up = upload::read(mp, "scan").await?;
        let given = up.text("csrf");
        match expected {
            Some(t) if !given.is_empty() && secret::same(&t, &given) => Ok(Self(up)),
            _ => {
                tracing::warn!(%path, "CSRF token missing or wrong");
                Err(Failure::CsrfRejected)
            }
        }
    }
}

/// Shared page helpers (also used by the feedback pages through this path).
pub(crate) use super::common::{choices, vn_date, Choice, Empty};

pub(crate) fn kind_name(lang: Lang, kind: &str) -> &'static str {
    lang.t(&format!("groups.kind.{kind}"))
}

/// How a group's kind is shown: its label for an `other` group.
pub(crate) fn group_kind_label(lang: Lang, g: &GroupRecord) -> String {
    match (&g.kind_label, g.kind()) {
        (Some(l), GroupKind::Other) => l.clone(),
        _ => kind_name(lang, g.kind.as_str()).to_owned(),
    }
}

pub(crate) fn role_name(lang: Lang, role: &str, acting: bool) -> String {
    let name = lang.t(&format!("groups.role.{role}"));
    if acting {
        lang.t("groups.acting").replace("{role}", name)
    } else {
        name.to_owned()
    }
}

/// A tenure's dates as people read them, with why it ended; when `today` is given, a
/// tenure running on it says so.
pub(crate) fn period(lang: Lang, t: &crate::api::groups::Tenure, today: Option<&str>) -> String {
    let end = t.ended_on.as_deref().unwrap_or(&t.ends_on);
    let mut period = format!("{} – {}", vn_date(&t.starts_on), vn_date(end));
    if let Some(reason) = &t.end_reason {
        period.push_str(&format!(" ({})", lang.t(&format!("groups.end.{reason}"))));
    } else if today.is_some_and(|d| t.ends_on.as_str() >= d) {
        period.push_str(&format!(" ({})", lang.t("groups.state.current")));
    }
    period
}

/// The errors shown in a form for a rejected value or a rule's refusal, beside the fields;
/// `None` for failures that get the error page instead. A rejected scan and an ineligible
/// appointee get their own messages.
pub(crate) fn form_message(lang: Lang, e: &AppError) -> Option<(StatusCode, FormErrors)> {
    match e {
        AppError::Invalid(f) if f.field == "scan" => Some((
            StatusCode::BAD_REQUEST,
            FormErrors::field("scan", lang.t("groups.scan_invalid")),
        )),
        AppError::Rule {
            code: INELIGIBLE,
            detail,
            field,
        } => {
            let message = reason_message(lang, detail);
            let errors = match field {
                Some(id) => FormErrors::field(id, message),
                None => FormErrors::general(message),
            };
            Some((StatusCode::UNPROCESSABLE_ENTITY, errors))
        }
        e => FormErrors::from_failure(&crate::error::Failure::from(e.clone()), lang),
    }
}

/// The answer to a form: `done` on success; the form again with the errors when it
/// has some (`again` renders it); the error page otherwise.
pub(crate) async fn form_outcome<T, F, Fut>(
    lang: Lang,
    result: Result<T, AppError>,
    done: impl FnOnce(T) -> Response,
    again: F,
) -> Result<Response, crate::error::PageError>
where
    F: FnOnce(FormErrors) -> Fut,
    Fut: std::future::Future<Output = Result<Html<String>, crate::error::PageError>>,
{
    match result {
        Ok(t) => Ok(done(t)),
        Err(e) => {
            let Some((status, message)) = form_message(lang, &e) else {
                return Err(e.into());
            };
            Ok(with_status(status, again(message).await?))
        }
    }
}

/// A page with a status other than 200.
pub(crate) fn with_status(status: StatusCode, page: Html<String>) -> Response {
    (status, page).into_response()
}
