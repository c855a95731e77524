//! Restructuring pages (docs/restructuring.md): a unit's history, schemes, beats.

pub mod history;
pub mod schemes;
pub mod thanks;
pub mod beats;
