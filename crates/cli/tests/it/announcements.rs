//! Announcements: passing on down two levels, acknowledgement by a resident and on behalf
//! (once per household), versions, withdrawal, permissions; the matrix and audit probes.

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

pub async fn post(server: &Server, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = server
        .http
        .post(server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn get(server: &Server, token: &str, path: &str) -> (u16, Value) {
    let r = server
        .http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// An API token for a demo account.
pub fn demo_token(db: &TestDb, username: &str) -> String {
    db.run_ok(
        &["token", "create", "--username", username, "--name", "t"],
        "",
    )
    .trim()
    .to_owned()
}

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
    let t = &server.token;
    let (s, h) = post(
        server,
        t,
        &format!("/api/v1/units/{unit}/households"),
        json!({"address": "9 Đường Thử"}),
    )
    .await;
    assert_eq!(s, 201, "{h}");
    let hid = h["id"].as_i64().unwrap();
    let (s, r) = post(
        server,
        t,
        &format!("/api/v1/households/{hid}/residents"),
        json!({"full_name": name, "birth_date": "1980-02-03", "gender": "male",
               "residence_type": "permanent", "phone": "0912345678"}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    (hid, r["id"].as_i64().unwrap())
}

/// A residential unit below `parent`, made by the admin; returns its code.
async fn sub_unit(server: &Server, parent: &str, local: &str, kind: &str) -> String {
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
    let kp01 = units
        .iter()
        .find(|u| u["unit_code"] == "26743-kp01")
        .unwrap();
    assert_eq!(kp01["acknowledged"], 2);
    assert!(kp01["passed_on_at"].is_string());
    let kp02 = units
        .iter()
        .find(|u| u["unit_code"] == "26743-kp02")
        .unwrap();
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
    for action in [
        "announcement.publish",
        "announcement.edit",
        "announcement.withdraw",
        "announcement.acknowledge",
    ] {
        assert!(
            db.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
            ))
            .await
                >= 1,
            "{action}"
        );
    }
}

/// One request performing an announcement action on commune `target` with `token`
/// (see `access::authorization_matrix_over_http`).
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let admin = server.token.clone();
    let (s, b) =
        match action {
            Action::AnnouncementPublish => post(
                server,
                token,
                &format!("/api/v1/units/{target}/announcements"),
                json!({"title": format!("Thông báo {n}"), "body": "Nội dung", "category": "other"}),
            )
            .await,
            Action::AnnouncementPassOn => {
                let unit = sub_unit(
                    server,
                    target,
                    "ann",
                    if target == "26743" {
                        "khu_pho"
                    } else {
                        "to_dan_pho"
                    },
                )
                .await;
                let id = publish(server, &admin, target, &format!("Chuyển tiếp {n}")).await;
                post(
                    server,
                    token,
                    &format!("/api/v1/announcements/{id}/units/{unit}/pass-on"),
                    json!({}),
                )
                .await
            }
            Action::AnnouncementAcknowledgeOnBehalf => {
                let unit = sub_unit(
                    server,
                    target,
                    "ann",
                    if target == "26743" {
                        "khu_pho"
                    } else {
                        "to_dan_pho"
                    },
                )
                .await;
                let (hid, _) = household(server, &unit, &format!("Hộ Thử {n}")).await;
                let id = publish(server, &admin, &unit, &format!("Xác nhận {n}")).await;
                post(
                    server,
                    token,
                    &format!("/api/v1/announcements/{id}/acknowledgements"),
                    json!({"household_id": hid, "channel": "meeting"}),
                )
                .await
            }
            Action::AnnouncementView => {
                let id = publish(server, &admin, target, &format!("Theo dõi {n}")).await;
                get(
                    server,
                    token,
                    &format!("/api/v1/announcements/{id}/units/{target}/dashboard"),
                )
                .await
            }
            other => panic!("not an announcement action: {other:?}"),
        };
    (s, b.to_string())
}

/// A successful request for one of this area's state-changing routes (see
/// `access::every_mutating_route_writes_an_audit_row`).
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    if tuquan_web::pages::announcements::MUTATING.contains(&(method, path)) {
        return Some(page_audit_probe(server, path, rid, admin).await);
    }
    if !tuquan_web::api::announcements::MUTATING.contains(&(method, path)) {
        return None;
    }
    let t = server.token.clone();
    let api = |m: reqwest::Method, p: String, body: Value| {
        server
            .http
            .request(m, server.url(&p))
            .header("x-request-id", rid)
            .bearer_auth(&t)
            .json(&body)
    };
    let id = publish(server, &t, "26743", &format!("Kiểm toán {rid}")).await;
    Some(match path {
        "/api/v1/units/{code}/announcements" => api(
            reqwest::Method::POST,
            "/api/v1/units/26743/announcements".into(),
            json!({"title": "Kiểm toán", "body": "Nội dung", "category": "campaign"}),
        ),
        "/api/v1/announcements/{id}/versions" => api(
            reqwest::Method::POST,
            format!("/api/v1/announcements/{id}/versions"),
            json!({"title": "Kiểm toán", "body": "Bản mới"}),
        ),
        "/api/v1/announcements/{id}/withdraw" => api(
            reqwest::Method::POST,
            format!("/api/v1/announcements/{id}/withdraw"),
            json!({"reason": "Thử"}),
        ),
        "/api/v1/announcements/{id}/units/{code}/pass-on" => api(
            reqwest::Method::POST,
            format!("/api/v1/announcements/{id}/units/26743-kp03/pass-on"),
            json!({}),
        ),
        "/api/v1/announcements/{id}/acknowledge" => {
            let own = demo_token(db, "dan.kp01");
            let kp = publish(server, &t, "26743-kp01", &format!("Xác nhận {rid}")).await;
            server
                .http
                .post(server.url(&format!("/api/v1/announcements/{kp}/acknowledge")))
                .header("x-request-id", rid)
                .bearer_auth(own)
                .json(&json!({}))
        }
        "/api/v1/announcements/{id}/acknowledgements" => {
            let kp = publish(server, &t, "26743-kp02", &format!("Xác nhận hộ {rid}")).await;
            let hid = db
                .count("SELECT MIN(id) FROM households WHERE unit_code = '26743-kp02'")
                .await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/announcements/{kp}/acknowledgements"),
                json!({"household_id": hid, "channel": "zalo"}),
            )
        }
        "/api/v1/me/delivery-addresses/{channel}" => api(
            reqwest::Method::PUT,
            "/api/v1/me/delivery-addresses/email".into(),
            json!({"address": "admin@example.vn"}),
        ),
        other => panic!("no audit probe for {other}"),
    })
}

/// The pages' forms, posted with the admin's session (or the demo resident's, to acknowledge).
async fn page_audit_probe(
    server: &Server,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> reqwest::RequestBuilder {
    let t = server.token.clone();
    let form = |p: String, mut fields: Vec<(&'static str, String)>| {
        fields.push(("csrf", admin.1.clone()));
        admin
            .0
            .post(server.url(&p))
            .header("x-request-id", rid)
            .form(&fields)
    };
    let id = publish(server, &t, "26743", &format!("Trang {rid}")).await;
    match path {
        "/territory/{code}/announcements" => form(
            "/territory/26743/announcements".into(),
            vec![
                ("title", "Họp dân".into()),
                ("body", "Tối nay".into()),
                ("category", "meeting_invitation".into()),
            ],
        ),
        "/announcements/{id}/pass-on/{code}" => form(
            format!("/announcements/{id}/pass-on/26743-kp04"),
            vec![("note", "Ghi chú".into())],
        ),
        "/announcements/{id}/acknowledge" => {
            let kp = publish(server, &t, "26743-kp01", &format!("Trang xác nhận {rid}")).await;
            let (b, csrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
            b.post(server.url(&format!("/announcements/{kp}/acknowledge")))
                .header("x-request-id", rid)
                .form(&[("csrf", csrf)])
        }
        "/announcements/{id}/acknowledgements" => {
            let kp = publish(server, &t, "26743-kp05", &format!("Trang hộ {rid}")).await;
            let hid = crate::announcements::first_household(server, "26743-kp05").await;
            form(
                format!("/announcements/{kp}/acknowledgements"),
                vec![
                    ("household_id", hid.to_string()),
                    ("channel", "meeting".into()),
                ],
            )
        }
        "/announcements/{id}/versions" => form(
            format!("/announcements/{id}/versions"),
            vec![("title", "Bản sửa".into()), ("body", "Nội dung mới".into())],
        ),
        "/announcements/{id}/withdraw" => form(
            format!("/announcements/{id}/withdraw"),
            vec![("reason", "Thử".into())],
        ),
        other => panic!("no page audit probe for {other}"),
    }
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

/// The body of a page or feed, with its status.
async fn text(b: &reqwest::Client, server: &Server, path: &str) -> (u16, String) {
    let r = b.get(server.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

on_both_backends!(pages_feed_and_cap_work_without_javascript);
async fn pages_feed_and_cap_work_without_javascript(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (official, ocsrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    // The author's form.
    let (s, html) = text(&official, &server, "/territory/26743/announcements").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("id=\"publish\""), "{html}");
    let r = official
        .post(server.url("/territory/26743/announcements"))
        .form(&[
            ("csrf", ocsrf.as_str()),
            ("title", "Cảnh báo triều cường"),
            ("body", "Triều cường dâng cao lúc 17 giờ.\nHạn chế đi lại."),
            ("category", "emergency"),
            ("public", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let private = publish(&server, &server.token, "26743", "Nội bộ").await;
    db.execute(&format!(
        "UPDATE announcements SET public = FALSE WHERE id = {private}"
    ))
    .await;
    // The head's list of what waits, with the pass-on form.
    let (head, hcsrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let (s, html) = text(&head, &server, "/territory/26743-kp01/announcements").await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("/announcements/{id}/pass-on/26743-kp01")),
        "{html}"
    );
    let r = head
        .post(server.url(&format!("/announcements/{id}/pass-on/26743-kp01")))
        .form(&[("csrf", hcsrf.as_str()), ("note", "Các hộ ven kênh chú ý")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The resident acknowledges on the announcement's page.
    let (res, rcsrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let (s, html) = text(&res, &server, &format!("/announcements/{id}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"acknowledge\"") && html.contains("Hạn chế đi lại."),
        "{html}"
    );
    let r = res
        .post(server.url(&format!("/announcements/{id}/acknowledge")))
        .form(&[("csrf", rcsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The head records a household met in person from the list of those not reached.
    let (s, html) = text(
        &head,
        &server,
        &format!("/announcements/{id}/units/26743-kp01/not-reached"),
    )
    .await;
    assert_eq!(s, 200, "{html}");
    let hid: i64 = html
        .split("name=\"household_id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let back = format!("/announcements/{id}/units/26743-kp01/not-reached");
    let r = head
        .post(server.url(&format!("/announcements/{id}/acknowledgements")))
        .form(&[
            ("csrf", hcsrf.as_str()),
            ("household_id", &hid.to_string()),
            ("channel", "in_person"),
            ("back", back.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), back);
    // The official's dashboard counts both, per khu phố.
    let (s, html) = text(
        &official,
        &server,
        &format!("/announcements/{id}/units/26743"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"counts\"") && html.contains("Khu phố 1: 2 / "),
        "{html}"
    );
    // The public board and feed: no sign-in, public announcements only.
    let anon = crate::harness::browser();
    let (s, html) = text(&anon, &server, "/territory/26743-kp01/notices").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Cảnh báo triều cường") && !html.contains("Nội bộ"),
        "{html}"
    );
    let (s, atom) = text(&anon, &server, "/territory/26743/notices.atom").await;
    assert_eq!(s, 200);
    assert!(
        atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
            && atom.contains("Cảnh báo triều cường"),
        "{atom}"
    );
    assert!(!atom.contains("Nội bộ"));
    let (s, cap) = text(&anon, &server, &format!("/announcements/{id}/cap.xml")).await;
    assert_eq!(s, 200, "{cap}");
    assert!(
        cap.contains("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">")
            && cap.contains("<msgType>Alert</msgType>"),
        "{cap}"
    );
    assert!(cap.contains("+07:00</sent>"), "{cap}");
    let (s, _) = text(&anon, &server, &format!("/announcements/{private}/cap.xml")).await;
    assert_eq!(s, 404);
    // Both XML documents are well-formed.
    for doc in [&atom, &cap] {
        let path = db.data_dir().join("doc.xml");
        std::fs::write(&path, doc).unwrap();
        let ok = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])",
            ])
            .arg(&path)
            .status()
            .unwrap();
        assert!(ok.success(), "{doc}");
    }
}
