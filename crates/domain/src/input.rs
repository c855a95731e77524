//! Checks shared by the areas' input parsers: a value chosen from a closed set, and a list
//! longer than allowed.

use crate::{FieldError, FieldErrorKind};

/// A value chosen from a closed set (a code typed or picked): `parsed` is what the set's
/// parser made of `raw`; blank is "required", anything else it did not know "unknown".
pub fn choice<T>(parsed: Option<T>, raw: &str, field: &'static str) -> Result<T, FieldError> {
    parsed.ok_or_else(|| {
        let kind = if raw.trim().is_empty() {
            FieldErrorKind::Required
        } else {
            FieldErrorKind::UnknownValue
        };
        FieldError::new(field, kind, raw)
    })
}

/// A list of more than `max` entries (at least one is allowed).
pub fn too_many(field: &'static str, max: usize, detail: &str) -> FieldError {
    FieldError::new(
        field,
        FieldErrorKind::OutOfRange {
            min: 1,
            max: i64::try_from(max).unwrap_or(i64::MAX),
        },
        detail,
    )
}

/// The fields a parser refused, in order (tests compare them with the form's order).
#[cfg(test)]
pub(crate) fn refused<T: std::fmt::Debug>(r: Result<T, Vec<FieldError>>) -> Vec<&'static str> {
    r.unwrap_err().iter().map(|e| e.field).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_required_and_the_rest_unknown() {
        let parse = |s: &str| (s.trim() == "a").then_some(1);
        assert_eq!(choice(parse(" a "), " a ", "x"), Ok(1));
        assert_eq!(
            choice(parse(" "), " ", "x").unwrap_err().kind,
            FieldErrorKind::Required
        );
        assert_eq!(
            choice(parse("b"), "b", "x").unwrap_err().kind,
            FieldErrorKind::UnknownValue
        );
        assert_eq!(
            too_many("x", 3, "d").kind,
            FieldErrorKind::OutOfRange { min: 1, max: 3 }
        );
    }
}
