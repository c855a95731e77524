//! The API contract (issue 11 #17): schemathesis, from PyPI, drives the real server from its
//! own `/api/openapi.json` with every check — as a ward official with an API token, and
//! anonymously — and any failure fails the test with schemathesis' report (docs/api.md).
//!
//! The binary is `$TUQUAN_TEST_SCHEMATHESIS` (default `/opt/schemathesis/bin/schemathesis`, where
//! `.ci/run` installs the pinned version); without it the test is skipped (a failure in CI).

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

/// Examples per operation and phase: enough to cover every operation's parameters and
/// bodies, small enough for about a minute per database on two cores.
const EXAMPLES: &str = "10";

fn binary() -> PathBuf {
    std::env::var_os("TUQUAN_TEST_SCHEMATHESIS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/schemathesis/bin/schemathesis"))
}

/// Runs `schemathesis run` against `server`, with `token` as bearer if given; panics with the
/// report on any failure.
fn run(server: &Server, bin: &PathBuf, token: Option<&str>, who: &str) {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/schemathesis.toml");
    let mut cmd = Command::new(bin);
    cmd.arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(server.url("/api/openapi.json"))
        .args(["--checks", "all", "--max-examples", EXAMPLES, "--seed", "1"])
        // One worker: Python 3.11's `compile` is not safe across threads (schemathesis then
        // fails with "AST constructor recursion depth mismatch").
        .args(["--phases", "examples,coverage,fuzzing", "--workers", "1"])
        .args(["--no-color", "--generation-database", "none"])
        // Failures known and accepted for now (docs/api.md); any other fails the test.
        .arg("--baseline")
        .arg(config.with_file_name("schemathesis-baseline.json"))
        // A developer's hooks stay out; report files, if any, out of the source tree.
        .env_remove("SCHEMATHESIS_HOOKS")
        .current_dir(std::env::temp_dir());
    if let Some(t) = token {
        cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd.output().expect("run schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures ({who}):\n{report}\n{}\n--- server log ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.log()
    );
    // A run that tested nothing would pass too.
    assert!(
        report.contains("Tested: "),
        "no operation tested ({who}):\n{report}"
    );
}

on_both_backends!(schemathesis_finds_no_failure);

async fn schemathesis_finds_no_failure(db: &TestDb) {
    let bin = binary();
    if !bin.exists() {
        crate::skip!("schemathesis is not installed at {}", bin.display());
    }
    db.run_ok(&["seed", "demo"], "");
    let official = db.run_ok(
        &[
            "token",
            "create",
            "--username",
            "canbo.benthanh",
            "--name",
            "contract",
        ],
        "",
    );
    let server = Server::start(db);
    run(&server, &bin, Some(official.trim()), "a ward official");
    run(&server, &bin, None, "anonymous");
}
