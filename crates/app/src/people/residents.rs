//! Residents: lists, one resident's record, edits, status, and the export of everything held
//! about a person (by an official, or by the person themself).

use serde_json::{json, Value};
use tuquan_domain::access::Action;
use tuquan_domain::people::{ErasureStatus, NewResident, NewResidentInput, ResidentStatus};
use tuquan_domain::territory::Unit;
use tuquan_domain::ResidentId;
use tuquan_store::residents::ResidentQuery;

use super::{cccd_rule, resident_for, unit_for, ConsentRecord, Page, PeopleFilter, ResidentRecord};
use crate::{AppError, AppResult, Ctx};

/// One resident with what their page shows.
#[derive(Debug, Clone)]
pub struct ResidentDetail {
    pub resident: ResidentRecord,
    pub consents: Vec<ConsentRecord>,
    /// An erasure request waits for a decision.
    pub erasure_pending: bool,
}

/// One page of the residents of a unit's subtree. The read is audited.
pub async fn list_residents(
    ctx: &Ctx,
    code: &str,
    f: &PeopleFilter,
) -> AppResult<(Unit, Page<ResidentRecord>)> {
    let unit = unit_for(ctx, Action::HouseholdView, code).await?;
    let query = ResidentQuery {
        name_pattern: f.pattern.clone(),
        phone: f.phone.clone(),
        include_inactive: f.include_inactive,
    };
    let limit = f.limit();
    let rows = ctx
        .store()
        .residents_in(&unit, &query, f.after.clone(), limit as i64 + 1)
        .await?;
    let page = Page::cut(rows, limit, ResidentRecord::cursor);
    ctx.audit_read(
        "resident.list_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    Ok((unit, page))
}

/// One resident, identity number masked. The read is audited.
pub async fn resident(ctx: &Ctx, id: ResidentId) -> AppResult<ResidentRecord> {
    let r = resident_for(ctx, Action::HouseholdView, id).await?;
    ctx.audit_read("resident.viewed", "resident", id.to_string(), &r.unit_path)
        .await?;
    Ok(r)
}

/// One resident with their consents and whether an erasure is pending. The read is audited.
pub async fn resident_detail(ctx: &Ctx, id: ResidentId) -> AppResult<ResidentDetail> {
    let r = resident(ctx, id).await?;
    let consents = ctx.store().consents_of(id).await?;
    let erasure_pending = ctx
        .store()
        .erasure_requests_of(id)
        .await?
        .iter()
        .any(|e| e.status == ErasureStatus::Pending);
    Ok(ResidentDetail {
        resident: r,
        consents,
        erasure_pending,
    })
}

/// A resident their editor is about to change.
pub async fn resident_to_edit(ctx: &Ctx, id: ResidentId) -> AppResult<ResidentRecord> {
    resident_for(ctx, Action::HouseholdEdit, id).await
}

/// Replaces a resident's fields. With `keep_cccd` and no number typed, the stored identity
/// number stays (forms never show it in full).
pub async fn update_resident(
    ctx: &Ctx,
    id: ResidentId,
    input: &NewResidentInput,
    keep_cccd: bool,
) -> AppResult<ResidentRecord> {
    resident_for(ctx, Action::HouseholdEdit, id).await?;
    let typed = input.cccd.as_deref().map(str::trim).unwrap_or("");
    let r = if typed.is_empty() && keep_cccd {
        let input = NewResidentInput {
            cccd: ctx.store().resident_identity(id).await?,
            ..input.clone()
        };
        NewResident::parse_all(&input, ctx.today())?
    } else {
        NewResident::parse_all(input, ctx.today())?
    };
    ctx.store()
        .update_resident(id, &r, &ctx.audit_ctx())
        .await
        .map_err(cccd_rule)?;
    Ok(ctx.store().resident(id).await?)
}

pub async fn set_resident_status(
    ctx: &Ctx,
    id: ResidentId,
    status: ResidentStatus,
) -> AppResult<ResidentRecord> {
    resident_for(ctx, Action::HouseholdEdit, id).await?;
    ctx.store()
        .set_resident_status(id, status, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().resident(id).await?)
}

/// Everything held about a resident, as JSON; the export is audited. The identity number is
/// in full only for the person themself or an actor allowed `IdentityView` on their unit
/// (issue 11 #3); masked otherwise, as on every other page.
async fn export_of(ctx: &Ctx, r: &ResidentRecord) -> AppResult<Value> {
    let who = ctx.who()?;
    let mut data = ctx.store().resident_export(r.id).await?;
    let own = who.user.resident_id == Some(r.id);
    let may_see =
        tuquan_domain::access::authorize(&who.actor, Action::IdentityView, Some(&r.unit_path))
            .is_ok();
    if !own && !may_see {
        data["resident"]["cccd"] = json!(r.cccd_masked);
    }
    ctx.audit_read(
        "resident.exported",
        "resident",
        r.id.to_string(),
        &r.unit_path,
    )
    .await?;
    Ok(json!({
        "exported_at": tuquan_store::stamp(ctx.now),
        "exported_by": who.user.username,
        "data": data,
    }))
}

/// Everything held about a resident, for those who handle residents' rights.
pub async fn export_resident(ctx: &Ctx, id: ResidentId) -> AppResult<Value> {
    let r = resident_for(ctx, Action::ResidentRights, id).await?;
    export_of(ctx, &r).await
}

/// The signed-in person's own resident record, if their account is linked to one.
pub(crate) async fn own_resident(ctx: &Ctx) -> AppResult<ResidentRecord> {
    let id = ctx.who()?.user.resident_id.ok_or(AppError::NotFound)?;
    Ok(ctx.store().resident(id).await?)
}

/// Everything held about the signed-in person.
pub async fn my_data(ctx: &Ctx) -> AppResult<Value> {
    let r = own_resident(ctx).await?;
    export_of(ctx, &r).await
}
