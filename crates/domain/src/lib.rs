//! The vocabulary and rules of Tự Quản. Pure types and functions: no I/O, no database.
//!
//! One module per business area; the web, store and cli crates use the same names.

pub mod access;
pub mod announcements;
pub mod code;
pub mod error;
pub mod feedback;
pub mod files;
pub mod groups;
pub mod page;
pub mod people;
pub mod territory;
pub mod text;
pub mod time;

pub use code::{FeedbackId, FileId, GroupId, HouseholdId, ResidentId, UnknownCode, UserId};
pub use error::{Checks, FieldError, FieldErrorKind};
