//! `tuquan bench restructure`: a whole ward rearranged at once (issue 16, item 7). A fresh
//! synthetic ward of 40 khu phố with their households, residents, groups, positions and
//! feedback; a plan that merges them three by three into 13 new units and splits the last
//! one in two (40 → 15); the time of the dry run and of applying it, against two baselines
//! measured in the same run (seeding the ward, and the naive statistics query over it).
//! Recorded in docs/benchmarks.md.

use std::time::Instant;

use anyhow::Context;
use secrecy::SecretString;
use serde_json::json;
use tuquan_app::restructuring::{apply_plan, ApplyReport};
use tuquan_app::{App, RequestMeta};
use tuquan_domain::access::Role;
use tuquan_domain::feedback::stats::Month;
use tuquan_domain::restructuring::{LegalBasis, NewUnit, Plan, Step};
use tuquan_domain::territory::{LocalCode, Tier, UnitCode};
use tuquan_store::audit::AuditCtx;
use tuquan_store::users::NewUser;
use tuquan_store::Store;

use super::db::{backend_name, database_name, open, with_database, BenchPlace};
use crate::config::Config;
use crate::synthetic::{self, Options, Preset, ONE_COMMUNE};

#[derive(clap::Args, Debug, Clone)]
pub struct RestructureArgs {
    /// Households of the ward. The generator puts about 470 in each unit, so 18,800 give
    /// the 40 khu phố of the benchmark (15,000 would give 31).
    #[arg(long, default_value_t = 18_800)]
    pub households: u64,
    /// The random seed of the synthetic ward.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    // The scratch database lives in the folder `restructure-<backend>`.
    #[command(flatten)]
    pub place: BenchPlace,
}

/// The plan: the open units of the ward three by three into new units, the last split in
/// two by its household list.
async fn ward_plan(store: &Store, commune: &str) -> anyhow::Result<(Plan, usize)> {
    let ward = store.unit(commune).await?.unit;
    let mut units: Vec<_> = store
        .units_under(&ward.path)
        .await?
        .into_iter()
        .filter(|u| u.valid_to.is_none() && u.kind.tier() == Tier::Residential && u.level == 3)
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let before = units.len();
    let parent = UnitCode::parse(&ward.code)?;
    let kind = units.first().context("the ward has no unit")?.kind;
    let new_unit = |local: String, name: String| -> anyhow::Result<NewUnit> {
        Ok(NewUnit {
            parent: parent.clone(),
            local_code: LocalCode::parse(&local)?,
            name,
            kind,
        })
    };
    let last = units.pop().context("the ward has no unit")?;
    let mut steps = Vec::new();
    for (i, chunk) in units.chunks(3).enumerate() {
        steps.push(Step::CreateFromParts {
            parts: chunk
                .iter()
                .map(|u| UnitCode::parse(&u.code))
                .collect::<Result<_, _>>()?,
            into: new_unit(format!("m{:02}", i + 1), format!("Khu phố mới {}", i + 1))?,
        });
    }
    let households = store.active_household_ids(&last.code).await?;
    let (a, b) = households.split_at(households.len() / 2);
    steps.push(Step::Split {
        unit: UnitCode::parse(&last.code)?,
        parts: vec![
            (new_unit("s01".into(), "Khu phố tách 1".into())?, a.to_vec()),
            (new_unit("s02".into(), "Khu phố tách 2".into())?, b.to_vec()),
        ],
    });
    let today = synthetic::today();
    Ok((
        Plan {
            commune: parent,
            effective_on: today,
            basis: LegalBasis {
                number: "1/QĐ-UBND".into(),
                date: today,
                signer: "Chủ tịch UBND".into(),
                file: None,
            },
            scheme_id: None,
            steps,
            groups: vec![],
        },
        before,
    ))
}

/// A commune official of the ward, signed in through a token as the product does.
async fn official(store: &Store, commune: &str) -> anyhow::Result<tuquan_app::Ctx> {
    let app = App::new(store.clone());
    let user = NewUser {
        username: "bench.restructure".into(),
        display_name: "Cán bộ phường".into(),
        password_hash: tuquan_app::access::secret::hash_password("bench-restructure-42"),
        must_change_password: false,
    };
    store
        .create_user(
            &user,
            &[(Role::CommuneOfficial, Some(commune.into()))],
            &AuditCtx::cli(),
        )
        .await?;
    let token =
        tuquan_app::access::tokens::create_token_for(&app.system("cli"), &user.username, "bench")
            .await?;
    let who = tuquan_app::access::by_token(&app, &token.token)
        .await?
        .context("the bench account")?;
    Ok(app.ctx(Some(who), RequestMeta::default()))
}

fn secs(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

/// `tuquan bench restructure`.
pub async fn run(mut config: Config, args: RestructureArgs) -> anyhow::Result<()> {
    let pg = args.place.postgres_url(&config).map(|u| {
        let db = format!("{}_restructure", database_name(&u));
        with_database(&u, &db)
    });
    let backend = backend_name(pg.as_deref());
    let dir = args.place.folder(&format!("restructure-{backend}"));
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(u) = &pg {
        tuquan_store::bulk::recreate_pg_database(u).await?;
    }
    let store = open(&mut config, &dir, pg.clone()).await?;
    config.database_url = pg.map(SecretString::from);
    crate::commands::ensure_territory(&store).await?;
    let key = crate::commands::identity_key(&config)?;
    let opts = Options {
        preset: Preset::Commune,
        seed: args.seed,
        scale: args.households as f64 / Preset::Commune.households() as f64,
        as_of: synthetic::today(),
        progress: false,
        limit_communes: None,
    };
    let t = Instant::now();
    let seeded = synthetic::seed(&store, &key, &opts).await?;
    let seed_s = secs(t);
    let month = Month::of(jiff::Timestamp::now());
    let t = Instant::now();
    let naive_before = store.report_naive(ONE_COMMUNE, month, month, None).await?;
    let naive_s = secs(t);

    let (plan, units_before) = ward_plan(&store, ONE_COMMUNE).await?;
    let ctx = official(&store, ONE_COMMUNE).await?;
    let t = Instant::now();
    let dry: ApplyReport = apply_plan(&ctx, &plan, true).await?;
    let dry_s = secs(t);
    let t = Instant::now();
    let done: ApplyReport = apply_plan(&ctx, &plan, false).await?;
    let apply_s = secs(t);
    anyhow::ensure!(
        dry.households_moved == done.households_moved,
        "the dry run differs"
    );
    let fast = store.report(ONE_COMMUNE, month, month, None).await?;
    let naive = store.report_naive(ONE_COMMUNE, month, month, None).await?;
    anyhow::ensure!(
        fast == naive,
        "the roll-ups differ from the naive query after applying"
    );
    anyhow::ensure!(
        naive.population == naive_before.population,
        "the ward's population changed"
    );
    let units_after = units_before - done.closed.len() + done.opened.len();
    let figures = json!({
        "backend": backend,
        "units_before": units_before,
        "units_after": units_after,
        "households": seeded.households,
        "residents": seeded.residents,
        "groups": seeded.groups,
        "positions": seeded.positions,
        "feedback": seeded.feedback,
        "seed_seconds": seed_s,
        "naive_report_seconds": naive_s,
        "dry_run_seconds": dry_s,
        "apply_seconds": apply_s,
        "households_moved": done.households_moved,
        "residents_moved": done.residents_moved,
        "groups_dissolved": done.groups_dissolved,
        "positions_ended": done.positions_ended,
        "thanked": done.thanked,
        "feedback_rerouted": done.feedback_rerouted,
        "events": done.events.len(),
    });
    store.close().await;
    if args.place.json {
        println!("{figures}");
    } else if let Some(map) = figures.as_object() {
        for (k, v) in map {
            println!("{k:<22} {v}");
        }
    }
    Ok(())
}
