//! Adapter helpers for resident feedback; the use cases are in `tuquan_app::feedback`.

pub mod upload;
