use axum::Router;

use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[];

pub fn router() -> Router<AppState> {
    Router::new()
}
