//! Who may see an item's private parts (description, photos): the signed-in account that
//! sent it and the staff who handle its unit. Photos may show faces and house numbers: never
//! public. Who counts as the sender is the domain's rule (`tuquan_domain::feedback::policy`).

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::SenderProof;
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
    sender_of(item).proof(ctx.actor.as_ref().map(|w| w.user.id))
}

/// Whether the visitor may see the item's description and photos.
pub fn may_see_private(ctx: &Ctx, item: &FeedbackRecord) -> bool {
    is_submitter(ctx, item) || may_handle(ctx, item)
}

/// The ids of an item's photos, for those who may see them: 401 for a visitor not signed
/// in, 403 for others.
pub async fn photo_ids(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<Vec<i64>> {
    let who = ctx.who()?;
    if !may_see_private(ctx, item) {
        tracing::warn!(user = %who.user.username, item = item.id, "denied feedback photos");
        return Err(AppError::Forbidden);
    }
    Ok(ctx.store().feedback_photo_ids(item.id).await?)
}

/// One photo of the item with this tracking code for someone allowed to see it: (content
/// type, bytes). Staff views are audited.
pub async fn photo(ctx: &Ctx, code: &str, photo_id: &str) -> AppResult<(String, Vec<u8>)> {
    let item = by_code(ctx, code).await?;
    let photo_id: i64 = photo_id.parse().map_err(|_| AppError::NotFound)?;
    let who = ctx.who()?;
    if !may_see_private(ctx, &item) {
        tracing::warn!(user = %who.user.username, item = item.id, "denied a feedback photo");
        return Err(AppError::Forbidden);
    }
    let (feedback_id, content_type, bytes) = match ctx.store().feedback_photo(photo_id).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if feedback_id != item.id {
        return Err(AppError::NotFound);
    }
    if !is_submitter(ctx, &item) {
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
