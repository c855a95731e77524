//! `tuquan seed synthetic` and `tuquan bench`: the province-scale data set and the figures
//! measured on it (docs/benchmarks.md).

use std::collections::BTreeMap;

use anyhow::{bail, Context};
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::config::Config;
use crate::synthetic::{self, Options, Preset};

mod announce;
mod db;
mod documents;
mod figures;
mod load;
mod restructure;

use db::{backend_name, open, BenchPlace};
use figures::{rollups, round, seed_comparison};
use load::http;

#[derive(clap::Args, Debug, Clone)]
pub struct SyntheticArgs {
    /// small (one commune, ~20,000 residents), commune (~87,000) or hcmc (168 communes,
    /// 3.52 million households, 11.3 million residents).
    #[arg(long, default_value = "small")]
    pub preset: String,
    /// The random seed: the same seed (and --as-of) gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Multiplies the number of households, e.g. 0.1 for a tenth.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// The day the data set ends (YYYY-MM-DD) [default: today in Vietnam].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// A benchmark of its own instead of the province's figures.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum BenchWhat {
    /// A whole ward restructured at once (40 khu phố into 15): the time to apply the plan.
    Restructure(restructure::RestructureArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: Option<BenchWhat>,
    #[command(flatten)]
    pub data: SyntheticArgs,
    // Data sets live in one folder per preset and backend.
    #[command(flatten)]
    pub place: BenchPlace,
    /// Seconds of each HTTP load.
    #[arg(long, default_value_t = 20)]
    pub duration: u64,
    /// Concurrent HTTP connections.
    #[arg(long, default_value_t = 64)]
    pub connections: u32,
    /// Communes in the seeding comparison (product loader vs raw insert loop).
    #[arg(long, default_value_t = 4)]
    pub sample_communes: usize,
    /// Repetitions of each roll-up report.
    #[arg(long, default_value_t = 30)]
    pub rollup_runs: usize,
    /// Announcements published to the whole province (each timed).
    #[arg(long, default_value_t = 3)]
    pub announce_runs: usize,
    /// Households acknowledging one of them (from the largest commune).
    #[arg(long, default_value_t = 2000)]
    pub announce_acks: usize,
    /// Messages drained through the outbox to a local webhook sink.
    #[arg(long, default_value_t = 20_000)]
    pub outbox_messages: usize,
    /// Messages per delivery pass (claimed together, sent concurrently).
    #[arg(long, default_value_t = 500)]
    pub outbox_batch: i64,
    /// Skip the HTTP part (no load generator needed).
    #[arg(long)]
    pub no_http: bool,
    /// Repetitions of each document rendering (400-household list, province report).
    #[arg(long, default_value_t = 3)]
    pub document_runs: usize,
}

fn options(args: &SyntheticArgs) -> anyhow::Result<Options> {
    let as_of = match &args.as_of {
        Some(d) => d
            .parse()
            .with_context(|| format!("--as-of {d}: expected YYYY-MM-DD"))?,
        None => synthetic::today(),
    };
    if !(args.scale > 0.0 && args.scale <= 10.0) {
        bail!("--scale must be above 0 and at most 10");
    }
    Ok(Options {
        preset: Preset::parse(&args.preset)?,
        seed: args.seed,
        scale: args.scale,
        as_of,
        progress: !args.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        limit_communes: None,
    })
}

/// `tuquan seed synthetic`: on one connection, so that SQLite may load without a journal.
pub async fn seed_synthetic(mut config: Config, args: &SyntheticArgs) -> anyhow::Result<()> {
    let opts = options(args)?;
    config.db_max_connections = 1;
    let store = super::open_store(&config).await?;
    let key = super::identity_key(&config)?;
    let result = synthetic::seed(&store, &key, &opts).await;
    store.close().await;
    println!("{}", result?);
    Ok(())
}

/// `tuquan bench`.
pub async fn bench(mut config: Config, args: BenchArgs) -> anyhow::Result<()> {
    if let Some(BenchWhat::Restructure(r)) = args.what.clone() {
        return restructure::run(config, r).await;
    }
    let opts = options(&args.data)?;
    let pg_url = args.place.postgres_url(&config);
    let backend = backend_name(pg_url.as_deref());
    let root = args.place.folder(&format!(
        "{}-s{}-x{}-{backend}",
        opts.preset.as_str(),
        opts.seed,
        opts.scale
    ));
    let data_dir = root.join("dataset");
    let say = |s: &str| {
        if !args.place.json {
            eprintln!("{s}");
        }
    };
    let mut figures: BTreeMap<&'static str, Value> = BTreeMap::new();
    figures.insert("preset", json!(opts.preset.as_str()));
    figures.insert("backend", json!(backend));

    // 1. The data set: reuse it if this preset and seed are already loaded.
    let store = open(&mut config, &data_dir, pg_url.clone()).await?;
    let summary = dataset(&store, &config, &opts, &data_dir, &say).await?;
    let as_of = summary["as_of"].as_str().unwrap_or_default().to_owned();
    figures.insert(
        "seed_rows_per_s",
        json!(round(summary["rows_per_s"].as_f64().unwrap_or(0.0), 0)),
    );
    figures.insert("seed_rows", summary["rows"].clone());
    figures.insert(
        "seed_seconds",
        json!(round(summary["seconds"].as_f64().unwrap_or(0.0), 1)),
    );
    let residents = store.count_rows("residents").await?;
    figures.insert("residents", json!(residents));
    figures.insert("households", json!(store.count_rows("households").await?));
    figures.insert("feedback_items", json!(store.count_rows("feedback").await?));

    // 2. Seeding: the product's loader against a raw insert loop, same rows, same engine.
    say("Seeding comparison on a sample …");
    let sample = seed_comparison(
        &mut config,
        &root,
        pg_url.as_deref(),
        &opts,
        &as_of,
        args.sample_communes,
    )
    .await?;
    for (k, v) in sample {
        figures.insert(k, v);
    }
    // Back to the data set's configuration (the scratch stores changed it).
    config.data_dir = data_dir.clone();
    config.database_url = pg_url.clone().map(SecretString::from);

    // 3. Roll-ups against the naive query.
    say("Roll-up reports …");
    for (k, v) in rollups(&store, &as_of, args.rollup_runs).await? {
        figures.insert(k, v);
    }

    // 4. Announcements to the province, and the outbox's delivery rate.
    say("Announcements and the outbox …");
    let parts = [
        announce::announcements(&store, args.announce_runs, args.announce_acks).await?,
        announce::outbox(&store, args.outbox_messages, args.outbox_batch).await?,
    ];
    for (k, v) in parts.into_iter().flatten() {
        figures.insert(k, v);
    }

    // 5. Documents: a 400-household list and the province's feedback report, PDF and DOCX.
    say("Documents …");
    for (k, v) in documents::documents(&store, &as_of, args.document_runs).await? {
        figures.insert(k, v);
    }

    // 6. HTTP under load.
    if !args.no_http {
        say("HTTP under load …");
        for (k, v) in http(&store, &root, &data_dir, pg_url.as_deref(), &args).await? {
            figures.insert(k, v);
        }
    }
    let bytes = store.database_bytes().await?;
    figures.insert("db_bytes", json!(bytes));
    figures.insert(
        "db_bytes_per_resident",
        json!(round(bytes as f64 / residents.max(1) as f64, 1)),
    );
    store.close().await;
    if args.place.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        print_table(&figures);
    }
    Ok(())
}

/// The data set's load summary: the one already loaded if it is this preset, seed and
/// scale, else a new one built now (in an empty database only).
async fn dataset(
    store: &tuquan_store::Store,
    config: &Config,
    opts: &Options,
    data_dir: &std::path::Path,
    say: &impl Fn(&str),
) -> anyhow::Result<Value> {
    let loaded = store.last_bulk_load().await?;
    Ok(match loaded {
        Some((name, j))
            if name == opts.preset.as_str()
                && j["seed"] == json!(opts.seed)
                && j["scale"] == json!(opts.scale) =>
        {
            say(&format!("Using the data set in {}", data_dir.display()));
            j
        }
        Some((name, _)) => bail!(
            "{} holds another data set ({name}); remove it or choose another --dir/--database-url",
            data_dir.display()
        ),
        None => {
            if store.count_rows("residents").await? > 0 {
                bail!("the database already has residents; the benchmark needs its own database");
            }
            say(&format!(
                "Building the {} data set in {} …",
                opts.preset.as_str(),
                data_dir.display()
            ));
            let key = super::identity_key(config)?;
            let report = synthetic::seed(store, &key, opts).await?;
            say(&report.to_string());
            json!(report)
        }
    })
}

/// The targets for the hcmc preset on SQLite: (key, "≥"/"≤", value).
const TARGETS: &[(&str, &str, f64)] = &[
    ("seed_rows_per_s", "≥", 200_000.0),
    ("seed_vs_raw_ratio", "≥", 0.5),
    ("rollup_province_p50_ms", "≤", 100.0),
    ("rollup_commune_p50_ms", "≤", 10.0),
    ("rollup_vs_naive_ratio", "≥", 20.0),
    ("http_list_rps", "≥", 3000.0),
    ("http_list_p99_ms", "≤", 50.0),
    ("http_post_rps", "≥", 1000.0),
    ("http_post_p99_ms", "≤", 100.0),
    ("http_errors", "≤", 0.0),
    ("doc_households400_pdf_p50_ms", "≤", 1000.0),
    ("doc_households400_docx_p50_ms", "≤", 1000.0),
    ("doc_province_report_pdf_p50_ms", "≤", 1000.0),
    ("doc_province_report_docx_p50_ms", "≤", 1000.0),
    ("server_peak_rss_mb", "≤", 200.0),
    ("announce_create_p50_ms", "≤", 1000.0),
    ("announce_dashboard_p50_ms", "≤", 100.0),
    ("outbox_msgs_per_s", "≥", 1000.0),
];

fn print_table(f: &BTreeMap<&'static str, Value>) {
    println!("{:<34} {:>16}   target (hcmc, SQLite)", "figure", "value");
    for (k, v) in f {
        let target = TARGETS
            .iter()
            .find(|t| t.0 == *k)
            .map(|(_, op, t)| {
                let ok = v
                    .as_f64()
                    .is_some_and(|x| if *op == "≥" { x >= *t } else { x <= *t });
                format!("{op} {t}  {}", if ok { "met" } else { "MISSED" })
            })
            .unwrap_or_default();
        let shown = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        println!("{k:<34} {shown:>16}   {target}");
    }
}
