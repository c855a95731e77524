//! Notices about an item, written to the outbox (docs/announcements.md, "Delivery") in the
//! transaction of the change that causes them, so that a change is never without its
//! notice and a refused or failed change never sends one: in the app to each account
//! (delivered at once: the notification and the outbox row marked sent) and, where the
//! account gave an e-mail address, by e-mail (pending, for the worker).

/// A notice to write with a change of an item.
#[derive(Debug, Clone)]
pub struct FeedbackNotice {
    pub user_ids: Vec<tuquan_domain::UserId>,
    /// What happened (`feedback.arrived`, …): the message's purpose.
    pub kind: String,
    pub message: String,
    /// Stable for this notice; each message's idempotency key is `{key}-{channel}-{user}`,
    /// so the same notice is never written twice.
    pub key: String,
}

impl FeedbackNotice {
    pub(crate) fn message_for(
        &self,
        channel: &str,
        recipient: String,
        user: tuquan_domain::UserId,
        feedback_id: tuquan_domain::FeedbackId,
    ) -> crate::outbox::NewMessage {
        crate::outbox::NewMessage {
            idempotency_key: format!("{}-{channel}-{user}", self.key),
            channel: channel.to_owned(),
            recipient,
            user_id: Some(user),
            subject: self.message.clone(),
            body: self.message.clone(),
            purpose: self.kind.clone(),
            about_type: "feedback".to_owned(),
            about_id: feedback_id.get(),
        }
    }
}

/// Writes notices about the item `$feedback_id` on a transaction `$tx` (the change's) and
/// evaluates to a `Result`. A macro so that one text serves both backends.
macro_rules! insert_notices {
    ($tx:ident, $notices:expr, $feedback_id:expr, $ts:expr) => {
        async {
            let notices: &[$crate::feedback::FeedbackNotice] = $notices;
            let feedback_id: tuquan_domain::FeedbackId = $feedback_id;
            let ts: &str = $ts;
            for n in notices {
                let mut msgs = Vec::with_capacity(n.user_ids.len() * 2);
                for &u in &n.user_ids {
                    msgs.push(n.message_for("in_app", u.to_string(), u, feedback_id));
                    let email: Option<String> = sqlx::query_scalar(
                        "SELECT address FROM delivery_addresses WHERE user_id = $1 AND channel = 'email'",
                    )
                    .bind(u.get())
                    .fetch_optional(&mut *$tx)
                    .await?;
                    if let Some(address) = email {
                        msgs.push(n.message_for("email", address, u, feedback_id));
                    }
                }
                $crate::outbox::insert_messages!($tx, &msgs, ts, true);
            }
            Ok::<(), $crate::StoreError>(())
        }
        .await
    };
}
pub(crate) use insert_notices;
