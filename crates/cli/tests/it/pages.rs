//! The HTML pages.

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

on_both_backends!(home_is_vietnamese_with_an_english_switch);
async fn home_is_vietnamese_with_an_english_switch(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // Vietnamese even when the browser asks for English: the product is Vietnamese first.
    let r = server
        .http
        .get(server.url("/"))
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("referrer-policy"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("Sổ sách của thôn"));
    assert!(
        html.contains("Phường Bến Thành"),
        "demo link on the home page"
    );
    assert!(html.contains("3.321"), "Vietnamese thousands separator");
    assert!(!html.contains("<script"), "no script needed");

    let r = server.get("/lang?to=en&next=/territory/79").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/territory/79");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=en") && cookie.contains("SameSite=Lax"));
    let html = server
        .http
        .get(server.url("/territory/79"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Units below"));

    // Never redirects off the site.
    for next in ["//evil.example/", "https://evil.example/", "/\\evil"] {
        let r = server
            .http
            .get(server.url("/lang"))
            .query(&[("to", "en"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
}

on_both_backends!(territory_browser_goes_down_the_tree);
async fn territory_browser_goes_down_the_tree(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (status, html) = server.get_text("/territory").await;
    assert_eq!(status, 200);
    let an_giang = html.find("An Giang").unwrap();
    let ca_mau = html.find("Cà Mau").unwrap();
    let dong_nai = html.find("Đồng Nai").unwrap();
    let dien_bien = html.find("Điện Biên").unwrap();
    assert!(an_giang < ca_mau && ca_mau < dien_bien && dien_bien < dong_nai);
    assert!(html.contains("href=\"/territory/79\""));

    let (_, html) = server.get_text("/territory/79").await;
    assert!(html.contains("Phường Bến Thành"));
    let (_, html) = server.get_text("/territory/26743").await;
    assert!(html.contains("Khu phố 1<"));
    // Numeric order: Khu phố 2 before Khu phố 10.
    assert!(html.find("Khu phố 2<").unwrap() < html.find("Khu phố 10<").unwrap());
    assert!(html.contains("Thành phố Hồ Chí Minh"), "breadcrumb");
    let (_, html) = server.get_text("/territory/26743-kp01").await;
    assert!(html.contains("Số hộ"), "household count on a khu phố page");

    // Pages of 50: the next link works and carries on the list.
    let (_, html) = server.get_text("/territory/79").await;
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next link on a 168-commune list")
        .replace("&amp;", "&");
    let (status, page2) = server.get_text(&next).await;
    assert_eq!(status, 200);
    assert!(page2.contains("Trang đầu") || page2.contains("trang đầu"));
}

on_both_backends!(search_page_finds_without_accents_and_escapes_input);
async fn search_page_finds_without_accents_and_escapes_input(db: &TestDb) {
    let server = Server::start(db);
    let (status, html) = server.get_text("/territory?q=phuong+ben+thanh").await;
    assert_eq!(status, 200);
    assert!(html.contains("Phường Bến Thành"));
    assert!(html.contains("value=\"phuong ben thanh\""));
    let (status, html) = server
        .get_text("/territory?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"),
        "{html}"
    );
    assert!(html.contains("Không tìm thấy"));
}

on_both_backends!(unknown_pages_are_friendly_404s);
async fn unknown_pages_are_friendly_404s(db: &TestDb) {
    let server = Server::start(db);
    for path in ["/territory/99999", "/no-such-page"] {
        let (status, html) = server.get_text(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Không tìm thấy"), "{path}");
        assert!(html.contains("<html"));
    }
    let (status, html) = server.get_text("/territory?limit=0").await;
    assert_eq!(status, 400);
    assert!(html.contains("limit"));
}
