//! Who is asking: sessions (pages), API tokens (`/api/`), and the extractors through which
//! handlers declare what they need. The decision itself is the domain's
//! (`tuquan_domain::access::authorize`).

use std::marker::PhantomData;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use tuquan_domain::access::{allowed, authorize, Action, Target};

use crate::error::Failure;
use crate::AppState;

pub mod csrf;
pub mod proxy;

pub const SESSION_COOKIE: &str = "tq_session";
pub const CSRF_COOKIE: &str = "tq_csrf";

pub use tuquan_app::access::{secret, Authenticated, SESSION_DAYS};

/// The value of one cookie.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_from(&parts.headers, name)
}

/// The value of one cookie, owned.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    cookie_from(headers, name).map(str::to_owned)
}

fn cookie_from<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the product's flags.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}

/// The owner of an API token (with their grants); `None` for an unknown or revoked token or
/// a disabled account. Also used by Open311, where the token comes as `api_key`.
pub(crate) async fn authenticate_token(
    state: &AppState,
    token: &str,
) -> Result<Option<Authenticated>, Failure> {
    Ok(tuquan_app::access::by_token(&state.app, token).await?)
}

/// Works out who is asking; cached in the request so several extractors cost one lookup.
pub(crate) async fn resolve(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<Authenticated>, Failure> {
    if let Some(cached) = parts.extensions.get::<Option<Authenticated>>() {
        return Ok(cached.clone());
    }
    let is_api = parts.uri.path().starts_with("/api/");
    let who = if is_api {
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.strip_prefix("Bearer ").unwrap_or(""));
        match bearer {
            None => None,
            // A presented but unknown or revoked token is an error, not anonymity.
            Some(token) => Some(
                authenticate_token(state, token)
                    .await?
                    .ok_or(Failure::Unauthorized)?,
            ),
        }
    } else {
        match cookie(parts, SESSION_COOKIE) {
            None => None,
            Some(id) => tuquan_app::access::by_session(&state.app, id).await?,
        }
    };
    parts.extensions.insert(who.clone());
    Ok(who)
}

/// Anyone; `None` when not signed in.
pub struct MaybeUser(pub Option<Authenticated>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        Ok(Self(resolve(parts, state).await?))
    }
}

/// A signed-in user whose password needs no change.
pub struct CurrentUser(pub Authenticated);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let who = resolve(parts, state).await?.ok_or(Failure::Unauthorized)?;
        if who.user.must_change_password {
            return Err(Failure::PasswordChangeRequired);
        }
        Ok(Self(who))
    }
}

/// A signed-in user even if they must change their password (for the change itself).
pub struct SignedIn(pub Authenticated);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        Ok(Self(
            resolve(parts, state).await?.ok_or(Failure::Unauthorized)?,
        ))
    }
}

/// A capability a handler requires; see [`Can`].
pub trait Capability: Send + Sync + 'static {
    const ACTION: Action;
}

macro_rules! capabilities {
    ($($name:ident => $action:ident),* $(,)?) => {
        $(
            #[doc = concat!("Marker for `Action::", stringify!($action), "`.")]
            pub struct $name;
            impl Capability for $name {
                const ACTION: Action = Action::$action;
            }
        )*
    };
}

capabilities! {
    UnitCreate => UnitCreate,
    HouseholdView => HouseholdView,
    HouseholdEdit => HouseholdEdit,
    IdentityView => IdentityView,
    ResidentRights => ResidentRights,
    ErasureApprove => ErasureApprove,
    FeedbackHandle => FeedbackHandle,
    FeedbackConfigure => FeedbackConfigure,
    UserView => UserView,
    UserManage => UserManage,
    AuditView => AuditView,
    GroupView => GroupView,
    GroupManage => GroupManage,
    RegulationManage => RegulationManage,
    RestructuringApply => RestructuringApply,
}

/// A signed-in user holding some grant whose role allows `A::ACTION`. The handler then
/// calls [`Can::check`] with the unit it acts on; both steps defer to the domain's table.
pub struct Can<A: Capability> {
    pub who: Authenticated,
    _a: PhantomData<A>,
}

impl<A: Capability> Can<A> {
    /// The one authorization check for this action on this unit (`None`: the whole country).
    pub fn check(&self, target: Target<'_>) -> Result<(), Failure> {
        authorize(&self.who.actor, A::ACTION, target).map_err(|denied| {
            tracing::warn!(user = %self.who.user.username, %denied, "denied");
            Failure::Forbidden
        })
    }

    /// The widest unit on which the user may do this: a national grant gives `None`.
    pub fn home_scope(&self) -> Option<Option<&str>> {
        tuquan_domain::access::widest_scope(&self.who.actor, A::ACTION)
    }
}

impl<A: Capability> FromRequestParts<AppState> for Can<A> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let CurrentUser(who) = CurrentUser::from_request_parts(parts, state).await?;
        if !who.actor.grants.iter().any(|g| allowed(g.role, A::ACTION)) {
            tracing::warn!(user = %who.user.username, action = A::ACTION.as_str(), "denied");
            return Err(Failure::Forbidden);
        }
        Ok(Self {
            who,
            _a: PhantomData,
        })
    }
}

/// Where a request came from, for the audit log.
pub use tuquan_app::RequestMeta as RequestCtx;

impl FromRequestParts<AppState> for RequestCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(200).collect::<String>())
        };
        Ok(Self {
            request_id: header("x-request-id"),
            client_addr: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| {
                let forwarded: Vec<&str> = parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .collect();
                state
                    .config
                    .trusted_proxies
                    .client(c.0.ip(), &forwarded)
                    .to_string()
            }),
            user_agent: header("user-agent"),
            system_actor: None,
        })
    }
}
