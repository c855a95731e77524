//! Inviting an account, the group forms and the feedback settings (categories, routing)
//! report every bad field at once, beside its field (issue 12 point 3, for the use cases
//! that reported only the first), and write nothing.

use crate::harness::{error_summary, page, Server, TestDb};
use crate::on_both_backends;

/// The ids the error summary links to, in order; the page must have one.
fn summary_links(html: &str) -> Vec<String> {
    assert!(error_summary(html).is_some(), "an error summary: {html}");
    crate::harness::summary_links(html)
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

on_both_backends!(feedback_settings_forms_report_every_error);
async fn feedback_settings_forms_report_every_error(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, csrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let categories = "/feedback/settings/26743/categories";
    let settings_changes = "SELECT COUNT(*) FROM audit_log \
         WHERE action IN ('feedback.category_set', 'feedback.route_set')";
    let before = db.count(settings_changes).await;

    // A new category with four bad fields: four errors, each beside its control.
    let fields = [
        ("csrf", csrf.as_str()),
        ("new", "1"),
        ("code", "Tiếng Ồn"),
        ("name_vi", " "),
        ("name_en", "Noise"),
        ("ack_hours", "0"),
        ("resolve_hours", "ba"),
    ];
    let r = server.post_form(&b, categories, &fields).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    let ids = [
        "code-new",
        "name_vi-new",
        "ack_hours-new",
        "resolve_hours-new",
    ];
    assert_eq!(summary_links(&html), ids, "{html}");
    for id in ids {
        assert!(has_field_error(&html, id), "{id}: {html}");
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("“Hạn tiếp nhận (giờ làm việc)”"), "{html}");
    // Values as typed.
    for v in ["value=\"Tiếng Ồn\"", "value=\"Noise\"", "value=\"ba\""] {
        assert!(html.contains(v), "{v}");
    }

    // An existing category: both bad fields, its panel open, the others untouched.
    let fields = [
        ("csrf", csrf.as_str()),
        ("code", "traffic"),
        ("name_vi", ""),
        ("ack_hours", "8"),
        ("resolve_hours", "4"),
    ];
    let r = server.post_form(&b, categories, &fields).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert_eq!(
        summary_links(&html),
        ["name_vi-traffic", "resolve_hours-traffic"],
        "{html}"
    );
    assert!(html.contains("id=\"cat-traffic\" open"), "{html}");
    assert!(html.contains("Hạn giải quyết không được ngắn hơn"));

    // A routing row with an unknown level and an unknown role: both named.
    let fields = [
        ("csrf", csrf.as_str()),
        ("category", ""),
        ("level", "district"),
        ("role", "mayor"),
    ];
    let r = server
        .post_form(&b, "/feedback/settings/26743/routes", &fields)
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert_eq!(summary_links(&html), ["level-all", "role-all"], "{html}");
    assert!(has_field_error(&html, "level-all") && has_field_error(&html, "role-all"));

    // Nothing was written.
    assert_eq!(db.count(settings_changes).await, before);
}
