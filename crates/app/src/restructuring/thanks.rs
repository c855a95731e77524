//! The thanks list (tri ân) of a commune: the people whose post ended because their unit was
//! restructured, with their service and the reward decision if any; printable.

use tuquan_domain::access::Action;
use tuquan_domain::restructuring::reward::{Reward, RewardInput, ThanksId};
use tuquan_domain::territory::Unit;

pub use tuquan_store::restructuring::apply_reads::ThanksRecord;

use crate::{AppError, AppResult, Ctx};

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

/// Records the reward decision (number and date, not after today) on one or several thanks
/// records of a commune, by those who may see its thanks list; audited. A record of another
/// commune, or none chosen, is refused naming the field `records`, and nothing changes.
pub async fn record_reward(
    ctx: &Ctx,
    commune_code: &str,
    ids: &[ThanksId],
    input: &RewardInput,
) -> AppResult<u64> {
    let commune = ctx.store().unit(commune_code).await?.unit;
    ctx.authorize(Action::RestructuringApply, Some(&commune.path))?;
    let reward = Reward::parse(input, ctx.today())?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::rule("thanks_none_chosen", "records", "no record"));
    }
    match ctx
        .store()
        .record_thanks_reward(&commune, &ids, &reward, &ctx.audit_ctx())
        .await
    {
        Err(tuquan_store::StoreError::NotFound) => Err(AppError::rule(
            "thanks_unknown_record",
            "records",
            "a record not of this commune",
        )),
        other => Ok(other?),
    }
}
