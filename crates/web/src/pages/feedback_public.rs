//! The public side of resident feedback: the form to send it (with photos, without
//! JavaScript), following it by tracking code (with the sender's reopen and rating forms), a
//! unit's public list, and the photos for those who may see them. Every action goes through
//! the services of `crate::feedback`, the same the JSON API calls; public views show no
//! name, phone, e-mail, street address, description or photo.

use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::photo::MAX_PHOTOS;
use tuquan_domain::feedback::{Status, TrackingCode};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::feedback::FeedbackRecord;

use super::{render, Chrome};
use crate::api::feedback::{by_code, photo_response, public_page, ListQuery};
use crate::api::territory::{load_unit_for, run_list_query, UnitsQuery};
use crate::auth::csrf::{expected_token, CsrfForm};
use crate::auth::{secret, Authenticated, MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::feedback::sender::{self, SenderProof};
use crate::feedback::upload::{self, FeedbackUpload};
use crate::feedback::{self as svc, Sender, REOPEN_DAYS};
use crate::i18n::{local_time, Lang};
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/feedback/new"),
    ("POST", "/feedback/{code}/reopen"),
    ("POST", "/feedback/{code}/rating"),
];

/// Items per page of a unit's public list.
const PAGE_SIZE: &str = "50";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(lookup))
        .route(
            "/feedback/new",
            get(new_form)
                .post(submit)
                .layer(DefaultBodyLimit::max(upload::BODY_LIMIT)),
        )
        .route("/feedback/{code}", get(track))
        .route("/feedback/{code}/reopen", post(reopen))
        .route("/feedback/{code}/rating", post(rate))
        .route("/feedback/{code}/photos/{photo_id}", get(photo))
        .route("/units/{code}/feedback", get(unit_list))
}

fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
}

fn page(status: StatusCode, html: axum::response::Html<String>) -> Response {
    (status, html).into_response()
}

/// A stored UTC time as a Vietnamese date, `dd/mm/yyyy`.
fn local_date(stored: &str) -> String {
    stored
        .parse::<jiff::Timestamp>()
        .map(|ts| {
            ts.to_zoned(tuquan_domain::time::vietnam())
                .strftime("%d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_owned())
}

fn status_label(lang: Lang, status: &str) -> &'static str {
    lang.t(&format!("fbp_status_{status}"))
}

/// The message for a rejected field of these forms, naming the field in the page's language.
fn field_message(lang: Lang, e: &FieldError) -> String {
    use FieldErrorKind as K;
    let key = match (e.field, &e.kind) {
        ("photo", K::TooLong { .. }) => Some("fbp_err_photo_size"),
        ("photo", K::OutOfRange { .. }) => Some("fbp_err_photo_count"),
        ("photo", _) => Some("fbp_err_photo_type"),
        ("contact_phone", K::Required) => Some("fbp_err_contact_required"),
        ("category", K::UnknownValue | K::NotAllowedHere) => Some("fbp_err_category_unknown"),
        ("lat" | "lng", K::Required) => Some("fbp_err_coords_pair"),
        ("unit_code", _) => Some("fbp_err_unit_unknown"),
        ("reason", K::Required) => Some("fbp_err_reason_required"),
        ("status", _) => Some("fbp_err_not_now"),
        ("rating", K::NotAllowedHere) => Some("fbp_err_rating_open"),
        ("rating", _) => Some("fbp_err_rating_range"),
        _ => None,
    };
    match key {
        Some(k) => lang.t(k).replace("{days}", &REOPEN_DAYS.to_string()),
        None => {
            let label = lang.t(&format!("fbp_field_{}", e.field));
            lang.field_error(&FieldError {
                field: label,
                ..e.clone()
            })
        }
    }
}

// ---------------------------------------------------------------------------------------
// The landing page: look up by tracking code.

#[derive(Deserialize, Default)]
struct LookupQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_lookup.html")]
struct LookupPage {
    chrome: Chrome,
    code: String,
    error: Option<String>,
}

async fn lookup(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(q): Query<LookupQuery>,
) -> Result<Response, PageError> {
    let Some(raw) = non_blank(&q.code) else {
        return Ok(render(&LookupPage {
            chrome,
            code: String::new(),
            error: None,
        })?
        .into_response());
    };
    let found = match TrackingCode::parse(raw) {
        Ok(code) => match state.store.feedback_by_code(code.as_str()).await {
            Ok(item) => Some(item),
            Err(tuquan_store::StoreError::NotFound) => None,
            Err(e) => return Err(PageError(e.into())),
        },
        Err(_) => None,
    };
    match found {
        Some(item) => Ok(see_other(&format!("/feedback/{}", item.tracking_code))),
        None => {
            let error = Some(chrome.t("fbp_lookup_none").to_owned());
            Ok(page(
                StatusCode::NOT_FOUND,
                render(&LookupPage {
                    chrome,
                    code: raw.to_owned(),
                    error,
                })?,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Choosing the place, then the form.

#[derive(Deserialize, Default)]
struct NewQuery {
    unit: Option<String>,
    commune: Option<String>,
    q: Option<String>,
}

pub struct PickItem {
    pub href: String,
    pub name: String,
    pub meta: String,
}

#[derive(Template)]
#[template(path = "feedback_pick.html")]
struct PickPage {
    chrome: Chrome,
    error: Option<String>,
    /// The code typed in the code box.
    unit_value: String,
    q: String,
    /// The commune whose residential units are listed.
    commune_name: Option<String>,
    /// The units of the signed-in user's grants.
    mine: Vec<PickItem>,
    results: Vec<PickItem>,
    searched: bool,
}

fn kind_label(lang: Lang, u: &Unit) -> &'static str {
    lang.t(&format!("kind.{}", u.kind.as_str()))
}

fn pick_item(lang: Lang, u: &Unit) -> Option<PickItem> {
    let href = match u.kind.tier() {
        Tier::Province => return None,
        Tier::Commune => format!("/feedback/new?commune={}", u.code),
        _ => format!("/feedback/new?unit={}", u.code),
    };
    Some(PickItem {
        href,
        name: u.name.clone(),
        meta: format!("{} · {}", kind_label(lang, u), u.code),
    })
}

async fn pick_page(
    state: &AppState,
    chrome: Chrome,
    who: Option<&Authenticated>,
    q: &NewQuery,
    error: Option<String>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let mut error = error;
    let mut mine = Vec::new();
    if let Some(w) = who {
        for code in w.actor.grants.iter().filter_map(|g| g.unit_code.as_deref()) {
            if mine.len() >= 5 {
                break;
            }
            if let Ok(u) = svc::feedback_unit(state, code).await {
                mine.push(PickItem {
                    href: format!("/feedback/new?unit={}", u.code),
                    name: u.name.clone(),
                    meta: format!("{} · {}", kind_label(lang, &u), u.code),
                });
            }
        }
    }
    let mut results = Vec::new();
    let mut commune_name = None;
    let mut searched = false;
    if let Some(code) = non_blank(&q.commune) {
        match svc::feedback_unit(state, code).await {
            Ok(c) if c.kind.tier() == Tier::Commune => {
                results.push(PickItem {
                    href: format!("/feedback/new?unit={}", c.code),
                    name: lang.t("fbp_pick_whole").replace("{name}", &c.name),
                    meta: format!("{} · {}", kind_label(lang, &c), c.code),
                });
                let query = UnitsQuery {
                    parent: Some(c.code.clone()),
                    limit: Some("200".into()),
                    ..Default::default()
                };
                let (_, units) = run_list_query(state, &query).await?;
                results.extend(
                    units
                        .items
                        .iter()
                        .filter(|i| i.unit.valid_to.is_none())
                        .filter_map(|i| pick_item(lang, &i.unit)),
                );
                commune_name = Some(c.name);
            }
            Ok(u) => return Ok(see_other(&format!("/feedback/new?unit={}", u.code))),
            Err(Failure::Invalid(_)) => error = Some(lang.t("fbp_err_unit_unknown").to_owned()),
            Err(e) => return Err(PageError(e)),
        }
    } else if let Some(text) = non_blank(&q.q) {
        searched = true;
        let query = UnitsQuery {
            q: Some(text.to_owned()),
            limit: Some("30".into()),
            ..Default::default()
        };
        match run_list_query(state, &query).await {
            Ok((_, units)) => results.extend(
                units
                    .items
                    .iter()
                    .filter(|i| i.unit.valid_to.is_none())
                    .filter_map(|i| pick_item(lang, &i.unit)),
            ),
            Err(Failure::Invalid(e)) => error = Some(lang.field_error(&e)),
            Err(e) => return Err(PageError(e)),
        }
    }
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(page(
        status,
        render(&PickPage {
            chrome,
            error,
            unit_value: q.unit.clone().unwrap_or_default(),
            q: q.q.clone().unwrap_or_default(),
            commune_name,
            mine,
            results,
            searched,
        })?,
    ))
}

/// One category offered in the form.
pub struct CategoryChoice {
    pub code: String,
    pub name: String,
    /// Whether it may be sent without signing in or a contact.
    pub anonymous: bool,
    pub checked: bool,
}

/// What the visitor typed, to show the form again.
#[derive(Default, Clone)]
struct FormValues {
    category: String,
    description: String,
    address: String,
    lat: String,
    lng: String,
    contact_name: String,
    contact_phone: String,
    contact_email: String,
    on_behalf: bool,
}

impl FormValues {
    fn from_upload(up: &FeedbackUpload) -> Self {
        Self {
            category: up.text("category"),
            description: up.text("description"),
            address: up.text("address"),
            lat: up.text("lat"),
            lng: up.text("lng"),
            contact_name: up.text("contact_name"),
            contact_phone: up.text("contact_phone"),
            contact_email: up.text("contact_email"),
            on_behalf: up.flag("on_behalf"),
        }
    }
}

#[derive(Template)]
#[template(path = "feedback_new.html")]
struct NewPage {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    unit_kind: &'static str,
    categories: Vec<CategoryChoice>,
    f: FormValues,
    error: Option<String>,
    /// The field the error is about.
    error_field: &'static str,
    /// The signed-in user's name.
    signed_in_as: Option<String>,
    /// The user may file for a resident who came in person.
    may_file_for: bool,
    max_photos: usize,
    /// The form is shown again: photos must be chosen again.
    again: bool,
}

impl NewPage {
    /// The error message when it is about `field`.
    fn err(&self, field: &str) -> Option<&str> {
        self.error.as_deref().filter(|_| self.error_field == field)
    }
}

async fn form_page(
    state: &AppState,
    chrome: Chrome,
    who: Option<&Authenticated>,
    unit: &Unit,
    f: FormValues,
    error: Option<&FieldError>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let categories = state
        .store
        .categories_for(&svc::commune_code(unit))
        .await
        .map_err(|e| PageError(e.into()))?
        .into_iter()
        .map(|c| CategoryChoice {
            checked: c.code == f.category.trim(),
            name: if lang == Lang::En {
                c.name_en
            } else {
                c.name_vi
            },
            code: c.code,
            anonymous: c.allow_anonymous,
        })
        .collect();
    let may_file_for =
        who.is_some_and(|w| authorize(&w.actor, Action::FeedbackHandle, Some(&unit.path)).is_ok());
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let html = render(&NewPage {
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        unit_kind: kind_label(lang, unit),
        categories,
        error: error.map(|e| field_message(lang, e)),
        error_field: error.map(|e| e.field).unwrap_or(""),
        signed_in_as: who.map(|w| w.user.display_name.clone()),
        may_file_for,
        max_photos: MAX_PHOTOS,
        again: error.is_some(),
        f,
        chrome,
    })?;
    Ok(page(status, html))
}

async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    if let Some(code) = non_blank(&q.unit) {
        return match svc::feedback_unit(&state, code).await {
            Ok(unit) => {
                form_page(
                    &state,
                    chrome,
                    who.as_ref(),
                    &unit,
                    FormValues::default(),
                    None,
                )
                .await
            }
            Err(Failure::Invalid(_)) => {
                let msg = chrome.t("fbp_err_unit_unknown").to_owned();
                pick_page(&state, chrome, who.as_ref(), &q, Some(msg)).await
            }
            Err(e) => Err(PageError(e)),
        };
    }
    pick_page(&state, chrome, who.as_ref(), &q, None).await
}

/// The feedback form (`multipart/form-data`) after the CSRF check.
struct CsrfFeedback(FeedbackUpload);

impl FromRequest<AppState> for CsrfFeedback {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Failure> {
        let (mut parts, body) = req.into_parts();
        let expected = expected_token(&mut parts, state).await?;
        let path = parts.uri.path().to_owned();
        let mp = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| Failure::InvalidBody(e.body_text()))?;
        let up = upload::read(mp).await?;
        let given = up.text("csrf");
        match expected {
            Some(t) if !given.is_empty() && secret::same(&t, &given) => Ok(Self(up)),
            _ => {
                tracing::warn!(%path, "CSRF token missing or wrong");
                Err(Failure::CsrfRejected)
            }
        }
    }
}

async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    CsrfFeedback(up): CsrfFeedback,
) -> Result<Response, PageError> {
    let input = up.input();
    let unit = match svc::feedback_unit(&state, &input.unit_code).await {
        Ok(u) => u,
        Err(Failure::Invalid(_)) => {
            let msg = chrome.t("fbp_err_unit_unknown").to_owned();
            return pick_page(
                &state,
                chrome,
                who.as_ref(),
                &NewQuery::default(),
                Some(msg),
            )
            .await;
        }
        Err(e) => return Err(PageError(e)),
    };
    let values = FormValues::from_upload(&up);
    let result = if up.too_large {
        Err(FeedbackUpload::too_large_error())
    } else {
        let sender = match (&who, values.on_behalf) {
            (Some(w), true) => Sender::OnBehalf(w),
            (Some(w), false) => Sender::SignedIn(w),
            (None, true) => return Err(PageError(Failure::Unauthorized)),
            (None, false) => Sender::Anonymous,
        };
        svc::submit(&state, sender, &input, &up.photos, &rc).await
    };
    match result {
        Ok(item) => Ok(see_other(&format!(
            "/feedback/{}?sent=1",
            item.tracking_code
        ))),
        Err(Failure::Invalid(e)) => {
            form_page(&state, chrome, who.as_ref(), &unit, values, Some(&e)).await
        }
        Err(f) => Err(PageError(f)),
    }
}

// ---------------------------------------------------------------------------------------
// Following an item.

pub struct StepView {
    pub at: String,
    pub status: Option<&'static str>,
    pub note: Option<String>,
}

/// What only the signed-in sender and the staff who handle the item see.
pub struct PrivateView {
    pub description: String,
    pub photos: Vec<String>,
}

#[derive(Template)]
#[template(path = "feedback_track.html")]
struct TrackPage {
    chrome: Chrome,
    code: String,
    category_name: String,
    status: String,
    status_label: &'static str,
    unit_code: String,
    unit_name: String,
    created_at: String,
    acknowledged_at: Option<String>,
    resolved_at: Option<String>,
    /// Deadlines still running: (label key, local time, passed).
    deadlines: Vec<(&'static str, String, bool)>,
    public_answer: Option<String>,
    referred_to: Option<String>,
    duplicate_of: Option<String>,
    rating: Option<i64>,
    history: Vec<StepView>,
    /// Just sent: show the code prominently.
    sent: bool,
    /// A message after a reopening or a rating.
    done: Option<&'static str>,
    private: Option<PrivateView>,
    /// `signed_in`, `sign_in`, `contact` or `impossible` (see `feedback::sender`).
    proof: &'static str,
    can_reopen: bool,
    reopen_closed: bool,
    can_rate: bool,
    reopen_error: Option<String>,
    rating_error: Option<String>,
    reason: String,
    reopen_days: i64,
    /// The rating choices: (value, label key, checked).
    stars: Vec<(i64, String, bool)>,
}

#[derive(Default)]
struct TrackForms {
    reopen_error: Option<String>,
    rating_error: Option<String>,
    reason: String,
}

#[derive(Deserialize, Default)]
struct TrackQuery {
    sent: Option<String>,
    done: Option<String>,
}

async fn track_page(
    state: &AppState,
    chrome: Chrome,
    who: Option<&Authenticated>,
    item: &FeedbackRecord,
    q: &TrackQuery,
    forms: TrackForms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let pv = svc::public_view(state, lang, item, true).await?;
    let st = item.status();
    let now = tuquan_store::now();
    let mut deadlines = Vec::new();
    if st == Status::New {
        deadlines.push((
            "fbp_ack_due",
            local_time(&item.ack_due_at),
            item.ack_due_at < now,
        ));
    }
    if st.is_open() {
        deadlines.push((
            "fbp_resolve_due",
            local_time(&item.resolve_due_at),
            item.resolve_due_at < now,
        ));
    }
    let private = if sender::may_see_private(item, who) {
        let ids = state.store.feedback_photo_ids(item.id).await?;
        Some(PrivateView {
            description: item.description.clone(),
            photos: ids
                .into_iter()
                .map(|id| format!("/feedback/{}/photos/{id}", item.tracking_code))
                .collect(),
        })
    } else {
        None
    };
    let proof = match sender::sender_proof(item, who) {
        SenderProof::SignedIn => "signed_in",
        SenderProof::SignInNeeded => "sign_in",
        SenderProof::Contact => "contact",
        SenderProof::Impossible => "impossible",
    };
    let done = match q.done.as_deref() {
        Some("reopened") => Some("fbp_done_reopened"),
        Some("rated") => Some("fbp_done_rated"),
        _ => None,
    };
    let html = render(&TrackPage {
        code: pv.tracking_code,
        category_name: pv.category_name,
        status_label: status_label(lang, &pv.status),
        status: pv.status,
        unit_code: pv.unit_code,
        unit_name: pv.unit_name,
        created_at: local_time(&pv.created_at),
        acknowledged_at: item.acknowledged_at.as_deref().map(local_time),
        resolved_at: item.resolved_at.as_deref().map(local_time),
        deadlines,
        public_answer: pv.public_answer,
        referred_to: pv.referred_to,
        duplicate_of: pv.duplicate_of,
        rating: pv.rating,
        history: pv
            .history
            .into_iter()
            .map(|s| StepView {
                at: local_time(&s.at),
                status: s.status.as_deref().map(|x| status_label(lang, x)),
                note: s.note,
            })
            .collect(),
        sent: q.sent.is_some(),
        done,
        private,
        proof,
        can_reopen: st == Status::Resolved && svc::within_reopen_window(item),
        reopen_closed: st == Status::Resolved && !svc::within_reopen_window(item),
        can_rate: !st.is_open(),
        reopen_error: forms.reopen_error,
        rating_error: forms.rating_error,
        reason: forms.reason,
        reopen_days: REOPEN_DAYS,
        stars: (1..=5)
            .map(|n| (n, format!("fbp_rate_{n}"), item.rating == Some(n)))
            .collect(),
        chrome,
    })?;
    Ok(page(status, html))
}

async fn track(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Result<Response, PageError> {
    let item = by_code(&state, &code).await?;
    track_page(
        &state,
        chrome,
        who.as_ref(),
        &item,
        &q,
        TrackForms::default(),
        StatusCode::OK,
    )
    .await
}

/// Why this visitor may not act as the sender, or `None` when they may.
fn not_sender(
    lang: Lang,
    item: &FeedbackRecord,
    who: Option<&Authenticated>,
    contact: &str,
) -> Option<String> {
    if sender::acts_as_sender(item, who, contact) {
        return None;
    }
    let key = match sender::sender_proof(item, who) {
        SenderProof::SignInNeeded => "fbp_err_sign_in_as_sender",
        SenderProof::Impossible => "fbp_err_anonymous_sender",
        _ if contact.trim().is_empty() => "fbp_err_contact_needed",
        _ => "fbp_err_contact_mismatch",
    };
    Some(lang.t(key).to_owned())
}

#[derive(Deserialize)]
struct ReopenForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    contact: String,
}

async fn reopen(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<ReopenForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let item = by_code(&state, &code).await?;
    let (error, status) = match not_sender(lang, &item, who.as_ref(), &form.contact) {
        Some(e) => (e, StatusCode::FORBIDDEN),
        None => match svc::reopen(&state, &rc, &item, &form.reason).await {
            Ok(()) => {
                return Ok(see_other(&format!(
                    "/feedback/{}?done=reopened",
                    item.tracking_code
                )))
            }
            Err(Failure::Invalid(e)) => (field_message(lang, &e), StatusCode::BAD_REQUEST),
            Err(f) => return Err(PageError(f)),
        },
    };
    let forms = TrackForms {
        reopen_error: Some(error),
        reason: form.reason,
        ..Default::default()
    };
    track_page(
        &state,
        chrome,
        who.as_ref(),
        &item,
        &TrackQuery::default(),
        forms,
        status,
    )
    .await
}

#[derive(Deserialize)]
struct RatingForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    contact: String,
}

async fn rate(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<RatingForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let item = by_code(&state, &code).await?;
    let (error, status) = match not_sender(lang, &item, who.as_ref(), &form.contact) {
        Some(e) => (e, StatusCode::FORBIDDEN),
        None => match svc::rate(&state, &rc, &item, &form.rating).await {
            Ok(()) => {
                return Ok(see_other(&format!(
                    "/feedback/{}?done=rated",
                    item.tracking_code
                )))
            }
            Err(Failure::Invalid(e)) => (field_message(lang, &e), StatusCode::BAD_REQUEST),
            Err(f) => return Err(PageError(f)),
        },
    };
    let forms = TrackForms {
        rating_error: Some(error),
        ..Default::default()
    };
    track_page(
        &state,
        chrome,
        who.as_ref(),
        &item,
        &TrackQuery::default(),
        forms,
        status,
    )
    .await
}

/// A photo, for the signed-in sender and the staff who handle the item (never public).
async fn photo(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path((code, photo_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let item = by_code(&state, &code).await?;
    let photo_id: i64 = photo_id.parse().map_err(|_| Failure::NotFound)?;
    let (ct, bytes) = sender::photo(&state, who.as_ref(), &rc, &item, photo_id).await?;
    Ok(photo_response(ct, bytes))
}

// ---------------------------------------------------------------------------------------
// A unit's public list.

#[derive(Deserialize, Default)]
struct UnitListQuery {
    status: Option<String>,
    category: Option<String>,
    cursor: Option<String>,
}

pub struct ListRow {
    pub href: String,
    pub category_name: String,
    pub status: String,
    pub status_label: &'static str,
    pub unit_name: String,
    pub date: String,
    pub answer: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "feedback_unit_list.html")]
struct UnitListPage {
    chrome: Chrome,
    unit_code: String,
    unit_name: String,
    /// Feedback can be sent about this unit (a commune or a residential unit).
    can_send: bool,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    rows: Vec<ListRow>,
    next_href: Option<String>,
    first_href: Option<String>,
    filtered: bool,
}

async fn unit_list(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(code): Path<String>,
    Query(q): Query<UnitListQuery>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let unit = load_unit_for(&state, &code).await?;
    let lq = ListQuery {
        status: q.status.clone(),
        category: q.category.clone(),
        limit: Some(PAGE_SIZE.into()),
        cursor: q.cursor.clone(),
    };
    let (items, next) = public_page(&state, lang, &unit.code, &lq).await?;
    let status_now = non_blank(&q.status).unwrap_or("");
    let category_now = non_blank(&q.category).unwrap_or("");
    let statuses = Status::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: status_label(lang, s.as_str()).to_owned(),
            selected: s.as_str() == status_now,
        })
        .collect();
    let categories = state
        .store
        .categories_for(&svc::commune_code(&unit))
        .await
        .map_err(|e| PageError(e.into()))?
        .into_iter()
        .map(|c| Choice {
            selected: c.code == category_now,
            label: if lang == Lang::En {
                c.name_en
            } else {
                c.name_vi
            },
            value: c.code,
        })
        .collect();
    let base = format!("/units/{}/feedback", unit.code);
    let filters = |cursor: Option<String>| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !status_now.is_empty() {
            pairs.push(("status", status_now.to_owned()));
        }
        if !category_now.is_empty() {
            pairs.push(("category", category_now.to_owned()));
        }
        if let Some(c) = cursor {
            pairs.push(("cursor", c));
        }
        let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if qs.is_empty() {
            base.clone()
        } else {
            format!("{base}?{qs}")
        }
    };
    let next_href = next.map(|n| filters(Some(n.to_string())));
    let first_href = non_blank(&q.cursor).map(|_| filters(None));
    let rows = items
        .into_iter()
        .map(|i| ListRow {
            href: format!("/feedback/{}", i.tracking_code),
            category_name: i.category_name,
            status_label: status_label(lang, &i.status),
            status: i.status,
            unit_name: i.unit_name,
            date: local_date(&i.created_at),
            answer: i.public_answer,
        })
        .collect();
    let html = render(&UnitListPage {
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        can_send: unit.kind.tier() != Tier::Province && unit.valid_to.is_none(),
        statuses,
        categories,
        rows,
        next_href,
        first_href,
        filtered: !status_now.is_empty() || !category_now.is_empty(),
        chrome,
    })?;
    Ok(html.into_response())
}
