//! The head's entry of a household's paper comment form, in two steps that need no
//! JavaScript: pick the household (a search without accents over the representative's name
//! and the address, within the consultation's unit, then a list of links), then fill in the
//! form for it (the household carried in a hidden field, changeable with one link).

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::consultations::{self as app, ConsultationDetail, HouseholdChoice};
use tuquan_app::AppError;
use tuquan_domain::consultations::ConsultationId;
use tuquan_domain::{FieldError, FieldErrorKind, HouseholdId};

use super::comments::{read, stances, views, with_status, ArticleView};
use super::{row, signed_in, Row};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::query;
use crate::i18n::Lang;
use crate::pages::common::see_other;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

/// A household as the picker lists it, and as the form names it once picked.
pub struct HouseholdView {
    pub id: HouseholdId,
    pub name: String,
    pub address: String,
}

impl From<&HouseholdChoice> for HouseholdView {
    fn from(h: &HouseholdChoice) -> Self {
        Self {
            id: h.id,
            name: h.representative_name.clone(),
            address: h.address.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "consultations_paper.html")]
struct PaperPage {
    chrome: Chrome,
    c: Row,
    id: ConsultationId,
    /// The household picked: the form is shown for it; none: the picker is.
    household: Option<HouseholdView>,
    q: String,
    households: Vec<HouseholdView>,
    /// More households matched than the picker lists.
    more: bool,
    articles: Vec<ArticleView>,
    stances: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

/// The step shown: the picker after a search for `q`, or the form for a household.
enum Step {
    Pick(String),
    Fill(HouseholdChoice),
}

async fn page_of(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    d: &ConsultationDetail,
    step: Step,
    typed: &HashMap<String, String>,
    errors: FormErrors,
) -> Result<PaperPage, PageError> {
    let lang = chrome.lang;
    let (household, q, households, more) = match step {
        Step::Fill(h) => (Some(HouseholdView::from(&h)), String::new(), vec![], false),
        Step::Pick(q) => {
            let found = app::paper_households(ctx, d.consultation.id, Some(q.as_str())).await?;
            let list = found.items.iter().map(HouseholdView::from).collect();
            (None, q, list, found.more)
        }
    };
    Ok(PaperPage {
        c: row(lang, &d.consultation),
        id: d.consultation.id,
        household,
        q,
        households,
        more,
        articles: views(&d.articles, typed),
        stances: stances(lang),
        errors,
        chrome,
    })
}

#[derive(Deserialize)]
pub(super) struct PaperQuery {
    q: Option<String>,
    household: Option<String>,
}

/// A household id as sent by a link or the hidden field; anything else names `household_id`.
fn household_id(raw: &str) -> Result<HouseholdId, FieldError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(HouseholdId)
        .ok_or_else(|| {
            FieldError::new("household_id", FieldErrorKind::Required, "pick a household")
        })
}

/// `GET /consultations/{id}/paper[?q=…][&household=N]`.
pub(super) async fn paper_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    q: Result<Query<PaperQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query(q)?;
    let ctx = signed_in(&state, u, &rc)?;
    let d = app::get(&ctx, id).await?;
    if !d.may_record {
        return Err(Failure::Forbidden.into());
    }
    let step = match q.household.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(raw) => {
            let hid = household_id(raw).map_err(AppError::from)?;
            Step::Fill(app::paper_household(&ctx, id, hid).await?)
        }
        None => Step::Pick(q.q.unwrap_or_default()),
    };
    let none = HashMap::new();
    render(&page_of(&ctx, chrome, &d, step, &none, FormErrors::none()).await?)
}

/// A refusal shown on the paper form: its status and errors, the household's beside the
/// picker (`household_id`); a failure that is not about the form is the error page.
fn form_errors(e: AppError, lang: Lang) -> Result<(StatusCode, FormErrors), PageError> {
    let f: Failure = e.into();
    match FormErrors::from_failure(&f, lang) {
        Some((status, errors)) => Ok((status, errors.rename("household", "household_id"))),
        None => Err(PageError(f)),
    }
}

/// `POST /consultations/{id}/paper`: the form for the picked household.
pub(super) async fn paper(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    CsrfForm(typed): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let d = app::get(&ctx, id).await?;
    let lang = chrome.lang;
    let raw = typed.get("household_id").cloned().unwrap_or_default();
    // Without a household (or one that is not this unit's), back to the picker, saying why.
    let picked = match household_id(&raw) {
        Ok(hid) => app::paper_household(&ctx, id, hid).await,
        Err(e) => Err(e.into()),
    };
    let h = match picked {
        Ok(h) => h,
        Err(e) => {
            let (status, errors) = match e {
                AppError::NotFound => (
                    StatusCode::NOT_FOUND,
                    FormErrors::field("household_id", lang.t("consult.no_such_household")),
                ),
                e => form_errors(e, lang)?,
            };
            let step = Step::Pick(String::new());
            let page = render(&page_of(&ctx, chrome, &d, step, &typed, errors).await?)?;
            return Ok(with_status(status, page));
        }
    };
    let (inputs, errors) = read(lang, &d.articles, &typed);
    if !errors.is_empty() {
        let page = render(&page_of(&ctx, chrome, &d, Step::Fill(h), &typed, errors).await?)?;
        return Ok(with_status(StatusCode::BAD_REQUEST, page));
    }
    match app::comment_on_paper(&ctx, id, h.id, &inputs).await {
        Ok(_) => Ok(see_other(&format!("/consultations/{id}/paper"), None)),
        Err(e) => {
            let (status, errors) = form_errors(e, lang)?;
            let page = render(&page_of(&ctx, chrome, &d, Step::Fill(h), &typed, errors).await?)?;
            Ok(with_status(status, page))
        }
    }
}
