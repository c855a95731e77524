//! Applying a [`Plan`] atomically on its effective date, or previewing it (dry run).
//!
//! Load the commune → authorize `RestructuringApply` on it → gather the facts of the tree →
//! the domain's `validate` (every precondition of every step, all problems at once) → the
//! store's one transaction (`Store::apply_restructuring`), committed, or rolled back for a
//! dry run so the preview reports exactly what applying would do.

use std::collections::HashMap;

use tuquan_domain::access::Action;
use tuquan_domain::restructuring::{validate, Plan, PlanError, TreeFacts};
use tuquan_domain::territory::Unit;

use super::apply_script::{build_script, facts_of};
use crate::{AppError, AppResult, Ctx};

// The API answers with this record as is, under the schema name `ApplyOut`.
/// What applying a plan did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ApplyOut)]
pub struct ApplyReport {
    pub dry_run: bool,
    /// `[code, name]` of each unit opened.
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
}

/// The commune's units (open and closed) by code, after the authorization check.
pub(super) struct Loaded {
    pub commune: Unit,
    pub units: HashMap<String, Unit>,
    pub facts: TreeFacts,
}

async fn load(ctx: &Ctx, plan: &Plan) -> AppResult<Loaded> {
    let commune = ctx.store().unit(plan.commune.as_str()).await?.unit;
    ctx.authorize(Action::RestructuringApply, Some(&commune.path))?;
    let all = ctx.store().units_under(&commune.path).await?;
    let mut units: HashMap<String, Unit> = all.into_iter().map(|u| (u.code.clone(), u)).collect();
    // Units the plan names outside the commune are loaded too, so the check can say so.
    for code in super::apply_script::named_units(plan) {
        if let std::collections::hash_map::Entry::Vacant(slot) = units.entry(code) {
            match ctx.store().unit(slot.key()).await {
                Ok(u) => {
                    slot.insert(u.unit);
                }
                Err(tuquan_store::StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let facts = facts_of(ctx, plan, &units).await?;
    Ok(Loaded {
        commune,
        units,
        facts,
    })
}

/// Every problem that keeps the plan from being applied (empty: it can be applied), for a
/// scheme's preview.
pub async fn check_plan(ctx: &Ctx, plan: &Plan) -> AppResult<Vec<PlanError>> {
    let loaded = load(ctx, plan).await?;
    Ok(validate(plan, &loaded.facts).err().unwrap_or_default())
}

/// Checks the plan against the tree as it is, then (unless `dry_run`) applies it in one
/// transaction: every effect or none. A plan that fails a precondition is refused with the
/// rule `restructuring_{problem}` of its first problem (all of them in the detail; see
/// [`check_plan`] for the list).
pub async fn apply_plan(ctx: &Ctx, plan: &Plan, dry_run: bool) -> AppResult<ApplyReport> {
    let loaded = load(ctx, plan).await?;
    if let Err(problems) = validate(plan, &loaded.facts) {
        let detail: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(AppError::rule(
            rule_code(&problems[0]),
            "plan",
            detail.join("; "),
        ));
    }
    let script = build_script(ctx, plan, &loaded).await?;
    let counts = ctx
        .store()
        .apply_restructuring(&script, dry_run, &ctx.audit_ctx())
        .await
        .map_err(|e| match e {
            tuquan_store::StoreError::Conflict { field } => AppError::rule(
                "restructuring_conflict",
                field,
                "the tree or a group changed, or a group cannot go where the plan puts it",
            ),
            other => other.into(),
        })?;
    let mut report = ApplyReport {
        households_moved: counts.households_moved,
        residents_moved: counts.residents_moved,
        groups_carried: counts.groups_carried,
        groups_merged: counts.groups_merged,
        groups_dissolved: counts.groups_dissolved,
        positions_ended: counts.positions_ended,
        thanked: counts.thanked,
        grants_moved: counts.grants_moved,
        grants_ended: counts.grants_ended,
        feedback_rerouted: counts.feedback_rerouted,
        regulations_marked: counts.regulations_marked,
        events: counts.events,
        dry_run,
        ..ApplyReport::default()
    };
    for step in &script.steps {
        report.opened.extend(
            step.new_units
                .iter()
                .map(|u| (u.code.clone(), u.name.clone())),
        );
        match &step.rename {
            Some(r) => report.renamed.push(r.code.clone()),
            None => report.closed.extend(step.predecessors.iter().cloned()),
        }
    }
    Ok(report)
}

/// The rule code of a problem (`rule.restructuring_*` in the catalogues).
pub fn rule_code(e: &PlanError) -> &'static str {
    use tuquan_domain::restructuring::Problem as P;
    match &e.problem {
        P::Empty => "restructuring_empty",
        P::UnknownUnit(_) => "restructuring_unknown_unit",
        P::UnitClosed(_) => "restructuring_unit_closed",
        P::OutsideCommune(_) => "restructuring_outside_commune",
        P::BeforeValidFrom(_) => "restructuring_before_valid_from",
        P::UnitInTwoSteps(_) => "restructuring_unit_in_two_steps",
        P::CodeTaken(_) => "restructuring_code_taken",
        P::BadNewUnit(_) => "restructuring_bad_new_unit",
        P::SameName(_) => "restructuring_same_name",
        P::ReceiverIsPart(_) => "restructuring_receiver_is_part",
        P::SplitTooFew(_) => "restructuring_split_too_few",
        P::HouseholdTwice(_) => "restructuring_household_twice",
        P::HouseholdNotInUnit(_) => "restructuring_household_not_in_unit",
        P::SplitIncomplete { .. } => "restructuring_split_incomplete",
        P::NoHouseholds(_) => "restructuring_no_households",
        P::OpenChildren(_) => "restructuring_open_children",
        P::SameParent(_) => "restructuring_same_parent",
    }
}
