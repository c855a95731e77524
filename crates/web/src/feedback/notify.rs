//! Notifications. Everything goes through [`send`]: today it files an in-app notification;
//! other channels (SMS, Zalo, e-mail) are added there, behind this one interface.

use tuquan_domain::feedback::Level;
use tuquan_store::feedback::FeedbackRecord;

use crate::error::Failure;
use crate::AppState;

/// Delivers one message to these accounts about an item.
pub async fn send(
    state: &AppState,
    users: &[i64],
    item: Option<&FeedbackRecord>,
    kind: &str,
    message: &str,
) -> Result<(), Failure> {
    if users.is_empty() {
        return Ok(());
    }
    state
        .store
        .notify(users, item.map(|i| i.id), kind, message)
        .await?;
    Ok(())
}

/// The path of the unit at the item's responsible level.
fn level_path(item: &FeedbackRecord) -> String {
    let mut parts = item.unit_path.split('/');
    match Level::parse(&item.level) {
        Some(Level::Province) => parts.next().unwrap_or("").to_owned(),
        Some(Level::Commune) => parts.take(2).collect::<Vec<_>>().join("/"),
        _ => item.unit_path.clone(),
    }
}

/// The accounts responsible for an item now.
pub async fn responsible_users(
    state: &AppState,
    item: &FeedbackRecord,
) -> Result<Vec<i64>, Failure> {
    if let Some(a) = item.assignee_id {
        return Ok(vec![a]);
    }
    let path = level_path(item);
    let mut users = state.store.users_with_role_over(&item.role, &path).await?;
    users.retain(|_| true);
    Ok(users)
}

pub async fn arrived(state: &AppState, item: &FeedbackRecord) -> Result<(), Failure> {
    let users = responsible_users(state, item).await?;
    let msg = format!(
        "Phản ánh mới {} ({}) cần tiếp nhận.",
        item.tracking_code, item.category
    );
    send(state, &users, Some(item), "feedback.arrived", &msg).await
}

pub async fn assigned(state: &AppState, item: &FeedbackRecord, user: i64) -> Result<(), Failure> {
    let msg = format!("Bạn được giao xử lý phản ánh {}.", item.tracking_code);
    send(state, &[user], Some(item), "feedback.assigned", &msg).await
}

pub async fn escalated(state: &AppState, item: &FeedbackRecord) -> Result<(), Failure> {
    let users = responsible_users(state, item).await?;
    let msg = format!(
        "Phản ánh {} đã quá hạn và được chuyển lên cấp {}.",
        item.tracking_code, item.level
    );
    send(state, &users, Some(item), "feedback.escalated", &msg).await
}

pub async fn reopened(state: &AppState, item: &FeedbackRecord) -> Result<(), Failure> {
    let users = responsible_users(state, item).await?;
    let msg = format!("Người gửi đã mở lại phản ánh {}.", item.tracking_code);
    send(state, &users, Some(item), "feedback.reopened", &msg).await
}

/// Tells the submitter (if they have an account) about a public step.
pub async fn public_step(
    state: &AppState,
    item: &FeedbackRecord,
    step: &str,
) -> Result<(), Failure> {
    let Some(submitter) = item.submitter_id else {
        return Ok(());
    };
    let msg = format!(
        "Phản ánh {} của bạn có cập nhật: {step}.",
        item.tracking_code
    );
    send(state, &[submitter], Some(item), "feedback.update", &msg).await
}

/// Warns those responsible that a deadline is near.
pub async fn coming_due(
    state: &AppState,
    item: &FeedbackRecord,
    kind: tuquan_store::feedback::DeadlineKind,
    due: jiff::Timestamp,
) -> Result<(), Failure> {
    let users = responsible_users(state, item).await?;
    let when = due
        .to_zoned(tuquan_domain::time::vietnam())
        .strftime("%H:%M %d/%m/%Y");
    let what = match kind {
        tuquan_store::feedback::DeadlineKind::Acknowledge => "tiếp nhận",
        tuquan_store::feedback::DeadlineKind::Resolve => "giải quyết",
    };
    let msg = format!(
        "Phản ánh {} sắp đến hạn {what}: {when}.",
        item.tracking_code
    );
    send(state, &users, Some(item), "feedback.reminder", &msg).await
}
