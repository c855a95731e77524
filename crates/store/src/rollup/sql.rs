//! The SQL of the roll-ups, generated once from the domain's duration buckets so that the
//! maintenance triggers, the rebuild and the naive query count exactly the same way.
//!
//! Each feedback row contributes one set of counts to every ancestor unit of its unit, for
//! the month it was received in (Vietnam time) and for its category and `''` (all). The
//! contribution is a pure function of the row ([`row_source`]), so a change is "take away
//! the old row's counts, add the new row's" — whatever changed.

use std::fmt::Write;
use std::sync::LazyLock;

use tuquan_domain::feedback::stats::{BUCKETS, BUCKET_UPPER_SECONDS};

use crate::Backend;

/// Bump when a trigger's text changes: the store then reinstalls them and rebuilds.
pub(crate) const TRIGGER_VERSION: i64 = 2;

/// The count columns of `feedback_rollup`, in order.
pub(crate) static COLUMNS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut c: Vec<String> = [
        "received",
        "acknowledged",
        "ack_on_time",
        "resolved",
        "resolved_on_time",
        "closed",
    ]
    .map(String::from)
    .to_vec();
    c.extend((0..BUCKETS).map(|i| format!("ack_b{i}")));
    c.extend((0..BUCKETS).map(|i| format!("res_b{i}")));
    c.extend((1..=5).map(|v| format!("rated_{v}")));
    c
});

/// The states in which an item is still open. The text must match the partial index
/// `feedback_open` for the planners to use it.
pub(crate) const OPEN: &str = "status IN ('new', 'acknowledged', 'in_progress')";

/// The month of receipt, `YYYY-MM`, in Vietnam time (UTC+7, no daylight saving).
fn month(b: Backend, r: &str) -> String {
    match b {
        Backend::Sqlite => format!("strftime('%Y-%m', {r}.created_at, '+7 hours')"),
        Backend::Postgres => format!(
            "to_char(({r}.created_at)::timestamptz AT TIME ZONE 'UTC' + interval '7 hours', 'YYYY-MM')"
        ),
    }
}

/// Whole seconds from `a` to `later` (stored RFC 3339 texts).
fn seconds(b: Backend, a: &str, later: &str) -> String {
    match b {
        Backend::Sqlite => format!("(unixepoch({later}) - unixepoch({a}))"),
        Backend::Postgres => format!(
            "(floor(extract(epoch from ({later})::timestamptz)) - floor(extract(epoch from ({a})::timestamptz)))"
        ),
    }
}

/// One row's contribution: `SELECT {sign} AS s, unit_code, month, category` and the facts
/// the counts are made of, for the row named `r` (`NEW`, `OLD`, or a table alias with
/// `from` naming the table). With `overdue_at` (a placeholder), also whether it is overdue
/// at that time (for the naive query; the roll-ups count that live).
pub(crate) fn row_source(
    b: Backend,
    r: &str,
    sign: i64,
    from: &str,
    overdue_at: Option<&str>,
) -> String {
    let resolved = format!("{r}.status = 'resolved' AND {r}.resolved_at IS NOT NULL");
    let mut s = format!(
        "SELECT {sign} AS s, {r}.unit_code AS unit_code, {month} AS month, {r}.category AS category, \
         CASE WHEN {r}.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END AS ack, \
         CASE WHEN {r}.acknowledged_at IS NOT NULL AND {r}.acknowledged_at <= {r}.ack_due_at THEN 1 ELSE 0 END AS ack_ot, \
         CASE WHEN {resolved} THEN 1 ELSE 0 END AS res, \
         CASE WHEN {resolved} AND {r}.resolved_at <= {r}.resolve_due_at THEN 1 ELSE 0 END AS res_ot, \
         CASE WHEN {r}.status IN ('resolved', 'rejected', 'duplicate', 'referred') THEN 1 ELSE 0 END AS closed, \
         CASE WHEN {r}.acknowledged_at IS NOT NULL THEN {ad} END AS ad, \
         CASE WHEN {resolved} THEN {rd} END AS rd, \
         COALESCE({r}.rating, 0) AS rating",
        month = month(b, r),
        ad = seconds(b, &format!("{r}.created_at"), &format!("{r}.acknowledged_at")),
        rd = seconds(b, &format!("{r}.created_at"), &format!("{r}.resolved_at")),
    );
    if let Some(now) = overdue_at {
        let _ = write!(
            s,
            ", CASE WHEN {r}.{OPEN} AND (({r}.status = 'new' AND {r}.ack_due_at < {now}) \
             OR {r}.resolve_due_at < {now}) THEN 1 ELSE 0 END AS overdue"
        );
    }
    s.push(' ');
    s.push_str(from);
    s
}

/// The sums over contributions named `x`, one per entry of [`COLUMNS`], comma separated.
pub(crate) fn sums(x: &str) -> String {
    sum_list(x).join(", ")
}

pub(crate) fn sum_list(x: &str) -> Vec<String> {
    let mut out = vec![
        format!("SUM({x}.s)"),
        format!("SUM({x}.s * {x}.ack)"),
        format!("SUM({x}.s * {x}.ack_ot)"),
        format!("SUM({x}.s * {x}.res)"),
        format!("SUM({x}.s * {x}.res_ot)"),
        format!("SUM({x}.s * {x}.closed)"),
    ];
    for d in ["ad", "rd"] {
        for i in 0..BUCKETS {
            let lower = (i > 0).then(|| format!("{x}.{d} >= {}", BUCKET_UPPER_SECONDS[i - 1]));
            let upper = BUCKET_UPPER_SECONDS
                .get(i)
                .map(|u| format!("{x}.{d} < {u}"));
            let cond = [lower, upper].into_iter().flatten().collect::<Vec<_>>();
            out.push(format!(
                "SUM(CASE WHEN {} THEN {x}.s ELSE 0 END)",
                cond.join(" AND ")
            ));
        }
    }
    for v in 1..=5 {
        out.push(format!(
            "SUM(CASE WHEN {x}.rating = {v} THEN {x}.s ELSE 0 END)"
        ));
    }
    debug_assert_eq!(out.len(), COLUMNS.len());
    out
}

/// `CAST(SUM(x.c) AS BIGINT) …` over stored roll-up rows aliased `x`.
pub(crate) fn stored_sums(x: &str) -> String {
    COLUMNS
        .iter()
        .map(|c| format!("CAST(SUM({x}.{c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds the contributions in `sources` (a `UNION ALL` of [`row_source`]s) to every ancestor
/// unit, for their category and for all (`''`). Keys are summed first and taken in order,
/// so one statement touches each roll-up row once, always in the same order (no deadlocks
/// between concurrent writers on PostgreSQL).
fn feedback_upsert(sources: &str) -> String {
    let cols = COLUMNS.join(", ");
    let set = COLUMNS
        .iter()
        .map(|c| format!("{c} = feedback_rollup.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO feedback_rollup (unit_code, month, category, {cols}) \
         SELECT a.ancestor_code, x.month, CASE d.k WHEN 0 THEN x.category ELSE '' END, {sums} \
         FROM ({sources}) x \
         JOIN unit_ancestors a ON a.unit_code = x.unit_code \
         CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) d \
         WHERE 1 = 1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 \
         ON CONFLICT (unit_code, category, month) DO UPDATE SET {set}",
        sums = sums("x"),
    )
}

/// Adds active households or residents (`column`) to every ancestor unit.
fn population_upsert(column: &str, sources: &str) -> String {
    let other = if column == "households" {
        "residents"
    } else {
        "households"
    };
    format!(
        "INSERT INTO population_rollup (unit_code, {column}, {other}) \
         SELECT a.ancestor_code, SUM(x.n), 0 FROM ({sources}) x \
         JOIN unit_ancestors a ON a.unit_code = x.unit_code \
         WHERE 1 = 1 GROUP BY 1 ORDER BY 1 \
         ON CONFLICT (unit_code) DO UPDATE SET {column} = population_rollup.{column} + excluded.{column}"
    )
}

fn active(r: &str, sign: i64) -> String {
    format!(
        "SELECT {r}.unit_code AS unit_code, CASE WHEN {r}.status = 'active' THEN {sign} ELSE 0 END AS n"
    )
}

/// A transaction-local setting (`SET LOCAL`) under which the PostgreSQL population
/// triggers do nothing: a restructuring moves thousands of households and recounts its
/// commune afterwards, and the per-row work would update the same ancestor rows once per
/// row. Unlike `ALTER TABLE … DISABLE TRIGGER` it takes no lock, so other communes' writers
/// and readers do not wait; other transactions' triggers are not affected.
pub(crate) const SKIP_POPULATION: &str = "tuquan.skip_population_rollup";

/// The columns whose change can change a feedback row's contribution.
const FEEDBACK_WATCHED: &str = "unit_code, category, status, created_at, acknowledged_at, \
     resolved_at, ack_due_at, resolve_due_at, rating";

/// Statements that drop the maintenance triggers (safe when absent).
pub(crate) fn drop_triggers(b: Backend) -> Vec<String> {
    match b {
        Backend::Sqlite => [
            "rollup_feedback_insert",
            "rollup_feedback_update",
            "rollup_feedback_delete",
            "rollup_households_insert",
            "rollup_households_update",
            "rollup_households_delete",
            "rollup_residents_insert",
            "rollup_residents_update",
            "rollup_residents_delete",
        ]
        .iter()
        .map(|t| format!("DROP TRIGGER IF EXISTS {t}"))
        .collect(),
        Backend::Postgres => ["feedback", "households", "residents"]
            .iter()
            .map(|t| format!("DROP TRIGGER IF EXISTS rollup_{t} ON {t}"))
            .collect(),
    }
}

/// Statements that install the maintenance triggers (after [`drop_triggers`]).
pub(crate) fn create_triggers(b: Backend) -> Vec<String> {
    let fb_new = row_source(b, "NEW", 1, "", None);
    let fb_old = row_source(b, "OLD", -1, "", None);
    match b {
        Backend::Sqlite => {
            let mut v = vec![
                format!(
                    "CREATE TRIGGER rollup_feedback_insert AFTER INSERT ON feedback BEGIN {}; END",
                    feedback_upsert(&fb_new)
                ),
                format!(
                    "CREATE TRIGGER rollup_feedback_update AFTER UPDATE OF {FEEDBACK_WATCHED} ON feedback \
                     BEGIN {}; END",
                    feedback_upsert(&format!("{fb_old} UNION ALL {fb_new}"))
                ),
                format!(
                    "CREATE TRIGGER rollup_feedback_delete AFTER DELETE ON feedback BEGIN {}; END",
                    feedback_upsert(&fb_old)
                ),
            ];
            for (table, column) in [("households", "households"), ("residents", "residents")] {
                v.push(format!(
                    "CREATE TRIGGER rollup_{table}_insert AFTER INSERT ON {table} \
                     WHEN NEW.status = 'active' BEGIN {}; END",
                    population_upsert(column, &active("NEW", 1))
                ));
                v.push(format!(
                    "CREATE TRIGGER rollup_{table}_update AFTER UPDATE OF unit_code, status ON {table} \
                     WHEN OLD.unit_code IS NOT NEW.unit_code OR OLD.status IS NOT NEW.status \
                     BEGIN {}; END",
                    population_upsert(
                        column,
                        &format!("{} UNION ALL {}", active("OLD", -1), active("NEW", 1))
                    )
                ));
                v.push(format!(
                    "CREATE TRIGGER rollup_{table}_delete AFTER DELETE ON {table} \
                     WHEN OLD.status = 'active' BEGIN {}; END",
                    population_upsert(column, &active("OLD", -1))
                ));
            }
            v
        }
        Backend::Postgres => {
            // Deferred to commit: the hot ancestor rows (a province's, a commune's) are
            // locked only while the writing transaction commits, not for its whole length.
            let mut v = vec![
                format!(
                    "CREATE OR REPLACE FUNCTION rollup_feedback() RETURNS trigger LANGUAGE plpgsql AS $fn$ \
                     BEGIN \
                     IF TG_OP = 'INSERT' THEN {ins}; \
                     ELSIF TG_OP = 'UPDATE' THEN {upd}; \
                     ELSE {del}; END IF; \
                     RETURN NULL; END $fn$",
                    ins = feedback_upsert(&fb_new),
                    upd = feedback_upsert(&format!("{fb_old} UNION ALL {fb_new}")),
                    del = feedback_upsert(&fb_old),
                ),
                format!(
                    "CREATE CONSTRAINT TRIGGER rollup_feedback \
                     AFTER INSERT OR DELETE OR UPDATE OF {FEEDBACK_WATCHED} ON feedback \
                     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rollup_feedback()"
                ),
            ];
            for (table, column) in [("households", "households"), ("residents", "residents")] {
                v.push(format!(
                    "CREATE OR REPLACE FUNCTION rollup_{table}() RETURNS trigger LANGUAGE plpgsql AS $fn$ \
                     BEGIN \
                     IF current_setting('{SKIP_POPULATION}', true) = 'on' THEN RETURN NULL; END IF; \
                     IF TG_OP = 'UPDATE' THEN \
                       IF OLD.unit_code IS NOT DISTINCT FROM NEW.unit_code \
                          AND OLD.status IS NOT DISTINCT FROM NEW.status THEN RETURN NULL; END IF; \
                     END IF; \
                     IF TG_OP = 'INSERT' THEN {ins}; \
                     ELSIF TG_OP = 'UPDATE' THEN {upd}; \
                     ELSE {del}; END IF; \
                     RETURN NULL; END $fn$",
                    ins = population_upsert(column, &active("NEW", 1)),
                    upd = population_upsert(
                        column,
                        &format!("{} UNION ALL {}", active("OLD", -1), active("NEW", 1))
                    ),
                    del = population_upsert(column, &active("OLD", -1)),
                ));
                v.push(format!(
                    "CREATE CONSTRAINT TRIGGER rollup_{table} \
                     AFTER INSERT OR DELETE OR UPDATE OF unit_code, status ON {table} \
                     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rollup_{table}()"
                ));
            }
            v
        }
    }
}

/// Recomputes the unit closure from the paths.
pub(crate) const REBUILD_ANCESTORS: [&str; 2] = [
    "DELETE FROM unit_ancestors",
    "INSERT INTO unit_ancestors (unit_code, ancestor_code, ancestor_level) \
     SELECT code, code, level FROM units \
     UNION ALL \
     SELECT u.code, a.code, a.level FROM units a \
     JOIN units u ON u.path >= a.path || '/' AND u.path < a.path || '0'",
];

/// Recomputes the feedback roll-ups (on empty tables): each item's own unit first, then level
/// by level up the tree (a level's rows summed into their parents'), then `''` (all
/// categories) from the category rows. `max_level` is the deepest unit level. Summing
/// level by level reads each row once instead of once per ancestor.
pub(crate) fn rebuild_feedback(b: Backend, max_level: i64) -> Vec<String> {
    let cols = COLUMNS.join(", ");
    let own = COLUMNS
        .iter()
        .zip(sum_list("x"))
        .map(|(c, s)| format!("{s} AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let up = COLUMNS
        .iter()
        .map(|c| format!("SUM(r.{c})"))
        .collect::<Vec<_>>()
        .join(", ");
    let set = COLUMNS
        .iter()
        .map(|c| format!("{c} = feedback_rollup.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // MATERIALIZED: computed once per item, not once per reference in the sums.
    let mut v = vec![format!(
        "WITH x AS MATERIALIZED ({source}) \
         INSERT INTO feedback_rollup (unit_code, month, category, {cols}) \
         SELECT x.unit_code, x.month, x.category, {own} FROM x \
         GROUP BY x.unit_code, x.month, x.category",
        source = row_source(b, "f", 1, "FROM feedback f", None),
    )];
    for level in (2..=max_level).rev() {
        v.push(format!(
            "INSERT INTO feedback_rollup (unit_code, month, category, {cols}) \
             SELECT a.ancestor_code, r.month, r.category, {up} FROM feedback_rollup r \
             JOIN unit_ancestors s ON s.unit_code = r.unit_code AND s.ancestor_code = r.unit_code \
             JOIN unit_ancestors a ON a.unit_code = r.unit_code AND a.ancestor_level = {parent} \
             WHERE s.ancestor_level = {level} AND r.category <> '' \
             GROUP BY 1, 2, 3 \
             ON CONFLICT (unit_code, category, month) DO UPDATE SET {set}",
            parent = level - 1,
        ));
    }
    v.push(format!(
        "INSERT INTO feedback_rollup (unit_code, month, category, {cols}) \
         SELECT r.unit_code, r.month, '', {up} FROM feedback_rollup r \
         WHERE r.category <> '' GROUP BY r.unit_code, r.month"
    ));
    v
}

/// Recomputes the population roll-ups: all households and residents per unit (from the unit
/// indexes alone) less the inactive ones (partial indexes `*_inactive`).
pub(crate) const REBUILD_POPULATION: &str =
    "INSERT INTO population_rollup (unit_code, households, residents) \
     SELECT a.ancestor_code, SUM(l.h), SUM(l.r) FROM ( \
       SELECT unit_code, COUNT(*) AS h, 0 AS r FROM households GROUP BY unit_code \
       UNION ALL \
       SELECT unit_code, -COUNT(*) AS h, 0 AS r FROM households WHERE status <> 'active' GROUP BY unit_code \
       UNION ALL \
       SELECT unit_code, 0 AS h, COUNT(*) AS r FROM residents GROUP BY unit_code \
       UNION ALL \
       SELECT unit_code, 0 AS h, -COUNT(*) AS r FROM residents WHERE status <> 'active' GROUP BY unit_code \
     ) l JOIN unit_ancestors a ON a.unit_code = l.unit_code GROUP BY 1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sum_per_column_and_the_migration_has_them_all() {
        assert_eq!(COLUMNS.len(), 6 + 2 * BUCKETS + 5);
        assert_eq!(sums("x").matches("SUM(").count(), COLUMNS.len());
        for m in [
            include_str!("../../migrations/sqlite/0006_rollups.sql"),
            include_str!("../../migrations/postgres/0006_rollups.sql"),
        ] {
            for c in COLUMNS.iter() {
                assert!(
                    m.contains(&format!("    {c} ")),
                    "{c} missing from a migration"
                );
            }
            assert!(
                m.contains(OPEN),
                "the partial index must match the query text"
            );
        }
    }

    #[test]
    fn buckets_are_half_open_ranges_of_the_domain_bounds() {
        let s = sums("x");
        assert!(s.contains("SUM(CASE WHEN x.ad < 900 THEN x.s ELSE 0 END)"));
        assert!(s.contains("SUM(CASE WHEN x.ad >= 900 AND x.ad < 1800 THEN x.s ELSE 0 END)"));
        assert!(s.contains("SUM(CASE WHEN x.rd >= 2592000 THEN x.s ELSE 0 END)"));
    }
}
