//! The public side of resident feedback: the form to send it (with photos, without
//! JavaScript) in [`send`], following it by tracking code (with the sender's reopen and
//! rating forms) and the photos in [`track`], and here the lookup box and a unit's public
//! list. Every action is one use case of `tuquan_app::feedback`, the same the JSON API
//! calls; public views show no name, phone, e-mail, street address, description or photo.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::feedback::public::ListQuery;
use tuquan_app::feedback::{self as app, REOPEN_DAYS};
use tuquan_app::AppError;
use tuquan_domain::feedback::Status;
use tuquan_domain::territory::Tier;
use tuquan_domain::{FieldError, FieldErrorKind};

use super::{render, Chrome};
use crate::auth::RequestCtx;
use crate::error::PageError;
use crate::feedback::upload;
use crate::i18n::Lang;
use crate::pages::form::FormErrors;
use crate::AppState;

mod pick;
mod send;
mod track;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/feedback/new"),
    ("POST", "/feedback/{code}/reopen"),
    ("POST", "/feedback/{code}/rating"),
];

/// Items per page of a unit's public list.
const PAGE_SIZE: &str = "50";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(lookup))
        .route(
            "/feedback/new",
            get(send::new_form)
                .post(send::submit)
                .layer(DefaultBodyLimit::max(upload::BODY_LIMIT)),
        )
        .route("/feedback/{code}", get(track::track))
        .route("/feedback/{code}/reopen", post(track::sender_form::<false>))
        .route("/feedback/{code}/rating", post(track::sender_form::<true>))
        .route("/feedback/{code}/photos/{photo_id}", get(track::photo))
        .route("/units/{code}/feedback", get(unit_list))
}

pub(super) fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(super) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
}

pub(super) fn page(status: StatusCode, html: axum::response::Html<String>) -> Response {
    (status, html).into_response()
}

/// A stored UTC time as a Vietnamese date, `dd/mm/yyyy`.
fn local_date(stored: &str) -> String {
    stored
        .parse::<jiff::Timestamp>()
        .map(|ts| {
            ts.to_zoned(tuquan_domain::time::vietnam())
                .strftime("%d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_owned())
}

pub(super) fn status_label(lang: Lang, status: &str) -> &'static str {
    lang.t(&format!("fbp_status_{status}"))
}

/// The message for a rejected field of these forms, naming the field in the page's language.
pub(super) fn field_message(lang: Lang, e: &FieldError) -> String {
    use FieldErrorKind as K;
    let key = match (e.field, &e.kind) {
        ("photo", K::TooLong { .. }) => Some("fbp_err_photo_size"),
        ("photo", K::OutOfRange { .. }) => Some("fbp_err_photo_count"),
        ("photo", _) => Some("fbp_err_photo_type"),
        ("contact_phone", K::Required) => Some("fbp_err_contact_required"),
        ("category", K::UnknownValue | K::NotAllowedHere) => Some("fbp_err_category_unknown"),
        ("category", K::Required) => Some("fbp_err_category_required"),
        ("lat" | "lng", K::Required) => Some("fbp_err_coords_pair"),
        ("unit_code", _) => Some("fbp_err_unit_unknown"),
        ("reason", K::Required) => Some("fbp_err_reason_required"),
        ("status", _) => Some("fbp_err_not_now"),
        ("rating", K::NotAllowedHere) => Some("fbp_err_rating_open"),
        ("rating", _) => Some("fbp_err_rating_range"),
        // The contact that proves the sender, as the page says it when it is the only error.
        ("contact", K::Required) => Some("fbp_err_contact_needed"),
        ("contact", _) => Some("fbp_err_contact_mismatch"),
        ("humanity", K::Required) => Some("rule.humanity_required"),
        ("humanity", _) => Some("rule.humanity_wrong"),
        _ => None,
    };
    match key {
        Some(k) => lang.t(k).replace("{days}", &REOPEN_DAYS.to_string()),
        None => {
            let label = lang.t(&format!("fbp_field_{}", e.field));
            lang.field_error(&FieldError {
                field: label,
                ..e.clone()
            })
        }
    }
}

/// The message for a rule these forms break.
fn rule_message(lang: Lang, code: &str) -> String {
    let key = match code {
        "photo_size" => "fbp_err_photo_size",
        "photo_count" => "fbp_err_photo_count",
        "photo_type" => "fbp_err_photo_type",
        "humanity_required" => "rule.humanity_required",
        "humanity_wrong" => "rule.humanity_wrong",
        _ => "fbp_err_not_now",
    };
    lang.t(key).replace("{days}", &REOPEN_DAYS.to_string())
}

/// A refusal these forms show next to a field: (status, field, message): 400 for bad input,
/// 422 for a rule; `None` for failures that get the error page instead.
pub(super) fn form_refusal(lang: Lang, e: &AppError) -> Option<(StatusCode, &'static str, String)> {
    match e {
        AppError::Invalid(fe) => Some((StatusCode::BAD_REQUEST, fe.field, field_message(lang, fe))),
        AppError::Rule { code, field, .. } => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            field.unwrap_or(""),
            rule_message(lang, code),
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// The landing page: look up by tracking code.

#[derive(Deserialize, Default)]
struct LookupQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_lookup.html")]
struct LookupPage {
    chrome: Chrome,
    code: String,
    errors: FormErrors,
}

/// The landing page; with a code, the item it names (typed with or without `PA-`), or
/// the form again with the reason beside the box: none typed (400), none found (404).
async fn lookup(
    State(state): State<AppState>,
    chrome: Chrome,
    rc: RequestCtx,
    Query(q): Query<LookupQuery>,
) -> Result<Response, PageError> {
    let shown = |chrome: Chrome, status, code: &str, message: Option<&str>| {
        let errors = message.map_or_else(FormErrors::none, |m| FormErrors::field("code", m));
        Ok::<_, PageError>(page(
            status,
            render(&LookupPage {
                chrome,
                code: code.to_owned(),
                errors,
            })?,
        ))
    };
    let Some(raw) = non_blank(&q.code) else {
        // Sent without a code: say so; first shown: no error.
        let message = q.code.is_some().then(|| chrome.t("fbp_lookup_required"));
        let status = if message.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        return shown(chrome, status, "", message);
    };
    match app::find(&state.ctx(None, &rc), raw).await? {
        Some(item) => Ok(see_other(&format!("/feedback/{}", item.tracking_code))),
        None => {
            let message = chrome.t("fbp_lookup_none");
            shown(chrome, StatusCode::NOT_FOUND, raw, Some(message))
        }
    }
}

// ---------------------------------------------------------------------------------------
// A unit's public list.

#[derive(Deserialize, Default)]
struct UnitListQuery {
    status: Option<String>,
    category: Option<String>,
    cursor: Option<String>,
}

pub struct ListRow {
    pub href: String,
    pub category_name: String,
    pub status: String,
    pub status_label: &'static str,
    pub unit_name: String,
    pub date: String,
    pub answer: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "feedback_unit_list.html")]
struct UnitListPage {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    /// Feedback can be sent about this unit (a commune or a residential unit).
    can_send: bool,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    rows: Vec<ListRow>,
    next_href: Option<String>,
    first_href: Option<String>,
    filtered: bool,
}

async fn unit_list(
    State(state): State<AppState>,
    chrome: Chrome,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<UnitListQuery>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let ctx = state.ctx(None, &rc);
    let lq = ListQuery {
        status: q.status.clone(),
        category: q.category.clone(),
        limit: Some(PAGE_SIZE.into()),
        cursor: q.cursor.clone(),
    };
    let app::public::PublicPage { unit, items, next } =
        app::public::list(&ctx, lang, &code, &lq).await?;
    let status_now = non_blank(&q.status).unwrap_or("");
    let category_now = non_blank(&q.category).unwrap_or("");
    let statuses = Status::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: status_label(lang, s.as_str()).to_owned(),
            selected: s.as_str() == status_now,
        })
        .collect();
    let categories = app::categories(&ctx, &app::commune_code(&unit))
        .await?
        .into_iter()
        .map(|c| Choice {
            selected: c.code == category_now,
            label: app::category_name(lang, &c),
            value: c.code,
        })
        .collect();
    let base = format!("/units/{}/feedback", unit.code);
    let filters = |cursor: Option<String>| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !status_now.is_empty() {
            pairs.push(("status", status_now.to_owned()));
        }
        if !category_now.is_empty() {
            pairs.push(("category", category_now.to_owned()));
        }
        if let Some(c) = cursor {
            pairs.push(("cursor", c));
        }
        let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if qs.is_empty() {
            base.clone()
        } else {
            format!("{base}?{qs}")
        }
    };
    let next_href = next.map(|n| filters(Some(n.to_string())));
    let first_href = non_blank(&q.cursor).map(|_| filters(None));
    let rows = items
        .into_iter()
        .map(|i| ListRow {
            href: format!("/feedback/{}", i.tracking_code),
            category_name: i.category_name,
            status_label: status_label(lang, &i.status),
            status: i.status,
            unit_name: i.unit_name,
            date: local_date(&i.created_at),
            answer: i.public_answer,
        })
        .collect();
    let html = render(&UnitListPage {
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        can_send: unit.kind.tier() != Tier::Province && unit.valid_to.is_none(),
        statuses,
        categories,
        rows,
        next_href,
        first_href,
        filtered: !status_now.is_empty() || !category_now.is_empty(),
        chrome,
    })?;
    Ok(html.into_response())
}
