use serde::{Deserialize, Serialize};

/// Where a piece of feedback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Acknowledged,
    InProgress,
    Resolved,
    Rejected,
    Duplicate,
    Referred,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Self::New,
        Self::Acknowledged,
        Self::InProgress,
        Self::Resolved,
        Self::Rejected,
        Self::Duplicate,
        Self::Referred,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Acknowledged => "acknowledged",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Rejected => "rejected",
            Self::Duplicate => "duplicate",
            Self::Referred => "referred",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Open311 knows only `open` and `closed`; the detail goes in `status_notes`.
    pub fn is_open(self) -> bool {
        matches!(self, Self::New | Self::Acknowledged | Self::InProgress)
    }

    /// Whether the acknowledgement is done (every state after `new`).
    pub fn is_acknowledged(self) -> bool {
        self != Self::New
    }
}

/// A requested change of state with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Acknowledge,
    Start,
    Resolve,
    /// A reason is required and is shown publicly.
    Reject {
        reason: String,
    },
    /// Linked to the original item (`None`: none was named, which is refused).
    Duplicate {
        of: Option<crate::FeedbackId>,
    },
    /// Handed to another body, named.
    Refer {
        to: String,
    },
    /// By the submitter, within the reopening window after resolution.
    Reopen,
}

/// Why a transition is refused. Each has a stable code for messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("not allowed from this state")]
    NotFromHere,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the original item is required")]
    OriginalRequired,
    #[error("the body referred to is required")]
    ReferralRequired,
    #[error("the reopening window has passed")]
    ReopenWindowPassed,
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFromHere => "transition_not_allowed",
            Self::ReasonRequired => "reason_required",
            Self::OriginalRequired => "original_required",
            Self::ReferralRequired => "referral_required",
            Self::ReopenWindowPassed => "reopen_window_passed",
        }
    }

    /// The form field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NotFromHere => "status",
            Self::ReasonRequired => "reason",
            Self::OriginalRequired => "duplicate_of",
            Self::ReferralRequired => "referred_to",
            Self::ReopenWindowPassed => "status",
        }
    }
}

impl Transition {
    /// The state after this transition from `from`, or why it is refused.
    /// `within_reopen_window` is whether a reopening would still be in time.
    pub fn apply(
        &self,
        from: Status,
        within_reopen_window: bool,
    ) -> Result<Status, TransitionError> {
        use Status::*;
        let to = match (self, from) {
            (Self::Acknowledge, New) => Acknowledged,
            (Self::Start, New | Acknowledged) => InProgress,
            (Self::Resolve, Acknowledged | InProgress) => Resolved,
            (Self::Reject { reason }, New | Acknowledged | InProgress) => {
                if reason.trim().is_empty() {
                    return Err(TransitionError::ReasonRequired);
                }
                Rejected
            }
            (Self::Duplicate { of }, New | Acknowledged | InProgress) => {
                if of.is_none() {
                    return Err(TransitionError::OriginalRequired);
                }
                Duplicate
            }
            (Self::Refer { to }, New | Acknowledged | InProgress) => {
                if to.trim().is_empty() {
                    return Err(TransitionError::ReferralRequired);
                }
                Referred
            }
            (Self::Reopen, Resolved) => {
                if !within_reopen_window {
                    return Err(TransitionError::ReopenWindowPassed);
                }
                InProgress
            }
            _ => return Err(TransitionError::NotFromHere),
        };
        Ok(to)
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Start => "start",
            Self::Resolve => "resolve",
            Self::Reject { .. } => "reject",
            Self::Duplicate { .. } => "duplicate",
            Self::Refer { .. } => "refer",
            Self::Reopen => "reopen",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    fn all_transitions() -> Vec<Transition> {
        vec![
            Transition::Acknowledge,
            Transition::Start,
            Transition::Resolve,
            Transition::Reject {
                reason: "ngoài thẩm quyền".into(),
            },
            Transition::Duplicate {
                of: Some(crate::FeedbackId(7)),
            },
            Transition::Refer {
                to: "Công an phường".into(),
            },
            Transition::Reopen,
        ]
    }

    #[test]
    fn the_allowed_transitions_and_only_those() {
        let allowed = [
            (New, "acknowledge", Acknowledged),
            (New, "start", InProgress),
            (Acknowledged, "start", InProgress),
            (Acknowledged, "resolve", Resolved),
            (InProgress, "resolve", Resolved),
            (New, "reject", Rejected),
            (Acknowledged, "reject", Rejected),
            (InProgress, "reject", Rejected),
            (New, "duplicate", Duplicate),
            (Acknowledged, "duplicate", Duplicate),
            (InProgress, "duplicate", Duplicate),
            (New, "refer", Referred),
            (Acknowledged, "refer", Referred),
            (InProgress, "refer", Referred),
            (Resolved, "reopen", InProgress),
        ];
        for from in Status::ALL {
            for t in all_transitions() {
                let expected = allowed
                    .iter()
                    .find(|(f, n, _)| *f == from && *n == t.name())
                    .map(|(_, _, to)| *to);
                match (t.apply(from, true), expected) {
                    (Ok(to), Some(e)) => assert_eq!(to, e, "{from:?} {}", t.name()),
                    (Err(TransitionError::NotFromHere), None) => {}
                    (got, e) => panic!("{from:?} {}: got {got:?}, expected {e:?}", t.name()),
                }
            }
        }
    }

    #[test]
    fn requirements_are_named() {
        assert_eq!(
            Transition::Reject { reason: " ".into() }.apply(New, true),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            Transition::Duplicate { of: None }.apply(New, true),
            Err(TransitionError::OriginalRequired)
        );
        assert_eq!(
            Transition::Refer { to: "".into() }.apply(New, true),
            Err(TransitionError::ReferralRequired)
        );
        assert_eq!(
            Transition::Reopen.apply(Resolved, false),
            Err(TransitionError::ReopenWindowPassed)
        );
    }

    #[test]
    fn open311_open_and_closed() {
        assert!(New.is_open() && InProgress.is_open());
        assert!(!Resolved.is_open() && !Referred.is_open() && !Duplicate.is_open());
    }
}
