//! Accounts and access: who is acting (sessions, API tokens), passwords and secrets.
//! The decision on what they may do is the domain's (`tuquan_domain::access::authorize`),
//! asked through [`crate::Ctx::authorize`].

use tuquan_domain::access::Actor;
use tuquan_domain::UserId;
use tuquan_store::StoreError;

pub use tuquan_store::sessions::{SessionRecord, TokenRecord};
pub use tuquan_store::users::{GrantRecord, UserRecord};

use crate::{App, AppError, AppResult, Ctx, RequestMeta};

pub mod audit;
pub mod secret;
pub mod sessions;
pub mod tokens;
pub mod users;

/// Sessions last a week from sign-in, then the user signs in again.
pub const SESSION_DAYS: i64 = 7;

/// A signed-in user, with their grants.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: UserRecord,
    pub actor: Actor,
    /// The browser session, when signed in through a page (not an API token).
    pub session: Option<SessionRecord>,
}

/// An account with its grants; `None` when unknown or disabled.
pub async fn authenticated(app: &App, user_id: UserId) -> AppResult<Option<Authenticated>> {
    let user = match app.store().user_by_id(user_id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if user.disabled {
        return Ok(None);
    }
    let grants = app.store().grants_of(user_id).await?;
    let actor = Actor {
        user_id,
        username: user.username.clone(),
        grants: grants.into_iter().map(|g| g.grant).collect(),
    };
    Ok(Some(Authenticated {
        user,
        actor,
        session: None,
    }))
}

/// The owner of an API token (with their grants); `None` for an unknown or revoked token or
/// a disabled account.
pub async fn by_token(app: &App, token: &str) -> AppResult<Option<Authenticated>> {
    let hash = secret::sha256_hex(token.trim());
    match app.store().token_owner(&hash).await? {
        None => Ok(None),
        Some(user_id) => authenticated(app, user_id).await,
    }
}

/// The owner of a browser session by the cookie's value; the session's last use is
/// recorded. `None` for an unknown or ended session or a disabled account.
pub async fn by_session(app: &App, session_id: &str) -> AppResult<Option<Authenticated>> {
    let Some(session) = app.store().session(&secret::sha256_hex(session_id)).await? else {
        return Ok(None);
    };
    app.store().touch_session(&session).await?;
    Ok(authenticated(app, session.user_id)
        .await?
        .map(|who| Authenticated {
            session: Some(session),
            ..who
        }))
}

/// A context acting as the account `username`, for the demo seeders (request id
/// `demo-seed`); not found when there is no such enabled account.
pub(crate) async fn as_user(app: &App, username: &str) -> AppResult<Ctx> {
    let user = app
        .store()
        .user_by_username(username)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = authenticated(app, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meta = RequestMeta {
        request_id: Some("demo-seed".into()),
        ..RequestMeta::default()
    };
    Ok(app.ctx(Some(who), meta))
}

/// The demo commune's khu phố other than Khu phố 1, smallest first (active households,
/// then code), as `official` sees them in the size report: the demo seeders choose from
/// this one list (the restructuring merges the three smallest and splits the largest), so
/// they agree on which khu phố those are.
pub(crate) async fn demo_khu_pho_by_size(
    official: &Ctx,
    commune: &str,
) -> AppResult<Vec<crate::restructuring::schemes::SizeRow>> {
    let report = crate::restructuring::schemes::size_report(official, commune).await?;
    let first = format!("{commune}-kp01");
    let mut kps: Vec<_> = (report.rows.into_iter())
        .filter(|r| r.unit.kind == "khu_pho" && r.unit.code != first)
        .collect();
    kps.sort_by_key(|r| (r.unit.households, r.unit.code.clone()));
    Ok(kps)
}
