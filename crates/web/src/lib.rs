//! The web layer of Tự Quản: server-rendered HTML pages, the JSON API v1 and its OpenAPI
//! document. Thin: it parses input into domain types, calls the store, renders.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, Request, StatusCode};
use axum::middleware;
use axum::response::IntoResponse;
use axum::Router;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub mod api;
pub mod auth;
pub mod edge;
pub mod error;
pub mod extract;
pub mod feedback;
pub mod files;
pub mod i18n;
pub mod multipart;
pub mod open311;
pub mod pages;
pub mod security;

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    pub request_timeout: Duration,
    /// Socket peers allowed to name the client in `X-Forwarded-For` (default: none).
    pub trusted_proxies: auth::proxy::TrustedProxies,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            request_timeout: Duration::from_secs(30),
            trusted_proxies: auth::proxy::TrustedProxies::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    /// Every use case goes through the application layer.
    pub app: tuquan_app::App,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(app: tuquan_app::App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
        }
    }

    /// The context of one use case for `who` (or nobody) in this request.
    pub fn ctx(&self, who: Option<auth::Authenticated>, rc: &auth::RequestCtx) -> tuquan_app::Ctx {
        self.app.ctx(who, rc.clone())
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route that changes state: the core list below and each area module's `MUTATING`.
/// Each must write an audit row in the same transaction as its change; the integration suite
/// exercises every entry and checks the row is there, and [`mutating_route_guard`] refuses
/// (in debug builds) a state-changing route missing here.
pub fn mutating_routes() -> &'static [(&'static str, &'static str)] {
    static ALL: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
        std::sync::LazyLock::new(|| {
            [
                CORE_MUTATING_ROUTES,
                api::people::MUTATING,
                api::feedback::MUTATING,
                api::groups::MUTATING,
                api::import::MUTATING,
                api::announcements::MUTATING,
                api::meetings::MUTATING,
                api::action_items::MUTATING,
                api::votes::MUTATING,
                api::consultations::MUTATING,
                api::restructuring::MUTATING,
                api::beats::MUTATING,
                pages::people::MUTATING,
                pages::feedback_public::MUTATING,
                pages::feedback_staff::MUTATING,
                pages::groups::MUTATING,
                pages::import::MUTATING,
                pages::announcements::MUTATING,
                pages::meetings::MUTATING,
                pages::action_items::MUTATING,
                pages::votes::MUTATING,
                pages::consultations::MUTATING,
                pages::restructuring::schemes::MUTATING,
                pages::restructuring::thanks::MUTATING,
                pages::restructuring::beats::MUTATING,
                open311::MUTATING,
            ]
            .concat()
        });
    &ALL
}

const CORE_MUTATING_ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/v1/units"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/account/password"),
    ("POST", "/account/tokens"),
    ("POST", "/account/channels"),
    ("POST", "/account/tokens/{id}/revoke"),
    ("POST", "/account/sessions/end-all"),
    ("POST", "/users"),
    ("POST", "/users/{id}/grants"),
    ("POST", "/users/{id}/grants/{grant_id}/revoke"),
    ("POST", "/users/{id}/disable"),
    ("POST", "/users/{id}/enable"),
    ("POST", "/users/{id}/reset-password"),
];

/// Catches a state-changing route that is not in [`mutating_routes`], so it cannot escape
/// the audit test: an error in the log, and a 500 in debug builds (which the tests run).
/// Only a route that handles the method counts: an unsupported method is the router's 405,
/// a client's mistake, not a defect (anyone could otherwise fill the error log).
async fn mutating_route_guard(
    matched: Option<axum::extract::MatchedPath>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let method = req.method().clone();
    let unlisted = !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS")
        && matched
            .as_ref()
            .is_some_and(|m| !mutating_routes().contains(&(method.as_str(), m.as_str())));
    let res = next.run(req).await;
    if unlisted && res.status() != StatusCode::METHOD_NOT_ALLOWED {
        let path = matched.as_ref().map(|m| m.as_str());
        tracing::error!(%method, path, "state-changing route missing from MUTATING_ROUTES");
        if cfg!(debug_assertions) {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    res
}

/// The whole application: routes and the middleware every response passes through.
pub fn app(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    Router::new()
        .route("/healthz", axum::routing::get(api::health::healthz))
        .merge(api::router())
        .merge(pages::router())
        .merge(open311::router())
        .merge(files::router())
        .route_layer(middleware::from_fn(mutating_route_guard))
        .fallback(error::fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::form::saved_flash,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::ensure_csrf_cookie,
        ))
        .layer(middleware::from_fn(error::localize))
        .layer(middleware::from_fn(edge::guard))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    // Every log line inside a request carries its id.
                    TraceLayer::new_for_http()
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                        .make_span_with(|req: &Request<_>| {
                            let id = req
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                request_id = %id,
                                method = %req.method(),
                                path = %req.uri().path(),
                            )
                        }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    timeout,
                )),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(compression())
        .with_state(state)
}

/// Pages, the API's JSON and the stylesheet go out compressed (brotli or gzip) when the
/// client accepts it: on a slow phone connection a page is a few kilobytes. Files that are
/// already compressed (images, the OOXML documents, ZIP backups, PDFs) go out as they are.
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"));
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(predicate)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Overdue feedback escalates one level up and deadlines coming due are reminded; checked
    // every minute.
    let escalation = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                match tuquan_app::feedback::jobs::run_once(&state.app).await {
                    Ok(r) if r == tuquan_app::feedback::jobs::JobReport::default() => {}
                    Ok(r) => tracing::info!(
                        escalated = r.escalated,
                        reminded = r.reminded,
                        "feedback deadlines checked"
                    ),
                    Err(e) => tracing::error!(error = ?e, "feedback jobs failed"),
                }
                match tuquan_app::action_items::run_once(&state.app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(flagged = n, "overdue action items flagged"),
                    Err(e) => tracing::error!(error = ?e, "action item jobs failed"),
                }
            }
        })
    };
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    escalation.abort();
    served
}
