//! Snapshots (insta) of a few stable API bodies and one page fragment: a change to their shape
//! shows up as a reviewable diff of `snapshots/*.snap`. Volatile values (ids, tracking codes,
//! times) are redacted; both backends compare against the same file.
//!
//! To accept an intended change: `INSTA_UPDATE=always cargo test -p tuquan --test it snapshots`
//! (or `cargo insta review`), then commit the `.snap` files.

use serde_json::{json, Value};

use crate::harness::{post_json_opt, Server, TestDb};
use crate::on_both_backends;

/// Replaces the values that differ from run to run.
fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let volatile = k == "id"
                    || k.ends_with("_id")
                    || k.ends_with("_at")
                    || k == "tracking_code"
                    || k == "token";
                if volatile && !v.is_null() {
                    *v = Value::String("[redacted]".into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// The lines of `html` from `from` up to and including `to`, trimmed, blank lines dropped:
/// template indentation is not what the snapshot is about.
fn fragment(html: &str, from: &str, to: &str) -> String {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {html}"));
    let len = html[start..]
        .find(to)
        .unwrap_or_else(|| panic!("{to} in {html}"))
        + to.len();
    html[start..start + len]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

on_both_backends!(stable_bodies_match_their_snapshots);
async fn stable_bodies_match_their_snapshots(db: &TestDb) {
    let server = Server::start(db);
    let _guard = snapshot_settings().bind_to_scope();

    let (status, unit) = server.get_json("/api/v1/units/79").await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("api_unit_province", unit);

    let (status, services) = server.get_json("/open311/v2/services.json").await;
    assert_eq!(status, 200);
    insta::assert_json_snapshot!("open311_services", services);

    let (status, error) = server.get_json("/api/v1/units?limit=0").await;
    assert_eq!(status, 400);
    insta::assert_json_snapshot!("api_error_bad_parameter", error);

    let (status, mut created) = post_json_opt(
        &server,
        None,
        "/api/v1/feedback",
        json!({"unit_code": "26743", "category": "traffic", "description": "Đèn tín hiệu tắt"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    redact(&mut created);
    insta::assert_json_snapshot!("api_feedback_created", created);

    let (status, html) = server.get_text("/territory/26743").await;
    assert_eq!(status, 200);
    insta::assert_snapshot!("page_commune_facts", fragment(&html, "<h1>", "</dl>"));
}

#[test]
fn redaction_hides_ids_codes_and_times() {
    let mut v = json!({"id": 7, "unit_id": 3, "created_at": "2026-01-01", "valid_to": null,
                       "items": [{"tracking_code": "PA-X", "name": "a"}], "closed_at": null});
    redact(&mut v);
    assert_eq!(
        v,
        json!({"id": "[redacted]", "unit_id": "[redacted]", "created_at": "[redacted]",
               "valid_to": null, "items": [{"tracking_code": "[redacted]", "name": "a"}],
               "closed_at": null})
    );
}
