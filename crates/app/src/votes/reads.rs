//! Reads: the thresholds of a province, a unit's votes, a vote's public result (per unit,
//! without personal data), a household's own vote, the roll for the counting officials.

use tuquan_domain::access::Action;
use tuquan_domain::votes::{needed, Key, Measure, Mode, Status, Tally, Thresholds};
use tuquan_domain::VoteId;
use tuquan_store::votes::{CastRecord, SettingRecord, UnitResult, VoteRecord};

use crate::groups::may;
use crate::{AppError, AppResult, Ctx};

/// One threshold as shown: its value in force, the law's value and the citation.
#[derive(Debug, Clone)]
pub struct SettingRow {
    pub key: Key,
    pub value: u32,
    pub default: u32,
    pub measure: Measure,
    pub citation: &'static str,
}

/// The thresholds in force today in the province of a unit, and every value set there,
/// newest date first.
pub async fn settings(
    ctx: &Ctx,
    unit_code: &str,
) -> AppResult<(Vec<SettingRow>, Vec<SettingRecord>)> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    let province_code = unit.province_code.as_str();
    let t = super::thresholds(ctx, province_code).await?;
    let rows = Key::ALL
        .iter()
        .map(|k| SettingRow {
            key: *k,
            value: t.get(*k),
            default: k.default_value(),
            measure: k.measure(),
            citation: k.citation(),
        })
        .collect();
    let history = ctx.store().vote_settings(province_code).await?;
    Ok((rows, history))
}

/// A unit's votes and ballots (and those of its subtree), newest first: public titles and
/// outcomes, no personal data.
pub async fn votes_of_unit(
    ctx: &Ctx,
    unit_code: &str,
    before_id: Option<VoteId>,
) -> AppResult<(tuquan_domain::territory::Unit, Vec<VoteRecord>)> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    let list = ctx.store().votes_in(&unit.path, before_id, 30).await?;
    Ok((unit, list))
}

/// A vote as everyone may see it: counts only once counted (to the counting officials while
/// open), per unit rolled up to the units directly below the vote's, turnout against the
/// threshold.
#[derive(Debug, Clone)]
pub struct VoteView {
    pub vote: VoteRecord,
    pub thresholds: Thresholds,
    /// The counts are shown (counted and published, or the viewer counts the vote).
    pub shown: bool,
    pub tally: Tally,
    /// Households that voted (ballots) or were present (meetings).
    pub turnout: i64,
    /// The fewest "yes" that passes.
    pub needed: u32,
    pub units: Vec<UnitResult>,
    pub may_manage: bool,
    pub may_count: bool,
}

/// Rolls the per-unit results up to the units directly below `top` (rows at `top` itself stay
/// as they are).
pub fn roll_up(top: &str, rows: &[UnitResult]) -> Vec<UnitResult> {
    let mut out: Vec<UnitResult> = Vec::new();
    for r in rows {
        let child = match r
            .unit_path
            .strip_prefix(top)
            .and_then(|s| s.strip_prefix('/'))
        {
            Some(rest) => format!("{top}/{}", rest.split('/').next().unwrap_or(rest)),
            None => r.unit_path.clone(),
        };
        match out.iter_mut().find(|o| o.unit_path == child) {
            Some(o) => {
                o.households += r.households;
                o.voted += r.voted;
                o.yes_count += r.yes_count;
                o.no_count += r.no_count;
                o.abstain_count += r.abstain_count;
            }
            None => {
                let mut o = r.clone();
                if o.unit_path != child {
                    // Named by the child unit; its code and name are filled in by the caller.
                    o.unit_path = child;
                    o.unit_code.clear();
                    o.unit_name.clear();
                }
                out.push(o);
            }
        }
    }
    out
}

pub async fn vote_view(ctx: &Ctx, id: VoteId) -> AppResult<VoteView> {
    let v = ctx.store().vote(id).await?;
    let may_count = may(ctx, Action::VoteCount, &v.unit_path);
    let may_manage = may(ctx, Action::VoteManage, &v.unit_path);
    let thresholds: Thresholds = serde_json::from_str(&v.thresholds).unwrap_or_default();
    let counted = matches!(v.status, Status::Published)
        || (v.status != Status::Open && (may_count || may_manage));
    let shown = counted || (v.status == Status::Open && may_count);
    let mut units = Vec::new();
    let (tally, turnout) = if v.mode == Mode::Ballot {
        let rows = ctx.store().vote_unit_results(v.id).await?;
        let sum = rows.iter().fold((Tally::default(), 0i64), |(t, n), r| {
            let c = |x: i64| u32::try_from(x).unwrap_or(0);
            (
                t + Tally {
                    yes: c(r.yes_count),
                    no: c(r.no_count),
                    abstain: c(r.abstain_count),
                },
                n + r.voted,
            )
        });
        units = roll_up(&v.unit_path, &rows);
        for u in units.iter_mut().filter(|u| u.unit_code.is_empty()) {
            if let Ok(item) = ctx.store().unit_by_path(&u.unit_path).await {
                u.unit_code = item.0;
                u.unit_name = item.1;
            }
        }
        sum
    } else {
        (v.tally(), v.present)
    };
    let all = u32::try_from(v.all_households).unwrap_or(0);
    let (tally, units) = if shown {
        (tally, units)
    } else {
        (Tally::default(), Vec::new())
    };
    Ok(VoteView {
        needed: needed(all, thresholds.pass_pct),
        thresholds,
        shown,
        tally,
        turnout: if shown { turnout } else { 0 },
        units,
        vote: v,
        may_manage,
        may_count,
    })
}

/// How the signed-in resident's household voted on a ballot: (channel, choice). Visible to
/// that household only (and to the counting officials through [`roll`]).
pub async fn my_vote(ctx: &Ctx, id: VoteId) -> AppResult<Option<(String, String)>> {
    let who = ctx.who()?;
    let Some((hid, _, _, _)) = ctx.store().household_of_user(who.user.id).await? else {
        return Ok(None);
    };
    Ok(ctx.store().household_cast(id, hid).await?)
}

/// The roll of a ballot with each household's vote: for the counting officials; the read is
/// audited.
pub async fn roll(ctx: &Ctx, id: VoteId) -> AppResult<(VoteRecord, Vec<CastRecord>)> {
    let v = ctx.store().vote(id).await?;
    if v.mode != Mode::Ballot {
        return Err(AppError::NotFound);
    }
    ctx.authorize(Action::VoteCount, Some(&v.unit_path))?;
    let rows = ctx.store().vote_roll(v.id).await?;
    ctx.audit_read("vote.roll_viewed", "vote", v.id.to_string(), &v.unit_path)
        .await?;
    Ok((v, rows))
}
