//! The feedback jobs: escalation of overdue items and reminders before a deadline, run by
//! `tuquan feedback run-jobs` (the same pass `serve` runs every minute) after moving
//! deadlines in the database, as time would; and the notices of a change written with it
//! or not at all (the outbox in the change's transaction).

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

async fn send(server: &Server, category: &str) -> String {
    crate::harness::submit_feedback(
        server,
        json!({"category": category, "description": "Cống bị tắc, nước tràn ra đường",
            "unit_code": "26743-kp01", "address": "5 Lê Lợi"}),
    )
    .await
}

fn shifted(minutes: i64) -> String {
    tuquan_store::stamp(Timestamp::now() + SignedDuration::from_mins(minutes))
}

on_both_backends!(deadlines_escalate_and_remind_once);
async fn deadlines_escalate_and_remind_once(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let overdue = send(&server, "environment").await;
    let soon = send(&server, "environment").await;
    let later = send(&server, "environment").await;
    // The acknowledgement deadline passed an hour ago for one; for another it is 30 minutes
    // away, within the reminder lead (a quarter of 8 working hours) whatever the hour now.
    db.execute(&format!(
        "UPDATE feedback SET ack_due_at = '{}' WHERE tracking_code = '{overdue}'",
        shifted(-60)
    ))
    .await;
    db.execute(&format!(
        "UPDATE feedback SET ack_due_at = '{}' WHERE tracking_code = '{soon}'",
        shifted(30)
    ))
    .await;

    let out = db.run_ok(&["feedback", "run-jobs"], "");
    assert!(out.contains("escalated"), "{out}");
    // Run twice: each missed deadline escalates once and each deadline is reminded once.
    db.run_ok(&["feedback", "run-jobs"], "");

    let q = |code: &str, cond: &str| {
        format!("SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND {cond}")
    };
    assert_eq!(
        db.count(&q(&overdue, "level = 'commune' AND escalations = 1"))
            .await,
        1,
        "the overdue item went one level up, once"
    );
    assert_eq!(
        db.count(&q(&soon, "level = 'unit' AND escalations = 0"))
            .await,
        1
    );
    assert_eq!(db.count(&q(&later, "escalations = 0")).await, 1);
    let events = |code: &str, kind: &str| {
        format!(
            "SELECT COUNT(*) FROM feedback_events e JOIN feedback f ON f.id = e.feedback_id \
             WHERE f.tracking_code = '{code}' AND e.kind = '{kind}'"
        )
    };
    assert_eq!(db.count(&events(&overdue, "escalated")).await, 1);
    assert_eq!(db.count(&events(&soon, "reminder.ack")).await, 1);
    assert_eq!(db.count(&events(&later, "reminder.ack")).await, 0);
    assert_eq!(db.count(&events(&overdue, "reminder.ack")).await, 0);
    // The escalation is audited; the unit head is reminded in the app.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.escalate'")
            .await,
        1
    );
    let head = db
        .count("SELECT id FROM users WHERE username = 'totruong.kp01'")
        .await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {head} AND kind = 'feedback.reminder'"
        ))
        .await,
        1
    );
    // Commune officials hear about the escalated item.
    assert!(
        db.count("SELECT COUNT(*) FROM notifications WHERE kind = 'feedback.escalated'")
            .await
            >= 1
    );
    // Reminders are internal: the public tracking view does not show them.
    let (s, t) = server.get_json(&format!("/api/v1/feedback/{soon}")).await;
    assert_eq!(s, 200);
    assert!(!t.to_string().contains("reminder"), "{t}");
}

/// Makes every insert into `table` fail (a trigger), as a full disk or a broken constraint
/// would; `on = false` removes it again.
async fn fail_inserts(db: &TestDb, table: &str, on: bool) {
    let postgres = db.database_url().is_some();
    let sql = match (postgres, on) {
        (false, true) => format!(
            "CREATE TRIGGER tq_test_fail BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, 'test failure'); END;"
        ),
        (false, false) => "DROP TRIGGER tq_test_fail;".to_owned(),
        (true, true) => format!(
            "CREATE OR REPLACE FUNCTION tq_test_fail() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'test failure'; END $$; \
             CREATE TRIGGER tq_test_fail BEFORE INSERT ON {table} \
             FOR EACH ROW EXECUTE FUNCTION tq_test_fail();"
        ),
        (true, false) => format!("DROP TRIGGER tq_test_fail ON {table};"),
    };
    db.execute(&sql).await;
}

on_both_backends!(notices_are_written_with_their_change_or_not_at_all);
async fn notices_are_written_with_their_change_or_not_at_all(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let outbox = "SELECT COUNT(*) FROM outbox WHERE purpose = 'feedback.arrived'";
    let items = "SELECT COUNT(*) FROM feedback";
    let before = (db.count(items).await, db.count(outbox).await);
    let post = || async {
        server
            .http
            .post(server.url("/api/v1/feedback"))
            .json(
                &json!({"category": "environment", "description": "Rác đổ trộm ven kênh",
                "unit_code": "26743-kp01"}),
            )
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    // The outbox refuses the notice: the item is not stored either.
    fail_inserts(db, "outbox", true).await;
    assert_eq!(post().await, 500);
    fail_inserts(db, "outbox", false).await;
    assert_eq!((db.count(items).await, db.count(outbox).await), before);
    // The change fails after its notice was written (its audit row is refused): no
    // message is left behind.
    fail_inserts(db, "audit_log", true).await;
    assert_eq!(post().await, 500);
    fail_inserts(db, "audit_log", false).await;
    assert_eq!((db.count(items).await, db.count(outbox).await), before);
    // Both work: the item and the notice to the khu phố's head, together.
    assert_eq!(post().await, 201);
    assert_eq!(db.count(items).await, before.0 + 1);
    assert!(db.count(outbox).await > before.1);
}
