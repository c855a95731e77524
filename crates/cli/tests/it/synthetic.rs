//! `tuquan seed synthetic` and `tuquan bench`: the CI smoke test of the province-scale
//! tooling on a small data set (no timing assertions).

use std::process::Output;

use crate::harness::{Backend, TestDb};
use crate::on_both_backends;

/// A fifth of the `small` preset: a few thousand residents, quick in a debug build.
const ARGS: &[&str] = &[
    "--preset",
    "small",
    "--scale",
    "0.2",
    "--seed",
    "7",
    "--as-of",
    "2026-11-02",
];

fn run(db: &TestDb, args: &[&str]) -> Output {
    db.command().args(args).output().expect("run tuquan")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn seed(db: &TestDb) -> Output {
    let mut args = vec!["seed", "synthetic", "--no-progress"];
    args.extend_from_slice(ARGS);
    run(db, &args)
}

fn wrk_installed() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok()
}

on_both_backends!(synthetic_data_is_plausible_deterministic_and_benchmarked);
async fn synthetic_data_is_plausible_deterministic_and_benchmarked(db: &TestDb) {
    let o = seed(db);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Synthetic data set small (seed 7, as of 2026-11-02)"),
        "{}",
        text(&o.stdout)
    );

    // Plausible: households of about three people, Nguyễn the most common family name,
    // children and elders, groups with positions, feedback with its history.
    let households = db.count("SELECT COUNT(*) FROM households").await;
    let residents = db.count("SELECT COUNT(*) FROM residents").await;
    assert_eq!(households, 1240);
    let mean = residents as f64 / households as f64;
    assert!((2.9..3.5).contains(&mean), "{mean} people per household");
    let nguyen = db
        .count("SELECT COUNT(*) FROM residents WHERE name_folded LIKE 'nguyen %'")
        .await;
    let share = nguyen as f64 / residents as f64;
    assert!((0.3..0.46).contains(&share), "Nguyễn share {share}");
    let children = db
        .count("SELECT COUNT(*) FROM residents WHERE birth_date > '2012-11-02'")
        .await;
    assert!(
        children * 8 > residents,
        "{children} children of {residents}"
    );
    assert!(
        db.count("SELECT COUNT(*) FROM units WHERE parent_code = '26740'")
            .await
            >= 30
    );
    assert!(db.count("SELECT COUNT(*) FROM group_positions").await > 100);
    let items = db.count("SELECT COUNT(*) FROM feedback").await;
    assert!(items > 50, "{items} feedback items");
    let resolved = db
        .count("SELECT COUNT(*) FROM feedback WHERE status = 'resolved'")
        .await;
    assert!(
        resolved * 2 > items,
        "mostly resolved: {resolved} of {items}"
    );
    for status in ["rejected", "duplicate", "referred"] {
        let sql = format!("SELECT COUNT(*) FROM feedback WHERE status = '{status}'");
        assert!(db.count(&sql).await > 0, "some {status}");
    }
    assert!(
        db.count(
            "SELECT COUNT(*) FROM feedback WHERE status IN ('new', 'acknowledged', 'in_progress') \
             AND resolve_due_at < '2026-11-02'"
        )
        .await
            > 0,
        "some open and overdue"
    );
    assert!(
        db.count("SELECT COUNT(*) FROM feedback_events").await > 2 * items,
        "each step has its event"
    );

    // Rows as the product writes them: every reference resolves, every representative is a
    // member, identity numbers only encrypted and masked, sort keys present.
    let orphans = [
        "SELECT COUNT(*) FROM residents r LEFT JOIN households h ON h.id = r.household_id WHERE h.id IS NULL",
        "SELECT COUNT(*) FROM households h LEFT JOIN units u ON u.code = h.unit_code WHERE u.code IS NULL",
        "SELECT COUNT(*) FROM households h JOIN residents r ON r.id = h.representative_id WHERE r.household_id <> h.id",
        "SELECT COUNT(*) FROM households h WHERE h.member_count <> (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id)",
        "SELECT COUNT(*) FROM group_positions p LEFT JOIN residents r ON r.id = p.resident_id WHERE r.id IS NULL",
        "SELECT COUNT(*) FROM feedback_events e LEFT JOIN feedback f ON f.id = e.feedback_id WHERE f.id IS NULL",
        "SELECT COUNT(*) FROM feedback f LEFT JOIN feedback d ON d.id = f.duplicate_of WHERE f.duplicate_of IS NOT NULL AND d.id IS NULL",
        "SELECT COUNT(*) FROM residents WHERE cccd_masked IS NOT NULL AND (cccd_cipher IS NULL OR cccd_index IS NULL OR length(cccd_cipher) < 40)",
        "SELECT COUNT(*) FROM residents WHERE length(sort_key) = 0 OR name_folded = ''",
    ];
    for sql in orphans {
        assert_eq!(db.count(sql).await, 0, "{sql}");
    }
    // The product can read what was loaded: a staffed group's page data via the API.
    let token = db.admin_token();
    let server = crate::harness::Server::start(db);
    let res = reqwest::Client::new()
        .get(server.url("/api/v1/units/26740-kp01/feedback?limit=50"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    drop(server);

    // A second load into the same communes is refused and changes nothing.
    let o = seed(db);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("fresh database"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM residents").await, residents);

    // Deterministic: the same seed gives the same people in another database.
    let other = TestDb::new(db.backend).await.unwrap();
    let o = seed(&other);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let fingerprint = "SELECT COUNT(*) FROM residents WHERE id % 97 = 3 AND \
         (full_name LIKE 'Nguyễn%' OR birth_date < '1970-01-01')";
    assert_eq!(db.count(fingerprint).await, other.count(fingerprint).await);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM feedback WHERE status = 'resolved'")
            .await,
        other
            .count("SELECT COUNT(*) FROM feedback WHERE status = 'resolved'")
            .await
    );
    drop(other);

    // The benchmark: on PostgreSQL it reuses the data set just loaded, on SQLite it builds
    // its own; tiny HTTP loads. Every figure is there, no request failed, every
    // acknowledged POST was stored, and the roll-ups equal the naive query.
    let http = wrk_installed();
    if !http {
        crate::harness::skipped("the HTTP half of the benchmark: wrk is not installed");
    }
    let bench_dir = db.data_dir().join("bench");
    let mut args = vec!["bench", "--json", "--dir", bench_dir.to_str().unwrap()];
    args.extend_from_slice(ARGS);
    args.extend_from_slice(&[
        "--duration",
        "1",
        "--connections",
        "4",
        "--sample-communes",
        "1",
        "--rollup-runs",
        "3",
    ]);
    let url = db.database_url();
    if let Some(u) = &url {
        args.extend_from_slice(&["--database-url", u]);
    }
    if !http {
        args.push("--no-http");
    }
    let o = run(db, &args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let figures: serde_json::Value = serde_json::from_str(text(&o.stdout).trim())
        .unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    let mut keys = vec![
        "seed_rows_per_s",
        "seed_vs_raw_ratio",
        "rollup_commune_p50_ms",
        "rollup_commune_p99_ms",
        "rollup_province_p50_ms",
        "rollup_province_p99_ms",
        "rollup_vs_naive_ratio",
        "db_bytes_per_resident",
    ];
    if http {
        keys.extend_from_slice(&[
            "http_list_rps",
            "http_list_p99_ms",
            "http_unit_page_rps",
            "http_post_rps",
            "http_post_p99_ms",
            "http_healthz_rps",
            "http_list_vs_healthz",
            "http_unit_page_vs_healthz",
            "http_post_vs_healthz",
            "http_errors",
            "server_peak_rss_mb",
        ]);
    }
    for k in keys {
        assert!(
            figures[k].as_f64().is_some_and(|v| v >= 0.0),
            "{k} in {figures}"
        );
    }
    assert_eq!(figures["rollup_equals_naive"], true, "{figures}");
    if http {
        assert_eq!(figures["http_errors"], 0.0, "{figures}");
        assert_eq!(figures["http_post_all_stored"], true, "{figures}");
        assert!(figures["http_post_stored"].as_f64().unwrap() > 0.0);
    }
    if db.backend == Backend::Postgres {
        // Reused: the data set was not loaded a second time.
        assert_eq!(
            db.count("SELECT COUNT(*) FROM households").await,
            households
        );
    }
}
