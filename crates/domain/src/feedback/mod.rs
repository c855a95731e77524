//! Resident feedback (phản ánh, kiến nghị): categories, the workflow, working-time
//! deadlines and routing to the body that must answer.

mod category;
mod deadline;
mod input;
pub mod photo;
pub mod policy;
mod routing;
pub mod stats;
mod status;
mod step;

pub use crate::code::PhotoId;
pub use category::{Category, CategoryInput, DEFAULT_CATEGORIES, MAX_DEADLINE_HOURS};
pub use deadline::{
    add_working_minutes, reminder_due, reminder_lead_minutes, working_minutes_between, WorkCalendar,
};
pub use input::{NewFeedback, NewFeedbackInput, TrackingCode, DESCRIPTION_MAX};
pub use policy::{may_be_assigned, role_handles_feedback, NotSender, SenderOf, SenderProof};
pub use routing::{Level, Responsible, RouteRule};
pub use status::{Status, Transition, TransitionError};
pub use step::{ParsedStep, RawStep, StepAction, NOTE_MAX};
