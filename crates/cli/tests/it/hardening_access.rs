//! Issue 11, access: the sliding per-address sign-in window, stale session cookies, ending
//! sessions and tokens, audited failures with `Retry-After`, trusted proxies and feedback
//! rate limits.

use serde_json::json;

use crate::harness::{browser, csrf_in, get_json_opt, login_csrf, page, Server, TestDb};
use crate::on_both_backends;

/// One sign-in attempt from a fresh browser; the response.
async fn attempt(server: &Server, user: &str, pw: &str) -> reqwest::Response {
    let b = browser();
    let csrf = login_csrf(server, &b).await;
    b.post(server.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", user),
            ("password", pw),
        ])
        .send()
        .await
        .unwrap()
}

on_both_backends!(sign_in_failures_are_proportionate_and_audited);
async fn sign_in_failures_are_proportionate_and_audited(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // 25 failures from one address (more than the old lifetime allowance of 20) do not lock
    // everyone out: another account signs in, and that clears the address's failures.
    for i in 0..25 {
        let r = attempt(&server, &format!("nobody{i}"), "wrong-password").await;
        assert_eq!(r.status(), 401);
    }
    assert_eq!(
        attempt(&server, "topho.kp01", "tuquan-demo").await.status(),
        303
    );
    // Failures are audited with the attempted name and the address, never the password.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.login_failed' AND actor_username = 'nobody3' AND client_addr = '127.0.0.1'").await,
        1
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_json, '') LIKE '%wrong-password%' OR COALESCE(before_json, '') LIKE '%wrong-password%'").await,
        0
    );
    // The account lock (after 5 free failures) is audited and answered with Retry-After.
    for _ in 0..6 {
        attempt(&server, "totruong.kp01", "wrong-password").await;
    }
    let r = attempt(&server, "totruong.kp01", "tuquan-demo").await;
    assert_eq!(r.status(), 429);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let html = r.text().await.unwrap();
    assert!(html.contains("thử lại sau"), "the page says when: {html}");
    assert!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.login_locked' AND actor_username = 'totruong.kp01'").await >= 1
    );
}

on_both_backends!(a_stale_session_cookie_does_not_block_sign_in);
async fn a_stale_session_cookie_does_not_block_sign_in(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let stale = "tq_session=ended-elsewhere-0123456789";
    let r = server
        .http
        .get(server.url("/login"))
        .header("cookie", stale)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let csrf_cookie = set
        .iter()
        .find_map(|c| c.strip_prefix("tq_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("a CSRF cookie is issued")
        .to_owned();
    assert!(
        set.iter()
            .any(|c| c.starts_with("tq_session=;") && c.contains("Max-Age=0")),
        "the stale cookie is cleared: {set:?}"
    );
    let csrf = csrf_in(&r.text().await.unwrap());
    assert_eq!(csrf, csrf_cookie);
    // Even a client that keeps sending the stale cookie can sign in.
    let cookie = format!("{stale}; tq_csrf={csrf}");
    let r = server
        .login_with_cookie(&cookie, &csrf, "dan.kp01", "tuquan-demo")
        .await;
    assert_eq!(r.status(), 303);
}

/// A new API token of the browser's account.
async fn new_token(server: &Server, b: &reqwest::Client, csrf: &str) -> String {
    server.token_from_page(b, csrf, "thử").await
}

on_both_backends!(password_change_and_sign_out_everywhere_end_tokens);
async fn password_change_and_sign_out_everywhere_end_tokens(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b1, csrf1) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let (b2, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let token = new_token(&server, &b1, &csrf1).await;
    assert_eq!(
        get_json_opt(&server, Some(&token), "/api/v1/me").await.0,
        200
    );
    let r = server
        .post_form(
            &b1,
            "/account/password",
            &[
                ("csrf", csrf1.as_str()),
                ("current_password", "tuquan-demo"),
                ("new_password", "Doi-mat-khau-2026"),
                ("confirm_password", "Doi-mat-khau-2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        page(&b1, &server, "/account").await.0,
        200,
        "this session stays"
    );
    assert_eq!(page(&b2, &server, "/account").await.0, 303, "others end");
    assert_eq!(
        get_json_opt(&server, Some(&token), "/api/v1/me").await.0,
        401
    );
    // Plain "sign out everywhere" keeps tokens; the confirmed variant revokes them too.
    let (_, html) = page(&b1, &server, "/account").await;
    assert!(html.contains("/account/sessions/end-all?tokens=1"));
    let csrf1 = csrf_in(&html);
    let token = new_token(&server, &b1, &csrf1).await;
    server
        .post_form(
            &b1,
            "/account/sessions/end-all",
            &[("csrf", csrf1.as_str())],
        )
        .await;
    assert_eq!(
        get_json_opt(&server, Some(&token), "/api/v1/me").await.0,
        200
    );
    let (b3, csrf3) = server.sign_in("canbo.benthanh", "Doi-mat-khau-2026").await;
    let (_, html) = page(&b3, &server, "/account/sessions/end-all?tokens=1").await;
    assert!(
        html.contains("API"),
        "the confirmation names the tokens: {html}"
    );
    let r = server
        .post_form(
            &b3,
            "/account/sessions/end-all?tokens=1",
            &[("csrf", csrf3.as_str())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        get_json_opt(&server, Some(&token), "/api/v1/me").await.0,
        401
    );
    assert_eq!(page(&b3, &server, "/account").await.0, 303);
}

fn feedback(phone: &str) -> serde_json::Value {
    json!({"category": "traffic", "description": "Đèn đường hỏng ở hẻm 12",
        "unit_code": "26743-kp01", "contact_phone": phone})
}

on_both_backends!(anonymous_feedback_is_rate_limited);
async fn anonymous_feedback_is_rate_limited(db: &TestDb) {
    std::fs::write(db.data_dir().join("strict-limits"), "").unwrap();
    let config = db.data_dir().join("proxy.toml");
    std::fs::write(&config, "trusted_proxies = [\"127.0.0.1\"]\n").unwrap();
    let server = Server::start_with(db, &["--demo", "--config", config.to_str().unwrap()]);
    let send = |phone: String, from: String| {
        let server = &server;
        async move {
            server
                .http
                .post(server.url("/api/v1/feedback"))
                .header("x-forwarded-for", from)
                .json(&feedback(&phone))
                .send()
                .await
                .unwrap()
        }
    };
    // Per contact: 5 an hour (from several addresses, each below the soft threshold).
    for i in 0..5 {
        let r = send("0909000001".into(), format!("203.0.113.{}", 10 + i)).await;
        assert_eq!(r.status(), 201);
    }
    let r = send("0909000001".into(), "203.0.113.2".into()).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Per client address (named by the trusted proxy): past the soft threshold (3 of the
    // 10 allowed in 10 minutes) an anonymous client must prove it is human, which the API
    // cannot ask: 422 with a stable code (the form's question: tests/it/humanity.rs).
    for i in 0..3 {
        let r = send(format!("091100000{i}"), "203.0.113.1".into()).await;
        assert_eq!(r.status(), 201);
    }
    let r = send("0912000000".into(), "203.0.113.1".into()).await;
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "humanity_required");
    assert_eq!(
        send("0912000001".into(), "203.0.113.9".into())
            .await
            .status(),
        201
    );
    // The audit log sees the client behind the proxy.
    assert!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE client_addr = '203.0.113.9'")
            .await
            >= 1
    );
}
