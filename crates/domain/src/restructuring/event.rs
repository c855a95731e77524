//! The kinds of history events and who takes part in them.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::FileId;

/// One kind of change to the unit tree, stored as `unit_events.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new name (and possibly kind) for the same unit: a new version.
    Rename,
    /// Predecessors absorbed into an existing unit (the receiver) and closed.
    MergeInto,
    /// One unit closed, its households shared among new successor units.
    Split,
    /// A new unit made from whole predecessors (closed) or parts of contributors.
    CreateFromParts,
    /// Some households of a contributor handed to a receiver; both stay open.
    TransferPart,
    /// A unit closed; its households go to receivers.
    Dissolve,
    /// A unit closed and a successor opened under another parent (paths never change).
    ChangeParent,
    /// A unit closed and a successor opened under a new code (codes are never reused).
    ChangeCode,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::Rename,
        EventKind::MergeInto,
        EventKind::Split,
        EventKind::CreateFromParts,
        EventKind::TransferPart,
        EventKind::Dissolve,
        EventKind::ChangeParent,
        EventKind::ChangeCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Rename => "rename",
            EventKind::MergeInto => "merge_into",
            EventKind::Split => "split",
            EventKind::CreateFromParts => "create_from_parts",
            EventKind::TransferPart => "transfer_part",
            EventKind::Dissolve => "dissolve",
            EventKind::ChangeParent => "change_parent",
            EventKind::ChangeCode => "change_code",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a unit takes part in an event, stored as `unit_event_participants.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    /// A unit the event closes (or renames: the same code is predecessor and successor).
    Predecessor,
    /// A unit the event opens or continues.
    Successor,
    /// A unit that gives households but stays open.
    Contributor,
    /// A unit that takes households in and stays open.
    Receiver,
}

impl ParticipantRole {
    pub const ALL: [ParticipantRole; 4] = [
        ParticipantRole::Predecessor,
        ParticipantRole::Successor,
        ParticipantRole::Contributor,
        ParticipantRole::Receiver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantRole::Predecessor => "predecessor",
            ParticipantRole::Successor => "successor",
            ParticipantRole::Contributor => "contributor",
            ParticipantRole::Receiver => "receiver",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The decision an event rests on: its number, date, signer and (optionally) its scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// e.g. "125/QĐ-UBND"
    pub number: String,
    pub date: Date,
    /// The signer's name and title, as printed on the decision.
    pub signer: String,
    pub file: Option<FileId>,
}
