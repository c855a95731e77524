//! User-facing text: one catalogue per language (`locales/vi.toml`, `locales/en.toml`).

use std::collections::HashMap;
use std::sync::LazyLock;

use tuquan_domain::{FieldError, FieldErrorKind};

/// A stored UTC time shown in Vietnam time, `HH:MM dd/mm/yyyy`.
pub fn local_time(stored: &str) -> String {
    stored
        .parse::<jiff::Timestamp>()
        .map(|ts| {
            ts.to_zoned(tuquan_domain::time::vietnam())
                .strftime("%H:%M %d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

type Catalogue = HashMap<String, String>;

fn load(src: &str) -> Catalogue {
    toml::from_str(src).expect("locale catalogues are valid TOML (checked by tests)")
}

static VI: LazyLock<Catalogue> = LazyLock::new(|| load(include_str!("../locales/vi.toml")));
static EN: LazyLock<Catalogue> = LazyLock::new(|| load(include_str!("../locales/en.toml")));

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Vi => Self::En,
            Self::En => Self::Vi,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().get(..2)?.to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The text for `key`; a missing key shows itself rather than failing the page.
    pub fn t(self, key: &str) -> &'static str {
        let cat = match self {
            Self::Vi => &*VI,
            Self::En => &*EN,
        };
        cat.get(key).map(String::as_str).unwrap_or_else(|| {
            tracing::warn!(key, "missing translation");
            Box::leak(key.to_owned().into_boxed_str())
        })
    }

    /// The text for `key` when the catalogue has it (for labels with a fallback).
    pub fn t_opt(self, key: &str) -> Option<&'static str> {
        let cat = match self {
            Self::Vi => &*VI,
            Self::En => &*EN,
        };
        cat.get(key).map(String::as_str)
    }

    /// An integer with the thousands separator of the language: `3.321` in Vietnamese,
    /// `3,321` in English.
    pub fn int(self, n: impl std::borrow::Borrow<i64>) -> String {
        let n = *n.borrow();
        let sep = match self {
            Self::Vi => '.',
            Self::En => ',',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// The text for `key`, if the catalogue has it.
    pub fn get(self, key: &str) -> Option<&'static str> {
        let cat = match self {
            Self::Vi => &*VI,
            Self::En => &*EN,
        };
        cat.get(key).map(String::as_str)
    }

    /// The message for a rejected field, naming the field by its code (the API's message).
    pub fn field_error(self, e: &FieldError) -> String {
        let msg = self
            .t(&format!("error.{}", e.kind.code()))
            .replace("{field}", e.field);
        fill_bounds(msg, e)
    }

    /// The message a form shows beside a rejected field: in the field's own label
    /// (`field.{field}`) and plain words (`form.{code}`), or a sentence written for that
    /// field and mistake (`form.{field}.{code}`).
    pub fn field_message(self, e: &FieldError) -> String {
        let code = e.kind.code();
        if let Some(own) = self.get(&format!("form.{}.{code}", e.field)) {
            return fill_bounds(own.to_owned(), e);
        }
        let label = self
            .get(&format!("field.{}", e.field))
            .unwrap_or_else(|| self.t("form.this_field"));
        let msg = self.t(&format!("form.{code}"));
        fill_bounds(
            msg.replace("{Label}", &capitalized(label))
                .replace("{label}", label),
            e,
        )
    }

    /// Pages: the `lang` cookie set by the language switch, else Vietnamese (the product is
    /// Vietnamese first, whatever the browser's setting). API: `Accept-Language`, else
    /// Vietnamese. `cookies` are the values of the request's `Cookie` headers.
    pub fn negotiate<'a>(
        is_api: bool,
        cookies: impl Iterator<Item = &'a str>,
        accept_language: Option<&str>,
    ) -> Self {
        if !is_api {
            return cookies
                .flat_map(|v| v.split(';'))
                .filter_map(|c| c.trim().strip_prefix("lang="))
                .find_map(Lang::parse)
                .unwrap_or_default();
        }
        accept_language
            .and_then(|h| h.split(',').next())
            .and_then(Lang::parse)
            .unwrap_or_default()
    }
}

/// `text` with its first letter in upper case (a label that starts a sentence).
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `{min}` and `{max}` of a length or range error filled in.
fn fill_bounds(msg: String, e: &FieldError) -> String {
    match e.kind {
        FieldErrorKind::TooLong { max } => msg.replace("{max}", &max.to_string()),
        FieldErrorKind::OutOfRange { min, max } => msg
            .replace("{min}", &min.to_string())
            .replace("{max}", &max.to_string()),
        _ => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_have_the_same_keys() {
        let mut vi: Vec<_> = VI.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        vi.sort();
        en.sort();
        assert_eq!(vi, en);
    }

    /// One of each kind of field error.
    fn every_kind() -> [FieldErrorKind; 7] {
        use FieldErrorKind::*;
        [
            Required,
            TooLong { max: 3 },
            OutOfRange { min: 1, max: 2 },
            InvalidFormat,
            UnknownValue,
            NotAllowedHere,
            InFuture,
        ]
    }

    #[test]
    fn every_field_error_kind_has_a_message() {
        for kind in every_kind() {
            for lang in [Lang::Vi, Lang::En] {
                let key = format!("error.{}", kind.code());
                let cat = if lang == Lang::Vi { &*VI } else { &*EN };
                assert!(cat.contains_key(&key), "{key} missing in {lang:?}");
                let msg = lang.field_error(&FieldError::new("limit", kind.clone(), ""));
                assert!(msg.contains("limit"), "{msg}");
                assert!(!msg.contains('{'), "unfilled placeholder: {msg}");
            }
        }
    }

    #[test]
    fn forms_speak_in_labels() {
        for kind in every_kind() {
            for lang in [Lang::Vi, Lang::En] {
                let msg = lang.field_message(&FieldError::new("full_name", kind.clone(), ""));
                assert!(!msg.contains("full_name") && !msg.contains('{'), "{msg}");
            }
        }
        let future = FieldError::new("birth_date", FieldErrorKind::InFuture, "");
        assert_eq!(
            Lang::Vi.field_message(&future),
            "Ngày sinh không được sau hôm nay"
        );
        let unknown = FieldError::new("no_such_field", FieldErrorKind::Required, "");
        assert!(!Lang::En.field_message(&unknown).contains("no_such_field"));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(Lang::Vi.int(3321), "3.321");
        assert_eq!(Lang::En.int(1_234_567), "1,234,567");
        assert_eq!(Lang::Vi.int(34), "34");
        assert_eq!(Lang::Vi.int(-1000), "-1.000");
    }

    #[test]
    fn language_parsing() {
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("vi"), Some(Lang::Vi));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse("é"), None);
    }
}
