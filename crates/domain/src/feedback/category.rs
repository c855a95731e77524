use serde::{Deserialize, Serialize};

use crate::error::{FieldError, FieldErrorKind};

/// A kind of feedback with its deadlines. Communes may add, rename or retime their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Stable code, also the Open311 `service_code`.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Working minutes to acknowledge.
    pub ack_minutes: i64,
    /// Working minutes to resolve.
    pub resolve_minutes: i64,
    /// Whether it may be sent without signing in or giving a contact.
    pub allow_anonymous: bool,
}

/// The categories every commune starts with: (code, Vietnamese, English, hours to
/// acknowledge, working days to resolve, anonymous allowed). Acknowledgement in 8 working
/// hours (4 for fire risk) follows iHanoi; resolution in 5 working days follows HCMC's 1022
/// for infrastructure (domain.md).
pub const DEFAULT_CATEGORIES: &[(&str, &str, &str, i64, i64, bool)] = &[
    (
        "security_order",
        "An ninh, trật tự",
        "Security and order",
        8,
        5,
        true,
    ),
    ("traffic", "Giao thông", "Traffic", 8, 5, true),
    (
        "environment",
        "Môi trường, vệ sinh",
        "Environment and sanitation",
        8,
        5,
        true,
    ),
    ("fire_risk", "Nguy cơ cháy nổ", "Fire risk", 4, 3, true),
    (
        "infrastructure",
        "Hạ tầng (đường, điện, nước, chiếu sáng)",
        "Infrastructure",
        8,
        5,
        true,
    ),
    (
        "administrative",
        "Thủ tục hành chính",
        "Administrative procedures",
        8,
        5,
        false,
    ),
    ("other", "Khác", "Other", 8, 10, false),
    // Seed 004: residents' concerns about the rearrangement of units, answered by the
    // commune (migration 0020, docs/beats.md).
    (
        "restructuring",
        "Sắp xếp đơn vị",
        "Unit restructuring",
        8,
        10,
        false,
    ),
];

impl Category {
    pub fn defaults() -> Vec<Category> {
        DEFAULT_CATEGORIES
            .iter()
            .map(|(code, vi, en, ack_h, res_d, anon)| Category {
                code: (*code).into(),
                name_vi: (*vi).into(),
                name_en: (*en).into(),
                ack_minutes: ack_h * 60,
                resolve_minutes: res_d * 8 * 60,
                allow_anonymous: *anon,
            })
            .collect()
    }
}

/// A commune's category as a settings form gives it: deadlines in working hours, the
/// checkboxes present (`on`) or absent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CategoryInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub ack_hours: String,
    #[serde(default)]
    pub resolve_hours: String,
    #[serde(default)]
    pub allow_anonymous: Option<String>,
    #[serde(default)]
    pub active: Option<String>,
}

/// Working hours allowed for a deadline: at most a quarter of a year of working days.
pub const MAX_DEADLINE_HOURS: i64 = 500;

fn checked(v: &Option<String>) -> bool {
    matches!(
        v.as_deref().map(str::trim),
        Some("on" | "true" | "1" | "yes")
    )
}

fn hours(raw: &str, field: &'static str) -> Result<i64, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    let range = FieldErrorKind::OutOfRange {
        min: 1,
        max: MAX_DEADLINE_HOURS,
    };
    let h: i64 = raw
        .parse()
        .map_err(|_| FieldError::new(field, range.clone(), "whole working hours"))?;
    if !(1..=MAX_DEADLINE_HOURS).contains(&h) {
        return Err(FieldError::new(field, range, "out of range"));
    }
    Ok(h)
}

impl Category {
    /// Checks a settings form: a code of lower-case letters, digits and `_` (2–40, starting
    /// with a letter), a Vietnamese name, whole working hours for both deadlines with the
    /// resolution not before the acknowledgement. Returns the category and whether it is
    /// active, or the first refused field ([`Self::parse_all`] gives every one).
    pub fn parse(input: &CategoryInput) -> Result<(Category, bool), FieldError> {
        Self::parse_all(input).map_err(|mut es| es.swap_remove(0))
    }

    /// [`Self::parse`], refusing with every bad field at once, in the order of the form
    /// (never an empty list).
    pub fn parse_all(input: &CategoryInput) -> Result<(Category, bool), Vec<FieldError>> {
        let mut c = crate::Checks::default();
        let code = c.check(parse_code(&input.code));
        let name_vi = c.check(name(&input.name_vi, "name_vi", true));
        let name_en = c.check(name(&input.name_en, "name_en", false));
        let ack = c.check(hours(&input.ack_hours, "ack_hours"));
        let resolve = c.check(hours(&input.resolve_hours, "resolve_hours").and_then(
            |r| match ack {
                Some(ack) if r < ack => Err(FieldError::new(
                    "resolve_hours",
                    FieldErrorKind::OutOfRange {
                        min: ack,
                        max: MAX_DEADLINE_HOURS,
                    },
                    "not before the acknowledgement",
                )),
                _ => Ok(r),
            },
        ));
        let (Some(code), Some(name_vi), Some(name_en), Some(ack), Some(resolve)) =
            (code, name_vi, name_en, ack, resolve)
        else {
            return Err(c.into_errors());
        };
        Ok((
            Category {
                name_en: if name_en.is_empty() {
                    name_vi.clone()
                } else {
                    name_en
                },
                code,
                name_vi,
                ack_minutes: ack * 60,
                resolve_minutes: resolve * 60,
                allow_anonymous: checked(&input.allow_anonymous),
            },
            checked(&input.active),
        ))
    }
}

fn parse_code(raw: &str) -> Result<String, FieldError> {
    let code = raw.trim().to_owned();
    if code.is_empty() {
        return Err(FieldError::new("code", FieldErrorKind::Required, "empty"));
    }
    let ok = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(FieldError::new(
            "code",
            FieldErrorKind::InvalidFormat,
            "a-z, 0-9 and _",
        ));
    }
    Ok(code)
}

/// A category's name, cleaned, at most 120 characters.
fn name(raw: &str, field: &'static str, required: bool) -> Result<String, FieldError> {
    let v = crate::text::clean(raw);
    if required && v.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    if v.chars().count() > 120 {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max: 120 },
            "long",
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CategoryInput {
        CategoryInput {
            code: "noise".into(),
            name_vi: "  Tiếng   ồn ".into(),
            name_en: "".into(),
            ack_hours: "8".into(),
            resolve_hours: "40".into(),
            allow_anonymous: Some("on".into()),
            active: Some("on".into()),
        }
    }

    #[test]
    fn a_category_in_working_hours() {
        let (c, active) = Category::parse(&input()).unwrap();
        assert!(active && c.allow_anonymous);
        assert_eq!((c.ack_minutes, c.resolve_minutes), (480, 2400));
        assert_eq!(
            (c.name_vi.as_str(), c.name_en.as_str()),
            ("Tiếng ồn", "Tiếng ồn")
        );
        let (_, active) = Category::parse(&CategoryInput {
            active: None,
            ..input()
        })
        .unwrap();
        assert!(!active);
    }

    #[test]
    fn bad_settings_name_the_field() {
        let field = |i: CategoryInput| Category::parse(&i).unwrap_err().field;
        assert_eq!(
            field(CategoryInput {
                code: "Ồn".into(),
                ..input()
            }),
            "code"
        );
        assert_eq!(
            field(CategoryInput {
                code: "9x".into(),
                ..input()
            }),
            "code"
        );
        assert_eq!(
            field(CategoryInput {
                name_vi: " ".into(),
                ..input()
            }),
            "name_vi"
        );
        assert_eq!(
            field(CategoryInput {
                ack_hours: "0".into(),
                ..input()
            }),
            "ack_hours"
        );
        assert_eq!(
            field(CategoryInput {
                ack_hours: "2.5".into(),
                ..input()
            }),
            "ack_hours"
        );
        assert_eq!(
            field(CategoryInput {
                resolve_hours: "4".into(),
                ..input()
            }),
            "resolve_hours"
        );
        assert_eq!(
            field(CategoryInput {
                resolve_hours: "9999".into(),
                ..input()
            }),
            "resolve_hours"
        );
    }

    #[test]
    fn every_bad_field_at_once() {
        let es = Category::parse_all(&CategoryInput {
            code: "".into(),
            name_vi: " ".into(),
            ack_hours: "0".into(),
            resolve_hours: "x".into(),
            ..input()
        })
        .unwrap_err();
        let fields: Vec<_> = es.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code", "name_vi", "ack_hours", "resolve_hours"]);
        // The order rule needs both numbers.
        let es = Category::parse_all(&CategoryInput {
            name_vi: "".into(),
            resolve_hours: "4".into(),
            ..input()
        })
        .unwrap_err();
        let fields: Vec<_> = es.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name_vi", "resolve_hours"]);
    }
}
