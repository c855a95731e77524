//! Issue 11, people: identity numbers follow `identity.view` in every output, an update
//! without `cccd` keeps the number, service history needs `household.view`, erasure reaches
//! every place the product shows the person.

use serde_json::{json, Value};

use crate::harness::{add_member, get_json, new_household, put_json, Server, TestDb};
use crate::on_both_backends;

/// A household with one member in `unit`, made by the admin; returns (household, resident).
async fn member(server: &Server, unit: &str, name: &str, cccd: Option<&str>) -> (u16, Value) {
    let hid = new_household(server, unit, json!({"address": "1 Đường Thử"})).await;
    let body = json!({"full_name": name, "birth_date": "1985-03-12", "gender": "female",
                      "residence_type": "permanent", "residence_since": "2010-01-01", "cccd": cccd});
    add_member(server, hid, body).await
}

async fn resident(server: &Server, unit: &str, name: &str, cccd: Option<&str>) -> i64 {
    let (s, r) = member(server, unit, name, cccd).await;
    assert_eq!(s, 201, "{r}");
    r["id"].as_i64().unwrap()
}

on_both_backends!(the_export_masks_the_identity_number_without_identity_view);
async fn the_export_masks_the_identity_number_without_identity_view(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let rid = resident(&server, "26743-kp01", "Trần Thị Xuất", Some("079185004321")).await;
    // A khu phố head may export (resident.rights) but not see full numbers.
    let official = db.user_with_token("truong.y", "unit_head", Some("26743-kp01"), "head-pass-123");
    assert_eq!(
        get_json(
            &server,
            &official,
            &format!("/api/v1/residents/{rid}/identity")
        )
        .await
        .0,
        403
    );
    let r = server
        .get_with_token(&official, &format!("/api/v1/residents/{rid}/export"))
        .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(!text.contains("079185004321"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"]["resident"]["cccd"], "0791••••••21");
    // The page export too.
    let (b, _) = server.sign_in("truong.y", "head-pass-123").await;
    let r = b
        .get(server.url(&format!("/residents/{rid}/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(!r.text().await.unwrap().contains("079185004321"));
    // The admin holds identity.view: the number in full.
    let r = server
        .get_with_token(&server.token, &format!("/api/v1/residents/{rid}/export"))
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["data"]["resident"]["cccd"], "079185004321");
}

on_both_backends!(an_update_without_cccd_keeps_the_number);
async fn an_update_without_cccd_keeps_the_number(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let rid = resident(&server, "26743-kp01", "Lê Văn Giữ", Some("079185007777")).await;
    let path = format!("/api/v1/residents/{rid}");
    let fields = json!({"full_name": "Lê Văn Giữ", "birth_date": "1985-03-12", "gender": "female",
        "residence_type": "permanent"});
    let (s, r) = put_json(&server, &server.token, &path, fields.clone()).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["cccd"], "0791••••••77", "absent means unchanged");
    assert_eq!(r["gender"], "female");
    let mut with_null = fields.clone();
    with_null["cccd"] = Value::Null;
    let (s, r) = put_json(&server, &server.token, &path, with_null).await;
    assert_eq!(s, 200, "{r}");
    assert!(r["cccd"].is_null(), "an explicit null removes it: {r}");
    let mut with_new = fields;
    with_new["cccd"] = json!("079185008888");
    let (s, r) = put_json(&server, &server.token, &path, with_new).await;
    assert_eq!((s, r["cccd"].as_str()), (200, Some("0791••••••88")));
    // The schema says so.
    let (_, api) = server.get_json("/api/openapi.json").await;
    let schema = api["components"]["schemas"]["ResidentUpdateBody"].to_string();
    assert!(schema.contains("Absent: unchanged"), "{schema}");
}

on_both_backends!(service_history_needs_household_view_and_duplicates_say_nowhere);
async fn service_history_needs_household_view_and_duplicates_say_nowhere(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let rid = resident(&server, "26743-kp01", "Phan Thị Phục", Some("079185005555")).await;
    let member = db.user_with_token(
        "thanhvien.x",
        "group_member",
        Some("26743-kp01"),
        "member-pass-1",
    );
    let (s, body) = get_json(
        &server,
        &member,
        &format!("/api/v1/residents/{rid}/service"),
    )
    .await;
    assert_eq!(s, 403, "{body}");
    assert!(!body.to_string().contains("Phan Thị Phục"));
    let head = db.user_with_token("truong.x", "unit_head", Some("26743-kp01"), "head-pass-123");
    assert_eq!(
        get_json(&server, &head, &format!("/api/v1/residents/{rid}/service"))
            .await
            .0,
        200
    );
    // The same number again: the same answer in the same unit and in another.
    let (s1, same) = member_again(&server, "26743-kp01").await;
    let (s2, other) = member_again(&server, "26743-kp02").await;
    assert_eq!((s1, s2), (422, 422), "{same} {other}");
    assert_eq!(same, other);
    let text = other.to_string();
    assert!(!text.contains("kp01") && !text.contains("Phan"), "{text}");
}

async fn member_again(server: &Server, unit: &str) -> (u16, Value) {
    let (s, mut v) = member(server, unit, "Người Khác", Some("079185005555")).await;
    if let Some(o) = v.as_object_mut() {
        o.remove("request_id");
    }
    (s, v)
}

on_both_backends!(an_approved_erasure_reaches_every_place_and_has_a_deadline);
async fn an_approved_erasure_reaches_every_place_and_has_a_deadline(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let rid = resident(&server, "26743-kp01", "Đinh Thị Xóa", None).await;
    db.user_with_token(
        "dinh.xoa",
        "resident",
        Some("26743-kp01"),
        "resident-pass-1",
    );
    db.execute(&format!(
        "UPDATE residents SET phone = '0912000111' WHERE id = {rid}"
    ))
    .await;
    db.execute(&format!(
        "UPDATE users SET resident_id = {rid}, display_name = 'Đinh Thị Xóa' WHERE username = 'dinh.xoa'"
    ))
    .await;
    db.execute(&format!(
        "INSERT INTO group_events (province_code, group_id, at, actor_username, event, detail_json) \
         SELECT province_code, id, '2026-01-01T00:00:00Z', 'admin', 'position.appointed', \
         '{{\"full_name\":\"Đinh Thị Xóa\",\"resident_id\":{rid},\"role\":\"head\"}}' \
         FROM community_groups WHERE id = (SELECT MIN(id) FROM community_groups)"
    ))
    .await;
    let feedback = db.count("SELECT COUNT(*) FROM feedback").await;
    db.execute(
        "UPDATE feedback SET contact_name = 'Đinh Thị Xóa', contact_phone = '0912000111' \
         WHERE id = (SELECT MIN(id) FROM feedback)",
    )
    .await;
    let req = crate::harness::request_erasure(&server, rid, "chuyển đi").await;
    let due = req["due_on"].as_str().unwrap_or_default().to_owned();
    let day: jiff::civil::Date = due.parse().expect("a due date");
    assert!(!matches!(
        day.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ));
    let (b, _) = server
        .sign_in(crate::harness::ADMIN_USER, crate::harness::ADMIN_PASSWORD)
        .await;
    let (_, html) = crate::harness::page(&b, &server, "/erasure-requests?unit=26743").await;
    assert!(html.contains(&due), "the page shows the deadline");
    let (s, _) = crate::harness::post_json(
        &server,
        &server.token,
        &format!("/api/v1/erasure-requests/{}/decision", req["id"]),
        json!({"approve": true}),
    )
    .await;
    assert_eq!(s, 200);
    for sql in [
        "SELECT COUNT(*) FROM users WHERE display_name LIKE '%Xóa%'",
        "SELECT COUNT(*) FROM group_events WHERE detail_json LIKE '%Xóa%'",
        "SELECT COUNT(*) FROM feedback WHERE contact_name LIKE '%Xóa%' OR contact_phone = '0912000111'",
        "SELECT COUNT(*) FROM residents WHERE full_name LIKE '%Xóa%'",
    ] {
        assert_eq!(db.count(sql).await, 0, "{sql}");
    }
    let _ = feedback;
}
