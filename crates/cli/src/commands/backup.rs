//! `tuquan backup` and `tuquan restore` (docs/security.md): the SQLite database, copied
//! consistently while the server runs, together with the identity key that encrypts its
//! identity numbers, and a manifest naming both.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use tuquan_store::backup::key_fingerprint;

use crate::config::Config;

const DB_FILE: &str = "tuquan.db";
const KEY_FILE: &str = "identity.key";
const MANIFEST: &str = "manifest.json";

/// What PostgreSQL operators do instead (also in docs/security.md).
const POSTGRES_PROCEDURE: &str = "\
tuquan backup copies SQLite databases only. For PostgreSQL:
  backup:  pg_dump --format=custom --file=tuquan.dump \"$TUQUAN_DATABASE_URL\"
           and keep the identity key (identity_key, or identity.key in data_dir) with it;
  restore: createdb NEW && pg_restore --no-owner --dbname=NEW tuquan.dump,
           then serve with TUQUAN_DATABASE_URL pointing at NEW and the same identity key.";

#[derive(clap::Args)]
pub struct BackupArgs {
    /// A new (or empty) directory to write the backup into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// A directory written by `tuquan backup`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Replace the database that is already in place (stop the server first).
    #[arg(long)]
    pub force: bool,
    /// Restore although the configured identity key is not the backup's: the identity
    /// numbers of the backup will not decrypt.
    #[arg(long)]
    pub ignore_key_mismatch: bool,
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    database: String,
    schema_version: i64,
    /// SHA-256 of the identity key's 32 bytes, in hex.
    key_fingerprint: String,
    created_at: String,
    tuquan_version: String,
}

/// The configured identity key as text: `identity_key`, else `identity.key` in `data_dir`.
fn configured_key(config: &Config) -> anyhow::Result<Option<String>> {
    if let Some(k) = &config.identity_key {
        return Ok(Some(k.expose_secret().to_owned()));
    }
    let path = config.data_dir.join(KEY_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(text.trim().to_owned()))
}

/// The SQLite file the configuration points at, or `None` for PostgreSQL.
fn sqlite_file(config: &Config) -> Option<PathBuf> {
    if config.uses_default_sqlite() {
        return Some(config.data_dir.join(DB_FILE));
    }
    let url = config.effective_database_url();
    let rest = url.expose_secret().strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//").split('?').next()?;
    Some(PathBuf::from(path))
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(f, "{text}")?;
    f.sync_all()?;
    Ok(())
}

fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    Ok(!dir.exists() || std::fs::read_dir(dir)?.next().is_none())
}

pub async fn backup(config: &Config, args: &BackupArgs) -> anyhow::Result<()> {
    if sqlite_file(config).is_none() {
        eprintln!("{POSTGRES_PROCEDURE}");
        bail!("the database is PostgreSQL: use pg_dump as shown above");
    }
    if !is_empty_dir(&args.out)? {
        bail!("{} is not empty; give a new directory", args.out.display());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let store = super::open_store(config).await?;
    let key = configured_key(config)?.context("no identity key is configured")?;
    let started = jiff::Timestamp::now();
    let copied = store.backup_sqlite_into(&args.out.join(DB_FILE)).await;
    let schema_version = store.schema_version().await;
    store.close().await;
    copied.context("the copy of the database failed")?;
    write_private(&args.out.join(KEY_FILE), &key)?;
    let manifest = Manifest {
        format: 1,
        database: "sqlite".into(),
        schema_version: schema_version?,
        key_fingerprint: key_fingerprint(&key)?,
        created_at: started.to_string(),
        tuquan_version: env!("CARGO_PKG_VERSION").into(),
    };
    std::fs::write(
        args.out.join(MANIFEST),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    println!(
        "backup written to {}: schema version {}, identity key {}, taken at {}",
        args.out.display(),
        manifest.schema_version,
        &manifest.key_fingerprint[..16],
        manifest.created_at
    );
    Ok(())
}

pub async fn restore(config: &Config, args: &RestoreArgs) -> anyhow::Result<()> {
    let Some(target) = sqlite_file(config) else {
        eprintln!("{POSTGRES_PROCEDURE}");
        bail!("the database is PostgreSQL: use pg_restore as shown above");
    };
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(args.from.join(MANIFEST))
            .with_context(|| format!("{} is not a tuquan backup", args.from.display()))?,
    )
    .context("the backup's manifest")?;
    let backup_key = std::fs::read_to_string(args.from.join(KEY_FILE))
        .context("the backup's identity key")?
        .trim()
        .to_owned();
    if key_fingerprint(&backup_key)? != manifest.key_fingerprint {
        bail!("the backup's identity key does not match its manifest");
    }
    let configured = configured_key(config)?;
    if let Some(k) = &configured {
        if key_fingerprint(k)? != manifest.key_fingerprint && !args.ignore_key_mismatch {
            bail!(
                "the configured identity key is not the backup's (fingerprint {}…): its \
                 identity numbers would not decrypt. Configure the backup's key \
                 ({}), or pass --ignore-key-mismatch",
                &manifest.key_fingerprint[..16],
                args.from.join(KEY_FILE).display()
            );
        }
    }
    if std::fs::metadata(&target).is_ok_and(|m| m.len() > 0) && !args.force {
        bail!(
            "{} already holds a database; stop the server and pass --force to replace it",
            target.display()
        );
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Copy beside the target, then rename: the target is never half written.
    let tmp = target.with_extension("db.restoring");
    let _ = std::fs::remove_file(&tmp);
    std::fs::copy(args.from.join(DB_FILE), &tmp).context("cannot copy the database")?;
    std::fs::File::open(&tmp)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&tmp, &target)?;
    if configured.is_none() {
        write_private(&config.data_dir.join(KEY_FILE), &backup_key)?;
    }
    let store = super::open_store(config).await?;
    let integrity = store.sqlite_integrity().await;
    let version = store.schema_version().await;
    store.close().await;
    let integrity = integrity?;
    if integrity != "ok" {
        bail!("the restored database failed its integrity check: {integrity}");
    }
    println!(
        "restored {} (taken {}, schema version {} now {}) into {}",
        args.from.display(),
        manifest.created_at,
        manifest.schema_version,
        version?,
        target.display()
    );
    Ok(())
}
