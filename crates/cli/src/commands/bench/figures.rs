//! The seeding comparison and the roll-up figures.

use std::path::Path;
use std::time::Instant;

use serde_json::{json, Value};
use tuquan_domain::feedback::stats::Month;
use tuquan_store::Store;

use super::db::{database_name, scratch, with_database};
use crate::config::Config;
use crate::synthetic::{self, Options};

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(super) fn round(v: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (v * m).round() / m
}

pub(super) async fn seed_comparison(
    config: &mut Config,
    root: &Path,
    pg_url: Option<&str>,
    opts: &Options,
    as_of: &str,
    communes: usize,
) -> anyhow::Result<Vec<(&'static str, Value)>> {
    let mut sample_opts = opts.clone();
    sample_opts.limit_communes = Some(communes.max(1));
    sample_opts.progress = false;
    if let Ok(d) = as_of.parse() {
        sample_opts.as_of = d;
    }
    // The product's loader, end to end (generation, encryption, writing, roll-ups).
    let a = scratch(config, root, "scratch_seed", pg_url).await?;
    let key = crate::commands::identity_key(config)?;
    let product = synthetic::seed(&a, &key, &sample_opts).await?;
    a.close().await;
    // The same rows, generated beforehand, inserted one by one.
    let b = scratch(config, root, "scratch_raw", pg_url).await?;
    let plans = synthetic::plan(&b, &sample_opts).await?;
    // The baseline is a plain loop: the roll-up triggers are product work, not its.
    b.pause_rollups().await?;
    let run = synthetic::run_settings(&sample_opts, plans.len());
    let cal = b.work_calendar().await?;
    let now = synthetic::as_of_instant(sample_opts.as_of)?;
    let rows = synthetic::sample_rows(&plans, &run, &key, now, &cal);
    let started = Instant::now();
    let n = b.raw_insert_loop(rows).await?;
    let raw_secs = started.elapsed().as_secs_f64();
    b.close().await;
    for name in ["scratch_seed", "scratch_raw"] {
        let _ = std::fs::remove_dir_all(root.join(name));
        if let Some(u) = pg_url {
            let db = format!("{}_{name}", database_name(u));
            tuquan_store::bulk::drop_pg_database(&with_database(u, &db)).await?;
        }
    }
    let raw_rate = n as f64 / raw_secs.max(1e-9);
    Ok(vec![
        ("seed_sample_rows", json!(product.rows)),
        (
            "seed_sample_rows_per_s",
            json!(round(product.rows_per_s, 0)),
        ),
        ("seed_raw_rows_per_s", json!(round(raw_rate, 0))),
        (
            "seed_vs_raw_ratio",
            json!(round(product.rows_per_s / raw_rate, 3)),
        ),
    ])
}

/// The months the data set covers: (first, last).
pub(super) fn months(as_of: &str) -> (Month, Month) {
    let d: jiff::civil::Date = as_of.parse().unwrap_or_else(|_| synthetic::today());
    let from = d.saturating_sub(jiff::Span::new().months(23));
    let m = |d: jiff::civil::Date| Month::new(d.year(), d.month()).expect("a month in range");
    (m(from), m(d))
}

pub(super) async fn rollups(
    store: &Store,
    as_of: &str,
    runs: usize,
) -> anyhow::Result<Vec<(&'static str, Value)>> {
    let (from, to) = months(as_of);
    // The most populous commune of the data set.
    let commune = store
        .largest_commune_in(synthetic::PROVINCE)
        .await?
        .unwrap_or_else(|| synthetic::ONE_COMMUNE.to_owned());
    let mut out = Vec::new();
    let mut ratios = Vec::new();
    let mut equal = true;
    // "Overdue now" judged at one instant, so both reports count the same open items.
    let now = tuquan_store::now();
    for (label, unit) in [
        ("commune", commune.as_str()),
        ("province", synthetic::PROVINCE),
    ] {
        let mut fast = Vec::new();
        let mut slow = Vec::new();
        let mut last = None;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            let r = store.report_at(unit, from, to, None, &now).await?;
            fast.push(t.elapsed().as_secs_f64() * 1000.0);
            last = Some(r);
        }
        // The naive query is slow at scale: a few runs are enough.
        let mut naive = None;
        for _ in 0..runs.clamp(1, 5) {
            let t = Instant::now();
            let r = store.report_naive_at(unit, from, to, None, &now).await?;
            slow.push(t.elapsed().as_secs_f64() * 1000.0);
            naive = Some(r);
        }
        equal &= last == naive;
        fast.sort_by(f64::total_cmp);
        slow.sort_by(f64::total_cmp);
        let p50 = percentile(&fast, 50.0);
        let naive_p50 = percentile(&slow, 50.0);
        ratios.push(naive_p50 / p50.max(1e-6));
        let (k50, k99, kn) = match label {
            "commune" => (
                "rollup_commune_p50_ms",
                "rollup_commune_p99_ms",
                "naive_commune_p50_ms",
            ),
            _ => (
                "rollup_province_p50_ms",
                "rollup_province_p99_ms",
                "naive_province_p50_ms",
            ),
        };
        out.push((k50, json!(round(p50, 3))));
        out.push((k99, json!(round(percentile(&fast, 99.0), 3))));
        out.push((kn, json!(round(naive_p50, 1))));
    }
    out.push((
        "rollup_vs_naive_ratio",
        json!(round(
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
            1
        )),
    ));
    out.push(("rollup_equals_naive", json!(equal)));
    out.push(("rollup_commune", json!(commune)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_cover_two_years() {
        assert_eq!(
            months("2026-11-21"),
            (Month::new(2024, 12).unwrap(), Month::new(2026, 11).unwrap())
        );
    }
}
