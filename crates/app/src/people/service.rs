//! A resident's service history: every position they hold or have held in a community
//! group, newest first. It names the person, so the read is audited.

use tuquan_domain::access::Action;
use tuquan_domain::ResidentId;

use super::{resident_for, ResidentRecord};
use crate::{AppResult, Ctx};

pub use tuquan_store::groups::ServiceRecord;

/// The resident and their positions: for the person themself, or an actor who may see the
/// residents of their unit (`HouseholdView`; a group member may not, issue 11 #11).
pub async fn service_history(
    ctx: &Ctx,
    resident_id: ResidentId,
) -> AppResult<(ResidentRecord, Vec<ServiceRecord>)> {
    let own = ctx.who()?.user.resident_id == Some(resident_id);
    let r = if own {
        ctx.store().resident(resident_id).await?
    } else {
        resident_for(ctx, Action::HouseholdView, resident_id).await?
    };
    let rows = ctx.store().service_history(resident_id).await?;
    ctx.audit_read(
        "resident.service_viewed",
        "resident",
        resident_id.to_string(),
        &r.unit_path,
    )
    .await?;
    Ok((r, rows))
}
