//! Size standards per province (settings with dates over the law's defaults), freezes on
//! applying schemes, and the size report of a commune's units.

use jiff::civil::Date;
use tuquan_domain::access::Action;
use tuquan_domain::restructuring::scheme::FreezeId;
use tuquan_domain::restructuring::standards::{
    freeze_in_force, minimum_on, percent_of, size_flag, Freeze, FreezeInput, Minimum, SizeFlag,
    Standard, StandardInput,
};
use tuquan_domain::territory::{Tier, Unit, UnitKind};

use super::{FreezeRecord, StandardRecord, UnitSizeRecord};
use crate::{AppError, AppResult, Ctx};

fn date(v: &str) -> AppResult<Date> {
    v.parse::<Date>()
        .map_err(|e| AppError::Internal(format!("stored date {v:?}: {e}")))
}

/// A province's settings as domain values.
pub(crate) async fn settings(ctx: &Ctx, province_code: &str) -> AppResult<Vec<Standard>> {
    let mut out = Vec::new();
    for r in ctx.store().restructuring_standards(province_code).await? {
        let kind = UnitKind::parse(&r.kind)
            .ok_or_else(|| AppError::Internal(format!("stored kind {:?}", r.kind)))?;
        out.push(Standard {
            kind,
            min_households: u32::try_from(r.min_households).unwrap_or(u32::MAX),
            effective_from: date(&r.effective_from)?,
            basis: r.basis,
        });
    }
    Ok(out)
}

/// The freezes that concern a province (national ones too).
pub(crate) async fn freezes(
    ctx: &Ctx,
    province_code: &str,
) -> AppResult<Vec<(Freeze, FreezeRecord)>> {
    let mut out = Vec::new();
    for r in ctx.store().restructuring_freezes(province_code).await? {
        let f = Freeze {
            province: (!r.province_code.is_empty()).then(|| r.province_code.clone()),
            starts_on: date(&r.starts_on)?,
            ends_on: r.ends_on.as_deref().map(date).transpose()?,
            basis: r.basis.clone(),
        };
        out.push((f, r));
    }
    Ok(out)
}

/// The freeze in force on any of `days` in the province, if any.
pub(crate) async fn freeze_on(
    ctx: &Ctx,
    province_code: &str,
    days: &[Date],
) -> AppResult<Option<FreezeRecord>> {
    let all = freezes(ctx, province_code).await?;
    let domain: Vec<Freeze> = all.iter().map(|(f, _)| f.clone()).collect();
    Ok(freeze_in_force(&domain, province_code, days)
        .and_then(|f| all.iter().find(|(g, _)| g == f))
        .map(|(_, r)| r.clone()))
}

/// The province of any unit code.
async fn province_of(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    crate::territory::unit(&ctx.app, &unit.province_code).await
}

/// The province of the unit named, after checking the actor may set standards there (as the
/// votes' thresholds: authorized on the unit named, a province or any unit in it).
async fn managed_province(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    ctx.authorize(Action::RestructuringStandardsManage, Some(&unit.path))?;
    crate::territory::unit(&ctx.app, &unit.province_code).await
}

/// The minimum of each residential kind in force today, where it comes from.
#[derive(Debug, Clone)]
pub struct StandardRow {
    pub kind: UnitKind,
    pub minimum: Option<Minimum>,
}

/// A province's standards and freezes, for the settings page.
#[derive(Debug, Clone)]
pub struct StandardsView {
    pub province: Unit,
    pub in_force: Vec<StandardRow>,
    pub settings: Vec<StandardRecord>,
    pub freezes: Vec<FreezeRecord>,
    pub may_manage: bool,
}

/// Standards are not personal data: whoever works with schemes or standards may read them.
pub async fn standards_view(ctx: &Ctx, code: &str) -> AppResult<StandardsView> {
    ctx.who()?;
    if !ctx.may_somewhere(Action::RestructuringSchemeView)
        && !ctx.may_somewhere(Action::RestructuringStandardsManage)
    {
        return Err(AppError::Forbidden);
    }
    let named = crate::territory::unit(&ctx.app, code).await?;
    let province = province_of(ctx, code).await?;
    let s = settings(ctx, &province.code).await?;
    let today = ctx.today();
    let in_force = UnitKind::ALL
        .into_iter()
        .filter(|k| k.tier() == Tier::Residential)
        .map(|kind| StandardRow {
            kind,
            minimum: minimum_on(&s, &province.code, kind, today),
        })
        .collect();
    let may_manage = ctx
        .authorize(Action::RestructuringStandardsManage, Some(&named.path))
        .is_ok();
    Ok(StandardsView {
        settings: ctx.store().restructuring_standards(&province.code).await?,
        freezes: ctx.store().restructuring_freezes(&province.code).await?,
        province,
        in_force,
        may_manage,
    })
}

/// A province official sets a minimum for a kind from a date.
pub async fn set_standard(ctx: &Ctx, code: &str, input: &StandardInput) -> AppResult<()> {
    let province = managed_province(ctx, code).await?;
    let st = Standard::parse(input)?;
    Ok(ctx
        .store()
        .set_restructuring_standard(&province, &st, &ctx.audit_ctx())
        .await?)
}

/// Records a freeze: for the province (its officials), or national (the country's
/// administrators only).
pub async fn add_freeze(ctx: &Ctx, code: &str, input: &FreezeInput) -> AppResult<FreezeId> {
    let province = managed_province(ctx, code).await?;
    let f = Freeze::parse(input, &province.code)?;
    if f.province.is_none() {
        ctx.authorize(Action::RestructuringStandardsManage, None)?;
    }
    let path = if f.province.is_some() {
        province.path.as_str()
    } else {
        ""
    };
    Ok(ctx
        .store()
        .add_restructuring_freeze(&f, path, &ctx.audit_ctx())
        .await?)
}

/// A unit with its size against the minimum in force today.
#[derive(Debug, Clone)]
pub struct SizeRow {
    pub unit: UnitSizeRecord,
    pub minimum: Option<Minimum>,
    pub percent: Option<u64>,
    pub flag: Option<SizeFlag>,
}

/// The size report of a commune: every open residential unit, flagged below 50% (must
/// merge) and below 100% (may merge) of its minimum.
#[derive(Debug, Clone)]
pub struct SizeReport {
    pub commune: Unit,
    pub rows: Vec<SizeRow>,
    pub must_merge: usize,
    pub may_merge: usize,
}

/// A size against the minimum of `kind` in force on `day`.
pub(crate) fn judge(
    s: &[Standard],
    province: &str,
    kind: &str,
    day: Date,
    households: i64,
) -> (Option<Minimum>, Option<u64>, Option<SizeFlag>) {
    let Some(min) = UnitKind::parse(kind).and_then(|k| minimum_on(s, province, k, day)) else {
        return (None, None, None);
    };
    let h = u64::try_from(households).unwrap_or(0);
    let pct = percent_of(h, min.households);
    let flag = size_flag(h, min.households);
    (Some(min), Some(pct), Some(flag))
}

pub async fn size_report(ctx: &Ctx, commune_code: &str) -> AppResult<SizeReport> {
    let commune = super::commune(ctx, commune_code).await?;
    ctx.authorize(Action::RestructuringSchemeView, Some(&commune.path))?;
    let s = settings(ctx, &commune.province_code).await?;
    let today = ctx.today();
    let rows: Vec<SizeRow> = ctx
        .store()
        .unit_sizes(&commune.path)
        .await?
        .into_iter()
        .map(|unit| {
            let (minimum, percent, flag) = judge(
                &s,
                &commune.province_code,
                &unit.kind,
                today,
                unit.households,
            );
            SizeRow {
                unit,
                minimum,
                percent,
                flag,
            }
        })
        .collect();
    let count = |f: SizeFlag| rows.iter().filter(|r| r.flag == Some(f)).count();
    Ok(SizeReport {
        must_merge: count(SizeFlag::MustMerge),
        may_merge: count(SizeFlag::MayMerge),
        commune,
        rows,
    })
}
