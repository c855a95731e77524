//! Open311 GeoReport v2 at `/open311/v2/` (docs/open311.md): services are a commune's
//! feedback categories, requests its feedback. Every endpoint in `.xml` and `.json`.
//!
//! Errors are the specification's error list, not the product's `{"error": …}`: handlers
//! return their own `Response` (never a `Failure`), so `error::localize` leaves them alone.
//! No GET answer carries a contact's name, phone or e-mail, nor the street address: the
//! `address` is the unit's name and coordinates are rounded to 3 decimals.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use jiff::Timestamp;
use tuquan_domain::feedback::{Category, NewFeedbackInput, TrackingCode};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_store::feedback::{FeedbackFilter, FeedbackRecord};
use tuquan_store::StoreError;

use crate::auth::RequestCtx;
use crate::error::Failure;
use crate::feedback::Sender;
use crate::i18n::Lang;
use crate::AppState;

mod render;

use render::{s, Fmt, Obj, V};

/// State-changing routes of this module (see `crate::mutating_routes`). Only
/// `POST /open311/v2/requests.{xml,json}` changes anything; a POST to another resource of
/// this pattern is a 404.
pub const MUTATING: &[(&str, &str)] = &[("POST", "/open311/v2/{resource}")];

/// When this interface last changed (the discovery `changeset`).
pub const CHANGESET: &str = "2026-01-01T00:00:00+07:00";

/// The most requests one GET answers (also the largest `page_size`).
pub const MAX_REQUESTS: usize = 1000;

/// The default and widest span of `start_date`..`end_date`.
pub const MAX_DAYS: i64 = 90;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{resource}", get(top).post(post_requests))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
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
        Failure::InvalidBody(m) => bad(m),
        Failure::NotFound => not_found("not found"),
        Failure::Conflict { field } => bad(format!("{}: conflict", open311_field(field))),
        Failure::Unauthorized | Failure::Forbidden | Failure::PasswordChangeRequired => Err311(
            StatusCode::FORBIDDEN,
            "api_key: not allowed to do this".into(),
        ),
        other => {
            tracing::error!(?other, "open311");
            Err311(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
        }
    }
}

fn from_store(e: StoreError) -> Err311 {
    from_failure(e.into(), Lang::Vi)
}

/// Query or form parameters; a parameter sent empty is as if absent.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &[u8]) -> R<Self> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw)
            .map(Self)
            .map_err(|_| bad("request: not application/x-www-form-urlencoded"))
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
async fn jurisdiction(state: &AppState, p: &Params) -> R<Option<Unit>> {
    let Some(code) = p.get("jurisdiction_id") else {
        return Ok(None);
    };
    let unknown = || not_found(format!("jurisdiction_id: no such jurisdiction {code}"));
    if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unknown());
    }
    match state.store.unit(code).await {
        Ok(u) if u.unit.kind.tier() == Tier::Commune => Ok(Some(u.unit)),
        Ok(_) | Err(StoreError::NotFound) => Err(unknown()),
        Err(e) => Err(from_store(e)),
    }
}

fn finish(fmt: Fmt, r: R<Response>) -> Response {
    r.unwrap_or_else(|Err311(status, d)| render::error(fmt, status, &d))
}

/// The 404 (in XML, the mandatory format) for a missing or unknown format suffix.
fn bad_format() -> Response {
    render::error(
        Fmt::Xml,
        StatusCode::NOT_FOUND,
        "format: use the .xml or .json suffix",
    )
}

/// `discovery`, `services` and `requests` (GET).
async fn top(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((name, fmt)) = Fmt::split(&resource) else {
        return bad_format();
    };
    let lang = lang_of(&headers);
    let r = async {
        let p = Params::parse(q.unwrap_or_default().as_bytes())?;
        match name {
            "discovery" => Ok(discovery(&state, &headers, fmt, lang)),
            "services" => services(&state, &p, fmt, lang).await,
            "requests" => requests(&state, &p, fmt, lang).await,
            _ => Err(not_found(format!("{name}: no such resource"))),
        }
    }
    .await;
    finish(fmt, r)
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

async fn categories(state: &AppState, j: Option<&Unit>) -> R<Vec<Category>> {
    let commune = j.map(|u| u.code.as_str()).unwrap_or("");
    state
        .store
        .categories_for(commune)
        .await
        .map_err(from_store)
}

async fn services(state: &AppState, p: &Params, fmt: Fmt, lang: Lang) -> R<Response> {
    let j = jurisdiction(state, p).await?;
    let cats = categories(state, j.as_ref()).await?;
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
async fn service_definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((code, fmt)) = Fmt::split(&file) else {
        return bad_format();
    };
    let lang = lang_of(&headers);
    let r = async {
        let p = Params::parse(q.unwrap_or_default().as_bytes())?;
        let j = jurisdiction(&state, &p).await?;
        let cats = categories(&state, j.as_ref()).await?;
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
    }
    .await;
    finish(fmt, r)
}

/// Unit names and category names, each loaded once per answer.
#[derive(Default)]
struct Names {
    units: HashMap<String, String>,
    categories: HashMap<String, Vec<Category>>,
}

impl Names {
    async fn unit(&mut self, state: &AppState, code: &str) -> String {
        if let Some(n) = self.units.get(code) {
            return n.clone();
        }
        let n = state
            .store
            .unit(code)
            .await
            .map(|u| u.unit.name)
            .unwrap_or_default();
        self.units.insert(code.to_owned(), n.clone());
        n
    }

    async fn category(
        &mut self,
        state: &AppState,
        commune: &str,
        code: &str,
        lang: Lang,
    ) -> String {
        if !self.categories.contains_key(commune) {
            let cats = state
                .store
                .categories_for(commune)
                .await
                .unwrap_or_default();
            self.categories.insert(commune.to_owned(), cats);
        }
        self.categories[commune]
            .iter()
            .find(|c| c.code == code)
            .map(|c| name_of(c, lang).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }
}

fn coordinate(v: Option<f64>) -> Option<V> {
    v.map(|x| V::F((x * 1000.0).round() / 1000.0))
}

/// What anyone may see of a request: never the contact nor the street address.
async fn request_obj(
    state: &AppState,
    names: &mut Names,
    item: &FeedbackRecord,
    lang: Lang,
) -> Obj {
    let status = item.status();
    let mut o: Obj = vec![
        ("service_request_id", s(&item.tracking_code)),
        (
            "status",
            s(if status.is_open() { "open" } else { "closed" }),
        ),
        ("status_notes", s(status.as_str())),
        (
            "service_name",
            s(names
                .category(state, &item.commune_code, &item.category, lang)
                .await),
        ),
        ("service_code", s(&item.category)),
        ("description", s(&item.description)),
        (
            "agency_responsible",
            s(format!("{}/{}", item.level, item.role)),
        ),
        (
            "service_notice",
            s(item.public_answer.clone().unwrap_or_default()),
        ),
        ("requested_datetime", s(w3c(&item.created_at))),
        ("updated_datetime", s(w3c(&item.updated_at))),
        ("expected_datetime", s(w3c(&item.resolve_due_at))),
        ("address", s(names.unit(state, &item.unit_code).await)),
        ("address_id", s(&item.unit_code)),
        ("zipcode", s("")),
    ];
    if let (Some(lat), Some(lng)) = (coordinate(item.lat), coordinate(item.lng)) {
        o.push(("lat", lat));
        o.push(("long", lng));
    }
    o.push(("media_url", s("")));
    o
}

fn in_jurisdiction(j: Option<&Unit>, item: &FeedbackRecord) -> bool {
    j.is_none_or(|u| u.code == item.commune_code)
}

/// A W3C datetime, a local date-time (Vietnam) or a date (its start, or its end for `end`).
fn parse_date(raw: &str, name: &str, end: bool) -> R<Timestamp> {
    let tz = tuquan_domain::time::vietnam();
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(dt) = raw.parse::<jiff::civil::DateTime>() {
        if raw.contains('T') {
            if let Ok(z) = dt.to_zoned(tz.clone()) {
                return Ok(z.timestamp());
            }
        }
    }
    if let Ok(d) = raw.parse::<jiff::civil::Date>() {
        let start = d
            .to_zoned(tz)
            .map_err(|_| bad(format!("{name}: not a date")))?;
        let t = start.timestamp();
        return Ok(if end {
            t + jiff::SignedDuration::from_hours(24) - jiff::SignedDuration::from_micros(1)
        } else {
            t
        });
    }
    Err(bad(format!(
        "{name}: not a W3C datetime (e.g. 2026-11-21T08:00:00+07:00)"
    )))
}

fn positive(p: &Params, name: &str, default: usize, max: usize) -> R<usize> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .map(|n| n.min(max))
            .ok_or_else(|| bad(format!("{name}: a whole number from 1"))),
    }
}

/// `GET requests.{fmt}`: by ids (overriding the other filters), else by service codes,
/// dates and open/closed, newest first, paged.
async fn requests(state: &AppState, p: &Params, fmt: Fmt, lang: Lang) -> R<Response> {
    let j = jurisdiction(state, p).await?;
    let page = positive(p, "page", 1, usize::MAX / (MAX_REQUESTS + 1))?;
    let page_size = positive(p, "page_size", MAX_REQUESTS, MAX_REQUESTS)?;
    let mut found: Vec<FeedbackRecord> = Vec::new();
    if let Some(ids) = p.list("service_request_id") {
        let mut seen = std::collections::HashSet::new();
        for id in ids.iter().take(MAX_REQUESTS) {
            let Ok(code) = TrackingCode::parse(id) else {
                continue;
            };
            if !seen.insert(code.as_str().to_owned()) {
                continue;
            }
            match state.store.feedback_by_code(code.as_str()).await {
                Ok(item) if in_jurisdiction(j.as_ref(), &item) => found.push(item),
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(from_store(e)),
            }
        }
        found = found
            .into_iter()
            .skip((page - 1) * page_size)
            .take(page_size)
            .collect();
    } else {
        let codes = p.list("service_code");
        let statuses = match p.list("status") {
            None => None,
            Some(list) => {
                let mut open = Vec::new();
                for st in list {
                    match st.as_str() {
                        "open" => open.push(true),
                        "closed" => open.push(false),
                        other => return Err(bad(format!("status: {other} is not open or closed"))),
                    }
                }
                Some(open)
            }
        };
        let start_raw = p.get("start_date");
        let end_raw = p.get("end_date");
        let span = jiff::SignedDuration::from_hours(24 * MAX_DAYS);
        let (start, end) = match (start_raw, end_raw) {
            (None, None) => {
                let now = Timestamp::now();
                (now - span, now)
            }
            (Some(s), None) => {
                let s = parse_date(s, "start_date", false)?;
                (s, s + span)
            }
            (None, Some(e)) => {
                let e = parse_date(e, "end_date", true)?;
                (e - span, e)
            }
            (Some(s), Some(e)) => (
                parse_date(s, "start_date", false)?,
                parse_date(e, "end_date", true)?,
            ),
        };
        if end < start {
            return Err(bad("end_date: before start_date"));
        }
        // A day's slack for a date-only end (its last microsecond).
        if end.duration_since(start) > span + jiff::SignedDuration::from_hours(24) {
            return Err(bad(format!(
                "end_date: at most {MAX_DAYS} days after start_date"
            )));
        }
        let (start, end) = (tuquan_store::stamp(start), tuquan_store::stamp(end));
        let single = codes
            .as_ref()
            .filter(|c| c.len() == 1)
            .map(|c| c[0].clone());
        let skip = (page - 1) * page_size;
        let mut matched = 0usize;
        let mut before = None;
        const BATCH: i64 = 500;
        'outer: loop {
            let batch = state
                .store
                .list_feedback(&FeedbackFilter {
                    scope_path: j.as_ref().map(|u| u.path.clone()),
                    category: single.clone(),
                    before_id: before,
                    limit: BATCH,
                    ..Default::default()
                })
                .await
                .map_err(from_store)?;
            let done = (batch.len() as i64) < BATCH;
            before = batch.last().map(|i| i.id);
            for item in batch {
                if item.created_at < start {
                    break 'outer;
                }
                if item.created_at > end
                    || !in_jurisdiction(j.as_ref(), &item)
                    || codes.as_ref().is_some_and(|c| !c.contains(&item.category))
                    || statuses
                        .as_ref()
                        .is_some_and(|s| !s.contains(&item.status().is_open()))
                {
                    continue;
                }
                matched += 1;
                if matched > skip {
                    found.push(item);
                    if found.len() >= page_size {
                        break 'outer;
                    }
                }
            }
            if done {
                break;
            }
        }
    }
    let mut names = Names::default();
    let mut items = Vec::with_capacity(found.len());
    for item in &found {
        items.push(request_obj(state, &mut names, item, lang).await);
    }
    Ok(render::list(
        StatusCode::OK,
        fmt,
        "service_requests",
        "request",
        &items,
    ))
}

/// One item by tracking code, within the jurisdiction if one is given; else 404.
async fn by_code(state: &AppState, p: &Params, raw: &str) -> R<FeedbackRecord> {
    let j = jurisdiction(state, p).await?;
    let missing = || not_found(format!("service_request_id: no such request {raw}"));
    let code = TrackingCode::parse(raw).map_err(|_| missing())?;
    match state.store.feedback_by_code(code.as_str()).await {
        Ok(item) if in_jurisdiction(j.as_ref(), &item) => Ok(item),
        Ok(_) | Err(StoreError::NotFound) => Err(missing()),
        Err(e) => Err(from_store(e)),
    }
}

/// `requests/{service_request_id}.{fmt}`: a list of one.
async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((id, fmt)) = Fmt::split(&file) else {
        return bad_format();
    };
    let lang = lang_of(&headers);
    let r = async {
        let p = Params::parse(q.unwrap_or_default().as_bytes())?;
        let item = by_code(&state, &p, id).await?;
        let obj = request_obj(&state, &mut Names::default(), &item, lang).await;
        Ok(render::list(
            StatusCode::OK,
            fmt,
            "service_requests",
            "request",
            &[obj],
        ))
    }
    .await;
    finish(fmt, r)
}

/// `tokens/{token}.{fmt}`. Requests get their id at once, so the token is the tracking
/// code itself and the answer repeats it as `service_request_id`.
async fn token(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((tok, fmt)) = Fmt::split(&file) else {
        return bad_format();
    };
    let r = async {
        let p = Params::parse(q.unwrap_or_default().as_bytes())?;
        let item = by_code(&state, &p, tok).await?;
        let obj: Obj = vec![
            ("service_request_id", s(&item.tracking_code)),
            ("token", s(tok)),
        ];
        Ok(render::list(
            StatusCode::OK,
            fmt,
            "service_requests",
            "request",
            &[obj],
        ))
    }
    .await;
    finish(fmt, r)
}

/// `POST requests.{fmt}`: files feedback for the owner of `api_key`.
async fn post_requests(
    State(state): State<AppState>,
    Path(resource): Path<String>,
    headers: HeaderMap,
    rc: RequestCtx,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let Some((name, fmt)) = Fmt::split(&resource) else {
        return bad_format();
    };
    let lang = lang_of(&headers);
    let r = async {
        if name != "requests" {
            return Err(not_found(format!("{name}: nothing to POST here")));
        }
        // The body first; the query string too, for clients that put `api_key` there.
        let mut p = Params::parse(&body)?;
        p.0.extend(Params::parse(q.unwrap_or_default().as_bytes())?.0);
        let forbidden = || {
            Err311(
                StatusCode::FORBIDDEN,
                "api_key: missing or not valid".into(),
            )
        };
        let key = p.get("api_key").ok_or_else(forbidden)?;
        let who = crate::auth::authenticate_token(&state, key)
            .await
            .map_err(|f| from_failure(f, lang))?
            .ok_or_else(forbidden)?;
        let j = jurisdiction(&state, &p).await?;
        let service_code = p
            .get("service_code")
            .ok_or_else(|| bad("service_code: required"))?;
        let unit_code = match (p.get("attribute[unit_code]"), &j) {
            (Some(u), Some(j)) => {
                if u.split('-').next() != Some(j.code.as_str()) {
                    return Err(bad(format!(
                        "attribute[unit_code]: {u} is not in jurisdiction {}",
                        j.code
                    )));
                }
                u.to_owned()
            }
            (Some(u), None) => u.to_owned(),
            (None, Some(j)) => j.code.clone(),
            (None, None) => {
                return Err(bad(
                    "attribute[unit_code]: required (or jurisdiction_id, the commune)",
                ))
            }
        };
        // Family name first, the Vietnamese order.
        let full_name = [p.get("last_name"), p.get("first_name")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let contact_name = p
            .get("attribute[contact_name]")
            .map(str::to_owned)
            .or((!full_name.is_empty()).then_some(full_name));
        let opt = |n: &str| p.get(n).map(str::to_owned);
        // `media_url` is ignored: the product stores only photos it has checked itself.
        let input = NewFeedbackInput {
            category: service_code.to_owned(),
            description: opt("description").unwrap_or_default(),
            unit_code,
            address: opt("address_string"),
            lat: opt("lat"),
            lng: opt("long"),
            contact_name,
            contact_phone: opt("phone"),
            contact_email: opt("email"),
        };
        let item = crate::feedback::submit(&state, Sender::SignedIn(&who), &input, &[], &rc)
            .await
            .map_err(|f| from_failure(f, lang))?;
        let due = w3c(&item.resolve_due_at);
        let notice = match lang {
            Lang::Vi => format!(
                "Đã tiếp nhận. Mã theo dõi {}; hạn giải quyết {due}.",
                item.tracking_code
            ),
            Lang::En => format!(
                "Received. Tracking code {}; to be resolved by {due}.",
                item.tracking_code
            ),
        };
        let obj: Obj = vec![
            ("service_request_id", s(&item.tracking_code)),
            ("service_notice", s(notice)),
            ("account_id", s("")),
        ];
        Ok(render::list(
            StatusCode::OK,
            fmt,
            "service_requests",
            "request",
            &[obj],
        ))
    }
    .await;
    finish(fmt, r)
}

#[cfg(test)]
mod tests {
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
