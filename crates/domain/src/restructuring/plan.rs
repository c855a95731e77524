//! What applying a scheme does, as data: the application layer executes a `Plan` in one
//! transaction (or reports what it would do, for a dry run). A scheme (đề án) becomes a plan
//! once its consent or override is on record; an imported divisions file becomes a plan too.

use jiff::civil::Date;

use super::LegalBasis;
use crate::territory::{LocalCode, UnitCode, UnitKind};
use crate::{GroupId, HouseholdId};

/// A plan for one commune, effective on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub commune: UnitCode,
    pub effective_on: Date,
    pub basis: LegalBasis,
    /// The scheme this plan comes from, if any (`unit_events.scheme_id`).
    pub scheme_id: Option<crate::code::SchemeId>,
    pub steps: Vec<Step>,
    /// What happens to the groups of units the plan closes; a group not named is dissolved
    /// with its positions ended for the reason "unit restructured".
    pub groups: Vec<GroupDisposition>,
}

/// A unit the plan opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub parent: UnitCode,
    pub local_code: LocalCode,
    pub name: String,
    pub kind: UnitKind,
}

/// One change; each step becomes one history event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A new name (and kind) for the same unit.
    Rename {
        unit: UnitCode,
        name: String,
        kind: UnitKind,
    },
    /// Whole units merged into a new one; every household moves to it; the parts close.
    CreateFromParts { parts: Vec<UnitCode>, into: NewUnit },
    /// Whole units absorbed by an existing unit, which stays open.
    MergeInto {
        parts: Vec<UnitCode>,
        receiver: UnitCode,
    },
    /// A unit closed and shared among new units; every household is listed exactly once.
    Split {
        unit: UnitCode,
        parts: Vec<(NewUnit, Vec<HouseholdId>)>,
    },
    /// Some households handed from one open unit to another.
    TransferPart {
        from: UnitCode,
        to: UnitCode,
        households: Vec<HouseholdId>,
    },
    /// A unit closed; its households go to the receiver.
    Dissolve { unit: UnitCode, receiver: UnitCode },
    /// A unit closed and reopened under another parent, with a new code there.
    ChangeParent { unit: UnitCode, into: NewUnit },
    /// A unit closed and reopened under a new code in the same parent.
    ChangeCode {
        unit: UnitCode,
        local_code: LocalCode,
    },
}

/// What becomes of one group of a unit the plan closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupDisposition {
    /// The group continues, attached to the successor unit; positions continue.
    CarryOver { group: GroupId, to: UnitCode },
    /// The groups are merged into one surviving group; the others' positions end.
    Merge { groups: Vec<GroupId>, into: GroupId },
    /// The group ends; its positions end for the reason "unit restructured".
    Dissolve { group: GroupId },
}
