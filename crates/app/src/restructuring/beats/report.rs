//! The alignment report of a commune on a date (default today), and the start page's line
//! for it (docs/beats.md, "Alignment").

use jiff::civil::Date;
use tuquan_domain::access::Action;
use tuquan_domain::restructuring::beats::{align, Alignment, BeatId};
use tuquan_domain::territory::{Tier, Unit};

use super::{commune, may, Names};
use crate::start::Line;
use crate::{AppResult, Ctx};

/// The report with the names its lines show.
#[derive(Debug, Clone)]
pub struct AlignmentReport {
    pub commune: Unit,
    pub day: Date,
    pub alignment: Alignment,
    /// Open residential units of the commune that day.
    pub units: usize,
    /// Open beats of the commune that day.
    pub beats: usize,
    pub may_manage: bool,
    pub names: Names,
}

/// The kinds of finding in the order the report lists them, by key.
pub const FINDINGS: [&str; 6] = [
    "without_beat",
    "without_militia",
    "partial",
    "overlaps",
    "crossing",
    "stale",
];

impl AlignmentReport {
    /// Each kind of finding (its key in [`FINDINGS`]) with its lines: the unit ("name
    /// (code)") and the beat or beats concerned (empty for a unit without a beat or a
    /// militia head).
    pub fn findings(&self) -> Vec<(&'static str, Vec<(String, String)>)> {
        let (a, n) = (&self.alignment, &self.names);
        let lines = [
            lines(n, a.without_beat.iter().map(|c| (c, vec![]))),
            lines(n, a.without_militia.iter().map(|c| (c, vec![]))),
            lines(n, a.partial.iter().map(|p| (&p.unit_code, vec![p.beat_id]))),
            lines(
                n,
                a.overlaps
                    .iter()
                    .map(|o| (&o.unit_code, o.beat_ids.clone())),
            ),
            lines(
                n,
                a.crossing.iter().map(|c| (&c.unit_code, vec![c.beat_id])),
            ),
            lines(n, a.stale.iter().map(|s| (&s.unit_code, vec![s.beat_id]))),
        ];
        FINDINGS.into_iter().zip(lines).collect()
    }
}

/// Lines of findings: each unit with the names of its beats.
fn lines<'a>(
    n: &Names,
    rows: impl Iterator<Item = (&'a String, Vec<BeatId>)>,
) -> Vec<(String, String)> {
    rows.map(|(unit, beats)| (n.unit_label(unit), n.beats(&beats)))
        .collect()
}

/// The alignment of the commune `code` on `on` (`YYYY-MM-DD` or `dd/mm/yyyy`; default today).
pub async fn alignment(ctx: &Ctx, code: &str, on: Option<&str>) -> AppResult<AlignmentReport> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatView, Some(&commune.path))?;
    let day = tuquan_domain::time::parse_date(on, "on")?.unwrap_or_else(|| ctx.today());
    compute(ctx, commune, day).await
}

async fn compute(ctx: &Ctx, commune: Unit, day: Date) -> AppResult<AlignmentReport> {
    let d = day.to_string();
    let rows = ctx.store().units_open_on(&commune, &d).await?;
    let covers = ctx.store().beat_covers_on(&commune, &d).await?;
    let militia = ctx.store().militia_units_on(&commune.code, &d).await?;
    let units: Vec<_> = rows.iter().map(|r| r.align_unit()).collect();
    let cover_list: Vec<_> = covers.iter().map(|c| c.cover(&d)).collect();
    let alignment = align(&units, &cover_list, &militia);
    let mut names = Names {
        units: rows.into_iter().map(|r| (r.code, r.name)).collect(),
        ..Names::default()
    };
    for c in covers {
        names.units.entry(c.unit_code).or_insert(c.unit_name);
        names.beats.insert(c.beat_id, c.beat_name);
    }
    let beats = ctx
        .store()
        .beats_of_commune(&commune.code)
        .await?
        .into_iter()
        .filter(|b| b.valid_from <= d && b.valid_to.as_ref().is_none_or(|t| *t > d))
        .count();
    let may_manage = may(ctx, Action::BeatManage, &commune.path);
    Ok(AlignmentReport {
        units: units.len(),
        beats,
        may_manage,
        commune,
        day,
        alignment,
        names,
    })
}

/// The start page's line on a commune's card for those who manage its beats: the units
/// without a beat or a militia head today, shown when there are some and the commune keeps
/// its beats here (it has at least one).
pub async fn missing_line(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| u.kind.tier() == Tier::Commune) else {
        return Ok(None);
    };
    if !may(ctx, Action::BeatManage, &u.path) {
        return Ok(None);
    }
    if ctx.store().beats_of_commune(&u.code).await?.is_empty() {
        return Ok(None);
    }
    let r = compute(ctx, u.clone(), ctx.today()).await?;
    let missing = r.alignment.without_beat.len() + r.alignment.without_militia.len();
    if missing == 0 {
        return Ok(None);
    }
    Ok(Some(Line::waiting(
        "start.beats_missing",
        i64::try_from(missing).unwrap_or(i64::MAX),
        format!("/communes/{}/beats/alignment", u.code),
    )))
}
