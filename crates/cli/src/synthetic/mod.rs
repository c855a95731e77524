//! `tuquan seed synthetic`: deterministic, plausible data on the real territory, loaded
//! through the store's bulk path ([`tuquan_store::bulk`]).
//!
//! The pipeline: a plan (which communes, how many households each) → a generator thread that
//! builds communes in parallel (rayon), numbers their rows and, on PostgreSQL, encodes them
//! as COPY text → one writer on the async runtime. Feedback is generated per commune and
//! written last, numbered in order of receipt across the whole province.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::civil::Date;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::json;
use tuquan_domain::feedback::{Category, WorkCalendar};
use tuquan_domain::page::Limit;
use tuquan_domain::territory::{SubdivisionScheme, UnitKind};
use tuquan_store::audit::AuditCtx;
use tuquan_store::bulk::{BulkLoad, Prepared, Rows};
use tuquan_store::identity::IdentityKey;
use tuquan_store::territory::UnitFilter;
use tuquan_store::Store;

pub mod feedback;
pub mod names;
pub mod people;
mod persons;
mod rows;
mod walk;

use people::{Bases, CommunePlan, CommuneRows, RunSettings};

/// Ho Chi Minh City, where every preset lives.
pub const PROVINCE: &str = "79";
/// The commune of the one-commune presets: Phường Sài Gòn (next to the demo's Bến Thành).
pub const ONE_COMMUNE: &str = "26740";
/// HCMC has one level of khu phố and ấp since 2024 (domain.md), as the demo sets it.
const HCMC_LEVELS: &str = "khu_pho,ap";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// One commune, about 20,000 residents: seconds.
    Small,
    /// One large commune, about 87,000 residents.
    Commune,
    /// All 168 communes of Ho Chi Minh City: 3.52 million households, 11.3 million residents.
    Hcmc,
}

impl Preset {
    pub fn parse(s: &str) -> anyhow::Result<Self> {
        match s {
            "small" => Ok(Self::Small),
            "commune" => Ok(Self::Commune),
            "hcmc" => Ok(Self::Hcmc),
            _ => bail!("preset: one of small, commune, hcmc (got {s:?})"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Commune => "commune",
            Self::Hcmc => "hcmc",
        }
    }

    /// Households in the whole preset (before `--scale`).
    pub fn households(self) -> u64 {
        match self {
            Self::Small => 6_200,
            Self::Commune => 27_000,
            Self::Hcmc => 3_520_000,
        }
    }
}

/// What `tuquan seed synthetic` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub preset: Preset,
    pub seed: u64,
    /// Multiplies the number of households (1.0 = the preset as documented).
    pub scale: f64,
    /// The day the data "is"; default today in Vietnam.
    pub as_of: Date,
    /// Draw a progress bar on a terminal.
    pub progress: bool,
    /// Only the first N communes of the plan (the benchmark's seeding sample).
    pub limit_communes: Option<usize>,
}

/// What a load did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub preset: &'static str,
    pub seed: u64,
    pub scale: f64,
    pub as_of: String,
    pub communes: usize,
    pub units: u64,
    pub households: u64,
    pub residents: u64,
    pub groups: u64,
    pub positions: u64,
    pub feedback: u64,
    pub feedback_events: u64,
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_s: f64,
    /// Where the time went: generating and writing rows, then finishing the load (indexes'
    /// statistics, WAL checkpoint, sequences), then rebuilding the roll-ups.
    pub write_seconds: f64,
    pub finish_seconds: f64,
    pub rollup_seconds: f64,
    pub backend: &'static str,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Synthetic data set {} (seed {}, as of {}) on {}: {} communes, {} units, {} households, {} residents,",
            self.preset, self.seed, self.as_of, self.backend, self.communes, self.units, self.households, self.residents
        )?;
        writeln!(
            f,
            "  {} groups with {} positions, {} feedback items with {} events.",
            self.groups, self.positions, self.feedback, self.feedback_events
        )?;
        write!(
            f,
            "  {} rows in {:.1} s: {:.0} rows/s (writing {:.1} s, finishing {:.1} s, roll-ups {:.1} s).",
            self.rows, self.seconds, self.rows_per_s, self.write_seconds, self.finish_seconds,
            self.rollup_seconds
        )
    }
}

/// Today in Vietnam.
pub fn today() -> Date {
    tuquan_domain::time::vietnam_date(jiff::Timestamp::now())
}

/// The communes of a province, in code order.
async fn communes_of(
    store: &Store,
    province: &str,
) -> anyhow::Result<Vec<tuquan_domain::territory::Unit>> {
    let mut out = Vec::new();
    let mut after = None;
    let limit = Limit::parse(Some("100"))?;
    loop {
        let page = store
            .list_units(&UnitFilter::ChildrenOf(province), after.as_ref(), limit)
            .await?;
        out.extend(page.items.into_iter().map(|i| i.unit));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// Decides which communes get how many households. Deterministic in (preset, seed, scale).
pub async fn plan(store: &Store, opts: &Options) -> anyhow::Result<Vec<CommunePlan>> {
    crate::commands::ensure_territory(store).await?;
    let province = store.unit(PROVINCE).await?.unit;
    let hcmc = SubdivisionScheme::parse(HCMC_LEVELS)?;
    if store.scheme_for(&province).await?.levels.first() != hcmc.levels.first() {
        store.set_scheme(PROVINCE, &hcmc, &AuditCtx::cli()).await?;
    }
    let all = communes_of(store, PROVINCE).await?;
    let chosen: Vec<_> = match opts.preset {
        Preset::Small | Preset::Commune => {
            all.into_iter().filter(|c| c.code == ONE_COMMUNE).collect()
        }
        Preset::Hcmc => all,
    };
    if chosen.is_empty() {
        bail!("the territory has no commune to seed (is the shipped territory loaded?)");
    }
    let total = (opts.preset.households() as f64 * opts.scale)
        .round()
        .max(1.0) as u64;
    // Wards are denser than rural communes; sizes vary around that (log-normal-ish).
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed ^ 0xC0_33_05);
    let weights: Vec<f64> = chosen
        .iter()
        .map(|c| {
            let base = if c.kind == UnitKind::Ward { 1.2 } else { 0.7 };
            let spread: f64 = (0..4).map(|_| rng.random_range(-0.35..0.35)).sum();
            base * spread.exp()
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<u64> = weights
        .iter()
        .map(|w| ((w / sum) * total as f64).floor() as u64)
        .collect();
    let short = total - counts.iter().sum::<u64>();
    for c in counts.iter_mut().take(short as usize) {
        *c += 1;
    }
    let mut plans = Vec::with_capacity(chosen.len());
    for (ordinal, (unit, households)) in chosen.into_iter().zip(counts).enumerate() {
        let scheme = store.scheme_for(&unit).await?;
        let allowed = scheme.levels.first().cloned().unwrap_or_default();
        let wanted = if unit.kind == UnitKind::Ward {
            [UnitKind::KhuPho, UnitKind::ToDanPho]
        } else {
            [UnitKind::Ap, UnitKind::Thon]
        };
        let unit_kind = wanted
            .into_iter()
            .find(|k| allowed.contains(k))
            .or_else(|| allowed.first().copied())
            .context("the subdivision scheme allows no residential unit")?;
        plans.push(CommunePlan {
            ordinal,
            unit,
            households: u32::try_from(households).unwrap_or(u32::MAX),
            unit_kind,
            scheme,
        });
    }
    if let Some(n) = opts.limit_communes {
        plans.truncate(n.max(1));
    }
    Ok(plans)
}

/// A batch for the writer.
struct Batch {
    tables: Vec<Prepared>,
    rows: u64,
}

/// Counts per table, for the report.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    units: u64,
    households: u64,
    residents: u64,
    groups: u64,
    positions: u64,
    feedback: u64,
    events: u64,
}

/// Everything generated for a set of communes, numbered from `bases`, plus their feedback.
struct Generated {
    tables: Vec<Rows>,
    counts: Counts,
    items: Vec<feedback::Item>,
}

fn generate(
    plans: &[CommunePlan],
    run: &RunSettings,
    key: &IdentityKey,
    bases: &mut Bases,
    now: jiff::Timestamp,
    cal: &WorkCalendar,
    cats: &[Category],
) -> Generated {
    let mut communes: Vec<(CommuneRows, Vec<feedback::Item>)> = plans
        .par_iter()
        .map(|p| {
            let rows = people::commune(p, run, key);
            let fplan = feedback::CommuneFeedbackPlan {
                ordinal: p.ordinal,
                province: &p.unit.province_code,
                commune_code: &p.unit.code,
                commune_path: &p.unit.path,
                units: &rows.unit_refs,
                residents: rows.residents_count,
            };
            let items = feedback::commune(&fplan, run.seed, now, cal, cats);
            (rows, items)
        })
        .collect();
    let mut tables = Vec::new();
    let mut counts = Counts::default();
    let mut items = Vec::new();
    for (rows, its) in communes.iter_mut() {
        rows.shift(bases);
        bases.advance(&rows.counts());
        counts.units += rows.units.len() as u64;
        counts.households += rows.households.len() as u64;
        counts.residents += rows.residents.len() as u64;
        counts.groups += rows.groups.len() as u64;
        counts.positions += rows.positions.len() as u64;
        items.append(its);
    }
    // One write per table for the whole chunk: fewer, bigger statements.
    for (rows, _) in communes {
        for t in rows.into_tables() {
            match tables.iter_mut().find(|x: &&mut Rows| x.table == t.table) {
                Some(x) => x.values.extend(t.values),
                None => tables.push(t),
            }
        }
    }
    Generated {
        tables,
        counts,
        items,
    }
}

/// The rows a load of these communes writes, numbered from an empty database: the
/// benchmark's raw baseline inserts exactly these.
pub fn sample_rows(
    plans: &[CommunePlan],
    run: &RunSettings,
    key: &IdentityKey,
    now: jiff::Timestamp,
    cal: &WorkCalendar,
) -> Vec<Rows> {
    let cats = Category::defaults();
    let mut bases = Bases::default();
    let g = generate(plans, run, key, &mut bases, now, cal, &cats);
    let mut tables = g.tables;
    let (f, e) = feedback::into_rows(g.items, 1, 0, run.seed, run.communes);
    tables.push(f);
    tables.push(e);
    tables
}

/// The instant the data set "is": noon of `as_of` in Vietnam.
pub fn as_of_instant(as_of: Date) -> anyhow::Result<jiff::Timestamp> {
    Ok(as_of
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))?
        .timestamp())
}

/// Settings shared by every commune of a run.
pub fn run_settings(opts: &Options, communes: usize) -> RunSettings {
    RunSettings {
        seed: opts.seed,
        as_of: opts.as_of,
        stamp: tuquan_store::now(),
        communes,
    }
}

/// Refuses to load twice into the same communes.
async fn check_empty(store: &Store, plans: &[CommunePlan]) -> anyhow::Result<()> {
    for p in plans.iter().take(3) {
        for local in ["kp01", "ap01", "thon01", "tdp01"] {
            if store
                .unit(&format!("{}-{local}", p.unit.code))
                .await
                .is_ok()
            {
                bail!(
                    "{} ({}) already has residential units; synthetic data goes into a fresh database",
                    p.unit.name,
                    p.unit.code
                );
            }
        }
    }
    Ok(())
}

/// Generates and loads the data set; records it in the audit log.
pub async fn seed(store: &Store, key: &IdentityKey, opts: &Options) -> anyhow::Result<Report> {
    let plans = plan(store, opts).await?;
    check_empty(store, &plans).await?;
    let communes = plans.len();
    let run = run_settings(opts, communes);
    let now = as_of_instant(opts.as_of)?;
    let cal = store.work_calendar().await?;
    let mut bases = Bases {
        households: store.max_id("households").await?,
        residents: store.max_id("residents").await?,
        groups: store.max_id("community_groups").await?,
        decisions: store.max_id("group_decisions").await?,
        positions: store.max_id("group_positions").await?,
        group_events: store.max_id("group_events").await?,
    };
    let feedback_base = store.max_id("feedback").await?;
    let event_base = store.max_id("feedback_events").await?;
    let planned_households: u64 = plans.iter().map(|p| u64::from(p.households)).sum();
    // Rows to expect: households, 3.2 residents each, feedback and its events, groups.
    let estimate = (planned_households as f64 * 4.45) as u64;
    let bar = progress_bar(opts.progress, estimate);

    // The roll-up triggers are dropped for the load and the aggregates rebuilt once after.
    store.pause_rollups().await?;
    let mut bulk = store.bulk_load().await?;
    let copy = bulk.wants_copy();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let key = key.clone();
    let started = Instant::now();
    let generator = std::thread::spawn(move || -> Counts {
        let cats = Category::defaults();
        let mut counts = Counts::default();
        let mut items = Vec::new();
        // A few communes at a time: both cores busy, memory bounded.
        for chunk in plans.chunks(4) {
            let g = generate(chunk, &run, &key, &mut bases, now, &cal, &cats);
            counts.units += g.counts.units;
            counts.households += g.counts.households;
            counts.residents += g.counts.residents;
            counts.groups += g.counts.groups;
            counts.positions += g.counts.positions;
            items.extend(g.items);
            let rows = g.tables.iter().map(|t| t.len() as u64).sum();
            let tables = g
                .tables
                .into_par_iter()
                .map(|t| BulkLoad::prepare(copy, t))
                .collect();
            if tx.blocking_send(Batch { tables, rows }).is_err() {
                return counts;
            }
        }
        let (f, e) =
            feedback::into_rows(items, feedback_base + 1, event_base, run.seed, run.communes);
        counts.feedback = f.len() as u64;
        counts.events = e.len() as u64;
        let rows = (f.len() + e.len()) as u64;
        let tables = vec![f, e]
            .into_par_iter()
            .map(|t| BulkLoad::prepare(copy, t))
            .collect();
        let _ = tx.blocking_send(Batch { tables, rows });
        counts
    });
    let mut written = 0u64;
    while let Some(batch) = rx.recv().await {
        for t in batch.tables {
            bulk.write(t).await?;
        }
        bulk.commit().await?;
        written += batch.rows;
        bar.set_position(written.min(bar.length().unwrap_or(u64::MAX)));
    }
    let counts = generator
        .join()
        .map_err(|_| anyhow::anyhow!("the generator thread failed"))?;
    let write_seconds = started.elapsed().as_secs_f64();
    bulk.finish().await?;
    let finish_seconds = started.elapsed().as_secs_f64() - write_seconds;
    store
        .resume_rollups()
        .await
        .context("rebuilding the roll-ups")?;
    let seconds = started.elapsed().as_secs_f64();
    let rollup_seconds = seconds - write_seconds - finish_seconds;
    bar.finish_and_clear();
    let report = Report {
        preset: opts.preset.as_str(),
        seed: opts.seed,
        scale: opts.scale,
        as_of: opts.as_of.to_string(),
        communes,
        units: counts.units,
        households: counts.households,
        residents: counts.residents,
        groups: counts.groups,
        positions: counts.positions,
        feedback: counts.feedback,
        feedback_events: counts.events,
        rows: written,
        seconds,
        rows_per_s: written as f64 / seconds.max(1e-9),
        write_seconds,
        finish_seconds,
        rollup_seconds,
        backend: store.backend().as_str(),
    };
    let ctx = AuditCtx {
        actor_username: Some("synthetic-seed".into()),
        ..AuditCtx::default()
    };
    store
        .record_bulk_load(opts.preset.as_str(), &json!(report), &ctx)
        .await?;
    Ok(report)
}

fn progress_bar(show: bool, len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(len),
        if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} rows ({per_sec}, {eta} left)",
        )
        .expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
