//! Restructuring schemes (đề án sắp xếp) of a commune: drafted (header, merges, splits with
//! their household lists, renames), consulted on with one household ballot per affected unit
//! (the votes area), approved, overridden with a reason and decision where consent is
//! missing, previewed and applied through [`crate::restructuring::apply_plan`].
//! docs/restructuring.md explains it for commune officials.

use tuquan_domain::access::Action;
use tuquan_domain::restructuring::scheme::{
    SchemeHeader, SchemeId, SchemeInput, SchemeRule, SchemeStatus,
};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

mod consent;
mod demo;
mod groups;
mod items;
mod lifecycle;
mod view;

pub use consent::{start_consultation, UnitConsent};
pub use demo::seed_demo;
pub use groups::{set_group, GroupRow, GroupTarget, GroupsView};
pub use items::{
    add_merge, add_rename, add_split, assign_households, remove_item, split_picker, SplitPicker,
};
pub use lifecycle::{abandon, apply_scheme, approve, plan_of, record_override, start_line};
pub use tuquan_store::restructuring::schemes::{
    AffectedGroupRecord, FreezeRecord, ItemRecord, ItemUnitRecord, PartRecord, SchemeGroupRecord,
    SchemeRecord, SchemeVoteRecord, StandardRecord, UnitSizeRecord,
};
pub use view::{scheme_view, AfterRow, ItemView, SchemeView};

impl From<SchemeRule> for AppError {
    fn from(r: SchemeRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// A store conflict on the scheme's status: it left the status the change needs meanwhile.
pub(crate) fn raced(code: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Conflict { field: "status" } => AppError::rule(code, "status", "raced"),
        other => other.into(),
    }
}

pub(crate) async fn load(ctx: &Ctx, id: SchemeId) -> AppResult<SchemeRecord> {
    Ok(ctx.store().scheme(id).await?)
}

/// Loads a scheme and checks the actor may manage it (its commune).
pub(crate) async fn managed(ctx: &Ctx, id: SchemeId) -> AppResult<SchemeRecord> {
    let s = load(ctx, id).await?;
    ctx.authorize(Action::RestructuringSchemeManage, Some(&s.commune_path))?;
    Ok(s)
}

/// A commune (not a province or residential unit), or not found.
pub(crate) async fn commune(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    if unit.kind.tier() != Tier::Commune {
        return Err(AppError::NotFound);
    }
    Ok(unit)
}

fn who(ctx: &Ctx) -> AppResult<String> {
    Ok(ctx.who()?.user.username.clone())
}

/// Drafts a new scheme at a commune. Returns its id.
pub async fn create_scheme(
    ctx: &Ctx,
    commune_code: &str,
    input: &SchemeInput,
) -> AppResult<SchemeId> {
    let c = commune(ctx, commune_code).await?;
    ctx.authorize(Action::RestructuringSchemeManage, Some(&c.path))?;
    let h = SchemeHeader::parse(input)?;
    Ok(ctx
        .store()
        .create_scheme(&c, &h, &who(ctx)?, &ctx.audit_ctx())
        .await?)
}

/// Replaces a draft's title, reason, effective date and legal basis.
pub async fn edit_scheme(ctx: &Ctx, id: SchemeId, input: &SchemeInput) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    s.status.edit()?;
    let h = SchemeHeader::parse(input)?;
    ctx.store()
        .update_scheme(&s, &h, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_draft"))
}

/// A commune's schemes, for those who may see them.
pub async fn schemes_of(ctx: &Ctx, commune_code: &str) -> AppResult<(Unit, Vec<SchemeRecord>)> {
    let c = commune(ctx, commune_code).await?;
    ctx.authorize(Action::RestructuringSchemeView, Some(&c.path))?;
    let list = ctx.store().schemes_of(&c.code).await?;
    Ok((c, list))
}

/// The header of a stored scheme, parsed back.
pub(crate) fn header_of(s: &SchemeRecord) -> AppResult<SchemeHeader> {
    let date = |v: &str| {
        v.parse::<jiff::civil::Date>()
            .map_err(|e| AppError::Internal(format!("stored date {v:?}: {e}")))
    };
    Ok(SchemeHeader {
        title: s.title.clone(),
        reason: s.reason.clone(),
        effective_on: date(&s.effective_on)?,
        basis_number: s.basis_number.clone(),
        basis_date: s.basis_date.as_deref().map(date).transpose()?,
        basis_signer: s.basis_signer.clone(),
    })
}

/// The status a scheme may be previewed in: from the first ballot on.
pub(crate) fn previewable(status: SchemeStatus) -> Result<(), SchemeRule> {
    match status {
        SchemeStatus::Draft | SchemeStatus::Consulting | SchemeStatus::Approved => Ok(()),
        _ => Err(SchemeRule {
            code: "scheme_closed",
            field: "status",
        }),
    }
}

pub mod standards;

pub use standards::{
    add_freeze, set_standard, size_report, standards_view, SizeReport, SizeRow, StandardRow,
    StandardsView,
};
