//! Pages of restructuring residential units (docs/restructuring.md).

pub mod beats;
