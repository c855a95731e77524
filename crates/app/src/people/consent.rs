//! Consent: what a resident agreed their data may be used for, when and how.

use tuquan_domain::access::Action;
use tuquan_domain::people::ConsentId;
use tuquan_domain::text::required;
use tuquan_domain::ResidentId;

use super::resident_for;
use crate::{AppResult, Ctx};

/// A consent as typed.
#[derive(Debug, Clone, Default)]
pub struct ConsentInput {
    /// What the data may be used for, e.g. `community_contact`.
    pub purpose: String,
    pub granted: bool,
    /// `YYYY-MM-DD` (or `dd/mm/yyyy`); today when absent.
    pub given_on: Option<String>,
    /// How it was given, e.g. `paper form`.
    pub source: String,
}

/// Records a consent given or withdrawn; its id.
pub async fn add_consent(
    ctx: &Ctx,
    resident_id: ResidentId,
    c: &ConsentInput,
) -> AppResult<ConsentId> {
    let r = resident_for(ctx, Action::HouseholdEdit, resident_id).await?;
    let purpose = required(&c.purpose, "purpose", 100)?;
    let source = required(&c.source, "source", 100)?;
    let given_on =
        tuquan_domain::time::parse_date(c.given_on.as_deref(), "given_on")?.unwrap_or(ctx.today());
    Ok(ctx
        .store()
        .record_consent(
            &r,
            &purpose,
            c.granted,
            &given_on.to_string(),
            &source,
            &ctx.audit_ctx(),
        )
        .await?)
}
