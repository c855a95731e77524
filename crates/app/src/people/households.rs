//! Households: lists, one household with its members and moves, creation, edits, moves,
//! status and representative.

use tuquan_domain::access::Action;
use tuquan_domain::people::{
    HouseholdStatus, NewHousehold, NewHouseholdInput, NewResident, NewResidentInput,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_domain::{HouseholdId, ResidentId};
use tuquan_store::households::HouseholdQuery;

use super::{
    cccd_rule, check_household_unit, household_for, unit_for, HouseholdRecord, Page, PeopleFilter,
    ResidentRecord,
};
use crate::{AppError, AppResult, Ctx};

/// One household with what its page shows.
#[derive(Debug, Clone)]
pub struct HouseholdDetail {
    pub household: HouseholdRecord,
    pub members: Vec<ResidentRecord>,
    /// Earlier units `(from, to, moved_on)`, oldest first.
    pub moves: Vec<(String, String, String)>,
}

/// A unit whose households `action` concerns, after the check on it (for a page's header,
/// or a form before anything is sent).
pub async fn people_unit(ctx: &Ctx, action: Action, code: &str) -> AppResult<Unit> {
    unit_for(ctx, action, code).await
}

/// The unit a new household may be created in: editable by the actor, current, residential.
pub async fn household_unit(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    let unit = unit_for(ctx, Action::HouseholdEdit, code).await?;
    check_household_unit(&unit, "unit")?;
    Ok(unit)
}

/// One page of the households of a unit's subtree. The read is audited.
pub async fn list_households(
    ctx: &Ctx,
    code: &str,
    f: &PeopleFilter,
) -> AppResult<(Unit, Page<HouseholdRecord>)> {
    let unit = unit_for(ctx, Action::HouseholdView, code).await?;
    let query = HouseholdQuery {
        text_pattern: f.pattern.clone(),
        phone: f.phone.clone(),
        include_inactive: f.include_inactive,
    };
    let limit = f.limit();
    let rows = ctx
        .store()
        .households_in(&unit, &query, f.after.clone(), limit as i64 + 1)
        .await?;
    let page = Page::cut(rows, limit, HouseholdRecord::cursor);
    ctx.audit_read(
        "household.list_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    Ok((unit, page))
}

/// A household with its members and moves. The read is audited.
pub async fn household(ctx: &Ctx, id: HouseholdId) -> AppResult<HouseholdDetail> {
    let h = household_for(ctx, Action::HouseholdView, id).await?;
    let members = ctx.store().residents_of_household(id).await?;
    let moves = ctx.store().household_moves(id).await?;
    ctx.audit_read(
        "household.viewed",
        "household",
        id.to_string(),
        &h.unit_path,
    )
    .await?;
    Ok(HouseholdDetail {
        household: h,
        members,
        moves,
    })
}

/// A household its editor is about to change (the form shows what they may edit).
pub async fn household_to_edit(ctx: &Ctx, id: HouseholdId) -> AppResult<HouseholdRecord> {
    household_for(ctx, Action::HouseholdEdit, id).await
}

/// Creates an empty household in a residential unit.
pub async fn create_household(
    ctx: &Ctx,
    code: &str,
    input: &NewHouseholdInput,
) -> AppResult<HouseholdRecord> {
    let unit = household_unit(ctx, code).await?;
    let h = NewHousehold::parse(input)?;
    let id = ctx
        .store()
        .create_household(&unit, &h, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().household(id).await?)
}

/// Creates a household and its first member together: both are checked before anything is
/// written, and both are written in one transaction. The new household's id.
pub async fn create_household_with_member(
    ctx: &Ctx,
    code: &str,
    household: &NewHouseholdInput,
    member: &NewResidentInput,
) -> AppResult<HouseholdId> {
    let unit = household_unit(ctx, code).await?;
    // Both checked fully, so the form shows every wrong field at once.
    let h = NewHousehold::parse_all(household).map_err(|errors| {
        errors
            .into_iter()
            .map(|mut e| {
                // The form has a household phone and the member's phone.
                if e.field == "phone" {
                    e.field = "household_phone";
                }
                e
            })
            .collect::<Vec<_>>()
    });
    let r = NewResident::parse_all(member, ctx.today());
    let (h, r) = match (h, r) {
        (Ok(h), Ok(r)) => (h, r),
        (h, r) => {
            let errors = h.err().into_iter().chain(r.err()).flatten();
            return Err(errors.collect::<Vec<_>>().into());
        }
    };
    let ids = ctx
        .store()
        .create_households_with_members(&unit, &[(h, vec![r])], &ctx.audit_ctx())
        .await
        .map_err(cccd_rule)?;
    ids.first()
        .copied()
        .ok_or_else(|| AppError::Internal("no household created".into()))
}

pub async fn update_household(
    ctx: &Ctx,
    id: HouseholdId,
    input: &NewHouseholdInput,
) -> AppResult<HouseholdRecord> {
    household_for(ctx, Action::HouseholdEdit, id).await?;
    let h = NewHousehold::parse_all(input)?;
    ctx.store()
        .update_household(id, &h, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().household(id).await?)
}

/// Moves a household to another unit; both units must be in the actor's grants.
pub async fn move_household(
    ctx: &Ctx,
    id: HouseholdId,
    unit_code: &str,
    moved_on: Option<&str>,
) -> AppResult<HouseholdRecord> {
    household_for(ctx, Action::HouseholdEdit, id).await?;
    let to = match crate::territory::unit(&ctx.app, unit_code).await {
        Ok(u) => u,
        Err(AppError::NotFound) => {
            return Err(
                FieldError::new("unit_code", FieldErrorKind::UnknownValue, "no such unit").into(),
            )
        }
        Err(e) => return Err(e),
    };
    ctx.authorize(Action::HouseholdEdit, Some(&to.path))?;
    check_household_unit(&to, "unit_code")?;
    let moved_on = tuquan_domain::time::parse_date(moved_on, "moved_on")?.unwrap_or(ctx.today());
    ctx.store()
        .move_household(id, &to, &moved_on.to_string(), &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().household(id).await?)
}

pub async fn set_household_status(
    ctx: &Ctx,
    id: HouseholdId,
    status: HouseholdStatus,
) -> AppResult<HouseholdRecord> {
    household_for(ctx, Action::HouseholdEdit, id).await?;
    ctx.store()
        .set_household_status(id, status, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().household(id).await?)
}

pub async fn set_representative(
    ctx: &Ctx,
    id: HouseholdId,
    resident_id: ResidentId,
) -> AppResult<HouseholdRecord> {
    household_for(ctx, Action::HouseholdEdit, id).await?;
    ctx.store()
        .set_representative(id, resident_id, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().household(id).await?)
}

/// Adds a member to an active household after every rule passed.
pub async fn add_resident(
    ctx: &Ctx,
    household_id: HouseholdId,
    input: &NewResidentInput,
) -> AppResult<ResidentRecord> {
    let h = household_for(ctx, Action::HouseholdEdit, household_id).await?;
    if h.status != HouseholdStatus::Active {
        return Err(AppError::rule(
            "household_inactive",
            "household_id",
            "the household is not active",
        ));
    }
    let r = NewResident::parse_all(input, ctx.today())?;
    let id = ctx
        .store()
        .add_resident(&h, &r, &ctx.audit_ctx())
        .await
        .map_err(cccd_rule)?;
    Ok(ctx.store().resident(id).await?)
}
