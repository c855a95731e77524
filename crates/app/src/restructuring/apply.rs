//! Applying a [`Plan`] atomically on its effective date, or previewing it (dry run).

use tuquan_domain::restructuring::Plan;

use crate::{AppError, AppResult, Ctx};

/// What applying a plan did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Codes of the units opened, with their names.
    pub opened: Vec<(String, String)>,
    /// Codes of the units closed.
    pub closed: Vec<String>,
    /// Codes of the units renamed.
    pub renamed: Vec<String>,
    pub households_moved: u64,
    pub residents_moved: u64,
    pub groups_carried: u64,
    pub groups_merged: u64,
    pub groups_dissolved: u64,
    pub positions_ended: u64,
    /// Thanks records written for leaders who lost their post.
    pub thanked: u64,
    pub grants_moved: u64,
    pub grants_ended: u64,
    pub feedback_rerouted: u64,
    pub regulations_marked: u64,
    /// History events written (one per step).
    pub events: Vec<i64>,
    pub dry_run: bool,
}

/// Checks the plan against the tree as it is, then (unless `dry_run`) applies it in one
/// transaction: every effect or none.
pub async fn apply_plan(ctx: &Ctx, plan: &Plan, dry_run: bool) -> AppResult<ApplyReport> {
    let _ = (ctx, plan, dry_run);
    Err(AppError::rule(
        "restructuring_not_ready",
        "plan",
        "applying a plan is being built",
    ))
}
