//! Periodic work on feedback: escalating what is overdue and reminding what comes due.
//! `serve` runs [`run_once`] every minute; `tuquan feedback run-jobs` runs it on demand
//! (from cron, or in tests after moving a deadline). Each runs as the system
//! (`app.system("escalation")`).

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use tuquan_domain::feedback::{reminder_due, reminder_lead_minutes, Category, Responsible, Status};
use tuquan_domain::FeedbackId;
use tuquan_store::feedback::DeadlineKind;

use super::{notify, FeedbackFilter, FeedbackRecord};
use crate::{App, AppResult, Ctx};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JobReport {
    pub escalated: usize,
    pub reminded: usize,
}

/// Escalates overdue items, then sends the reminders that are due.
pub async fn run_once(app: &App) -> AppResult<JobReport> {
    let ctx = app.system("escalation");
    let escalated = escalate_overdue(&ctx).await?;
    let reminded = remind_coming_due(&ctx).await?;
    Ok(JobReport {
        escalated,
        reminded,
    })
}

/// Escalates every overdue open item one level, once per missed deadline.
pub async fn escalate_overdue(ctx: &Ctx) -> AppResult<usize> {
    let now = tuquan_store::stamp(ctx.now);
    let mut done = 0;
    let mut before = None;
    loop {
        let page = ctx
            .store()
            .list_feedback(&FeedbackFilter {
                overdue_at: Some(now.clone()),
                before_id: before,
                limit: 200,
                ..Default::default()
            })
            .await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        for item in &page {
            let missed = i64::from(item.ack_due_at < now && item.acknowledged_at.is_none())
                + i64::from(item.resolve_due_at < now && item.status().is_open());
            if item.escalations < missed {
                let current = Responsible {
                    level: item.level,
                    role: item.role,
                };
                let to = current.escalate();
                let notices = notify::escalated(ctx, item, &to).await?;
                ctx.store()
                    .escalate_feedback(item, &to, &notices, &ctx.audit_ctx())
                    .await?;
                done += 1;
            }
        }
    }
    Ok(done)
}

/// Holidays can stretch a few working hours over many calendar days (Tết); items further
/// than this are not looked at.
const LOOKAHEAD_DAYS: i64 = 21;

/// Reminds the responsible people of each deadline once, when a quarter of the category's
/// time (at least one working hour) is left. Returns how many reminders went out.
pub async fn remind_coming_due(ctx: &Ctx) -> AppResult<usize> {
    let now = tuquan_store::stamp(ctx.now);
    let until = tuquan_store::stamp(ctx.now + SignedDuration::from_hours(24 * LOOKAHEAD_DAYS));
    let calendar = ctx.store().work_calendar().await?;
    let mut categories: HashMap<String, Vec<Category>> = HashMap::new();
    let mut sent = 0;
    let mut after = FeedbackId(0);
    loop {
        let page = ctx
            .store()
            .feedback_coming_due(&now, &until, after, 200)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for item in &page {
            if !categories.contains_key(&item.commune_code) {
                let cats = ctx.store().categories_for(&item.commune_code).await?;
                categories.insert(item.commune_code.clone(), cats);
            }
            let Some(cat) = categories[&item.commune_code]
                .iter()
                .find(|c| c.code == item.category)
            else {
                continue;
            };
            for (kind, due, window) in pending_deadlines(item, cat) {
                let Ok(due_ts) = due.parse::<Timestamp>() else {
                    continue;
                };
                if !reminder_due(ctx.now, due_ts, reminder_lead_minutes(window), &calendar) {
                    continue;
                }
                let notices = notify::coming_due(ctx, item, kind, due_ts).await?;
                if ctx
                    .store()
                    .claim_reminder(item.id, kind, due, &notices)
                    .await?
                {
                    sent += 1;
                }
            }
        }
    }
    Ok(sent)
}

/// The deadlines still ahead of an item: acknowledging while it is new, answering while
/// it is open; with the time the category allows for each.
fn pending_deadlines<'a>(
    item: &'a FeedbackRecord,
    cat: &Category,
) -> Vec<(DeadlineKind, &'a str, i64)> {
    let status = item.status();
    let mut out = Vec::new();
    if status == Status::New {
        out.push((
            DeadlineKind::Acknowledge,
            item.ack_due_at.as_str(),
            cat.ack_minutes,
        ));
    }
    if status.is_open() {
        out.push((
            DeadlineKind::Resolve,
            item.resolve_due_at.as_str(),
            cat.resolve_minutes,
        ));
    }
    out
}
