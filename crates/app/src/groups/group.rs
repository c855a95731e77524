//! Groups themselves: the list of a unit's groups, creating one, a unit's leadership, one
//! group with its decisions and positions, and its history.

use tuquan_domain::access::Action;
use tuquan_domain::groups::{GroupKind, GroupStatus, NewGroup, NewGroupInput, TermYears};
use tuquan_domain::page::Limit;
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldErrorKind, GroupId};
use tuquan_store::groups::GroupQuery;
use tuquan_store::territory::{UnitFilter, UnitListItem};
use tuquan_store::StoreError;

use super::{
    invalid, load_group, load_unit, may, within, DecisionRecord, EventRecord, GroupRecord,
    GroupUnit, PositionRecord, RegulationStatus, ResignRecord,
};
use crate::people::{malformed_cursor, parse_keyset, Page};
use crate::{AppError, AppResult, Ctx};

/// Filters and paging of a group list, as given; blank counts as absent.
#[derive(Debug, Default, Clone, Copy)]
pub struct GroupFilter<'a> {
    pub kind: Option<&'a str>,
    pub status: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
}

/// One page of groups, in Vietnamese name order.
#[derive(Debug, Clone)]
pub struct GroupPage {
    pub unit: Unit,
    pub items: Vec<GroupRecord>,
    /// The cursor of the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// The groups of a unit's subtree (and groups covering it), one page.
pub async fn list_groups(ctx: &Ctx, code: &str, f: GroupFilter<'_>) -> AppResult<GroupPage> {
    let unit = load_unit(ctx, Action::GroupView, code).await?;
    let blank = |s: Option<&str>| s.map(str::trim).unwrap_or("").to_owned();
    let kind = blank(f.kind);
    if !kind.is_empty() && GroupKind::parse(&kind).is_none() {
        return Err(invalid("kind", FieldErrorKind::UnknownValue, "not a kind"));
    }
    let status = blank(f.status);
    if !status.is_empty() && GroupStatus::parse(&status).is_none() {
        return Err(invalid(
            "status",
            FieldErrorKind::UnknownValue,
            "not a status",
        ));
    }
    let limit = Limit::parse(f.limit)?.get() as usize;
    let after = parse_keyset(f.cursor)?;
    let query = GroupQuery {
        kind: GroupKind::parse(&kind)
            .map(|k| k.as_str().to_owned())
            .unwrap_or_default(),
        status,
    };
    let today = ctx.today().to_string();
    let rows = ctx
        .store()
        .groups_in(&unit, &query, &today, after, limit as i64 + 1)
        .await?;
    let page = Page::cut(rows, limit, GroupRecord::cursor);
    Ok(GroupPage {
        unit,
        items: page.items,
        next_cursor: page.next_cursor,
    })
}

/// What a unit's groups page shows besides the list.
#[derive(Debug, Clone)]
pub struct UnitGroups {
    pub page: GroupPage,
    /// Regulations in the subtree due for their yearly review.
    pub due: Vec<RegulationStatus>,
    /// Regulations in the subtree to sign again after a restructuring.
    pub to_resign: Vec<ResignRecord>,
    /// A residential unit's leadership group, once created.
    pub leadership: Option<GroupId>,
    pub term_years: TermYears,
    /// The actor may create groups here.
    pub may_manage: bool,
    /// The actor may set the province's term.
    pub may_set_term: bool,
}

/// A unit's groups page: one page of groups, the regulations due, its leadership and term.
pub async fn unit_groups(ctx: &Ctx, code: &str, f: GroupFilter<'_>) -> AppResult<UnitGroups> {
    let page = list_groups(ctx, code, f).await?;
    let unit = &page.unit;
    let due = super::regulations::due_in(ctx, unit).await?;
    let to_resign = super::regulations::to_resign_in(ctx, unit).await?;
    let leadership = if unit.kind.tier() == Tier::Residential {
        ctx.store()
            .unit_leadership(&unit.code, "")
            .await?
            .map(|g| g.id)
    } else {
        None
    };
    let term_years = ctx.store().term_years(&unit.province_code).await?;
    Ok(UnitGroups {
        may_manage: may(ctx, Action::GroupManage, &unit.path) && unit.valid_to.is_none(),
        may_set_term: may(ctx, Action::GroupManage, &unit.province_code),
        due,
        to_resign,
        leadership,
        term_years,
        page,
    })
}

/// The unit a new group would belong to, with its current children to choose from.
pub async fn new_group_form(ctx: &Ctx, code: &str) -> AppResult<(Unit, Vec<UnitListItem>)> {
    let unit = load_unit(ctx, Action::GroupManage, code).await?;
    let children = ctx
        .store()
        .list_units(
            &UnitFilter::ChildrenOf(&unit.code),
            None,
            Limit::parse(Some("200"))?,
        )
        .await?;
    Ok((unit, children.items))
}

/// A current unit below the province level, where groups live.
fn check_group_unit(unit: &Unit) -> AppResult<()> {
    if unit.valid_to.is_some() || unit.kind.tier() == Tier::Province {
        return Err(AppError::rule(
            "group_unit",
            "unit",
            "groups belong to a current commune or residential unit",
        ));
    }
    Ok(())
}

/// Creates a pending group in the unit `code`, covering the units it names (inside `code`).
pub async fn create_group(ctx: &Ctx, code: &str, input: &NewGroupInput) -> AppResult<GroupRecord> {
    let unit = load_unit(ctx, Action::GroupManage, code).await?;
    check_group_unit(&unit)?;
    let g = NewGroup::parse_all(input)?;
    let mut covered = Vec::with_capacity(g.unit_codes.len());
    for c in &g.unit_codes {
        let u = match ctx.store().unit(c.as_str()).await {
            Ok(u) => u.unit,
            Err(StoreError::NotFound) => {
                return Err(invalid(
                    "unit_codes",
                    FieldErrorKind::UnknownValue,
                    "no such unit",
                ))
            }
            Err(e) => return Err(e.into()),
        };
        if !within(&u.path, &unit.path) || u.valid_to.is_some() {
            return Err(AppError::rule(
                "covered_unit",
                "unit_codes",
                "a covered unit lies inside the group's unit",
            ));
        }
        covered.push(u);
    }
    let id = ctx
        .store()
        .create_group(&unit, &g, &covered, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().group(id, &ctx.today().to_string()).await?)
}

/// The leadership group of a residential unit, created when first asked for; `true` when
/// it was created now.
pub async fn ensure_leadership(ctx: &Ctx, code: &str) -> AppResult<(GroupRecord, bool)> {
    let unit = load_unit(ctx, Action::GroupManage, code).await?;
    if unit.valid_to.is_some() || unit.kind.tier() != Tier::Residential {
        return Err(AppError::rule(
            "leadership_unit",
            "unit",
            "only a residential unit has a head",
        ));
    }
    let name = format!("Trưởng, phó {}", unit.name);
    let (id, created) = ctx
        .store()
        .ensure_unit_leadership(&unit, &name, &ctx.audit_ctx())
        .await?;
    let g = ctx.store().group(id, &ctx.today().to_string()).await?;
    Ok((g, created))
}

/// A group with everything its page shows.
#[derive(Debug, Clone)]
pub struct GroupDetail {
    pub group: GroupRecord,
    /// The units it covers.
    pub units: Vec<GroupUnit>,
    pub term_years: TermYears,
    pub decisions: Vec<DecisionRecord>,
    /// Current and upcoming first (by role, then start), then past ones.
    pub positions: Vec<PositionRecord>,
    /// The actor may record decisions and appoint.
    pub may_manage: bool,
}

/// One group, for those who may see it (on its unit or a unit it covers).
pub async fn group_detail(ctx: &Ctx, id: GroupId) -> AppResult<GroupDetail> {
    let (group, units) = load_group(ctx, Action::GroupView, id, true).await?;
    let today = ctx.today().to_string();
    let decisions = ctx.store().decisions_of(id).await?;
    let mut positions = ctx.store().positions_of(id).await?;
    let term_years = ctx.store().term_years(&group.province_code).await?;
    // A stable sort keeps the store's order (by role, then start) within each part.
    positions.sort_by_key(|p| {
        matches!(
            super::position_state(p, &today),
            super::PositionState::Ended | super::PositionState::TermOver
        )
    });
    Ok(GroupDetail {
        may_manage: super::may(ctx, Action::GroupManage, &group.unit_path),
        group,
        units,
        term_years,
        decisions,
        positions,
    })
}

/// One page of a group's history, newest first.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub group: GroupRecord,
    pub items: Vec<EventRecord>,
    /// Pass as `cursor` for older events.
    pub next_cursor: Option<String>,
}

/// A group's history (creation, decisions, appointments, ends), newest first.
pub async fn group_history(
    ctx: &Ctx,
    id: GroupId,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<HistoryPage> {
    let (group, _) = load_group(ctx, Action::GroupView, id, true).await?;
    let limit = Limit::parse(limit)?.get() as usize;
    let before = match cursor.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| malformed_cursor())?),
    };
    let mut items = ctx
        .store()
        .group_events(id, before, limit as i64 + 1)
        .await?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(HistoryPage {
        group,
        items,
        next_cursor,
    })
}

/// A group its managers act on (the forms for decisions and appointments).
pub async fn group_to_manage(ctx: &Ctx, id: GroupId) -> AppResult<GroupRecord> {
    Ok(load_group(ctx, Action::GroupManage, id, false).await?.0)
}
