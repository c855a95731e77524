//! The audit log: append-only, written in the same transaction as the change it records.

use serde_json::Value;

use crate::{with_pool, Store, StoreError};

/// Who acted and from where; carried from the request (or the command line) to the store.
#[derive(Debug, Clone, Default)]
pub struct AuditCtx {
    pub actor_user_id: Option<i64>,
    pub actor_username: Option<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl AuditCtx {
    /// Changes made from the `tuquan` command line by the operator.
    pub fn cli() -> Self {
        Self {
            actor_username: Some("cli".into()),
            ..Self::default()
        }
    }
}

/// What changed.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// e.g. `unit.create`, `user.grant_added`, `household.list_viewed`.
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    /// The unit the change belongs to, so officials see it in their subtree's log.
    pub unit_path: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Inserts one audit row on an executor (a pool or a transaction's connection).
/// A macro rather than a function so the same text serves both backends' executors.
macro_rules! insert_audit {
    ($exec:expr, $ctx:expr, $entry:expr) => {{
        let ctx: &$crate::audit::AuditCtx = $ctx;
        let entry: &$crate::audit::AuditEntry = $entry;
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor_username, action, target_type, \
             target_id, unit_path, before_json, after_json, request_id, client_addr) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind($crate::now())
        .bind(ctx.actor_user_id)
        .bind(&ctx.actor_username)
        .bind(entry.action)
        .bind(entry.target_type)
        .bind(&entry.target_id)
        .bind(&entry.unit_path)
        .bind(entry.before.as_ref().map(|v| v.to_string()))
        .bind(entry.after.as_ref().map(|v| v.to_string()))
        .bind(&ctx.request_id)
        .bind(&ctx.client_addr)
        .execute($exec)
        .await
    }};
}
pub(crate) use insert_audit;

/// A value bound to a statement run by [`Store::execute_audited`] or
/// [`Store::insert_audited`]: the same list serves both backends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    Bool(bool),
    OptInt(Option<i64>),
    Bytes(&'a [u8]),
}

/// Binds `args` in order to a query of either backend.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match *a {
                $crate::audit::Arg::Text(v) => q.bind(v),
                $crate::audit::Arg::OptText(v) => q.bind(v),
                $crate::audit::Arg::Int(v) => q.bind(v),
                $crate::audit::Arg::Bool(v) => q.bind(v),
                $crate::audit::Arg::OptInt(v) => q.bind(v),
                $crate::audit::Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

impl Store {
    /// Runs one statement and writes its audit row, in one transaction: the shape of most
    /// single-row changes. Returns the rows the statement touched; with `must_match`, none
    /// is [`StoreError::NotFound`] and nothing is written.
    pub(crate) async fn execute_audited(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        must_match: bool,
        ctx: &AuditCtx,
        entry: &AuditEntry,
    ) -> Result<u64, StoreError> {
        let n = with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = bind_args!(sqlx::query(sql), args)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if must_match && n == 0 {
                return Err(StoreError::NotFound);
            }
            insert_audit!(&mut *tx, ctx, entry)?;
            tx.commit().await?;
            n
        });
        Ok(n)
    }

    /// Runs one `INSERT … RETURNING id` and writes its audit row, in one transaction; an
    /// entry with an empty `target_id` gets the new id. Returns the new id.
    pub(crate) async fn insert_audited(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        ctx: &AuditCtx,
        mut entry: AuditEntry,
    ) -> Result<i64, StoreError> {
        let id = with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let id: i64 = bind_args!(sqlx::query_scalar(sql), args)
                .fetch_one(&mut *tx)
                .await?;
            if entry.target_id.is_empty() {
                entry.target_id = id.to_string();
            }
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }
}

/// One row of the log as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_username: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub unit_path: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

/// Filters for browsing the log. Blank fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only rows of this unit and below; `None` for the whole log (system administrators).
    pub scope_path: Option<String>,
    /// Rows whose action starts with this (e.g. `user.`).
    pub action_prefix: String,
    /// Rows by this username.
    pub actor: String,
    /// Rows with this request id.
    pub request_id: String,
    /// Rows older than this id (the cursor of the previous page).
    pub before_id: Option<i64>,
}

impl Store {
    /// Records something that is not a change, such as a read of personal data.
    pub async fn audit(&self, ctx: &AuditCtx, entry: &AuditEntry) -> Result<(), StoreError> {
        with_pool!(self, p => { insert_audit!(p, ctx, entry)?; });
        Ok(())
    }

    /// Newest first.
    pub async fn audit_rows(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let (scope, lo, hi) = crate::scope_range(filter.scope_path.as_deref());
        let rows: Vec<AuditRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, at, actor_user_id, actor_username, action, target_type, target_id, \
                 unit_path, before_json, after_json, request_id, client_addr FROM audit_log \
                 WHERE ($1 = '' OR unit_path = $1 OR (unit_path >= $2 AND unit_path < $3)) \
                 AND ($4 = '' OR action LIKE $5 ESCAPE '\\') \
                 AND ($6 = '' OR actor_username = $6) \
                 AND ($7 = '' OR request_id = $7) \
                 AND ($8 IS NULL OR id < $8) \
                 ORDER BY id DESC LIMIT $9",
            )
            .bind(&scope)
            .bind(&lo)
            .bind(&hi)
            .bind(&filter.action_prefix)
            .bind(format!(
                "{}%",
                filter
                    .action_prefix
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            ))
            .bind(&filter.actor)
            .bind(&filter.request_id)
            .bind(filter.before_id)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }
}
