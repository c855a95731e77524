//! Tests of the roll-ups against the naive queries, and a measurement at province scale.

use super::*;

mod checks {
    use super::*;
    use crate::ConnectOptions;

    async fn exec(s: &Store, q: &str) {
        with_pool!(s, p => { sqlx::raw_sql(q).execute(p).await.unwrap(); });
    }

    /// The triggers, the rebuild and the naive query agree on a small tree, on SQLite in
    /// memory (both backends are covered over HTTP in the integration tests).
    #[tokio::test]
    async fn triggers_rebuild_and_naive_agree_on_sqlite() {
        let s = Store::connect(
            "sqlite::memory:",
            &ConnectOptions {
                max_connections: 1,
                sqlite_synchronous_full: false,
            },
        )
        .await
        .unwrap();
        triggers_rebuild_and_naive_agree(&s).await;
    }

    /// The same on a fresh PostgreSQL database when `TUQUAN_TEST_POSTGRES_URL` is set.
    #[tokio::test]
    async fn triggers_rebuild_and_naive_agree_on_postgres() {
        let Some(admin) = std::env::var("TUQUAN_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            return;
        };
        let name = format!(
            "tuquan_store_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let root = Store::connect(&admin, &ConnectOptions::default())
            .await
            .unwrap();
        exec(&root, &format!("CREATE DATABASE {name}")).await;
        let (base, _) = admin.rsplit_once('/').unwrap();
        let s = Store::connect(&format!("{base}/{name}"), &ConnectOptions::default())
            .await
            .unwrap();
        triggers_rebuild_and_naive_agree(&s).await;
        s.close().await;
        exec(&root, &format!("DROP DATABASE {name} WITH (FORCE)")).await;
    }

    async fn triggers_rebuild_and_naive_agree(s: &Store) {
        let s = s.clone();
        s.migrate().await.unwrap();
        assert!(s.rollups_maintained().await.unwrap());
        let t = "2026-01-01T00:00:00.000000Z";
        for (code, parent, path, level) in [
            ("79", None, "79", 1),
            ("26743", Some("79"), "79/26743", 2),
            ("26743-kp01", Some("26743"), "79/26743/kp01", 3),
            ("26743-kp02", Some("26743"), "79/26743/kp02", 3),
        ] {
            with_pool!(s, p => {
                sqlx::query(
                    "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, \
                     name_folded, sort_key, valid_from, created_at, updated_at) \
                     VALUES ($1, $2, '79', $3, $4, 'khu_pho', $1, $1, $5, $6, $6, $6)",
                )
                .bind(code)
                .bind(parent)
                .bind(path)
                .bind(level)
                .bind(code.as_bytes().to_vec())
                .bind(t)
                .execute(p)
                .await
                .unwrap();
            });
        }
        // Two items in kp01 (one acknowledged after 2 h on time, resolved after 3 days on time,
        // rated 4), one in kp02 still new and overdue.
        let ins = |id: i64, unit: &str, cat: &str, created: &str| {
            format!(
                "INSERT INTO feedback (tracking_code, province_code, commune_code, unit_code, \
                 unit_path, category, description, level, role, ack_due_at, resolve_due_at, \
                 created_at, updated_at) VALUES ('PA-{id}', '79', '26743', '{unit}', \
                 '79/{}', '{cat}', 'x', 'unit', 'unit_head', '2026-03-02T08:00:00.000000Z', \
                 '2026-03-05T08:00:00.000000Z', '{created}', '{created}')",
                unit.replace('-', "/")
            )
        };
        exec(
            &s,
            &ins(1, "26743-kp01", "traffic", "2026-03-02T02:00:00.000000Z"),
        )
        .await;
        exec(
            &s,
            &ins(
                2,
                "26743-kp01",
                "environment",
                "2026-03-02T03:00:00.000000Z",
            ),
        )
        .await;
        exec(
            &s,
            &ins(3, "26743-kp02", "traffic", "2026-03-02T04:00:00.000000Z"),
        )
        .await;
        exec(
            &s,
            "UPDATE feedback SET status = 'acknowledged', acknowledged_at = '2026-03-02T04:00:00.000000Z' WHERE tracking_code = 'PA-1'",
        )
        .await;
        exec(
            &s,
            "UPDATE feedback SET status = 'resolved', resolved_at = '2026-03-05T02:00:00.000000Z', rating = 4 WHERE tracking_code = 'PA-1'",
        )
        .await;
        let m = Month::parse("from", "2026-03").unwrap();
        let now = "2026-03-10T00:00:00.000000Z";
        let fast = s.report_at("26743", m, m, None, now).await.unwrap();
        let naive = s.report_naive_at("26743", m, m, None, now).await.unwrap();
        assert_eq!(fast, naive);
        assert_eq!(fast.total.received, 3);
        assert_eq!(fast.total.acknowledged_on_time, 1);
        assert_eq!(fast.total.resolved, 1);
        assert_eq!(fast.total.resolved_on_time, 1);
        assert_eq!(fast.total.ratings, [0, 0, 0, 1, 0]);
        assert_eq!(fast.total.overdue_now, 2);
        assert_eq!(fast.total.ack_time.median().unwrap().bucket, 4);
        assert_eq!(fast.categories.len(), 2);
        assert_eq!(fast.children.len(), 2);
        assert_eq!(fast.children[0].counts.received, 2);
        assert_eq!(fast.children[1].counts.overdue_now, 1);
        for unit in [COUNTRY, "79", "26743-kp01"] {
            for cat in [None, Some("traffic")] {
                assert_eq!(
                    s.report_at(unit, m, m, cat, now).await.unwrap(),
                    s.report_naive_at(unit, m, m, cat, now).await.unwrap(),
                    "{unit} {cat:?}"
                );
            }
        }
        // The month-by-month totals (one query) equal each month's report but "overdue now".
        let (feb, apr) = (m.plus(-1), m.plus(1));
        for unit in [COUNTRY, "79", "26743", "26743-kp02"] {
            for cat in [None, Some("traffic")] {
                let months = s.monthly_totals(unit, feb, apr, cat).await.unwrap();
                let mut want = s.report_at(unit, m, m, cat, now).await.unwrap().total;
                want.overdue_now = 0;
                assert_eq!(months, vec![(m, want)], "{unit} {cat:?}");
            }
        }
        assert!(matches!(
            s.monthly_totals("nowhere", m, m, None).await,
            Err(StoreError::NotFound)
        ));
        s.pause_rollups().await.unwrap();
        exec(
            &s,
            &ins(4, "26743-kp02", "traffic", "2026-03-03T04:00:00.000000Z"),
        )
        .await;
        assert_ne!(
            s.report_at("79", m, m, None, now).await.unwrap(),
            s.report_naive_at("79", m, m, None, now).await.unwrap()
        );
        s.resume_rollups().await.unwrap();
        assert_eq!(
            s.report_at("79", m, m, None, now).await.unwrap(),
            s.report_naive_at("79", m, m, None, now).await.unwrap()
        );
        s.rebuild_rollups().await.unwrap();
        assert_eq!(
            s.report_at(COUNTRY, m, m, None, now).await.unwrap(),
            s.report_naive_at(COUNTRY, m, m, None, now).await.unwrap()
        );
    }
}

/// A rough measurement at province scale on SQLite; run by hand:
/// `TQ_PERF_FEEDBACK=1500000 TQ_PERF_RESIDENTS=11000000 cargo test --release -p tuquan-store
/// perf_at_province_scale -- --ignored --nocapture`.
mod perf {
    use super::*;
    use crate::ConnectOptions;

    fn env(name: &str, default: i64) -> i64 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    async fn exec(s: &Store, q: &str) {
        with_pool!(s, p => { sqlx::raw_sql(q).execute(p).await.unwrap(); });
    }

    #[tokio::test]
    #[ignore]
    async fn perf_at_province_scale() {
        let feedback = env("TQ_PERF_FEEDBACK", 200_000);
        let residents = env("TQ_PERF_RESIDENTS", 1_000_000);
        let households = residents * 10 / 31;
        let dir = std::env::temp_dir().join(format!("tq-perf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/perf.db", dir.display());
        let s = Store::connect(
            &url,
            &ConnectOptions {
                max_connections: 2,
                sqlite_synchronous_full: false,
            },
        )
        .await
        .unwrap();
        s.migrate().await.unwrap();
        s.pause_rollups().await.unwrap();
        let t = std::time::Instant::now();
        let ts = "2024-12-01T00:00:00.000000Z";
        exec(&s, &format!(
            "INSERT INTO units (code, parent_code, province_code, path, level, kind, name, name_folded, sort_key, valid_from, created_at, updated_at) \
             VALUES ('79', NULL, '79', '79', 1, 'thanh_pho', 'HCM', 'hcm', x'01', '{ts}', '{ts}', '{ts}');
             WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 167) \
             INSERT INTO units (code, parent_code, province_code, path, level, kind, name, name_folded, sort_key, valid_from, created_at, updated_at) \
             SELECT printf('%05d', 26000 + i), '79', '79', '79/' || printf('%05d', 26000 + i), 2, 'phuong', 'P' || i, 'p', x'02', '{ts}', '{ts}', '{ts}' FROM c;
             WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 168 * 60 - 1) \
             INSERT INTO units (code, parent_code, province_code, path, level, kind, name, name_folded, sort_key, valid_from, created_at, updated_at) \
             SELECT printf('%05d', 26000 + i / 60) || '-kp' || printf('%02d', i % 60), printf('%05d', 26000 + i / 60), '79', \
             '79/' || printf('%05d', 26000 + i / 60) || '/kp' || printf('%02d', i % 60), 3, 'khu_pho', 'KP' || i, 'kp', x'03', '{ts}', '{ts}', '{ts}' FROM c;"
        )).await;
        // Two years of feedback; only the last two months still have open items.
        exec(&s, &format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {feedback} - 1), \
             g AS (SELECT i, (i * 7919) % 10080 AS u, (i * 104729) % 63072000 AS sec FROM n) \
             INSERT INTO feedback (tracking_code, province_code, commune_code, unit_code, unit_path, category, description, \
               status, level, role, ack_due_at, resolve_due_at, acknowledged_at, resolved_at, rating, created_at, updated_at) \
             SELECT 'PA-' || i, '79', printf('%05d', 26000 + u / 60), printf('%05d', 26000 + u / 60) || '-kp' || printf('%02d', u % 60), \
               '79/' || printf('%05d', 26000 + u / 60) || '/kp' || printf('%02d', u % 60), \
               CASE i % 7 WHEN 0 THEN 'security_order' WHEN 1 THEN 'traffic' WHEN 2 THEN 'environment' WHEN 3 THEN 'fire_risk' \
                 WHEN 4 THEN 'infrastructure' WHEN 5 THEN 'administrative' ELSE 'other' END, 'x', \
               CASE WHEN sec < 58000000 THEN (CASE WHEN i % 10 = 0 THEN 'rejected' ELSE 'resolved' END) \
                    ELSE (CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'in_progress' ELSE 'resolved' END) END, \
               'unit', 'unit_head', \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + 28800) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + 259200) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + (i * 31) % 86400) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || (sec + (i * 37) % 604800) || ' seconds'), \
               CASE WHEN i % 3 = 0 THEN 1 + i % 5 END, \
               strftime('%Y-%m-%dT%H:%M:%S.000000Z', '{ts}', '+' || sec || ' seconds'), '{ts}' FROM g; \
             UPDATE feedback SET acknowledged_at = NULL WHERE status = 'new'; \
             UPDATE feedback SET resolved_at = NULL WHERE status NOT IN ('resolved');"
        )).await;
        exec(&s, &format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {households} - 1) \
             INSERT INTO households (id, province_code, unit_code, address, representative_name, name_folded, member_count, status, created_at) \
             SELECT i + 1, '79', printf('%05d', 26000 + (i % 10080) / 60) || '-kp' || printf('%02d', (i % 10080) % 60), 'a', 'r', 'r', 3, \
               CASE WHEN i % 50 = 0 THEN 'moved_away' ELSE 'active' END, '{ts}' FROM n;
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {residents} - 1) \
             INSERT INTO residents (province_code, household_id, unit_code, full_name, name_folded, sort_key, birth_date, gender, residence_type, status, created_at, updated_at) \
             SELECT '79', 1 + (i * 10 / 31), h.unit_code, 'n', 'n', x'00', '1980-01-01', 'male', 'permanent', \
               CASE WHEN i % 40 = 0 THEN 'moved_away' ELSE 'active' END, '{ts}', '{ts}' FROM n JOIN households h ON h.id = 1 + (i * 10 / 31);"
        )).await;
        println!("loaded in {:?}", t.elapsed());
        let t = std::time::Instant::now();
        s.resume_rollups().await.unwrap();
        println!("resume (install + rebuild) in {:?}", t.elapsed());
        exec(&s, "ANALYZE").await;
        let from = Month::parse("from", "2024-12").unwrap();
        let to = Month::parse("to", "2026-11").unwrap();
        let now = "2026-11-20T00:00:00.000000Z";
        for unit in ["26001", "79"] {
            let mut times = Vec::new();
            for _ in 0..21 {
                let t = std::time::Instant::now();
                let r = s.report_at(unit, from, to, None, now).await.unwrap();
                times.push(t.elapsed());
                assert!(r.total.received > 0);
            }
            times.sort();
            let t = std::time::Instant::now();
            let naive = s.report_naive_at(unit, from, to, None, now).await.unwrap();
            let naive_time = t.elapsed();
            let fast = s.report_at(unit, from, to, None, now).await.unwrap();
            println!(
                "{unit}: p50 {:?}, max {:?}; naive {:?}; received {}, overdue {}, residents {}",
                times[10],
                times[20],
                naive_time,
                fast.total.received,
                fast.total.overdue_now,
                fast.population.residents
            );
            assert_eq!(fast, naive);
            let scope = s.scope(unit).await.unwrap();
            let t = std::time::Instant::now();
            s.child_units(&scope, from).await.unwrap();
            println!("  child units {:?}", t.elapsed());
            let t = std::time::Instant::now();
            let children = s.child_units(&scope, from).await.unwrap();
            s.overdue_now(&scope, &children, from, to, "", now)
                .await
                .unwrap();
            println!("  overdue {:?}", t.elapsed());
            let t = std::time::Instant::now();
            s.population_of(&scope).await.unwrap();
            s.child_population(&scope).await.unwrap();
            println!("  population {:?}", t.elapsed());
        }
        s.close().await;
        if std::env::var_os("TQ_PERF_KEEP").is_none() {
            std::fs::remove_dir_all(&dir).ok();
        } else {
            println!("kept {}", dir.display());
        }
    }
}
