//! Restructuring history fixes: a second rename on the same day replaces the version the
//! first opened (no version valid on no day; both events kept, each with its own names), and
//! a search of the tree as of a past date is matched and ordered by that day's names.

use serde_json::Value;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const DIVISIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../store/seed/vn-divisions-2025.json"
);

fn import_renamed(db: &TestDb, file: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(DIVISIONS).unwrap();
    let renamed = text.replacen(&format!("\"{from}\""), &format!("\"{to}\""), 1);
    assert_ne!(renamed, text);
    let path = db.data_dir().join(file);
    std::fs::write(&path, renamed).unwrap();
    db.run_ok(&["import", "divisions", path.to_str().unwrap()], "")
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date()
}

on_both_backends!(a_second_rename_the_same_day_replaces_the_version);
async fn a_second_rename_the_same_day_replaces_the_version(db: &TestDb) {
    let out = import_renamed(db, "a.json", "Phường Bến Thành", "Phường Bến Thành Mới");
    assert!(out.contains("1 renamed"), "{out}");
    let out = import_renamed(db, "b.json", "Phường Bến Thành", "Phường Bến Thành Xanh");
    assert!(out.contains("1 renamed"), "{out}");
    // Two versions: the old name until today, the last name from today; none of zero length.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM unit_versions WHERE unit_code = '26743'")
            .await,
        2
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM unit_versions WHERE valid_to = valid_from")
            .await,
        0
    );
    let server = Server::start(db);
    let (_, h) = server.get_json("/api/v1/units/26743/history").await;
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions[0]["name"], "Phường Bến Thành");
    assert_eq!(versions[0]["valid_to"], today().to_string());
    assert_eq!(versions[1]["name"], "Phường Bến Thành Xanh");
    assert_eq!(versions[1]["valid_from"], today().to_string());
    // Both events stay recorded, each under the names it gave.
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{h}");
    let pair = |e: &Value| {
        let p = e["participants"].as_array().unwrap();
        (
            p[0]["name"].as_str().unwrap().to_owned(),
            p[1]["name"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(
        pair(&events[0]),
        ("Phường Bến Thành".into(), "Phường Bến Thành Mới".into())
    );
    assert_eq!(
        pair(&events[1]),
        (
            "Phường Bến Thành Mới".into(),
            "Phường Bến Thành Xanh".into()
        )
    );
    let (_, on) = server
        .get_json(&format!("/api/v1/units/26743?as_of={}", today()))
        .await;
    assert_eq!(on["name"], "Phường Bến Thành Xanh");
}

/// Every page of `path` (which ends in a query), following `next_cursor`.
async fn all_names(server: &Server, path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let (status, page) = server.get_json(&url).await;
        assert_eq!(status, 200, "{page}");
        for i in page["items"].as_array().unwrap() {
            names.push(i["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return names,
        }
    }
}

fn assert_vietnamese_order(names: &[String]) {
    for w in names.windows(2) {
        assert_ne!(
            tuquan_domain::text::compare(&w[0], &w[1]),
            std::cmp::Ordering::Greater,
            "{} should not come before {}: {names:?}",
            w[0],
            w[1]
        );
    }
}

on_both_backends!(a_search_as_of_a_past_day_sorts_by_that_days_names);
async fn a_search_as_of_a_past_day_sorts_by_that_days_names(db: &TestDb) {
    let out = import_renamed(db, "x.json", "Phường Ba Đình", "Phường Xuân Ba Đình");
    assert!(out.contains("1 renamed"), "{out}");
    let yesterday = today().yesterday().unwrap();
    let server = Server::start(db);
    let then = all_names(
        &server,
        &format!("/api/v1/units?parent=01&q=phuong&as_of={yesterday}&limit=7"),
    )
    .await;
    assert!(then.contains(&"Phường Ba Đình".to_owned()), "{then:?}");
    assert!(!then.contains(&"Phường Xuân Ba Đình".to_owned()));
    assert_vietnamese_order(&then);
    // Matched by that day's names too: the new name finds nothing yesterday.
    let (_, none) = server
        .get_json(&format!(
            "/api/v1/units?parent=01&q=xuan+ba+dinh&as_of={yesterday}"
        ))
        .await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0, "{none}");
    let now = all_names(
        &server,
        &format!("/api/v1/units?parent=01&q=phuong&as_of={}&limit=7", today()),
    )
    .await;
    assert!(now.contains(&"Phường Xuân Ba Đình".to_owned()));
    assert_vietnamese_order(&now);
    assert_eq!(then.len(), now.len());
    // A bad cursor is a 400 naming it.
    let (status, err) = server
        .get_json(&format!(
            "/api/v1/units?parent=01&q=phuong&as_of={yesterday}&cursor=zz"
        ))
        .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "cursor");
}
