//! `tuquan backup` under write load and `tuquan restore` (issue 11 #19): every write
//! acknowledged before the backup began is in the restored database, a mismatched identity
//! key and a non-empty target are refused, PostgreSQL is pointed at pg_dump.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{Backend, TestDb};

/// `tuquan serve` on a restored data directory (the harness would add an administrator,
/// who is already there): the child and its base URL.
fn serve(db: &TestDb) -> (Child, String) {
    let mut child = db
        .command()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut base = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(addr) = line.split("listening on ").nth(1) {
            base = Some(addr.trim().to_owned());
            break;
        }
    }
    (child, base.expect("the restored server started"))
}

fn run(cmd: &mut std::process::Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_under_load_restores_every_acknowledged_write() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = crate::harness::Server::start(&db);
    let (base, token) = (server.base.clone(), server.token.clone());

    // A writer creating units as fast as it can; each acknowledged write with its time.
    let stop = Arc::new(AtomicBool::new(false));
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let writer = {
        let (stop, acked, http) = (stop.clone(), acked.clone(), server.http.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let local = format!("bk{i}");
                let r = http
                    .post(format!("{base}/api/v1/units"))
                    .bearer_auth(&token)
                    .json(&json!({"parent_code": "26743", "local_code": local,
                                  "name": format!("Khu phố {i}"), "kind": "khu_pho"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
                acked
                    .lock()
                    .unwrap()
                    .push((format!("26743-{local}"), Instant::now()));
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;

    let out = db.data_dir().join("backup-1");
    let began = Instant::now();
    let (ok, stdout, stderr) = {
        let mut cmd = db.command();
        cmd.args(["backup", "--out", out.to_str().unwrap()]);
        tokio::task::spawn_blocking(move || run(&mut cmd))
            .await
            .unwrap()
    };
    assert!(ok, "backup failed: {stderr}");
    assert!(stdout.contains("backup written"), "{stdout}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let before: Vec<String> = acked
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, t)| *t < began)
        .map(|(c, _)| c.clone())
        .collect();
    assert!(before.len() >= 5, "too few writes before the backup");
    assert!(
        acked.lock().unwrap().len() > before.len(),
        "no write while the backup ran"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["database"], "sqlite");
    assert_eq!(manifest["key_fingerprint"].as_str().unwrap().len(), 64);
    assert!(manifest["schema_version"].as_i64().unwrap() > 0);

    // Restore into a new data directory: the key comes with it.
    let restored = TestDb::empty(Backend::Sqlite).await.unwrap();
    let (ok, _, stderr) =
        run(restored
            .command()
            .args(["restore", "--from", out.to_str().unwrap()]));
    assert!(ok, "restore failed: {stderr}");
    assert_eq!(
        std::fs::read_to_string(restored.data_dir().join("identity.key")).unwrap(),
        std::fs::read_to_string(db.data_dir().join("identity.key")).unwrap()
    );
    let list = before
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        restored
            .count(&format!(
                "SELECT COUNT(*) FROM units WHERE code IN ({list})"
            ))
            .await,
        before.len() as i64,
        "an acknowledged write is missing from the backup"
    );
    // The restored server serves them, to the same token.
    let (mut child, base) = serve(&restored);
    let r = server
        .http
        .get(format!("{base}/api/v1/units/{}", before.last().unwrap()))
        .bearer_auth(&server.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    child.kill().unwrap();
    child.wait().unwrap();

    // Into a non-empty target: refused without --force.
    let (ok, _, stderr) =
        run(restored
            .command()
            .args(["restore", "--from", out.to_str().unwrap()]));
    assert!(!ok && stderr.contains("--force"), "{stderr}");
    let (ok, _, stderr) =
        run(restored
            .command()
            .args(["restore", "--force", "--from", out.to_str().unwrap()]));
    assert!(ok, "{stderr}");

    // With another identity key configured: refused, even with --force.
    let other = TestDb::empty(Backend::Sqlite).await.unwrap();
    let other_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    for force in [false, true] {
        let mut cmd = other.command();
        cmd.env("TUQUAN_IDENTITY_KEY", other_key).args([
            "restore",
            "--from",
            out.to_str().unwrap(),
        ]);
        if force {
            cmd.arg("--force");
        }
        let (ok, _, stderr) = run(&mut cmd);
        assert!(!ok && stderr.contains("identity key"), "{stderr}");
    }
    assert!(!other.data_dir().join("tuquan.db").exists());
    let (ok, _, stderr) = run(other.command().env("TUQUAN_IDENTITY_KEY", other_key).args([
        "restore",
        "--ignore-key-mismatch",
        "--from",
        out.to_str().unwrap(),
    ]));
    assert!(ok, "{stderr}");

    // Into an existing directory that is not empty: refused.
    let (ok, _, stderr) = run(db
        .command()
        .args(["backup", "--out", out.to_str().unwrap()]));
    assert!(!ok && stderr.contains("not empty"), "{stderr}");
}

crate::on_postgres!(postgres_backup_points_at_pg_dump);
async fn postgres_backup_points_at_pg_dump(db: &TestDb) {
    let out = db.data_dir().join("backup");
    let (ok, _, stderr) = run(db
        .command()
        .args(["backup", "--out", out.to_str().unwrap()]));
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("pg_dump"), "{stderr}");
    let (ok, _, stderr) = run(db
        .command()
        .args(["restore", "--from", out.to_str().unwrap()]));
    assert!(!ok && stderr.contains("pg_restore"), "{stderr}");
}
