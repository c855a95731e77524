//! A resident's service history: every position they hold or have held in a community
//! group, newest first. It names the person, so the read is audited.

use tuquan_domain::access::Action;

use super::{resident_for, ResidentRecord};
use crate::{AppResult, Ctx};

pub use tuquan_store::groups::ServiceRecord;

/// The resident and their positions, after the check on the resident's unit.
pub async fn service_history(
    ctx: &Ctx,
    resident_id: i64,
) -> AppResult<(ResidentRecord, Vec<ServiceRecord>)> {
    let r = resident_for(ctx, Action::GroupView, resident_id).await?;
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
