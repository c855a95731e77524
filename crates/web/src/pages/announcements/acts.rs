//! The acts on one announcement from the pages, each the GOV.UK way (`pages::form`): passing
//! it on at a unit (with a note), recording a household's acknowledgement on its behalf
//! (household and channel), and withdrawing it — asked on a page of its own first, with the
//! reason, then done. A refusal renders the form's page again with every error beside its
//! field, the values as typed and the summary at the top; a rule about the announcement
//! itself (withdrawn, already passed on) is said in the summary.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tuquan_app::announcements as ann;
use tuquan_app::AppError;
use tuquan_domain::access::Action;
use tuquan_domain::announcements::AnnouncementId;
use tuquan_domain::announcements::{AckChannel, Status};
use tuquan_domain::{Checks, FieldError, FieldErrorKind, HouseholdId};

use super::{channel_choices, publish, row, show_view, who, Row};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::common::see_other;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

/// The errors of a refused act, the status to answer and the messages pointed at the
/// form's controls: `renames` maps an API field to a control id, and a message about any
/// other field (the unit, the announcement's state) becomes one about the whole form.
fn refusal(
    e: impl Into<Failure>,
    chrome: &Chrome,
    renames: &[(&str, &str)],
) -> Result<(axum::http::StatusCode, FormErrors), PageError> {
    let f = e.into();
    let Some((status, mut errors)) = FormErrors::from_failure(&f, chrome.lang) else {
        return Err(PageError(f));
    };
    for e in &mut errors.items {
        e.id = e.id.take().and_then(|id| {
            renames
                .iter()
                .find(|(from, to)| *from == id || *to == id)
                .map(|(_, to)| (*to).to_owned())
        });
    }
    Ok((status, errors))
}

#[derive(Deserialize)]
pub(super) struct PassOnForm {
    #[serde(default)]
    note: String,
}

/// Passes the announcement on at the unit `code`; refused, the unit's page again with the
/// note as typed.
pub(super) async fn pass_on(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, code)): Path<(AnnouncementId, String)>,
    CsrfForm(f): CsrfForm<PassOnForm>,
) -> Result<Response, PageError> {
    let ctx = who(&state, u, &rc)?;
    let note = Some(f.note.as_str()).filter(|n| !n.trim().is_empty());
    let Err(e) = ann::pass_on(&ctx, id, &code, note).await else {
        return Ok(see_other(&format!("/territory/{code}/announcements"), None));
    };
    let note_id = format!("note-{id}-{code}");
    let (status, errors) = refusal(e, &chrome, &[("note", note_id.as_str())])?;
    let mut page =
        publish::unit_view(&state, &ctx, chrome, &code, publish::fresh(), errors).await?;
    for w in page
        .waiting
        .iter_mut()
        .filter(|w| w.id == id && w.unit_code == code)
    {
        w.note = f.note.clone();
    }
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
pub(super) struct BehalfForm {
    #[serde(default)]
    household_id: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    back: String,
}

/// The household number as typed: every bad field of the form at once with the channel.
fn behalf_input(f: &BehalfForm) -> Result<HouseholdId, Vec<FieldError>> {
    let mut c = Checks::default();
    let raw = f.household_id.trim();
    let household = c.check(if raw.is_empty() {
        Err(FieldError::new(
            "household_id",
            FieldErrorKind::Required,
            "empty",
        ))
    } else {
        raw.parse::<HouseholdId>()
            .map_err(|_| FieldError::new("household_id", FieldErrorKind::InvalidFormat, "a number"))
    });
    c.check(AckChannel::parse(f.channel.trim()).ok_or_else(|| {
        FieldError::new("channel", FieldErrorKind::UnknownValue, "unknown channel")
    }));
    match household {
        Some(h) => {
            let errors = c.into_errors();
            if errors.is_empty() {
                Ok(h)
            } else {
                Err(errors)
            }
        }
        None => Err(c.into_errors()),
    }
}

/// A head records that a household was told, and how; refused, the announcement's page
/// again with the household and channel as chosen.
pub(super) async fn on_behalf(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    CsrfForm(f): CsrfForm<BehalfForm>,
) -> Result<Response, PageError> {
    let ctx = who(&state, u, &rc)?;
    let result = match behalf_input(&f) {
        Ok(household) => ann::acknowledge_on_behalf(&ctx, id, household, &f.channel)
            .await
            .map(|_| ())
            .map_err(|e| match e {
                // The announcement exists (it was loaded first): the household does not.
                AppError::NotFound => AppError::Invalid(FieldError::new(
                    "household_id",
                    FieldErrorKind::UnknownValue,
                    "no such household",
                )),
                e => e,
            }),
        Err(errors) => Err(AppError::from(errors)),
    };
    let Err(e) = result else {
        let back = crate::pages::common::safe_next(Some(&f.back));
        let back = if back == "/" {
            format!("/announcements/{id}?done=1")
        } else {
            back
        };
        return Ok(see_other(&back, None));
    };
    let (status, errors) = refusal(
        e,
        &chrome,
        &[("household", "household_id"), ("channel", "channel")],
    )?;
    let lang = chrome.lang;
    let mut page = show_view(&ctx, chrome, id, errors, None).await?;
    page.behalf_household = f.household_id.trim().to_owned();
    page.channels = channel_choices(lang, f.channel.trim());
    Ok((status, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "announcements_withdraw.html")]
struct WithdrawPage {
    chrome: Chrome,
    a: Row,
    reason: String,
    errors: FormErrors,
}

/// The announcement for its withdrawal page: readable, still published, and the reader may
/// withdraw it (else the refusal, or its own page when already withdrawn).
async fn withdrawable(
    ctx: &tuquan_app::Ctx,
    id: AnnouncementId,
) -> Result<Result<ann::AnnouncementRecord, Response>, PageError> {
    let a = ann::get(ctx, id).await?.announcement;
    if a.status != Status::Published {
        return Ok(Err(see_other(&format!("/announcements/{id}"), None)));
    }
    ctx.authorize(Action::AnnouncementPublish, Some(&a.unit_path))
        .map_err(|e| PageError(e.into()))?;
    Ok(Ok(a))
}

/// `GET /announcements/{id}/withdraw`: what withdrawing does, the reason asked, and the
/// button that does it.
pub(super) async fn confirm_withdraw(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
) -> Result<Response, PageError> {
    let ctx = who(&state, u, &rc)?;
    let a = match withdrawable(&ctx, id).await? {
        Ok(a) => a,
        Err(done) => return Ok(done),
    };
    let page = WithdrawPage {
        a: row(chrome.lang, &a),
        reason: String::new(),
        errors: FormErrors::none(),
        chrome,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub(super) struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

/// Withdraws the announcement (it stays readable, with the reason and the time, as a
/// record); refused, the withdrawal page again with the reason as typed.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    CsrfForm(f): CsrfForm<WithdrawForm>,
) -> Result<Response, PageError> {
    let ctx = who(&state, u, &rc)?;
    let Err(e) = ann::withdraw(&ctx, id, &f.reason).await else {
        return Ok(see_other(&format!("/announcements/{id}"), None));
    };
    let (status, errors) = refusal(e, &chrome, &[("reason", "reason")])?;
    let a = ann::get(&ctx, id).await?.announcement;
    let page = WithdrawPage {
        a: row(chrome.lang, &a),
        reason: f.reason,
        errors,
        chrome,
    };
    Ok((status, render(&page)?).into_response())
}
