//! Groups and their people: self-managed groups (tổ nhân dân tự quản), security teams (tổ
//! bảo vệ an ninh, trật tự), mediation teams (tổ hòa giải), Front work committees (ban công
//! tác Mặt trận), a unit's own leadership, and other kinds; their establishment and
//! dissolution decisions; positions and terms of office; eligibility; and the coordination
//! regulation between a unit head and the Front committee head.
//!
//! A unit's head and deputy are modelled as positions in a group of kind `unit_leadership`,
//! one per residential unit, created when first needed. So every position, current or past,
//! lives in one table and one history, whatever it is a position in.

mod eligibility;
mod input;
mod kind;
mod position;
mod regulation;
mod scan;
mod term;

pub use crate::code::{DecisionId, PositionId, RegulationId};
pub use eligibility::{
    check_candidate, check_seat, too_few_mediators, Candidate, Ineligible, Reason, Seats,
    HEAD_MIN_AGE, MIN_MEDIATORS, SECURITY_MAX_AGE, SECURITY_MIN_AGE,
};
pub use input::{NewDecision, NewDecisionInput, NewGroup, NewGroupInput};
pub use kind::{DecisionKind, GroupKind, GroupStatus, PositionRole};
pub use position::{EndPosition, EndPositionInput, EndReason, NewPosition, NewPositionInput};
pub use regulation::{
    review_due, NewRegulation, NewRegulationInput, NewReview, NewReviewInput, REVIEW_MONTHS,
};
pub use scan::{clean_file_name, ScanType, SCAN_MAX_BYTES};
pub use term::{acting_end, add_months, position_end, term_end, TermYears, ACTING_MONTHS};
