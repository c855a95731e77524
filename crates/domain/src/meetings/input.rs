//! Parsing what a head types to schedule a meeting.

use jiff::civil::{Date, Time};
use serde::Deserialize;

use super::MeetingKind;
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::input::choice;
pub(crate) use crate::text::optional as optional_text;
use crate::text::{clean, required as required_text};
use crate::time::required_date;
use crate::GroupId;

pub const TITLE_MAX: usize = 200;
pub const PLACE_MAX: usize = 200;
pub const PERSON_MAX: usize = 100;
pub const AGENDA_ITEM_MAX: usize = 300;
/// A meeting has at most this many agenda items.
pub const AGENDA_MAX: usize = 30;

/// The agenda as typed: a list (JSON) or one item per line (the form's text area).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AgendaInput {
    List(Vec<String>),
    Lines(String),
}

impl Default for AgendaInput {
    fn default() -> Self {
        Self::List(Vec::new())
    }
}

impl AgendaInput {
    fn items(&self) -> Vec<String> {
        match self {
            Self::List(v) => v.clone(),
            Self::Lines(s) => s.lines().map(str::to_owned).collect(),
        }
    }
}

/// The form or JSON body of a new meeting, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewMeetingInput {
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    pub date: String,
    /// `HH:MM`, 24 hours, Vietnam time.
    pub time: String,
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub agenda: AgendaInput,
    /// A meeting of this group (a group of the unit) rather than of the unit itself.
    pub group_id: Option<GroupId>,
    /// The meeting elects the unit's head: the list of candidates must be posted 7 days
    /// ahead (Decree 59/2023 Arts 6–8).
    pub elects_head: bool,
    /// Held in clusters (Art 18, 200 or more households): how many; 1 when blank.
    pub clusters: Option<i64>,
}

/// A valid new meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub kind: MeetingKind,
    pub title: String,
    pub date: Date,
    pub time: Time,
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub agenda: Vec<String>,
    pub group_id: Option<GroupId>,
    pub elects_head: bool,
    pub clusters: i64,
}

/// A meeting's time of day, `HH:MM`.
pub fn parse_time(raw: &str, field: &'static str) -> Result<Time, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    let bad = || FieldError::new(field, FieldErrorKind::InvalidFormat, "HH:MM");
    let (h, m) = raw.split_once([':', 'h', 'g']).ok_or_else(bad)?;
    let h: i8 = h.trim().parse().map_err(|_| bad())?;
    let m: i8 = if m.trim().is_empty() {
        0
    } else {
        m.trim().parse().map_err(|_| bad())?
    };
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

fn agenda(items: Vec<String>) -> Result<Vec<String>, FieldError> {
    let mut out = Vec::new();
    for raw in items {
        let item = clean(raw.trim_start_matches(['-', '*', '•', ' ']));
        if item.is_empty() {
            continue;
        }
        if item.chars().count() > AGENDA_ITEM_MAX {
            let max = AGENDA_ITEM_MAX;
            return Err(FieldError::new(
                "agenda",
                FieldErrorKind::TooLong { max },
                "item",
            ));
        }
        out.push(item);
    }
    if out.len() > AGENDA_MAX {
        let (min, max) = (1, AGENDA_MAX as i64);
        return Err(FieldError::new(
            "agenda",
            FieldErrorKind::OutOfRange { min, max },
            "items",
        ));
    }
    Ok(out)
}

impl NewMeeting {
    /// Every field checked; all the errors at once.
    pub fn parse(input: &NewMeetingInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let kind = c.check(choice(MeetingKind::parse(&input.kind), &input.kind, "kind"));
        let title = c.check(required_text(&input.title, "title", TITLE_MAX));
        let date = c.check(required_date(&input.date, "date"));
        let time = c.check(parse_time(&input.time, "time"));
        let place = c.check(required_text(&input.place, "place", PLACE_MAX));
        let chair = c.check(optional_text(input.chair.as_deref(), "chair", PERSON_MAX));
        let secretary = c.check(optional_text(
            input.secretary.as_deref(),
            "secretary",
            PERSON_MAX,
        ));
        let agenda = c.check(agenda(input.agenda.items()));
        let clusters = c.check(match input.clusters {
            None => Ok(1),
            Some(n @ 1..=20) => Ok(n),
            Some(_) => Err(FieldError::new(
                "clusters",
                FieldErrorKind::OutOfRange { min: 1, max: 20 },
                "clusters",
            )),
        });
        let errors = c.into_errors();
        match (
            kind, title, date, time, place, chair, secretary, agenda, clusters,
        ) {
            (
                Some(kind),
                Some(title),
                Some(date),
                Some(time),
                Some(place),
                Some(chair),
                Some(secretary),
                Some(agenda),
                Some(clusters),
            ) if errors.is_empty() => Ok(Self {
                kind,
                title,
                date,
                time,
                place,
                chair,
                secretary,
                agenda,
                group_id: input.group_id,
                elects_head: input.elects_head,
                clusters,
            }),
            _ => Err(errors),
        }
    }
}

/// A rule of meetings refused: a stable code (`rule.{code}` in the catalogues) and the field
/// it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingRule {
    pub code: &'static str,
    pub field: &'static str,
}

impl MeetingRule {
    const fn new(code: &'static str, field: &'static str) -> Self {
        Self { code, field }
    }

    /// A new meeting is not scheduled in the past.
    pub fn schedule(date: Date, today: Date) -> Result<(), Self> {
        if date < today {
            return Err(Self::new("meeting_in_past", "date"));
        }
        Ok(())
    }

    /// Only a planned meeting is changed, held or cancelled; attendance is recorded while it
    /// is planned or held (entered afterwards from the paper sheet).
    pub fn change(status: super::MeetingStatus) -> Result<(), Self> {
        if status != super::MeetingStatus::Planned {
            return Err(Self::new("meeting_not_planned", "status"));
        }
        Ok(())
    }

    pub fn attend(status: super::MeetingStatus) -> Result<(), Self> {
        if status == super::MeetingStatus::Cancelled {
            return Err(Self::new("meeting_cancelled", "status"));
        }
        Ok(())
    }

    /// A meeting is held on or after its day.
    pub fn hold(date: Date, today: Date) -> Result<(), Self> {
        if today < date {
            return Err(Self::new("meeting_not_yet", "date"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::refused;

    fn input() -> NewMeetingInput {
        NewMeetingInput {
            kind: "community".into(),
            title: "  Họp  tổ dân phố ".into(),
            date: "05/12/2026".into(),
            time: "19:30".into(),
            place: "Nhà văn hóa".into(),
            agenda: AgendaInput::Lines("- Thu quỹ\n\n• Vệ sinh\n".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_meeting_parses_with_its_agenda() {
        let m = NewMeeting::parse(&input()).unwrap();
        assert_eq!(m.title, "Họp tổ dân phố");
        assert_eq!(m.date, jiff::civil::date(2026, 12, 5));
        assert_eq!(m.time, jiff::civil::time(19, 30, 0, 0));
        assert_eq!(m.agenda, vec!["Thu quỹ".to_owned(), "Vệ sinh".to_owned()]);
        assert_eq!(m.clusters, 1);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = NewMeetingInput {
            kind: "party".into(),
            date: "31/02/2026".into(),
            time: "25:00".into(),
            clusters: Some(0),
            ..Default::default()
        };
        assert_eq!(
            refused(NewMeeting::parse(&bad)),
            ["kind", "title", "date", "time", "place", "clusters"]
        );
    }

    #[test]
    fn times_as_people_write_them() {
        assert_eq!(
            parse_time("7h", "time").unwrap(),
            jiff::civil::time(7, 0, 0, 0)
        );
        assert_eq!(
            parse_time("19g30", "time").unwrap(),
            jiff::civil::time(19, 30, 0, 0)
        );
        assert!(parse_time("19", "time").is_err());
    }

    #[test]
    fn scheduling_and_states() {
        let today = jiff::civil::date(2026, 12, 1);
        assert!(MeetingRule::schedule(today, today).is_ok());
        let e = MeetingRule::schedule(jiff::civil::date(2026, 11, 30), today).unwrap_err();
        assert_eq!((e.code, e.field), ("meeting_in_past", "date"));
        assert!(MeetingRule::hold(jiff::civil::date(2026, 12, 2), today).is_err());
        use super::super::MeetingStatus::*;
        assert!(MeetingRule::change(Held).is_err());
        assert!(MeetingRule::attend(Held).is_ok());
        assert!(MeetingRule::attend(Cancelled).is_err());
    }
}
