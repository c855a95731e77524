//! A staff step's input checked field by field, so that the step form shows every wrong
//! field at once. What needs the store (the original of a duplicate, the assignee's
//! grants) is the use case's to check; the item's state is [`Transition::apply`]'s.

use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::feedback::{Status, Transition, TransitionError};
use crate::text;
use crate::UserId;

/// The longest note or public summary.
pub const NOTE_MAX: usize = 2000;

/// A staff step as sent (a form or the JSON API); `None` and blank are the same.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawStep<'a> {
    pub action: &'a str,
    pub public_note: Option<&'a str>,
    pub internal_note: Option<&'a str>,
    pub duplicate_of: Option<&'a str>,
    pub referred_to: Option<&'a str>,
    pub assignee_id: Option<&'a str>,
    pub public_summary: Option<&'a str>,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepAction {
    Acknowledge,
    Start,
    Resolve,
    Reject,
    Duplicate,
    Refer,
    Note,
    Assign,
    Summary,
}

impl StepAction {
    /// The step named `raw` (trimmed), or an error on `action`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Ok(match raw.trim() {
            "acknowledge" => Self::Acknowledge,
            "start" => Self::Start,
            "resolve" => Self::Resolve,
            "reject" => Self::Reject,
            "duplicate" => Self::Duplicate,
            "refer" => Self::Refer,
            "note" => Self::Note,
            "assign" => Self::Assign,
            "summary" => Self::Summary,
            "" => return Err(FieldError::new("action", FieldErrorKind::Required, "empty")),
            _ => {
                return Err(FieldError::new(
                    "action",
                    FieldErrorKind::UnknownValue,
                    "not a step",
                ))
            }
        })
    }

    /// Whether the item's state allows this step at all (notes, assignments and summaries
    /// are always allowed). Checked before the fields: a step the state refuses is a rule,
    /// whatever was typed.
    pub fn allowed_from(self, from: Status) -> bool {
        let probe = match self {
            Self::Acknowledge => Transition::Acknowledge,
            Self::Start => Transition::Start,
            Self::Resolve => Transition::Resolve,
            Self::Reject => Transition::Reject { reason: "x".into() },
            Self::Duplicate => Transition::Duplicate {
                of: Some(crate::FeedbackId(1)),
            },
            Self::Refer => Transition::Refer { to: "x".into() },
            Self::Note | Self::Assign | Self::Summary => return true,
        };
        probe.apply(from, true) != Err(TransitionError::NotFromHere)
    }
}

/// A step whose fields passed every check that needs no store.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedStep {
    pub action: StepAction,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
    /// For a duplicate: the original's tracking code or id as typed (trimmed, not empty).
    pub duplicate_of: String,
    /// For a referral: the body referred to (cleaned, not empty).
    pub referred_to: String,
    /// For an assignment: the account, or `None` to unassign.
    pub assignee: Option<UserId>,
    /// For a summary: the text, or `None` to withdraw it.
    pub public_summary: Option<String>,
}

fn note(raw: Option<&str>, field: &'static str) -> Result<Option<String>, FieldError> {
    let t = text::clean(raw.unwrap_or(""));
    if t.chars().count() > NOTE_MAX {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max: NOTE_MAX },
            "long",
        ));
    }
    Ok((!t.is_empty()).then_some(t))
}

/// A field the chosen step needs, named as the workflow's rules name it.
fn needed(e: TransitionError) -> FieldError {
    FieldError::new(e.field(), FieldErrorKind::NotAllowedHere, e.code())
}

impl ParsedStep {
    /// Every wrong field at once, in the order of the step form (action, public note,
    /// internal note, summary, original, referral, assignee). Only the fields the chosen
    /// step uses are checked beyond the notes.
    pub fn parse(raw: &RawStep<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let action = c.check(StepAction::parse(raw.action));
        let public_note = c.check(note(raw.public_note, "public_note"));
        let internal_note = c.check(note(raw.internal_note, "internal_note"));
        let public_summary = match action {
            Some(StepAction::Summary) => c.check(note(raw.public_summary, "public_summary")),
            _ => Some(None),
        };
        let duplicate_of = raw.duplicate_of.unwrap_or("").trim().to_owned();
        let referred_to = text::clean(raw.referred_to.unwrap_or(""));
        let raw_assignee = raw.assignee_id.unwrap_or("").trim();
        let mut assignee = None;
        match action {
            Some(StepAction::Reject) if matches!(public_note, Some(None)) => {
                c.check::<()>(Err(needed(TransitionError::ReasonRequired)));
            }
            Some(StepAction::Note)
                if matches!((&public_note, &internal_note), (Some(None), Some(None))) =>
            {
                c.check::<()>(Err(FieldError::new(
                    "public_note",
                    FieldErrorKind::Required,
                    "a note",
                )));
            }
            Some(StepAction::Duplicate) if duplicate_of.is_empty() => {
                c.check::<()>(Err(needed(TransitionError::OriginalRequired)));
            }
            Some(StepAction::Refer) if referred_to.is_empty() => {
                c.check::<()>(Err(needed(TransitionError::ReferralRequired)));
            }
            Some(StepAction::Assign) if !raw_assignee.is_empty() => {
                assignee = c.check(raw_assignee.parse::<UserId>().map_err(|_| {
                    FieldError::new(
                        "assignee_id",
                        FieldErrorKind::InvalidFormat,
                        "an account id",
                    )
                }));
            }
            _ => {}
        }
        let errors = c.into_errors();
        match (action, public_note, internal_note, public_summary) {
            (Some(action), Some(public_note), Some(internal_note), Some(public_summary))
                if errors.is_empty() =>
            {
                Ok(Self {
                    action,
                    public_note,
                    internal_note,
                    duplicate_of,
                    referred_to,
                    assignee,
                    public_summary,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(raw: RawStep<'_>) -> Vec<&'static str> {
        ParsedStep::parse(&raw)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn every_wrong_field_at_once() {
        let long = "x".repeat(NOTE_MAX + 1);
        assert_eq!(
            fields(RawStep {
                action: "reject",
                internal_note: Some(&long),
                ..RawStep::default()
            }),
            ["internal_note", "reason"]
        );
        assert_eq!(
            fields(RawStep {
                action: "",
                public_note: Some(&long),
                internal_note: Some(&long),
                ..RawStep::default()
            }),
            ["action", "public_note", "internal_note"]
        );
        assert_eq!(
            fields(RawStep {
                action: "duplicate",
                public_note: Some(&long),
                ..RawStep::default()
            }),
            ["public_note", "duplicate_of"]
        );
        assert_eq!(
            fields(RawStep {
                action: "assign",
                internal_note: Some(&long),
                assignee_id: Some("abc"),
                ..RawStep::default()
            }),
            ["internal_note", "assignee_id"]
        );
        assert_eq!(
            fields(RawStep {
                action: "note",
                ..RawStep::default()
            }),
            ["public_note"]
        );
    }

    #[test]
    fn a_valid_step() {
        let s = ParsedStep::parse(&RawStep {
            action: " refer ",
            referred_to: Some("  Công an   phường "),
            assignee_id: Some("x"),
            ..RawStep::default()
        })
        .unwrap();
        assert_eq!(s.action, StepAction::Refer);
        assert_eq!(s.referred_to, "Công an phường");
        // Fields the step does not use are not checked.
        assert_eq!(s.assignee, None);
        let e = ParsedStep::parse(&RawStep {
            action: "reject",
            ..RawStep::default()
        })
        .unwrap_err();
        assert_eq!(e[0].kind, FieldErrorKind::NotAllowedHere);
        assert_eq!(e[0].detail, "reason_required");
    }

    #[test]
    fn the_state_decides_first() {
        assert!(!StepAction::Acknowledge.allowed_from(Status::Resolved));
        assert!(StepAction::Reject.allowed_from(Status::New));
        assert!(StepAction::Note.allowed_from(Status::Resolved));
    }
}
