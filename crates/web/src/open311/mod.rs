//! Open311 GeoReport v2 at `/open311/v2/` (docs/open311.md): services are a commune's
//! feedback categories, requests its feedback. Every endpoint in `.xml` and `.json`.
//!
//! Errors are the specification's error list, not the product's `{"error": …}`: handlers
//! return their own `Response` (never a `Failure`), so `error::localize` leaves them alone.
//! No GET answer carries a contact's name, phone or e-mail, nor the street address: the
//! `address` is the unit's name and coordinates are rounded to 3 decimals.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiff::Timestamp;
use tuquan_app::feedback as app;
use tuquan_app::{AppError, Ctx};
use tuquan_domain::feedback::Category;
use tuquan_domain::territory::{Tier, Unit};

use crate::auth::RequestCtx;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::AppState;

pub mod openapi;
mod render;
mod requests;

use render::{s, Fmt, Obj, V};

/// State-changing routes of this module (see `crate::mutating_routes`). Only
/// `POST /open311/v2/requests.{xml,json}` changes anything; a POST to another resource of
/// this pattern is a 405.
pub const MUTATING: &[(&str, &str)] = &[("POST", "/open311/v2/{resource}")];

/// When this interface last changed (the discovery `changeset`).
pub const CHANGESET: &str = "2026-01-01T00:00:00+07:00";

/// The most requests one GET answers (also the largest `page_size`).
pub const MAX_REQUESTS: usize = 1000;

/// The default and widest span of `start_date`..`end_date`.
pub const MAX_DAYS: i64 = 90;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/open311/v2/openapi.json",
            get(|| async { axum::Json(openapi::document().clone()) }),
        )
        .route(
            "/open311/v2/{resource}",
            get(top)
                .post(requests::post_requests)
                .fallback(other_method),
        )
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(requests::one_request))
        .route("/open311/v2/tokens/{file}", get(requests::token))
}

/// An Open311 error: its status and description.
#[derive(Debug)]
struct Err311(StatusCode, String);

type R<T> = Result<T, Err311>;

fn bad(description: impl Into<String>) -> Err311 {
    Err311(StatusCode::BAD_REQUEST, description.into())
}

fn not_found(description: impl Into<String>) -> Err311 {
    Err311(StatusCode::NOT_FOUND, description.into())
}

/// Open311's name of a field the feedback services reject.
fn open311_field(field: &str) -> &'static str {
    match field {
        "category" => "service_code",
        "unit_code" => "attribute[unit_code]",
        "lat" => "lat",
        "lng" => "long",
        "address" => "address_string",
        "contact_email" => "email",
        "contact_phone" => "phone",
        "contact_name" => "first_name",
        "description" => "description",
        _ => "request",
    }
}

fn from_failure(f: Failure, lang: Lang) -> Err311 {
    match f {
        Failure::Invalid(mut e) => {
            e.field = open311_field(e.field);
            bad(format!("{}: {}", e.field, lang.field_error(&e)))
        }
        // Open311 answers one message: the first bad field.
        Failure::InvalidFields(mut es) if !es.is_empty() => {
            from_failure(Failure::Invalid(es.swap_remove(0)), lang)
        }
        Failure::InvalidBody(m) => bad(m),
        // Open311 clients cannot answer the form's question: too many anonymous requests
        // from this client, said with a stable code at the start of the description.
        Failure::Rule {
            code: "humanity_required",
            ..
        } => Err311(
            StatusCode::TOO_MANY_REQUESTS,
            format!("humanity_required: {}", lang.t("rule.humanity_required")),
        ),
        Failure::Rule { code, field } => bad(format!(
            "{}: {}",
            open311_field(field.unwrap_or("")),
            lang.t(&format!("rule.{code}"))
        )),
        Failure::NotFound => not_found("not found"),
        Failure::Conflict { field } => bad(format!("{}: conflict", open311_field(field))),
        Failure::Unauthorized | Failure::Forbidden | Failure::PasswordChangeRequired => Err311(
            StatusCode::FORBIDDEN,
            "api_key: not allowed to do this".into(),
        ),
        Failure::RateLimited { until } => Err311(
            StatusCode::TOO_MANY_REQUESTS,
            lang.t("error.rate_limited")
                .replace("{until}", &crate::i18n::local_time(&until)),
        ),
        other => {
            tracing::error!(?other, "open311");
            Err311(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
        }
    }
}

fn from_app(e: AppError, lang: Lang) -> Err311 {
    from_failure(e.into(), lang)
}

/// Query or form parameters; a parameter sent empty is as if absent.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &[u8]) -> R<Self> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw)
            .map(Self)
            .map_err(|_| bad("request: not application/x-www-form-urlencoded"))
    }

    /// The first value of `name` as sent, blank included; `None` when absent.
    fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// A comma list, blanks dropped; `None` when absent.
    fn list(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }
}

/// `Accept-Language`, else Vietnamese.
fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.split(',').next())
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// A stored UTC instant as W3C with Vietnam's offset, `2026-11-21T08:00:00+07:00`.
pub fn w3c(stored: &str) -> String {
    stored
        .parse::<Timestamp>()
        .map(|t| {
            t.to_zoned(tuquan_domain::time::vietnam())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// `jurisdiction_id`: a commune code. `None` when absent; 404 for an unknown one.
async fn jurisdiction(ctx: &Ctx, p: &Params) -> R<Option<Unit>> {
    let Some(code) = p.get("jurisdiction_id") else {
        return Ok(None);
    };
    let unknown = || not_found(format!("jurisdiction_id: no such jurisdiction {code}"));
    if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unknown());
    }
    match tuquan_app::territory::unit(&ctx.app, code).await {
        Ok(u) if u.kind.tier() == Tier::Commune => Ok(Some(u)),
        Ok(_) | Err(AppError::NotFound) => Err(unknown()),
        Err(e) => Err(from_app(e, Lang::Vi)),
    }
}

fn finish(fmt: Fmt, r: R<Response>) -> Response {
    r.unwrap_or_else(|Err311(status, d)| render::error(fmt, status, &d))
}

/// An Open311 request as every handler reads it: the resource (`name.fmt`) from the path, the
/// headers (language, host), the request's context and the query string.
struct Get {
    state: AppState,
    resource: String,
    headers: HeaderMap,
    rc: RequestCtx,
    query: Option<String>,
}

impl FromRequestParts<AppState> for Get {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(resource) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Ok(rc) = RequestCtx::from_request_parts(parts, state).await;
        Ok(Self {
            state: state.clone(),
            resource,
            headers: parts.headers.clone(),
            rc,
            query: parts.uri.query().map(str::to_owned),
        })
    }
}

/// What [`Get::answer`] hands a GET handler: the resource's name (before the format), its
/// format, the language, the query's parameters, and an anonymous context.
struct Asked<'a> {
    name: &'a str,
    fmt: Fmt,
    lang: Lang,
    p: &'a Params,
    ctx: &'a Ctx,
    state: &'a AppState,
    headers: &'a HeaderMap,
}

impl Get {
    /// Answers a GET in the resource's format (a 404 without one): `answer`'s response, or
    /// its Open311 error rendered in that format.
    async fn answer(self, answer: impl AsyncFnOnce(Asked<'_>) -> R<Response>) -> Response {
        let Some((name, fmt)) = Fmt::split(&self.resource) else {
            return bad_format();
        };
        let lang = lang_of(&self.headers);
        let r = async {
            let p = Params::parse(self.query.as_deref().unwrap_or_default().as_bytes())?;
            let ctx = self.state.ctx(None, &self.rc);
            let asked = Asked {
                name,
                fmt,
                lang,
                p: &p,
                ctx: &ctx,
                state: &self.state,
                headers: &self.headers,
            };
            answer(asked).await
        }
        .await;
        finish(fmt, r)
    }
}

/// The 404 (in XML, the mandatory format) for a missing or unknown format suffix.
fn bad_format() -> Response {
    render::error(
        Fmt::Xml,
        StatusCode::NOT_FOUND,
        "format: use the .xml or .json suffix",
    )
}

/// The methods a top-level resource answers: POST only for `requests` (the router itself
/// cannot tell, one route serves them all).
pub(crate) fn allowed_methods(resource: &str) -> &'static str {
    match Fmt::split(resource) {
        Some(("requests", _)) => "GET, HEAD, POST",
        _ => "GET, HEAD",
    }
}

/// Another method on a top-level resource: 405, with `Allow` listing what this resource
/// really answers.
async fn other_method(Path(resource): Path<String>) -> Response {
    let fmt = Fmt::split(&resource).map_or(Fmt::Xml, |(_, f)| f);
    let mut res = render::error(
        fmt,
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("{resource}: method not allowed"),
    );
    res.headers_mut().insert(
        header::ALLOW,
        header::HeaderValue::from_static(allowed_methods(&resource)),
    );
    res
}

/// `discovery`, `services` and `requests` (GET).
async fn top(get: Get) -> Response {
    get.answer(async |a| match a.name {
        "discovery" => Ok(discovery(a.state, a.headers, a.fmt, a.lang)),
        "services" => services(a.ctx, a.p, a.fmt, a.lang).await,
        "requests" => requests::requests(a.ctx, a.p, a.fmt, a.lang).await,
        name => Err(not_found(format!("{name}: no such resource"))),
    })
    .await
}

fn discovery(state: &AppState, headers: &HeaderMap, fmt: Fmt, lang: Lang) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        Some("http") => "http",
        _ if state.config.secure_cookies => "https",
        _ => "http",
    };
    let base = format!("{scheme}://{host}");
    let (contact, key) = match lang {
        Lang::Vi => (
            "Ủy ban nhân dân xã/phường nơi có phản ánh; về kỹ thuật: quản trị viên hệ thống.",
            format!(
                "api_key là khoá API của một tài khoản: tạo tại {base}/account hoặc bằng lệnh `tuquan token create`."
            ),
        ),
        Lang::En => (
            "The People's Committee of the commune concerned; for technical matters, the system administrator.",
            format!(
                "api_key is an account's API token: create one at {base}/account or with `tuquan token create`."
            ),
        ),
    };
    let endpoint: Obj = vec![
        ("specification", s("http://wiki.open311.org/GeoReport_v2")),
        ("url", s(format!("{base}/open311/v2/"))),
        ("changeset", s(CHANGESET)),
        ("type", s("production")),
        (
            "formats",
            V::T("format", vec!["text/xml".into(), "application/json".into()]),
        ),
    ];
    let obj: Obj = vec![
        ("changeset", s(CHANGESET)),
        ("contact", s(contact)),
        ("key_service", s(key)),
        ("endpoints", V::L("endpoint", vec![endpoint])),
    ];
    render::one(fmt, "discovery", &obj)
}

fn name_of(c: &Category, lang: Lang) -> &str {
    match lang {
        Lang::Vi => &c.name_vi,
        Lang::En => &c.name_en,
    }
}

fn service(c: &Category, lang: Lang) -> Obj {
    let hours = (c.ack_minutes + 59) / 60;
    let days = (c.resolve_minutes + 479) / 480;
    let (description, group) = match lang {
        Lang::Vi => (
            format!("Tiếp nhận trong {hours} giờ làm việc, giải quyết trong {days} ngày làm việc."),
            "Phản ánh, kiến nghị",
        ),
        Lang::En => (
            format!(
                "Acknowledged within {hours} working hours, resolved within {days} working days."
            ),
            "Feedback",
        ),
    };
    vec![
        ("service_code", s(&c.code)),
        ("service_name", s(name_of(c, lang))),
        ("description", s(description)),
        ("metadata", V::B(true)),
        ("type", s("realtime")),
        ("keywords", s(c.code.replace('_', ","))),
        ("group", s(group)),
    ]
}

async fn categories(ctx: &Ctx, j: Option<&Unit>, lang: Lang) -> R<Vec<Category>> {
    let commune = j.map(|u| u.code.as_str()).unwrap_or("");
    app::categories(ctx, commune)
        .await
        .map_err(|e| from_app(e, lang))
}

async fn services(ctx: &Ctx, p: &Params, fmt: Fmt, lang: Lang) -> R<Response> {
    let j = jurisdiction(ctx, p).await?;
    let cats = categories(ctx, j.as_ref(), lang).await?;
    let items: Vec<Obj> = cats.iter().map(|c| service(c, lang)).collect();
    Ok(render::list(
        StatusCode::OK,
        fmt,
        "services",
        "service",
        &items,
    ))
}

/// `services/{service_code}.{fmt}`: the service definition.
async fn service_definition(get: Get) -> Response {
    get.answer(async |a| {
        let Asked {
            name: code,
            fmt,
            lang,
            p,
            ctx,
            ..
        } = a;
        let j = jurisdiction(ctx, p).await?;
        let cats = categories(ctx, j.as_ref(), lang).await?;
        let c = cats
            .iter()
            .find(|c| c.code == code)
            .ok_or_else(|| not_found(format!("service_code: no such service {code}")))?;
        let (unit_dd, unit_d, name_dd, name_d) = match lang {
            Lang::Vi => (
                "Mã đơn vị: xã/phường (5 chữ số, vd. 26743) hoặc khu dân cư (vd. 26743-kp01).",
                "Đơn vị hành chính hoặc khu dân cư nơi có sự việc.",
                "Họ tên người gửi (không công khai).",
                "Họ tên người liên hệ.",
            ),
            Lang::En => (
                "A unit code: a commune (5 digits, e.g. 26743) or a residential unit (e.g. 26743-kp01).",
                "The commune or residential unit the request is about.",
                "The sender's name (never published).",
                "Contact name.",
            ),
        };
        let attribute = |code: &str, required: bool, order: i64, dd: &str, d: &str| -> Obj {
            vec![
                ("variable", V::B(true)),
                ("code", s(code)),
                ("datatype", s("string")),
                ("required", V::B(required)),
                ("datatype_description", s(dd)),
                ("order", V::I(order)),
                ("description", s(d)),
            ]
        };
        let obj: Obj = vec![
            ("service_code", s(&c.code)),
            (
                "attributes",
                V::L(
                    "attribute",
                    vec![
                        attribute("unit_code", true, 1, unit_dd, unit_d),
                        attribute("contact_name", false, 2, name_dd, name_d),
                    ],
                ),
            ),
        ];
        Ok(render::one(fmt, "service_definition", &obj))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::requests::parse_date;
    use super::*;

    #[test]
    fn datetimes_carry_vietnam_offset() {
        assert_eq!(
            w3c("2026-11-21T01:00:00.000000Z"),
            "2026-11-21T08:00:00+07:00"
        );
    }

    #[test]
    fn dates_parse() {
        let s = parse_date("2026-11-21", "start_date", false).unwrap();
        assert_eq!(s.to_string(), "2026-11-20T17:00:00Z");
        let t = parse_date("2026-11-21T08:00:00+07:00", "start_date", false).unwrap();
        assert_eq!(t.to_string(), "2026-11-21T01:00:00Z");
        assert!(parse_date("yesterday", "start_date", false).is_err());
    }

    #[test]
    fn empty_parameters_are_absent() {
        let p = Params::parse(b"a=&b=%20&c=x").unwrap();
        assert_eq!(p.get("a"), None);
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x"));
    }
}
