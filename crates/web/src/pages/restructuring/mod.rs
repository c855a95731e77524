//! Restructuring pages (docs/restructuring.md): a unit's history, schemes, beats.

pub mod beats;
pub mod history;
pub mod schemes;
pub mod thanks;
