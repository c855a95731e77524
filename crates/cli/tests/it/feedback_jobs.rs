//! The feedback jobs: escalation of overdue items and reminders before a deadline, run by
//! `tuquan feedback run-jobs` (the same pass `serve` runs every minute) after moving
//! deadlines in the database, as time would.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

async fn send(server: &Server, category: &str) -> String {
    let r = server
        .http
        .post(server.url("/api/v1/feedback"))
        .json(
            &json!({"category": category, "description": "Cống bị tắc, nước tràn ra đường",
            "unit_code": "26743-kp01", "address": "5 Lê Lợi"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    b["tracking_code"].as_str().unwrap().to_owned()
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
