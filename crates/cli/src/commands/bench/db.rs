//! The benchmark's databases: the data set's and fresh scratch ones beside it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use tuquan_store::Store;

use crate::config::Config;

/// Where a benchmark measures and how it prints, the same for `bench` and its subcommands.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchPlace {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Where the benchmark's data live, outside the repository [default:
    /// /var/tmp/tuquan-bench].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Measure on this PostgreSQL server (e.g. postgres://postgres@127.0.0.1/tuquan_bench;
    /// `bench` creates the database if missing, `bench restructure` recreates a database
    /// `<name>_restructure`) instead of a SQLite file.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

impl BenchPlace {
    /// The PostgreSQL server to measure on: the flag's, else the configuration's; `None`
    /// for SQLite.
    pub(super) fn postgres_url(&self, config: &Config) -> Option<String> {
        self.database_url
            .clone()
            .or_else(|| {
                config
                    .database_url
                    .as_ref()
                    .map(|u| u.expose_secret().to_owned())
            })
            .filter(|u| u.starts_with("postgres"))
    }

    /// The folder `name` of the benchmark's data (`name` tells presets and backends apart).
    pub(super) fn folder(&self, name: &str) -> PathBuf {
        self.dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("/var/tmp/tuquan-bench"))
            .join(name)
    }
}

/// The backend's name in folder names and figures.
pub(super) fn backend_name(pg_url: Option<&str>) -> &'static str {
    if pg_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// Replaces the database name of a PostgreSQL URL.
pub(super) fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let head = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{head}/{name}?{q}"),
        None => format!("{head}/{name}"),
    }
}

pub(super) fn database_name(url: &str) -> String {
    let base = url.split('?').next().unwrap_or(url);
    base.rsplit('/').next().unwrap_or("tuquan_bench").to_owned()
}

/// Opens a store for `url`/`data_dir` as the product would.
pub(super) async fn open(
    config: &mut Config,
    data_dir: &Path,
    url: Option<String>,
) -> anyhow::Result<Store> {
    config.data_dir = data_dir.to_path_buf();
    config.database_url = url.map(SecretString::from);
    // One connection: a SQLite load may then switch the journal off (see `bulk`).
    config.db_max_connections = 1;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    if let Some(u) = &config.database_url {
        if u.expose_secret().starts_with("postgres") {
            tuquan_store::bulk::ensure_pg_database(u.expose_secret()).await?;
        }
    }
    crate::commands::open_store(config).await
}

/// A fresh, empty database beside the data set (a new SQLite file or PostgreSQL database).
pub(super) async fn scratch(
    config: &mut Config,
    root: &Path,
    name: &str,
    pg_url: Option<&str>,
) -> anyhow::Result<Store> {
    let dir = root.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    // Same identity key as the data set's, so rows are alike.
    std::fs::copy(
        root.join("dataset").join("identity.key"),
        dir.join("identity.key"),
    )?;
    let url = match pg_url {
        Some(u) => {
            let db = format!("{}_{name}", database_name(u));
            let url = with_database(u, &db);
            tuquan_store::bulk::recreate_pg_database(&url).await?;
            Some(url)
        }
        None => None,
    };
    let store = open(config, &dir, url).await?;
    crate::commands::ensure_territory(&store).await?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_renamed() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/tuquan_bench", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "y"),
            "postgres://u@h/y?sslmode=disable"
        );
        assert_eq!(database_name("postgres://u@h/db?x=1"), "db");
    }
}
