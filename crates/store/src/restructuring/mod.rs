//! Restructuring residential units (docs/restructuring.md).

pub mod beats;
