//! Inviting an account and the group forms report every bad field at once, beside its
//! field (issue 12 point 3, for the use cases that reported only the first), and write
//! nothing.

use crate::harness::{page, Server, TestDb};
use crate::on_both_backends;

/// The ids the error summary links to, in order.
fn summary_links(html: &str) -> Vec<String> {
    let summary = html
        .split("class=\"error-summary\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or_else(|| panic!("an error summary: {html}"));
    summary
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn has_field_error(html: &str, id: &str) -> bool {
    html.contains(&format!("<p class=\"field-error\" id=\"{id}-error\">"))
}

on_both_backends!(invite_and_group_forms_report_every_error);
async fn invite_and_group_forms_report_every_error(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, csrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;

    let fields = [
        ("csrf", csrf.as_str()),
        ("username", "a b"),
        ("display_name", "Người Thử Mời"),
        ("role", ""),
        ("unit", "26743-kp99"),
    ];
    let r = server.post_form(&b, "/users", &fields).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert_eq!(summary_links(&html), ["username", "role", "unit"], "{html}");
    for id in ["username", "role", "unit"] {
        assert!(has_field_error(&html, id), "{id}: {html}");
    }
    assert!(!has_field_error(&html, "display_name"), "{html}");
    // Values are kept; nothing is written.
    assert!(html.contains("value=\"Người Thử Mời\""), "{html}");
    let (_, users) = page(&b, &server, "/users").await;
    assert!(!users.contains("Người Thử Mời"), "{users}");

    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "other"),
        ("kind_label", " "),
        ("name", "Tổ thử mọi lỗi"),
        ("unit_codes", "kp01"),
    ];
    let r = server
        .post_form(&b, "/territory/26743/groups", &fields)
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert_eq!(summary_links(&html), ["kind_label", "unit_codes"], "{html}");
    assert!(html.contains("Tổ thử mọi lỗi"), "the name is kept: {html}");
    let (_, groups) = page(&b, &server, "/territory/26743/groups").await;
    assert!(!groups.contains("Tổ thử mọi lỗi"), "{groups}");
}
