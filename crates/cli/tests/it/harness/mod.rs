//! Starting the real server and giving each test its own database.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use sqlx::Connection;

mod browser;
mod http;
mod records;
mod template;

pub use browser::*;
pub use http::*;
pub use records::*;

pub const ADMIN_USER: &str = "admin.test";
pub const ADMIN_PASSWORD: &str = "Adm1n-pass-9c2e";
pub const BIN: &str = env!("CARGO_BIN_EXE_tuquan");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server to test against, if any (see `skip!` for its absence in CI).
pub fn postgres_url() -> Option<String> {
    std::env::var("TUQUAN_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A database for one test: a SQLite file in a temporary directory, or a fresh PostgreSQL
/// database that is dropped when this value is.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub backend: Backend,
    pg: Option<(String, String)>,
    admin_token: std::sync::Mutex<Option<String>>,
}

impl TestDb {
    /// A migrated database holding the shipped territory, as every command leaves it (copied
    /// from a template); `None` for PostgreSQL when no server is configured.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::create(backend, true).await
    }

    /// An empty database, for the tests of migrating and importing the territory.
    pub async fn empty(backend: Backend) -> Option<Self> {
        Self::create(backend, false).await
    }

    async fn create(backend: Backend, from_template: bool) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = match backend {
            Backend::Sqlite => {
                if from_template {
                    template::copy_sqlite(dir.path());
                }
                None
            }
            Backend::Postgres => {
                let admin = postgres_url()?;
                let name = format!("tuquan_test_{}", uuid::Uuid::new_v4().simple());
                let sql = if from_template {
                    let tpl = template::postgres(&admin).await;
                    format!("CREATE DATABASE {name} TEMPLATE {tpl}")
                } else {
                    format!("CREATE DATABASE {name}")
                };
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("connect to the test PostgreSQL server");
                template::run(&mut conn, &sql).await;
                conn.close().await.ok();
                Some((admin, name))
            }
        };
        Some(Self {
            dir,
            backend,
            pg,
            admin_token: std::sync::Mutex::new(None),
        })
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The value for `TUQUAN_DATABASE_URL`, or `None` for the default SQLite file.
    pub fn database_url(&self) -> Option<String> {
        self.pg
            .as_ref()
            .map(|(admin, name)| with_database(admin, name))
    }

    /// A `tuquan` command acting on this database.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("--data-dir").arg(self.data_dir());
        cmd.env_remove("TUQUAN_DATABASE_URL")
            .env("TUQUAN_LOG", "info,sqlx=warn")
            // Tests start from an empty feedback inbox; one test turns it back on.
            .env("TUQUAN_DEMO_FEEDBACK", "false")
            // …and without the demo's meetings, ballots and consultation, unless a test asks.
            .env("TUQUAN_DEMO_MEETINGS", "false");
        // Tests send much feedback from one address and contact: no rate limits, unless a
        // test asks for the real ones by creating `strict-limits` in its data directory.
        if !self.data_dir().join("strict-limits").exists() {
            cmd.env(
                "TUQUAN_LIMITS",
                "{feedback_per_address=1000000,feedback_per_contact=1000000,feedback_per_unit=1000000}",
            );
        }
        if let Some(url) = self.database_url() {
            cmd.env("TUQUAN_DATABASE_URL", url);
        }
        cmd
    }

    /// Runs `tuquan ARGS` with `stdin` as standard input; panics unless it succeeds.
    /// `seed demo` with the demo's meetings, ballots, consultation and restructuring scheme
    /// (the suite turns them off), feedback still off.
    pub fn seed_demo_with_meetings(&self) {
        let o = self
            .command()
            .args(["seed", "demo"])
            .env("TUQUAN_DEMO_MEETINGS", "true")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    pub fn run_ok(&self, args: &[&str], stdin: &str) -> String {
        use std::io::Write;
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run tuquan");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "tuquan {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The API token of this database's system administrator, created on first use.
    pub fn admin_token(&self) -> String {
        let mut t = self.admin_token.lock().unwrap();
        t.get_or_insert_with(|| {
            self.user_with_token(ADMIN_USER, "system_admin", None, ADMIN_PASSWORD)
        })
        .clone()
    }

    /// Creates an account with one grant from the command line, and an API token for it.
    pub fn user_with_token(
        &self,
        username: &str,
        role: &str,
        unit: Option<&str>,
        password: &str,
    ) -> String {
        let mut args = vec![
            "user",
            "add",
            "--username",
            username,
            "--role",
            role,
            "--password-stdin",
        ];
        if let Some(u) = unit {
            args.extend(["--unit", u]);
        }
        self.run_ok(&args, &format!("{password}\n"));
        self.token_for(username, "test")
    }

    /// A new API token named `name` for an existing account (a demo one, say).
    pub fn token_for(&self, username: &str, name: &str) -> String {
        self.run_ok(
            &["token", "create", "--username", username, "--name", name],
            "",
        )
        .trim()
        .to_owned()
    }

    /// The URL of this database, for direct connections.
    pub fn url(&self) -> String {
        self.database_url()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir().join("tuquan.db").display()))
    }

    /// Runs SQL (one or more statements) with a direct connection, bypassing the product, as
    /// another writer would (triggers fire): to set up a state the product would only reach
    /// with time, such as a passed deadline.
    pub async fn execute(&self, sql: &str) {
        let url = self.url();
        if self.database_url().is_some() {
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        } else {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
        }
    }

    /// Counts rows with a direct connection, bypassing the product.
    pub async fn count(&self, sql: &str) -> i64 {
        match self.database_url() {
            Some(url) => {
                let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
            None => {
                let url = format!("sqlite://{}", self.data_dir().join("tuquan.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            }
        }
    }
}

impl TestDb {
    /// Asserts that each of `actions` has at least one row in the audit log.
    pub async fn assert_audited(&self, actions: &[&str]) {
        for action in actions {
            let rows = self
                .count(&format!(
                    "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
                ))
                .await;
            assert!(rows >= 1, "no audit row {action}");
        }
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// `db.execute(sql)`, as a function.
pub async fn exec(db: &TestDb, sql: &str) {
    db.execute(sql).await;
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg.take() else {
            return;
        };
        // Drop runs outside async: use a small runtime of its own on another thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

/// A running `tuquan serve`.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub http: reqwest::Client,
    /// An API token of a system administrator.
    pub token: String,
    stderr_log: PathBuf,
}

impl Server {
    /// Starts the server on a random port, with a system administrator and their token.
    pub fn start(db: &TestDb) -> Self {
        Self::start_with(db, &[])
    }

    pub fn start_with(db: &TestDb, args: &[&str]) -> Self {
        let token = db.admin_token();
        let stderr_log = db
            .data_dir()
            .join(format!("server-{}.log", uuid::Uuid::new_v4().simple()));
        let mut child = db
            .command()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).unwrap())
            .spawn()
            .expect("start tuquan");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("listening on ").nth(1) {
                    let _ = tx.send(addr.trim().to_owned());
                }
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => base,
            Err(_) => {
                let _ = child.kill();
                let log = std::fs::read_to_string(&stderr_log).unwrap_or_default();
                panic!("the server did not start:\n{log}");
            }
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            child,
            base,
            http,
            token,
            stderr_log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.expect("JSON body"))
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    /// SIGTERM, then wait for the process to exit; returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        self.child.wait().unwrap().success()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL, each on a database holding
/// the territory; `on_both_backends!(name, empty)` starts from an empty database instead.
#[macro_export]
macro_rules! on_both_backends {
    ($test:ident) => {
        $crate::on_both_backends!($test, new);
    };
    ($test:ident, $start:ident) => {
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::harness::TestDb::$start($crate::harness::Backend::Sqlite)
                    .await
                    .unwrap();
                super::$test(&db).await;
            }

            $crate::postgres_half!($test, $start);
        }
    };
}

/// Declares a test of a question only PostgreSQL has (SQLite has one writer at a time, no
/// `pg_dump`): it runs once, on PostgreSQL, and is reported skipped without a server.
#[macro_export]
macro_rules! on_postgres {
    ($test:ident) => {
        mod $test {
            $crate::postgres_half!($test, new);
        }
    };
}

/// The PostgreSQL test of `on_both_backends!` and `on_postgres!`.
#[doc(hidden)]
#[macro_export]
macro_rules! postgres_half {
    ($test:ident, $start:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() {
            let Some(db) =
                $crate::harness::TestDb::$start($crate::harness::Backend::Postgres).await
            else {
                $crate::skip!("TUQUAN_TEST_POSTGRES_URL is not set");
            };
            super::$test(&db).await;
        }
    };
}

/// Ends a test that cannot run on this machine, saying so on the terminal (past the test
/// harness's output capture) as `SKIPPED <test>: <reason>`. Under CI (`CI` set) a skip is a
/// failure: CI must run everything.
#[macro_export]
macro_rules! skip {
    ($($reason:tt)+) => {{
        $crate::harness::skipped(&format!($($reason)+));
        return;
    }};
}

/// An API token for a demo account.
pub fn demo_token(db: &TestDb, username: &str) -> String {
    db.token_for(username, "t")
}

/// Reports a skipped test or part of one (see `skip!`); panics under CI.
pub fn skipped(reason: &str) {
    use std::io::Write;
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    assert!(
        std::env::var_os("CI").is_none(),
        "{test} cannot run here ({reason}), and CI must not skip it"
    );
    // Straight to the process's stderr: `eprintln!` would be captured and hidden on success.
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {reason}");
}

#[test]
fn database_name_replaces_the_one_in_the_url() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
