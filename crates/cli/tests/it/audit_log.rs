//! The audit log for officials (issue 12 #5): actions and actors in words, units by name,
//! details as a before/after table, filters by date, person, unit and kind, changes by
//! default, pages; and (issue 11 #8) an erased person's values redacted in every output.

use serde_json::{json, Value};

use crate::harness::{get_json, household_with, page, Server, TestDb, ADMIN_PASSWORD, ADMIN_USER};
use crate::on_both_backends;

/// A household with one member in `unit`, made by the admin; the resident's id.
async fn resident(server: &Server, unit: &str, name: &str, phone: &str) -> i64 {
    let household = json!({"address": "3 Đường Nhật Ký"});
    let member = json!({"full_name": name, "birth_date": "1980-04-05", "gender": "male",
                        "residence_type": "permanent", "phone": phone});
    household_with(server, unit, household, member).await.1
}

/// Every row the API answers for `query`, following the pages.
async fn items(server: &Server, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/audit?limit=200&{query}{cursor}");
        let (s, v) = get_json(server, &server.token, &path).await;
        assert_eq!(s, 200, "{query}: {v}");
        out.extend(v["items"].as_array().unwrap().iter().cloned());
        match v["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return out,
        }
    }
}

fn is_read(action: &str) -> bool {
    ["viewed", "printed", "exported", ".export"]
        .iter()
        .any(|s| action.ends_with(s))
}

/// An audit row written at `at` (UTC) by hand: the log accepts inserts, never updates.
fn old_row(at: &str, action: &str) -> String {
    format!(
        "INSERT INTO audit_log (at, actor_username, action, target_type, target_id, unit_path) \
         VALUES ('{at}', 'admin.test', '{action}', 'unit', 'x', '79/26743/kp01')"
    )
}

on_both_backends!(the_audit_log_filters_by_kind_date_person_and_unit);
async fn the_audit_log_filters_by_kind_date_person_and_unit(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let rid = resident(&server, "26743-kp01", "Hồ Văn Nhật", "0913000222").await;
    let (s, _) = get_json(&server, &server.token, &format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, 200);
    // 15/01/2020 10:00 and 16/01/2020 01:00 in Vietnam (UTC+7).
    db.execute(&old_row("2020-01-15T03:00:00.000000Z", "unit.create"))
        .await;
    db.execute(&old_row("2020-01-15T18:00:00.000000Z", "household.viewed"))
        .await;

    // Kind: changes, reads, or everything (the API's default).
    let all = items(&server, "").await;
    assert!(all.iter().any(|i| i["action"] == "resident.viewed"));
    let changes = items(&server, "kind=changes").await;
    assert!(!changes.is_empty());
    assert!(changes
        .iter()
        .all(|i| !is_read(i["action"].as_str().unwrap())));
    let reads = items(&server, "kind=reads").await;
    assert!(reads.iter().any(|i| i["action"] == "resident.viewed"));
    assert!(reads.iter().all(|i| is_read(i["action"].as_str().unwrap())));
    assert_eq!(changes.len() + reads.len(), all.len());

    // Dates in Vietnam time, either form.
    let day = items(&server, "from=15/01/2020&to=15/01/2020").await;
    assert_eq!(day.len(), 1, "{day:?}");
    assert_eq!(day[0]["action"], "unit.create");
    let next = items(&server, "from=2020-01-16&to=2020-01-16").await;
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0]["action"], "household.viewed");
    assert!(items(&server, "to=14/01/2020").await.is_empty());
    let since = items(&server, "from=2020-01-16").await;
    assert_eq!(since.len(), all.len() - 1);
    // A malformed day is a 400; an end before the start, a rule between the two, a 422.
    for (bad, status) in [
        ("from=31/02/2020", 400),
        ("to=2020-13-01", 400),
        ("from=02/02/2020&to=01/02/2020", 422),
    ] {
        let (s, v) = get_json(&server, &server.token, &format!("/api/v1/audit?{bad}")).await;
        assert_eq!(s, status, "{bad}: {v}");
        assert!(
            ["from", "to"].contains(&v["error"]["field"].as_str().unwrap()),
            "{v}"
        );
    }
    let (s, v) = get_json(&server, &server.token, "/api/v1/audit?kind=bogus").await;
    assert_eq!((s, v["error"]["field"].as_str()), (400, Some("kind")));

    // Person: by username, or by the account's display name.
    let by_admin = items(&server, "actor=ADMIN.test").await;
    assert!(!by_admin.is_empty());
    assert!(by_admin.iter().all(|i| i["actor_username"] == ADMIN_USER));
    db.execute("UPDATE users SET display_name = 'Quản Trị Thử' WHERE username = 'admin.test'")
        .await;
    let by_name = items(&server, "actor=Qu%E1%BA%A3n%20Tr%E1%BB%8B%20Th%E1%BB%AD").await;
    assert!(!by_name.is_empty());
    assert!(by_name.iter().all(|i| i["actor_name"] == "Quản Trị Thử"));
    assert!(items(&server, "actor=nobody.here").await.is_empty());

    // Unit: that unit and below.
    let kp01 = items(&server, "unit=26743-kp01").await;
    assert!(!kp01.is_empty());
    assert!(kp01.iter().all(|i| i["unit_path"]
        .as_str()
        .unwrap()
        .starts_with("79/26743/kp01")));
    assert!(kp01.len() < all.len());

    // The page: changes by default, in words, the unit by name, details as a table.
    let (b, _) = server.sign_in(ADMIN_USER, ADMIN_PASSWORD).await;
    let (s, html) = page(&b, &server, "/audit?unit=26743-kp01").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Thêm nhân khẩu"), "resident.create in words");
    assert!(
        !html.contains("Xem nhân khẩu"),
        "reads are hidden by default"
    );
    assert!(!html.contains("resident.create") && !html.contains("79/26743/kp01"));
    assert!(html.contains("Họ và tên") && html.contains("Hồ Văn Nhật"));
    assert!(html.contains("05/04/1980"), "dates dd/mm/yyyy");
    assert!(html.contains("Quản Trị Thử (admin.test)"));
    let (_, units) = get_json(&server, &server.token, "/api/v1/units/26743-kp01").await;
    let name = units["name"].as_str().expect("the unit's name").to_owned();
    assert!(html.contains(&name), "the scope by name");
    let (_, html) = page(
        &b,
        &server,
        "/audit?kind=reads&from=16/01/2020&to=16/01/2020",
    )
    .await;
    assert!(html.contains("Xem hộ") && !html.contains("Thêm nhân khẩu"));
    let (_, html) = page(&b, &server, "/audit?kind=all&actor=demo-seed").await;
    assert!(
        html.contains("Dữ liệu mẫu (hệ thống)"),
        "demo-seed by a readable name"
    );
    assert!(!html.contains(">demo-seed<"));
    let (s, html) = page(&b, &server, "/audit?from=30/02/2026").await;
    assert_eq!(s, 400);
    assert!(
        html.contains("“Từ ngày”"),
        "the error names the field by its label"
    );

    // Pages: a page of one row links to the next.
    let (_, html) = page(&b, &server, "/audit?kind=all&limit=1").await;
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next link")
        .replace("&amp;", "&");
    assert!(next.contains("kind=all") && next.contains("cursor="));
    let (s, html2) = page(&b, &server, &next).await;
    assert_eq!(s, 200);
    assert_ne!(html, html2);
}

on_both_backends!(an_erased_person_is_redacted_in_the_audit_log);
async fn an_erased_person_is_redacted_in_the_audit_log(db: &TestDb) {
    const NAME: &str = "Phan Văn Ẩn Danh";
    const PHONE: &str = "0914555666";
    let server = Server::start_with(db, &["--demo"]);
    let rid = resident(&server, "26743-kp01", NAME, PHONE).await;
    let before = serde_json::to_string(&items(&server, "kind=all").await).unwrap();
    assert!(
        before.contains(NAME),
        "the log holds the name before the erasure"
    );
    crate::harness::erase(&server, rid, "Tôi là Phan Văn Ẩn Danh, chuyển đi").await;

    // The API: no name, phone or reason left; who did what stays.
    let after = items(&server, "kind=all").await;
    let text = serde_json::to_string(&after).unwrap();
    for gone in [NAME, PHONE, "chuyển đi"] {
        assert!(!text.contains(gone), "{gone} is still in the log");
    }
    assert!(text.contains(&format!("Đã ẩn danh #{rid}")));
    let rid_text = rid.to_string();
    let create = after
        .iter()
        .find(|i| i["action"] == "resident.create" && i["target_id"] == rid_text.as_str())
        .expect("the creation is still logged");
    assert_eq!(create["actor_username"], ADMIN_USER);
    assert_eq!(create["after"]["gender"], "male", "other fields stay");
    assert_eq!(create["after"]["full_name"], format!("Đã ẩn danh #{rid}"));
    // The household row names the representative: redacted by value.
    assert!(after
        .iter()
        .filter(|i| i["target_type"] == "household")
        .all(|i| !i.to_string().contains(NAME)));

    // The page too, whatever the filter.
    let (b, _) = server.sign_in(ADMIN_USER, ADMIN_PASSWORD).await;
    for q in ["kind=all&unit=26743-kp01", "unit=26743-kp01"] {
        let (s, html) = page(&b, &server, &format!("/audit?{q}")).await;
        assert_eq!(s, 200);
        assert!(!html.contains(NAME) && !html.contains(PHONE), "{q}");
        assert!(html.contains(&format!("Đã ẩn danh #{rid}")), "{q}");
    }
    // The stored rows are untouched (append-only); only their reading is redacted.
    assert!(
        db.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%{NAME}%'"
        ))
        .await
            >= 1
    );
    assert!(
        db.count(&format!(
            "SELECT COUNT(*) FROM erased_subjects WHERE resident_id = {rid}"
        ))
        .await
            >= 2
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM erased_subjects WHERE digest LIKE '%{PHONE}%'"
        ))
        .await,
        0,
        "only keyed hashes are kept"
    );
}
