//! Restructuring residential units (docs/restructuring.md): history, schemes, consent,
//! applying a plan, police and militia beats.

pub mod apply;
pub mod beats;

pub use apply::{apply_plan, ApplyReport};
