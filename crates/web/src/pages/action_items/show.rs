//! One action item: what it is, who owes it, its history, and the forms to record progress
//! and (with a confirmation and a reason) to cancel it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::action_items::{self as items, ProgressInput};
use tuquan_app::Ctx;
use tuquan_domain::{ActionItemId, MeetingId};

use super::{key_of, status_key, Opt};
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::pages::common::vn_date;
use crate::pages::form::FormErrors;
use crate::pages::groups::{form_outcome, with_status};
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct HistoryRow {
    pub at: String,
    pub who: String,
    pub status: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "action_items_show.html")]
struct ShowPage {
    chrome: Chrome,
    id: ActionItemId,
    code: String,
    unit_name: String,
    title: String,
    description: String,
    owner: String,
    group: String,
    resolution: String,
    meeting_id: Option<MeetingId>,
    due: String,
    status: &'static str,
    overdue: bool,
    pending: bool,
    history: Vec<HistoryRow>,
    next: Vec<Opt>,
    f: StepForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct StepForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    /// The cancel form's "I confirm" box.
    #[serde(default)]
    confirm: Option<String>,
}

async fn show_page(
    ctx: &Ctx,
    chrome: Chrome,
    id: ActionItemId,
    f: StepForm,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let (i, notes) = items::show(ctx, id).await?;
    let today = ctx.today().to_string();
    let from = i.status.as_str();
    // The steps the progress form offers (cancelling has its own form).
    let steps: &[&str] = match from {
        "open" => &["in_progress", "done"],
        "in_progress" => &["done", "open"],
        "done" => &["in_progress"],
        _ => &[],
    };
    let mut next = vec![Opt {
        value: String::new(),
        label: chrome.t("items.keep_status").into(),
        selected: f.status.is_empty(),
    }];
    next.extend(steps.iter().map(|s| Opt {
        value: (*s).into(),
        label: chrome.t(key_of(s)).into(),
        selected: f.status == *s,
    }));
    render(&ShowPage {
        id,
        code: i.unit_code.clone(),
        unit_name: i.unit_name.clone(),
        title: i.title.clone(),
        description: i.description.clone().unwrap_or_default(),
        owner: items::owner_label(&i),
        group: i.group_name.clone().unwrap_or_default(),
        resolution: i.resolution.clone().unwrap_or_default(),
        meeting_id: i.meeting_id,
        due: vn_date(&i.due_on),
        status: status_key(&i),
        overdue: i.status.is_pending() && i.due_on.as_str() < today.as_str(),
        pending: i.status.is_pending(),
        history: notes
            .into_iter()
            .map(|n| HistoryRow {
                at: n.at.get(..10).map(vn_date).unwrap_or_default(),
                who: n.author_name,
                status: key_of(&n.to_status),
                note: n.note.unwrap_or_default(),
            })
            .collect(),
        next,
        f,
        errors,
        chrome,
    })
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    show_page(&ctx, chrome, id, StepForm::default(), FormErrors::none()).await
}

pub(super) async fn progress(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let status = f.status.clone();
    step(&ctx, chrome, id, f, status, "note").await
}

/// Cancelling: only with the box ticked (the confirmation) and a reason.
pub(super) async fn cancel(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    if f.confirm.is_none() {
        let errors = FormErrors::field("confirm", chrome.t("items.confirm_required"));
        let page = show_page(&ctx, chrome, id, f, errors).await?;
        return Ok(with_status(axum::http::StatusCode::BAD_REQUEST, page));
    }
    step(&ctx, chrome, id, f, "cancelled".into(), "cancel_note").await
}

/// Records a step (a status and a note) and goes back to the item, or shows its page again
/// with the errors; `note_field` is the id of the form's note control.
async fn step(
    ctx: &Ctx,
    chrome: Chrome,
    id: ActionItemId,
    f: StepForm,
    status: String,
    note_field: &str,
) -> Result<Response, PageError> {
    let input = ProgressInput {
        status: Some(status),
        note: Some(f.note.clone()),
    };
    let result = items::progress(ctx, id, &input).await;
    form_outcome(
        chrome.lang,
        result,
        |_| super::to_item(id),
        |errors| show_page(ctx, chrome, id, f, errors.rename("note", note_field)),
    )
    .await
}
