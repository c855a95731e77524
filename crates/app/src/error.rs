//! The one error type of the application layer. The web crate maps each variant to one HTTP
//! status in one place (`tuquan_web::error`); the command line prints it.

use tuquan_domain::FieldError;
use tuquan_store::StoreError;

/// What went wrong in a use case, independent of how it is shown.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// Malformed input: a field that cannot be parsed (HTTP 400).
    #[error("invalid input: {0}")]
    Invalid(FieldError),
    /// Several malformed fields at once (HTTP 400), in the form's order, so a form can show
    /// every one beside its field; the API names the first. Never empty.
    #[error("invalid input: {} fields", .0.len())]
    InvalidFields(Vec<FieldError>),
    /// Well-formed input that a rule of the domain refuses (HTTP 422): an ineligible
    /// appointee, a forbidden transition, a bad file. `code` is stable (`rule.{code}` in the
    /// locale catalogues), `field` names the input it concerns.
    #[error("rule {code} on {field:?}: {detail}")]
    Rule {
        code: &'static str,
        field: Option<&'static str>,
        detail: String,
    },
    #[error("not found")]
    NotFound,
    #[error("conflict on {field}")]
    Conflict { field: &'static str },
    /// Nobody signed in, or an unknown credential.
    #[error("unauthorized")]
    Unauthorized,
    /// Signed in with a temporary password that must be changed first.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The domain's `authorize` said no.
    #[error("forbidden")]
    Forbidden,
    /// Too many attempts; blocked until this time (UTC, RFC 3339).
    #[error("too many attempts until {until}")]
    TooManyAttempts { until: String },
    /// Too many submissions from one client, contact or unit (see `crate::limits`); free
    /// again at this time (UTC, RFC 3339).
    #[error("rate limited until {until}")]
    RateLimited { until: String },
    /// A failure of the database or another internal part: logged, never shown, never
    /// turned into "not found" or a default.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// A rule violation on `field`.
    pub fn rule(code: &'static str, field: &'static str, detail: impl Into<String>) -> Self {
        Self::Rule {
            code,
            field: Some(field),
            detail: detail.into(),
        }
    }
}

/// The prefix of a rule's `detail` that carries a date the message names (a notice period's
/// latest or earliest day), for the adapters: `date:YYYY-MM-DD`.
const DATED: &str = "date:";

impl AppError {
    /// A rule violation on `field` whose message names `date` (e.g. the latest day a list
    /// could be posted, the earliest day a meeting can be held).
    pub fn rule_dated(code: &'static str, field: &'static str, date: jiff::civil::Date) -> Self {
        Self::rule(code, field, format!("{DATED}{date}"))
    }

    /// The date a rule's message names, if any (`YYYY-MM-DD`).
    pub fn rule_date(&self) -> Option<&str> {
        match self {
            Self::Rule { detail, .. } => detail.strip_prefix(DATED),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

/// Keeps a field error of `r` in `checks` (giving `None`) so a form can report every bad
/// field at once; any other error, such as a database failure, is passed on untouched.
pub(crate) fn keep_field_error<T>(
    checks: &mut tuquan_domain::Checks,
    r: Result<T, AppError>,
) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::Invalid(e)) => Ok(checks.check::<T>(Err(e))),
        Err(AppError::InvalidFields(es)) => {
            for e in es {
                checks.check::<()>(Err(e));
            }
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// One error stays [`AppError::Invalid`]; several become [`AppError::InvalidFields`].
impl From<Vec<FieldError>> for AppError {
    fn from(mut e: Vec<FieldError>) -> Self {
        match e.len() {
            0 => Self::Internal("an empty list of field errors".into()),
            1 => Self::Invalid(e.swap_remove(0)),
            _ => Self::InvalidFields(e),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict { field } => Self::Conflict { field },
            StoreError::Invalid(fe) => Self::Invalid(fe),
            other => {
                // Internals are logged (with the request id of the span), never shown.
                tracing::error!(error = %other, "store failure");
                Self::Internal(other.to_string())
            }
        }
    }
}
