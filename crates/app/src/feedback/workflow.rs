//! Workflow steps: those of staff (acknowledge, start, resolve, reject, duplicate, refer,
//! note, assign) and those of the sender (reopen, rate).

use tuquan_domain::access::{Action, Actor};
use tuquan_domain::feedback::{
    may_be_assigned, NotSender, ParsedStep, RawStep, StepAction, TrackingCode, Transition,
    TransitionError,
};
use tuquan_domain::{Checks, FeedbackId, FieldError, FieldErrorKind, UserId};
use tuquan_store::feedback::{StepRecord, TransitionRecord};
use tuquan_store::StoreError;

use super::{by_code, invalid, notify, sender_of, within_reopen_window, FeedbackRecord};
use crate::error::keep_field_error;
use crate::{AppError, AppResult, Ctx};

/// A workflow step requested by staff (`summary` sets the item's public summary).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StepInput {
    /// `acknowledge`, `start`, `resolve`, `reject`, `duplicate`, `refer`, `note`, `assign`.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub public_note: Option<String>,
    #[serde(default)]
    pub internal_note: Option<String>,
    #[serde(default)]
    pub duplicate_of: Option<String>,
    #[serde(default)]
    pub referred_to: Option<String>,
    /// For `assign`: the user id, or empty to unassign.
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// For `summary`: the public summary, or empty to withdraw it.
    #[serde(default)]
    pub public_summary: Option<String>,
}

/// A store read where "not found" is an answer, not an error.
fn found<T>(r: Result<T, StoreError>) -> AppResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A domain refusal of a transition: a step the state does not allow (or a reopening too
/// late) is a rule (422); a missing reason, original or referral is missing input (400).
fn refused(e: TransitionError) -> AppError {
    match e {
        TransitionError::NotFromHere | TransitionError::ReopenWindowPassed => {
            AppError::rule(e.code(), e.field(), e.to_string())
        }
        _ => invalid(e.field(), FieldErrorKind::NotAllowedHere, e.code()),
    }
}

/// Applies a staff step to the item with this tracking code, for staff who handle feedback
/// of its unit; returns the item as it is now.
pub async fn step(ctx: &Ctx, code: &str, input: &StepInput) -> AppResult<FeedbackRecord> {
    let item = by_code(ctx, code).await?;
    ctx.authorize(Action::FeedbackHandle, Some(&item.unit_path))?;
    apply_step(ctx, &item, input).await?;
    Ok(ctx.store().feedback(item.id).await?)
}

/// The step with every wrong field at once: a step the item's state refuses is a rule
/// (422) whatever was typed; then the domain's field checks and those that need the store
/// (the original of a duplicate, the assignee) together, in the order of the form.
async fn checked_step(ctx: &Ctx, item: &FeedbackRecord, input: &StepInput) -> AppResult<Checked> {
    let raw = RawStep {
        action: &input.action,
        public_note: input.public_note.as_deref(),
        internal_note: input.internal_note.as_deref(),
        duplicate_of: input.duplicate_of.as_deref(),
        referred_to: input.referred_to.as_deref(),
        assignee_id: input.assignee_id.as_deref(),
        public_summary: input.public_summary.as_deref(),
    };
    let action = StepAction::parse(&input.action).ok();
    if action.is_some_and(|a| !a.allowed_from(item.status())) {
        let e = TransitionError::NotFromHere;
        return Err(AppError::rule(e.code(), e.field(), e.to_string()));
    }
    let mut checks = Checks::default();
    let parsed = match ParsedStep::parse(&raw) {
        Ok(p) => Some(p),
        Err(es) => {
            for e in es {
                checks.check::<()>(Err(e));
            }
            None
        }
    };
    // The store's checks run on what the domain let through, so each field has one error.
    let duplicate_of = match (action, raw.duplicate_of.map(str::trim)) {
        (Some(StepAction::Duplicate), Some(d)) if !d.is_empty() => {
            keep_field_error(&mut checks, original(ctx, item, d).await)?
        }
        _ => None,
    };
    // An account id the domain could read is looked up even when another field is wrong.
    let raw_assignee = raw.assignee_id.map(str::trim).filter(|s| !s.is_empty());
    let assignee = match (action, raw_assignee.map(str::parse::<UserId>)) {
        (Some(StepAction::Assign), Some(Ok(id))) => {
            keep_field_error(&mut checks, assignable(ctx, item, id).await)?
        }
        _ => None,
    };
    let errors = checks.into_errors();
    match parsed {
        Some(step) if errors.is_empty() => Ok(Checked {
            step,
            duplicate_of,
            assignee,
        }),
        _ => Err(errors.into()),
    }
}

/// A step that passed every check.
struct Checked {
    step: ParsedStep,
    /// For a duplicate: the original's id.
    duplicate_of: Option<FeedbackId>,
    /// For an assignment: the account (`None` unassigns).
    assignee: Option<UserId>,
}

async fn apply_step(ctx: &Ctx, item: &FeedbackRecord, input: &StepInput) -> AppResult<()> {
    let Checked {
        step,
        duplicate_of,
        assignee,
    } = checked_step(ctx, item, input).await?;
    let ParsedStep {
        public_note,
        internal_note,
        ..
    } = step.clone();
    let transition = match step.action {
        StepAction::Acknowledge => Transition::Acknowledge,
        StepAction::Start => Transition::Start,
        StepAction::Resolve => Transition::Resolve,
        StepAction::Reject => Transition::Reject {
            reason: public_note.clone().unwrap_or_default(),
        },
        StepAction::Duplicate => Transition::Duplicate { of: duplicate_of },
        StepAction::Refer => Transition::Refer {
            to: step.referred_to.clone(),
        },
        StepAction::Note => return add_note(ctx, item, public_note, internal_note).await,
        StepAction::Assign => return assign(ctx, item, assignee, internal_note).await,
        StepAction::Summary => return summary(ctx, item, step.public_summary).await,
    };
    let from = item.status();
    let to = transition.apply(from, false).map_err(refused)?;
    let record = TransitionRecord {
        kind: transition.name(),
        from,
        to,
        public_note,
        internal_note,
        duplicate_of: match transition {
            Transition::Duplicate { of } => of,
            _ => None,
        },
        referred_to: match &transition {
            Transition::Refer { to } => Some(to.clone()),
            _ => None,
        },
    };
    let notices = notify::public_step(ctx, item, transition.name());
    ctx.store()
        .transition_feedback(item, &record, &notices, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// The original of a duplicate, by tracking code or id: another item of the same commune.
async fn original(ctx: &Ctx, item: &FeedbackRecord, raw: &str) -> AppResult<FeedbackId> {
    let found = match TrackingCode::parse(raw) {
        Ok(code) => found(ctx.store().feedback_by_code(code.as_str()).await)?,
        Err(_) => match raw.parse::<FeedbackId>() {
            Ok(id) => found(ctx.store().feedback(id).await)?,
            Err(_) => None,
        },
    };
    let original = found
        .ok_or_else(|| invalid("duplicate_of", FieldErrorKind::UnknownValue, "no such item"))?;
    if original.id == item.id || original.commune_code != item.commune_code {
        return Err(invalid(
            "duplicate_of",
            FieldErrorKind::NotAllowedHere,
            "another item of the same commune",
        ));
    }
    Ok(original.id)
}

/// An account that may handle the item's feedback, to assign it to.
async fn assignable(ctx: &Ctx, item: &FeedbackRecord, id: UserId) -> AppResult<UserId> {
    let user = found(ctx.store().user_by_id(id).await)?.ok_or_else(|| {
        invalid(
            "assignee_id",
            FieldErrorKind::UnknownValue,
            "no such account",
        )
    })?;
    let grants = ctx.store().grants_of(id).await?;
    let actor = Actor {
        user_id: id,
        username: user.username,
        grants: grants.into_iter().map(|g| g.grant).collect(),
    };
    if !may_be_assigned(&actor, &item.unit_path) {
        return Err(invalid(
            "assignee_id",
            FieldErrorKind::NotAllowedHere,
            "cannot handle feedback here",
        ));
    }
    Ok(id)
}

/// Sets the public summary (blank withdraws it): what anyone reads instead of the sender's
/// description. Staff write it without house numbers or names.
async fn summary(ctx: &Ctx, item: &FeedbackRecord, text: Option<String>) -> AppResult<()> {
    ctx.store()
        .set_feedback_summary(item, text.as_deref(), &ctx.audit_ctx())
        .await?;
    Ok(())
}

async fn add_note(
    ctx: &Ctx,
    item: &FeedbackRecord,
    public_note: Option<String>,
    internal_note: Option<String>,
) -> AppResult<()> {
    let notices = if public_note.is_some() {
        notify::public_step(ctx, item, "note")
    } else {
        Vec::new()
    };
    let step = StepRecord {
        kind: "note",
        public_note,
        internal_note,
    };
    ctx.store()
        .feedback_step(item, &step, None, None, &notices, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// Assigns the item to an account (`None`: unassigns) checked by [`assignable`].
async fn assign(
    ctx: &Ctx,
    item: &FeedbackRecord,
    assignee: Option<UserId>,
    internal_note: Option<String>,
) -> AppResult<()> {
    let step = StepRecord {
        kind: "assign",
        public_note: None,
        internal_note,
    };
    let notices = match assignee {
        Some(a) => notify::assigned(ctx, item, a),
        None => Vec::new(),
    };
    ctx.store()
        .feedback_step(
            item,
            &step,
            Some(assignee),
            None,
            &notices,
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}

/// What the sender of an item asks.
#[derive(Debug, Clone)]
pub enum SenderRequest {
    /// Reopen a resolved item, saying why it is not resolved.
    Reopen { reason: String },
    /// Rate the answer of a closed item, 1 to 5.
    Rate { rating: String },
}

/// The refusal of a visitor who does not count as the sender: 401 (sign in as the sending
/// account), 403 (signed in as another, or sent anonymously: nobody can act for it), or a
/// field error on `contact` (give the phone or e-mail left when sending).
pub fn not_sender_error(e: NotSender) -> AppError {
    match e {
        NotSender::SignIn { signed_in: false } => AppError::Unauthorized,
        NotSender::SignIn { signed_in: true } | NotSender::Anonymous => AppError::Forbidden,
        NotSender::ContactNeeded => invalid(
            "contact",
            FieldErrorKind::Required,
            "the phone or e-mail left when sending",
        ),
        NotSender::ContactMismatch => invalid(
            "contact",
            FieldErrorKind::UnknownValue,
            "not the contact left when sending",
        ),
    }
}

/// The sender of an item (the signed-in account that sent it; for an item sent without an
/// account, the browser holding the `token` it was given when sending, or whoever gives the
/// contact left then — `tuquan_domain::feedback::policy`) reopens or rates it; returns the
/// item as it is now. `Ok(Err(..))` when the visitor does not count as the sender, so that
/// each adapter can say why.
pub async fn as_sender(
    ctx: &Ctx,
    item: &FeedbackRecord,
    contact: &str,
    token: Option<&str>,
    request: &SenderRequest,
) -> AppResult<Result<FeedbackRecord, NotSender>> {
    let user = ctx.actor.as_ref().map(|w| w.user.id);
    let holds_token = super::sender::holds_token(ctx, item, token);
    let asked = sender_field(item, request);
    match sender_of(item).check_with(user, holds_token, contact) {
        Ok(()) => {}
        // A contact that does not prove the sender is one more wrong field of the form:
        // with a wrong reason or rating, both are reported at once.
        Err(e @ (NotSender::ContactNeeded | NotSender::ContactMismatch)) => {
            if let Err(field) = asked {
                let AppError::Invalid(contact) = not_sender_error(e) else {
                    return Ok(Err(e));
                };
                return Err(vec![field, contact].into());
            }
            return Ok(Err(e));
        }
        Err(e) => return Ok(Err(e)),
    }
    match asked? {
        Asked::Reopen(reason) => reopen(ctx, item, reason).await?,
        Asked::Rate(rating) => rate_checked(ctx, item, rating).await?,
    }
    Ok(Ok(ctx.store().feedback(item.id).await?))
}

/// A sender's request with its one field checked.
enum Asked {
    Reopen(String),
    Rate(i64),
}

/// The field of a sender's form: the reason for reopening (required), or the rating (1 to
/// 5, once the item is answered).
fn sender_field(item: &FeedbackRecord, request: &SenderRequest) -> Result<Asked, FieldError> {
    match request {
        SenderRequest::Reopen { reason } => {
            let reason = tuquan_domain::text::clean(reason);
            if reason.is_empty() {
                return Err(FieldError::new(
                    "reason",
                    FieldErrorKind::Required,
                    "why it is not resolved",
                ));
            }
            Ok(Asked::Reopen(reason))
        }
        SenderRequest::Rate { rating } => rating_of(item, rating).map(Asked::Rate),
    }
}

fn rating_of(item: &FeedbackRecord, raw: &str) -> Result<i64, FieldError> {
    let rating = raw
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| {
            FieldError::new(
                "rating",
                FieldErrorKind::OutOfRange { min: 1, max: 5 },
                "1 to 5",
            )
        })?;
    if item.status().is_open() {
        return Err(FieldError::new(
            "rating",
            FieldErrorKind::NotAllowedHere,
            "only once answered",
        ));
    }
    Ok(rating)
}

/// The demo seeder rates, as the sender, an item it sent itself (some without a contact,
/// so without any sender proof). Only for a system context (`App::system`).
pub async fn seed_rating(ctx: &Ctx, item: &FeedbackRecord, rating: &str) -> AppResult<()> {
    if ctx.actor.is_some() || ctx.meta.system_actor.is_none() {
        return Err(AppError::Forbidden);
    }
    rate_checked(ctx, item, rating_of(item, rating)?).await
}

/// The audit identity of the sender: no account is assumed.
fn sender_audit(ctx: &Ctx) -> tuquan_store::audit::AuditCtx {
    let mut audit = ctx.meta.audit(None);
    audit.actor_username = Some("submitter".into());
    audit
}

async fn reopen(ctx: &Ctx, item: &FeedbackRecord, reason: String) -> AppResult<()> {
    let from = item.status();
    let to = Transition::Reopen
        .apply(from, within_reopen_window(item, ctx.now))
        .map_err(refused)?;
    let record = TransitionRecord {
        kind: "reopen",
        from,
        to,
        public_note: Some(reason),
        internal_note: None,
        duplicate_of: None,
        referred_to: None,
    };
    let notices = notify::reopened(ctx, item).await?;
    ctx.store()
        .transition_feedback(item, &record, &notices, &sender_audit(ctx))
        .await?;
    Ok(())
}

async fn rate_checked(ctx: &Ctx, item: &FeedbackRecord, rating: i64) -> AppResult<()> {
    let step = StepRecord {
        kind: "rated",
        public_note: None,
        internal_note: None,
    };
    ctx.store()
        .feedback_step(item, &step, None, Some(rating), &[], &sender_audit(ctx))
        .await?;
    Ok(())
}
