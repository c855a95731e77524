//! The overdue flag: each item owed past its due date is flagged to its owner (if they have
//! an account) and to the unit's heads, at most once a day. `serve` runs [`run_once`] on its
//! ticker and `tuquan action-items run-jobs` runs it on demand. The store marks the item
//! flagged for the day in the transaction that writes the messages, and each message's
//! outbox key names the item, the day, the channel and the account, so a repeat — or two
//! servers racing — writes nothing twice.

use tuquan_domain::access::Role;
use tuquan_store::outbox::NewMessage;

use super::meetings::vn_date;
use super::ActionItemRecord;
use crate::{App, AppResult, Ctx};

/// Flags the overdue items as the system ("action-items"). Returns how many were flagged.
pub async fn run_once(app: &App) -> AppResult<usize> {
    flag_overdue(&app.system("action-items")).await
}

/// Flags every overdue item not flagged today.
pub async fn flag_overdue(ctx: &Ctx) -> AppResult<usize> {
    let today = ctx.today().to_string();
    let mut after = tuquan_domain::ActionItemId(0);
    let mut flagged = 0;
    loop {
        let page = ctx.store().action_items_to_flag(&today, after, 200).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for item in &page {
            let msgs = messages(ctx, item, &today).await?;
            if ctx
                .store()
                .flag_action_item(item, &today, &msgs, &ctx.audit_ctx())
                .await?
            {
                flagged += 1;
            }
        }
    }
    Ok(flagged)
}

/// The owner's account and the heads of the unit (and of the units above it), each once.
async fn recipients(ctx: &Ctx, item: &ActionItemRecord) -> AppResult<Vec<tuquan_domain::UserId>> {
    let mut users: Vec<tuquan_domain::UserId> = item.holder_user_id.into_iter().collect();
    for u in ctx
        .store()
        .users_with_role_over(Role::UnitHead.as_str(), &item.unit_path)
        .await?
    {
        if !users.contains(&u) {
            users.push(u);
        }
    }
    Ok(users)
}

async fn messages(ctx: &Ctx, item: &ActionItemRecord, today: &str) -> AppResult<Vec<NewMessage>> {
    let text = format!(
        "Việc quá hạn: “{}” — {} — hạn {} ({}).",
        item.title,
        super::meetings::owner_label(item),
        vn_date(&item.due_on),
        item.unit_name
    );
    let mut out = Vec::new();
    for user in recipients(ctx, item).await? {
        let mut channels = vec![("in_app", user.to_string())];
        if let Some(address) = ctx.store().email_of(user).await? {
            channels.push(("email", address));
        }
        for (channel, recipient) in channels {
            out.push(NewMessage {
                idempotency_key: format!(
                    "action-item-{}-overdue-{today}-{channel}-{user}",
                    item.id
                ),
                channel: channel.into(),
                recipient,
                user_id: Some(user),
                subject: text.clone(),
                body: format!("{text}\n\n/action-items/{}", item.id),
                purpose: "action_item.overdue".into(),
                about_type: "action_item".into(),
                about_id: item.id.get(),
            });
        }
    }
    Ok(out)
}
