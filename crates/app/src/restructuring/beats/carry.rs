//! "Carry beats to successors": reads the commune's recorded restructuring events and their
//! participants (`unit_event_participants`) and applies the domain's
//! [`carry_plan`](tuquan_domain::restructuring::beats::carry_plan): previewed first, then
//! written in one transaction with the grants and the officers' notices.

use std::collections::{BTreeMap, HashMap};

use tuquan_domain::access::Action;
use tuquan_domain::restructuring::beats::{
    carry_militia, carry_plan, CarryEvent, CarryPlan, MilitiaPlan, OpenHead, Part,
};
use tuquan_domain::restructuring::EventKind;
use tuquan_domain::territory::Unit;
use tuquan_store::audit::AuditEntry;
use tuquan_store::restructuring::beats::{
    BeatRecord, CarriedHead, EndAssignment, EndedHead, MilitiaRecord, NewAssignment,
};

use super::{commune, notice, vn};
use crate::{AppError, AppResult, Ctx};

/// What carrying does (or did) with the names a page shows.
#[derive(Debug, Clone)]
pub struct CarryView {
    pub commune: Unit,
    pub plan: CarryPlan,
    /// The militia heads carried to the successors and ended (docs/beats.md).
    pub militia: MilitiaPlan,
    pub applied: bool,
    head_names: HashMap<i64, String>,
    unit_names: HashMap<String, String>,
    beat_names: HashMap<i64, String>,
}

impl CarryView {
    pub fn unit_name(&self, code: &str) -> String {
        self.unit_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// The person of a militia head record.
    pub fn head_name(&self, id: i64) -> String {
        self.head_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    pub fn beat_name(&self, id: i64) -> String {
        self.beat_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
}

struct Prepared {
    commune: Unit,
    plan: CarryPlan,
    militia: MilitiaPlan,
    heads: Vec<MilitiaRecord>,
    covers: Vec<tuquan_store::restructuring::beats::BeatUnitRecord>,
    beats: HashMap<i64, BeatRecord>,
    paths: HashMap<String, String>,
    unit_names: HashMap<String, String>,
}

async fn prepare(ctx: &Ctx, code: &str) -> AppResult<Prepared> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatManage, Some(&commune.path))?;
    let today = ctx.today().to_string();
    let rows = ctx.store().event_parts_of_commune(&commune.code).await?;
    let mut events: BTreeMap<(String, i64), CarryEvent> = BTreeMap::new();
    let mut paths = HashMap::new();
    for r in rows.into_iter().filter(|r| r.effective_on <= today) {
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
        paths.insert(r.unit_code.clone(), r.unit_path.clone());
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
    let events: Vec<CarryEvent> = events.into_values().collect();
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
    let mut beats = HashMap::new();
    let mut unit_names = HashMap::new();
    for c in &covers {
        unit_names.insert(c.unit_code.clone(), c.unit_name.clone());
    }
    for r in ctx.store().units_open_on(&commune, &today).await? {
        unit_names.insert(r.code, r.name);
    }
    let wanted = plan
        .assign
        .iter()
        .map(|a| a.beat_id)
        .chain(plan.end.iter().map(|e| e.beat_id))
        .chain(plan.undecided.iter().flat_map(|u| u.beat_ids.clone()));
    for id in wanted {
        if let std::collections::hash_map::Entry::Vacant(v) = beats.entry(id) {
            v.insert(ctx.store().beat(id).await?);
        }
    }
    Ok(Prepared {
        commune,
        plan,
        militia,
        heads,
        covers,
        beats,
        paths,
        unit_names,
    })
}

fn view(p: Prepared, applied: bool) -> CarryView {
    CarryView {
        beat_names: p
            .beats
            .iter()
            .map(|(id, b)| (*id, b.name.clone()))
            .collect(),
        head_names: p
            .heads
            .iter()
            .map(|m| (m.id, m.full_name.clone()))
            .collect(),
        commune: p.commune,
        plan: p.plan,
        militia: p.militia,
        applied,
        unit_names: p.unit_names,
    }
}

/// What carrying would do now; changes nothing.
pub async fn carry_preview(ctx: &Ctx, code: &str) -> AppResult<CarryView> {
    Ok(view(prepare(ctx, code).await?, false))
}

/// Carries the beats: the new assignments (with their grants) and the ended ones, in one
/// transaction; the units waiting for a decision are left as they are.
pub async fn carry(ctx: &Ctx, code: &str) -> AppResult<CarryView> {
    let p = prepare(ctx, code).await?;
    let mut assign = Vec::new();
    let mut msgs = Vec::new();
    for a in &p.plan.assign {
        let beat = &p.beats[&a.beat_id];
        let path = p.paths.get(&a.unit_code).cloned().unwrap_or_default();
        assign.push(NewAssignment {
            beat_id: a.beat_id,
            unit_code: a.unit_code.clone(),
            unit_path: path,
            valid_from: a.valid_from.to_string(),
            event_id: Some(a.event_id),
            officer_user_id: beat.officer_user_id,
        });
        if let Some(user) = beat.officer_user_id {
            let name = p.unit_names.get(&a.unit_code).unwrap_or(&a.unit_code);
            let text = format!(
                "Sau sắp xếp, {name} thuộc địa bàn “{}” của bạn từ ngày {}.",
                beat.name,
                vn(a.valid_from)
            );
            let key = format!("beat-carry-{}-{}-on", a.event_id, a.unit_code);
            msgs.extend(notice(ctx, user, &key, &text, beat.id).await?);
        }
    }
    let mut ends = Vec::new();
    for e in &p.plan.end {
        let Some(c) = p.covers.iter().find(|c| c.id == e.assignment_id) else {
            continue;
        };
        let to = std::cmp::max(e.valid_to.to_string(), c.valid_from.clone());
        ends.push(EndAssignment {
            assignment_id: c.id,
            beat_id: c.beat_id,
            unit_code: c.unit_code.clone(),
            unit_path: c.unit_path.clone(),
            valid_to: to,
            grant_id: c.grant_id,
        });
        if let Some(user) = p.beats[&e.beat_id].officer_user_id {
            let text = format!(
                "{} đã được sắp xếp lại từ ngày {}: quyền cảnh sát khu vực tại đơn vị cũ kết thúc.",
                c.unit_name,
                vn(e.valid_to)
            );
            let key = format!("beat-carry-end-{}", c.id);
            msgs.extend(notice(ctx, user, &key, &text, c.beat_id).await?);
        }
    }
    let heads: Vec<CarriedHead> = p
        .militia
        .carry
        .iter()
        .map(|h| CarriedHead {
            from_head: h.from_head,
            unit_code: h.unit_code.clone(),
            unit_path: p.paths.get(&h.unit_code).cloned().unwrap_or_default(),
            valid_from: h.valid_from.to_string(),
            event_id: h.event_id,
        })
        .collect();
    let head_ends: Vec<EndedHead> = p
        .militia
        .end
        .iter()
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
    // One row for the act itself, even when there was nothing to carry.
    let summary = AuditEntry {
        action: "beat.carry",
        target_type: "unit",
        target_id: p.commune.code.clone(),
        unit_path: Some(p.commune.path.clone()),
        before: None,
        after: Some(serde_json::json!({
            "assigned": assign.len(), "ended": ends.len(), "undecided": p.plan.undecided.len(),
            "militia_carried": heads.len(), "militia_ended": head_ends.len(),
        })),
    };
    let by = ctx.who()?.user.username.clone();
    ctx.store()
        .carry_beats(
            &assign,
            &ends,
            &heads,
            &head_ends,
            &msgs,
            &summary,
            &by,
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(view(p, true))
}
