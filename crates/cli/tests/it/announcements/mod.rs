//! Announcements: passing on down two levels, acknowledgement by a resident and on behalf
//! (once per household), versions, withdrawal, permissions; the matrix and audit probes.

use serde_json::json;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

mod channels;
mod counts;
pub mod files;
mod forms;
mod pages;
mod passing;
mod printing;
mod probes;
mod targeting;

pub(crate) use pages::valid;
pub use probes::{audit_probe, matrix_probe};

// The JSON helpers live in the harness; re-exported under the short names the modules
// that import them from here use.
pub use crate::harness::{demo_token, get_json as get, post_json as post};

/// Publishes with `token` at `unit`; returns the id.
pub async fn publish(server: &Server, token: &str, unit: &str, title: &str) -> i64 {
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/units/{unit}/announcements"),
        json!({"title": title, "body": "Đề nghị các hộ gia đình tham gia đầy đủ.\nXin cảm ơn.",
               "category": "policy", "public": true}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// A household with one member in `unit`, made by the admin; returns (household, resident).
pub async fn household(server: &Server, unit: &str, name: &str) -> (i64, i64) {
    let household = json!({"address": "9 Đường Thử"});
    let member = json!({"full_name": name, "birth_date": "1980-02-03", "gender": "male",
                        "residence_type": "permanent", "phone": "0912345678"});
    crate::harness::household_with(server, unit, household, member).await
}

/// A residential unit below `parent`, made by the admin; returns its code.
pub(crate) async fn sub_unit(server: &Server, parent: &str, local: &str, kind: &str) -> String {
    let (s, b) = post(
        server,
        &server.token,
        "/api/v1/units",
        json!({"parent_code": parent, "local_code": local, "name": format!("Ấp {local}"),
               "kind": kind}),
    )
    .await;
    assert!(matches!(s, 201 | 409), "{b}");
    format!("{parent}-{local}")
}

on_both_backends!(passing_on_two_levels_and_acknowledging);
async fn passing_on_two_levels_and_acknowledging(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let head = demo_token(db, "totruong.kp01");
    let resident = demo_token(db, "dan.kp01");
    // Two levels below the ward: khu phố, then tổ nhân dân tự quản.
    db.run_ok(
        &[
            "territory",
            "scheme-set",
            "26743",
            "khu_pho,ap;to_nhan_dan_tu_quan",
        ],
        "",
    );
    let ap = sub_unit(&server, "26743-kp01", "a1", "to_nhan_dan_tu_quan").await;
    let ap_head = db.user_with_token("truong.ap1", "unit_head", Some(&ap), "Ap-head-pass-1");
    let other_head = db.user_with_token(
        "truong.kp02b",
        "unit_head",
        Some("26743-kp02"),
        "Kp2-head-pass-1",
    );
    let (ap_household, _) = household(&server, &ap, "Lê Văn Ấp").await;

    let id = publish(&server, &official, "26743", "Tiêm chủng mở rộng đợt 2").await;
    // It waits at Khu phố 1 for its head, not yet at the ấp below.
    let (s, w) = get(
        &server,
        &head,
        "/api/v1/units/26743-kp01/announcements/waiting",
    )
    .await;
    assert_eq!(s, 200, "{w}");
    let items = w["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["announcement_id"] == id && i["unit_code"] == "26743-kp01"),
        "{w}"
    );
    assert!(!items.iter().any(|i| i["unit_code"] == ap.as_str()), "{w}");
    let (_, w) = get(
        &server,
        &ap_head,
        &format!("/api/v1/units/{ap}/announcements/waiting"),
    )
    .await;
    assert!(w["items"].as_array().unwrap().is_empty(), "{w}");

    // Nothing reaches the households before the head passes it on.
    let (s, b) = post(
        &server,
        &resident,
        &format!("/api/v1/announcements/{id}/acknowledge"),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("announcement_not_reached")),
        "{b}"
    );
    let ap_pass = format!("/api/v1/announcements/{id}/units/{ap}/pass-on");
    let (s, b) = post(&server, &ap_head, &ap_pass, json!({})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("announcement_not_reached")),
        "{b}"
    );

    // Level one: Khu phố 1's head passes it on with a note; only once.
    let kp_pass = format!("/api/v1/announcements/{id}/units/26743-kp01/pass-on");
    let (s, b) = post(
        &server,
        &head,
        &kp_pass,
        json!({"note": "Họp tổ tối thứ Bảy"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = post(&server, &head, &kp_pass, json!({})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("announcement_already_passed_on")),
        "{b}"
    );
    // Another unit's head cannot pass it on here.
    let (s, _) = post(&server, &other_head, &kp_pass, json!({})).await;
    assert_eq!(s, 403);
    // Level two: the ấp's head now sees it and passes it on.
    let (_, w) = get(
        &server,
        &ap_head,
        &format!("/api/v1/units/{ap}/announcements/waiting"),
    )
    .await;
    assert_eq!(w["items"][0]["announcement_id"], id, "{w}");
    let (s, b) = post(&server, &ap_head, &ap_pass, json!({})).await;
    assert_eq!(s, 200, "{b}");

    // A resident acknowledges for the household, once.
    let ack = format!("/api/v1/announcements/{id}/acknowledge");
    let (s, b) = post(&server, &resident, &ack, json!({})).await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(true)), "{b}");
    let (s, b) = post(&server, &resident, &ack, json!({})).await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(false)), "{b}");
    // The head records households on their behalf; the resident's counts once only.
    let own = db
        .count("SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id WHERE u.username = 'dan.kp01'")
        .await;
    let behalf = format!("/api/v1/announcements/{id}/acknowledgements");
    let (s, b) = post(
        &server,
        &head,
        &behalf,
        json!({"household_id": own, "channel": "in_person"}),
    )
    .await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(false)), "{b}");
    let (s, b) = post(
        &server,
        &head,
        &behalf,
        json!({"household_id": ap_household, "channel": "loudspeaker"}),
    )
    .await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(true)), "{b}");
    let (s, b) = post(
        &server,
        &head,
        &behalf,
        json!({"household_id": ap_household, "channel": "online"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("ack_channel")),
        "{b}"
    );
    let (s, _) = post(
        &server,
        &other_head,
        &behalf,
        json!({"household_id": ap_household, "channel": "phone"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = post(
        &server,
        &resident,
        &behalf,
        json!({"household_id": own, "channel": "phone"}),
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM announcement_acks WHERE announcement_id = {id}"
        ))
        .await,
        2
    );

    // The official's dashboard: x of y per unit, rolled up the tree.
    let (s, d) = get(
        &server,
        &official,
        &format!("/api/v1/announcements/{id}/units/26743/dashboard"),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    let units = d["units"].as_array().unwrap();
    assert_eq!(units[0]["unit_code"], "26743");
    assert_eq!(units[0]["acknowledged"], 2);
    let all = db
        .count("SELECT COUNT(*) FROM households WHERE status = 'active'")
        .await;
    assert_eq!(units[0]["households"].as_i64(), Some(all));
    let kp01 = crate::harness::unit_row(&d, "26743-kp01");
    assert_eq!(kp01["acknowledged"], 2);
    assert!(kp01["passed_on_at"].is_string());
    let kp02 = crate::harness::unit_row(&d, "26743-kp02");
    assert_eq!(kp02["acknowledged"], 0);
    assert!(kp02["passed_on_at"].is_null());
    // The households not yet reached in Khu phố 1, for door-to-door visits.
    let (s, n) = get(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/not-reached"),
    )
    .await;
    assert_eq!(s, 200, "{n}");
    let in_kp01 = db
        .count("SELECT COUNT(*) FROM households h JOIN units u ON u.code = h.unit_code WHERE h.status = 'active' AND u.path LIKE '79/26743/kp01%'")
        .await;
    let rows = n["items"].as_array().unwrap();
    assert_eq!(rows.len() as i64, in_kp01 - 2);
    assert!(!rows
        .iter()
        .any(|r| r["household_id"] == own || r["household_id"] == ap_household));
    let (s, _) = get(
        &server,
        &other_head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/not-reached"),
    )
    .await;
    assert_eq!(s, 403);
    // The head of Khu phố 1 heard of it in the app.
    let mut waited = 0;
    while db
        .count("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'totruong.kp01' AND n.kind = 'announcement'")
        .await
        == 0
    {
        waited += 1;
        assert!(waited < 100, "no in-app notification for the head");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'announcement.pass_on'")
            .await
            >= 2
    );
}

on_both_backends!(versions_and_withdrawal);
async fn versions_and_withdrawal(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let resident = demo_token(db, "dan.kp01");
    // Written at Khu phố 1 itself: it reaches the households at once.
    let id = publish(&server, &head, "26743-kp01", "Lịch thu gom rác").await;
    let ack = format!("/api/v1/announcements/{id}/acknowledge");
    let (s, b) = post(&server, &resident, &ack, json!({})).await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(true)), "{b}");
    // A resident may not edit; the head makes version 2, which needs fresh acknowledgement.
    let edit = format!("/api/v1/announcements/{id}/versions");
    let (s, _) = post(
        &server,
        &resident,
        &edit,
        json!({"title": "x", "body": "y"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = post(&server, &head, &edit,
        json!({"title": "Lịch thu gom rác (sửa đổi)", "body": "Thu gom vào 18 giờ thứ Hai, Tư, Sáu."})).await;
    assert_eq!((s, b["version"].as_i64()), (201, Some(2)), "{b}");
    let dash = format!("/api/v1/announcements/{id}/units/26743-kp01/dashboard");
    let (_, d) = get(&server, &head, &dash).await;
    assert_eq!(d["units"][0]["acknowledged"], 0, "{d}");
    let (s, b) = post(&server, &resident, &ack, json!({})).await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(true)), "{b}");
    let (_, d) = get(&server, &head, &dash).await;
    assert_eq!(d["units"][0]["acknowledged"], 1, "{d}");
    // Every version stays readable.
    let (s, a) = get(&server, &resident, &format!("/api/v1/announcements/{id}")).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["versions"].as_array().unwrap().len(), 2);
    assert_eq!(a["versions"][1]["title"], "Lịch thu gom rác");
    assert_eq!(a["announcement"]["version"], 2);
    // Withdrawal keeps the record and stops acknowledgements and edits.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/withdraw"),
        json!({"reason": "Đăng nhầm lịch"}),
    )
    .await;
    assert_eq!((s, b["status"].as_str()), (200, Some("withdrawn")), "{b}");
    let (s, b) = post(&server, &resident, &ack, json!({})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("announcement_withdrawn")),
        "{b}"
    );
    let (s, _) = post(&server, &head, &edit, json!({"title": "x", "body": "y"})).await;
    assert_eq!(s, 422);
    let (s, a) = get(&server, &head, &format!("/api/v1/announcements/{id}")).await;
    assert_eq!(
        (s, a["announcement"]["withdrawn_reason"].as_str()),
        (200, Some("Đăng nhầm lịch"))
    );
    // Someone outside cannot read a withdrawn (no longer public) announcement.
    let outsider = db.user_with_token(
        "ngoai.kp02",
        "resident",
        Some("26743-kp02"),
        "Outside-pass-1",
    );
    let (s, _) = get(&server, &outsider, &format!("/api/v1/announcements/{id}")).await;
    assert_eq!(s, 403);
    db.assert_audited(&[
        "announcement.publish",
        "announcement.edit",
        "announcement.withdraw",
        "announcement.acknowledge",
    ])
    .await;
}

/// The first household of a unit, through the API as the admin.
pub async fn first_household(server: &Server, unit: &str) -> i64 {
    let (s, b) = get(
        server,
        &server.token,
        &format!("/api/v1/units/{unit}/households"),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b["items"][0]["id"].as_i64().unwrap()
}
