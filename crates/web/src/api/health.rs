use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the database answers.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The newest applied migration.
    pub schema_version: i64,
    pub version: &'static str,
}

/// Liveness and readiness: the database answers and its schema is known.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let h = tuquan_app::territory::health(&state.app).await?;
    Ok(Json(Health {
        status: "ok",
        backend: h.backend,
        schema_version: h.schema_version,
        version: env!("CARGO_PKG_VERSION"),
    }))
}
