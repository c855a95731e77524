//! Bulk loading, for synthetic data sets and benchmarks: rows the caller has fully formed
//! (same columns and encodings as the product's own inserts, explicit ids), written as fast
//! as each engine allows, plus the "raw" baseline the benchmark compares it with.
//!
//! - **SQLite**: one dedicated connection with foreign-key checks off (the caller guarantees
//!   integrity), `synchronous=OFF`, a 1 GiB page cache and big transactions of multi-row
//!   `INSERT … VALUES (…), (…)` statements of up to 32,000 bound values each (prepared once
//!   per shape and cached). The connection is closed afterwards, so the pool never sees the
//!   changed settings.
//! - **PostgreSQL**: `COPY … FROM STDIN` (text format) on one connection, with
//!   `synchronous_commit=off` and, when the role may, `session_replication_role=replica`
//!   so that foreign-key triggers do not fire for each row; identity sequences are moved past
//!   the loaded ids at the end.
//!
//! Nothing here writes the audit log row by row: the loader records one `synthetic.seed`
//! entry for the whole load (see [`Store::record_bulk_load`]).

use serde_json::Value as Json;
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{with_pool, Store, StoreError};

/// One value of a row, typed so that PostgreSQL gets a typed NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(bool),
    Text(Option<String>),
    /// A constant string (kinds, statuses), without an allocation per row.
    Static(&'static str),
    /// A string many rows share (a unit code, a time stamp): one allocation for all.
    Shared(std::sync::Arc<str>),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}
impl From<&'static str> for Value {
    fn from(v: &'static str) -> Self {
        Self::Static(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Self::Blob(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Self::Real(v)
    }
}

/// Rows for one table, flattened: `values.len()` is a multiple of `columns.len()`.
#[derive(Debug, Clone)]
pub struct Rows {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub values: Vec<Value>,
}

impl Rows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            values: Vec::new(),
        }
    }

    /// Appends one row; panics (a programming error) if the width is wrong.
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>) {
        let before = self.values.len();
        self.values.extend(row);
        assert_eq!(
            self.values.len() - before,
            self.columns.len(),
            "a row of {} has {} columns",
            self.table,
            self.columns.len()
        );
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len().max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// SQLite's limit on bound values in one statement (3.32 and later).
const SQLITE_MAX_VARS: usize = 32_000;
/// How many rows one multi-row statement carries at most.
const SQLITE_MAX_ROWS: usize = 2_000;

/// `INSERT INTO t (…) VALUES (…), …` for `rows` rows; PostgreSQL numbers its placeholders
/// (and overrides the identity columns), SQLite takes plain `?`.
fn insert_sql(table: &str, columns: &[&str], rows: usize, postgres: bool) -> String {
    let n = columns.len();
    let mut sql = format!("INSERT INTO {table} ({})", columns.join(", "));
    if postgres {
        sql.push_str(" OVERRIDING SYSTEM VALUE");
    }
    sql.push_str(" VALUES ");
    let mut k = 1;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..n {
            if c > 0 {
                sql.push_str(", ");
            }
            if postgres {
                sql.push('$');
                sql.push_str(&k.to_string());
                k += 1;
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// Binds a value by reference (the rows outlive the statement): no copy on our side.
macro_rules! bind_value {
    ($q:expr, $v:expr) => {
        match $v {
            Value::Int(v) => $q.bind(*v),
            Value::Real(v) => $q.bind(*v),
            Value::Bool(v) => $q.bind(*v),
            Value::Text(v) => $q.bind(v.as_deref()),
            Value::Static(v) => $q.bind(*v),
            Value::Shared(v) => $q.bind(&**v),
            Value::Blob(v) => $q.bind(v.as_slice()),
        }
    };
}

/// Appends one value in PostgreSQL's COPY text format.
fn copy_text(out: &mut Vec<u8>, v: &Value) {
    fn text(out: &mut Vec<u8>, s: &str) {
        for b in s.bytes() {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match v {
        Value::Int(None) | Value::Real(None) | Value::Text(None) => out.extend_from_slice(b"\\N"),
        Value::Int(Some(i)) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Real(Some(f)) => out.extend_from_slice(f.to_string().as_bytes()),
        Value::Bool(b) => out.push(if *b { b't' } else { b'f' }),
        Value::Text(Some(s)) => text(out, s),
        Value::Static(s) => text(out, s),
        Value::Shared(s) => text(out, s),
        Value::Blob(bytes) => {
            // bytea hex input, its backslash escaped for the COPY text format.
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            }
        }
    }
}

/// Encodes rows as COPY text; can run on any thread.
pub fn encode_copy(rows: &Rows) -> Vec<u8> {
    let n = rows.columns.len();
    let mut out = Vec::with_capacity(rows.values.len() * 12);
    for row in rows.values.chunks(n) {
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            copy_text(&mut out, v);
        }
        out.push(b'\n');
    }
    out
}

/// Rows ready for the writer: as they are (SQLite binds them) or already COPY-encoded.
#[derive(Debug)]
pub enum Prepared {
    Rows(Rows),
    Copy {
        table: &'static str,
        columns: &'static [&'static str],
        rows: usize,
        data: Vec<u8>,
    },
}

impl Prepared {
    pub fn rows(&self) -> usize {
        match self {
            Self::Rows(r) => r.len(),
            Self::Copy { rows, .. } => *rows,
        }
    }
}

enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// One bulk load in progress on its own connection. Call [`BulkLoad::finish`] at the end.
pub struct BulkLoad {
    conn: Conn,
    /// Tables written (and whether they have an `id`), for sequences and statistics.
    tables: Vec<(&'static str, bool)>,
    in_tx: bool,
    restore_synchronous: &'static str,
    /// SQLite: the journal was switched off for the load (WAL comes back at the end).
    journal_off: bool,
}

impl Store {
    /// Starts a bulk load on a dedicated connection (see the module comment).
    pub async fn bulk_load(&self) -> Result<BulkLoad, StoreError> {
        let mut journal_off = false;
        let conn = match &self.db {
            crate::Db::Sqlite(p) => {
                let mut c = p.acquire().await?;
                for pragma in [
                    "PRAGMA foreign_keys = OFF",
                    "PRAGMA synchronous = OFF",
                    "PRAGMA cache_size = -4194304",
                    "PRAGMA temp_store = MEMORY",
                ] {
                    sqlx::query(pragma).execute(&mut *c).await?;
                }
                // Without a journal every page is written once instead of to the WAL and
                // then to the file. SQLite refuses while other connections are open (open
                // the store with one connection for a load); the load then goes through the
                // WAL. A crash in the middle leaves a broken database: loads go into fresh
                // databases.
                let mode: String = sqlx::query_scalar("PRAGMA journal_mode = OFF")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap_or_else(|e| format!("wal ({e})"));
                journal_off = mode.eq_ignore_ascii_case("off");
                tracing::info!(journal = %mode, "bulk load");
                Conn::Sqlite(c)
            }
            crate::Db::Postgres(p) => {
                let mut c = p.acquire().await?;
                sqlx::query("SET synchronous_commit = off")
                    .execute(&mut *c)
                    .await?;
                // Needs a superuser; without it the foreign keys are checked row by row.
                if let Err(e) = sqlx::query("SET session_replication_role = replica")
                    .execute(&mut *c)
                    .await
                {
                    tracing::info!(error = %e, "foreign keys stay checked during the bulk load");
                }
                Conn::Postgres(c)
            }
        };
        Ok(BulkLoad {
            conn,
            tables: Vec::new(),
            in_tx: false,
            restore_synchronous: "FULL",
            journal_off,
        })
    }

    /// The largest id in `table` (0 when empty): the loader numbers new rows after it.
    pub async fn max_id(&self, table: &str) -> Result<i64, StoreError> {
        let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
        let v: i64 = with_pool!(self, p => sqlx::query_scalar(&sql).fetch_one(p).await?);
        Ok(v)
    }

    /// Counts the rows of a table.
    pub async fn count_rows(&self, table: &str) -> Result<i64, StoreError> {
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
        let v: i64 = with_pool!(self, p => sqlx::query_scalar(&sql).fetch_one(p).await?);
        Ok(v)
    }

    /// Bytes the database takes: the SQLite file (pages in use plus the WAL not yet
    /// checkpointed) or `pg_database_size` of the current PostgreSQL database.
    pub async fn database_bytes(&self) -> Result<i64, StoreError> {
        match &self.db {
            crate::Db::Sqlite(p) => {
                let mut c = p.acquire().await?;
                // Fold the WAL back so the size is the database's, not its recent history.
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&mut *c)
                    .await?;
                let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                    .fetch_one(&mut *c)
                    .await?;
                let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
                    .fetch_one(&mut *c)
                    .await?;
                let size: i64 = sqlx::query_scalar("PRAGMA page_size")
                    .fetch_one(&mut *c)
                    .await?;
                Ok((pages - free) * size)
            }
            crate::Db::Postgres(p) => {
                let v: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(p)
                    .await?;
                Ok(v)
            }
        }
    }

    /// Records a finished bulk load in the audit log (one row for the whole load).
    pub async fn record_bulk_load(
        &self,
        name: &str,
        summary: &Json,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: "synthetic.seed",
            target_type: "dataset",
            target_id: name.to_owned(),
            unit_path: None,
            before: None,
            after: Some(summary.clone()),
        };
        with_pool!(self, p => { insert_audit!(p, ctx, &entry)?; });
        Ok(())
    }

    /// The summary of the last bulk load recorded with [`Store::record_bulk_load`].
    pub async fn last_bulk_load(&self) -> Result<Option<(String, Json)>, StoreError> {
        let row: Option<(String, Option<String>)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT target_id, after_json FROM audit_log WHERE action = 'synthetic.seed' \
                 ORDER BY id DESC LIMIT 1",
            )
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(name, j)| {
            let v = j
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or(Json::Null);
            (name, v)
        }))
    }

    /// The benchmark's baseline: the same rows inserted one by one with a prepared
    /// single-row `INSERT` in one transaction, through the pool as the product opens it.
    /// Returns how many rows were inserted.
    pub async fn raw_insert_loop(&self, rows: Vec<Rows>) -> Result<u64, StoreError> {
        let mut n = 0u64;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for t in &rows {
                let postgres = self.backend() == crate::Backend::Postgres;
                let sql = insert_sql(t.table, t.columns, 1, postgres);
                for row in t.values.chunks(t.columns.len()) {
                    let mut q = sqlx::query(&sql);
                    for v in row {
                        q = bind_value!(q, v);
                    }
                    q.execute(&mut *tx).await?;
                    n += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(n)
    }

    /// Moves PostgreSQL identity sequences past the largest id (after rows were inserted
    /// with explicit ids); nothing to do on SQLite.
    pub async fn sync_id_sequences(&self, tables: &[&str]) -> Result<(), StoreError> {
        if let crate::Db::Postgres(p) = &self.db {
            for t in tables {
                sync_sequence(p, t).await?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// The commune of `province` with the most households (the benchmark's commune report).
    pub async fn largest_commune_in(&self, province: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT u.parent_code, CAST(COUNT(*) AS BIGINT) FROM households h \
                 JOIN units u ON u.code = h.unit_code WHERE h.province_code = $1 \
                 GROUP BY u.parent_code ORDER BY 2 DESC, 1 LIMIT 1",
            )
            .bind(province)
            .fetch_optional(p)
            .await?
        });
        Ok(row.and_then(|r| r.0))
    }

    /// Codes of current residential units of a province, in code order.
    pub async fn residential_unit_codes(&self, province: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT code FROM units WHERE province_code = $1 AND level >= 3 \
                 AND valid_to IS NULL ORDER BY code",
            )
            .bind(province)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }
}

/// Runs `sql` (with the target database's name) on the server's `postgres` database.
// After the macros above, which these use.
mod load;
mod pgdb;

use pgdb::sync_sequence;
pub use pgdb::{drop_pg_database, ensure_pg_database, recreate_pg_database};

#[cfg(test)]
mod tests;
