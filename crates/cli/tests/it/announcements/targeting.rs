//! Narrowing an announcement to some group kinds or roles within its subtree: only their
//! members receive it and only their households count, are listed and may acknowledge.

use serde_json::{json, Value};

use super::{demo_token, get, post};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

async fn publish_to(server: &Server, token: &str, target: Value) -> i64 {
    let mut body = json!({"title": "Tập huấn hòa giải", "body": "Chiều thứ Bảy tại nhà văn hóa.",
                          "category": "meeting_invitation"});
    body.as_object_mut()
        .unwrap()
        .extend(target.as_object().unwrap().clone());
    let (s, b) = post(server, token, "/api/v1/units/26743/announcements", body).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

async fn in_app(db: &TestDb, id: i64, username: &str) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) FROM outbox o JOIN users u ON u.id = o.user_id \
         WHERE o.about_id = {id} AND o.channel = 'in_app' AND u.username = '{username}'"
    ))
    .await
}

on_both_backends!(narrowed_announcements_reach_only_their_audience);
async fn narrowed_announcements_reach_only_their_audience(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let head = demo_token(db, "totruong.kp01");
    // The households of Khu phố 1 with a member in a mediation group (tổ hòa giải).
    let members = "SELECT DISTINCT r.household_id FROM group_positions gp \
         JOIN community_groups cg ON cg.id = gp.group_id JOIN residents r ON r.id = gp.resident_id \
         JOIN households h ON h.id = r.household_id \
         WHERE cg.kind = 'to_hoa_giai' AND cg.status = 'active' AND gp.ended_on IS NULL \
         AND h.unit_code = '26743-kp01' AND h.status = 'active' AND r.status = 'active'";
    let audience = db
        .count(&format!("SELECT COUNT(*) FROM ({members}) m"))
        .await;
    let all = db
        .count(
            "SELECT COUNT(*) FROM households WHERE unit_code = '26743-kp01' AND status = 'active'",
        )
        .await;
    assert!(audience > 0 && audience < all);
    let member = db
        .count(&format!("SELECT MIN(household_id) FROM ({members}) m"))
        .await;
    let outsider = db
        .count(&format!(
            "SELECT MIN(id) FROM households WHERE unit_code = '26743-kp01' AND status = 'active' \
             AND id NOT IN ({members})"
        ))
        .await;

    let id = publish_to(&server, &official, json!({"group_kinds": ["to_hoa_giai"]})).await;
    let pass = format!("/api/v1/announcements/{id}/units/26743-kp01/pass-on");
    let (s, b) = post(&server, &head, &pass, json!({})).await;
    assert_eq!(s, 200, "{b}");
    // The counts and the list of households not reached follow the narrowing.
    let (s, b) = get(
        &server,
        &official,
        &format!("/api/v1/announcements/{id}/units/26743/dashboard"),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["units"][0]["households"], audience, "{b}");
    let kp1 = crate::harness::unit_row(&b, "26743-kp01");
    assert_eq!(kp1["households"], audience, "{b}");
    let (_, b) = get(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/not-reached"),
    )
    .await;
    assert_eq!(b["items"].as_array().unwrap().len() as i64, audience, "{b}");
    // Only the audience acknowledges.
    let behalf = format!("/api/v1/announcements/{id}/acknowledgements");
    let (s, b) = post(
        &server,
        &head,
        &behalf,
        json!({"household_id": outsider, "channel": "in_person"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str(), b["error"]["field"].as_str()),
        (
            422,
            Some("announcement_not_for_household"),
            Some("household")
        ),
        "{b}"
    );
    let (s, b) = post(
        &server,
        &head,
        &behalf,
        json!({"household_id": member, "channel": "in_person"}),
    )
    .await;
    assert_eq!((s, b["counted"].as_bool()), (200, Some(true)), "{b}");
    let (_, b) = get(
        &server,
        &official,
        &format!("/api/v1/announcements/{id}/units/26743/dashboard"),
    )
    .await;
    assert_eq!(b["units"][0]["acknowledged"], 1, "{b}");
    // The demo resident is in no mediation group: no message for her.
    assert_eq!(in_app(db, id, "dan.kp01").await, 0);

    // Narrowed to a role: the front committee's member at Khu phố 1 hears of it, the
    // resident does not; an announcement to everybody reaches both.
    let by_role = publish_to(&server, &official, json!({"roles": ["front_committee"]})).await;
    let pass = format!("/api/v1/announcements/{by_role}/units/26743-kp01/pass-on");
    let (s, b) = post(&server, &head, &pass, json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(in_app(db, by_role, "mattran.kp01").await, 1);
    assert_eq!(in_app(db, by_role, "dan.kp01").await, 0);
    let everybody = publish_to(&server, &official, json!({})).await;
    let pass = format!("/api/v1/announcements/{everybody}/units/26743-kp01/pass-on");
    let (s, b) = post(&server, &head, &pass, json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(in_app(db, everybody, "dan.kp01").await, 1);
    let (_, b) = get(
        &server,
        &official,
        &format!("/api/v1/announcements/{everybody}/units/26743/dashboard"),
    )
    .await;
    let kp1 = crate::harness::unit_row(&b, "26743-kp01");
    assert_eq!(kp1["households"], all, "{b}");
    // An unknown group kind is refused, naming the field.
    let (s, b) = post(
        &server,
        &official,
        "/api/v1/units/26743/announcements",
        json!({"title": "x", "body": "y", "category": "other", "group_kinds": ["club"]}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (400, Some("group_kinds")),
        "{b}"
    );
}
