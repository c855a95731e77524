//! The alignment report of a commune on a date (default today), and the start page's line
//! for it (docs/beats.md, "Alignment").

use std::collections::HashMap;

use jiff::civil::Date;
use tuquan_domain::access::Action;
use tuquan_domain::restructuring::beats::{align, Alignment};
use tuquan_domain::territory::{Tier, Unit};

use super::{commune, may};
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
    unit_names: HashMap<String, String>,
    beat_names: HashMap<i64, String>,
}

impl AlignmentReport {
    pub fn unit_name(&self, code: &str) -> String {
        self.unit_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    pub fn beat_name(&self, id: i64) -> String {
        self.beat_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
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
    let mut unit_names: HashMap<String, String> =
        rows.into_iter().map(|r| (r.code, r.name)).collect();
    let mut beat_names = HashMap::new();
    for c in covers {
        unit_names.entry(c.unit_code).or_insert(c.unit_name);
        beat_names.insert(c.beat_id, c.beat_name);
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
        unit_names,
        beat_names,
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
