//! Errors of the web layer. Each variant maps to one HTTP status here and nowhere else.
//!
//! Handlers return [`ApiError`] (JSON) or [`PageError`] (HTML) without knowing the reader's
//! language; the [`localize`] middleware, which sees the request, writes the body in it.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tuquan_app::AppError;
use tuquan_domain::FieldError;
use utoipa::ToSchema;

use crate::i18n::Lang;

/// What went wrong, independent of the response format.
#[derive(Debug, Clone)]
pub enum Failure {
    Invalid(FieldError),
    /// Several bad fields (never empty): the API names the first, a form shows them all.
    InvalidFields(Vec<FieldError>),
    InvalidBody(String),
    /// A domain rule refused well-formed input (see `tuquan_app::AppError::Rule`).
    Rule {
        code: &'static str,
        field: Option<&'static str>,
    },
    /// A rule whose message names a date (`{date}`, `YYYY-MM-DD`): a notice period's
    /// latest or earliest day.
    RuleDated {
        code: &'static str,
        field: Option<&'static str>,
        date: String,
    },
    NotFound,
    Conflict {
        field: &'static str,
    },
    Unauthorized,
    /// Signed in with a temporary password that must be changed first.
    PasswordChangeRequired,
    Forbidden,
    CsrfRejected,
    /// Too many failed logins; locked until this time (UTC, RFC 3339).
    TooManyAttempts {
        until: String,
    },
    /// Too many submissions from one client, contact or unit; free again at this time.
    RateLimited {
        until: String,
    },
    Internal,
}

/// Fields that name another record (a unit by code, a resident, a household): a well-formed
/// value that names nothing is "not found" (404), not a malformed request (issue 11 #17).
const REFERENCE_FIELDS: &[&str] = &[
    "unit",
    "unit_code",
    "parent",
    "parent_code",
    "unit_codes",
    "resident_id",
    "representative_id",
    "household_id",
    "duplicate_of",
    "officer_username",
];

/// The file parts of multipart bodies (a scan, an attachment, a photo). A file is any bytes
/// to the request's format; its content refused (not an accepted type, too large, too many
/// files) is a rule on a well-formed request (422), as the feedback photos always were.
const FILE_FIELDS: &[&str] = &["scan", "attachment", "photo", "sheet", "authorisation"];

/// Numbers whose range depends on another record (a meeting's cluster count): the schema
/// can only give their widest range, so a value beyond the record's is a rule (422).
const RECORD_BOUNDED: &[&str] = &["cluster"];

/// How a field error is answered: a well-formed value that a rule between fields or records
/// refuses is a 422 (a relation not allowed, a date in the future, a file's refused content),
/// one that names no record a 404, anything else a malformed request (400).
fn field_status(e: &FieldError) -> StatusCode {
    use tuquan_domain::FieldErrorKind as K;
    match e.kind {
        K::NotAllowedHere | K::InFuture => StatusCode::UNPROCESSABLE_ENTITY,
        K::InvalidFormat | K::TooLong { .. } | K::OutOfRange { .. }
            if FILE_FIELDS.contains(&e.field) =>
        {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        K::OutOfRange { .. } if RECORD_BOUNDED.contains(&e.field) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        K::UnknownValue if REFERENCE_FIELDS.contains(&e.field) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl Failure {
    /// The field error that decides the status: the first one, as the API names it.
    fn first_field_error(&self) -> Option<&FieldError> {
        match self {
            Self::Invalid(e) => Some(e),
            Self::InvalidFields(es) => es.first(),
            _ => None,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) | Self::InvalidFields(_) => self
                .first_field_error()
                .map_or(StatusCode::BAD_REQUEST, field_status),
            Self::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Self::Rule { .. } | Self::RuleDated { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::PasswordChangeRequired | Self::Forbidden | Self::CsrfRejected => {
                StatusCode::FORBIDDEN
            }
            Self::TooManyAttempts { .. } | Self::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code of the error.
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) | Self::InvalidFields(_) => {
                match self.first_field_error().map(field_status) {
                    Some(StatusCode::NOT_FOUND) => "not_found",
                    Some(StatusCode::UNPROCESSABLE_ENTITY) => "rule_refused",
                    _ => "invalid_parameter",
                }
            }
            Self::InvalidBody(_) => "invalid_body",
            Self::Rule { code, .. } | Self::RuleDated { code, .. } => code,
            Self::NotFound => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Unauthorized => "unauthorized",
            Self::PasswordChangeRequired => "password_change_required",
            Self::Forbidden => "forbidden",
            Self::CsrfRejected => "csrf",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::RateLimited { .. } => "rate_limited",
            Self::Internal => "internal",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid(e) => Some(e.field),
            Self::InvalidFields(es) => es.first().map(|e| e.field),
            Self::Conflict { field } => Some(field),
            Self::Rule { field, .. } | Self::RuleDated { field, .. } => *field,
            _ => None,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Invalid(e) => lang.field_error(e),
            Self::InvalidFields(es) => es.first().map(|e| lang.field_error(e)).unwrap_or_default(),
            Self::InvalidBody(detail) => lang.t("error.invalid_body").replace("{detail}", detail),
            Self::Rule { code, field } => lang
                .t(&format!("rule.{code}"))
                .replace("{field}", field.unwrap_or("")),
            Self::RuleDated { code, field, date } => lang
                .t(&format!("rule.{code}"))
                .replace("{field}", field.unwrap_or(""))
                .replace("{date}", &day_month_year(date)),
            Self::NotFound => lang.t("error.not_found").to_owned(),
            Self::Conflict { field } => lang.t("error.conflict").replace("{field}", field),
            Self::Unauthorized => lang.t("error.unauthorized").to_owned(),
            Self::PasswordChangeRequired => lang.t("error.password_change_required").to_owned(),
            Self::Forbidden => lang.t("error.forbidden").to_owned(),
            Self::CsrfRejected => lang.t("error.csrf").to_owned(),
            Self::TooManyAttempts { until } => lang
                .t("error.too_many_attempts")
                .replace("{until}", &crate::i18n::local_time(until)),
            Self::RateLimited { until } => lang
                .t("error.rate_limited")
                .replace("{until}", &crate::i18n::local_time(until)),
            Self::Internal => lang.t("error.internal").to_owned(),
        }
    }
}

/// `YYYY-MM-DD` as `DD/MM/YYYY`, the way dates are written in Vietnam (kept as given when
/// it is not a date).
pub(crate) fn day_month_year(date: &str) -> String {
    match date.parse::<jiff::civil::Date>() {
        Ok(d) => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        Err(_) => date.to_owned(),
    }
}

impl Failure {
    /// The error as the API shows it, in `lang` (for reports that list several outcomes).
    pub fn detail(&self, lang: Lang) -> ErrorDetail {
        ErrorDetail {
            code: self.code().to_owned(),
            message: self.message(lang),
            field: self.field().map(str::to_owned),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(fe) => Self::Invalid(fe),
            AppError::InvalidFields(es) => Self::InvalidFields(es),
            AppError::Rule { code, field, .. } => match e.rule_date() {
                Some(date) => Self::RuleDated {
                    code,
                    field,
                    date: date.to_owned(),
                },
                None => Self::Rule { code, field },
            },
            AppError::NotFound => Self::NotFound,
            AppError::Conflict { field } => Self::Conflict { field },
            AppError::Unauthorized => Self::Unauthorized,
            AppError::PasswordChangeRequired => Self::PasswordChangeRequired,
            AppError::Forbidden => Self::Forbidden,
            AppError::TooManyAttempts { until } => Self::TooManyAttempts { until },
            AppError::RateLimited { until } => Self::RateLimited { until },
            // Already logged where it happened, with the request id.
            AppError::Internal(_) => Self::Internal,
        }
    }
}

/// For fields a body may leave out in general but not in this case (a note for a note step,
/// both coordinates or neither, a label for an "other" group): a missing one is well formed
/// input refused by a rule between fields, a 422 `required_here` naming the field.
pub fn required_here(e: AppError, fields: &[&str]) -> ApiError {
    let conditional = |fe: &FieldError| {
        fe.kind == tuquan_domain::FieldErrorKind::Required && fields.contains(&fe.field)
    };
    let field = match &e {
        AppError::Invalid(fe) if conditional(fe) => Some(fe.field),
        AppError::InvalidFields(es) if es.first().is_some_and(conditional) => {
            es.first().map(|fe| fe.field)
        }
        _ => None,
    };
    match field {
        Some(field) => ApiError(Failure::Rule {
            code: "required_here",
            field: Some(field),
        }),
        None => e.into(),
    }
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `invalid_parameter`, `invalid_body`, `not_found`, `conflict`,
    /// `unauthorized`, `password_change_required`, `forbidden`, `csrf`, `too_many_attempts`,
    /// `rate_limited`, `too_large`, `uri_too_long`, `method_not_allowed`,
    /// `unsupported_media_type`, `internal`, or a domain rule's code on a 422 (`rule_refused`
    /// when the rule is about one field: `field` names it).
    pub code: String,
    /// Human message in the reader's language (Vietnamese unless `Accept-Language: en`).
    pub message: String,
    /// The offending field, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answered as JSON.
#[derive(Debug, Clone)]
pub struct ApiError(pub Failure);

/// An error answered as a friendly HTML page.
#[derive(Debug, Clone)]
pub struct PageError(pub Failure);

impl<E: Into<Failure>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl<E: Into<Failure>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl From<FieldError> for Failure {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

/// A failure waiting for [`localize`] to give it a body.
#[derive(Clone)]
struct Pending(Failure);

impl Failure {
    /// Seconds until a refused client may try again (for `Retry-After`), for a 429.
    pub fn retry_after(&self) -> Option<i64> {
        let (Self::TooManyAttempts { until } | Self::RateLimited { until }) = self else {
            return None;
        };
        let until = until.parse::<jiff::Timestamp>().ok()?;
        Some(tuquan_domain::access::throttle::retry_after_secs(
            jiff::Timestamp::now().as_second(),
            until.as_second(),
        ))
    }
}

/// `Retry-After` (seconds) on a 429.
fn add_retry_after(f: &Failure, r: &mut Response) {
    if let Some(secs) = f.retry_after() {
        r.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, secs.into());
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut r = self.status().into_response();
        add_retry_after(&self, &mut r);
        r.extensions_mut().insert(Pending(self));
        r
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// Writes error bodies in the reader's language and in the format the path calls for:
/// JSON under `/api/`, an HTML page (or a redirect to sign in) elsewhere.
pub async fn localize(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let lang = crate::i18n::lang_of(&parts);
    let is_api = parts.uri.path().starts_with("/api/");
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let is_get = parts.method == axum::http::Method::GET;
    let res = next.run(Request::from_parts(parts, body)).await;
    let Some(Pending(f)) = res.extensions().get::<Pending>().cloned() else {
        if is_api {
            return plain_to_json(res, lang).await;
        }
        return res;
    };
    if is_api {
        let body = ErrorBody {
            error: ErrorDetail {
                code: f.code().to_owned(),
                message: f.message(lang),
                field: f.field().map(str::to_owned),
            },
        };
        let mut r = (f.status(), Json(body)).into_response();
        add_retry_after(&f, &mut r);
        if matches!(f, Failure::Unauthorized) {
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        return r;
    }
    match f {
        Failure::Unauthorized => {
            let next = if is_get { here } else { "/".to_owned() };
            let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            axum::response::Redirect::to(&format!("/login?{q}")).into_response()
        }
        Failure::PasswordChangeRequired => {
            axum::response::Redirect::to("/account/password").into_response()
        }
        f => {
            let page = crate::pages::error_page(lang, &f.message(lang));
            let mut r = (f.status(), Html(page)).into_response();
            add_retry_after(&f, &mut r);
            r
        }
    }
}

/// Unmatched routes: a 404 in the format the path suggests.
pub async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(Failure::NotFound).into_response()
    } else {
        PageError(Failure::NotFound).into_response()
    }
}

/// An API error that did not come through [`Failure`] — an extractor's or the router's own
/// answer (an id that does not parse, an unsupported method, a wrong content type) — in the
/// one JSON error body, so every error of the API has the documented shape (issue 11 #17).
async fn plain_to_json(res: Response, lang: Lang) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => (
            "invalid_parameter",
            lang.t("error.invalid_body").replace("{detail}", &text),
        ),
        StatusCode::NOT_FOUND => ("not_found", lang.t("error.not_found").to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            lang.t("error.method_not_allowed").to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", lang.t("error.too_large").to_owned()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            lang.t("error.unsupported_media_type").to_owned(),
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid_body",
            lang.t("error.invalid_body").replace("{detail}", &text),
        ),
        s if s.is_server_error() => ("internal", lang.t("error.internal").to_owned()),
        _ => ("invalid_request", text.clone()),
    };
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            field: path_param(&text),
        },
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    let json = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(json))
}

/// The parameter axum names when a path parameter does not parse: "Cannot parse `id` with
/// value `x` to a `i64`" (a lone parameter is named by its value only, and gets no field).
fn path_param(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("Cannot parse `")?;
    let (name, rest) = rest.split_once('`')?;
    rest.starts_with(" with value `").then(|| name.to_owned())
}
