//! Staff pages for resident feedback: the inbox (filters, counts per state, deadline badges,
//! bulk acknowledgement), one item with its full history and the step form, a commune's
//! settings (categories, routing), the national work calendar, and the signed-in user's
//! notifications. Every handler calls one use case of `tuquan_app::feedback` — the same the JSON
//! API calls — which make the one authorization check on the unit acted on; the store audits
//! every change.

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use tuquan_domain::FieldError;

use crate::error::Failure;
use crate::i18n::{local_time, Lang};
use crate::pages::form::FormErrors;
use crate::AppState;
use tuquan_app::feedback::inbox::{Deadline, DeadlineKind, DeadlineState};

mod config;
mod inbox;
mod item;
mod notifications;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/feedback/inbox/acknowledge"),
    ("POST", "/feedback/inbox/{code}/steps"),
    ("POST", "/feedback/settings/{code}/categories"),
    ("POST", "/feedback/settings/{code}/routes"),
    ("POST", "/feedback/calendar"),
    ("POST", "/feedback/calendar/{day}/remove"),
    ("POST", "/notifications/read"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feedback/inbox", get(inbox::index))
        .route("/feedback/inbox/acknowledge", post(inbox::acknowledge))
        .route("/feedback/inbox/{code}", get(item::show))
        .route("/feedback/inbox/{code}/steps", post(item::step))
        .route("/feedback/settings", get(config::pick))
        .route("/feedback/settings/{code}", get(config::settings))
        .route(
            "/feedback/settings/{code}/categories",
            post(config::set_category),
        )
        .route("/feedback/settings/{code}/routes", post(config::set_route))
        .route(
            "/feedback/calendar",
            get(config::calendar).post(config::add_day),
        )
        .route(
            "/feedback/calendar/{day}/remove",
            get(config::confirm_remove).post(config::remove_day),
        )
        .route("/notifications", get(notifications::index))
        .route("/notifications/read", post(notifications::mark_read))
}

/// A state's name.
pub(crate) fn status_label(lang: Lang, status: &str) -> &'static str {
    lang.t(&format!("fbs_status_{status}"))
}

/// A deadline as a badge: a class for the colour and a text that says the same.
pub struct Badge {
    /// `fbs-ok`, `fbs-soon` or `fbs-late`.
    pub class: &'static str,
    pub text: String,
}

fn duration(lang: Lang, minutes: i64, day_minutes: i64) -> String {
    let (d, h, m) = (
        minutes / day_minutes,
        (minutes % day_minutes) / 60,
        minutes % 60,
    );
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(lang.t("fbs_dur_days").replace("{n}", &d.to_string()));
    }
    if h > 0 {
        parts.push(lang.t("fbs_dur_hours").replace("{n}", &h.to_string()));
    }
    if d == 0 && (m > 0 || parts.is_empty()) {
        parts.push(lang.t("fbs_dur_minutes").replace("{n}", &m.to_string()));
    }
    parts.join(" ")
}

pub(crate) fn badge(lang: Lang, d: &Deadline) -> Badge {
    let kind = match d.kind {
        DeadlineKind::Acknowledge => lang.t("fbs_deadline_ack"),
        DeadlineKind::Resolve => lang.t("fbs_deadline_resolve"),
    };
    let due = local_time(&d.due_at);
    let (class, state, time) = match d.state {
        DeadlineState::OnTime => (
            "fbs-ok",
            lang.t("fbs_state_ontime"),
            lang.t("fbs_left")
                .replace("{time}", &duration(lang, d.minutes, 8 * 60)),
        ),
        DeadlineState::Soon => (
            "fbs-soon",
            lang.t("fbs_state_soon"),
            lang.t("fbs_left")
                .replace("{time}", &duration(lang, d.minutes, 8 * 60)),
        ),
        DeadlineState::Overdue => (
            "fbs-late",
            lang.t("fbs_state_overdue"),
            lang.t("fbs_late")
                .replace("{time}", &duration(lang, d.minutes, 24 * 60)),
        ),
    };
    Badge {
        class,
        text: lang
            .t("fbs_badge")
            .replace("{state}", state)
            .replace("{kind}", kind)
            .replace("{time}", &time)
            .replace("{due}", &due),
    }
}

/// The name of a form field in the reader's language.
pub(crate) fn field_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "action" | "public_note" | "internal_note" | "duplicate_of" | "referred_to"
        | "assignee_id" | "codes" | "unit" | "status" | "category" | "cursor" | "limit"
        | "code" | "name_vi" | "name_en" | "ack_hours" | "resolve_hours" | "level" | "role"
        | "day" | "kind" | "name" => lang.t(&format!("fbs_field_{field}")),
        _ => lang.t("fbs_field_other"),
    }
}

/// A rejected input as a form shows it: the form field it belongs to and a message naming
/// it; `None` for failures that get the error page instead.
pub(crate) fn form_error(lang: Lang, f: &Failure) -> Option<(StatusCode, &'static str, String)> {
    match f {
        Failure::Invalid(e) => {
            let (field, message) = field_error(lang, e);
            Some((StatusCode::BAD_REQUEST, field, message))
        }
        Failure::InvalidFields(es) => es.first().map(|e| {
            let (field, message) = field_error(lang, e);
            (StatusCode::BAD_REQUEST, field, message)
        }),
        // The workflow's rules: a step the item's state does not allow.
        Failure::Rule { .. } => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "action",
            lang.t("fbs_err_not_from_here").to_owned(),
        )),
        Failure::Conflict { .. } => Some((
            StatusCode::CONFLICT,
            "action",
            lang.t("fbs_err_changed").to_owned(),
        )),
        _ => None,
    }
}

/// One refused field of a staff form: the control it is about and the message, in the
/// field's label and plain words.
fn field_error(lang: Lang, e: &FieldError) -> (&'static str, String) {
    let special = |key: &str| lang.t(key).to_owned();
    match (e.field, e.detail.as_str()) {
        // The transition rules name their own fields.
        ("reason", _) => ("public_note", special("fbs_err_reason_required")),
        ("referred_to", "referral_required") => {
            ("referred_to", special("fbs_err_referral_required"))
        }
        ("duplicate_of", "original_required") => {
            ("duplicate_of", special("fbs_err_original_required"))
        }
        ("duplicate_of", "no such item") => ("duplicate_of", special("fbs_err_original_unknown")),
        ("duplicate_of", "another item of the same commune") => {
            ("duplicate_of", special("fbs_err_original_elsewhere"))
        }
        ("status", "transition_not_allowed" | "reopen_window_passed") => {
            ("action", special("fbs_err_not_from_here"))
        }
        ("code", "a category with this code exists") => ("code", special("fbs_err_code_exists")),
        ("day", "a holiday on a weekday") => ("day", special("fbs_err_holiday_weekend")),
        ("day", "a make-up working day on a weekend") => {
            ("day", special("fbs_err_workday_weekday"))
        }
        ("resolve_hours", "not before the acknowledgement") => {
            ("resolve_hours", special("fbs_err_resolve_before_ack"))
        }
        (field, _) => (
            field,
            lang.field_error(&FieldError {
                field: field_label(lang, field),
                ..e.clone()
            }),
        ),
    }
}

/// Every refused field of a staff form, beside its control (see `pages::form`); the
/// statuses of [`form_error`].
pub(crate) fn form_errors(lang: Lang, f: &Failure) -> Option<(StatusCode, FormErrors)> {
    let fields: &[FieldError] = match f {
        Failure::Invalid(e) => std::slice::from_ref(e),
        Failure::InvalidFields(es) => es,
        other => {
            let (status, field, message) = form_error(lang, other)?;
            return Some((status, FormErrors::field(field, message)));
        }
    };
    let mut errors = FormErrors::none();
    for e in fields {
        let (field, message) = field_error(lang, e);
        errors = errors.with(field, message);
    }
    Some((StatusCode::BAD_REQUEST, errors))
}
