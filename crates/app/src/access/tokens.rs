//! API tokens: created by their owner (or the operator on the command line), shown once,
//! stored only as a hash.

use tuquan_domain::access::TokenId;
use tuquan_domain::{FieldError, FieldErrorKind};

use super::{secret, TokenRecord};
use crate::{AppError, AppResult, Ctx};
use tuquan_domain::UserId;

/// The longest token name.
const NAME_MAX: usize = 60;

/// A token's name: cleaned, 1 to 60 characters.
fn token_name(raw: &str) -> AppResult<String> {
    let name = tuquan_domain::text::clean(raw);
    if name.is_empty() {
        return Err(FieldError::new("name", FieldErrorKind::Required, "empty").into());
    }
    if name.chars().count() > NAME_MAX {
        let kind = FieldErrorKind::TooLong { max: NAME_MAX };
        return Err(FieldError::new("name", kind, "long").into());
    }
    Ok(name)
}

/// A token just created: its name and the secret, never stored in clear.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub token: String,
}

async fn issue(ctx: &Ctx, user_id: UserId, raw_name: &str) -> AppResult<NewToken> {
    let name = token_name(raw_name)?;
    let token = format!("tq_{}", secret::random_token());
    ctx.store()
        .create_token(
            user_id,
            &name,
            &secret::sha256_hex(&token),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(NewToken { name, token })
}

/// Creates an API token for the actor.
pub async fn create_token(ctx: &Ctx, name: &str) -> AppResult<NewToken> {
    let id = ctx.who()?.user.id;
    issue(ctx, id, name).await
}

/// Creates an API token for the account `username`: for the operator's command line, who
/// holds the database anyway (a context from `App::system`).
pub async fn create_token_for(ctx: &Ctx, username: &str, name: &str) -> AppResult<NewToken> {
    if ctx.actor.is_some() {
        return Err(AppError::Forbidden);
    }
    let user = ctx
        .store()
        .user_by_username(username)
        .await?
        .ok_or(AppError::NotFound)?;
    issue(ctx, user.id, name).await
}

/// One of the actor's own tokens that is still valid (to confirm revoking it).
pub async fn active_token(ctx: &Ctx, token_id: TokenId) -> AppResult<TokenRecord> {
    let id = ctx.who()?.user.id;
    ctx.store()
        .tokens_of(id)
        .await?
        .into_iter()
        .find(|t| t.id == token_id && t.revoked_at.is_none())
        .ok_or(AppError::NotFound)
}

/// Revokes one of the actor's own tokens.
pub async fn revoke_token(ctx: &Ctx, token_id: TokenId) -> AppResult<()> {
    let id = ctx.who()?.user.id;
    ctx.store()
        .revoke_token(id, token_id, &ctx.audit_ctx())
        .await?;
    Ok(())
}
