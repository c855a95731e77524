//! Issue 11's edge items: redirects stay on this site, control characters and invalid UTF-8
//! are refused before any store sees them (both databases alike), security headers on every
//! answer (HSTS with `secure_cookies`, `no-store` on personal data), and an unsupported
//! method is a 405, not an error in the log.

use serde_json::{json, Value};

use crate::harness::{browser, csrf_in, Server, TestDb};
use crate::on_both_backends;

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Every answer carries these, whatever its status.
fn assert_security_headers(r: &reqwest::Response, what: &str) {
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(r.headers().contains_key(h), "{what}: no {h}");
    }
}

on_both_backends!(redirects_stay_on_this_site);
async fn redirects_stay_on_this_site(db: &TestDb) {
    let server = Server::start(db);
    let evil = [
        "/%09/evil.example",
        "/%0A/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
    ];
    for next in evil {
        let r = server.get(&format!("/lang?to=en&next={next}")).await;
        // A control character in a query string is refused at the edge already.
        if r.status() != 400 {
            assert_eq!(r.status(), 303, "{next}");
            assert_eq!(location(&r), "/", "/lang next={next}");
        }
    }
    let r = server.get("/lang?to=en&next=/territory%3Fa%3D1").await;
    assert_eq!(location(&r), "/territory?a=1");

    // The sign-in form's `next`, after a successful sign-in.
    server.get("/").await;
    for next in ["/\t/evil.example", "/\\evil.example", "/territory"] {
        let b = browser();
        let html = server.html(&b, "/login").await;
        let r = b
            .post(server.url("/login"))
            .form(&[
                ("csrf", csrf_in(&html).as_str()),
                ("username", crate::harness::ADMIN_USER),
                ("password", crate::harness::ADMIN_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{next:?}");
        // A refused `next` falls back to the start page.
        let want = if next == "/territory" { next } else { "/start" };
        assert_eq!(location(&r), want, "/login next={next:?}");
        // Signed in, the form sends straight on.
        let r = b
            .get(server.url("/login?next=/%09/evil.example"))
            .send()
            .await
            .unwrap();
        assert!(r.status() == 400 || location(&r) == "/start");
    }
}

async fn post_json(server: &Server, token: Option<&str>, path: &str, body: &Value) -> (u16, Value) {
    let mut r = server.http.post(server.url(path)).json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn assert_names(status: u16, body: &Value, field: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_parameter", "{body}");
    assert_eq!(body["error"]["field"], field, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains(field),
        "{body}"
    );
}

on_both_backends!(control_characters_are_refused_at_the_edge);
async fn control_characters_are_refused_at_the_edge(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let token = server.token.clone();

    // Query strings: a NUL was a 500 on PostgreSQL and a search on SQLite.
    let r = server
        .http
        .get(server.url("/api/v1/units?q=a%00b"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_security_headers(&r, "edge 400");
    let s = r.status().as_u16();
    assert_names(s, &r.json().await.unwrap(), "q");
    let r = server
        .http
        .get(server.url("/api/v1/units?q=%FF"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    assert_names(s, &r.json().await.unwrap(), "q");
    let (s, b) = server.get_json("/api/v1/units/a%00b").await;
    assert_names(s, &b, "path");

    // JSON bodies: the field is named by its path; lines and tabs stay allowed.
    let feedback = |description: &str| {
        json!({"category": "infrastructure", "description": description,
               "unit_code": "26743-kp01", "address": "12 Lê Thánh Tôn",
               "contact_name": "Nguyễn Văn Gửi", "contact_phone": "0909123456"})
    };
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    for bad in [
        "Đèn hỏng\u{0}",
        "Đèn\u{1b}[31m hỏng",
        "Đèn hỏng\u{85}",
        "Đèn\u{7f}",
    ] {
        let (s, b) = post_json(&server, None, "/api/v1/feedback", &feedback(bad)).await;
        assert_names(s, &b, "description");
    }
    let mut named = feedback("Đèn hỏng");
    named["contact_name"] = json!("Nguyễn\u{0}");
    let (s, b) = post_json(&server, None, "/api/v1/feedback", &named).await;
    assert_names(s, &b, "contact_name");
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
    let (s, b) = post_json(
        &server,
        None,
        "/api/v1/feedback",
        &feedback("Đèn đường hỏng\r\nở hẻm 12,\ttối om"),
    )
    .await;
    assert_eq!(s, 201, "{b}");

    // Open311 form bodies: invalid UTF-8 used to be stored as U+FFFD.
    for body in [
        "api_key=x&service_code=infrastructure&description=%FF%FE",
        "api_key=x&service_code=infrastructure&description=a%00b",
    ] {
        let r = server
            .http
            .post(server.url("/open311/v2/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v[0]["code"], 400, "{v}");
        assert!(
            v[0]["description"]
                .as_str()
                .unwrap()
                .starts_with("description:"),
            "{v}"
        );
    }

    // Pages: URL-encoded and multipart text fields get the HTML error page naming the field;
    // file parts are not read as text.
    let r = server
        .http
        .post(server.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept-language", "en")
        .body("csrf=x&username=a%01b&password=p")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("username"));
    let form = reqwest::multipart::Form::new()
        .text("csrf", "x")
        .text("description", "Đèn\u{0} hỏng")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(vec![0u8, 1, 2, 0xff]).file_name("a.jpg"),
        );
    let r = server
        .http
        .post(server.url("/feedback/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("description"));
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before + 1);
}

on_both_backends!(headers_on_every_answer);
async fn headers_on_every_answer(db: &TestDb) {
    let server = Server::start(db);

    // An unsupported method is the router's 405, with headers, and no error in the log.
    let r = server
        .http
        .post(server.url("/territory"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_security_headers(&r, "405");
    let r = server
        .http
        .delete(server.url("/api/v1/units"))
        .bearer_auth(&server.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // Open311's resources share one route: `Allow` lists what each really answers (POST only
    // for requests), for a method it does not know and for a POST where none is taken.
    for (method, path, allow) in [
        ("PUT", "/open311/v2/services.json", "GET, HEAD"),
        ("OPTIONS", "/open311/v2/discovery.xml", "GET, HEAD"),
        ("POST", "/open311/v2/services.json", "GET, HEAD"),
        ("DELETE", "/open311/v2/requests.json", "GET, HEAD, POST"),
    ] {
        let r = server
            .http
            .request(method.parse().unwrap(), server.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
        assert_security_headers(&r, "405");
    }
    assert!(
        !server.log().contains("missing from MUTATING_ROUTES"),
        "{}",
        server.log()
    );

    // An address too long: 414 with headers.
    let r = server
        .get(&format!("/territory?q={}", "a".repeat(10_000)))
        .await;
    assert_eq!(r.status(), 414);
    assert_security_headers(&r, "414");
    // A body too large for its route: 413 with headers.
    let big = format!("description={}", "a".repeat(3 * 1024 * 1024));
    let r = server
        .http
        .post(server.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413, "{:?}", r.headers());
    assert_security_headers(&r, "413");
    let r = server.get("/nothing-here").await;
    assert_eq!(r.status(), 404);
    assert_security_headers(&r, "404");

    // Without `secure_cookies`, no HSTS (plain HTTP must keep working).
    let r = server.get("/").await;
    assert!(!r.headers().contains_key("strict-transport-security"));
    assert!(r.headers().get("cache-control").is_none(), "public page");
    let r = server.get("/static/app.css").await;
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");

    // Personal data is never cached: the API with a token, any page signed in.
    let r = server
        .http
        .get(server.url("/api/v1/units/26743"))
        .bearer_auth(&server.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (b, _) = server
        .sign_in(crate::harness::ADMIN_USER, crate::harness::ADMIN_PASSWORD)
        .await;
    for path in ["/", "/account", "/territory/26743"] {
        let r = b.get(server.url(path)).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    drop(server);

    // With `secure_cookies`: HSTS on every answer, errors included.
    let config = db.data_dir().join("secure.toml");
    std::fs::write(&config, "secure_cookies = true\n").unwrap();
    let server = Server::start_with(db, &["--config", config.to_str().unwrap()]);
    for path in ["/", "/nothing-here", "/api/v1/units?q=%00"] {
        let r = server.get(path).await;
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}
