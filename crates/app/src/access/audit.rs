//! The audit log query: newest first, within the units the actor may audit.

use tuquan_domain::access::{widest_scope, Action};
use tuquan_domain::page::Limit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditFilter;

pub use tuquan_store::audit::AuditRow;

use crate::{AppError, AppResult, Ctx};

/// The filters as given (blank means "any"); also the JSON API's and the page's query.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this unit and below (default: the widest unit you may audit).
    pub unit: Option<String>,
    /// Actions starting with this, e.g. `user.`.
    pub action: Option<String>,
    /// Only this username.
    pub actor: Option<String>,
    /// Only this request id.
    pub request_id: Option<String>,
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of the log.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// The cursor of the next page, when there is one.
    pub next: Option<i64>,
    /// The subtree the page covers; `None` for the whole country.
    pub scope_path: Option<String>,
}

fn blank(s: &Option<String>) -> String {
    s.as_deref().map(str::trim).unwrap_or("").to_owned()
}

/// A page of the audit log after the authorization check.
pub async fn audit_log(ctx: &Ctx, q: &AuditQuery) -> AppResult<AuditPage> {
    let limit = Limit::parse(q.limit.as_deref())?;
    let scope_path = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            let unit = super::users::unit_by_code(ctx, "unit", code).await?;
            ctx.authorize(Action::AuditView, Some(&unit.path))?;
            Some(unit.path)
        }
        None => match widest_scope(&ctx.who()?.actor, Action::AuditView) {
            Some(None) => None,
            Some(Some(p)) => Some(p.to_owned()),
            None => return Err(AppError::Forbidden),
        },
    };
    if scope_path.is_none() {
        ctx.authorize(Action::AuditView, None)?;
    }
    let before_id = match blank(&q.cursor).as_str() {
        "" => None,
        c => Some(c.parse::<i64>().map_err(|_| {
            FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor")
        })?),
    };
    let filter = AuditFilter {
        scope_path: scope_path.clone(),
        action_prefix: blank(&q.action),
        actor: blank(&q.actor).to_lowercase(),
        request_id: blank(&q.request_id),
        before_id,
    };
    let mut rows = ctx
        .store()
        .audit_rows(&filter, i64::from(limit.get()) + 1)
        .await?;
    let next = if rows.len() > limit.get() as usize {
        rows.truncate(limit.get() as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(AuditPage {
        rows,
        next,
        scope_path,
    })
}
