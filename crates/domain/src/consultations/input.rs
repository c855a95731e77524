//! Parsing what a head types into a consultation, and what a household writes on an article.

use jiff::civil::Date;
use serde::Deserialize;

use super::articles::{split_articles, Article, MAX_ARTICLES};
use super::{Kind, Stance};
use crate::input::{choice, too_many};
use crate::text::required;
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind};

pub const TITLE_MAX: usize = 200;
/// A whole draft: a long hương ước is some 30,000 characters.
pub const TEXT_MAX: usize = 100_000;
pub const COMMENT_MAX: usize = 2_000;

/// The form or JSON body of a consultation, as typed (new, or an edit of a draft).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConsultationInput {
    pub title: String,
    pub kind: String,
    /// The whole draft, pasted; split on its "Điều N." headings.
    pub text: String,
    #[serde(default)]
    pub opens_on: Option<String>,
    #[serde(default)]
    pub closes_on: Option<String>,
}

/// A valid consultation: its articles split and numbered once each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub title: String,
    pub kind: Kind,
    pub text: String,
    pub preamble: String,
    pub articles: Vec<Article>,
    pub opens_on: Date,
    pub closes_on: Date,
}

/// Refuses control characters other than tab and line breaks (the edge refuses them too;
/// this keeps the rule true for every caller, the CLI and seeders included).
fn no_controls(s: &str, field: &'static str) -> Result<(), FieldError> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            FieldErrorKind::InvalidFormat,
            "control character",
        ));
    }
    Ok(())
}

/// Multi-line text: NFC, each line cleaned, paragraphs kept.
fn paragraphs(raw: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    no_controls(raw, field)?;
    let lines: Vec<String> = raw.lines().map(crate::text::clean).collect();
    let text = lines.join("\n").trim().to_owned();
    if text.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max },
            "long",
        ));
    }
    Ok(text)
}

fn title(raw: &str) -> Result<String, FieldError> {
    no_controls(raw, "title")?;
    required(raw, "title", TITLE_MAX)
}

/// The draft's text and its articles: at least one, at most [`MAX_ARTICLES`], each number
/// once.
fn draft(raw: &str) -> Result<(String, String, Vec<Article>), FieldError> {
    let text = paragraphs(raw, "text", TEXT_MAX)?;
    let (preamble, articles) = split_articles(&text);
    let bad = |detail: &str| FieldError::new("text", FieldErrorKind::InvalidFormat, detail);
    if articles.is_empty() {
        return Err(bad("no article"));
    }
    if articles.len() > MAX_ARTICLES {
        return Err(too_many("text", MAX_ARTICLES, "too many articles"));
    }
    let mut seen = std::collections::BTreeSet::new();
    if !articles.iter().all(|a| seen.insert(a.number)) {
        return Err(bad("an article number twice"));
    }
    Ok((text, preamble, articles))
}

impl NewConsultation {
    /// Every field checked; every error returned at once.
    pub fn parse(input: &ConsultationInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let title = c.check(title(&input.title));
        let kind =
            c.check(Kind::parse(&input.kind).ok_or_else(|| {
                FieldError::new("kind", FieldErrorKind::UnknownValue, "unknown kind")
            }));
        let draft = c.check(draft(&input.text));
        let opens_on = c.check(parse_date(input.opens_on.as_deref(), "opens_on"));
        let closes_on = c.check(
            parse_date(input.closes_on.as_deref(), "closes_on").and_then(|d| {
                d.ok_or_else(|| FieldError::new("closes_on", FieldErrorKind::Required, "empty"))
            }),
        );
        let errors = c.into_errors();
        match (title, kind, draft, opens_on, closes_on) {
            (
                Some(title),
                Some(kind),
                Some((text, preamble, articles)),
                Some(o),
                Some(closes_on),
            ) if errors.is_empty() => {
                let opens_on = o.unwrap_or(today);
                if closes_on <= opens_on {
                    return Err(vec![FieldError::new(
                        "closes_on",
                        // A rule between two well-formed dates (422 in the API).
                        FieldErrorKind::NotAllowedHere,
                        "not after opens_on",
                    )]);
                }
                Ok(Self {
                    title,
                    kind,
                    text,
                    preamble,
                    articles,
                    opens_on,
                    closes_on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// One household's comment on one article, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommentInput {
    pub article: i64,
    pub stance: String,
    #[serde(default)]
    pub text: Option<String>,
}

/// A valid comment: a proposed change always says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub article: i64,
    pub stance: Stance,
    pub text: Option<String>,
}

impl NewComment {
    pub fn parse(input: &CommentInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let stance = c.check(choice(
            Stance::parse(&input.stance),
            &input.stance,
            "stance",
        ));
        let raw = input.text.as_deref().unwrap_or("");
        let text = c.check(if raw.trim().is_empty() {
            Ok(None)
        } else {
            paragraphs(raw, "text", COMMENT_MAX).map(Some)
        });
        let errors = c.into_errors();
        match (stance, text) {
            (Some(stance), Some(text)) if errors.is_empty() => {
                if stance == Stance::Propose && text.is_none() {
                    return Err(vec![FieldError::new(
                        "text",
                        FieldErrorKind::Required,
                        "a proposal says what to change",
                    )]);
                }
                Ok(Self {
                    article: input.article,
                    stance,
                    text,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::refused;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 29)
    }

    fn input() -> ConsultationInput {
        ConsultationInput {
            title: " Dự thảo  hương ước ".into(),
            kind: "huong_uoc".into(),
            text: "Lời nói đầu\nĐiều 1. A\nx\nĐiều 2. B\ny".into(),
            opens_on: None,
            closes_on: Some("2026-12-29".into()),
        }
    }

    #[test]
    fn parses_and_splits() {
        let c = NewConsultation::parse(&input(), today()).unwrap();
        assert_eq!(c.title, "Dự thảo hương ước");
        assert_eq!(c.opens_on, today());
        assert_eq!(c.preamble, "Lời nói đầu");
        assert_eq!(c.articles.len(), 2);
    }

    #[test]
    fn every_bad_field_at_once() {
        let i = ConsultationInput {
            title: " ".into(),
            kind: "luat".into(),
            text: "Điều 1. A\nĐiều 1. B".into(),
            opens_on: Some("31/02/2026".into()),
            closes_on: None,
        };
        assert_eq!(
            refused(NewConsultation::parse(&i, today())),
            ["title", "kind", "text", "opens_on", "closes_on"]
        );
    }

    #[test]
    fn closing_must_follow_opening_and_controls_are_refused() {
        let mut i = input();
        i.closes_on = Some("2026-11-29".into());
        assert_eq!(
            NewConsultation::parse(&i, today()).unwrap_err()[0].field,
            "closes_on"
        );
        let mut i = input();
        i.title = "Hương\u{7}ước".into();
        assert_eq!(
            NewConsultation::parse(&i, today()).unwrap_err()[0].field,
            "title"
        );
    }

    #[test]
    fn comments() {
        let ok = |stance: &str, text: Option<&str>| {
            NewComment::parse(&CommentInput {
                article: 2,
                stance: stance.into(),
                text: text.map(Into::into),
            })
        };
        assert_eq!(ok("agree", None).unwrap().stance, Stance::Agree);
        assert_eq!(ok("agree", Some("  ")).unwrap().text, None);
        assert_eq!(ok("propose", None).unwrap_err()[0].field, "text");
        assert_eq!(
            ok("propose", Some("Sửa  thành 22 giờ"))
                .unwrap()
                .text
                .as_deref(),
            Some("Sửa thành 22 giờ")
        );
        assert_eq!(ok("", None).unwrap_err()[0].kind, FieldErrorKind::Required);
        let e = ok("maybe", Some("a\u{0}b")).unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.field).collect::<Vec<_>>(),
            vec!["stance", "text"]
        );
        assert!(ok("disagree", Some(&"x".repeat(COMMENT_MAX + 1))).is_err());
    }
}
