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
use tuquan_domain::FieldError;
use tuquan_store::StoreError;
use utoipa::ToSchema;

use crate::i18n::Lang;

/// What went wrong, independent of the response format.
#[derive(Debug, Clone)]
pub enum Failure {
    Invalid(FieldError),
    InvalidBody(String),
    NotFound,
    Conflict { field: &'static str },
    Unauthorized,
    Forbidden,
    Internal,
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) | Self::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code of the error.
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_parameter",
            Self::InvalidBody(_) => "invalid_body",
            Self::NotFound => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Internal => "internal",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid(e) => Some(e.field),
            Self::Conflict { field } => Some(field),
            _ => None,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Invalid(e) => lang.field_error(e),
            Self::InvalidBody(detail) => lang.t("error.invalid_body").replace("{detail}", detail),
            Self::NotFound => lang.t("error.not_found").to_owned(),
            Self::Conflict { field } => lang.t("error.conflict").replace("{field}", field),
            Self::Unauthorized => lang.t("error.unauthorized").to_owned(),
            Self::Forbidden => lang.t("error.forbidden").to_owned(),
            Self::Internal => lang.t("error.internal").to_owned(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict { field } => Self::Conflict { field },
            StoreError::Invalid(fe) => Self::Invalid(fe),
            other => {
                // Internals are logged with the request id, never shown.
                tracing::error!(error = %other, "store failure");
                Self::Internal
            }
        }
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
    /// `unauthorized`, `forbidden`, `internal`.
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

#[derive(Clone)]
enum Pending {
    Json(Failure),
    Html(Failure),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = self.0.status().into_response();
        r.extensions_mut().insert(Pending::Json(self.0));
        r
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut r = self.0.status().into_response();
        r.extensions_mut().insert(Pending::Html(self.0));
        r
    }
}

/// Writes error bodies in the reader's language.
pub async fn localize(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let lang = Lang::from_parts(&parts);
    let res = next.run(Request::from_parts(parts, body)).await;
    let pending = res.extensions().get::<Pending>().cloned();
    let Some(pending) = pending else {
        return res;
    };
    match pending {
        Pending::Json(f) => {
            let body = ErrorBody {
                error: ErrorDetail {
                    code: f.code().to_owned(),
                    message: f.message(lang),
                    field: f.field().map(str::to_owned),
                },
            };
            (f.status(), Json(body)).into_response()
        }
        Pending::Html(f) => {
            let page = crate::pages::error_page(lang, &f.message(lang));
            (f.status(), Html(page)).into_response()
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
