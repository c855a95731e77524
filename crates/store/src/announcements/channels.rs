//! Where and how each account receives messages: its addresses (`delivery_addresses`) and
//! the channels it turned on or off (`account_channels`; no row means on).

use serde_json::json;
use tuquan_domain::UserId;

use crate::audit::{audited_tx, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

/// The channels an account can choose.
pub const CHANNELS: [&str; 3] = ["in_app", "email", "sms"];

/// One channel of an account: on or off, and its address where it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelChoice {
    pub channel: String,
    pub enabled: bool,
    pub address: Option<String>,
}

/// SQL: the channel `ch` is not turned off for the account `user` (a column expression).
pub(crate) fn channel_on(user: &str, ch: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM account_channels ac WHERE ac.user_id = {user} \
         AND ac.channel = '{ch}' AND ac.enabled = FALSE)"
    )
}

impl Store {
    /// Every channel of the account, in the order of [`CHANNELS`].
    pub async fn account_channels(
        &self,
        user_id: UserId,
    ) -> Result<Vec<ChannelChoice>, StoreError> {
        let off: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT channel FROM account_channels WHERE user_id = $1 AND enabled = FALSE",
            )
            .bind(user_id.get())
            .fetch_all(p)
            .await?
        });
        let addresses: Vec<(String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT channel, address FROM delivery_addresses WHERE user_id = $1")
                .bind(user_id.get())
                .fetch_all(p)
                .await?
        });
        Ok(CHANNELS
            .iter()
            .map(|c| ChannelChoice {
                channel: (*c).to_owned(),
                enabled: !off.iter().any(|o| o == c),
                address: addresses
                    .iter()
                    .find(|(ch, _)| ch == c)
                    .map(|(_, a)| a.clone()),
            })
            .collect())
    }

    /// Stores the account's choices in one transaction: each channel on or off, and the
    /// e-mail and SMS addresses (`None` removes one).
    pub async fn set_account_channels(
        &self,
        user_id: UserId,
        choices: &[ChannelChoice],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let after = json!(choices
            .iter()
            .map(|c| json!({"channel": c.channel, "enabled": c.enabled, "address_set": c.address.is_some()}))
            .collect::<Vec<_>>());
        audited_tx!(self, ctx, tx => {
            for c in choices {
                sqlx::query(
                    "INSERT INTO account_channels (user_id, channel, enabled, updated_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, channel) DO UPDATE SET \
                     enabled = excluded.enabled, updated_at = excluded.updated_at",
                )
                .bind(user_id.get())
                .bind(&c.channel)
                .bind(c.enabled)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
                if c.channel == "in_app" {
                    continue;
                }
                sqlx::query("DELETE FROM delivery_addresses WHERE user_id = $1 AND channel = $2")
                    .bind(user_id.get())
                    .bind(&c.channel)
                    .execute(&mut *tx)
                    .await?;
                if let Some(addr) = &c.address {
                    sqlx::query(
                        "INSERT INTO delivery_addresses (user_id, channel, address, updated_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(user_id.get())
                    .bind(&c.channel)
                    .bind(addr)
                    .bind(&ts)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let entry = AuditEntry {
                action: "user.channels",
                target_type: "user",
                target_id: user_id.to_string(),
                unit_path: None,
                before: None,
                after: Some(after),
            };
            ((), entry)
        });
        Ok(())
    }
}
