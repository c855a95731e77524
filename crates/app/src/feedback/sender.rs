//! Who may see an item's private parts (description, photos): the signed-in account that
//! sent it, the browser that sent it (holding the [`token`] it was given at submission)
//! and the staff who handle its unit. The same token is that browser's proof for reopening
//! and rating an item sent without an account (`workflow::as_sender`). Photos may show faces and house numbers: never
//! public. Who counts as the sender is the domain's rule (`tuquan_domain::feedback::policy`).

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::{PhotoId, SenderProof};
use tuquan_store::StoreError;

use super::{by_code, sender_of, FeedbackRecord};
use crate::{AppError, AppResult, Ctx};

/// The signed-in account that sent the item (not an official who filed it for someone).
pub fn is_submitter(ctx: &Ctx, item: &FeedbackRecord) -> bool {
    sender_of(item).is_submitter(ctx.actor.as_ref().map(|w| w.user.id))
}

/// Staff who may handle the item's feedback.
pub fn may_handle(ctx: &Ctx, item: &FeedbackRecord) -> bool {
    ctx.actor
        .as_ref()
        .is_some_and(|w| authorize(&w.actor, Action::FeedbackHandle, Some(&item.unit_path)).is_ok())
}

/// How the item's sender proves who they are, for this visitor.
pub fn proof(ctx: &Ctx, item: &FeedbackRecord) -> SenderProof {
    proof_as(ctx, item, None)
}

/// [`proof`] for a visitor who may hold the sender's [`token`]: holding it, the sender of
/// an item sent without an account reopens and rates it without typing the contact.
pub fn proof_as(ctx: &Ctx, item: &FeedbackRecord, token: Option<&str>) -> SenderProof {
    sender_of(item).proof_with(
        ctx.actor.as_ref().map(|w| w.user.id),
        holds_token(ctx, item, token),
    )
}

/// The proof given to the browser that sent an item, whoever sent it (signed in or not):
/// a MAC of its tracking code under the configured identity key (so it survives restarts),
/// or under the process's key when none is configured. The pages keep it in an HttpOnly
/// cookie scoped to the item's address; it shows the sender their own text and photos.
pub fn token(ctx: &Ctx, code: &str) -> String {
    const PURPOSE: &str = "feedback-sender";
    ctx.store()
        .keyed_hash(PURPOSE, code)
        .unwrap_or_else(|| ctx.app.limits().proofs.sign(&format!("{PURPOSE}\0{code}")))
}

/// Whether `given` is the proof of having sent the item.
pub fn holds_token(ctx: &Ctx, item: &FeedbackRecord, given: Option<&str>) -> bool {
    given.is_some_and(|g| {
        let want = token(ctx, &item.tracking_code);
        crate::access::secret::same(&want, g)
    })
}

/// Whether the visitor may see the item's description and photos.
pub fn may_see_private(ctx: &Ctx, item: &FeedbackRecord) -> bool {
    may_see_private_as(ctx, item, None)
}

/// [`may_see_private`] for a visitor who may hold the sender's proof ([`token`]).
pub fn may_see_private_as(ctx: &Ctx, item: &FeedbackRecord, proof: Option<&str>) -> bool {
    is_submitter(ctx, item) || may_handle(ctx, item) || holds_token(ctx, item, proof)
}

/// The ids of an item's photos, for those who may see them: 401 for a visitor not signed
/// in, 403 for others.
pub async fn photo_ids(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<Vec<PhotoId>> {
    photo_ids_as(ctx, item, None).await
}

/// [`photo_ids`] for a visitor who may hold the sender's proof.
pub async fn photo_ids_as(
    ctx: &Ctx,
    item: &FeedbackRecord,
    proof: Option<&str>,
) -> AppResult<Vec<PhotoId>> {
    if !holds_token(ctx, item, proof) {
        let who = ctx.who()?;
        if !may_see_private(ctx, item) {
            tracing::warn!(user = %who.user.username, item = item.id.get(), "denied feedback photos");
            return Err(AppError::Forbidden);
        }
    }
    Ok(ctx.store().feedback_photo_ids(item.id).await?)
}

/// One photo of the item with this tracking code for someone allowed to see it: (content
/// type, bytes). Staff views are audited.
pub async fn photo(ctx: &Ctx, code: &str, photo_id: &str) -> AppResult<(String, Vec<u8>)> {
    photo_as(ctx, code, photo_id, None).await
}

/// [`photo`] for a visitor who may hold the sender's proof.
pub async fn photo_as(
    ctx: &Ctx,
    code: &str,
    photo_id: &str,
    proof: Option<&str>,
) -> AppResult<(String, Vec<u8>)> {
    let item = by_code(ctx, code).await?;
    let photo_id: PhotoId = photo_id.parse().map_err(|_| AppError::NotFound)?;
    let by_proof = holds_token(ctx, &item, proof);
    if !by_proof {
        let who = ctx.who()?;
        if !may_see_private(ctx, &item) {
            tracing::warn!(user = %who.user.username, item = item.id.get(), "denied a feedback photo");
            return Err(AppError::Forbidden);
        }
    }
    let (feedback_id, content_type, bytes) = match ctx.store().feedback_photo(photo_id).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if feedback_id != item.id {
        return Err(AppError::NotFound);
    }
    if !is_submitter(ctx, &item) && !by_proof {
        ctx.audit_read(
            "feedback.photo_viewed",
            "feedback_photo",
            photo_id.to_string(),
            &item.unit_path,
        )
        .await?;
    }
    Ok((content_type, bytes))
}
