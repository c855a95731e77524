//! Keeping the roll-ups: rebuilding them from the base tables, pausing their triggers for
//! bulk loads and resuming them (see `super` for what is kept).

use super::*;
use crate::BeginWrite;

/// Recomputes the announcements' acknowledgement counts (migration 0011): every
/// acknowledgement of an active household, for its version, at each ancestor of its unit.
const REBUILD_ACKS: [&str; 2] = [
    "DELETE FROM announcement_ack_rollup",
    "INSERT INTO announcement_ack_rollup (announcement_id, version, unit_code, acknowledged) \
     SELECT k.announcement_id, k.version, a.ancestor_code, COUNT(*) FROM announcement_acks k \
     JOIN households h ON h.id = k.household_id AND h.status = 'active' \
     JOIN unit_ancestors a ON a.unit_code = k.unit_code \
     GROUP BY k.announcement_id, k.version, a.ancestor_code",
];

impl Store {
    /// Recomputes only the announcements' acknowledgement counts from the base tables, in
    /// one transaction (their triggers stay installed; writers of acknowledgements wait).
    pub async fn rebuild_ack_rollup(&self) -> Result<(), StoreError> {
        let lock = match self.backend() {
            Backend::Postgres => Some("LOCK TABLE announcement_ack_rollup IN EXCLUSIVE MODE"),
            Backend::Sqlite => None,
        };
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for s in lock.into_iter().chain(REBUILD_ACKS) {
                sqlx::raw_sql(s).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Recomputes every aggregate (and the unit closure) from the base tables, in one
    /// transaction. Writers wait meanwhile (on a province, this takes a while: run it when
    /// the system is quiet). The maintenance triggers are left as they are.
    pub async fn rebuild_rollups(&self) -> Result<(), StoreError> {
        self.rollup_tx(None, true, false).await.map(|_| ())
    }

    /// Stops maintaining the aggregates, for a bulk load: the triggers are dropped, so the
    /// aggregates go stale until [`Store::resume_rollups`] (or the next
    /// [`Store::migrate`]). Not for a database a server is writing to.
    pub async fn pause_rollups(&self) -> Result<(), StoreError> {
        self.rollup_tx(Some(false), false, false).await.map(|_| ())
    }

    /// Reinstalls the maintenance triggers and rebuilds every aggregate, in one transaction.
    pub async fn resume_rollups(&self) -> Result<(), StoreError> {
        self.rollup_tx(Some(true), true, false).await.map(|_| ())
    }

    /// Whether the triggers are installed at the current version.
    pub async fn rollups_maintained(&self) -> Result<bool, StoreError> {
        let state: Option<(i64, bool)> = with_pool!(self, p => {
            sqlx::query_as("SELECT version, maintained FROM rollup_state WHERE id = 1")
                .fetch_optional(p)
                .await?
        });
        Ok(state == Some((sql::TRIGGER_VERSION, true)))
    }

    /// Installs the triggers and rebuilds when they are missing, paused or of an older
    /// version; does nothing otherwise. Called by [`Store::migrate`]. Returns whether it
    /// rebuilt.
    pub(crate) async fn ensure_rollups(&self) -> Result<bool, StoreError> {
        self.rollup_tx(Some(true), true, true).await
    }

    /// One transaction that (optionally) drops and reinstalls or just drops the triggers,
    /// and (optionally) rebuilds. With `only_if_stale`, nothing happens when the installed
    /// triggers are current.
    async fn rollup_tx(
        &self,
        install: Option<bool>,
        rebuild: bool,
        only_if_stale: bool,
    ) -> Result<bool, StoreError> {
        let b = self.backend();
        let started = std::time::Instant::now();
        let (lock, table_lock) = match b {
            // The first statement writes, so the transaction holds SQLite's write lock from
            // the start and the state it reads cannot change under it.
            Backend::Sqlite => ("UPDATE rollup_state SET id = id WHERE id = 1", None),
            Backend::Postgres => (
                "SELECT pg_advisory_xact_lock(7270061)",
                Some("LOCK TABLE feedback_rollup, population_rollup, announcement_ack_rollup IN EXCLUSIVE MODE"),
            ),
        };
        let mut ddl = Vec::new();
        if let Some(on) = install {
            ddl.extend(sql::drop_triggers(b));
            if on {
                ddl.extend(sql::create_triggers(b));
            }
        }
        let mut work: Vec<String> = Vec::new();
        if rebuild {
            // Units are only added, and their levels never change: read outside the
            // transaction is fine (a unit added meanwhile has no rows yet).
            let max_level: i64 = with_pool!(self, p => {
                sqlx::query_scalar("SELECT COALESCE(MAX(level), 1) FROM units")
                    .fetch_one(p)
                    .await?
            });
            work.extend(table_lock.map(String::from));
            work.extend(sql::REBUILD_ANCESTORS.map(String::from));
            work.push("DELETE FROM feedback_rollup".into());
            work.push("DELETE FROM population_rollup".into());
            work.extend(sql::rebuild_feedback(b, max_level));
            work.push(sql::REBUILD_POPULATION.into());
            work.extend(REBUILD_ACKS.map(String::from));
        }
        let ts = now();
        let done = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::raw_sql(lock).execute(&mut *tx).await?;
            let state: Option<(i64, bool)> =
                sqlx::query_as("SELECT version, maintained FROM rollup_state WHERE id = 1")
                    .fetch_optional(&mut *tx)
                    .await?;
            if only_if_stale && state == Some((sql::TRIGGER_VERSION, true)) {
                tx.commit().await?;
                false
            } else {
                for s in ddl.iter().chain(&work) {
                    sqlx::raw_sql(s).execute(&mut *tx).await?;
                }
                let maintained = match install {
                    Some(on) => on,
                    None => state.is_some_and(|s| s.1),
                };
                let version = match install {
                    Some(_) => sql::TRIGGER_VERSION,
                    None => state.map_or(0, |s| s.0),
                };
                sqlx::query(
                    "INSERT INTO rollup_state (id, version, maintained, rebuilt_at) VALUES (1, $1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET version = excluded.version, \
                     maintained = excluded.maintained, rebuilt_at = excluded.rebuilt_at",
                )
                .bind(version)
                .bind(maintained)
                .bind(&ts)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                true
            }
        });
        if done {
            tracing::info!(
                ?install,
                rebuild,
                ms = started.elapsed().as_millis() as u64,
                "statistics roll-ups updated"
            );
        }
        Ok(done)
    }
}
