//! The audit log query: newest first, within the units the actor may audit.

use std::collections::HashMap;

use tuquan_domain::access::{widest_scope, Action};
use tuquan_domain::page::Limit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::audit::AuditFilter;

pub use tuquan_store::audit::{is_read, AuditKind, AuditRow};

use crate::{AppError, AppResult, Ctx};

/// The filters as given (blank means "any"); also the JSON API's and the page's query.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this unit and below (default: the widest unit you may audit).
    pub unit: Option<String>,
    /// Actions starting with this, e.g. `user.`.
    pub action: Option<String>,
    /// Only this username, or the account with this display name.
    pub actor: Option<String>,
    /// `changes`, `reads` or `all` (blank: all).
    pub kind: Option<String>,
    /// From this day (Vietnam time), `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub from: Option<String>,
    /// To this day inclusive.
    pub to: Option<String>,
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
    /// The names of the scope's and the rows' units, by path.
    pub unit_names: HashMap<String, String>,
}

/// The UTC stamp prefix of the start of a Vietnam day, comparable with stored stamps.
fn day_start_utc(day: jiff::civil::Date) -> AppResult<String> {
    let ts = day
        .to_zoned(tuquan_domain::time::vietnam())
        .map_err(|_| FieldError::new("from", FieldErrorKind::InvalidFormat, "date"))?
        .timestamp();
    Ok(ts.strftime("%Y-%m-%dT%H:%M:%S").to_string())
}

/// The date bounds as stamp prefixes: `[from 00:00, to + 1 day 00:00)` in Vietnam time.
fn date_bounds(q: &AuditQuery) -> AppResult<(String, String)> {
    let from = tuquan_domain::time::parse_date(q.from.as_deref(), "from")?;
    let to = tuquan_domain::time::parse_date(q.to.as_deref(), "to")?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(
                FieldError::new("to", FieldErrorKind::NotAllowedHere, "before from").into(),
            );
        }
    }
    let from = from.map(day_start_utc).transpose()?.unwrap_or_default();
    // The last day of the calendar has no tomorrow: no upper bound then.
    let to = match to.and_then(|t| t.tomorrow().ok()) {
        Some(t) => day_start_utc(t)?,
        None => String::new(),
    };
    Ok((from, to))
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
    let kind = AuditKind::parse(&blank(&q.kind)).ok_or_else(|| {
        FieldError::new(
            "kind",
            FieldErrorKind::UnknownValue,
            "changes, reads or all",
        )
    })?;
    let (from, to) = date_bounds(q)?;
    let filter = AuditFilter {
        scope_path: scope_path.clone(),
        action_prefix: blank(&q.action),
        actor: blank(&q.actor),
        kind,
        from,
        to,
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
    let mut paths: Vec<String> = rows.iter().filter_map(|r| r.unit_path.clone()).collect();
    paths.extend(scope_path.clone());
    paths.sort();
    paths.dedup();
    let unit_names = ctx.store().unit_names_by_path(&paths).await?;
    Ok(AuditPage {
        rows,
        next,
        scope_path,
        unit_names,
    })
}
