//! `public_base_url` (issue 14): with it, the CAP alert's `<web>` and resource `<uri>`s, the
//! Atom feed's links and the outgoing messages carry absolute links (and CAP and Atom still
//! validate); without it they stay relative, whatever `Host` the client sends.

use crate::announcements::demo_token;
use crate::announcements::files::{flood_warning, publish_multipart};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const BASE: &str = "https://tuquan.example.vn/tq";

async fn publish_emergency(server: &Server, token: &str) -> i64 {
    let (s, b) = publish_multipart(server, token, "26743", flood_warning()).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

async fn text(server: &Server, path: &str, host: Option<&str>) -> String {
    let mut r = server.http.get(server.url(path));
    if let Some(h) = host {
        r = r.header("host", h);
    }
    let r = r.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.text().await.unwrap()
}

on_both_backends!(absolute_links_with_a_public_base_url);
async fn absolute_links_with_a_public_base_url(db: &TestDb) {
    let config = db.data_dir().join("public.toml");
    std::fs::write(&config, format!("public_base_url = \"{BASE}/\"\n")).unwrap();
    let server = Server::start_with(db, &["--demo", "--config", config.to_str().unwrap()]);
    let official = demo_token(db, "canbo.benthanh");
    let id = publish_emergency(&server, &official).await;

    let cap = text(&server, &format!("/announcements/{id}/cap.xml"), None).await;
    assert!(
        cap.contains(&format!("<web>{BASE}/announcements/{id}</web>")),
        "{cap}"
    );
    assert!(cap.contains(&format!("<uri>{BASE}/files/")), "{cap}");
    crate::announcements::valid(db, "cap-v1.2.xsd", &cap);

    let atom = text(&server, "/territory/26743/notices.atom", None).await;
    for link in [
        format!("href=\"{BASE}/territory/26743/notices.atom\""),
        format!("href=\"{BASE}/territory/26743/notices\""),
        format!("href=\"{BASE}/announcements/{id}\""),
        format!("href=\"{BASE}/files/"),
    ] {
        assert!(atom.contains(&link), "{link} missing:\n{atom}");
    }
    assert!(!atom.contains("href=\"/"), "{atom}");
    crate::announcements::valid(db, "atom.rng", &atom);

    // The messages carry the link to the announcement.
    let link = format!("%{BASE}/announcements/{id}%");
    let sql = format!("SELECT COUNT(*) FROM outbox WHERE about_id = {id} AND body LIKE '{link}'");
    assert!(db.count(&sql).await > 0);
}

on_both_backends!(relative_links_without_one_whatever_the_host);
async fn relative_links_without_one_whatever_the_host(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let id = publish_emergency(&server, &official).await;
    let cap = text(
        &server,
        &format!("/announcements/{id}/cap.xml"),
        Some("evil.example"),
    )
    .await;
    assert!(
        !cap.contains("<web>") && cap.contains("<uri>/files/"),
        "{cap}"
    );
    assert!(!cap.contains("evil.example"));
    crate::announcements::valid(db, "cap-v1.2.xsd", &cap);
    let atom = text(
        &server,
        "/territory/26743/notices.atom",
        Some("evil.example"),
    )
    .await;
    assert!(
        atom.contains(&format!("href=\"/announcements/{id}\"")),
        "{atom}"
    );
    assert!(!atom.contains("evil.example"));
    let sql = format!("SELECT COUNT(*) FROM outbox WHERE about_id = {id} AND body LIKE '%http%'");
    assert_eq!(db.count(&sql).await, 0);
}
