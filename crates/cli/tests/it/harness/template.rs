//! Migrated databases holding the shipped territory, made once per test binary and copied for
//! each test: every command of the product migrates and loads the territory into an empty
//! store (about a second each time on a 2-core machine), a copy takes milliseconds.
//!
//! A template is named after the `tuquan` binary's size and modification time, which cover
//! the migrations and the territory file it embeds: a rebuilt binary gets a new template,
//! parallel tests and concurrent runs share one.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Connection;

use super::{with_database, BIN};

/// Serialises template creation between processes sharing the PostgreSQL server.
const ADVISORY_LOCK: i64 = 0x7475_7175_616e; // "tuquan"

/// Templates older than this and not of this binary are dropped when a new one is made.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

fn binary_stamp() -> String {
    let meta = std::fs::metadata(BIN).expect("the tuquan binary");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    meta.len().hash(&mut h);
    meta.modified().ok().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Migrates the database at `url` (or the SQLite file in `dir`) and loads the territory, with
/// the same command a user would run first.
fn prepare(dir: &Path, url: Option<&str>) {
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(dir)
        .args(["territory", "scheme-show", "01"])
        .env_remove("TUQUAN_DATABASE_URL")
        .env("TUQUAN_LOG", "warn");
    if let Some(u) = url {
        cmd.env("TUQUAN_DATABASE_URL", u);
    }
    let out = cmd.output().expect("run tuquan");
    assert!(
        out.status.success(),
        "preparing a template database failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The migrated SQLite file with the territory, made on first use.
pub fn sqlite() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = root.join(format!("sqlite-template-{}", binary_stamp()));
        let file = dir.join("tuquan.db");
        if !file.exists() {
            std::fs::create_dir_all(root).unwrap();
            let tmp = tempfile::tempdir_in(root).unwrap();
            prepare(tmp.path(), None);
            // Keep the database only: each test makes its own identity key.
            std::fs::remove_file(tmp.path().join("identity.key")).ok();
            let tmp = tmp.keep();
            // Another process may have won the race; its template is as good.
            if std::fs::rename(&tmp, &dir).is_err() {
                std::fs::remove_dir_all(&tmp).ok();
            }
            remove_stale_sqlite(root, &dir);
        }
        assert!(file.exists(), "no SQLite template at {}", file.display());
        file
    })
}

fn remove_stale_sqlite(root: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().unwrap_or_default() > STALE_AFTER);
        let ours = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("sqlite-template-"));
        if ours && old && path != keep {
            std::fs::remove_dir_all(&path).ok();
        }
    }
}

/// Copies the SQLite template into `dir` as the default database file.
/// A write-ahead log left beside the template holds pages the main file does not have yet,
/// so it is copied with it (a copy without it can read as "malformed").
pub fn copy_sqlite(dir: &Path) {
    let file = sqlite();
    std::fs::copy(file, dir.join("tuquan.db")).expect("copy the SQLite template");
    let wal = file.with_extension("db-wal");
    if wal.exists() {
        std::fs::copy(&wal, dir.join("tuquan.db-wal")).expect("copy the template's log");
    }
}

/// The name of the migrated PostgreSQL template database, made on first use.
pub async fn postgres(admin: &str) -> &'static str {
    static NAME: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    NAME.get_or_init(|| make_postgres(admin.to_owned()))
        .await
        .as_str()
}

async fn make_postgres(admin: String) -> String {
    let name = format!("tuquan_tpl_{}", binary_stamp());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(ADVISORY_LOCK)
        .execute(&mut conn)
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        let tmp = format!("{name}_new");
        run(
            &mut conn,
            &format!("DROP DATABASE IF EXISTS {tmp} WITH (FORCE)"),
        )
        .await;
        run(&mut conn, &format!("CREATE DATABASE {tmp}")).await;
        let dir = tempfile::tempdir().unwrap();
        let url = with_database(&admin, &tmp);
        tokio::task::spawn_blocking(move || prepare(dir.path(), Some(&url)))
            .await
            .unwrap();
        run(&mut conn, &format!("ALTER DATABASE {tmp} RENAME TO {name}")).await;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        run(&mut conn, &format!("COMMENT ON DATABASE {name} IS '{now}'")).await;
        drop_stale_postgres(&mut conn, &name, now).await;
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(ADVISORY_LOCK)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    name
}

async fn drop_stale_postgres(conn: &mut sqlx::PgConnection, keep: &str, now: u64) {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT datname::text, shobj_description(oid, 'pg_database') FROM pg_database \
         WHERE datname LIKE 'tuquan\\_tpl\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for (name, made) in rows {
        let made: u64 = made.and_then(|m| m.parse().ok()).unwrap_or(0);
        if name != keep && now.saturating_sub(made) > STALE_AFTER.as_secs() {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut *conn)
                .await;
        }
    }
}

/// Runs a database-level statement, retrying while a just-closed session of the product still
/// counts as connected to the database concerned.
pub async fn run(conn: &mut sqlx::PgConnection, sql: &str) {
    let mut tries = 0;
    loop {
        match sqlx::query(sql).execute(&mut *conn).await {
            Ok(_) => return,
            Err(e) if tries < 50 && e.to_string().contains("being accessed by other users") => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
}
