//! The context every use case runs in: the application (store and clock), the actor, the
//! request's audit metadata and the time the request started.

use std::sync::Arc;

use jiff::Timestamp;
use tuquan_domain::access::{authorize, Action, Target};
use tuquan_store::audit::{AuditCtx, AuditEntry};
use tuquan_store::Store;

use crate::access::Authenticated;
use crate::error::AppError;

/// Where "now" comes from. Tests of time-dependent rules shift it instead of sleeping.
#[derive(Debug, Clone, Copy, Default)]
pub enum Clock {
    #[default]
    System,
    /// The system time moved by this many seconds.
    Shifted(i64),
}

impl Clock {
    pub fn now(self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Shifted(s) => Timestamp::now() + jiff::SignedDuration::from_secs(s),
        }
    }
}

/// The application: cheap to clone, shared by every request and job.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Clock,
    limits: crate::limits::Limits,
    /// Where the server is reached from outside, for links that leave it; `None`: relative.
    public_base_url: Option<crate::links::PublicBaseUrl>,
}

impl App {
    pub fn new(store: Store) -> Self {
        Self::with_clock(store, Clock::System)
    }

    pub fn with_clock(store: Store, clock: Clock) -> Self {
        Self::with_limits(store, clock, crate::limits::LimitSettings::default())
    }

    /// An application with its own rate limits (kept in this process's memory).
    pub fn with_limits(store: Store, clock: Clock, limits: crate::limits::LimitSettings) -> Self {
        Self::configured(store, clock, limits, None)
    }

    /// An application with its rate limits and its public address (`public_base_url`).
    pub fn configured(
        store: Store,
        clock: Clock,
        limits: crate::limits::LimitSettings,
        public_base_url: Option<crate::links::PublicBaseUrl>,
    ) -> Self {
        let limits = crate::limits::Limits::new(limits);
        Self {
            inner: Arc::new(Inner {
                store,
                clock,
                limits,
                public_base_url,
            }),
        }
    }

    /// The configured public address, if any.
    pub fn public_base_url(&self) -> Option<&crate::links::PublicBaseUrl> {
        self.inner.public_base_url.as_ref()
    }

    /// `path` (starting with `/`) as a link that leaves the server: absolute at the
    /// configured public address, else relative as given (never from the `Host` header).
    pub fn public_link(&self, path: &str) -> String {
        match &self.inner.public_base_url {
            Some(base) => base.join(path),
            None => path.to_owned(),
        }
    }

    /// The process's rate limiters.
    pub fn limits(&self) -> &crate::limits::Limits {
        &self.inner.limits
    }

    /// Only this crate reaches the store: every adapter goes through a use case.
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// A context for work done by the system itself (jobs, seeders): no actor, audited as
    /// `who` (for example `"escalation"`).
    pub fn system(&self, who: &str) -> Ctx {
        Ctx {
            app: self.clone(),
            actor: None,
            meta: RequestMeta {
                system_actor: Some(who.to_owned()),
                ..RequestMeta::default()
            },
            now: self.now(),
        }
    }

    /// A context for a request by `actor` (or nobody).
    pub fn ctx(&self, actor: Option<Authenticated>, meta: RequestMeta) -> Ctx {
        Ctx {
            app: self.clone(),
            actor,
            meta,
            now: self.now(),
        }
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> crate::AppResult<i64> {
        self.store().ping().await?;
        Ok(self.store().schema_version().await?)
    }
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    /// For work without an account: the name the audit log shows (`cli`, `escalation`).
    pub system_actor: Option<String>,
}

impl RequestMeta {
    /// The audit row's actor and origin.
    pub fn audit(&self, who: Option<&Authenticated>) -> AuditCtx {
        AuditCtx {
            actor_user_id: who.map(|w| w.user.id),
            actor_username: who
                .map(|w| w.user.username.clone())
                .or_else(|| self.system_actor.clone()),
            request_id: self.request_id.clone(),
            client_addr: self.client_addr.clone(),
        }
    }
}

/// One use case's context.
#[derive(Clone)]
pub struct Ctx {
    pub app: App,
    pub actor: Option<Authenticated>,
    pub meta: RequestMeta,
    /// When the request started; every rule in it sees the same time.
    pub now: Timestamp,
}

impl Ctx {
    pub(crate) fn store(&self) -> &Store {
        self.app.store()
    }

    /// The signed-in actor, or `Unauthorized`.
    pub fn who(&self) -> Result<&Authenticated, AppError> {
        self.actor.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The one authorization check: may the actor do `action` on the unit at `target`
    /// (`None`: the whole country)? The decision is the domain's.
    pub fn authorize(
        &self,
        action: Action,
        target: Target<'_>,
    ) -> Result<&Authenticated, AppError> {
        let who = self.who()?;
        authorize(&who.actor, action, target).map_err(|denied| {
            tracing::warn!(user = %who.user.username, %denied, "denied");
            AppError::Forbidden
        })?;
        Ok(who)
    }

    /// Whether any of the actor's grants allows `action` somewhere (to show a link, or to
    /// refuse early before reading a body).
    pub fn may_somewhere(&self, action: Action) -> bool {
        self.actor.as_ref().is_some_and(|w| {
            w.actor
                .grants
                .iter()
                .any(|g| tuquan_domain::access::allowed(g.role, action))
        })
    }

    /// The audit row's actor and origin.
    pub fn audit_ctx(&self) -> AuditCtx {
        self.meta.audit(self.actor.as_ref())
    }

    /// Vietnam's calendar date now.
    pub fn today(&self) -> jiff::civil::Date {
        tuquan_domain::time::vietnam_date(self.now)
    }

    /// Records a read of personal data.
    pub async fn audit_read(
        &self,
        action: &'static str,
        target_type: &'static str,
        target_id: String,
        unit_path: &str,
    ) -> Result<(), AppError> {
        let entry = AuditEntry {
            action,
            target_type,
            target_id,
            unit_path: Some(unit_path.to_owned()),
            before: None,
            after: None,
        };
        self.store().audit(&self.audit_ctx(), &entry).await?;
        Ok(())
    }
}
