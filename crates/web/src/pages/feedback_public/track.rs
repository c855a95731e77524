//! Following an item by its tracking code, with the sender's reopen and rating forms, and
//! its photos for those who may see them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use tuquan_app::feedback::workflow::SenderRequest;
use tuquan_app::feedback::{self as app, FeedbackRecord, REOPEN_DAYS};
use tuquan_app::{AppError, Ctx};
use tuquan_domain::feedback::{NotSender, Status};

use super::{field_message, form_refusal, page, see_other, status_label};
use crate::api::feedback::photo_response;
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::i18n::{local_time, Lang};
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

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
    public_summary: Option<String>,
    referred_to: Option<String>,
    duplicate_of: Option<String>,
    rating: Option<i64>,
    history: Vec<StepView>,
    /// Just sent: show the code prominently.
    sent: bool,
    /// A message after a reopening or a rating.
    done: Option<&'static str>,
    private: Option<PrivateView>,
    /// `signed_in`, `sign_in`, `token`, `contact` or `impossible` (see `feedback::sender`).
    proof: &'static str,
    can_reopen: bool,
    reopen_closed: bool,
    can_rate: bool,
    /// The errors of the reopening or rating form sent, beside their fields (`pages::form`).
    errors: FormErrors,
    reason: String,
    reopen_days: i64,
    /// The rating choices: (value, label key, checked).
    stars: Vec<(i64, String, bool)>,
}

#[derive(Default)]
struct TrackForms {
    errors: FormErrors,
    reason: String,
    /// The rating chosen, kept after a refusal.
    rating: Option<i64>,
}

#[derive(Deserialize, Default)]
pub(super) struct TrackQuery {
    sent: Option<String>,
    done: Option<String>,
}

async fn track_page(
    ctx: &Ctx,
    chrome: Chrome,
    item: &FeedbackRecord,
    q: &TrackQuery,
    forms: TrackForms,
    status: StatusCode,
    sender_proof: Option<&str>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let pv = app::public::view(ctx, lang, item).await?;
    let st = item.status();
    let now = app::stamp(ctx.now);
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
    let private = if app::sender::may_see_private_as(ctx, item, sender_proof) {
        let ids = app::sender::photo_ids_as(ctx, item, sender_proof).await?;
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
    let proof = app::sender::proof_as(ctx, item, sender_proof).as_str();
    let in_window = app::within_reopen_window(item, ctx.now);
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
        public_summary: pv.public_summary,
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
        can_reopen: st == Status::Resolved && in_window,
        reopen_closed: st == Status::Resolved && !in_window,
        can_rate: !st.is_open(),
        errors: forms.errors,
        reason: forms.reason,
        reopen_days: REOPEN_DAYS,
        stars: (1..=5)
            .map(|n| {
                (
                    n,
                    format!("fbp_rate_{n}"),
                    forms.rating.or(item.rating) == Some(n),
                )
            })
            .collect(),
        chrome,
    })?;
    Ok(page(status, html))
}

pub(super) async fn track(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(who, &rc);
    let item = app::by_code(&ctx, &code).await?;
    let forms = TrackForms::default();
    let proof = sender_proof(&headers);
    track_page(
        &ctx,
        chrome,
        &item,
        &q,
        forms,
        StatusCode::OK,
        proof.as_deref(),
    )
    .await
}

/// The proof of having sent the item this page is about, kept by the browser since
/// sending it (`send::sender_cookie`: the cookie is scoped to the item's address).
fn sender_proof(headers: &HeaderMap) -> Option<String> {
    crate::auth::cookie_in(headers, super::send::SENDER_COOKIE)
}

/// Why this visitor may not act as the sender, in the page's words.
fn not_sender(lang: Lang, e: NotSender) -> String {
    let key = match e {
        NotSender::SignIn { .. } => "fbp_err_sign_in_as_sender",
        NotSender::Anonymous => "fbp_err_anonymous_sender",
        NotSender::ContactNeeded => "fbp_err_contact_needed",
        NotSender::ContactMismatch => "fbp_err_contact_mismatch",
    };
    lang.t(key).to_owned()
}

/// The reopen and rating forms: a reason or a rating, and the contact left when sending.
#[derive(Deserialize)]
pub(super) struct SenderForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    contact: String,
}

/// `POST /feedback/{code}/reopen` (`RATE = false`) and `/rating` (`RATE = true`).
pub(super) async fn sender_form<const RATE: bool>(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    headers: HeaderMap,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<SenderForm>,
) -> Result<Response, PageError> {
    let request = if RATE {
        SenderRequest::Rate {
            rating: form.rating,
        }
    } else {
        SenderRequest::Reopen {
            reason: form.reason,
        }
    };
    let ctx = state.ctx(who, &rc);
    let proof = sender_proof(&headers);
    as_sender(
        &ctx,
        chrome,
        &code,
        &form.contact,
        request,
        proof.as_deref(),
    )
    .await
}

/// Reopening and rating: done, back to the item with a message; refused, the item again
/// with the reason next to the form (403 for one who is not the sender, 400 for bad input).
async fn as_sender(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    contact_given: &str,
    request: SenderRequest,
    proof: Option<&str>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let item = app::by_code(ctx, code).await?;
    // The controls of the form sent: its own field and its contact box.
    let (field, contact) = match request {
        SenderRequest::Reopen { .. } => ("reason", "reopen-contact"),
        SenderRequest::Rate { .. } => ("rating", "rating-contact"),
    };
    let (errors, status) =
        match app::workflow::as_sender(ctx, &item, contact_given, proof, &request).await {
            Ok(Ok(_)) => {
                let done = match request {
                    SenderRequest::Reopen { .. } => "reopened",
                    SenderRequest::Rate { .. } => "rated",
                };
                let to = format!("/feedback/{}?done={done}", item.tracking_code);
                return Ok(see_other(&to));
            }
            Ok(Err(e)) => {
                let message = not_sender(lang, e);
                let errors = match e {
                    NotSender::ContactNeeded | NotSender::ContactMismatch => {
                        FormErrors::field(contact, message)
                    }
                    _ => FormErrors::general(message),
                };
                (errors, StatusCode::FORBIDDEN)
            }
            // Every wrong field at once: the reason or rating and the contact.
            Err(AppError::InvalidFields(es)) => {
                let mut errors = FormErrors::none();
                for fe in &es {
                    let id = if fe.field == "contact" {
                        contact
                    } else {
                        field
                    };
                    errors = errors.with(id, field_message(lang, fe));
                }
                (errors, StatusCode::BAD_REQUEST)
            }
            Err(e) => match form_refusal(lang, &e) {
                Some((status, refused, message)) => {
                    let errors = match refused {
                        "reason" | "rating" => FormErrors::field(field, message),
                        "contact" => FormErrors::field(contact, message),
                        _ => FormErrors::general(message),
                    };
                    (errors, status)
                }
                None => return Err(e.into()),
            },
        };
    let forms = match request {
        SenderRequest::Reopen { reason } => TrackForms {
            errors,
            reason,
            rating: None,
        },
        SenderRequest::Rate { rating } => TrackForms {
            errors,
            reason: String::new(),
            rating: rating.trim().parse().ok(),
        },
    };
    track_page(
        ctx,
        chrome,
        &item,
        &TrackQuery::default(),
        forms,
        status,
        proof,
    )
    .await
}

/// A photo, for the sender (signed in, or holding the proof) and the staff who handle the item (never public).
pub(super) async fn photo(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    headers: HeaderMap,
    Path((code, photo_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(who, &rc);
    let proof = sender_proof(&headers);
    let (ct, bytes) = app::sender::photo_as(&ctx, &code, &photo_id, proof.as_deref()).await?;
    Ok(photo_response(ct, bytes))
}
