//! One item as staff see it — contact, address, photos, the full history with internal notes —
//! and the form for the next step.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tuquan_domain::feedback::{Status, Transition};

use tuquan_app::feedback::{self as app, Names, StepInput};
use tuquan_app::Ctx;

use super::{badge, form_errors, status_label, Badge};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, FeedbackHandle, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::{local_time, Lang};
use crate::pages::account::see_other;
use crate::pages::form::FormErrors;
use crate::pages::groups::{choices, Choice};
use crate::pages::{render, Chrome};
use crate::AppState;

/// The step form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct StepForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    public_note: String,
    #[serde(default)]
    internal_note: String,
    #[serde(default)]
    duplicate_of: String,
    #[serde(default)]
    referred_to: String,
    #[serde(default)]
    assignee_id: String,
    #[serde(default)]
    public_summary: String,
}

/// One step of the history.
pub struct EventView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub change: Option<String>,
    pub public_note: Option<String>,
    pub internal_note: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_staff_item.html")]
struct ItemPage {
    chrome: Chrome,
    code: String,
    status: String,
    status_label: &'static str,
    category: String,
    unit: String,
    unit_code: String,
    description: String,
    address: Option<String>,
    location: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    submitter: Option<String>,
    filed_by: Option<String>,
    created: String,
    updated: String,
    responsible: String,
    assignee: Option<String>,
    escalations: i64,
    reopen_count: i64,
    deadlines: Vec<Badge>,
    public_answer: Option<String>,
    public_summary: Option<String>,
    referred_to: Option<String>,
    duplicate_of: Option<String>,
    rating: Option<i64>,
    photos: Vec<String>,
    history: Vec<EventView>,
    actions: Vec<Choice>,
    assignees: Vec<Choice>,
    form: StepForm,
    errors: FormErrors,
    done: Option<String>,
    /// The label of the chosen action; the step form shows its fields only.
    chosen: &'static str,
}

impl ItemPage {
    /// Whether the step form shows `field` for the chosen action: a phone shows only what
    /// the step uses.
    fn shows(&self, field: &str) -> bool {
        match self.form.action.as_str() {
            "" => false,
            "summary" => field == "public_summary",
            "assign" => matches!(field, "assignee_id" | "internal_note"),
            "duplicate" => matches!(field, "duplicate_of" | "public_note" | "internal_note"),
            "refer" => matches!(field, "referred_to" | "public_note" | "internal_note"),
            _ => matches!(field, "public_note" | "internal_note"),
        }
    }
}

fn action_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "acknowledge" | "start" | "resolve" | "reject" | "duplicate" | "refer" | "note"
        | "assign" | "summary" => lang.t(&format!("fbs_action_{action}")),
        _ => lang.t("fbs_action_other"),
    }
}

fn event_label(lang: Lang, kind: &str) -> String {
    match kind {
        "created" | "acknowledge" | "start" | "resolve" | "reject" | "duplicate" | "refer"
        | "reopen" | "note" | "assign" | "rated" | "escalated" | "summary" | "rerouted" => {
            lang.t(&format!("fbs_event_{kind}")).to_owned()
        }
        other => other.to_owned(),
    }
}

/// The steps offered from the item's state: those the workflow allows, a note and an
/// assignment.
fn offered(status: Status) -> Vec<&'static str> {
    let candidates = [
        Transition::Acknowledge,
        Transition::Start,
        Transition::Resolve,
        Transition::Reject { reason: "x".into() },
        Transition::Duplicate {
            of: Some(tuquan_domain::FeedbackId(1)),
        },
        Transition::Refer { to: "x".into() },
    ];
    let mut out: Vec<&'static str> = candidates
        .iter()
        .filter(|t| t.apply(status, false).is_ok())
        .map(|t| t.name())
        .collect();
    out.extend(["note", "assign", "summary"]);
    out
}

/// The history as the page shows it.
fn history(lang: Lang, events: Vec<app::FeedbackEvent>) -> Vec<EventView> {
    events
        .into_iter()
        .map(|e| EventView {
            at: local_time(&e.at),
            actor: match e.actor_name.as_deref() {
                None | Some("system" | "escalation") => lang.t("fbs_system").to_owned(),
                // The use cases record a sender without an account under these names.
                Some("anonymous" | "submitter") => lang.t("fbs_sender").to_owned(),
                Some(name) => name.to_owned(),
            },
            what: event_label(lang, &e.kind),
            change: match (&e.from_status, &e.to_status) {
                (Some(f), Some(t)) => Some(format!(
                    "{} → {}",
                    status_label(lang, f),
                    status_label(lang, t)
                )),
                (None, Some(t)) => Some(status_label(lang, t).to_owned()),
                _ => None,
            },
            public_note: e.public_note,
            internal_note: e.internal_note,
        })
        .collect()
}

async fn item_page(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    form: StepForm,
    errors: FormErrors,
    done: Option<String>,
) -> Result<ItemPage, PageError> {
    let lang = chrome.lang;
    // Contact details and the address are personal data: the use case records the read.
    let view = app::inbox::item(ctx, code).await?;
    let item = &view.item;
    let mut names = Names::staff(ctx, lang);
    let now = ctx.now;
    let cal = &view.calendar;
    let history = history(lang, view.events.clone());
    let assignees = &view.assignees;
    let selected_assignee = if form.assignee_id.is_empty() {
        item.assignee_id.map(|a| a.to_string()).unwrap_or_default()
    } else {
        form.assignee_id.clone()
    };
    let assignee_ids: Vec<String> = assignees.iter().map(|a| a.user_id.to_string()).collect();
    let assignee_choices = choices(
        assignees.iter().zip(&assignee_ids).map(|(a, id)| {
            (
                id.as_str(),
                format!(
                    "{} ({}) — {}",
                    a.display_name,
                    a.username,
                    lang.t(&format!("role.{}", a.role.as_str()))
                ),
            )
        }),
        &selected_assignee,
    );
    let actions = choices(
        offered(item.status())
            .into_iter()
            .map(|a| (a, action_label(lang, a).to_owned())),
        &form.action,
    );
    let photos = view
        .photo_ids
        .iter()
        .map(|id| format!("/feedback/{}/photos/{id}", item.tracking_code))
        .collect();
    Ok(ItemPage {
        code: item.tracking_code.clone(),
        status: item.status.as_str().to_owned(),
        status_label: status_label(lang, item.status.as_str()),
        category: names.category(&item.commune_code, &item.category).await?,
        unit: names.unit_or_code(&item.unit_code).await?,
        unit_code: item.unit_code.clone(),
        description: item.description.clone(),
        address: item.address.clone(),
        location: match (item.lat, item.lng) {
            (Some(a), Some(b)) => Some(format!("{a:.6}, {b:.6}")),
            _ => None,
        },
        contact_name: item.contact_name.clone(),
        contact_phone: item.contact_phone.clone(),
        contact_email: item.contact_email.clone(),
        submitter: view.submitter.clone(),
        filed_by: view.filed_by.clone(),
        created: local_time(&item.created_at),
        updated: local_time(&item.updated_at),
        responsible: format!(
            "{} · {}",
            lang.t(&format!("fbs_level_{}", item.level.as_str())),
            lang.t(&format!("role.{}", item.role.as_str()))
        ),
        assignee: view.assignee.clone(),
        escalations: item.escalations,
        reopen_count: item.reopen_count,
        deadlines: app::inbox::open_deadlines(item, now, cal)
            .iter()
            .map(|d| badge(lang, d))
            .collect(),
        public_answer: item.public_answer.clone(),
        public_summary: item.public_summary.clone(),
        referred_to: item.referred_to.clone(),
        duplicate_of: view.duplicate_of.clone(),
        rating: item.rating,
        photos,
        history,
        actions,
        assignees: assignee_choices,
        errors,
        done,
        chosen: if form.action.is_empty() {
            ""
        } else {
            action_label(lang, &form.action)
        },
        form,
        chrome,
    })
}

#[derive(Deserialize)]
pub(super) struct Done {
    done: Option<String>,
    /// The step chosen on the page (first half of the step form, without JavaScript).
    action: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let done = q.done.as_deref().map(|a| {
        lang.t("fbs_done_step")
            .replace("{step}", action_label(lang, a))
    });
    let ctx = state.ctx(Some(can.who), &rc);
    let form = StepForm {
        action: q.action.unwrap_or_default().trim().to_owned(),
        ..StepForm::default()
    };
    let mut page = item_page(&ctx, chrome, &code, form, FormErrors::none(), done).await?;
    // Only a step offered in this state; anything else asks again.
    if !page.actions.iter().any(|a| a.value == page.form.action) {
        page.form.action.clear();
        page.chosen = "";
    }
    Ok(render(&page)?.into_response())
}

/// Records a step through the same workflow service as the API; a refused step shows the
/// form again with every message beside its field and a summary, and changes nothing.
pub(super) async fn step(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let ctx = state.ctx(Some(can.who), &rc);
    let opt = |s: &str| Some(s.to_owned());
    let input = StepInput {
        action: form.action.clone(),
        public_note: opt(&form.public_note),
        internal_note: opt(&form.internal_note),
        duplicate_of: opt(&form.duplicate_of),
        referred_to: opt(&form.referred_to),
        assignee_id: opt(&form.assignee_id),
        public_summary: opt(&form.public_summary),
    };
    match app::workflow::step(&ctx, &code, &input).await {
        Ok(item) => {
            let q = serde_urlencoded::to_string([("done", form.action.trim())]).unwrap_or_default();
            // `#done`: the form posts to `#step`, a fragment the browser would otherwise keep
            // across the redirect, leaving the confirmation off-screen on a phone.
            Ok(see_other(
                &format!("/feedback/inbox/{}?{q}#done", item.tracking_code),
                None,
            ))
        }
        Err(e) => {
            let f = Failure::from(e);
            let Some((status, errors)) = form_errors(lang, &f) else {
                return Err(f.into());
            };
            let page = item_page(&ctx, chrome, &code, form, errors, None).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}
