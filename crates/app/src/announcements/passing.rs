//! The author's view of the passing on, unit by unit, rolled up the tree.

use tuquan_domain::access::Action;
use tuquan_domain::announcements::AnnouncementId;

use super::{load, PassingRecord};
use crate::{AppError, AppResult, Ctx};

/// For a unit of the announcement's subtree and each unit directly below it: whether, when
/// and by whom it was passed on, with the head's note, and how many units of each subtree
/// have passed it on or are late.
pub async fn passing(
    ctx: &Ctx,
    id: AnnouncementId,
    unit_code: &str,
) -> AppResult<Vec<PassingRecord>> {
    let a = load(ctx, id).await?;
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementView, Some(&unit.path))?;
    let within = unit.path == a.unit_path || unit.path.starts_with(&format!("{}/", a.unit_path));
    if !within {
        return Err(AppError::NotFound);
    }
    let now = tuquan_store::stamp(ctx.now);
    Ok(ctx.store().passing(id, &unit.code, &now).await?)
}
