//! The thanks list (tri ân) of a commune: the people whose post ended because their unit was
//! restructured, with their service and the reward decision if any; printable.

use tuquan_domain::access::Action;
use tuquan_domain::territory::Unit;

pub use tuquan_store::restructuring::apply_reads::ThanksRecord;

use crate::{AppResult, Ctx};

/// A commune's thanks records, latest first.
#[derive(Debug, Clone)]
pub struct ThanksList {
    pub commune: Unit,
    pub records: Vec<ThanksRecord>,
}

/// The thanks list of a commune (names of residents: a read of personal data, audited).
pub async fn thanks_list(ctx: &Ctx, commune_code: &str) -> AppResult<ThanksList> {
    let commune = ctx.store().unit(commune_code).await?.unit;
    ctx.authorize(Action::RestructuringApply, Some(&commune.path))?;
    let records = ctx.store().thanks_of_commune(&commune.code).await?;
    ctx.audit_read(
        "restructuring.thanks_viewed",
        "unit",
        commune.code.clone(),
        &commune.path,
    )
    .await?;
    Ok(ThanksList { commune, records })
}
