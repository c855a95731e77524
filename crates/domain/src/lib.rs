//! The vocabulary and rules of Tự Quản. Pure types and functions: no I/O, no database.
//!
//! One module per business area; the web, store and cli crates use the same names.

pub mod access;
pub mod action_items;
pub mod announcements;
pub mod code;
pub mod consultations;
pub mod error;
pub mod feedback;
pub mod files;
pub mod groups;
pub mod input;
pub mod meetings;
pub mod page;
pub mod people;
pub mod restructuring;
pub mod territory;
pub mod text;
pub mod time;
pub mod votes;

pub use code::{
    ActionItemId, FeedbackId, FileId, GroupId, HouseholdId, MeetingId, ResidentId, UnknownCode,
    UserId, VoteId,
};
pub use error::{Checks, FieldError, FieldErrorKind};
