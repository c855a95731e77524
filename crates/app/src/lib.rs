//! The application layer of Tự Quản: every use case of every area, the same way.
//!
//! A use case is one function taking a [`Ctx`] (who acts, from where, at what time, against
//! which store). It loads the target, asks the domain's single `authorize`, applies the
//! domain's rules, writes through the store and audits — in that order, in one place. Reads of
//! personal data are audited here too. Adapters (the web crate's pages, JSON API and Open311;
//! the command line) parse input, call one function here and render its answer; they cannot
//! reach the store, so they cannot skip the check.
//!
//! One module per business area, named as in the domain and the store.

pub mod access;
pub mod action_items;
pub mod announcements;
pub mod charts;
pub mod consultations;
pub mod context;
pub mod documents;
pub mod error;
pub mod feedback;
pub mod files;
pub mod groups;
pub mod i18n;
pub mod import;
pub mod limits;
pub mod links;
pub mod meetings;
pub mod outbox;
pub mod people;
pub mod restructuring;
pub mod start;
pub mod stats;
pub mod territory;
pub mod votes;

pub use context::{App, Clock, Ctx, RequestMeta};
pub use error::AppError;

/// The result of every use case.
pub type AppResult<T> = Result<T, AppError>;
