//! Sending feedback from the pages: choosing the place, then the form (with photos, without
//! JavaScript).

use askama::Template;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use tuquan_app::feedback as app;
use tuquan_app::{AppError, Ctx};
use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::photo::MAX_PHOTOS;
use tuquan_domain::territory::Unit;

use super::pick::{kind_label, pick_page, NewQuery};
use super::{field_message, form_refusal, non_blank, page, see_other};
use crate::auth::csrf::expected_token;
use crate::auth::{secret, MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::feedback::upload::{self, FeedbackUpload};
use crate::i18n::Lang;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

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
    /// How many photos the refused form carried: a browser cannot refill a file control
    /// and the server keeps nothing of a refused form, so the page asks for them again.
    photos_dropped: usize,
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
            photos_dropped: up.photos.iter().filter(|p| !p.is_empty()).count(),
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
    errors: FormErrors,
    /// The signed-in user's name.
    signed_in_as: Option<String>,
    /// The user may file for a resident who came in person.
    may_file_for: bool,
    max_photos: usize,
    /// The proof of humanity asked of this visitor, if any (`_humanity.html`).
    humanity: Option<HumanityView>,
}

/// A question of the proof of humanity, in words, and its signed token.
pub struct HumanityView {
    pub question: String,
    pub token: String,
}

fn humanity_view(ctx: &Ctx, lang: Lang) -> HumanityView {
    let c = app::humanity::challenge(ctx);
    let word = |n: u8| lang.t(&format!("humanity.n{n}")).to_owned();
    let question = lang
        .t("humanity.question")
        .replace("{a}", &word(c.a))
        .replace("{b}", &word(c.b));
    // The question starts with a number word: capitalise it.
    let mut chars = question.chars();
    let question = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    HumanityView {
        question,
        token: c.token,
    }
}

impl NewPage {
    /// The error message beside the control of `field` (`_humanity.html` asks by field).
    fn err(&self, field: &str) -> Option<&str> {
        match field {
            "humanity" => self.errors.get("humanity_answer"),
            _ => self.errors.get(field),
        }
    }
}

/// The errors of a refused submission, beside the controls of this form: 400 for bad
/// fields (every one), 422 for a rule; `None` for failures that get the error page.
fn form_errors(lang: Lang, e: &AppError) -> Option<(StatusCode, FormErrors)> {
    let fields: &[tuquan_domain::FieldError] = match e {
        AppError::Invalid(fe) => std::slice::from_ref(fe),
        AppError::InvalidFields(es) => es,
        AppError::Rule { .. } => {
            let (status, field, message) = form_refusal(lang, e)?;
            let id = match field {
                "humanity" => "humanity_answer",
                "" => return Some((status, FormErrors::general(message))),
                f => f,
            };
            return Some((status, FormErrors::field(id, message)));
        }
        _ => return None,
    };
    let mut errors = FormErrors::none();
    for fe in fields {
        let id = match fe.field {
            "humanity" => "humanity_answer",
            f => f,
        };
        errors = errors.with(id, field_message(lang, fe));
    }
    Some((StatusCode::BAD_REQUEST, errors))
}

async fn form_page(
    ctx: &Ctx,
    chrome: Chrome,
    unit: &Unit,
    f: FormValues,
    refused: Option<(StatusCode, FormErrors)>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let who = ctx.actor.as_ref();
    let categories = app::categories(ctx, &app::commune_code(unit))
        .await?
        .into_iter()
        .map(|c| CategoryChoice {
            checked: c.code == f.category.trim(),
            name: app::category_name(lang, &c),
            code: c.code,
            anonymous: c.allow_anonymous,
        })
        .collect();
    let may_file_for =
        who.is_some_and(|w| authorize(&w.actor, Action::FeedbackHandle, Some(&unit.path)).is_ok());
    let (status, errors) = refused.unwrap_or((StatusCode::OK, FormErrors::none()));
    let on_behalf = f.on_behalf;
    let humanity = app::humanity::needed(ctx, on_behalf).then(|| humanity_view(ctx, lang));
    let html = render(&NewPage {
        humanity,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        unit_kind: kind_label(lang, unit),
        categories,
        errors,
        signed_in_as: who.map(|w| w.user.display_name.clone()),
        may_file_for,
        max_photos: MAX_PHOTOS,
        f,
        chrome,
    })?;
    Ok(page(status, html))
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(who, &rc);
    if let Some(code) = non_blank(&q.unit) {
        return match app::feedback_unit(&ctx, code).await {
            Ok(unit) => form_page(&ctx, chrome, &unit, FormValues::default(), None).await,
            Err(AppError::Invalid(_)) => {
                let msg = chrome.t("fbp_err_unit_unknown").to_owned();
                pick_page(&state, &ctx, chrome, &q, Some(msg)).await
            }
            Err(e) => Err(e.into()),
        };
    }
    pick_page(&state, &ctx, chrome, &q, None).await
}

/// The feedback form (`multipart/form-data`) after the CSRF check.
pub(super) struct CsrfFeedback(FeedbackUpload);

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

pub(super) async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    CsrfFeedback(up): CsrfFeedback,
) -> Result<Response, PageError> {
    let input = up.input();
    let values = FormValues::from_upload(&up);
    if values.on_behalf && who.is_none() {
        return Err(PageError(Failure::Unauthorized));
    }
    let ctx = state.ctx(who, &rc);
    let unit = match app::feedback_unit(&ctx, &input.unit_code).await {
        Ok(u) => u,
        Err(AppError::Invalid(_)) => {
            let msg = chrome.t("fbp_err_unit_unknown").to_owned();
            return pick_page(&state, &ctx, chrome, &NewQuery::default(), Some(msg)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let photos: Vec<Vec<u8>> = up
        .photos
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect();
    let result = if up.too_large {
        Err(FeedbackUpload::too_large_error())
    } else {
        let proof = app::humanity::Proof {
            token: up.text("humanity_token"),
            answer: up.text("humanity_answer"),
        };
        app::submit_with_proof(&ctx, values.on_behalf, &input, &photos, Some(&proof)).await
    };
    match result {
        Ok(item) => {
            let mut res = see_other(&format!("/feedback/{}?sent=1", item.tracking_code));
            let cookie = sender_cookie(
                &state,
                &item.tracking_code,
                &app::sender::token(&ctx, &item.tracking_code),
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e) => match form_errors(chrome.lang, &e) {
            // Nothing of a refused form is kept on the server: the page says beside the
            // photo control that the photos must be chosen again.
            Some(refused) => form_page(&ctx, chrome, &unit, values, Some(refused)).await,
            None => Err(e.into()),
        },
    }
}

/// The name of the cookie that proves to an item's page that this browser sent it.
pub(super) const SENDER_COOKIE: &str = "tq_sender";

/// The sender's proof for the item `code` (`app::sender::token`), sent back only to the
/// item's own pages (its path), HttpOnly, for a year.
fn sender_cookie(state: &AppState, code: &str, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SENDER_COOKIE}={token}; Path=/feedback/{code}; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        365 * 24 * 3600
    )
}
