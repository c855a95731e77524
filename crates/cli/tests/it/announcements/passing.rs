//! The author's view of the passing on: per unit whether, when and by whom, with the head's
//! note, rolled up the tree; the dashboard page shows it.

use serde_json::json;

use super::{demo_token, get, post, publish};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

on_both_backends!(author_sees_who_passed_it_on_when_with_the_note);
async fn author_sees_who_passed_it_on_when_with_the_note(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let head = demo_token(db, "totruong.kp01");
    let id = publish(&server, &official, "26743", "Tổng vệ sinh cuối tuần").await;
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/pass-on"),
        json!({"note": "Đã đọc trên loa tối thứ Sáu"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // Khu phố 2 is late.
    db.execute(&format!(
        "UPDATE announcement_units SET deadline = '2000-01-01T00:00:00.000000Z' \
         WHERE announcement_id = {id} AND unit_code = '26743-kp02'"
    ))
    .await;
    let (_, me) = get(&server, &head, "/api/v1/me").await;
    let head_name = me["display_name"].as_str().unwrap().to_owned();
    let units = db
        .count("SELECT COUNT(*) FROM units WHERE parent_code = '26743' AND valid_to IS NULL")
        .await;

    let path = format!("/api/v1/announcements/{id}/units/26743/passing");
    let (s, b) = get(&server, &official, &path).await;
    assert_eq!(s, 200, "{b}");
    let items = b["items"].as_array().unwrap();
    // The ward's own line rolls up every khu phố below it.
    assert_eq!(items[0]["unit_code"], "26743", "{b}");
    assert_eq!(items[0]["units"], units, "{b}");
    assert_eq!(items[0]["units_passed_on"], 1, "{b}");
    assert_eq!(items[0]["units_late"], 1, "{b}");
    let kp1 = items
        .iter()
        .find(|i| i["unit_code"] == "26743-kp01")
        .unwrap();
    assert_eq!(kp1["passed_on_by"], head_name.as_str(), "{b}");
    assert_eq!(kp1["note"], "Đã đọc trên loa tối thứ Sáu", "{b}");
    assert!(kp1["passed_on_at"].is_string(), "{b}");
    assert_eq!(
        (kp1["units"].as_i64(), kp1["units_passed_on"].as_i64()),
        (Some(1), Some(1))
    );
    let kp2 = items
        .iter()
        .find(|i| i["unit_code"] == "26743-kp02")
        .unwrap();
    assert!(
        kp2["passed_on_at"].is_null() && kp2["passed_on_by"].is_null(),
        "{b}"
    );
    assert_eq!(kp2["units_late"], 1, "{b}");

    // A khu phố head sees their own unit, not the ward.
    let (s, _) = get(&server, &head, &path).await;
    assert_eq!(s, 403);
    let (s, b) = get(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/passing"),
    )
    .await;
    assert_eq!(
        (s, b["items"][0]["units_passed_on"].as_i64()),
        (200, Some(1)),
        "{b}"
    );

    // The dashboard page shows the same to the author.
    let (browser, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let (status, html) = server
        .page(&browser, &format!("/announcements/{id}/units/26743"))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"passing\"")
            && html.contains("Đã đọc trên loa tối thứ Sáu")
            && html.contains(&head_name)
            && html.contains(&format!("1/{units} đơn vị đã chuyển tiếp"))
            && html.contains("1 đơn vị quá hạn"),
        "{html}"
    );
}
