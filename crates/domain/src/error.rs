//! Validation errors that name the offending field. The message itself is chosen by the web
//! layer from the locale catalogue using `kind.code()`, so the domain stays language-free.

use std::fmt;

/// Why a field was rejected. Each variant has a stable machine code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    TooLong {
        max: usize,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    InvalidFormat,
    UnknownValue,
    NotAllowedHere,
    /// A date after today where only past dates make sense (a birth date).
    InFuture,
}

impl FieldErrorKind {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::OutOfRange { .. } => "out_of_range",
            Self::InvalidFormat => "invalid_format",
            Self::UnknownValue => "unknown_value",
            Self::NotAllowedHere => "not_allowed_here",
            Self::InFuture => "in_future",
        }
    }
}

/// A rejected input field: which field, why, and an English detail for logs and developers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub kind: FieldErrorKind,
    pub detail: String,
}

impl FieldError {
    pub fn new(field: &'static str, kind: FieldErrorKind, detail: impl Into<String>) -> Self {
        Self {
            field,
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.kind.code(), self.detail)
    }
}

impl std::error::Error for FieldError {}

/// Collects the errors of independent checks, so that a form can show every wrong field at
/// once instead of the first.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// The value of a passed check; a failed one is kept and gives `None`.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.errors.push(e)).ok()
    }

    /// Every error seen, in the order the checks ran.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}
