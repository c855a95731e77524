//! Restructuring residential units (sắp xếp, sáp nhập, chia tách): the typed history events,
//! and the plan a scheme turns into when it is applied (docs/restructuring.md).
//!
//! A unit's code and path never change and are never reused: renaming or changing the kind
//! adds a version; changing the parent or the code closes the unit and creates a successor.

pub mod beats;
mod event;
mod plan;
pub mod reward;
pub mod scheme;
pub mod standards;

pub use event::{EventKind, LegalBasis, ParticipantRole};
pub use plan::{GroupDisposition, NewUnit, Plan, Step};

pub mod history;
pub use history::{Lineage, LineageEdge, LineageStep, Validity};
// --- apply ---
pub mod validate;
pub use validate::{validate, PlanError, Problem, TreeFacts, UnitFact};
