//! Resident feedback: submission (routing, deadlines, tracking code, photos), the workflow
//! steps of staff and of the sender, public views, the staff inbox and a commune's settings,
//! notifications and the periodic jobs. Each use case loads what it acts on and makes the one
//! authorization check on its unit; the store audits every change.

use tuquan_domain::feedback::{Category, SenderOf, Status, TrackingCode};
use tuquan_domain::territory::{Tier, Unit, UnitCode};
use tuquan_domain::{FeedbackId, FieldError, FieldErrorKind};
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

pub mod humanity;
pub mod inbox;
pub mod jobs;
pub mod names;
pub mod notify;
pub mod public;
pub mod sender;
pub mod settings;
pub mod submit;
pub mod workflow;

pub use names::{category_name, Names};
pub use public::{PublicFeedback, PublicStep};
pub use submit::{submit, submit_with_proof};
pub use tuquan_store::feedback::{
    CategorySetting, FeedbackEvent, FeedbackFilter, FeedbackRecord, GrantHolder, NotificationView,
};
pub use workflow::StepInput;

/// Days after resolution during which the submitter may reopen.
pub const REOPEN_DAYS: i64 = 14;

pub(crate) fn invalid(field: &'static str, kind: FieldErrorKind, detail: &str) -> AppError {
    FieldError::new(field, kind, detail).into()
}

/// The commune a unit belongs to (itself for a commune).
pub fn commune_code(unit: &Unit) -> String {
    unit.code.split('-').next().unwrap_or(&unit.code).to_owned()
}

/// What an item tells about its sender (see `tuquan_domain::feedback::policy`).
pub fn sender_of(item: &FeedbackRecord) -> SenderOf<'_> {
    SenderOf {
        submitter_id: item.submitter_id,
        contact_phone: item.contact_phone.as_deref(),
        contact_email: item.contact_email.as_deref(),
    }
}

/// An item by its tracking code. Tracking codes are public; a malformed or unknown code is
/// "not found".
pub async fn by_code(ctx: &Ctx, code: &str) -> AppResult<FeedbackRecord> {
    let code = TrackingCode::parse(code).map_err(|_| AppError::NotFound)?;
    Ok(ctx.store().feedback_by_code(code.as_str()).await?)
}

/// Like [`by_code`], but `None` for a malformed or unknown code (the lookup box).
pub async fn find(ctx: &Ctx, code: &str) -> AppResult<Option<FeedbackRecord>> {
    match by_code(ctx, code).await {
        Ok(item) => Ok(Some(item)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The unit feedback is about: a commune or a residential unit, current.
pub async fn feedback_unit(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    let unknown = || invalid("unit_code", FieldErrorKind::UnknownValue, "no such unit");
    let code = UnitCode::parse(code).map_err(|e| match e.kind {
        FieldErrorKind::Required => invalid("unit_code", FieldErrorKind::Required, "empty"),
        _ => unknown(),
    })?;
    let unit = match ctx.store().unit(code.as_str()).await {
        Ok(u) => u.unit,
        Err(StoreError::NotFound) => return Err(unknown()),
        Err(e) => return Err(e.into()),
    };
    if unit.kind.tier() == Tier::Province || unit.valid_to.is_some() {
        return Err(invalid(
            "unit_code",
            FieldErrorKind::NotAllowedHere,
            "a commune or a residential unit",
        ));
    }
    Ok(unit)
}

/// The categories a commune takes feedback in (public).
pub async fn categories(ctx: &Ctx, commune: &str) -> AppResult<Vec<Category>> {
    Ok(ctx.store().categories_for(commune).await?)
}

/// The category of a commune by code.
pub async fn category(ctx: &Ctx, commune: &str, code: &str) -> AppResult<Category> {
    if code.trim().is_empty() {
        return Err(invalid("category", FieldErrorKind::Required, "empty"));
    }
    categories(ctx, commune)
        .await?
        .into_iter()
        .find(|c| c.code == code.trim())
        .ok_or_else(|| {
            invalid(
                "category",
                FieldErrorKind::UnknownValue,
                "no such category here",
            )
        })
}

/// Whether `status` is one of the known ones (for filters).
pub fn parse_status(raw: &str) -> AppResult<Option<String>> {
    match raw.trim() {
        "" => Ok(None),
        s => Status::parse(s)
            .map(|s| Some(s.as_str().to_owned()))
            .ok_or_else(|| invalid("status", FieldErrorKind::UnknownValue, "not a status")),
    }
}

/// A paging cursor (an item id, so positive), absent when blank. Anything else is a 400
/// naming `cursor`, not an empty page.
pub(crate) fn cursor(raw: Option<&str>) -> AppResult<Option<FeedbackId>> {
    Ok(row_cursor(raw)?.map(FeedbackId))
}

/// Cuts a keyset page read with one row more than `limit` (the extra row tells that there is
/// a next page) and returns the next page's cursor, the last kept row's `key`.
pub(crate) fn cut_page<T, K>(rows: &mut Vec<T>, limit: usize, key: impl Fn(&T) -> K) -> Option<K> {
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last().map(key)
}

/// [`cursor`] for lists paged by another table's row id (notifications).
pub(crate) fn row_cursor(raw: Option<&str>) -> AppResult<Option<i64>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(c) => match c.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(invalid(
                "cursor",
                FieldErrorKind::InvalidFormat,
                "malformed cursor",
            )),
        },
    }
}

/// A category filter: absent when blank, else a code some commune uses (400 naming
/// `category` otherwise, not an empty page).
pub(crate) async fn category_filter(ctx: &Ctx, raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(c) if ctx.store().category_known(c).await? => Ok(Some(c.to_owned())),
        Some(_) => Err(invalid(
            "category",
            FieldErrorKind::UnknownValue,
            "no such category",
        )),
    }
}

/// Whether the submitter may still reopen a resolved item at `now`.
pub fn within_reopen_window(item: &FeedbackRecord, now: jiff::Timestamp) -> bool {
    let Some(resolved) = item.resolved_at.as_deref() else {
        return false;
    };
    let Ok(at) = resolved.parse::<jiff::Timestamp>() else {
        return false;
    };
    now < at + jiff::SignedDuration::from_hours(24 * REOPEN_DAYS)
}

/// A time in the stored format (what `FeedbackRecord`'s times compare with).
pub fn stamp(t: jiff::Timestamp) -> String {
    tuquan_store::stamp(t)
}
