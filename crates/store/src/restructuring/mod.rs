//! Restructuring (docs/restructuring.md): history reads, schemes, applying a plan, beats.

pub mod apply;
pub mod apply_reads;
mod apply_sql;
pub mod as_of;
pub mod beats;
pub mod history;
pub mod import;
pub mod schemes;
pub mod thanks;
