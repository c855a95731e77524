//! `tuquan groups …`: settings of the groups area.

use anyhow::{bail, Context};
use tuquan_domain::groups::TermYears;
use tuquan_domain::territory::Tier;
use tuquan_store::audit::AuditCtx;
use tuquan_store::Store;

/// `tuquan groups term-years CODE [YEARS]`: shows, or sets to 2.5 or 5, the term of office
/// of a province.
pub async fn term_years(store: &Store, code: &str, years: Option<&str>) -> anyhow::Result<()> {
    super::ensure_territory(store).await?;
    let unit = store
        .unit(code.trim())
        .await
        .with_context(|| format!("unit {code} does not exist"))?
        .unit;
    if unit.kind.tier() != Tier::Province {
        bail!("{code} is not a province: the term of office is set per province");
    }
    if let Some(raw) = years {
        let y = TermYears::parse(raw).map_err(|_| anyhow::anyhow!("YEARS must be 2.5 or 5"))?;
        store.set_term_years(&unit, y, &AuditCtx::cli()).await?;
    }
    let y = store.term_years(&unit.code).await?;
    println!("{} {}: {} years", unit.code, unit.name, y.as_str());
    Ok(())
}
