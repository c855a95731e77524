//! "Carry beats to successors": reads the commune's recorded restructuring events and their
//! participants (`unit_event_participants`) and applies the domain's
//! [`carry_plan`](tuquan_domain::restructuring::beats::carry_plan): previewed first, then
//! written in one transaction with the grants and the officers' notices.

use std::collections::{BTreeMap, HashMap};

use tuquan_domain::access::Action;
use tuquan_domain::restructuring::beats::{
    carry_militia, carry_plan, BeatId, CarryEvent, CarryPlan, MilitiaPlan, OpenHead, Part,
};
use tuquan_domain::restructuring::EventKind;
use tuquan_domain::territory::Unit;
use tuquan_store::audit::AuditEntry;
use tuquan_store::restructuring::beats::{
    BeatChanges, BeatRecord, BeatUnitRecord, CarriedHead, EndedHead, EventPartRow, MilitiaRecord,
    NewAssignment,
};

use super::{commune, notice, vn, Names};
use crate::{AppError, AppResult, Ctx};

/// What carrying does (or did) with the names a page shows.
#[derive(Debug, Clone)]
pub struct CarryView {
    pub commune: Unit,
    pub plan: CarryPlan,
    /// The militia heads carried to the successors and ended (docs/beats.md).
    pub militia: MilitiaPlan,
    pub applied: bool,
    pub names: Names,
}

struct Prepared {
    view: CarryView,
    heads: Vec<MilitiaRecord>,
    covers: Vec<BeatUnitRecord>,
    beats: HashMap<BeatId, BeatRecord>,
    paths: HashMap<String, String>,
}

/// The commune's recorded events in effect by `today`, in order, with their participants.
fn events(rows: Vec<EventPartRow>, today: &str) -> AppResult<Vec<CarryEvent>> {
    let mut events: BTreeMap<(String, i64), CarryEvent> = BTreeMap::new();
    for r in rows
        .into_iter()
        .filter(|r| r.effective_on.as_str() <= today)
    {
        let kind = EventKind::parse(&r.kind)
            .ok_or_else(|| AppError::Internal(format!("stored event kind {:?}", r.kind)))?;
        let effective_on = r
            .effective_on
            .parse()
            .map_err(|e| AppError::Internal(format!("stored date {:?}: {e}", r.effective_on)))?;
        let e = events
            .entry((r.effective_on.clone(), r.event_id))
            .or_insert_with(|| CarryEvent {
                id: r.event_id,
                kind,
                effective_on,
                predecessors: vec![],
                contributors: vec![],
                targets: vec![],
            });
        let part = Part {
            code: r.unit_code,
            path: r.unit_path,
            households: r.households.unwrap_or(0),
        };
        match r.role.as_str() {
            "predecessor" => e.predecessors.push(part),
            "contributor" => e.contributors.push(part),
            _ => e.targets.push(part),
        }
    }
    Ok(events.into_values().collect())
}

async fn prepare(ctx: &Ctx, code: &str) -> AppResult<Prepared> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatManage, Some(&commune.path))?;
    let today = ctx.today().to_string();
    let events = events(
        ctx.store().event_parts_of_commune(&commune.code).await?,
        &today,
    )?;
    let paths: HashMap<String, String> = (events.iter())
        .flat_map(|e| {
            e.predecessors
                .iter()
                .chain(&e.contributors)
                .chain(&e.targets)
        })
        .map(|p| (p.code.clone(), p.path.clone()))
        .collect();
    let covers = ctx.store().beat_covers_open(&commune).await?;
    let cover_list: Vec<_> = covers.iter().map(|c| c.cover(&today)).collect();
    let plan = carry_plan(&events, &cover_list);
    let heads: Vec<MilitiaRecord> = ctx
        .store()
        .militia_of_commune(&commune.code)
        .await?
        .into_iter()
        .filter(|m| m.valid_to.is_none())
        .collect();
    let open: Vec<OpenHead> = heads
        .iter()
        .map(|m| OpenHead {
            id: m.id,
            unit_code: m.unit_code.clone(),
        })
        .collect();
    // Militia heads lead the units directly below the commune.
    let below = |code: &str| {
        paths
            .get(code)
            .and_then(|p: &String| p.rsplit_once('/'))
            .is_some_and(|(parent, _)| parent == commune.path)
    };
    let militia = carry_militia(&events, &open, below);
    let mut names = Names {
        heads: heads.iter().map(|m| (m.id, m.full_name.clone())).collect(),
        ..Names::default()
    };
    for c in &covers {
        names.units.insert(c.unit_code.clone(), c.unit_name.clone());
    }
    for r in ctx.store().units_open_on(&commune, &today).await? {
        names.units.insert(r.code, r.name);
    }
    let wanted = (plan.assign.iter().map(|a| a.beat_id))
        .chain(plan.end.iter().map(|e| e.beat_id))
        .chain(plan.undecided.iter().flat_map(|u| u.beat_ids.clone()));
    let mut beats = HashMap::new();
    for id in wanted {
        if let std::collections::hash_map::Entry::Vacant(v) = beats.entry(id) {
            let beat: BeatRecord = ctx.store().beat(id).await?;
            names.beats.insert(id, beat.name.clone());
            v.insert(beat);
        }
    }
    Ok(Prepared {
        view: CarryView {
            commune,
            plan,
            militia,
            applied: false,
            names,
        },
        heads,
        covers,
        beats,
        paths,
    })
}

/// What carrying would do now; changes nothing.
pub async fn carry_preview(ctx: &Ctx, code: &str) -> AppResult<CarryView> {
    Ok(prepare(ctx, code).await?.view)
}

/// The assignments the plan makes and ends, with the officers' notices.
async fn beat_changes(ctx: &Ctx, p: &Prepared) -> AppResult<BeatChanges> {
    let mut c = BeatChanges::default();
    let path = |code: &str| p.paths.get(code).cloned().unwrap_or_default();
    for a in &p.view.plan.assign {
        let beat = &p.beats[&a.beat_id];
        c.assign.push(NewAssignment {
            beat_id: a.beat_id,
            unit_code: a.unit_code.clone(),
            unit_path: path(&a.unit_code),
            valid_from: a.valid_from.to_string(),
            event_id: Some(a.event_id),
            officer_user_id: beat.officer_user_id,
        });
        if let Some(user) = beat.officer_user_id {
            let text = format!(
                "Sau sắp xếp, {} thuộc địa bàn “{}” của bạn từ ngày {}.",
                p.view.names.unit(&a.unit_code),
                beat.name,
                vn(a.valid_from)
            );
            let key = format!("beat-carry-{}-{}-on", a.event_id, a.unit_code);
            c.msgs
                .extend(notice(ctx, user, &key, &text, beat.id).await?);
        }
    }
    for e in &p.view.plan.end {
        let Some(a) = p.covers.iter().find(|c| c.id == e.assignment_id) else {
            continue;
        };
        // Never before the assignment began.
        c.ends
            .push(a.end_on(std::cmp::max(e.valid_to.to_string(), a.valid_from.clone())));
        if let Some(user) = p.beats[&e.beat_id].officer_user_id {
            let text = format!(
                "{} đã được sắp xếp lại từ ngày {}: quyền cảnh sát khu vực tại đơn vị cũ kết thúc.",
                a.unit_name,
                vn(e.valid_to)
            );
            let key = format!("beat-carry-end-{}", a.id);
            c.msgs
                .extend(notice(ctx, user, &key, &text, a.beat_id).await?);
        }
    }
    c.heads = (p.view.militia.carry.iter())
        .map(|h| CarriedHead {
            from_head: h.from_head,
            unit_code: h.unit_code.clone(),
            unit_path: path(&h.unit_code),
            valid_from: h.valid_from.to_string(),
            event_id: h.event_id,
        })
        .collect();
    c.head_ends = (p.view.militia.end.iter())
        .filter_map(|e| {
            let m = p.heads.iter().find(|m| m.id == e.head_id)?;
            Some(EndedHead {
                head_id: m.id,
                unit_path: m.unit_path.clone(),
                // Never before the head began (a head appointed after the event).
                valid_to: std::cmp::max(e.valid_to.to_string(), m.valid_from.clone()),
                event_id: e.event_id,
            })
        })
        .collect();
    Ok(c)
}

/// Carries the beats: the new assignments (with their grants) and the ended ones, and the
/// militia heads, in one transaction; the units waiting for a decision are left as they are.
pub async fn carry(ctx: &Ctx, code: &str) -> AppResult<CarryView> {
    let p = prepare(ctx, code).await?;
    let c = beat_changes(ctx, &p).await?;
    // One row for the act itself, even when there was nothing to carry.
    let summary = AuditEntry {
        action: "beat.carry",
        target_type: "unit",
        target_id: p.view.commune.code.clone(),
        unit_path: Some(p.view.commune.path.clone()),
        before: None,
        after: Some(serde_json::json!({
            "assigned": c.assign.len(), "ended": c.ends.len(),
            "undecided": p.view.plan.undecided.len(),
            "militia_carried": c.heads.len(), "militia_ended": c.head_ends.len(),
        })),
    };
    let by = ctx.who()?.user.username.clone();
    ctx.store()
        .change_beats(&c, Some(&summary), &by, &ctx.audit_ctx())
        .await?;
    Ok(CarryView {
        applied: true,
        ..p.view
    })
}
