//! Who may see an item's private parts (description, photos) and who counts as its sender
//! on the pages (to reopen or rate it).
//!
//! Tracking codes are not secret: they appear in the public lists. So the pages accept the
//! sender as: the signed-in account that sent it; or, for feedback sent without an account,
//! whoever gives the phone number or e-mail address left when sending. Feedback sent with
//! neither an account nor a contact cannot be reopened or rated on the pages.

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::people::Phone;
use tuquan_store::feedback::FeedbackRecord;

use crate::auth::{Authenticated, RequestCtx};
use crate::error::Failure;
use crate::AppState;

/// The signed-in account that sent the item (not an official who filed it for someone).
pub fn is_submitter(item: &FeedbackRecord, who: Option<&Authenticated>) -> bool {
    who.is_some_and(|w| item.submitter_id == Some(w.user.id))
}

/// Staff who may handle the item's feedback.
pub fn may_handle(item: &FeedbackRecord, who: Option<&Authenticated>) -> bool {
    who.is_some_and(|w| authorize(&w.actor, Action::FeedbackHandle, Some(&item.unit_path)).is_ok())
}

/// How the sender of an item proves who they are on the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderProof {
    /// They are signed in as the account that sent it.
    SignedIn,
    /// Sent with an account, but this visitor is not signed in as it.
    SignInNeeded,
    /// Sent without an account: the phone or e-mail left when sending.
    Contact,
    /// Sent anonymously: nobody can act as its sender.
    Impossible,
}

pub fn sender_proof(item: &FeedbackRecord, who: Option<&Authenticated>) -> SenderProof {
    if item.submitter_id.is_some() {
        if is_submitter(item, who) {
            SenderProof::SignedIn
        } else {
            SenderProof::SignInNeeded
        }
    } else if item.contact_phone.is_some() || item.contact_email.is_some() {
        SenderProof::Contact
    } else {
        SenderProof::Impossible
    }
}

/// Whether `contact` (a phone number or an e-mail address) is the one left when sending.
pub fn contact_matches(item: &FeedbackRecord, contact: &str) -> bool {
    let contact = contact.trim();
    if contact.is_empty() {
        return false;
    }
    let phone = Phone::parse(contact).ok();
    let by_phone = matches!((&phone, &item.contact_phone), (Some(p), Some(s)) if p.as_str() == s);
    let by_email = item
        .contact_email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(contact));
    by_phone || by_email
}

/// Whether this visitor counts as the item's sender (see the module comment).
pub fn acts_as_sender(item: &FeedbackRecord, who: Option<&Authenticated>, contact: &str) -> bool {
    match sender_proof(item, who) {
        SenderProof::SignedIn => true,
        SenderProof::Contact => contact_matches(item, contact),
        SenderProof::SignInNeeded | SenderProof::Impossible => false,
    }
}

/// Whether the visitor may see the item's description and photos: the signed-in sender and
/// staff who handle it. Photos may show faces and house numbers: never public.
pub fn may_see_private(item: &FeedbackRecord, who: Option<&Authenticated>) -> bool {
    is_submitter(item, who) || may_handle(item, who)
}

/// One photo of an item for someone allowed to see it: (content type, bytes). Staff views
/// are audited. Anonymous visitors are told to sign in; others are refused.
pub async fn photo(
    state: &AppState,
    who: Option<&Authenticated>,
    rc: &RequestCtx,
    item: &FeedbackRecord,
    photo_id: i64,
) -> Result<(String, Vec<u8>), Failure> {
    let Some(w) = who else {
        return Err(Failure::Unauthorized);
    };
    if !may_see_private(item, who) {
        tracing::warn!(user = %w.user.username, item = item.id, "denied a feedback photo");
        return Err(Failure::Forbidden);
    }
    let (feedback_id, content_type, bytes) = match state.store.feedback_photo(photo_id).await {
        Ok(p) => p,
        Err(tuquan_store::StoreError::NotFound) => return Err(Failure::NotFound),
        Err(e) => return Err(e.into()),
    };
    if feedback_id != item.id {
        return Err(Failure::NotFound);
    }
    if !is_submitter(item, who) {
        crate::api::people::audit_read(
            state,
            w,
            rc,
            "feedback.photo_viewed",
            "feedback_photo",
            photo_id.to_string(),
            &item.unit_path,
        )
        .await?;
    }
    Ok((content_type, bytes))
}

/// The same rule for the JSON API: `Ok` when the caller counts as the sender; otherwise 401
/// (sign in as the sending account), 403 (sent anonymously: nobody can act for it), or a
/// field error on `contact` (give the phone or e-mail left when sending).
pub fn require_sender(
    item: &FeedbackRecord,
    who: Option<&Authenticated>,
    contact: &str,
) -> Result<(), Failure> {
    if acts_as_sender(item, who, contact) {
        return Ok(());
    }
    Err(match sender_proof(item, who) {
        SenderProof::SignInNeeded if who.is_none() => Failure::Unauthorized,
        SenderProof::SignInNeeded | SenderProof::Impossible => Failure::Forbidden,
        _ if contact.trim().is_empty() => tuquan_domain::FieldError::new(
            "contact",
            tuquan_domain::FieldErrorKind::Required,
            "the phone or e-mail left when sending",
        )
        .into(),
        _ => tuquan_domain::FieldError::new(
            "contact",
            tuquan_domain::FieldErrorKind::UnknownValue,
            "not the contact left when sending",
        )
        .into(),
    })
}
