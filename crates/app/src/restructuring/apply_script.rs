//! From a checked [`Plan`] to the store's [`ApplyScript`]: the facts the checks need, then per
//! step its event, the units opened, closed or renamed, the households moved, and the heir
//! of each closed unit (its open feedback; its accounts' grants when the head keeps the post).

use std::collections::{HashMap, HashSet};

use tuquan_domain::restructuring::validate::{changed_code_unit, new_unit_code};
use tuquan_domain::restructuring::{EventKind, NewUnit, Plan, Step, TreeFacts, UnitFact};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::text;
use tuquan_store::restructuring::apply::{
    ApplyScript, GroupOp, Heir, Move, NewUnitRow, RenameRow, ScriptStep,
};

use super::apply::Loaded;
use crate::i18n::Lang;
use crate::{AppError, AppResult, Ctx};

/// Every unit code a plan names (parts, receivers, parents of new units).
pub(super) fn named_units(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for step in &plan.steps {
        match step {
            Step::Rename { unit, .. }
            | Step::Split { unit, .. }
            | Step::ChangeParent { unit, .. }
            | Step::ChangeCode { unit, .. } => out.push(unit.as_str().to_owned()),
            Step::CreateFromParts { parts, .. } => {
                out.extend(parts.iter().map(|p| p.as_str().to_owned()))
            }
            Step::MergeInto { parts, receiver } => {
                out.extend(parts.iter().map(|p| p.as_str().to_owned()));
                out.push(receiver.as_str().to_owned());
            }
            Step::TransferPart { from, to, .. } => {
                out.push(from.as_str().to_owned());
                out.push(to.as_str().to_owned());
            }
            Step::Dissolve { unit, receiver } => {
                out.push(unit.as_str().to_owned());
                out.push(receiver.as_str().to_owned());
            }
        }
        for u in tuquan_domain::restructuring::validate::opened_by(step) {
            out.push(u.parent.as_str().to_owned());
        }
    }
    out
}

fn commune_of(u: &Unit) -> String {
    match u.kind.tier() {
        Tier::Residential => u.code.split('-').next().unwrap_or_default().to_owned(),
        _ => u.code.clone(),
    }
}

/// The facts `validate` needs, from the commune's units and the households of the units
/// that give households by list.
pub(super) async fn facts_of(
    ctx: &Ctx,
    plan: &Plan,
    units: &HashMap<String, Unit>,
) -> AppResult<TreeFacts> {
    let mut facts = TreeFacts::default();
    let mut open_children: HashMap<&str, Vec<String>> = HashMap::new();
    for u in units.values() {
        if let (Some(p), None) = (&u.parent_code, &u.valid_to) {
            open_children
                .entry(p.as_str())
                .or_default()
                .push(u.code.clone());
        }
    }
    for u in units.values() {
        let valid_from = u
            .valid_from
            .parse()
            .map_err(|_| AppError::Internal(format!("unit {}: bad valid_from", u.code)))?;
        facts.existing_codes.insert(u.code.clone());
        facts.units.insert(
            u.code.clone(),
            UnitFact {
                code: u.code.clone(),
                parent_code: u.parent_code.clone(),
                commune_code: commune_of(u),
                name: u.name.clone(),
                kind: u.kind,
                valid_from,
                open: u.valid_to.is_none(),
                open_children: open_children.remove(u.code.as_str()).unwrap_or_default(),
            },
        );
    }
    for step in &plan.steps {
        let giver = match step {
            Step::Split { unit, .. } => unit,
            Step::TransferPart { from, .. } => from,
            _ => continue,
        };
        if units.contains_key(giver.as_str()) {
            let ids = ctx.store().active_household_ids(giver.as_str()).await?;
            facts
                .households
                .insert(giver.as_str().to_owned(), ids.into_iter().collect());
        }
    }
    Ok(facts)
}

fn new_row(u: &NewUnit, units: &HashMap<String, Unit>) -> AppResult<NewUnitRow> {
    let parent = units
        .get(u.parent.as_str())
        .ok_or_else(|| AppError::Internal("a checked plan names an unknown parent".into()))?;
    let name = text::clean(&u.name);
    Ok(NewUnitRow {
        code: new_unit_code(u).into_string(),
        parent_code: parent.code.clone(),
        path: format!("{}/{}", parent.path, u.local_code.as_str()),
        level: parent.level + 1,
        kind: u.kind,
        name_folded: text::fold(&name),
        sort_key: text::sort_key(&name),
        name,
    })
}

fn empty_step(kind: EventKind) -> ScriptStep {
    ScriptStep {
        kind,
        note: String::new(),
        new_units: vec![],
        predecessors: vec![],
        contributors: vec![],
        receivers: vec![],
        successors: vec![],
        rename: None,
        moves: vec![],
        heirs: vec![],
    }
}

fn whole(parts: &[String], to: &str) -> Vec<Move> {
    parts
        .iter()
        .map(|p| Move::Whole {
            from: p.clone(),
            to: to.to_owned(),
        })
        .collect()
}

fn heirs(parts: &[String], to: &str, keep_grants: bool) -> Vec<Heir> {
    parts
        .iter()
        .map(|p| Heir {
            closed: p.clone(),
            to: to.to_owned(),
            keep_grants,
        })
        .collect()
}

fn codes(parts: &[tuquan_domain::territory::UnitCode]) -> Vec<String> {
    parts.iter().map(|p| p.as_str().to_owned()).collect()
}

/// One step of the script (without the leadership rule for grants, added after).
fn script_step(step: &Step, units: &HashMap<String, Unit>) -> AppResult<ScriptStep> {
    let s = match step {
        Step::Rename { unit, name, kind } => {
            let name = text::clean(name);
            let mut s = empty_step(EventKind::Rename);
            s.predecessors = vec![unit.as_str().to_owned()];
            s.successors = s.predecessors.clone();
            s.rename = Some(RenameRow {
                code: unit.as_str().to_owned(),
                name_folded: text::fold(&name),
                sort_key: text::sort_key(&name),
                name,
                kind: *kind,
            });
            s
        }
        Step::CreateFromParts { parts, into } => {
            let row = new_row(into, units)?;
            let mut s = empty_step(EventKind::CreateFromParts);
            s.predecessors = codes(parts);
            s.successors = vec![row.code.clone()];
            s.moves = whole(&s.predecessors, &row.code);
            s.heirs = heirs(&s.predecessors, &row.code, parts.len() == 1);
            s.new_units = vec![row];
            s
        }
        Step::MergeInto { parts, receiver } => {
            let mut s = empty_step(EventKind::MergeInto);
            s.predecessors = codes(parts);
            s.receivers = vec![receiver.as_str().to_owned()];
            s.moves = whole(&s.predecessors, receiver.as_str());
            s.heirs = heirs(&s.predecessors, receiver.as_str(), false);
            s
        }
        Step::Split { unit, parts } => {
            let mut s = empty_step(EventKind::Split);
            s.predecessors = vec![unit.as_str().to_owned()];
            for (nu, households) in parts {
                let row = new_row(nu, units)?;
                s.successors.push(row.code.clone());
                s.moves.push(Move::Listed {
                    from: unit.as_str().to_owned(),
                    to: row.code.clone(),
                    households: households.iter().map(|h| h.get()).collect(),
                });
                s.new_units.push(row);
            }
            // Open feedback cannot be told apart by part: the first part answers it.
            if let Some(first) = s.successors.first().cloned() {
                s.heirs = heirs(&s.predecessors, &first, false);
            }
            s
        }
        Step::TransferPart {
            from,
            to,
            households,
        } => {
            let mut s = empty_step(EventKind::TransferPart);
            s.contributors = vec![from.as_str().to_owned()];
            s.receivers = vec![to.as_str().to_owned()];
            s.moves = vec![Move::Listed {
                from: from.as_str().to_owned(),
                to: to.as_str().to_owned(),
                households: households.iter().map(|h| h.get()).collect(),
            }];
            s
        }
        Step::Dissolve { unit, receiver } => {
            let mut s = empty_step(EventKind::Dissolve);
            s.predecessors = vec![unit.as_str().to_owned()];
            s.receivers = vec![receiver.as_str().to_owned()];
            s.moves = whole(&s.predecessors, receiver.as_str());
            s.heirs = heirs(&s.predecessors, receiver.as_str(), false);
            s
        }
        Step::ChangeParent { unit, into } => {
            one_to_one(EventKind::ChangeParent, unit, into, units)?
        }
        Step::ChangeCode { unit, local_code } => {
            let fact = units.get(unit.as_str()).and_then(|u| {
                changed_code_unit(
                    &UnitFact {
                        code: u.code.clone(),
                        parent_code: u.parent_code.clone(),
                        commune_code: String::new(),
                        name: u.name.clone(),
                        kind: u.kind,
                        valid_from: jiff::civil::date(2000, 1, 1),
                        open: true,
                        open_children: vec![],
                    },
                    local_code,
                )
            });
            let into = fact.ok_or_else(|| {
                AppError::Internal("a checked plan changes an unknown code".into())
            })?;
            one_to_one(EventKind::ChangeCode, unit, &into, units)?
        }
    };
    Ok(s)
}

/// A unit closed and reopened as one successor: everything follows it, grants too.
fn one_to_one(
    kind: EventKind,
    unit: &tuquan_domain::territory::UnitCode,
    into: &NewUnit,
    units: &HashMap<String, Unit>,
) -> AppResult<ScriptStep> {
    let row = new_row(into, units)?;
    let mut s = empty_step(kind);
    s.predecessors = vec![unit.as_str().to_owned()];
    s.successors = vec![row.code.clone()];
    s.moves = whole(&s.predecessors, &row.code);
    s.heirs = heirs(&s.predecessors, &row.code, true);
    s.new_units = vec![row];
    Ok(s)
}

/// The whole script of a checked plan.
pub(super) async fn build_script(
    ctx: &Ctx,
    plan: &Plan,
    loaded: &Loaded,
) -> AppResult<ApplyScript> {
    let mut steps = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        steps.push(script_step(step, &loaded.units)?);
    }
    // A head whose leadership is carried over to the heir keeps the post, and the grants.
    let carried: HashMap<i64, String> = plan
        .groups
        .iter()
        .filter_map(|g| match g {
            tuquan_domain::restructuring::GroupDisposition::CarryOver { group, to } => {
                Some((group.get(), to.as_str().to_owned()))
            }
            _ => None,
        })
        .collect();
    if !carried.is_empty() {
        for s in &mut steps {
            for h in &mut s.heirs {
                if let Some(g) = ctx.store().leadership_group_id(&h.closed).await? {
                    h.keep_grants |= carried.get(&g.get()) == Some(&h.to);
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let groups = plan
        .groups
        .iter()
        .filter_map(|g| {
            use tuquan_domain::restructuring::GroupDisposition as D;
            Some(match g {
                D::CarryOver { group, to } => GroupOp::CarryOver {
                    group: group.get(),
                    to: to.as_str().to_owned(),
                },
                D::Merge { groups, into } => GroupOp::Merge {
                    groups: groups.iter().map(|g| g.get()).collect(),
                    into: into.get(),
                },
                D::Dissolve { group } => {
                    if !seen.insert(group.get()) {
                        return None;
                    }
                    GroupOp::Dissolve { group: group.get() }
                }
            })
        })
        .collect();
    Ok(ApplyScript {
        province_code: loaded.commune.province_code.clone(),
        commune_code: loaded.commune.code.clone(),
        commune_path: loaded.commune.path.clone(),
        effective_on: plan.effective_on.to_string(),
        basis_number: plan.basis.number.clone(),
        basis_date: plan.basis.date.to_string(),
        basis_signer: plan.basis.signer.clone(),
        basis_file_id: plan.basis.file.map(|f| f.get()),
        scheme_id: plan.scheme_id,
        steps,
        groups,
        grant_notice: Lang::Vi.t("restructuring_apply.grant_ended").to_owned(),
    })
}
