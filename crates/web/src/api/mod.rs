//! The JSON API, version 1, and its OpenAPI document.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;

mod auth;
use auth::BearerScheme;
pub mod health;
pub mod territory;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tự Quản API",
        description = "Neighbourhood self-management platform. Errors are JSON with a stable \
            machine `code`, a `message` in the reader's language (`Accept-Language`), and the \
            offending `field` where there is one.",
        version = "1"
    ),
    paths(
        health::healthz,
        territory::list_units,
        territory::get_unit,
        territory::create_unit,
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        health::Health,
        territory::UnitItem,
        territory::UnitList,
        territory::UnitDetail,
        territory::CreateUnit,
    )),
    modifiers(&BearerScheme),
    tags((name = "territory", description = "Provinces, communes and residential units"))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/v1/units",
            get(territory::list_units).post(territory::create_unit),
        )
        .route("/api/v1/units/{code}", get(territory::get_unit))
}
