//! Sending feedback: checked, routed to those who must answer, given deadlines in working
//! time and a tracking code, stored with its photos in one transaction.

use rand::RngCore;
use tuquan_domain::access::Action;
use tuquan_domain::feedback::{
    add_working_minutes, photo, Category, NewFeedback, NewFeedbackInput, Responsible, TrackingCode,
};
use tuquan_domain::territory::Tier;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::feedback::NewFeedbackRow;
use tuquan_store::StoreError;

use super::{category, commune_code, feedback_unit, notify, FeedbackRecord};
use crate::{AppError, AppResult, Ctx};

/// Checks, routes and stores new feedback; notifies those responsible. Nothing is written
/// unless every part is valid. The sender is the context's actor (or nobody); `on_behalf`:
/// a unit head or official files it for a resident who came in person.
pub async fn submit(
    ctx: &Ctx,
    on_behalf: bool,
    input: &NewFeedbackInput,
    photos: &[Vec<u8>],
) -> AppResult<FeedbackRecord> {
    submit_with_proof(ctx, on_behalf, input, photos, None).await
}

/// [`submit`] with the answer to the proof of humanity the form showed, if any: an
/// anonymous client over the soft threshold needs one (`feedback::humanity`).
pub async fn submit_with_proof(
    ctx: &Ctx,
    on_behalf: bool,
    input: &NewFeedbackInput,
    photos: &[Vec<u8>],
    proof: Option<&super::humanity::Proof>,
) -> AppResult<FeedbackRecord> {
    let unit = feedback_unit(ctx, &input.unit_code).await?;
    let commune = commune_code(&unit);
    let who = if on_behalf {
        Some(ctx.authorize(Action::FeedbackHandle, Some(&unit.path))?)
    } else {
        ctx.actor.as_ref()
    };
    let parsed = parse_all(ctx, &commune, input, who.is_some(), photos).await;
    let human = super::humanity::check(ctx, on_behalf, proof);
    let (feedback, cat) = match (parsed, human) {
        (Ok(p), Ok(())) => p,
        (Ok(_), Err(e)) => return Err(e),
        // A wrong answer to the question is one more wrong field of the form, after the
        // others (alone it stays the 422 rule the API documents).
        (Err(AppError::Invalid(e)), Err(h)) => return Err(with_humanity(vec![e], h)),
        (Err(AppError::InvalidFields(es)), Err(h)) => return Err(with_humanity(es, h)),
        (Err(e), _) => return Err(e),
    };
    crate::limits::feedback(ctx, on_behalf, input)?;
    let clean = clean_photos(photos)?;
    let routes = ctx.store().routes_for(&commune).await?;
    let responsible = Responsible::route(&routes, &cat.code, unit.kind.tier() == Tier::Residential);
    let cal = ctx.store().work_calendar().await?;
    let ack_due = tuquan_store::stamp(add_working_minutes(ctx.now, cat.ack_minutes, &cal));
    let resolve_due = tuquan_store::stamp(add_working_minutes(ctx.now, cat.resolve_minutes, &cal));
    let mut audit = ctx.audit_ctx();
    if audit.actor_username.is_none() {
        audit.actor_username = Some("anonymous".into());
    }
    let user = who.map(|w| w.user.id);
    let mut attempt = 0;
    let id = loop {
        let mut bytes = [0u8; 8];
        rand::rng().fill_bytes(&mut bytes);
        let tracking_code = TrackingCode::from_random(bytes).as_str().to_owned();
        // Those responsible hear of it in the transaction that stores it.
        let notices =
            notify::arrived(ctx, &unit.path, &responsible, &tracking_code, &cat.code).await?;
        let row = NewFeedbackRow {
            tracking_code,
            notices,
            unit: &unit,
            commune_code: commune.clone(),
            feedback: &feedback,
            submitter_id: user.filter(|_| !on_behalf),
            filed_by_id: user.filter(|_| on_behalf),
            responsible: responsible.clone(),
            ack_due_at: ack_due.clone(),
            resolve_due_at: resolve_due.clone(),
            photos: clean.clone(),
        };
        match ctx.store().create_feedback(&row, &audit).await {
            Ok(id) => break id,
            // A clash of random codes is astronomically rare; try another.
            Err(StoreError::Conflict { .. }) if attempt < 3 => attempt += 1,
            Err(e) => return Err(e.into()),
        }
    };
    Ok(ctx.store().feedback(id).await?)
}

/// The field errors of a form and the refused proof of humanity, together.
fn with_humanity(mut errors: Vec<FieldError>, refused: AppError) -> AppError {
    match refused {
        AppError::Rule { code, .. } => {
            let kind = match code {
                "humanity_required" => FieldErrorKind::Required,
                _ => FieldErrorKind::InvalidFormat,
            };
            errors.push(FieldError::new("humanity", kind, code));
            errors.into()
        }
        other => other,
    }
}

/// The feedback with every wrong field at once (a form shows them together): the category
/// against the commune's, the fields by the domain's rules and, only when some field is
/// wrong already, the photos as one more field error (alone, a refused photo stays the
/// 422 rule the API documents). Signed in, or filed by an official for someone who came
/// in person: the sender is known even without a contact.
async fn parse_all(
    ctx: &Ctx,
    commune: &str,
    input: &NewFeedbackInput,
    known_sender: bool,
    photos: &[Vec<u8>],
) -> AppResult<(NewFeedback, Category)> {
    // An empty category is the domain's to report; an unknown one is checked here.
    let (cat, cat_error) = if input.category.trim().is_empty() {
        (None, None)
    } else {
        match category(ctx, commune, &input.category).await {
            Ok(cat) => (Some(cat), None),
            Err(AppError::Invalid(e)) => (None, Some(e)),
            Err(e) => return Err(e),
        }
    };
    // Without a known category, whether a contact is needed cannot be said: do not ask.
    let allow_anonymous = cat.as_ref().is_none_or(|c| c.allow_anonymous);
    let mut errors = match (
        NewFeedback::parse(input, allow_anonymous, known_sender),
        cat,
    ) {
        (Ok(f), Some(cat)) => return Ok((f, cat)),
        (Ok(_), None) => Vec::new(),
        (Err(es), _) => es,
    };
    if let Some(e) = cat_error {
        errors.insert(0, e);
    }
    if let Err(refused @ AppError::Rule { code, .. }) = clean_photos(photos) {
        // Alone, a refused photo stays the rule it is (422), as the API documents.
        if errors.is_empty() {
            return Err(refused);
        }
        let kind = match code {
            "photo_count" => FieldErrorKind::OutOfRange {
                min: 0,
                max: photo::MAX_PHOTOS as i64,
            },
            "photo_size" => FieldErrorKind::TooLong {
                max: photo::MAX_PHOTO_BYTES,
            },
            _ => FieldErrorKind::InvalidFormat,
        };
        let at = errors
            .iter()
            .position(|e| e.field.starts_with("contact"))
            .unwrap_or(errors.len());
        errors.insert(at, FieldError::new("photo", kind, "refused photo"));
    }
    Err(errors.into())
}

/// The photos checked and stripped of their metadata: (content type, bytes). An empty part
/// (a form sent without choosing a photo) is skipped. A refused photo is a rule on `photo`:
/// `photo_count`, `photo_size` or `photo_type` (422).
fn clean_photos(photos: &[Vec<u8>]) -> AppResult<Vec<(String, Vec<u8>)>> {
    if photos.len() > photo::MAX_PHOTOS {
        return Err(AppError::rule("photo_count", "photo", "too many photos"));
    }
    let mut clean = Vec::with_capacity(photos.len());
    for p in photos.iter().filter(|p| !p.is_empty()) {
        let (ct, bytes) = photo::clean_photo(p).map_err(photo_refused)?;
        clean.push((ct.to_owned(), bytes));
    }
    Ok(clean)
}

/// The rule a photo breaks, from the domain's refusal.
pub fn photo_refused(e: FieldError) -> AppError {
    match e.kind {
        FieldErrorKind::TooLong { .. } => AppError::rule("photo_size", "photo", e.detail),
        _ => AppError::rule("photo_type", "photo", e.detail),
    }
}
