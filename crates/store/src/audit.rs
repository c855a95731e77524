//! The audit log: append-only, written in the same transaction as the change it records.

use serde_json::Value;

use crate::BeginWrite;
use crate::{with_pool, Store, StoreError};

/// Who acted and from where; carried from the request (or the command line) to the store.
#[derive(Debug, Clone, Default)]
pub struct AuditCtx {
    pub actor_user_id: Option<tuquan_domain::UserId>,
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

impl AuditEntry {
    /// An entry about one record (`target_type` `target_id`), filed under the unit at
    /// `unit_path` so that unit's officials see it in their log.
    pub(crate) fn about(
        action: &'static str,
        target: (&'static str, String),
        unit_path: &str,
        before: Option<Value>,
        after: Value,
    ) -> Self {
        Self {
            action,
            target_type: target.0,
            target_id: target.1,
            unit_path: Some(unit_path.to_owned()),
            before,
            after: Some(after),
        }
    }
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
        .bind(ctx.actor_user_id.map(tuquan_domain::UserId::get))
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

/// One transaction that ends with its audit row, on either backend: the body runs on `tx`
/// (a transaction's connection is `&mut *tx`), then the audit row is written and the
/// transaction committed, and the body's value is the macro's. A `?` or `return Err(..)` in
/// the body rolls everything back. Two forms:
/// - `audited_tx!(self, ctx, &entry, tx => { ..; value })` when the entry is known before;
/// - `audited_tx!(self, ctx, tx => { ..; (value, entry) })` when it depends on the body
///   (a new id, a count).
///
/// Transactions that write several audit rows, or none on some paths, keep the explicit
/// `with_pool!` / [`insert_audit!`] / `commit` shape.
macro_rules! audited_tx {
    ($store:expr, $ctx:expr, $entry:expr, $tx:ident => $body:block) => {
        $crate::with_pool!($store, p => {
            let mut $tx = $crate::BeginWrite::begin_write(p).await?;
            let value = $body;
            $crate::audit::insert_audit!(&mut *$tx, $ctx, $entry)?;
            $tx.commit().await?;
            value
        })
    };
    ($store:expr, $ctx:expr, $tx:ident => $body:block) => {
        $crate::with_pool!($store, p => {
            let mut $tx = $crate::BeginWrite::begin_write(p).await?;
            let (value, entry) = $body;
            $crate::audit::insert_audit!(&mut *$tx, $ctx, &entry)?;
            $tx.commit().await?;
            value
        })
    };
}
pub(crate) use audited_tx;

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
            let mut tx = p.begin_write().await?;
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
            let mut tx = p.begin_write().await?;
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
    /// The acting account's display name now (`None` for system actors).
    pub actor_name: Option<String>,
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
    /// Rows by this username (lower case) or by the account with this display name.
    pub actor: String,
    /// Changes, reads of personal data, or both.
    pub kind: AuditKind,
    /// Rows at or after this UTC stamp prefix (`YYYY-MM-DDTHH:MM:SS`); blank: no bound.
    pub from: String,
    /// Rows before this UTC stamp prefix; blank: no bound.
    pub to: String,
    /// Rows with this request id.
    pub request_id: String,
    /// Rows older than this id (the cursor of the previous page).
    pub before_id: Option<i64>,
}

/// Which rows: changes (the default of the page), reads of personal data, or all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuditKind {
    #[default]
    All,
    Changes,
    Reads,
}

impl AuditKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "all" => Some(Self::All),
            "changes" => Some(Self::Changes),
            "reads" => Some(Self::Reads),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Changes => "changes",
            Self::Reads => "reads",
        }
    }
}

/// Whether an action records a read (a view, a print, an export) rather than a change;
/// the same test as [`READ_SQL`].
pub fn is_read(action: &str) -> bool {
    action.ends_with("viewed")
        || action.ends_with("printed")
        || action.ends_with("exported")
        || action.ends_with(".export")
}

/// Reads of personal data are written by `Ctx::audit_read` with actions named
/// `….viewed`, `…_viewed`, `…_printed`, `….exported` or `….export`.
const READ_SQL: &str = "(a.action LIKE '%viewed' OR a.action LIKE '%printed' \
    OR a.action LIKE '%exported' OR a.action LIKE '%.export')";

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
        let kind = match filter.kind {
            AuditKind::All => String::new(),
            AuditKind::Changes => format!("AND NOT {READ_SQL}"),
            AuditKind::Reads => format!("AND {READ_SQL}"),
        };
        let sql = format!(
            "SELECT a.id, a.at, a.actor_user_id, a.actor_username, u.display_name AS actor_name, \
             a.action, a.target_type, a.target_id, a.unit_path, a.before_json, a.after_json, \
             a.request_id, a.client_addr FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
             WHERE ($1 = '' OR a.unit_path = $1 OR (a.unit_path >= $2 AND a.unit_path < $3)) \
             AND ($4 = '' OR a.action LIKE $5 ESCAPE '\\') \
             AND ($6 = '' OR a.actor_username = $6 OR u.display_name = $7) \
             AND ($8 = '' OR a.request_id = $8) \
             AND ($9 IS NULL OR a.id < $9) \
             AND ($10 = '' OR a.at >= $10) AND ($11 = '' OR a.at < $11) {kind} \
             ORDER BY a.id DESC LIMIT $12"
        );
        let mut rows: Vec<AuditRow> = with_pool!(self, p => {
            sqlx::query_as(&sql)
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
            .bind(filter.actor.to_lowercase())
            .bind(tuquan_domain::text::clean(&filter.actor))
            .bind(&filter.request_id)
            .bind(filter.before_id)
            .bind(&filter.from)
            .bind(&filter.to)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        // The log is never rewritten: an erased person's values are redacted as it is read.
        self.redact_erased(&mut rows).await?;
        Ok(rows)
    }

    /// The names of the units at `paths` (for showing scopes by name).
    pub async fn unit_names_by_path(
        &self,
        paths: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in paths.chunks(500) {
            if chunk.is_empty() {
                continue;
            }
            let list = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT path, name FROM units WHERE path IN ({list})");
            let found: Vec<(String, String)> = with_pool!(self, p => {
                let mut q = sqlx::query_as(&sql);
                for path in chunk {
                    q = q.bind(path);
                }
                q.fetch_all(p).await?
            });
            out.extend(found);
        }
        Ok(out)
    }
}
