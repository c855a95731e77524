//! Writing rows: multi-row `INSERT`s on SQLite, `COPY` on PostgreSQL.

use super::*;

impl BulkLoad {
    async fn begin(&mut self) -> Result<(), StoreError> {
        if !self.in_tx {
            match &mut self.conn {
                // IMMEDIATE like every writing transaction (`crate::BeginWrite`).
                Conn::Sqlite(c) => {
                    sqlx::query("BEGIN IMMEDIATE").execute(&mut **c).await?;
                }
                Conn::Postgres(c) => {
                    sqlx::query("BEGIN").execute(&mut **c).await?;
                }
            }
            self.in_tx = true;
        }
        Ok(())
    }

    /// Commits what was written so far (a load is committed in large pieces).
    pub async fn commit(&mut self) -> Result<(), StoreError> {
        if self.in_tx {
            match &mut self.conn {
                Conn::Sqlite(c) => {
                    sqlx::query("COMMIT").execute(&mut **c).await?;
                }
                Conn::Postgres(c) => {
                    sqlx::query("COMMIT").execute(&mut **c).await?;
                }
            }
            self.in_tx = false;
        }
        Ok(())
    }

    /// Whether this load writes COPY text (PostgreSQL) rather than bound rows.
    pub fn wants_copy(&self) -> bool {
        matches!(self.conn, Conn::Postgres(_))
    }

    /// Converts rows to what [`BulkLoad::write`] takes on this backend (COPY text for
    /// PostgreSQL); a pure function, so callers may run it on worker threads.
    pub fn prepare(copy: bool, rows: Rows) -> Prepared {
        if copy {
            Prepared::Copy {
                table: rows.table,
                columns: rows.columns,
                rows: rows.len(),
                data: encode_copy(&rows),
            }
        } else {
            Prepared::Rows(rows)
        }
    }

    /// Writes rows inside the current transaction (opening one if needed).
    pub async fn write(&mut self, rows: Prepared) -> Result<u64, StoreError> {
        let count = rows.rows() as u64;
        if count == 0 {
            return Ok(0);
        }
        self.begin().await?;
        let (table, columns) = match &rows {
            Prepared::Rows(r) => (r.table, r.columns),
            Prepared::Copy { table, columns, .. } => (*table, *columns),
        };
        if !self.tables.iter().any(|t| t.0 == table) {
            self.tables.push((table, columns.first() == Some(&"id")));
        }
        match (&mut self.conn, rows) {
            (Conn::Sqlite(c), Prepared::Rows(r)) => {
                let width = r.columns.len();
                // Three statement shapes per table (big, 64 rows, one row), so the
                // connection's statement cache keeps them all prepared.
                let big = (SQLITE_MAX_VARS / width).clamp(1, SQLITE_MAX_ROWS);
                let shapes = [big, 64.min(big), 1];
                let sqls = shapes.map(|n| insert_sql(r.table, r.columns, n, false));
                let mut rest = r.values.as_slice();
                while !rest.is_empty() {
                    let rows_left = rest.len() / width;
                    let i = shapes
                        .iter()
                        .position(|n| *n <= rows_left)
                        .unwrap_or(shapes.len() - 1);
                    let (chunk, tail) = rest.split_at(shapes[i] * width);
                    let mut q = sqlx::query(&sqls[i]);
                    for v in chunk {
                        q = bind_value!(q, v);
                    }
                    q.execute(&mut **c).await?;
                    rest = tail;
                }
            }
            (Conn::Postgres(c), prepared) => {
                let (table, columns, data) = match prepared {
                    Prepared::Copy {
                        table,
                        columns,
                        data,
                        ..
                    } => (table, columns, data),
                    Prepared::Rows(r) => (r.table, r.columns, encode_copy(&r)),
                };
                let stmt = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
                let mut copy = c.copy_in_raw(&stmt).await?;
                for chunk in data.chunks(1 << 20) {
                    copy.send(chunk).await?;
                }
                copy.finish().await?;
            }
            (Conn::Sqlite(_), Prepared::Copy { .. }) => {
                return Err(StoreError::Config(
                    "COPY data cannot be written to SQLite".into(),
                ))
            }
        }
        Ok(count)
    }

    /// Commits, moves identity sequences past the loaded ids, refreshes the planner's
    /// statistics and closes the connection (its settings die with it).
    pub async fn finish(mut self) -> Result<(), StoreError> {
        self.commit().await?;
        match self.conn {
            Conn::Sqlite(mut c) => {
                if self.journal_off {
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&mut *c)
                        .await?;
                }
                let restore = format!("PRAGMA synchronous = {}", self.restore_synchronous);
                sqlx::query(&restore).execute(&mut *c).await?;
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *c)
                    .await?;
                // Sampled statistics: enough for the planner, seconds rather than minutes.
                sqlx::query("PRAGMA analysis_limit = 1000")
                    .execute(&mut *c)
                    .await?;
                sqlx::query("ANALYZE").execute(&mut *c).await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&mut *c)
                    .await?;
                // Closed rather than returned: the pool's connections keep their settings.
                let _ = c.detach();
            }
            Conn::Postgres(mut c) => {
                for (t, has_id) in &self.tables {
                    if *has_id {
                        sync_sequence(&mut *c, t).await?;
                    }
                }
                sqlx::query("SET session_replication_role = origin")
                    .execute(&mut *c)
                    .await
                    .ok();
                for (t, _) in &self.tables {
                    sqlx::query(&format!("ANALYZE {t}"))
                        .execute(&mut *c)
                        .await?;
                }
                let _ = c.detach();
            }
        }
        Ok(())
    }
}
