//! Restructuring: history, schemes, applying plans, beats (docs/restructuring.md).

pub mod apply;
mod apply_sql;
pub mod apply_reads;
