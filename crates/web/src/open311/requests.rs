//! Open311 requests: listing and following them (public fields only) and filing one for the
//! owner of `api_key`.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use tuquan_app::feedback::{self as app, FeedbackFilter, FeedbackRecord, Names};
use tuquan_app::{AppError, Ctx};
use tuquan_domain::feedback::{NewFeedbackInput, TrackingCode};
use tuquan_domain::territory::Unit;

use super::render::{self, s, Fmt, Obj, V};
use super::{
    bad, bad_format, finish, from_app, from_failure, jurisdiction, lang_of, not_found, w3c, Asked,
    Err311, Get, Params, MAX_DAYS, MAX_REQUESTS, R,
};
use crate::i18n::Lang;

/// The `service_requests` list every request answer is.
fn requests_list(fmt: Fmt, items: &[Obj]) -> Response {
    render::list(StatusCode::OK, fmt, "service_requests", "request", items)
}

fn coordinate(v: Option<f64>) -> Option<V> {
    v.map(|x| V::F((x * 1000.0).round() / 1000.0))
}

/// What anyone may see of a request: never the contact nor the street address.
async fn request_obj(names: &mut Names<'_>, item: &FeedbackRecord) -> Result<Obj, AppError> {
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
            s(names.category(&item.commune_code, &item.category).await?),
        ),
        ("service_code", s(&item.category)),
        // The staff-written public summary, never the sender's own text (empty until set).
        (
            "description",
            s(item.public_summary.clone().unwrap_or_default()),
        ),
        (
            "agency_responsible",
            s(format!("{}/{}", item.level.as_str(), item.role.as_str())),
        ),
        (
            "service_notice",
            s(item.public_answer.clone().unwrap_or_default()),
        ),
        ("requested_datetime", s(w3c(&item.created_at))),
        ("updated_datetime", s(w3c(&item.updated_at))),
        ("expected_datetime", s(w3c(&item.resolve_due_at))),
        (
            "address",
            s(names.unit(&item.unit_code).await?.unwrap_or_default()),
        ),
        ("address_id", s(&item.unit_code)),
        ("zipcode", s("")),
    ];
    if let (Some(lat), Some(lng)) = (coordinate(item.lat), coordinate(item.lng)) {
        o.push(("lat", lat));
        o.push(("long", lng));
    }
    o.push(("media_url", s("")));
    Ok(o)
}

fn in_jurisdiction(j: Option<&Unit>, item: &FeedbackRecord) -> bool {
    j.is_none_or(|u| u.code == item.commune_code)
}

/// A W3C datetime, a local date-time (Vietnam) or a date (its start, or its end for `end`).
pub(super) fn parse_date(raw: &str, name: &str, end: bool) -> R<Timestamp> {
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

/// A whole number from 1 to `max`; anything else, also a blank value, is a 400 naming
/// `name` (not a silently clamped or defaulted page).
fn positive(p: &Params, name: &str, default: usize, max: usize) -> R<usize> {
    match p.raw(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| bad(format!("{name}: a whole number from 1 to {max}"))),
    }
}

/// `GET requests.{fmt}`: by ids (overriding the other filters), else by service codes,
/// dates and open/closed, newest first, paged.
pub(super) async fn requests(ctx: &Ctx, p: &Params, fmt: Fmt, lang: Lang) -> R<Response> {
    let j = jurisdiction(ctx, p).await?;
    let page = positive(p, "page", 1, 1_000_000)?;
    let page_size = positive(p, "page_size", MAX_REQUESTS, MAX_REQUESTS)?;
    let found = match p.list("service_request_id") {
        Some(ids) => by_ids(ctx, j.as_ref(), &ids, page, page_size, lang).await?,
        None => by_filters(ctx, p, j.as_ref(), page, page_size, lang).await?,
    };
    let mut names = Names::public(ctx, lang);
    let mut items = Vec::with_capacity(found.len());
    for item in &found {
        items.push(
            request_obj(&mut names, item)
                .await
                .map_err(|e| from_app(e, lang))?,
        );
    }
    Ok(requests_list(fmt, &items))
}

/// Requests by tracking code (at most [`MAX_REQUESTS`], each once), within the
/// jurisdiction, one page of them.
async fn by_ids(
    ctx: &Ctx,
    j: Option<&Unit>,
    ids: &[String],
    page: usize,
    page_size: usize,
    lang: Lang,
) -> R<Vec<FeedbackRecord>> {
    let mut found: Vec<FeedbackRecord> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in ids.iter().take(MAX_REQUESTS) {
        let Ok(code) = TrackingCode::parse(id) else {
            continue;
        };
        if !seen.insert(code.as_str().to_owned()) {
            continue;
        }
        match app::find(ctx, code.as_str()).await {
            Ok(Some(item)) if in_jurisdiction(j, &item) => found.push(item),
            Ok(_) => {}
            Err(e) => return Err(from_app(e, lang)),
        }
    }
    Ok(found
        .into_iter()
        .skip((page - 1) * page_size)
        .take(page_size)
        .collect())
}

/// Requests by service codes, dates (at most [`MAX_DAYS`] apart) and open/closed, newest
/// first, one page of them.
async fn by_filters(
    ctx: &Ctx,
    p: &Params,
    j: Option<&Unit>,
    page: usize,
    page_size: usize,
    lang: Lang,
) -> R<Vec<FeedbackRecord>> {
    let mut found: Vec<FeedbackRecord> = Vec::new();
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
            let now = ctx.now;
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
    let (start, end) = (app::stamp(start), app::stamp(end));
    let single = codes
        .as_ref()
        .filter(|c| c.len() == 1)
        .map(|c| c[0].clone());
    let skip = (page - 1) * page_size;
    let mut matched = 0usize;
    let mut before = None;
    const BATCH: i64 = 500;
    'outer: loop {
        let batch = app::public::search(
            ctx,
            &FeedbackFilter {
                scope_path: j.map(|u| u.path.clone()),
                category: single.clone(),
                before_id: before,
                limit: BATCH,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| from_app(e, lang))?;
        let done = (batch.len() as i64) < BATCH;
        before = batch.last().map(|i| i.id);
        for item in batch {
            if item.created_at < start {
                break 'outer;
            }
            if item.created_at > end
                || !in_jurisdiction(j, &item)
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
    Ok(found)
}

/// One item by tracking code, within the jurisdiction if one is given; else 404.
async fn by_code(ctx: &Ctx, p: &Params, raw: &str, lang: Lang) -> R<FeedbackRecord> {
    let j = jurisdiction(ctx, p).await?;
    let missing = || not_found(format!("service_request_id: no such request {raw}"));
    match app::find(ctx, raw).await {
        Ok(Some(item)) if in_jurisdiction(j.as_ref(), &item) => Ok(item),
        Ok(_) => Err(missing()),
        Err(e) => Err(from_app(e, lang)),
    }
}

/// `requests/{service_request_id}.{fmt}`: a list of one.
pub(super) async fn one_request(get: Get) -> Response {
    single(get, false).await
}

/// `tokens/{token}.{fmt}`. Requests get their id at once, so the token is the tracking
/// code itself and the answer repeats it as `service_request_id`.
pub(super) async fn token(get: Get) -> Response {
    single(get, true).await
}

/// One item by tracking code as a list of one: the request, or (`as_token`) its token.
async fn single(get: Get, as_token: bool) -> Response {
    get.answer(async |a| {
        let Asked {
            name: id,
            fmt,
            lang,
            p,
            ctx,
            ..
        } = a;
        let item = by_code(ctx, p, id, lang).await?;
        let obj = if as_token {
            vec![
                ("service_request_id", s(&item.tracking_code)),
                ("token", s(id)),
            ]
        } else {
            let mut names = Names::public(ctx, lang);
            request_obj(&mut names, &item)
                .await
                .map_err(|e| from_app(e, lang))?
        };
        Ok(requests_list(fmt, &[obj]))
    })
    .await
}

/// `POST requests.{fmt}`: files feedback for the owner of `api_key`.
pub(super) async fn post_requests(get: Get, body: Bytes) -> Response {
    let Get {
        state,
        resource,
        headers,
        rc,
        query: q,
    } = get;
    let Some((name, fmt)) = Fmt::split(&resource) else {
        return bad_format();
    };
    let lang = lang_of(&headers);
    // A refusal by the rate limits says when to come back.
    let mut retry = None;
    let r = async {
        if name != "requests" {
            // The resource exists (or not) for GET; POST is not its method.
            return Err(Err311(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{name}: only GET here"),
            ));
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
        let ctx = state.ctx(Some(who), &rc);
        let j = jurisdiction(&ctx, &p).await?;
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
        let item = app::submit(&ctx, false, &input, &[]).await.map_err(|e| {
            retry = crate::error::Failure::from(e.clone()).retry_after();
            from_app(e, lang)
        })?;
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
        Ok(requests_list(fmt, &[obj]))
    }
    .await;
    let mut res = finish(fmt, r);
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        res.headers_mut().insert(
            axum::http::header::ALLOW,
            axum::http::HeaderValue::from_static(super::allowed_methods(&resource)),
        );
    }
    if let Some(secs) = retry {
        res.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, secs.into());
    }
    res
}
