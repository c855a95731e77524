//! The attendance operations as the API contract documents them (issue 11): a cluster beyond
//! the meeting's count is a 422 rule naming `cluster`, a person who does not exist is a 404
//! (it was a 500), and the proxy's multipart body refuses parts it does not document and
//! control characters in a text field sent as a file part — each changing nothing.

use serde_json::{json, Value};

use crate::announcements::{demo_token, get, post};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const KHU_PHO: &str = "26743-kp01";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// The held meeting of the demo khu phố and the code of its first row.
async fn held_meeting(db: &TestDb, server: &Server, head: &str) -> (i64, String) {
    let id = db
        .count(&format!(
            "SELECT MIN(m.id) FROM meetings m JOIN meeting_minutes v ON v.meeting_id = m.id \
             WHERE m.unit_code = '{KHU_PHO}'"
        ))
        .await;
    let (s, att) = get(server, head, &format!("/api/v1/meetings/{id}/attendance")).await;
    assert_eq!(s, 200, "{att}");
    (id, att["rows"][0]["code"].as_str().unwrap().to_owned())
}

async fn proxy(server: &Server, token: &str, id: i64, f: reqwest::multipart::Form) -> (u16, Value) {
    let path = format!("/api/v1/meetings/{id}/attendance/proxy");
    crate::harness::post_multipart(server, token, &path, f).await
}

fn pdf() -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(PDF).file_name("giay-uy-quyen.pdf")
}

on_both_backends!(attendance_refusals_are_documented_statuses);
async fn attendance_refusals_are_documented_statuses(db: &TestDb) {
    db.seed_demo_with_meetings();
    let head = demo_token(db, "totruong.kp01");
    let server = Server::start(db);
    let (id, code) = held_meeting(db, &server, &head).await;
    let recorded = || async {
        db.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.attend' AND target_id = '{id}'"
        ))
        .await
    };
    let before = recorded().await;
    let path = format!("/api/v1/meetings/{id}/attendance");

    // The meeting is held in one cluster: 2 is well formed, refused by the meeting (422).
    let (s, b) = post(&server, &head, &path, json!({"code": code, "cluster": 2})).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["code"], "rule_refused", "{b}");
    assert_eq!(b["error"]["field"], "cluster", "{b}");
    // The same through the proxy's form.
    let form = reqwest::multipart::Form::new()
        .text("code", code.clone())
        .text("name", "Lê Văn Ủy")
        .text("cluster", "2")
        .part("authorisation", pdf());
    let (s, b) = proxy(&server, &head, id, form).await;
    assert_eq!((s, &b["error"]["field"]), (422, &json!("cluster")), "{b}");

    // A person who does not exist: not found, no longer a failed write (500).
    let (s, b) = post(
        &server,
        &head,
        &path,
        json!({"code": code, "resident_id": 987_654_321}),
    )
    .await;
    assert_eq!(
        (s, &b["error"]["field"]),
        (404, &json!("resident_id")),
        "{b}"
    );

    // A part the body does not document.
    let form = reqwest::multipart::Form::new()
        .text("code", code.clone())
        .text("name", "Lê Văn Ủy")
        .text("note", "x")
        .part("authorisation", pdf());
    let (s, b) = proxy(&server, &head, id, form).await;
    assert_eq!(
        (s, &b["error"]["code"]),
        (400, &json!("invalid_body")),
        "{b}"
    );
    // A text field sent as a file part (which the edge leaves alone) with a control character.
    let form = reqwest::multipart::Form::new()
        .text("code", code.clone())
        .part(
            "name",
            reqwest::multipart::Part::bytes(b"L\x01e".to_vec()).file_name("n.txt"),
        )
        .part("authorisation", pdf());
    let (s, b) = proxy(&server, &head, id, form).await;
    assert_eq!(
        (s, &b["error"]["code"]),
        (400, &json!("invalid_body")),
        "{b}"
    );

    assert_eq!(recorded().await, before);
    // Well formed, the proxy is recorded.
    let form = reqwest::multipart::Form::new()
        .text("code", code.clone())
        .text("name", "Lê Văn Ủy")
        .part("authorisation", pdf());
    let (s, b) = proxy(&server, &head, id, form).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["attendee_kind"], "proxy", "{b}");
}
