//! Parsing what an author types into an announcement.

use jiff::civil::Date;
use serde::Deserialize;

use super::{Category, Urgency};
use crate::access::Role;
use crate::groups::GroupKind;
use crate::text::{clean, required};
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind};

/// The form or JSON body of a new announcement, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewAnnouncementInput {
    pub title: String,
    pub body: String,
    pub category: String,
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Shown on the public notice board and in the Atom feed.
    #[serde(default)]
    pub public: bool,
    /// Only groups of these kinds (codes of `GroupKind`); empty: every household.
    #[serde(default)]
    pub group_kinds: Vec<String>,
    /// Only accounts holding these roles; empty: everybody.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// An edit of a published announcement: a new version.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EditAnnouncementInput {
    pub title: String,
    pub body: String,
    /// Attachments the new version no longer carries (ids of `files`); the others stay.
    #[serde(default)]
    pub remove_files: Vec<crate::code::FileId>,
}

/// A valid new announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnouncement {
    pub title: String,
    pub body: String,
    pub category: Category,
    pub urgency: Urgency,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub public: bool,
    pub group_kinds: Vec<GroupKind>,
    pub roles: Vec<Role>,
}

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;

/// The title: one line.
pub fn title(raw: &str) -> Result<String, FieldError> {
    required(raw, "title", TITLE_MAX)
}

/// The body: NFC, each line trimmed, paragraphs kept, not empty.
pub fn body(raw: &str) -> Result<String, FieldError> {
    let lines: Vec<String> = raw.lines().map(clean).collect();
    let text = lines.join("\n").trim().to_owned();
    if text.is_empty() {
        return Err(FieldError::new("body", FieldErrorKind::Required, "empty"));
    }
    if text.chars().count() > BODY_MAX {
        return Err(FieldError::new(
            "body",
            FieldErrorKind::TooLong { max: BODY_MAX },
            "long",
        ));
    }
    Ok(text)
}

impl NewAnnouncement {
    /// The first refused field (see [`Self::parse_all`]).
    pub fn parse(input: &NewAnnouncementInput, today: Date) -> Result<Self, FieldError> {
        Self::parse_all(input, today).map_err(|mut e| e.swap_remove(0))
    }

    /// Every refused field at once, in the form's order (title, body, category, urgency,
    /// dates, group kinds, roles), so that a form can show each beside its field.
    pub fn parse_all(input: &NewAnnouncementInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let unknown = |field| FieldError::new(field, FieldErrorKind::UnknownValue, "unknown");
        let mut c = Checks::default();
        let title = c.check(title(&input.title));
        let body = c.check(body(&input.body));
        let category = c.check(Category::parse(&input.category).ok_or_else(|| unknown("category")));
        let urgency = c.check(match input.urgency.as_deref().map(str::trim) {
            None | Some("") if category == Some(Category::Emergency) => Ok(Urgency::Immediate),
            None | Some("") => Ok(Urgency::Normal),
            Some(u) => Urgency::parse(u).ok_or_else(|| unknown("urgency")),
        });
        let valid_from = c.check(parse_date(input.valid_from.as_deref(), "valid_from"));
        let mut valid_until = c.check(parse_date(input.valid_until.as_deref(), "valid_until"));
        if let (Some(from), Some(Some(until))) = (valid_from, valid_until) {
            if until < from.unwrap_or(today) {
                // Refused: recorded with the others, and no announcement is made.
                valid_until = c.check(Err(FieldError::new(
                    "valid_until",
                    FieldErrorKind::NotAllowedHere,
                    "before valid_from",
                )));
            }
        }
        let group_kinds = c.check(
            input
                .group_kinds
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| GroupKind::parse(s).ok_or_else(|| unknown("group_kinds")))
                .collect::<Result<Vec<_>, _>>(),
        );
        let roles = c.check(
            input
                .roles
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| Role::parse(s).ok_or_else(|| unknown("roles")))
                .collect::<Result<Vec<_>, _>>(),
        );
        match (
            title,
            body,
            category,
            urgency,
            valid_from,
            valid_until,
            group_kinds,
            roles,
        ) {
            (
                Some(title),
                Some(body),
                Some(category),
                Some(urgency),
                Some(valid_from),
                Some(valid_until),
                Some(group_kinds),
                Some(roles),
            ) => Ok(Self {
                title,
                body,
                category,
                urgency,
                valid_from: valid_from.unwrap_or(today),
                valid_until,
                public: input.public,
                group_kinds,
                roles,
            }),
            _ => Err(c.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::refused;

    fn input() -> NewAnnouncementInput {
        NewAnnouncementInput {
            title: "  Lịch   tiêm chủng ".into(),
            body: "Đoạn một.  \n\n  Đoạn hai ".into(),
            category: "policy".into(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_and_keeps_paragraphs() {
        let today = jiff::civil::date(2026, 11, 29);
        let a = NewAnnouncement::parse(&input(), today).unwrap();
        assert_eq!(a.title, "Lịch tiêm chủng");
        assert_eq!(a.body, "Đoạn một.\n\nĐoạn hai");
        assert_eq!(a.urgency, Urgency::Normal);
        assert_eq!(a.valid_from, today);
    }

    #[test]
    fn emergencies_default_to_immediate() {
        let mut i = input();
        i.category = "emergency".into();
        let a = NewAnnouncement::parse(&i, jiff::civil::date(2026, 11, 29)).unwrap();
        assert_eq!(a.urgency, Urgency::Immediate);
    }

    #[test]
    fn refuses_bad_values() {
        let today = jiff::civil::date(2026, 11, 29);
        let mut i = input();
        i.category = "rumour".into();
        assert_eq!(
            NewAnnouncement::parse(&i, today).unwrap_err().field,
            "category"
        );
        let mut i = input();
        i.body = " \n ".into();
        assert_eq!(NewAnnouncement::parse(&i, today).unwrap_err().field, "body");
        let mut i = input();
        i.valid_from = Some("2026-12-10".into());
        i.valid_until = Some("2026-12-01".into());
        assert_eq!(
            NewAnnouncement::parse(&i, today).unwrap_err().field,
            "valid_until"
        );
        let mut i = input();
        i.roles = vec!["king".into()];
        assert_eq!(
            NewAnnouncement::parse(&i, today).unwrap_err().field,
            "roles"
        );
        let mut i = input();
        i.group_kinds = vec!["to_hoa_giai".into()];
        i.roles = vec!["unit_head".into()];
        let a = NewAnnouncement::parse(&i, today).unwrap();
        assert_eq!(a.group_kinds, vec![GroupKind::ToHoaGiai]);
        let bad = NewAnnouncementInput {
            title: " ".into(),
            body: "".into(),
            category: "rumour".into(),
            valid_until: Some("31/02/2026".into()),
            roles: vec!["king".into()],
            ..Default::default()
        };
        assert_eq!(
            refused(NewAnnouncement::parse_all(&bad, today)),
            ["title", "body", "category", "valid_until", "roles"]
        );
        assert_eq!(a.roles, vec![Role::UnitHead]);
    }
}
