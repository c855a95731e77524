//! What a scheme does with the groups (tổ chức, nhóm) of the units it closes: the groups with
//! their choice (dissolved unless chosen otherwise), the units they may be carried to, the
//! groups they may be merged into; setting a choice; the plan's dispositions.

use std::collections::BTreeMap;

use tuquan_domain::restructuring::scheme::{
    check_group, check_groups, dispositions, GroupChoice, GroupChoiceInput, GroupFact, GroupScope,
    ItemKind, SchemeId, SchemeRule, SchemeStatus,
};
use tuquan_domain::restructuring::GroupDisposition;
use tuquan_domain::territory::UnitCode;
use tuquan_domain::GroupId;

use super::{managed, raced, who, AffectedGroupRecord, SchemeGroupRecord, SchemeRecord};
use crate::{AppError, AppResult, Ctx};

/// A unit a group may be carried to: one the scheme opens, or one that continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTarget {
    pub code: String,
    pub name: String,
    pub new: bool,
}

/// One affected group with its choice.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub group: AffectedGroupRecord,
    pub choice: GroupChoice,
    /// Whether an official chose it (otherwise the default, dissolve).
    pub chosen: bool,
}

/// The groups of a scheme, as its page shows them.
#[derive(Debug, Clone, Default)]
pub struct GroupsView {
    pub rows: Vec<GroupRow>,
    pub targets: Vec<GroupTarget>,
    /// The open groups of the continuing units, which a group may be merged into.
    pub receiving: Vec<AffectedGroupRecord>,
}

impl GroupsView {
    /// A group's name by id, among the affected and the receiving groups.
    pub fn group_name(&self, id: GroupId) -> Option<&str> {
        self.rows
            .iter()
            .map(|r| &r.group)
            .chain(self.receiving.iter())
            .find(|g| g.id == id)
            .map(|g| g.name.as_str())
    }

    /// A target unit's name by code.
    pub fn target_name(&self, code: &str) -> Option<&str> {
        self.targets
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.name.as_str())
    }

    /// What goes to a unit of the after table: the groups carried there and those kept there,
    /// each with the names of the groups merged into it.
    pub fn arriving(&self, code: &str) -> Vec<(String, Vec<String>)> {
        let merged_into = |id: GroupId| -> Vec<String> {
            self.rows
                .iter()
                .filter(|r| r.choice == GroupChoice::Merge { into: id })
                .map(|r| r.group.name.clone())
                .collect()
        };
        let carried = self
            .rows
            .iter()
            .filter(|r| matches!(&r.choice, GroupChoice::CarryOver { to } if to.as_str() == code));
        let kept = self.receiving.iter().filter(|g| g.unit_code == code);
        carried
            .map(|r| &r.group)
            .map(|g| (g.name.clone(), merged_into(g.id)))
            .chain(
                kept.map(|g| (g.name.clone(), merged_into(g.id)))
                    .filter(|(_, m)| !m.is_empty()),
            )
            .collect()
    }
}

fn fact(g: &AffectedGroupRecord) -> GroupFact {
    GroupFact {
        id: g.id,
        kind: g.kind,
        unit_code: g.unit_code.clone(),
    }
}

fn choice_of(r: &SchemeGroupRecord) -> AppResult<GroupChoice> {
    use tuquan_domain::restructuring::scheme::GroupAction as A;
    Ok(match r.action {
        A::CarryOver => GroupChoice::CarryOver {
            to: UnitCode::parse(r.to_code.as_deref().unwrap_or_default())
                .map_err(|e| AppError::Internal(format!("stored group target: {e}")))?,
        },
        A::Merge => GroupChoice::Merge {
            into: r.into_group_id.unwrap_or(GroupId(0)),
        },
        A::Dissolve => GroupChoice::Dissolve,
    })
}

/// The units the scheme closes and the units groups may go to, from its items.
async fn units_of(ctx: &Ctx, s: &SchemeRecord) -> AppResult<(Vec<String>, Vec<GroupTarget>)> {
    let items = ctx.store().scheme_items(s.id).await?;
    let units = ctx.store().scheme_units(s.id).await?;
    let parts = ctx.store().scheme_parts(s.id).await?;
    let mut closed = Vec::new();
    let mut targets = Vec::new();
    for item in &items {
        let its: Vec<_> = units.iter().filter(|u| u.item_id == item.id).collect();
        let parent = its
            .first()
            .and_then(|u| u.parent_code.clone())
            .unwrap_or_default();
        let target = |code: String, name: String, new: bool| GroupTarget { code, name, new };
        match item.kind {
            ItemKind::Merge | ItemKind::Split => closed.extend(
                its.iter()
                    .filter(|u| u.role == "part")
                    .map(|u| u.unit_code.clone()),
            ),
            ItemKind::Rename => {}
        }
        match item.kind {
            ItemKind::Merge => targets.push(match its.iter().find(|u| u.role == "into") {
                Some(u) => target(u.unit_code.clone(), u.unit_name.clone(), false),
                None => target(
                    format!("{parent}-{}", item.new_local_code),
                    item.new_name.clone(),
                    true,
                ),
            }),
            ItemKind::Split => targets.extend(
                parts
                    .iter()
                    .filter(|p| p.item_id == item.id)
                    .map(|p| target(format!("{parent}-{}", p.local_code), p.name.clone(), true)),
            ),
            ItemKind::Rename => targets.extend(
                its.iter()
                    .map(|u| target(u.unit_code.clone(), item.new_name.clone(), false)),
            ),
        }
    }
    Ok((closed, targets))
}

/// The scheme's groups, the checks' scope and the stored choices.
pub(crate) async fn groups_of(
    ctx: &Ctx,
    s: &SchemeRecord,
) -> AppResult<(GroupsView, GroupScope, BTreeMap<GroupId, GroupChoice>)> {
    let (closed, targets) = units_of(ctx, s).await?;
    let affected = ctx.store().open_groups_of_units(&closed).await?;
    let surviving: Vec<String> = targets
        .iter()
        .filter(|t| !t.new)
        .map(|t| t.code.clone())
        .collect();
    let receiving = ctx.store().open_groups_of_units(&surviving).await?;
    let mut choices = BTreeMap::new();
    for r in ctx.store().scheme_groups(s.id).await? {
        choices.insert(r.group_id, choice_of(&r)?);
    }
    let scope = GroupScope {
        affected: affected.iter().map(fact).collect(),
        targets: targets.iter().map(|t| (t.code.clone(), t.new)).collect(),
        receiving: receiving.iter().map(fact).collect(),
    };
    let rows = affected
        .into_iter()
        .map(|g| GroupRow {
            choice: choices.get(&g.id).cloned().unwrap_or(GroupChoice::Dissolve),
            chosen: choices.contains_key(&g.id),
            group: g,
        })
        .collect();
    let view = GroupsView {
        rows,
        targets,
        receiving,
    };
    Ok((view, scope, choices))
}

/// Sets what becomes of one group of a unit the scheme closes: carried over to a new or
/// continuing unit of the scheme, merged into a continuing group of its kind, or dissolved.
/// Allowed to those who manage the scheme until it is applied or abandoned; audited.
pub async fn set_group(
    ctx: &Ctx,
    id: SchemeId,
    group: GroupId,
    input: &GroupChoiceInput,
) -> AppResult<()> {
    let s = managed(ctx, id).await?;
    if !matches!(
        s.status,
        SchemeStatus::Draft | SchemeStatus::Consulting | SchemeStatus::Approved
    ) {
        return Err(SchemeRule {
            code: "scheme_closed",
            field: "status",
        }
        .into());
    }
    let choice = GroupChoice::parse(input)?;
    let (_, scope, mut choices) = groups_of(ctx, &s).await?;
    choices.insert(group, choice.clone());
    check_group(&scope, &choices, group)?;
    ctx.store()
        .set_scheme_group(&s, group, &choice, &who(ctx)?, &ctx.audit_ctx())
        .await
        .map_err(raced("scheme_closed"))
}

/// The plan's group dispositions from the stored choices, checked again against the scheme
/// as it is now.
pub(crate) async fn plan_groups(ctx: &Ctx, s: &SchemeRecord) -> AppResult<Vec<GroupDisposition>> {
    let (_, scope, choices) = groups_of(ctx, s).await?;
    check_groups(&scope, &choices)?;
    Ok(dispositions(&scope, &choices))
}
