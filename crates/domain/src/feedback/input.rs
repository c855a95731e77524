use serde::Deserialize;

use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::people::Phone;
use crate::text;

/// The code a submitter uses to follow their feedback: `PA-` and 8 characters without
/// look-alikes. Random, so it cannot be guessed from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

impl TrackingCode {
    /// From 8 random bytes (the caller supplies randomness; the domain does no I/O).
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let s: String = bytes
            .iter()
            .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
            .collect();
        Self(format!("PA-{s}"))
    }

    /// People type the code as they read it: in lower case, with or without `PA-` (or
    /// `PA` without the dash), with spaces. Eight characters alone are the code's body,
    /// even when they start with `PA`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let body = match s.len() {
            8 => Some(s.as_str()),
            10 => s.strip_prefix("PA"),
            11 => s.strip_prefix("PA-"),
            _ => None,
        };
        match body.filter(|b| b.bytes().all(|c| ALPHABET.contains(&c))) {
            Some(b) => Ok(Self(format!("PA-{b}"))),
            None => Err(FieldError::new(
                "code",
                FieldErrorKind::InvalidFormat,
                "PA-XXXXXXXX",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Raw feedback as a form, the JSON API or Open311 gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewFeedbackInput {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    /// The residential unit or commune the feedback is about.
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub lat: Option<String>,
    #[serde(default)]
    pub lng: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
}

/// Feedback that passed every rule (the category and unit are checked against the store).
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedback {
    pub category: String,
    pub description: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<Phone>,
    pub contact_email: Option<String>,
}

pub const DESCRIPTION_MAX: usize = 4000;

fn coordinate(
    raw: &Option<String>,
    field: &'static str,
    limit: f64,
) -> Result<Option<f64>, FieldError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            let v: f64 = s.parse().map_err(|_| {
                FieldError::new(field, FieldErrorKind::InvalidFormat, "a decimal number")
            })?;
            if !v.is_finite() || v.abs() > limit {
                return Err(FieldError::new(
                    field,
                    FieldErrorKind::OutOfRange {
                        min: -(limit as i64),
                        max: limit as i64,
                    },
                    "out of range",
                ));
            }
            Ok(Some(v))
        }
    }
}

impl NewFeedback {
    /// `anonymous_allowed`: whether the category accepts feedback without a contact from
    /// someone not signed in (`signed_in` supplies the contact otherwise). Every wrong field
    /// is reported, in the order of the form.
    pub fn parse(
        input: &NewFeedbackInput,
        anonymous_allowed: bool,
        signed_in: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let category = input.category.trim().to_owned();
        if category.is_empty() {
            c.check::<()>(Err(FieldError::new(
                "category",
                FieldErrorKind::Required,
                "empty",
            )));
        }
        let description = c.check(description(&input.description));
        let address = c.check(text::optional(input.address.as_deref(), "address", 200));
        let lat = c.check(coordinate(&input.lat, "lat", 90.0));
        let lng = c.check(coordinate(&input.lng, "lng", 180.0));
        if let (Some(lat), Some(lng)) = (lat, lng) {
            if lat.is_some() != lng.is_some() {
                let field = if lat.is_none() { "lat" } else { "lng" };
                c.check::<()>(Err(FieldError::new(
                    field,
                    FieldErrorKind::Required,
                    "both coordinates or neither",
                )));
            }
        }
        let contact_name = c.check(text::optional(
            input.contact_name.as_deref(),
            "contact_name",
            100,
        ));
        let contact_phone = c.check(match input.contact_phone.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(p) => Phone::parse(p).map(Some).map_err(|e| FieldError {
                field: "contact_phone",
                ..e
            }),
        });
        let contact_email = c.check(email(&input.contact_email));
        let no_contact = matches!(contact_phone, Some(None)) && matches!(contact_email, Some(None));
        if !anonymous_allowed && !signed_in && no_contact {
            c.check::<()>(Err(FieldError::new(
                "contact_phone",
                FieldErrorKind::Required,
                "this category needs a way to reach the sender",
            )));
        }
        let errors = c.into_errors();
        match (
            description,
            address,
            lat,
            lng,
            contact_name,
            contact_phone,
            contact_email,
        ) {
            (Some(d), Some(a), Some(la), Some(ln), Some(n), Some(p), Some(e))
                if errors.is_empty() =>
            {
                Ok(Self {
                    category,
                    description: d,
                    address: a,
                    lat: la,
                    lng: ln,
                    contact_name: n,
                    contact_phone: p,
                    contact_email: e,
                })
            }
            _ => Err(errors),
        }
    }
}

fn description(raw: &str) -> Result<String, FieldError> {
    let d = text::clean(raw);
    if d.is_empty() {
        return Err(FieldError::new(
            "description",
            FieldErrorKind::Required,
            "empty",
        ));
    }
    if d.chars().count() > DESCRIPTION_MAX {
        return Err(FieldError::new(
            "description",
            FieldErrorKind::TooLong {
                max: DESCRIPTION_MAX,
            },
            "long",
        ));
    }
    Ok(d)
}

fn email(raw: &Option<String>) -> Result<Option<String>, FieldError> {
    let e = text::optional(raw.as_deref(), "contact_email", 200)?;
    if let Some(e) = &e {
        let ok = e
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'));
        if !ok {
            return Err(FieldError::new(
                "contact_email",
                FieldErrorKind::InvalidFormat,
                "an e-mail address",
            ));
        }
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> NewFeedbackInput {
        NewFeedbackInput {
            category: "traffic".into(),
            description: "Đèn đường hỏng ở hẻm 12".into(),
            unit_code: "26743-kp01".into(),
            lat: Some("10.772".into()),
            lng: Some("106.698".into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_and_anonymous_where_allowed() {
        let f = NewFeedback::parse(&input(), true, false).unwrap();
        assert_eq!(f.lat, Some(10.772));
        let e = NewFeedback::parse(&input(), false, false).unwrap_err();
        assert_eq!(e[0].field, "contact_phone");
        assert!(NewFeedback::parse(&input(), false, true).is_ok());
    }

    #[test]
    fn bad_fields_are_named() {
        type Case = (fn(&mut NewFeedbackInput), &'static str);
        let cases: Vec<Case> = vec![
            (|i| i.category = "".into(), "category"),
            (|i| i.description = "  ".into(), "description"),
            (|i| i.lat = Some("abc".into()), "lat"),
            (|i| i.lat = Some("91".into()), "lat"),
            (|i| i.lng = None, "lng"),
            (|i| i.contact_phone = Some("123".into()), "contact_phone"),
            (|i| i.contact_email = Some("nope".into()), "contact_email"),
        ];
        for (patch, field) in cases {
            let mut i = input();
            patch(&mut i);
            let errors = NewFeedback::parse(&i, true, false).unwrap_err();
            assert_eq!(errors.len(), 1, "{field}");
            assert_eq!(errors[0].field, field);
        }
    }

    #[test]
    fn every_wrong_field_at_once() {
        let i = NewFeedbackInput {
            category: " ".into(),
            description: "".into(),
            lat: Some("x".into()),
            contact_phone: Some("12".into()),
            contact_email: Some("nope".into()),
            ..input()
        };
        let fields: Vec<_> = NewFeedback::parse(&i, false, false)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "category",
                "description",
                "lat",
                "contact_phone",
                "contact_email"
            ]
        );
    }

    #[test]
    fn tracking_codes() {
        let c = TrackingCode::from_random([0, 1, 2, 3, 31, 32, 200, 255]);
        assert_eq!(c.as_str().len(), 11);
        assert_eq!(TrackingCode::parse(&c.as_str().to_lowercase()).unwrap(), c);
        assert!(TrackingCode::parse("PA-0000OOOO").is_err());
        assert!(TrackingCode::parse("XX-ABCDEFGH").is_err());
        let body = &c.as_str()[3..];
        for typed in [
            body.to_owned(),
            body.to_lowercase(),
            format!("pa{body}"),
            format!(" pa-{} {} ", &body[..4], &body[4..]),
        ] {
            assert_eq!(TrackingCode::parse(&typed).unwrap(), c, "{typed}");
        }
        // Eight characters are a body even when they start with PA.
        assert_eq!(
            TrackingCode::parse("PAKMNPQR").unwrap().as_str(),
            "PA-PAKMNPQR"
        );
        assert!(TrackingCode::parse("ABCDEFG").is_err());
    }
}
