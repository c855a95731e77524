//! Identity numbers (CCCD): shown masked everywhere; the full number only to the roles
//! allowed, and every view is audited.

use tuquan_domain::access::Action;
use tuquan_domain::ResidentId;

use super::{resident_for, ResidentRecord};
use crate::{AppResult, Ctx};

/// The resident and their full identity number, if recorded. The view is audited.
pub async fn reveal_identity(
    ctx: &Ctx,
    id: ResidentId,
) -> AppResult<(ResidentRecord, Option<String>)> {
    let r = resident_for(ctx, Action::IdentityView, id).await?;
    let number = ctx.store().resident_identity(id).await?;
    ctx.audit_read("identity.viewed", "resident", id.to_string(), &r.unit_path)
        .await?;
    Ok((r, number))
}
