//! Pages of restructuring (docs/restructuring.md).

pub mod thanks;
