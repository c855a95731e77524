//! Every wrong field at once on the feedback forms (issue 12, point 3): the staff step form
//! and the sender's reopen form show all their errors beside their fields with a summary,
//! keep what was typed and change nothing; the API keeps its codes and names the first
//! field; a step the item's state refuses stays a rule (422) whatever was typed.

use serde_json::json;

use crate::feedback_pages::resolve;
use crate::harness::{csrf_in, form, page, post_json, post_json_opt, Server, TestDb};
use crate::on_both_backends;

const PHONE: &str = "0909876543";

/// Feedback about Khu phố 1 with a contact, through the API; its tracking code.
async fn send(server: &Server, description: &str) -> String {
    crate::harness::submit_feedback(
        server,
        json!({"category": "infrastructure", "description": description,
               "unit_code": "26743-kp01", "contact_phone": PHONE}),
    )
    .await
}

async fn events_of(db: &TestDb, code: &str) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) FROM feedback_events e JOIN feedback f ON f.id = e.feedback_id \
         WHERE f.tracking_code = '{code}'"
    ))
    .await
}

/// The error beside the control `id`, its link in the summary and the control marked.
fn shows_error_at(html: &str, id: &str) -> bool {
    html.contains(&format!("id=\"{id}-error\""))
        && html.contains(&format!("<a href=\"#{id}\">"))
        && html.contains(&format!("aria-describedby=\"{id}-hint {id}-error\""))
}

on_both_backends!(the_step_form_shows_every_error_at_once);
async fn the_step_form_shows_every_error_at_once(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let code = send(&server, "Cột điện nghiêng").await;
    let (head, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let steps = format!("/feedback/inbox/{code}/steps");
    let before = events_of(db, &code).await;
    let long = format!("Ghi chú nội bộ rất dài {}", "x".repeat(2000));

    // A duplicate without its original and with a note too long: both, with a summary.
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "duplicate"),
            ("public_note", "Trùng với phản ánh trước"),
            ("internal_note", &long),
            ("duplicate_of", " "),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("id=\"error-summary\""), "a summary");
    assert!(shows_error_at(&html, "internal_note"), "{html}");
    assert!(shows_error_at(&html, "duplicate_of"), "{html}");
    assert!(html.contains("Trùng với phản ánh trước"), "values kept");
    assert!(html.contains("Ghi chú nội bộ rất dài"), "values kept");
    // A note too long and no such account: both again (the account is looked up anyway).
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "assign"),
            ("internal_note", &long),
            ("assignee_id", "999999"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(shows_error_at(&html, "internal_note") && shows_error_at(&html, "assignee_id"));
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "duplicate"),
            ("internal_note", &long),
            ("duplicate_of", "PA-22222222"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(shows_error_at(&html, "internal_note") && shows_error_at(&html, "duplicate_of"));
    // A step the state refuses is said once, beside the action, whatever was typed.
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "resolve"),
            ("internal_note", &long),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"action-error\"") && !html.contains("id=\"internal_note-error\""));
    assert_eq!(events_of(db, &code).await, before, "nothing changed");

    // The API keeps its codes and names the first wrong field, in the form's order.
    let path = format!("/api/v1/feedback/{code}/steps");
    let (s, b) = post_json(
        &server,
        &server.token,
        &path,
        json!({"action": "duplicate", "internal_note": long}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (400, Some("internal_note")),
        "{b}"
    );
    let (s, b) = post_json(
        &server,
        &server.token,
        &path,
        json!({"action": "duplicate"}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["field"], "duplicate_of");
    let (s, b) = post_json(&server, &server.token, &path, json!({"action": "resolve"})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("transition_not_allowed"))
    );
    assert_eq!(events_of(db, &code).await, before, "nothing changed");

    // The page's form still works.
    let (s, _, _) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "acknowledge"),
            ("internal_note", "Đã xem"),
        ],
    )
    .await;
    assert_eq!(s, 303);
}

on_both_backends!(the_reopen_form_shows_the_reason_and_the_contact_at_once);
async fn the_reopen_form_shows_the_reason_and_the_contact_at_once(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let code = send(&server, "Đèn đường tắt").await;
    resolve(&server, &code).await;
    let b = crate::harness::browser();
    let (_, html) = page(&b, &server, &format!("/feedback/{code}")).await;
    let csrf = csrf_in(&html);
    let before = events_of(db, &code).await;
    // No reason and a contact that is not the sender's: both errors, beside their fields.
    let (s, _, html) = form(
        &b,
        &server,
        &format!("/feedback/{code}/reopen"),
        &[("csrf", &csrf), ("reason", " "), ("contact", "0900000000")],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("id=\"reason-error\"") && html.contains("<a href=\"#reason\">"));
    assert!(
        html.contains("id=\"reopen-contact-error\"")
            && html.contains("<a href=\"#reopen-contact\">"),
        "{html}"
    );
    assert!(html.contains("Hãy nêu lý do mở lại") && html.contains("không khớp"));
    // Alone, a contact that is not the sender's is still a refusal (403).
    let (s, _, _) = form(
        &b,
        &server,
        &format!("/feedback/{code}/reopen"),
        &[
            ("csrf", &csrf),
            ("reason", "Vẫn tắt"),
            ("contact", "0900000000"),
        ],
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(events_of(db, &code).await, before, "nothing changed");
    // The API names the first field (the reason) and keeps its code.
    let (s, b) = post_json_opt(
        &server,
        None,
        &format!("/api/v1/feedback/{code}/reopen"),
        json!({"reason": "", "contact": "0900000000"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (400, Some("reason")),
        "{b}"
    );
    assert_eq!(events_of(db, &code).await, before, "nothing changed");
}
