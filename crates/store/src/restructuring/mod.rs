//! Restructuring: history, schemes, applying plans, beats (docs/restructuring.md).

pub mod apply;
pub mod apply_reads;
mod apply_sql;
