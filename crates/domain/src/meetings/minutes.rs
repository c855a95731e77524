//! Minutes (biên bản): what was said per agenda item and the resolutions with their vote
//! counts. A version is edited while a draft; finalising locks it; a correction is a new
//! version, with a reason, copied from the last one. Old versions stay readable.

use serde::{Deserialize, Serialize};

use super::code_enum;
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::text::paragraphs;

pub const TEXT_MAX: usize = 20_000;
pub const RESOLUTION_MAX: usize = 2_000;
pub const REASON_MAX: usize = 500;
/// At most this many resolutions in one set of minutes.
pub const RESOLUTIONS_MAX: usize = 30;

code_enum!(
    MinutesStatus {
        /// Being written; changes freely.
        Draft => "draft",
        /// Signed and locked: only a new version corrects it.
        Final => "final",
    }
);

/// One resolution as typed: its text and the counts of a show of hands (typed for now).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct ResolutionInput {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub votes_for: Option<i64>,
    #[serde(default)]
    pub votes_against: Option<i64>,
    #[serde(default)]
    pub votes_abstain: Option<i64>,
    /// The vote (taken at the meeting, or the household ballots it went to) whose computed
    /// counts the resolution carries instead of typed ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_id: Option<crate::VoteId>,
}

/// The minutes as typed: free text before the agenda (who came, who chaired), what was said
/// per agenda item (in agenda order), the resolutions, and a closing note.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MinutesInput {
    #[serde(default)]
    pub opening: String,
    #[serde(default)]
    pub discussion: Vec<String>,
    #[serde(default)]
    pub resolutions: Vec<ResolutionInput>,
    #[serde(default)]
    pub closing: String,
}

/// Valid minutes content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesContent {
    pub opening: String,
    pub discussion: Vec<String>,
    pub resolutions: Vec<ResolutionInput>,
    pub closing: String,
}

fn count(v: Option<i64>, field: &'static str) -> Result<Option<i64>, FieldError> {
    match v {
        Some(n) if !(0..=100_000).contains(&n) => Err(FieldError::new(
            field,
            FieldErrorKind::OutOfRange {
                min: 0,
                max: 100_000,
            },
            "count",
        )),
        v => Ok(v),
    }
}

impl MinutesContent {
    /// Checks every field; `agenda_len` items of discussion are kept (missing ones blank).
    pub fn parse(input: &MinutesInput, agenda_len: usize) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let opening = c.check(paragraphs(&input.opening, "opening", TEXT_MAX));
        let closing = c.check(paragraphs(&input.closing, "closing", TEXT_MAX));
        let mut discussion = Vec::with_capacity(agenda_len);
        for i in 0..agenda_len {
            let raw = input.discussion.get(i).map(String::as_str).unwrap_or("");
            discussion.push(
                c.check(paragraphs(raw, "discussion", TEXT_MAX))
                    .unwrap_or_default(),
            );
        }
        let mut resolutions = Vec::new();
        for r in &input.resolutions {
            let text = c.check(paragraphs(&r.text, "resolutions", RESOLUTION_MAX));
            let f = c.check(count(r.votes_for, "votes_for"));
            let a = c.check(count(r.votes_against, "votes_against"));
            let ab = c.check(count(r.votes_abstain, "votes_abstain"));
            if let (Some(text), Some(f), Some(a), Some(ab)) = (text, f, a, ab) {
                if !text.is_empty() {
                    resolutions.push(ResolutionInput {
                        text,
                        votes_for: f,
                        votes_against: a,
                        votes_abstain: ab,
                        vote_id: r.vote_id,
                    });
                }
            }
        }
        if resolutions.len() > RESOLUTIONS_MAX {
            let (min, max) = (0, RESOLUTIONS_MAX as i64);
            c.check::<()>(Err(FieldError::new(
                "resolutions",
                FieldErrorKind::OutOfRange { min, max },
                "many",
            )));
        }
        let errors = c.into_errors();
        match (opening, closing) {
            (Some(opening), Some(closing)) if errors.is_empty() => Ok(Self {
                opening,
                discussion,
                resolutions,
                closing,
            }),
            _ => Err(errors),
        }
    }
}

/// A rule of minutes refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinutesRule {
    pub code: &'static str,
    pub field: &'static str,
}

impl MinutesRule {
    /// Only a draft is edited or finalised.
    pub fn edit(status: MinutesStatus) -> Result<(), Self> {
        match status {
            MinutesStatus::Draft => Ok(()),
            MinutesStatus::Final => Err(Self {
                code: "minutes_locked",
                field: "minutes",
            }),
        }
    }

    /// A correction starts from finalised minutes (a draft is simply edited).
    pub fn correct(status: MinutesStatus) -> Result<(), Self> {
        match status {
            MinutesStatus::Final => Ok(()),
            MinutesStatus::Draft => Err(Self {
                code: "minutes_still_draft",
                field: "minutes",
            }),
        }
    }

    /// Minutes are written for a meeting that was held.
    pub fn write(held: bool) -> Result<(), Self> {
        if held {
            Ok(())
        } else {
            Err(Self {
                code: "meeting_not_held",
                field: "status",
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discussion_follows_the_agenda_and_empty_resolutions_drop() {
        let input = MinutesInput {
            opening: "Có mặt  40/70 hộ".into(),
            discussion: vec!["Thống nhất".into()],
            resolutions: vec![
                ResolutionInput {
                    text: "Thu quỹ 50.000 đ/hộ".into(),
                    votes_for: Some(38),
                    votes_against: Some(1),
                    votes_abstain: Some(1),
                    vote_id: None,
                },
                ResolutionInput::default(),
            ],
            closing: String::new(),
        };
        let m = MinutesContent::parse(&input, 2).unwrap();
        assert_eq!(m.opening, "Có mặt 40/70 hộ");
        assert_eq!(m.discussion, vec!["Thống nhất".to_owned(), String::new()]);
        assert_eq!(m.resolutions.len(), 1);
    }

    #[test]
    fn negative_counts_are_refused() {
        let input = MinutesInput {
            resolutions: vec![ResolutionInput {
                text: "x".into(),
                votes_for: Some(-1),
                ..Default::default()
            }],
            ..Default::default()
        };
        let e = MinutesContent::parse(&input, 0).unwrap_err();
        assert_eq!(e[0].field, "votes_for");
    }

    #[test]
    fn final_minutes_are_locked() {
        assert!(MinutesRule::edit(MinutesStatus::Draft).is_ok());
        assert_eq!(
            MinutesRule::edit(MinutesStatus::Final).unwrap_err().code,
            "minutes_locked"
        );
        assert!(MinutesRule::correct(MinutesStatus::Final).is_ok());
        assert!(MinutesRule::correct(MinutesStatus::Draft).is_err());
        assert!(MinutesRule::write(false).is_err());
    }
}
