//! The items of a draft scheme: merges, splits and renames, and the household lists of each
//! split's parts.

use std::collections::{BTreeMap, BTreeSet};

use tuquan_domain::restructuring::scheme::{
    split_gap, ItemKind, Merge, MergeInput, Rename, RenameInput, SchemeId, SchemeItemId, Split,
    SplitGap, SplitInput, SplitPartId,
};
use tuquan_domain::territory::{LocalCode, Tier, Unit, UnitCode};
use tuquan_domain::HouseholdId;

use super::{load, managed, raced, ItemRecord, PartRecord, SchemeRecord};
use crate::people::{HouseholdRecord, Page, PeopleFilter};
use crate::{AppError, AppResult, Ctx};

/// What the scheme's items already use: units touched, and codes of the units they open.
struct Taken {
    units: BTreeSet<String>,
    codes: BTreeSet<String>,
}

async fn taken(ctx: &Ctx, s: &SchemeRecord) -> AppResult<Taken> {
    let units = ctx.store().scheme_units(s.id).await?;
    let items = ctx.store().scheme_items(s.id).await?;
    let parts = ctx.store().scheme_parts(s.id).await?;
    let parent_of: BTreeMap<SchemeItemId, String> = units
        .iter()
        .filter_map(|u| u.parent_code.clone().map(|p| (u.item_id, p)))
        .collect();
    let mut codes = BTreeSet::new();
    for i in items.iter().filter(|i| !i.new_local_code.is_empty()) {
        if let Some(p) = parent_of.get(&i.id) {
            codes.insert(format!("{p}-{}", i.new_local_code));
        }
    }
    for p in &parts {
        if let Some(parent) = parent_of.get(&p.item_id) {
            codes.insert(format!("{parent}-{}", p.local_code));
        }
    }
    Ok(Taken {
        units: units.into_iter().map(|u| u.unit_code).collect(),
        codes,
    })
}

/// An open residential unit of the scheme's commune, not yet in another item.
async fn scheme_unit(
    ctx: &Ctx,
    s: &SchemeRecord,
    t: &Taken,
    code: &UnitCode,
    field: &'static str,
) -> AppResult<Unit> {
    let unit = match ctx.store().unit(code.as_str()).await {
        Ok(d) => d.unit,
        Err(tuquan_store::StoreError::NotFound) => {
            return Err(AppError::rule("scheme_unit_unknown", field, code.as_str()))
        }
        Err(e) => return Err(e.into()),
    };
    if unit.kind.tier() != Tier::Residential
        || !unit.path.starts_with(&format!("{}/", s.commune_path))
    {
        return Err(AppError::rule(
            "scheme_unit_elsewhere",
            field,
            code.as_str(),
        ));
    }
    if unit.valid_to.is_some() {
        return Err(AppError::rule("scheme_unit_closed", field, code.as_str()));
    }
    if t.units.contains(&unit.code) {
        return Err(AppError::rule("scheme_unit_twice", field, code.as_str()));
    }
    Ok(unit)
}

/// A new unit's code below `parent`: never used before (codes are never reused), nor by
/// another item of the scheme.
async fn fresh_code(
    ctx: &Ctx,
    t: &Taken,
    parent: &str,
    local: &LocalCode,
    field: &'static str,
) -> AppResult<()> {
    let code = format!("{parent}-{}", local.as_str());
    if t.codes.contains(&code) {
        return Err(AppError::rule("scheme_code_used", field, code));
    }
    match ctx.store().unit(&code).await {
        Ok(_) => Err(AppError::rule("scheme_code_used", field, code)),
        Err(tuquan_store::StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn siblings(units: &[Unit], field: &'static str) -> AppResult<String> {
    let parent = units
        .first()
        .and_then(|u| u.parent_code.clone())
        .unwrap_or_default();
    if units
        .iter()
        .any(|u| u.parent_code.as_deref() != Some(parent.as_str()))
    {
        return Err(AppError::rule(
            "scheme_units_not_siblings",
            field,
            "parents differ",
        ));
    }
    Ok(parent)
}

/// Adds a merge: whole units (declared adjacent) into a new unit or into an existing one.
pub async fn add_merge(ctx: &Ctx, id: SchemeId, input: &MergeInput) -> AppResult<SchemeItemId> {
    let s = managed(ctx, id).await?;
    s.status.edit()?;
    let m = Merge::parse(input)?;
    let t = taken(ctx, &s).await?;
    let mut units = Vec::new();
    for u in &m.units {
        units.push(scheme_unit(ctx, &s, &t, u, "units").await?);
    }
    if let Ok(receiver) = &m.into {
        units.push(scheme_unit(ctx, &s, &t, receiver, "into").await?);
    }
    let parent = siblings(&units, "units")?;
    if let Err(new) = &m.into {
        fresh_code(ctx, &t, &parent, &new.local_code, "local_code").await?;
    }
    ctx.store()
        .add_scheme_merge(&s, &m, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_draft"))
}

/// Adds a split: the unit and its new parts; the household lists are made afterwards.
pub async fn add_split(ctx: &Ctx, id: SchemeId, input: &SplitInput) -> AppResult<SchemeItemId> {
    let s = managed(ctx, id).await?;
    s.status.edit()?;
    let sp = Split::parse(input)?;
    let t = taken(ctx, &s).await?;
    let unit = scheme_unit(ctx, &s, &t, &sp.unit, "unit").await?;
    let parent = unit.parent_code.clone().unwrap_or_default();
    for (n, p) in sp.parts.iter().enumerate() {
        let field = tuquan_domain::restructuring::scheme::PART_FIELDS[n][2];
        fresh_code(ctx, &t, &parent, &p.local_code, field).await?;
    }
    ctx.store()
        .add_scheme_split(&s, &sp, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_draft"))
}

/// Adds a rename (a new name, and kind, for the same unit: a new version).
pub async fn add_rename(ctx: &Ctx, id: SchemeId, input: &RenameInput) -> AppResult<SchemeItemId> {
    let s = managed(ctx, id).await?;
    s.status.edit()?;
    let r = Rename::parse(input)?;
    let t = taken(ctx, &s).await?;
    scheme_unit(ctx, &s, &t, &r.unit, "unit").await?;
    ctx.store()
        .add_scheme_rename(&s, &r, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_draft"))
}

/// Removes an item of a draft.
pub async fn remove_item(ctx: &Ctx, id: SchemeId, item_id: SchemeItemId) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    s.status.edit()?;
    ctx.store()
        .remove_scheme_item(&s, item_id, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_draft"))
}

/// The split item of a scheme and its unit.
async fn split_item(
    ctx: &Ctx,
    s: &SchemeRecord,
    item_id: SchemeItemId,
) -> AppResult<(ItemRecord, Unit)> {
    let item = ctx
        .store()
        .scheme_items(s.id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id && i.kind == ItemKind::Split)
        .ok_or(AppError::NotFound)?;
    let code = item.unit_code.clone().ok_or(AppError::NotFound)?;
    let unit = crate::territory::unit(&ctx.app, &code).await?;
    Ok((item, unit))
}

/// Puts households of the split unit into a part (`None`: off every list). Each must be an
/// active household of the unit.
pub async fn assign_households(
    ctx: &Ctx,
    id: SchemeId,
    item_id: SchemeItemId,
    part_id: Option<SplitPartId>,
    households: &[HouseholdId],
) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    s.status.edit()?;
    let (_, unit) = split_item(ctx, &s, item_id).await?;
    if households.is_empty() {
        return Err(tuquan_domain::FieldError::new(
            "households",
            tuquan_domain::FieldErrorKind::Required,
            "none chosen",
        )
        .into());
    }
    let of_unit: BTreeSet<HouseholdId> = ctx
        .store()
        .active_household_ids_under(&unit.path)
        .await?
        .into_iter()
        .collect();
    if !households.iter().all(|h| of_unit.contains(h)) {
        return Err(AppError::rule(
            "scheme_household_not_in_unit",
            "households",
            "not in the unit",
        ));
    }
    if let Some(p) = part_id {
        let parts = ctx.store().scheme_parts(s.id).await?;
        if !parts.iter().any(|x| x.id == p && x.item_id == item_id) {
            return Err(AppError::rule("scheme_no_part", "part", "unknown part"));
        }
    }
    ctx.store()
        .assign_split_households(&s, item_id, part_id, households, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_not_draft"))
}

/// The lists of a split and what is wrong with them.
pub(crate) async fn gap_of(
    ctx: &Ctx,
    item_id: SchemeItemId,
    unit: &Unit,
    parts: &[PartRecord],
) -> AppResult<SplitGap> {
    let of_unit = ctx.store().active_household_ids_under(&unit.path).await?;
    let listed = ctx.store().split_lists(item_id).await?;
    let ids: Vec<SplitPartId> = parts
        .iter()
        .filter(|p| p.item_id == item_id)
        .map(|p| p.id)
        .collect();
    Ok(split_gap(&of_unit, &listed, &ids))
}

/// The page that makes a split's lists: one page of the unit's households (search without
/// accents, paging) with the part each is in.
#[derive(Debug, Clone)]
pub struct SplitPicker {
    pub scheme: SchemeRecord,
    pub item: ItemRecord,
    pub unit: Unit,
    pub parts: Vec<PartRecord>,
    pub page: Page<HouseholdRecord>,
    /// The part id of each household listed.
    pub assigned: BTreeMap<HouseholdId, SplitPartId>,
    pub gap: SplitGap,
}

impl SplitPicker {
    /// The name of the part a household is in, if any.
    pub fn part_of(&self, h: &HouseholdId) -> Option<&str> {
        let p = self.assigned.get(h)?;
        self.parts
            .iter()
            .find(|x| x.id == *p)
            .map(|x| x.name.as_str())
    }
}

pub async fn split_picker(
    ctx: &Ctx,
    id: SchemeId,
    item_id: SchemeItemId,
    f: &PeopleFilter,
) -> AppResult<SplitPicker> {
    let scheme = load(ctx, id).await?;
    ctx.authorize(
        tuquan_domain::access::Action::RestructuringSchemeManage,
        Some(&scheme.commune_path),
    )?;
    let (item, unit) = split_item(ctx, &scheme, item_id).await?;
    let (_, page) = crate::people::list_households(ctx, &unit.code, f).await?;
    let parts: Vec<PartRecord> = ctx
        .store()
        .scheme_parts(scheme.id)
        .await?
        .into_iter()
        .filter(|p| p.item_id == item_id)
        .collect();
    let assigned = ctx
        .store()
        .split_lists(item_id)
        .await?
        .into_iter()
        .collect();
    let gap = gap_of(ctx, item_id, &unit, &parts).await?;
    Ok(SplitPicker {
        scheme,
        item,
        unit,
        parts,
        page,
        assigned,
        gap,
    })
}
