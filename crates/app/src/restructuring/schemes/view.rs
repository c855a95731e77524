//! A scheme as its page shows it: the items with their units and parts, each split's gaps,
//! the before/after table (per new or continuing unit: households, residents, size against
//! the standard), each affected unit's consent, the ballots on candidate names, and whether
//! a freeze is in force.

use tuquan_domain::access::Action;
use tuquan_domain::restructuring::scheme::{Consent, ItemKind, SchemeId, SplitGap};
use tuquan_domain::restructuring::standards::{Minimum, SizeFlag};

use super::consent::{consents, UnitConsent};
use super::standards::{freeze_on, judge, settings};
use super::{
    header_of, load, ItemRecord, ItemUnitRecord, PartRecord, SchemeRecord, SchemeVoteRecord,
};
use super::{FreezeRecord, GroupsView};
use crate::{AppError, AppResult, Ctx};

/// One item with its units and parts.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: ItemRecord,
    /// The units merged or split (`role` `part`), the receiver (`into`), the renamed unit.
    pub units: Vec<ItemUnitRecord>,
    pub parts: Vec<PartRecord>,
    /// A split's lists checked against the unit's households now.
    pub gap: Option<SplitGap>,
}

/// One row of the before/after table: a unit as it will be.
#[derive(Debug, Clone)]
pub struct AfterRow {
    pub name: String,
    pub kind: String,
    /// The code it will have (a new code, or the unit's own).
    pub code: String,
    /// The names of the units it comes from.
    pub from: Vec<String>,
    pub households: i64,
    pub residents: i64,
    pub minimum: Option<Minimum>,
    pub percent: Option<u64>,
    pub flag: Option<SizeFlag>,
    /// The groups it will have from the units it comes from: each carried (or kept) group
    /// with the names of the groups merged into it.
    pub groups: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone)]
pub struct SchemeView {
    pub scheme: SchemeRecord,
    pub items: Vec<ItemView>,
    pub after: Vec<AfterRow>,
    pub consent: Vec<UnitConsent>,
    /// Ballots on candidate names.
    pub names: Vec<SchemeVoteRecord>,
    /// A freeze in force today or on the effective date.
    pub freeze: Option<FreezeRecord>,
    /// The groups of the units it closes and what becomes of them.
    pub groups: GroupsView,
    pub may_manage: bool,
}

impl SchemeView {
    /// Every affected unit has consented.
    pub fn consent_complete(&self) -> bool {
        !self.consent.is_empty() && self.consent.iter().all(|c| c.consent == Consent::Passed)
    }

    /// Every split's lists are complete.
    pub fn lists_complete(&self) -> bool {
        self.items
            .iter()
            .all(|i| i.gap.as_ref().is_none_or(SplitGap::is_empty))
    }
}

/// Who may see a scheme: those who may see its commune's schemes, and the heads of the
/// units it affects.
fn may_view(ctx: &Ctx, s: &SchemeRecord, units: &[ItemUnitRecord]) -> AppResult<()> {
    if ctx
        .authorize(Action::RestructuringSchemeView, Some(&s.commune_path))
        .is_ok()
    {
        return Ok(());
    }
    if units.iter().any(|u| {
        ctx.authorize(Action::RestructuringSchemeView, Some(&u.unit_path))
            .is_ok()
    }) {
        return Ok(());
    }
    Err(AppError::Forbidden)
}

fn sum(units: &[&ItemUnitRecord]) -> (i64, i64) {
    units
        .iter()
        .fold((0, 0), |(h, r), u| (h + u.households, r + u.residents))
}

pub async fn scheme_view(ctx: &Ctx, id: SchemeId) -> AppResult<SchemeView> {
    let scheme = load(ctx, id).await?;
    let units = ctx.store().scheme_units(scheme.id).await?;
    may_view(ctx, &scheme, &units)?;
    let header = header_of(&scheme)?;
    let items = ctx.store().scheme_items(scheme.id).await?;
    let parts = ctx.store().scheme_parts(scheme.id).await?;
    let votes = ctx.store().scheme_votes(scheme.id).await?;
    let standards = settings(ctx, &scheme.province_code).await?;
    let day = header.effective_on;
    let judged = |kind: &str, h: i64| judge(&standards, &scheme.province_code, kind, day, h);
    let mut views = Vec::new();
    let mut after = Vec::new();
    for item in items {
        let its: Vec<ItemUnitRecord> = units
            .iter()
            .filter(|u| u.item_id == item.id)
            .cloned()
            .collect();
        let its_parts: Vec<PartRecord> = parts
            .iter()
            .filter(|p| p.item_id == item.id)
            .cloned()
            .collect();
        let parent = its
            .first()
            .and_then(|u| u.parent_code.clone())
            .unwrap_or_default();
        let gap = match (item.kind, its.first()) {
            (ItemKind::Split, Some(u)) => {
                let unit = crate::territory::unit(&ctx.app, &u.unit_code).await?;
                Some(super::items::gap_of(ctx, item.id, &unit, &its_parts).await?)
            }
            _ => None,
        };
        after.extend(after_rows(&item, &its, &its_parts, &parent, &judged));
        views.push(ItemView {
            item,
            units: its,
            parts: its_parts,
            gap,
        });
    }
    let (groups, _, _) = super::groups::groups_of(ctx, &scheme).await?;
    for row in &mut after {
        row.groups = groups.arriving(&row.code);
    }
    let consent = consents(&units, &votes);
    let names = votes.into_iter().filter(|v| v.purpose == "name").collect();
    let freeze = freeze_on(ctx, &scheme.province_code, &[ctx.today(), day]).await?;
    let may_manage = ctx
        .authorize(
            Action::RestructuringSchemeManage,
            Some(&scheme.commune_path),
        )
        .is_ok();
    Ok(SchemeView {
        scheme,
        items: views,
        after,
        consent,
        names,
        freeze,
        groups,
        may_manage,
    })
}

/// A unit size judged against the standard: the minimum, the percentage of it, the flag.
type Judgement = (Option<Minimum>, Option<u64>, Option<SizeFlag>);

/// The rows of the after table that one item makes: the merged unit, each part of a split, or
/// the renamed unit, each judged against the size standard on the scheme's day.
fn after_rows(
    item: &ItemRecord,
    its: &[ItemUnitRecord],
    parts: &[PartRecord],
    parent: &str,
    judged: &dyn Fn(&str, i64) -> Judgement,
) -> Vec<AfterRow> {
    let from: Vec<String> = its.iter().map(|u| u.unit_name.clone()).collect();
    let row = |name: String, kind: String, code: String, households: i64, residents: i64| {
        let (minimum, percent, flag) = judged(&kind, households);
        AfterRow {
            name,
            kind,
            code,
            from: from.clone(),
            households,
            residents,
            minimum,
            percent,
            flag,
            groups: Vec::new(),
        }
    };
    match item.kind {
        ItemKind::Merge => {
            let all: Vec<&ItemUnitRecord> = its.iter().collect();
            let (h, r) = sum(&all);
            let (name, kind, code) = match its.iter().find(|u| u.role == "into") {
                Some(u) => (
                    u.unit_name.clone(),
                    u.unit_kind.clone(),
                    u.unit_code.clone(),
                ),
                None => (
                    item.new_name.clone(),
                    item.new_kind.clone(),
                    format!("{parent}-{}", item.new_local_code),
                ),
            };
            vec![row(name, kind, code, h, r)]
        }
        ItemKind::Split => parts
            .iter()
            .map(|p| {
                let code = format!("{parent}-{}", p.local_code);
                row(
                    p.name.clone(),
                    p.kind.clone(),
                    code,
                    p.households,
                    p.residents,
                )
            })
            .collect(),
        ItemKind::Rename => its
            .first()
            .map(|u| {
                let (name, kind) = (item.new_name.clone(), item.new_kind.clone());
                row(name, kind, u.unit_code.clone(), u.households, u.residents)
            })
            .into_iter()
            .collect(),
    }
}
