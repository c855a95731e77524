//! Restructuring residential units (docs/restructuring.md): history, schemes, consent,
//! applying a plan, police and militia beats.

pub mod apply;

pub use apply::{apply_plan, ApplyReport};

pub mod history;
