//! Issue 10: transactions that read before they write, run by many writers at once. On
//! SQLite every writing transaction begins `IMMEDIATE` (`BeginWrite` in the store), so none
//! is refused at its first write ("database is locked") because another writer committed
//! between its read and its write; before, such a refusal was a 500.

use serde_json::json;
use tokio::task::JoinSet;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const WRITERS: usize = 8;
const ROUNDS: usize = 5;

on_both_backends!(concurrent_read_then_write_transactions_get_no_500);
async fn concurrent_read_then_write_transactions_get_no_500(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let regulations = "SELECT COUNT(*) FROM regulations";
    let households = "SELECT COUNT(*) FROM households";
    let (regs_before, households_before) =
        (db.count(regulations).await, db.count(households).await);
    // One khu phố per writer, so the version numbers of a unit's regulations never race.
    let mut set = JoinSet::new();
    for w in 0..WRITERS {
        let unit = format!("26743-kp{:02}", w + 1);
        let http = server.http.clone();
        let base = server.url("");
        let token = server.token.clone();
        set.spawn(async move {
            let mut answers = Vec::new();
            for r in 0..ROUNDS {
                // Reads the unit's last version, then inserts the next one.
                let regulation = json!({"signed_on": format!("2025-0{}-0{}", r + 1, w + 1),
                    "unit_head_name": "Nguyễn Văn Trưởng", "front_head_name": "Lê Thị Mặt Trận"});
                // Writes first: a household.
                let household = json!({"address": format!("{w}-{r} Đường Đồng Thời")});
                for (path, body) in [
                    (format!("/api/v1/units/{unit}/regulations"), regulation),
                    (format!("/api/v1/units/{unit}/households"), household),
                ] {
                    let res = http
                        .post(format!("{base}{path}"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    let status = res.status().as_u16();
                    answers.push((path, status, res.text().await.unwrap_or_default()));
                }
            }
            answers
        });
    }
    let mut refused = Vec::new();
    while let Some(answers) = set.join_next().await {
        refused.extend(answers.unwrap().into_iter().filter(|(_, s, _)| *s != 201));
    }
    assert!(refused.is_empty(), "{refused:#?}");
    let written = (WRITERS * ROUNDS) as i64;
    assert_eq!(db.count(regulations).await, regs_before + written);
    assert_eq!(db.count(households).await, households_before + written);
    // Each unit's new versions follow each other without a gap or a repeat.
    let versions = db
        .count(
            "SELECT COUNT(DISTINCT unit_code || '/' || version) FROM regulations \
             WHERE unit_code LIKE '26743-kp0%'",
        )
        .await;
    assert_eq!(
        versions,
        db.count("SELECT COUNT(*) FROM regulations WHERE unit_code LIKE '26743-kp0%'")
            .await
    );
}
