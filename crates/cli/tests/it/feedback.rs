//! Resident feedback: submission, routing, deadlines, the workflow, public privacy.

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use crate::harness::{audit_api, get_json_opt as get, post_json_opt as post, Server, TestDb};
use crate::on_both_backends;

/// Anonymous feedback about `unit`; returns its tracking code.
async fn send(server: &Server, unit: &str, category: &str) -> String {
    crate::harness::submit_feedback(
        server,
        json!({
        "category": category, "description": "Đèn đường hỏng ở hẻm 12, tối om",
        "unit_code": unit, "address": "12 Lê Thánh Tôn", "contact_name": "Nguyễn Văn Gửi",
        "contact_phone": "0909123456", "contact_email": "gui@example.vn"}),
    )
    .await
}

pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let (s, b) = match action {
        Action::FeedbackHandle => {
            let code = send(server, target, "traffic").await;
            post(
                server,
                Some(token),
                &format!("/api/v1/feedback/{code}/steps"),
                json!({"action": "acknowledge"}),
            )
            .await
        }
        Action::FeedbackConfigure => {
            let category = if n.is_multiple_of(2) {
                "traffic"
            } else {
                "environment"
            };
            let r = server
                .http
                .put(server.url(&format!("/api/v1/units/{target}/feedback-routes")))
                .bearer_auth(token)
                .json(
                    &json!({"category": category, "level": "commune", "role": "commune_official"}),
                )
                .send()
                .await
                .unwrap();
            let s = r.status().as_u16();
            (s, r.json().await.unwrap_or(Value::Null))
        }
        other => panic!("not a feedback action: {other:?}"),
    };
    (s, b.to_string())
}

pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let _ = (db, admin);
    if !tuquan_web::api::feedback::MUTATING.contains(&(method, path)) {
        return None;
    }
    let api = |m: reqwest::Method, p: String, body: Value| audit_api(server, rid, m, &p, &body);
    let code = send(server, "26743-kp01", "traffic").await;
    let step = |action: &str| {
        let server = &server;
        let code = code.clone();
        let action = action.to_owned();
        async move {
            post(
                server,
                Some(&server.token),
                &format!("/api/v1/feedback/{code}/steps"),
                json!({"action": action}),
            )
            .await
        }
    };
    Some(match path {
        "/api/v1/feedback" => api(
            reqwest::Method::POST,
            "/api/v1/feedback".into(),
            json!({
            "category": "environment", "description": "Rác tồn đọng", "unit_code": "26743-kp02",
            "contact_phone": "0909000111"}),
        ),
        "/api/v1/feedback/{code}/steps" => api(
            reqwest::Method::POST,
            format!("/api/v1/feedback/{code}/steps"),
            json!({"action": "acknowledge"}),
        ),
        "/api/v1/feedback/{code}/reopen" => {
            assert_eq!(step("start").await.0, 200);
            assert_eq!(step("resolve").await.0, 200);
            api(
                reqwest::Method::POST,
                format!("/api/v1/feedback/{code}/reopen"),
                json!({"reason": "vẫn chưa sửa", "contact": "0909123456"}),
            )
        }
        "/api/v1/feedback/{code}/rating" => {
            assert_eq!(step("start").await.0, 200);
            assert_eq!(step("resolve").await.0, 200);
            api(
                reqwest::Method::POST,
                format!("/api/v1/feedback/{code}/rating"),
                json!({"rating": "4", "contact": "0909123456"}),
            )
        }
        "/api/v1/units/{code}/feedback-routes" => api(
            reqwest::Method::PUT,
            "/api/v1/units/26743/feedback-routes".into(),
            json!({"category": "", "level": "unit", "role": "unit_head"}),
        ),
        _ => return None,
    })
}

on_both_backends!(feedback_is_routed_tracked_and_answered);
async fn feedback_is_routed_tracked_and_answered(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let code = send(&server, "26743-kp01", "infrastructure").await;
    assert!(code.starts_with("PA-") && code.len() == 11);
    // Routed to the unit head of Khu phố 1 by default, who is notified.
    let row = db.count(&format!("SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND level = 'unit' AND role = 'unit_head'")).await;
    assert_eq!(row, 1);
    let head_id = db
        .count("SELECT id FROM users WHERE username = 'totruong.kp01'")
        .await;
    assert!(
        db.count(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {head_id}"
        ))
        .await
            >= 1
    );
    // Deadlines are in the future and the resolution comes after the acknowledgement.
    let (_, t) = get(&server, None, &format!("/api/v1/feedback/{code}")).await;
    assert_eq!(t["status"], "new");
    assert_eq!(t["unit_name"], "Khu phố 1");

    // A commune routes security matters to its police.
    let official = db.user_with_token(
        "canbo.fb",
        "commune_official",
        Some("26743"),
        "official-pass-1",
    );
    let r = server
        .http
        .put(server.url("/api/v1/units/26743/feedback-routes"))
        .bearer_auth(&official)
        .json(&json!({"category": "security_order", "level": "commune", "role": "commune_police"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sec = send(&server, "26743-kp01", "security_order").await;
    assert_eq!(db.count(&format!("SELECT COUNT(*) FROM feedback WHERE tracking_code = '{sec}' AND role = 'commune_police'")).await, 1);
    let r = server
        .http
        .put(server.url("/api/v1/units/26743/feedback-routes"))
        .bearer_auth(&official)
        .json(&json!({"category": "nope", "level": "commune"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The workflow: forbidden steps are refused naming the field, allowed ones recorded.
    let head = db.user_with_token(
        "truong.fb",
        "unit_head",
        Some("26743-kp01"),
        "head-pass-123",
    );
    let steps = format!("/api/v1/feedback/{code}/steps");
    let (s, e) = post(&server, Some(&head), &steps, json!({"action": "resolve"})).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("status")),
        "resolve before acknowledging (a rule of the workflow)"
    );
    let (s, e) = post(&server, Some(&head), &steps, json!({"action": "reject"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("reason")));
    let (s, e) = post(&server, Some(&head), &steps, json!({"action": "fly"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("action")));
    for action in ["acknowledge", "start"] {
        let (s, b) = post(&server, Some(&head), &steps, json!({"action": action})).await;
        assert_eq!(s, 200, "{action}: {b}");
    }
    let (s, _) = post(
        &server,
        Some(&head),
        &steps,
        json!({"action": "note", "internal_note": "Gọi điện lực quận", "public_note": null}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, b) = post(
        &server,
        Some(&head),
        &steps,
        json!({"action": "resolve", "public_note": "Đã thay bóng đèn ngày 20/11."}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"], "resolved");
    // Another unit's head cannot act on it.
    let other = db.user_with_token(
        "truong.fb2",
        "unit_head",
        Some("26743-kp02"),
        "head-pass-123",
    );
    assert_eq!(
        post(
            &server,
            Some(&other),
            &steps,
            json!({"action": "note", "public_note": "x"})
        )
        .await
        .0,
        403
    );

    // Public tracking shows the answer and the public history, never the internal note.
    let (_, t) = get(&server, None, &format!("/api/v1/feedback/{code}")).await;
    assert_eq!(t["status"], "resolved");
    assert_eq!(t["public_answer"], "Đã thay bóng đèn ngày 20/11.");
    assert!(!t.to_string().contains("Gọi điện lực quận"));

    // The sender rates and may reopen within the window. Tracking codes are public, so
    // without an account the sender proves who they are with the phone left when sending.
    let rating = format!("/api/v1/feedback/{code}/rating");
    let (s, e) = post(&server, None, &rating, json!({"rating": "5"})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("contact")));
    let (s, e) = post(
        &server,
        None,
        &rating,
        json!({"rating": "5", "contact": "0909999999"}),
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("contact")));
    let (s, e) = post(
        &server,
        None,
        &rating,
        json!({"rating": "6", "contact": "0909123456"}),
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("rating")));
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND rating IS NOT NULL"
        ))
        .await,
        0,
        "refused ratings change nothing"
    );
    assert_eq!(
        post(
            &server,
            None,
            &rating,
            json!({"rating": "5", "contact": "0909123456"})
        )
        .await
        .0,
        200
    );
    let (s, r) = post(
        &server,
        None,
        &format!("/api/v1/feedback/{code}/reopen"),
        json!({"reason": "Đèn lại hỏng", "contact": "0909 123 456"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["status"], "in_progress");
    assert_eq!(
        get(&server, None, "/api/v1/feedback/PA-XXXXXXXX").await.0,
        404
    );

    // Duplicate and referral need their target.
    let dup = send(&server, "26743-kp01", "infrastructure").await;
    let (s, e) = post(
        &server,
        Some(&head),
        &format!("/api/v1/feedback/{dup}/steps"),
        json!({"action": "duplicate"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("duplicate_of"))
    );
    let (s, _) = post(
        &server,
        Some(&head),
        &format!("/api/v1/feedback/{dup}/steps"),
        json!({"action": "duplicate", "duplicate_of": code}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, t) = get(&server, None, &format!("/api/v1/feedback/{dup}")).await;
    assert_eq!(t["duplicate_of"], code.as_str());

    // The inbox lists them, with contacts, for staff only.
    let (s, inbox) = get(&server, Some(&head), "/api/v1/feedback-inbox").await;
    assert_eq!(s, 200);
    assert!(inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["tracking_code"] == code.as_str()));
    let resident = db.user_with_token("dan.fb", "resident", Some("26743-kp01"), "resident-pass-1");
    assert_eq!(
        get(&server, Some(&resident), "/api/v1/feedback-inbox")
            .await
            .0,
        403
    );
}

on_both_backends!(public_views_never_show_personal_data);
async fn public_views_never_show_personal_data(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let code = send(&server, "26743-kp01", "environment").await;
    let secrets = [
        "Nguyễn Văn Gửi",
        "0909123456",
        "gui@example.vn",
        "12 Lê Thánh Tôn",
    ];
    for path in [
        format!("/api/v1/feedback/{code}"),
        "/api/v1/units/26743/feedback".to_owned(),
        "/api/v1/units/26743-kp01/feedback".to_owned(),
    ] {
        let body = server.get(&path).await.text().await.unwrap();
        assert!(body.contains(&code), "{path}");
        for s in secrets {
            assert!(!body.contains(s), "{s} leaked in {path}");
        }
    }
    // Categories that need a contact refuse anonymous feedback without one, naming the field.
    let (s, e) = post(
        &server,
        None,
        "/api/v1/feedback",
        json!({
        "category": "administrative", "description": "Hỏi thủ tục", "unit_code": "26743-kp01"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("contact_phone"))
    );
    let (s, e) = post(
        &server,
        None,
        "/api/v1/feedback",
        json!({
        "category": "traffic", "description": "x", "unit_code": "79"}),
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("unit_code")));
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let (s, e) = post(
        &server,
        None,
        "/api/v1/feedback",
        json!({
        "category": "traffic", "description": "", "unit_code": "26743-kp01"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (400, Some("description"))
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
}
