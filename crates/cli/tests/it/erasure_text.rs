//! Issue 11 #8: after an approved erasure, the person's full name is replaced by the
//! pseudonym in free text the product shows — staff notes and public summaries of feedback,
//! announcement bodies (docs/people.md, "Erasure").

use serde_json::json;

use crate::harness::{get_json_opt, household_with, post_json, post_json_opt, Server, TestDb};
use crate::on_both_backends;

const NAME: &str = "Lương Thị Mờ";

on_both_backends!(an_approved_erasure_redacts_the_name_in_free_text);
async fn an_approved_erasure_redacts_the_name_in_free_text(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let token = server.token.clone();
    let member = json!({"full_name": NAME, "birth_date": "1960-05-01", "gender": "female",
                        "residence_type": "permanent"});
    let household = json!({"address": "3 Đường Thử"});
    let (_, rid) = household_with(&server, "26743-kp01", household, member).await;
    // Feedback about her, with a staff note and a public summary naming her.
    let (s, f) = post_json_opt(
        &server,
        None,
        "/api/v1/feedback",
        json!({"category": "traffic", "description": "Xe đỗ chắn lối đi",
               "unit_code": "26743-kp01"}),
    )
    .await;
    assert_eq!(s, 201, "{f}");
    let code = f["tracking_code"].as_str().unwrap().to_owned();
    let steps = format!("/api/v1/feedback/{code}/steps");
    for body in [
        json!({"action": "note", "internal_note": format!("Đã gọi bà {} (LƯƠNG THỊ MỜ) lúc 9 giờ", NAME)}),
        json!({"action": "summary", "public_summary": "Nhà bà lương  thị mờ để xe chắn lối."}),
    ] {
        let (s, b) = post_json(&server, &token, &steps, body).await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, a) = post_json(
        &server,
        &token,
        "/api/v1/units/26743/announcements",
        json!({"title": "Cảm ơn", "body": format!("Cảm ơn bà {NAME} đã giúp đỡ. Bà Lương Thị Mờng cũng vậy."),
               "category": "other", "public": true}),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    // A meeting she chairs, with an agenda item naming her (issue 15's areas keep names too).
    let (s, m) = post_json(
        &server,
        &token,
        "/api/v1/units/26743-kp01/meetings",
        json!({"kind": "other", "title": "Họp tổ", "date": "2031-03-02", "time": "19:30",
               "place": "Nhà văn hóa", "chair": NAME,
               "agenda": [format!("Ý kiến của bà {NAME}")]}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let (s, req) = post_json(
        &server,
        &token,
        &format!("/api/v1/residents/{rid}/erasure-requests"),
        json!({"reason": "chuyển đi"}),
    )
    .await;
    assert_eq!(s, 201, "{req}");
    // Nothing changes before the approval.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM feedback_events WHERE internal_note LIKE '%Lương Thị Mờ%'")
            .await,
        1
    );
    let (s, _) = post_json(
        &server,
        &token,
        &format!("/api/v1/erasure-requests/{}/decision", req["id"]),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(s, 200);
    let pseudonym = format!("Đã ẩn danh #{rid}");
    let note = db
        .count(&format!(
            "SELECT COUNT(*) FROM feedback_events WHERE internal_note = \
             'Đã gọi bà {pseudonym} ({pseudonym}) lúc 9 giờ'"
        ))
        .await;
    assert_eq!(note, 1, "the staff note names the pseudonym, twice");
    // The public answer everywhere: the summary, redacted.
    let (s, public) = get_json_opt(&server, None, &format!("/api/v1/feedback/{code}")).await;
    assert_eq!(s, 200, "{public}");
    assert_eq!(
        public["public_summary"].as_str(),
        Some(format!("Nhà bà {pseudonym} để xe chắn lối.").as_str()),
        "{public}"
    );
    let (s, ann) = get_json_opt(
        &server,
        Some(&token),
        &format!("/api/v1/announcements/{}", a["id"]),
    )
    .await;
    assert_eq!(s, 200, "{ann}");
    let text = ann.to_string();
    assert!(
        text.contains(&format!("Cảm ơn bà {pseudonym} đã giúp đỡ")),
        "{ann}"
    );
    // A longer name that only starts like hers stays.
    assert!(text.contains("Bà Lương Thị Mờng cũng vậy"), "{ann}");
    for sql in [
        "SELECT COUNT(*) FROM feedback_events WHERE internal_note LIKE '%Mờ %'",
        "SELECT COUNT(*) FROM feedback WHERE public_summary LIKE '%mờ%'",
        "SELECT COUNT(*) FROM announcement_versions WHERE body LIKE '%Lương Thị Mờ %'",
        "SELECT COUNT(*) FROM meetings WHERE chair_name LIKE '%Lương Thị Mờ%'",
        "SELECT COUNT(*) FROM meeting_agenda WHERE title LIKE '%Lương Thị Mờ%'",
    ] {
        assert_eq!(db.count(sql).await, 0, "{sql}");
    }
    // The audit log is never rewritten: its free text is redacted when read (by the keyed
    // hashes of the name's word runs), while the stored row keeps it.
    let (s, log) = get_json_opt(
        &server,
        Some(&token),
        "/api/v1/audit?unit=26743&action=feedback.summary",
    )
    .await;
    assert_eq!(s, 200, "{log}");
    let after = &log["items"][0]["after"];
    assert_eq!(
        after["public_summary"].as_str(),
        Some(format!("Nhà bà {pseudonym} để xe chắn lối.").as_str()),
        "{log}"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%thị mờ để%'")
            .await,
        1
    );
    // The approval's audit row says how many texts changed, never which: the note, the
    // summary, the announcement's body (two tables), the meeting's chair and agenda item,
    // and the meeting's invitation (two tables) when it names them.
    let mut changed = 0;
    for n in 6..=8 {
        changed += db
            .count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'resident.erased' \
                 AND after_json LIKE '%\"texts_redacted\":{n}%'"
            ))
            .await;
    }
    assert_eq!(changed, 1);
}
