//! Groups: community groups and committees, their decisions (with scans), positions and
//! the service history of the people holding them, coordination regulations and each
//! province's term of office. Every use case loads its target, asks the domain's
//! `authorize` on the target's unit, applies the domain's rules, and writes through the
//! store, which audits in the same transaction.

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind, GroupId};

use crate::{AppError, AppResult, Ctx};

mod decisions;
mod group;
mod positions;
mod regulations;

pub use decisions::*;
pub use group::*;
pub use positions::*;
pub use regulations::*;

/// The store records the adapters render.
pub use tuquan_store::groups::{
    DecisionRecord, DocumentRecord, EventRecord, GroupRecord, GroupUnit, PositionRecord,
    RegulationRecord, RegulationStatus, ResignRecord, ReviewRecord, ServiceRecord,
};

/// A group, checked for `action`: on the group's own unit, or, when `any_unit`, on any unit
/// it covers (a unit head sees the commune's security team that covers the head's unit).
pub(crate) async fn load_group(
    ctx: &Ctx,
    action: Action,
    id: GroupId,
    any_unit: bool,
) -> AppResult<(GroupRecord, Vec<GroupUnit>)> {
    let group = ctx.store().group(id, &ctx.today().to_string()).await?;
    let units = ctx.store().group_units(id).await?;
    let mut target = group.unit_path.as_str();
    if let (true, Some(who)) = (any_unit, ctx.actor.as_ref()) {
        if authorize(&who.actor, action, Some(target)).is_err() {
            if let Some(u) = units
                .iter()
                .find(|u| authorize(&who.actor, action, Some(&u.unit_path)).is_ok())
            {
                target = &u.unit_path;
            }
        }
    }
    ctx.authorize(action, Some(target))?;
    Ok((group, units))
}

/// A unit by code, checked for `action` on it.
pub(crate) async fn load_unit(ctx: &Ctx, action: Action, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    ctx.authorize(action, Some(&unit.path))?;
    Ok(unit)
}

/// Whether the actor may do `action` on the unit at `path` (to offer a link or a form; the
/// use case that acts checks again).
pub fn may(ctx: &Ctx, action: Action, path: &str) -> bool {
    ctx.actor
        .as_ref()
        .is_some_and(|w| authorize(&w.actor, action, Some(path)).is_ok())
}

/// Whether `path` is `top` or below it.
pub(crate) fn within(path: &str, top: &str) -> bool {
    path == top || (path.starts_with(top) && path[top.len()..].starts_with('/'))
}

/// A stored `YYYY-MM-DD` date.
pub(crate) fn date(s: &str) -> Option<jiff::civil::Date> {
    s.parse().ok()
}

/// Malformed input on `field`.
pub(crate) fn invalid(field: &'static str, kind: FieldErrorKind, detail: &str) -> AppError {
    AppError::Invalid(FieldError::new(field, kind, detail))
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn within_is_the_subtree_not_a_name_prefix() {
        assert!(within("79/26743", "79/26743"));
        assert!(within("79/26743/kp01", "79/26743"));
        assert!(!within("79/267430", "79/26743"));
        assert!(!within("79", "79/26743"));
    }
}
