//! Each account chooses its channels on the account page and the outbox honours the choice;
//! residents get e-mail and SMS only for the purpose they consented to, by their latest word.

use serde_json::json;

use super::{household, post, publish};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

/// The outbox rows of announcement `id` on `channel` for `recipient`.
async fn sent(db: &TestDb, id: i64, channel: &str, recipient: &str) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) FROM outbox WHERE about_type = 'announcement' AND about_id = {id} \
         AND channel = '{channel}' AND recipient = '{recipient}'"
    ))
    .await
}

async fn consent(server: &Server, rid: i64, purpose: &str, granted: bool) {
    let (s, b) = post(
        server,
        &server.token,
        &format!("/api/v1/residents/{rid}/consents"),
        json!({"purpose": purpose, "granted": granted, "source": "app"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
}

on_both_backends!(channels_chosen_on_the_account_page_are_honoured);
async fn channels_chosen_on_the_account_page_are_honoured(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (hid, rid) = household(&server, "26743-kp01", "Phạm Thị Kênh").await;
    let _ = hid;
    db.user_with_token("kenh.kp01", "resident", Some("26743-kp01"), "Kenh-pass-12");
    db.run_ok(
        &[
            "user",
            "link-resident",
            "--username",
            "kenh.kp01",
            "--resident",
            &rid.to_string(),
        ],
        "",
    );
    let uid = db
        .count("SELECT id FROM users WHERE username = 'kenh.kp01'")
        .await;
    consent(&server, rid, "announcements", true).await;
    let (browser, csrf) = server.sign_in("kenh.kp01", "Kenh-pass-12").await;
    let page = browser.get(server.url("/account")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"channels\"") && html.contains("name=\"sms_address\""),
        "{html}"
    );
    let save = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k, v.to_owned())));
        browser
            .post(server.url("/account/channels"))
            .form(&form)
            .send()
    };

    // A bad address is refused naming the field, and nothing is saved.
    let r = save(vec![("in_app", "1"), ("email_address", "không-phải-thư")])
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM account_channels WHERE user_id = {uid}"
        ))
        .await,
        0
    );

    // In the app and SMS, no e-mail (though an address is given).
    let r = save(vec![
        ("in_app", "1"),
        ("sms", "1"),
        ("email_address", "kenh@example.vn"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account?done=channels");
    let html = server.html(&browser, "/account").await;
    assert!(html.contains("value=\"kenh@example.vn\""), "{html}");
    let head = super::demo_token(db, "totruong.kp01");
    let first = publish(&server, &head, "26743-kp01", "Lịch cắt điện").await;
    let me = uid.to_string();
    assert_eq!(sent(db, first, "in_app", &me).await, 1);
    assert_eq!(sent(db, first, "email", "kenh@example.vn").await, 0);
    assert_eq!(sent(db, first, "webhook", "0912345678").await, 1);

    // Then e-mail only.
    let r = save(vec![("email", "1"), ("email_address", "kenh@example.vn")])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let second = publish(&server, &head, "26743-kp01", "Lịch tiêm phòng").await;
    assert_eq!(sent(db, second, "in_app", &me).await, 0);
    assert_eq!(sent(db, second, "email", "kenh@example.vn").await, 1);
    assert_eq!(sent(db, second, "webhook", "0912345678").await, 0);

    // Consent is by purpose and the latest word counts: a consent to another purpose does
    // not help, and a withdrawn consent stops e-mail and SMS (in the app stays).
    let r = save(vec![
        ("in_app", "1"),
        ("email", "1"),
        ("sms", "1"),
        ("email_address", "kenh@example.vn"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    consent(&server, rid, "announcements", false).await;
    consent(&server, rid, "statistics", true).await;
    let third = publish(&server, &head, "26743-kp01", "Họp dân cuối năm").await;
    assert_eq!(sent(db, third, "in_app", &me).await, 1);
    assert_eq!(sent(db, third, "email", "kenh@example.vn").await, 0);
    assert_eq!(sent(db, third, "webhook", "0912345678").await, 0);
    consent(&server, rid, "announcements", true).await;
    let fourth = publish(&server, &head, "26743-kp01", "Ngày hội đoàn kết").await;
    assert_eq!(sent(db, fourth, "email", "kenh@example.vn").await, 1);
    assert_eq!(sent(db, fourth, "webhook", "0912345678").await, 1);
}
