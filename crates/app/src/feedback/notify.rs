//! Notifications. Each is a [`FeedbackNotice`] built here and written by the store to the
//! outbox (docs/announcements.md, "Delivery") in the transaction of the change that causes
//! it: a refused or failed change sends nothing, and no change goes without its notice. In
//! the app at once, by e-mail through the worker for accounts that gave an address.

use tuquan_domain::access::{authorize, Action, Role};
use tuquan_domain::feedback::{Level, Responsible};
use tuquan_store::feedback::{DeadlineKind, FeedbackNotice};

use super::{FeedbackRecord, NotificationView};
use crate::{AppResult, Ctx};

/// One message to these accounts about the item with this tracking code; none without
/// accounts.
pub fn notice(
    ctx: &Ctx,
    users: Vec<tuquan_domain::UserId>,
    code: &str,
    kind: &str,
    message: String,
) -> Vec<FeedbackNotice> {
    if users.is_empty() {
        return Vec::new();
    }
    // Stable for this notice: the item, what happened, when (the request's instant) and
    // the text (two notices of one kind in one request differ by their text).
    let key = format!(
        "feedback-{code}-{kind}-{}-{:016x}",
        ctx.now.as_millisecond(),
        fnv1a(&message)
    );
    vec![FeedbackNotice {
        user_ids: users,
        kind: kind.to_owned(),
        message,
        key,
    }]
}

/// FNV-1a, 64 bits: a short, stable digest of a notice's text for its key.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The path of the unit at the responsible level above the unit at `unit_path`.
fn level_path(unit_path: &str, level: Level) -> String {
    let mut parts = unit_path.split('/');
    match level {
        Level::Province => parts.next().unwrap_or("").to_owned(),
        Level::Commune => parts.take(2).collect::<Vec<_>>().join("/"),
        Level::Unit => unit_path.to_owned(),
    }
}

/// The accounts holding `role` over the responsible level of the unit at `unit_path`.
async fn holders(
    ctx: &Ctx,
    unit_path: &str,
    level: Level,
    role: Role,
) -> AppResult<Vec<tuquan_domain::UserId>> {
    Ok(ctx
        .store()
        .users_with_role_over(role.as_str(), &level_path(unit_path, level))
        .await?)
}

/// The accounts responsible for an item now.
pub async fn responsible_users(
    ctx: &Ctx,
    item: &FeedbackRecord,
) -> AppResult<Vec<tuquan_domain::UserId>> {
    if let Some(a) = item.assignee_id {
        return Ok(vec![a]);
    }
    holders(ctx, &item.unit_path, item.level, item.role).await
}

/// A new item, to those responsible for it (computed before it is stored).
pub async fn arrived(
    ctx: &Ctx,
    unit_path: &str,
    responsible: &Responsible,
    code: &str,
    category: &str,
) -> AppResult<Vec<FeedbackNotice>> {
    let users = holders(ctx, unit_path, responsible.level, responsible.role).await?;
    let msg = format!("Phản ánh mới {code} ({category}) cần tiếp nhận.");
    Ok(notice(ctx, users, code, "feedback.arrived", msg))
}

pub fn assigned(
    ctx: &Ctx,
    item: &FeedbackRecord,
    user: tuquan_domain::UserId,
) -> Vec<FeedbackNotice> {
    let msg = format!("Bạn được giao xử lý phản ánh {}.", item.tracking_code);
    notice(
        ctx,
        vec![user],
        &item.tracking_code,
        "feedback.assigned",
        msg,
    )
}

/// An item escalated to `to`, to those responsible there (an escalation unassigns it).
pub async fn escalated(
    ctx: &Ctx,
    item: &FeedbackRecord,
    to: &Responsible,
) -> AppResult<Vec<FeedbackNotice>> {
    let users = holders(ctx, &item.unit_path, to.level, to.role).await?;
    let msg = format!(
        "Phản ánh {} đã quá hạn và được chuyển lên cấp {}.",
        item.tracking_code,
        to.level.as_str()
    );
    Ok(notice(
        ctx,
        users,
        &item.tracking_code,
        "feedback.escalated",
        msg,
    ))
}

pub async fn reopened(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<Vec<FeedbackNotice>> {
    let users = responsible_users(ctx, item).await?;
    let msg = format!("Người gửi đã mở lại phản ánh {}.", item.tracking_code);
    Ok(notice(
        ctx,
        users,
        &item.tracking_code,
        "feedback.reopened",
        msg,
    ))
}

/// Tells the submitter (if they have an account) about a public step.
pub fn public_step(ctx: &Ctx, item: &FeedbackRecord, step: &str) -> Vec<FeedbackNotice> {
    let Some(submitter) = item.submitter_id else {
        return Vec::new();
    };
    let msg = format!(
        "Phản ánh {} của bạn có cập nhật: {step}.",
        item.tracking_code
    );
    notice(
        ctx,
        vec![submitter],
        &item.tracking_code,
        "feedback.update",
        msg,
    )
}

/// Warns those responsible that a deadline is near.
pub async fn coming_due(
    ctx: &Ctx,
    item: &FeedbackRecord,
    kind: DeadlineKind,
    due: jiff::Timestamp,
) -> AppResult<Vec<FeedbackNotice>> {
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
    let users = responsible_users(ctx, item).await?;
    Ok(notice(
        ctx,
        users,
        &item.tracking_code,
        "feedback.reminder",
        msg,
    ))
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
    let before = super::row_cursor(cursor)?;
    let limit = i64::from(tuquan_domain::page::Limit::default().get());
    let mut rows = ctx
        .store()
        .notification_page(who.user.id, before, limit + 1)
        .await?;
    let next = super::cut_page(&mut rows, limit as usize, |r| r.id);
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
