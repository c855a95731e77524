//! The commands behind `tuquan`'s subcommands.

use std::path::Path;

use anyhow::Context;
use secrecy::ExposeSecret;
use tuquan_domain::territory::{parse_divisions, NewResidentialUnitInput, SubdivisionScheme};
use tuquan_store::audit::AuditCtx;
use tuquan_store::identity::IdentityKey;
use tuquan_store::restructuring::import::{ImportReport, ImportSource};
use tuquan_store::{ConnectOptions, Store, SHIPPED_DIVISIONS};

use crate::config::{redact_url, Config};
use crate::TerritoryCommand;

pub mod backup;
pub mod bench;
pub mod groups;
mod serve;
mod users;
pub use serve::{action_items_run_jobs, feedback_run_jobs, serve};
pub use users::{token_create, user_add, user_link_resident};

/// Opens the configured store and applies migrations: every command acts on the same
/// database as `serve`.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    if config.uses_default_sqlite() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let url = config.effective_database_url();
    let opts = ConnectOptions {
        max_connections: config.db_max_connections,
        sqlite_synchronous_full: config.sqlite_synchronous == "full",
    };
    let store = Store::connect(url.expose_secret(), &opts)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                redact_url(url.expose_secret())
            )
        })?;
    let store = store.with_identity_key(identity_key(config)?);
    let applied = store.migrate().await.context("migration failed")?;
    if applied > 0 {
        tracing::info!(
            applied,
            backend = store.backend().as_str(),
            "migrations applied"
        );
    }
    Ok(store)
}

/// The key for identity numbers: from the configuration, else from `identity.key` in the data
/// directory, created on first use (readable by the owner only).
pub(crate) fn identity_key(config: &Config) -> anyhow::Result<IdentityKey> {
    if let Some(k) = &config.identity_key {
        return IdentityKey::from_base64(k.expose_secret()).context("identity_key");
    }
    let path = config.data_dir.join("identity.key");
    if !path.exists() {
        std::fs::create_dir_all(&config.data_dir)?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        use std::io::Write;
        let mut f = opts
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        writeln!(f, "{}", IdentityKey::generate_base64())?;
        f.sync_all()?;
        tracing::warn!(path = %path.display(), "generated a new identity_key; back it up with the database");
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    IdentityKey::from_base64(&text).with_context(|| format!("{}", path.display()))
}

/// Loads the shipped territory into an empty store.
pub async fn ensure_territory(store: &Store) -> anyhow::Result<()> {
    if store.province_count().await? == 0 {
        let records = parse_divisions(SHIPPED_DIVISIONS).context("the shipped territory file")?;
        let source = ImportSource {
            file: "vn-divisions-2025.json",
            day: &today(),
        };
        let report = store
            .import_divisions(&records, source, &AuditCtx::cli())
            .await?;
        tracing::info!(inserted = report.inserted, "territory loaded");
    }
    Ok(())
}

fn today() -> String {
    tuquan_domain::time::vietnam_date(jiff::Timestamp::now()).to_string()
}

/// Imports a divisions file: new codes inserted, renames recorded as history events (the old
/// name kept), moves and missing codes reported but not applied.
pub async fn import_divisions(store: &Store, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let records = parse_divisions(&bytes)
        .with_context(|| format!("{} was rejected; nothing was imported", file.display()))?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = ImportSource {
        file: &name,
        day: &today(),
    };
    let report = store
        .import_divisions(&records, source, &AuditCtx::cli())
        .await?;
    print_import_report(&report);
    Ok(())
}

fn print_import_report(report: &ImportReport) {
    if report.changed_nothing() {
        println!(
            "Nothing to do: all {} provinces and communes are already up to date.",
            report.unchanged
        );
    } else {
        println!(
            "Imported: {} new, {} renamed, {} updated, {} unchanged.",
            report.inserted,
            report.renamed.len(),
            report.updated,
            report.unchanged
        );
    }
    if !report.renamed.is_empty() {
        println!(
            "Renamed (the old names are kept in the history): {}",
            report.renamed.join(", ")
        );
    }
    let few = |codes: &[String]| {
        let shown: Vec<&str> = codes.iter().take(20).map(String::as_str).collect();
        let more = codes.len().saturating_sub(shown.len());
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    if !report.moved.is_empty() {
        println!(
            "Not applied: {} under another parent in the file ({}); a change of parent is a \
             restructuring (codes and paths never change).",
            report.moved.len(),
            few(&report.moved)
        );
    }
    if !report.vanished.is_empty() {
        println!(
            "Not in the file, kept: {} ({}); units are closed by a restructuring, never deleted.",
            report.vanished.len(),
            few(&report.vanished)
        );
    }
}

pub async fn territory(store: &Store, cmd: TerritoryCommand) -> anyhow::Result<()> {
    ensure_territory(store).await?;
    match cmd {
        TerritoryCommand::SchemeShow { code } => {
            let unit = store
                .unit(&code)
                .await
                .with_context(|| format!("unit {code}"))?;
            let scheme = store.scheme_for(&unit.unit).await?;
            println!("{}", scheme.format());
        }
        TerritoryCommand::SchemeSet { code, levels } => {
            let scheme = SubdivisionScheme::parse(&levels)?;
            store
                .set_scheme(&code, &scheme, &AuditCtx::cli())
                .await
                .with_context(|| format!("unit {code}"))?;
            println!("{code}: {}", scheme.format());
        }
        TerritoryCommand::AddUnit {
            parent,
            code,
            name,
            kind,
            valid_from,
        } => {
            let input = NewResidentialUnitInput {
                parent_code: parent,
                local_code: code,
                name,
                kind,
                valid_from,
            };
            // The same use case as the API; the operator acts as `cli`.
            let ctx = tuquan_app::App::new(store.clone()).system("cli");
            let created = tuquan_app::territory::create_unit(&ctx, &input).await?;
            println!("created {} {}", created.unit.code, created.unit.name);
        }
    }
    Ok(())
}
