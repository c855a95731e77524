//! A proxy's photographed written authorisation: uploaded with the attendance over the API
//! (multipart) and from the attendance page, fingerprinted, shown, downloadable, audited.

use serde_json::Value;

use super::{audit_rows, schedule, today, KP, PDF};
use crate::harness::{demo_token, get_json as get, Server, TestDb};
use crate::on_both_backends;

/// The multipart form recording a proxy for the row `code` with a PDF authorisation.
pub fn form(code: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("code", code.to_owned())
        .text("name", "Lê Văn Ủy")
        .part(
            "authorisation",
            reqwest::multipart::Part::bytes(PDF).file_name("giay-uy-quyen.pdf"),
        )
}

async fn send(server: &Server, token: &str, id: i64, f: reqwest::multipart::Form) -> (u16, Value) {
    let path = format!("/api/v1/meetings/{id}/attendance/proxy");
    crate::harness::post_multipart(server, token, &path, f).await
}

on_both_backends!(proxy_authorisation_photographed);
async fn proxy_authorisation_photographed(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let id = schedule(&server, &head, KP, &today().to_string()).await;
    let (_, att) = get(&server, &head, &format!("/api/v1/meetings/{id}/attendance")).await;
    let code0 = att["rows"][0]["code"].as_str().unwrap().to_owned();
    let code1 = att["rows"][1]["code"].as_str().unwrap().to_owned();

    // Not a PDF or a photo: refused by name, nothing recorded.
    let bad = reqwest::multipart::Form::new()
        .text("code", code0.clone())
        .text("name", "Lê Văn Ủy")
        .part(
            "authorisation",
            reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("x.txt"),
        );
    let (s, r) = send(&server, &head, id, bad).await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("authorisation")),
        "{r}"
    );
    // Only a proxy brings one.
    let (s, r) = send(
        &server,
        &head,
        id,
        form(&code0).text("kind", "representative"),
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (422, Some("meeting_authorisation_not_proxy")),
        "{r}"
    );
    // Without the file the route refuses, naming it.
    let no_file = reqwest::multipart::Form::new()
        .text("code", code0.clone())
        .text("name", "Lê Văn Ủy");
    let (s, r) = send(&server, &head, id, no_file).await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (400, Some("authorisation")),
        "{r}"
    );
    assert_eq!(audit_rows(db, "meeting.attend", id).await, 0);

    // Recorded with the file: its SHA-256 on the row, the bytes back from the file route.
    let sha = tuquan_domain::files::check_file("f", "a.pdf", PDF, 1 << 20)
        .unwrap()
        .sha256;
    let (s, r) = send(&server, &head, id, form(&code0)).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["attendee_kind"], "proxy");
    assert_eq!(r["proxy_sha256"], sha.as_str());
    let file_id = r["proxy_file_id"].as_i64().expect("file stored");
    let got = crate::harness::get_bytes(&server, &head, &format!("/api/v1/files/{file_id}")).await;
    assert_eq!(got, PDF);
    assert_eq!(audit_rows(db, "meeting.attend", id).await, 1);
    let logged = db
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.attend' \
             AND target_id = '{id}' AND after_json LIKE '%{sha}%'"
        ))
        .await;
    assert_eq!(logged, 1);
    // A later change without a file keeps the authorisation.
    let (s, r) = crate::harness::post_json(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance"),
        serde_json::json!({"code": code0, "kind": "proxy", "name": "Lê Văn Ủy", "source": "paper"}),
    )
    .await;
    assert_eq!(
        (s, r["proxy_file_id"].as_i64()),
        (200, Some(file_id)),
        "{r}"
    );

    // From the page: the multipart form with the CSRF token; the page links the file.
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let page_form = form(&code1).text("csrf", csrf).text("kind", "proxy");
    let r = server
        .post_multipart_form(&b, &format!("/meetings/{id}/attendance"), page_form)
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let html = server.html(&b, &format!("/meetings/{id}/attendance")).await;
    assert_eq!(html.matches(sha.as_str()).count(), 2, "{html}");
    assert!(html.contains("Giấy ủy quyền"));
    assert!(html.contains("enctype=\"multipart/form-data\""));
}
