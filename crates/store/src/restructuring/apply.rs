//! Applying a restructuring plan in one transaction (docs/restructuring.md, "Applying").
//!
//! The application layer checks the plan against the tree (`tuquan_domain::restructuring::
//! validate`) and hands over an [`ApplyScript`]: per step the event, the units opened, closed
//! or renamed, the households moved, and which unit inherits what each closed unit leaves
//! (groups, grants, open feedback). This module turns the script into set-based statements
//! (`apply_sql`) and runs them in one transaction — every effect or none — then commits, or
//! rolls back for a dry run, which so reports exactly what the real run would do.

use tuquan_domain::restructuring::scheme::SchemeId;
use tuquan_domain::restructuring::EventKind;
use tuquan_domain::territory::UnitKind;

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::rollup::SKIP_POPULATION;
use crate::BeginWrite;
use crate::{now, subtree, with_pool, Backend, Store, StoreError};

use super::apply_sql::{self, Counter, Expect, Stmt, Val};

/// A unit the plan opens, fully formed.
#[derive(Debug, Clone)]
pub struct NewUnitRow {
    pub code: String,
    pub parent_code: String,
    pub path: String,
    pub level: i64,
    pub kind: UnitKind,
    pub name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
}

/// A new name and kind for a unit that stays.
#[derive(Debug, Clone)]
pub struct RenameRow {
    pub code: String,
    pub name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
    pub kind: UnitKind,
}

/// Households that change unit.
#[derive(Debug, Clone)]
pub enum Move {
    /// Every active household of `from`.
    Whole { from: String, to: String },
    /// These households of `from` (each must still be an active household there).
    Listed {
        from: String,
        to: String,
        households: Vec<i64>,
    },
}

/// Who takes over what a closed unit leaves: its open feedback, and (when `keep_grants`, the
/// unit's head keeping the post there) the accounts' grants on it.
#[derive(Debug, Clone)]
pub struct Heir {
    pub closed: String,
    pub to: String,
    pub keep_grants: bool,
}

/// One step: one history event.
#[derive(Debug, Clone)]
pub struct ScriptStep {
    pub kind: EventKind,
    pub note: String,
    pub new_units: Vec<NewUnitRow>,
    /// Units the step closes.
    pub predecessors: Vec<String>,
    /// Units that give households and stay open.
    pub contributors: Vec<String>,
    /// Units that take households in and stay open.
    pub receivers: Vec<String>,
    /// Units the step opens or continues (new units, the renamed unit).
    pub successors: Vec<String>,
    pub rename: Option<RenameRow>,
    pub moves: Vec<Move>,
    pub heirs: Vec<Heir>,
}

/// What becomes of a group (explicitly; a group of a closed unit not named is dissolved).
#[derive(Debug, Clone)]
pub enum GroupOp {
    CarryOver { group: i64, to: String },
    Merge { groups: Vec<i64>, into: i64 },
    Dissolve { group: i64 },
}

/// Everything the transaction does.
#[derive(Debug, Clone)]
pub struct ApplyScript {
    pub province_code: String,
    pub commune_code: String,
    pub commune_path: String,
    pub effective_on: String,
    pub basis_number: String,
    pub basis_date: String,
    pub basis_signer: String,
    pub basis_file_id: Option<i64>,
    pub scheme_id: Option<SchemeId>,
    pub steps: Vec<ScriptStep>,
    pub groups: Vec<GroupOp>,
    /// The notice to an account whose grant ends (`{unit}`: the unit's name).
    pub grant_notice: String,
}

/// What the transaction did (or, rolled back, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    /// The event of each step (ids a dry run would have used).
    pub events: Vec<i64>,
    pub households_moved: u64,
    pub residents_moved: u64,
    pub groups_carried: u64,
    pub groups_merged: u64,
    pub groups_dissolved: u64,
    /// Coverage rows of staying groups moved from a closed unit to its successors.
    pub groups_coverage: u64,
    pub positions_ended: u64,
    pub thanked: u64,
    pub grants_moved: u64,
    pub grants_ended: u64,
    pub feedback_rerouted: u64,
    pub regulations_marked: u64,
}

impl ApplyCounts {
    fn add(&mut self, c: Counter, n: u64) {
        let slot = match c {
            Counter::Households => &mut self.households_moved,
            Counter::Residents => &mut self.residents_moved,
            Counter::GroupsCarried => &mut self.groups_carried,
            Counter::GroupsMerged => &mut self.groups_merged,
            Counter::GroupsDissolved => &mut self.groups_dissolved,
            Counter::GroupsCoverage => &mut self.groups_coverage,
            Counter::PositionsEnded => &mut self.positions_ended,
            Counter::Thanked => &mut self.thanked,
            Counter::GrantsMoved => &mut self.grants_moved,
            Counter::GrantsEnded => &mut self.grants_ended,
            Counter::Feedback => &mut self.feedback_rerouted,
            Counter::Regulations => &mut self.regulations_marked,
        };
        *slot += n;
    }
}

/// The population of every unit below the commune, recounted (the commune's own total and
/// its ancestors' do not change: households move within the commune).
const RECOUNT_DELETE: &str = "DELETE FROM population_rollup WHERE unit_code IN \
     (SELECT code FROM units WHERE path >= $1 AND path < $2)";
const RECOUNT_INSERT: &str = "INSERT INTO population_rollup (unit_code, households, residents) \
     SELECT a.ancestor_code, SUM(l.h), SUM(l.r) FROM ( \
       SELECT h.unit_code, COUNT(*) AS h, 0 AS r FROM households h JOIN units u ON u.code = h.unit_code \
       WHERE u.path >= $1 AND u.path < $2 AND h.status = 'active' GROUP BY h.unit_code \
       UNION ALL \
       SELECT x.unit_code, 0 AS h, COUNT(*) AS r FROM residents x JOIN units u ON u.code = x.unit_code \
       WHERE u.path >= $1 AND u.path < $2 AND x.status = 'active' GROUP BY x.unit_code \
     ) l JOIN unit_ancestors a ON a.unit_code = l.unit_code \
     JOIN units au ON au.code = a.ancestor_code \
     WHERE au.path >= $1 AND au.path < $2 GROUP BY 1";

/// Runs the statements on a transaction's connection, resolving event placeholders and
/// checking the rows each statement must touch.
macro_rules! run_statements {
    ($tx:expr, $stmts:expr, $counts:expr) => {{
        let counts: &mut ApplyCounts = $counts;
        for s in $stmts {
            let s: &Stmt = s;
            macro_rules! bound {
                ($q:expr) => {{
                    let mut q = $q;
                    for v in &s.args {
                        q = match v {
                            Val::Text(t) => q.bind(t.clone()),
                            Val::OptText(t) => q.bind(t.clone()),
                            Val::Int(i) => q.bind(*i),
                            Val::OptInt(i) => q.bind(*i),
                            Val::Bytes(b) => q.bind(b.clone()),
                            Val::Event(i) => q.bind(counts.events[*i]),
                            Val::EventText(i) => q.bind(counts.events[*i].to_string()),
                        };
                    }
                    q
                }};
            }
            if s.returns_event {
                let id: i64 = bound!(sqlx::query_scalar(&s.sql))
                    .fetch_one(&mut *$tx)
                    .await?;
                counts.events.push(id);
                continue;
            }
            let n = bound!(sqlx::query(&s.sql))
                .execute(&mut *$tx)
                .await
                .map_err(StoreError::conflict_on(s.conflict_field))?
                .rows_affected();
            if let Expect::Rows(want) = s.expect {
                if n != want {
                    return Err(StoreError::Conflict {
                        field: s.conflict_field,
                    });
                }
            }
            if let Some(c) = s.counter {
                counts.add(c, n);
            }
        }
    }};
}

impl Store {
    /// Applies the script in one transaction (rolled back when `dry_run`): every effect or
    /// none. A unit or household that changed since the plan was checked is a
    /// [`StoreError::Conflict`] and nothing is written.
    pub async fn apply_restructuring(
        &self,
        script: &ApplyScript,
        dry_run: bool,
        ctx: &AuditCtx,
    ) -> Result<ApplyCounts, StoreError> {
        let ts = now();
        let stmts = apply_sql::statements(script, ctx, &ts);
        let mut counts = ApplyCounts::default();
        let pg = self.backend() == Backend::Postgres;
        let (lo, hi) = subtree(&script.commune_path);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // PostgreSQL: the deferred per-row population triggers would update the same
            // ancestor rows once per moved household and resident in one transaction (a chain
            // of row versions that grows quadratically). A transaction-local setting tells
            // them to do nothing in this transaction only (no table lock: other communes'
            // readers and writers do not wait, and the triggers still fire at commit, where
            // the setting holds too), and the commune's units are recounted at the end.
            let skip = pg
                && sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM pg_trigger WHERE tgname IN ('rollup_households', 'rollup_residents')",
                )
                .fetch_one(&mut *tx)
                .await?
                    == 2;
            if skip {
                sqlx::query("SELECT set_config($1, 'on', true)")
                    .bind(SKIP_POPULATION)
                    .execute(&mut *tx)
                    .await?;
            }
            run_statements!(tx, &stmts, &mut counts);
            if skip {
                for sql in [RECOUNT_DELETE, RECOUNT_INSERT] {
                    sqlx::query(sql).bind(&lo).bind(&hi).execute(&mut *tx).await?;
                }
            }
            for (i, step) in script.steps.iter().enumerate() {
                let entry = AuditEntry {
                    action: "restructuring.apply",
                    target_type: "unit_event",
                    target_id: counts.events[i].to_string(),
                    unit_path: Some(script.commune_path.clone()),
                    before: None,
                    after: Some(serde_json::json!({
                        "kind": step.kind.as_str(),
                        "effective_on": script.effective_on,
                        "basis_number": script.basis_number,
                        "predecessors": step.predecessors,
                        "successors": step.successors,
                        "receivers": step.receivers,
                        "contributors": step.contributors,
                        "scheme_id": script.scheme_id,
                    })),
                };
                insert_audit!(&mut *tx, ctx, &entry)?;
            }
            if dry_run {
                tx.rollback().await?;
            } else {
                // The scheme the plan comes from is applied with it, in the same transaction.
                if let Some(scheme) = script.scheme_id {
                    sqlx::query(
                        "UPDATE restructuring_schemes SET status = 'applied', applied_at = $1, \
                         updated_at = $1 WHERE id = $2 AND status = 'approved'",
                    )
                    .bind(&ts)
                    .bind(scheme.get())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
        });
        Ok(counts)
    }
}
