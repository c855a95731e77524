//! Approving, abandoning, overriding the consent of, previewing and applying a scheme; the
//! start page's line.

use std::collections::BTreeMap;

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::restructuring::scheme::{
    consent_ready, to_plan, ItemKind, ItemPlan, NewPart, Override, OverrideInput, Rename, SchemeId,
    SchemeRule, SchemeStatus, SplitPartId,
};
use tuquan_domain::restructuring::Plan;
use tuquan_domain::territory::{LocalCode, Tier, Unit, UnitCode, UnitKind};
use tuquan_domain::HouseholdId;

use super::consent::consents;
use super::standards::freeze_on;
use super::{header_of, managed, previewable, raced, who, ItemUnitRecord};
use crate::restructuring::{apply_plan, ApplyReport};
use crate::start::Line;
use crate::{AppError, AppResult, Ctx};

/// Consulting → approved (the commune's decision on the scheme).
pub async fn approve(ctx: &Ctx, id: SchemeId) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    s.status.approve()?;
    ctx.store()
        .set_scheme_status(
            &s,
            SchemeStatus::Consulting,
            SchemeStatus::Approved,
            &ctx.audit_ctx(),
        )
        .await
        .map_err(raced("scheme_not_consulting"))
}

/// Abandons a scheme not yet applied.
pub async fn abandon(ctx: &Ctx, id: SchemeId) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    s.status.abandon()?;
    ctx.store()
        .set_scheme_status(&s, s.status, SchemeStatus::Abandoned, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_closed"))
}

/// Records that the scheme goes ahead without the households' consent, with the reason and
/// the decision approving it (number, date, signer).
pub async fn record_override(ctx: &Ctx, id: SchemeId, input: &OverrideInput) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    s.status.override_consent()?;
    let o = Override::parse(input)?;
    ctx.store()
        .record_scheme_override(&s, &o, &who(ctx)?, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_consulting"))
}

fn code(raw: &str) -> AppResult<UnitCode> {
    UnitCode::parse(raw).map_err(|e| AppError::Internal(format!("stored code {raw:?}: {e}")))
}

fn new_part(name: &str, kind: &str, local: &str) -> AppResult<NewPart> {
    Ok(NewPart {
        name: name.to_owned(),
        kind: UnitKind::parse(kind)
            .ok_or_else(|| AppError::Internal(format!("stored kind {kind:?}")))?,
        local_code: LocalCode::parse(local)
            .map_err(|e| AppError::Internal(format!("stored local code {local:?}: {e}")))?,
    })
}

/// The plan a scheme becomes: its items as steps, every split's lists checked complete
/// (every household of the unit exactly once, no part empty), its groups' dispositions.
pub async fn plan_of(ctx: &Ctx, id: SchemeId) -> AppResult<Plan> {
    let s = managed(ctx, id).await?;
    let header = header_of(&s)?;
    let items = ctx.store().scheme_items(s.id).await?;
    let units = ctx.store().scheme_units(s.id).await?;
    let parts = ctx.store().scheme_parts(s.id).await?;
    let mut plan_items = Vec::with_capacity(items.len());
    for item in &items {
        let its: Vec<&ItemUnitRecord> = units.iter().filter(|u| u.item_id == item.id).collect();
        let parent = code(
            its.first()
                .and_then(|u| u.parent_code.as_deref())
                .unwrap_or(""),
        )?;
        let of_role = |role: &str| -> AppResult<Vec<UnitCode>> {
            its.iter()
                .filter(|u| u.role == role)
                .map(|u| code(&u.unit_code))
                .collect()
        };
        plan_items.push(match item.kind {
            ItemKind::Merge => ItemPlan::Merge {
                units: of_role("part")?,
                parent,
                into: match &item.into_code {
                    Some(r) => Ok(code(r)?),
                    None => Err(new_part(
                        &item.new_name,
                        &item.new_kind,
                        &item.new_local_code,
                    )?),
                },
            },
            ItemKind::Split => {
                let unit_rec = its.first().ok_or(AppError::NotFound)?;
                let unit = crate::territory::unit(&ctx.app, &unit_rec.unit_code).await?;
                let its_parts: Vec<_> = parts
                    .iter()
                    .filter(|p| p.item_id == item.id)
                    .cloned()
                    .collect();
                let gap = super::items::gap_of(ctx, item.id, &unit, &its_parts).await?;
                if !gap.is_empty() {
                    return Err(AppError::rule(
                        "scheme_split_incomplete",
                        "items",
                        unit.code,
                    ));
                }
                let mut lists: BTreeMap<SplitPartId, Vec<HouseholdId>> = BTreeMap::new();
                for (h, p) in ctx.store().split_lists(item.id).await? {
                    lists.entry(p).or_default().push(h);
                }
                let mut out = Vec::new();
                for p in &its_parts {
                    out.push((
                        new_part(&p.name, &p.kind, &p.local_code)?,
                        lists.remove(&p.id).unwrap_or_default(),
                    ));
                }
                ItemPlan::Split {
                    unit: code(&unit.code)?,
                    parent,
                    parts: out,
                }
            }
            ItemKind::Rename => ItemPlan::Rename(Rename {
                unit: code(item.unit_code.as_deref().unwrap_or(""))?,
                name: item.new_name.clone(),
                kind: UnitKind::parse(&item.new_kind).ok_or_else(|| {
                    AppError::Internal(format!("stored kind {:?}", item.new_kind))
                })?,
            }),
        });
    }
    let mut plan = to_plan(code(&s.commune_code)?, &header, s.id, plan_items)?;
    plan.groups = super::groups::plan_groups(ctx, &s).await?;
    Ok(plan)
}

/// Previews (`dry_run`: nothing changes) or applies an approved scheme. Applying needs the
/// consent of every affected unit or an override, and no freeze in force today or on the
/// effective date; the scheme is then marked applied.
pub async fn apply_scheme(ctx: &Ctx, id: SchemeId, dry_run: bool) -> AppResult<ApplyReport> {
    let s = managed(ctx, id).await?;
    if dry_run {
        previewable(s.status)?;
    } else {
        if s.status != SchemeStatus::Approved {
            return Err(SchemeRule {
                code: "scheme_not_approved",
                field: "status",
            }
            .into());
        }
        let units = ctx.store().scheme_units(s.id).await?;
        let votes = ctx.store().scheme_votes(s.id).await?;
        let c: Vec<_> = consents(&units, &votes)
            .into_iter()
            .map(|c| c.consent)
            .collect();
        consent_ready(&c, s.overridden())?;
        let effective = header_of(&s)?.effective_on;
        if let Some(f) = freeze_on(ctx, &s.province_code, &[ctx.today(), effective]).await? {
            return Err(AppError::rule("scheme_frozen", "status", f.basis));
        }
    }
    let plan = plan_of(ctx, id).await?;
    let report = apply_plan(ctx, &plan, dry_run).await?;
    if !dry_run {
        // `apply_plan` may mark the scheme applied in its own transaction (plan.scheme_id);
        // otherwise it is marked here. Either way the scheme ends applied.
        let marked = ctx
            .store()
            .set_scheme_status(
                &s,
                SchemeStatus::Approved,
                SchemeStatus::Applied,
                &ctx.audit_ctx(),
            )
            .await;
        match marked {
            Err(tuquan_store::StoreError::Conflict { .. })
                if ctx.store().scheme(id).await?.status == SchemeStatus::Applied => {}
            other => other.map_err(raced("scheme_not_approved"))?,
        }
    }
    Ok(report)
}

/// The start page's line on a commune's card: schemes waiting for an official (consulting
/// with every ballot counted, or approved and ready to apply).
pub async fn start_line(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| u.kind.tier() == Tier::Commune) else {
        return Ok(None);
    };
    let may = ctx.actor.as_ref().is_some_and(|w| {
        authorize(
            &w.actor,
            Action::RestructuringSchemeManage,
            Some(u.path.as_str()),
        )
        .is_ok()
    });
    if !may {
        return Ok(None);
    }
    let n = ctx.store().schemes_waiting(&u.path).await?;
    Ok((n > 0).then(|| {
        Line::count(
            "start.restructuring_waiting",
            n,
            format!("/communes/{}/restructuring", u.code),
        )
    }))
}
