//! The JSON API, version 1, and its OpenAPI document.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;

pub mod account;
pub mod groups;
pub mod health;
pub mod import;
pub mod people;
pub mod territory;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::Modify;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

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
        account::me,
        account::audit,
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        health::Health,
        territory::UnitItem,
        territory::UnitList,
        territory::UnitDetail,
        territory::CreateUnit,
        account::Me,
        account::GrantItem,
        account::AuditItem,
        account::AuditList,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "territory", description = "Provinces, communes and residential units"),
        (name = "account", description = "The caller, and the audit log. Authenticate with \
            `Authorization: Bearer TOKEN`; create tokens on the account page or with \
            `tuquan token create`."),
    )
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
        .route("/api/v1/me", get(account::me))
        .route("/api/v1/audit", get(account::audit))
        .merge(people::router())
        .merge(groups::router())
        .merge(import::router())
}
