//! Parsing what a head types into an action item.

use jiff::civil::Date;
use serde::Deserialize;

use super::Owner;
use crate::text::required;
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 4000;
pub const RESOLUTION_MAX: usize = 1000;
pub const NOTE_MAX: usize = 2000;

/// The form or JSON body of an action item, as typed. Ids arrive as text from forms, so
/// they are parsed here too (blank: none).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionItemInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The group the task belongs to, if any (a group of the unit).
    #[serde(default)]
    pub group_id: Option<String>,
    /// The meeting whose resolution set the task, if any.
    #[serde(default)]
    pub meeting_id: Option<String>,
    /// The resolution's number or text ("Nghị quyết số 2: …").
    #[serde(default)]
    pub resolution: Option<String>,
    /// `resident`, `account` or `position`.
    #[serde(default)]
    pub owner_kind: String,
    #[serde(default)]
    pub owner_resident_id: Option<String>,
    #[serde(default)]
    pub owner_user_id: Option<String>,
    #[serde(default)]
    pub owner_group_id: Option<String>,
    /// `head`, `deputy` or `secretary`.
    #[serde(default)]
    pub owner_role: Option<String>,
    /// `YYYY-MM-DD` or `dd/mm/yyyy`.
    #[serde(default)]
    pub due_on: String,
}

/// A valid action item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActionItem {
    pub title: String,
    pub description: Option<String>,
    pub group_id: Option<crate::GroupId>,
    pub meeting_id: Option<crate::MeetingId>,
    pub resolution: Option<String>,
    pub owner: Owner,
    pub due_on: Date,
}

/// An optional id typed as text: blank is none, anything else a positive number.
fn opt_id<T: From<i64>>(raw: Option<&str>, field: &'static str) -> Result<Option<T>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|v| *v > 0)
            .map(|v| Some(T::from(v)))
            .ok_or_else(|| FieldError::new(field, FieldErrorKind::InvalidFormat, "not an id")),
    }
}

/// Optional text in paragraphs: blank is none.
fn opt_text(
    raw: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let t = crate::text::paragraphs(raw.unwrap_or(""), field, max)?;
    Ok(Some(t).filter(|t| !t.is_empty()))
}

/// A progress note: optional, at most [`NOTE_MAX`] characters, paragraphs kept.
pub fn note(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    opt_text(raw, "note", NOTE_MAX)
}

impl NewActionItem {
    /// Every field checked; every wrong one reported.
    pub fn parse(i: &ActionItemInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let title = c.check(required(&i.title, "title", TITLE_MAX));
        let description = c.check(opt_text(
            i.description.as_deref(),
            "description",
            DESCRIPTION_MAX,
        ));
        let group_id = c.check(opt_id(i.group_id.as_deref(), "group_id"));
        let meeting_id = c.check(opt_id(i.meeting_id.as_deref(), "meeting_id"));
        let resolution = c.check(opt_text(
            i.resolution.as_deref(),
            "resolution",
            RESOLUTION_MAX,
        ));
        let owner = c.check(owner_of(i));
        let due_on = c.check(parse_date(Some(&i.due_on), "due_on").and_then(|d| {
            d.ok_or_else(|| FieldError::new("due_on", FieldErrorKind::Required, "empty"))
        }));
        match (
            title,
            description,
            group_id,
            meeting_id,
            resolution,
            owner,
            due_on,
        ) {
            (
                Some(title),
                Some(description),
                Some(group_id),
                Some(meeting_id),
                Some(resolution),
                Some(owner),
                Some(due_on),
            ) => Ok(Self {
                title,
                description,
                group_id,
                meeting_id,
                resolution,
                owner,
                due_on,
            }),
            _ => Err(c.into_errors()),
        }
    }
}

fn owner_of(i: &ActionItemInput) -> Result<Owner, FieldError> {
    let resident = opt_id(i.owner_resident_id.as_deref(), "owner_resident_id")?;
    let user = opt_id(i.owner_user_id.as_deref(), "owner_user_id")?;
    let group = opt_id(i.owner_group_id.as_deref(), "owner_group_id")?;
    Owner::parse(
        &i.owner_kind,
        resident,
        user,
        group,
        i.owner_role.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_input() -> ActionItemInput {
        ActionItemInput {
            title: "  Sửa  đèn đường hẻm 12 ".into(),
            owner_kind: "resident".into(),
            owner_resident_id: Some("7".into()),
            due_on: "15/12/2026".into(),
            meeting_id: Some(" ".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_item() {
        let a = NewActionItem::parse(&ok_input()).unwrap();
        assert_eq!(a.title, "Sửa đèn đường hẻm 12");
        assert_eq!(a.owner, Owner::Resident(crate::ResidentId(7)));
        assert_eq!(a.due_on, jiff::civil::date(2026, 12, 15));
        assert_eq!(
            (a.meeting_id, a.group_id, a.description),
            (None, None, None)
        );
    }

    #[test]
    fn every_wrong_field_at_once() {
        let i = ActionItemInput {
            title: " ".into(),
            group_id: Some("abc".into()),
            owner_kind: "position".into(),
            owner_group_id: Some("3".into()),
            due_on: "31/02/2026".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = NewActionItem::parse(&i)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["title", "group_id", "owner_role", "due_on"]);
        let i = ActionItemInput {
            due_on: String::new(),
            ..ok_input()
        };
        let e = NewActionItem::parse(&i).unwrap_err();
        assert_eq!(
            (e[0].field, &e[0].kind),
            ("due_on", &FieldErrorKind::Required)
        );
    }

    #[test]
    fn notes_are_bounded() {
        assert_eq!(note(Some("  ")), Ok(None));
        assert_eq!(
            note(Some(" đã liên hệ  điện lực \n xong "))
                .unwrap()
                .unwrap(),
            "đã liên hệ điện lực\nxong"
        );
        assert!(note(Some(&"a".repeat(NOTE_MAX + 1))).is_err());
    }
}
