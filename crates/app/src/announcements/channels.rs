//! Each account chooses its channels (in the app, e-mail, SMS/Zalo through the webhook) and
//! its addresses; the outbox writes nothing on a channel turned off. Residents still receive
//! e-mail and SMS only for purposes they consented to (see `tuquan_store::announcements`).

use tuquan_domain::{FieldError, FieldErrorKind};

use super::ChannelChoice;
use crate::{AppResult, Ctx};

/// What the account page sends: each channel on or off, the e-mail address and the phone.
#[derive(Debug, Clone, Default)]
pub struct ChannelsInput {
    pub in_app: bool,
    pub email: bool,
    pub sms: bool,
    pub email_address: String,
    pub sms_address: String,
}

/// Checks an address for `channel`; empty means none.
pub(crate) fn check_address(channel: &str, address: &str) -> Result<Option<String>, FieldError> {
    let address = address.trim();
    if address.is_empty() {
        return Ok(None);
    }
    let (field, valid) = match channel {
        "email" => ("email_address", address.parse::<lettre::Address>().is_ok()),
        _ => (
            "sms_address",
            address.len() <= 20
                && address.trim_start_matches('+').len() >= 8
                && address
                    .chars()
                    .enumerate()
                    .all(|(i, c)| c.is_ascii_digit() || (i == 0 && c == '+')),
        ),
    };
    if !valid {
        return Err(FieldError::new(
            field,
            FieldErrorKind::InvalidFormat,
            "bad address",
        ));
    }
    Ok(Some(address.to_owned()))
}

/// The signed-in account's channels and addresses.
pub async fn my_channels(ctx: &Ctx) -> AppResult<Vec<ChannelChoice>> {
    let who = ctx.who()?;
    Ok(ctx.store().account_channels(who.user.id).await?)
}

/// Stores the signed-in account's choice; both addresses are checked before anything is
/// written.
pub async fn set_my_channels(ctx: &Ctx, input: &ChannelsInput) -> AppResult<()> {
    let who = ctx.who()?;
    let email = check_address("email", &input.email_address)?;
    let sms = check_address("sms", &input.sms_address)?;
    let choice = |channel: &str, enabled, address| ChannelChoice {
        channel: channel.to_owned(),
        enabled,
        address,
    };
    let choices = [
        choice("in_app", input.in_app, None),
        choice("email", input.email, email),
        choice("sms", input.sms, sms),
    ];
    ctx.store()
        .set_account_channels(who.user.id, &choices, &ctx.audit_ctx())
        .await?;
    Ok(())
}
