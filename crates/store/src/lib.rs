//! Persistence for Tự Quản on SQLite (the embedded default) or PostgreSQL, through sqlx.
//!
//! One SQL text serves both backends wherever the dialects agree (sqlx accepts `$1`
//! placeholders on both); each query is written once and run on whichever pool is open by
//! the [`with_pool!`] macro. Where the dialects differ, the difference is a small function
//! here or a separate migration folder.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub mod action_items;
pub mod announcements;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod consultations;
pub mod erased;
mod erased_text;
mod error;
pub mod feedback;
pub mod files;
pub mod groups;
pub mod households;
pub mod identity;
mod ids;
pub mod import;
pub mod meetings;
pub mod outbox;
pub mod residents;
pub mod restructuring;
pub mod rollup;
pub mod sessions;
pub mod territory;
pub mod users;
pub mod votes;

pub use error::StoreError;

/// The territory file shipped with the product: 34 provinces and 3,321 communes (2025).
pub const SHIPPED_DIVISIONS: &[u8] = include_bytes!("../seed/vn-divisions-2025.json");

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// Picks the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Config(
                "the database URL must start with sqlite:// or postgres://".into(),
            ))
        }
    }
}

/// How to open the store.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    /// SQLite only: `FULL` makes a commit durable on power loss, not just on a process crash.
    pub sqlite_synchronous_full: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            sqlite_synchronous_full: true,
        }
    }
}

#[derive(Clone, Debug)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs one expression over whichever pool the store holds. The expression is written
/// once; it is compiled once per backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// How every transaction that writes begins (`p.begin_write()` on the pool `with_pool!`
/// gives). On SQLite it is `BEGIN IMMEDIATE`, which takes the write lock at the start: a
/// plain (deferred) `BEGIN` that reads first is refused at its first write
/// (`SQLITE_BUSY_SNAPSHOT`, "database is locked", no busy wait) when another writer commits
/// in between, whereas `IMMEDIATE` waits its turn (`busy_timeout`) at the `BEGIN`. On
/// PostgreSQL it is a plain `BEGIN`: row locks already let a read-then-write transaction
/// proceed.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    // The one place a plain BEGIN is right (clippy.toml disallows it elsewhere).
    #[allow(clippy::disallowed_methods)]
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// The half-open range of paths strictly below `path`: `path/` ≤ p < `path0` (`'0'` follows
/// `'/'`), so a subtree is one range scan on the path index.
pub(crate) fn subtree(path: &str) -> (String, String) {
    (format!("{path}/"), format!("{path}0"))
}

/// A list's optional scope as `(path, lo, hi)` for `($1 = '' OR path = $1 OR path >= $2 AND
/// path < $3)`: blanks for no scope (everything).
pub(crate) fn scope_range(scope: Option<&str>) -> (String, String, String) {
    match scope {
        Some(p) => {
            let (lo, hi) = subtree(p);
            (p.to_owned(), lo, hi)
        }
        None => (String::new(), String::new(), String::new()),
    }
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    identity: Option<identity::IdentityKey>,
    /// SQLite: the group-commit queue of new feedback (see `feedback::batch`).
    feedback_batch: feedback::batch::Batcher,
}

impl Store {
    /// Opens the database at `url` (creating a SQLite file if needed). Does not migrate.
    pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Self, StoreError> {
        let db = match Backend::from_url(url)? {
            Backend::Sqlite => {
                let synchronous = if opts.sqlite_synchronous_full {
                    SqliteSynchronous::Full
                } else {
                    SqliteSynchronous::Normal
                };
                let conn = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .synchronous(synchronous)
                    .busy_timeout(Duration::from_secs(10))
                    // 4 MiB of page cache per connection instead of 2 (8 connections stay
                    // within the server's memory budget; docs/benchmarks.md).
                    .pragma("cache_size", "-4096");
                let pool = SqlitePoolOptions::new()
                    .max_connections(opts.max_connections.max(1))
                    .connect_with(conn)
                    .await?;
                Db::Sqlite(pool)
            }
            Backend::Postgres => {
                let conn = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_connections.max(1))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(conn)
                    .await?;
                Db::Postgres(pool)
            }
        };
        Ok(Self {
            db,
            identity: None,
            feedback_batch: Default::default(),
        })
    }

    /// Sets the key that encrypts identity numbers; without one they cannot be stored.
    pub fn with_identity_key(mut self, key: identity::IdentityKey) -> Self {
        self.identity = Some(key);
        self
    }

    pub(crate) fn identity_key(&self) -> Result<&identity::IdentityKey, StoreError> {
        self.identity
            .as_ref()
            .ok_or_else(|| StoreError::Config("no identity_key is configured".into()))
    }

    /// A keyed hash of `text` for `purpose` under the configured identity key (stable across
    /// restarts and nodes), or `None` when no key is configured.
    pub fn keyed_hash(&self, purpose: &str, text: &str) -> Option<String> {
        self.identity
            .as_ref()
            .map(|k| k.blind_index(&format!("{purpose}\0{text}")))
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations embedded in the binary; returns how many were new.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let before = self.schema_version().await.unwrap_or(0);
        match &self.db {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        let migrator = match self.db {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        // The statistics roll-ups' triggers are versioned apart from the migrations.
        self.ensure_rollups().await?;
        Ok(migrator.iter().filter(|m| m.version > before).count())
    }

    /// The version of the newest applied migration.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(p)
                .await?
        });
        Ok(v.unwrap_or(0))
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, p => { sqlx::query("SELECT 1").execute(p).await?; });
        Ok(())
    }

    /// Waits for in-flight queries and closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await);
    }
}

/// The current time as stored: RFC 3339 in UTC with exactly six fractional digits, so that
/// stored times compare correctly as text on both backends.
pub fn now() -> String {
    stamp(jiff::Timestamp::now())
}

/// Formats an instant the way the store keeps it.
pub fn stamp(ts: jiff::Timestamp) -> String {
    format!(
        "{}.{:06}Z",
        ts.strftime("%Y-%m-%dT%H:%M:%S"),
        ts.subsec_microsecond()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn stamps_are_fixed_width_and_sort_as_text() {
        let a = super::stamp("2026-11-21T08:00:00Z".parse().unwrap());
        let b = super::stamp("2026-11-21T08:00:00.5Z".parse().unwrap());
        assert_eq!(a, "2026-11-21T08:00:00.000000Z");
        assert_eq!(b, "2026-11-21T08:00:00.500000Z");
        assert!(a < b);
    }
}
