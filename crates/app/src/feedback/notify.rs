//! Notifications. Everything goes through [`send`], which writes the messages to the outbox
//! (docs/announcements.md, "Delivery"): in the app at once, by e-mail through the worker
//! for accounts that gave an address.

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::Level;
use tuquan_domain::UserId;
use tuquan_store::feedback::DeadlineKind;

use super::{FeedbackRecord, NotificationView};
use crate::{AppResult, Ctx};

/// Delivers one message to these accounts about an item.
pub async fn send(
    ctx: &Ctx,
    users: &[UserId],
    item: Option<&FeedbackRecord>,
    kind: &str,
    message: &str,
) -> AppResult<()> {
    if users.is_empty() {
        return Ok(());
    }
    // Stable for this notice: the item, what happened, when (the request's instant) and
    // the text (two notices of one kind in one request differ by their text).
    let key = format!(
        "feedback-{}-{kind}-{}-{:016x}",
        item.map_or(0, |i| i.id),
        ctx.now.as_millisecond(),
        fnv1a(message)
    );
    ctx.store()
        .notify(users, item.map(|i| i.id), kind, message, &key)
        .await?;
    Ok(())
}

/// FNV-1a, 64 bits: a short, stable digest of a notice's text for its key.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The path of the unit at the item's responsible level.
fn level_path(item: &FeedbackRecord) -> String {
    let mut parts = item.unit_path.split('/');
    match item.level {
        Level::Province => parts.next().unwrap_or("").to_owned(),
        Level::Commune => parts.take(2).collect::<Vec<_>>().join("/"),
        Level::Unit => item.unit_path.clone(),
    }
}

/// The accounts responsible for an item now.
pub async fn responsible_users(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<Vec<UserId>> {
    if let Some(a) = item.assignee_id {
        return Ok(vec![a]);
    }
    let path = level_path(item);
    Ok(ctx
        .store()
        .users_with_role_over(item.role.as_str(), &path)
        .await?)
}

/// Tells those responsible; `message` is built from the item.
async fn to_responsible(ctx: &Ctx, item: &FeedbackRecord, kind: &str, msg: &str) -> AppResult<()> {
    let users = responsible_users(ctx, item).await?;
    send(ctx, &users, Some(item), kind, msg).await
}

pub async fn arrived(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<()> {
    let msg = format!(
        "Phản ánh mới {} ({}) cần tiếp nhận.",
        item.tracking_code, item.category
    );
    to_responsible(ctx, item, "feedback.arrived", &msg).await
}

pub async fn assigned(ctx: &Ctx, item: &FeedbackRecord, user: UserId) -> AppResult<()> {
    let msg = format!("Bạn được giao xử lý phản ánh {}.", item.tracking_code);
    send(ctx, &[user], Some(item), "feedback.assigned", &msg).await
}

pub async fn escalated(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<()> {
    let msg = format!(
        "Phản ánh {} đã quá hạn và được chuyển lên cấp {}.",
        item.tracking_code,
        item.level.as_str()
    );
    to_responsible(ctx, item, "feedback.escalated", &msg).await
}

pub async fn reopened(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<()> {
    let msg = format!("Người gửi đã mở lại phản ánh {}.", item.tracking_code);
    to_responsible(ctx, item, "feedback.reopened", &msg).await
}

/// Tells the submitter (if they have an account) about a public step.
pub async fn public_step(ctx: &Ctx, item: &FeedbackRecord, step: &str) -> AppResult<()> {
    let Some(submitter) = item.submitter_id else {
        return Ok(());
    };
    let msg = format!(
        "Phản ánh {} của bạn có cập nhật: {step}.",
        item.tracking_code
    );
    send(ctx, &[submitter], Some(item), "feedback.update", &msg).await
}

/// Warns those responsible that a deadline is near.
pub async fn coming_due(
    ctx: &Ctx,
    item: &FeedbackRecord,
    kind: DeadlineKind,
    due: jiff::Timestamp,
) -> AppResult<()> {
    let when = due
        .to_zoned(tuquan_domain::time::vietnam())
        .strftime("%H:%M %d/%m/%Y");
    let what = match kind {
        DeadlineKind::Acknowledge => "tiếp nhận",
        DeadlineKind::Resolve => "giải quyết",
    };
    let msg = format!(
        "Phản ánh {} sắp đến hạn {what}: {when}.",
        item.tracking_code
    );
    to_responsible(ctx, item, "feedback.reminder", &msg).await
}

/// A notification of the actor, and whether they handle its item (staff go to the inbox
/// page, the sender to the public page).
pub struct Notice {
    pub view: NotificationView,
    pub handles: bool,
}

/// One page of the actor's notifications, newest first.
pub struct NoticePage {
    pub rows: Vec<Notice>,
    pub next: Option<i64>,
    pub unread: i64,
}

/// One page of the actor's notifications after `cursor` (an id), with the unread count.
pub async fn page(ctx: &Ctx, cursor: Option<&str>) -> AppResult<NoticePage> {
    let who = ctx.who()?;
    let before = super::cursor(cursor)?;
    let limit = i64::from(tuquan_domain::page::Limit::default().get());
    let mut rows = ctx
        .store()
        .notification_page(who.user.id, before, limit + 1)
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let rows =
        rows.into_iter()
            .map(|view| Notice {
                handles: view.unit_path.as_deref().is_some_and(|p| {
                    authorize(&who.actor, Action::FeedbackHandle, Some(p)).is_ok()
                }),
                view,
            })
            .collect();
    let unread = ctx.store().unread_notifications(who.user.id).await?;
    Ok(NoticePage { rows, next, unread })
}

/// Marks every notification of the actor read (audited).
pub async fn mark_all_read(ctx: &Ctx) -> AppResult<()> {
    let who = ctx.who()?;
    ctx.store()
        .mark_notifications_read(who.user.id, &ctx.audit_ctx())
        .await?;
    Ok(())
}
