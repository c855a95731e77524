//! Households and residents: scope, identity numbers, search and order, history, consent,
//! export and erasure.

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use crate::harness::{audit_api, audit_form, get_json, post_json, Server, TestDb};
use crate::on_both_backends;

/// A residential unit inside `target` (a commune code), created if needed by the admin.
async fn residential_unit(server: &Server, target: &str) -> String {
    let code = format!("{target}-pt1");
    let r = server
        .http
        .post(server.url("/api/v1/units"))
        .bearer_auth(&server.token)
        .json(
            &json!({"parent_code": target, "local_code": "pt1", "name": "Tổ thử", "kind":
            if target == "26743" { "khu_pho" } else { "to_dan_pho" }}),
        )
        .send()
        .await
        .unwrap();
    assert!(
        matches!(r.status().as_u16(), 201 | 409),
        "{}",
        r.text().await.unwrap()
    );
    code
}

/// A household with one member in `unit`, made by the admin; returns (household, resident).
async fn household_with_member(
    server: &Server,
    unit: &str,
    name: &str,
    cccd: Option<&str>,
) -> (i64, i64) {
    let household = json!({"address": "1 Đường Thử", "phone": "0281234567"});
    let member = json!({"full_name": name, "birth_date": "1985-03-12", "gender": "female",
                        "residence_type": "permanent", "residence_since": "2010-01-01", "cccd": cccd});
    crate::harness::household_with(server, unit, household, member).await
}

/// One request performing a people action on a record of unit `target` with an API token.
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let unit = residential_unit(server, target).await;
    let (_, rid) = household_with_member(server, &unit, &format!("Người Thử {n}"), None).await;
    let (status, body) = match action {
        Action::HouseholdEdit => {
            post_json(
                server,
                token,
                &format!("/api/v1/units/{unit}/households"),
                json!({"address": format!("{n} Đường Mới")}),
            )
            .await
        }
        Action::IdentityView => {
            get_json(server, token, &format!("/api/v1/residents/{rid}/identity")).await
        }
        Action::ResidentRights => {
            let r = server
                .get_with_token(token, &format!("/api/v1/residents/{rid}/export"))
                .await;
            (r.status().as_u16(), Value::String(r.text().await.unwrap()))
        }
        Action::ErasureApprove => {
            let (s, req) = post_json(
                server,
                &server.token,
                &format!("/api/v1/residents/{rid}/erasure-requests"),
                json!({"reason": "thử"}),
            )
            .await;
            assert_eq!(s, 201, "{req}");
            let id = req["id"].as_i64().unwrap();
            post_json(
                server,
                token,
                &format!("/api/v1/erasure-requests/{id}/decision"),
                json!({"approve": false}),
            )
            .await
        }
        other => panic!("not a people action: {other:?}"),
    };
    (status, body.to_string())
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
    let _ = db;
    let ours = tuquan_web::api::people::MUTATING
        .iter()
        .chain(tuquan_web::pages::people::MUTATING)
        .any(|r| *r == (method, path));
    if !ours {
        return None;
    }
    let unit = "26743-kp01";
    let api = |m: reqwest::Method, p: String, body: Value| audit_api(server, rid, m, &p, &body);
    let form = |p: String, fields| audit_form(server, admin, rid, &p, fields);
    let resident = json!({"full_name": "Trần Thị Thử", "birth_date": "1990-01-02", "gender": "female",
                          "residence_type": "permanent"});
    let member_fields = || {
        vec![
            ("full_name", "Lê Văn Thử".to_owned()),
            ("birth_date", "1991-02-03".to_owned()),
            ("gender", "male".to_owned()),
            ("residence_type", "temporary".to_owned()),
        ]
    };
    // A fresh household with one member for each probe, so probes do not interfere.
    let (hid, resid) = household_with_member(server, unit, "Phạm Văn Mẫu", None).await;
    let post = reqwest::Method::POST;
    let put = reqwest::Method::PUT;
    Some(match (method, path) {
        ("POST", "/api/v1/units/{code}/households") => api(
            post,
            format!("/api/v1/units/{unit}/households"),
            json!({"address": "9 Lý Tự Trọng"}),
        ),
        ("PUT", "/api/v1/households/{id}") => api(
            put,
            format!("/api/v1/households/{hid}"),
            json!({"address": "10 Lý Tự Trọng"}),
        ),
        ("POST", "/api/v1/households/{id}/move") => api(
            post,
            format!("/api/v1/households/{hid}/move"),
            json!({"unit_code": "26743-kp02"}),
        ),
        ("POST", "/api/v1/households/{id}/status") => api(
            post,
            format!("/api/v1/households/{hid}/status"),
            json!({"status": "moved_away"}),
        ),
        ("POST", "/api/v1/households/{id}/representative") => api(
            post,
            format!("/api/v1/households/{hid}/representative"),
            json!({"resident_id": resid}),
        ),
        ("POST", "/api/v1/households/{id}/residents") => api(
            post,
            format!("/api/v1/households/{hid}/residents"),
            resident,
        ),
        ("PUT", "/api/v1/residents/{id}") => {
            api(put, format!("/api/v1/residents/{resid}"), resident)
        }
        ("POST", "/api/v1/residents/{id}/status") => api(
            post,
            format!("/api/v1/residents/{resid}/status"),
            json!({"status": "deceased"}),
        ),
        ("POST", "/api/v1/residents/{id}/consents") => api(
            post,
            format!("/api/v1/residents/{resid}/consents"),
            json!({"purpose": "liên hệ", "granted": true, "source": "phiếu giấy"}),
        ),
        ("POST", "/api/v1/residents/{id}/erasure-requests") => api(
            post,
            format!("/api/v1/residents/{resid}/erasure-requests"),
            json!({"reason": "chuyển đi"}),
        ),
        ("POST", "/api/v1/erasure-requests/{id}/decision") => {
            let (_, req) = post_json(
                server,
                &server.token,
                &format!("/api/v1/residents/{resid}/erasure-requests"),
                json!({"reason": "x"}),
            )
            .await;
            api(
                post,
                format!("/api/v1/erasure-requests/{}/decision", req["id"]),
                json!({"approve": true}),
            )
        }
        ("POST", "/api/v1/me/erasure-request") => {
            // The demo resident account is linked to a resident record.
            let dan = server.sign_in("dan.kp01", "tuquan-demo").await;
            let b = dan.0;
            let t = server.token_from_page(&b, &dan.1, "tự phục vụ").await;
            server
                .http
                .post(server.url("/api/v1/me/erasure-request"))
                .header("x-request-id", rid)
                .bearer_auth(t)
                .json(&json!({"reason": "tôi chuyển đi"}))
        }
        ("POST", "/households") => form("/households".into(), {
            let mut f = member_fields();
            f.extend([
                ("unit", unit.to_owned()),
                ("address", "3 Đề Thám".to_owned()),
            ]);
            f
        }),
        ("POST", "/households/{id}/edit") => form(
            format!("/households/{hid}/edit"),
            vec![("address", "4 Đề Thám".into())],
        ),
        ("POST", "/households/{id}/members") => {
            form(format!("/households/{hid}/members"), member_fields())
        }
        ("POST", "/households/{id}/move") => form(
            format!("/households/{hid}/move"),
            vec![
                ("unit_code", "26743-kp03".into()),
                ("moved_on", "2026-01-02".into()),
            ],
        ),
        ("POST", "/households/{id}/status") => {
            form(format!("/households/{hid}/status?status=dissolved"), vec![])
        }
        ("POST", "/households/{id}/representative") => form(
            format!("/households/{hid}/representative"),
            vec![("resident_id", resid.to_string())],
        ),
        ("POST", "/residents/{id}/edit") => {
            form(format!("/residents/{resid}/edit"), member_fields())
        }
        ("POST", "/residents/{id}/status") => form(
            format!("/residents/{resid}/status?status=moved_away"),
            vec![],
        ),
        ("POST", "/residents/{id}/consents") => form(
            format!("/residents/{resid}/consents"),
            vec![
                ("purpose", "thông báo".into()),
                ("granted", "true".into()),
                ("source", "trực tiếp".into()),
            ],
        ),
        ("POST", "/residents/{id}/erasure") => form(
            format!("/residents/{resid}/erasure"),
            vec![("reason", "không còn ở đây".into())],
        ),
        ("POST", "/erasure-requests/{id}/decide") => {
            let (_, req) = post_json(
                server,
                &server.token,
                &format!("/api/v1/residents/{resid}/erasure-requests"),
                json!({"reason": "x"}),
            )
            .await;
            form(
                format!("/erasure-requests/{}/decide?approve=false", req["id"]),
                vec![],
            )
        }
        ("POST", "/account/erasure-request") => {
            let dan = server.sign_in("dan.kp01", "tuquan-demo").await;
            dan.0
                .post(server.url("/account/erasure-request"))
                .header("x-request-id", rid)
                .form(&[("csrf", dan.1.as_str()), ("reason", "tôi chuyển đi")])
        }
        _ => return None,
    })
}

on_both_backends!(heads_see_and_change_only_their_own_unit);
async fn heads_see_and_change_only_their_own_unit(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let kp01 = db.user_with_token("truong.a", "unit_head", Some("26743-kp01"), "head-pass-123");
    let (_, r1) = household_with_member(&server, "26743-kp01", "Nguyễn Thị A", None).await;
    let (h2, r2) = household_with_member(&server, "26743-kp02", "Nguyễn Thị B", None).await;
    assert_eq!(
        get_json(&server, &kp01, &format!("/api/v1/residents/{r1}"))
            .await
            .0,
        200
    );
    assert_eq!(
        get_json(&server, &kp01, &format!("/api/v1/residents/{r2}"))
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(&server, &kp01, &format!("/api/v1/households/{h2}"))
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(&server, &kp01, "/api/v1/units/26743-kp02/residents")
            .await
            .0,
        403
    );
    let before = db
        .count(&format!(
            "SELECT COUNT(*) FROM residents WHERE household_id = {h2}"
        ))
        .await;
    let (s, _) = post_json(&server, &kp01, &format!("/api/v1/households/{h2}/residents"),
        json!({"full_name": "Kẻ Lạ", "birth_date": "1990-01-01", "gender": "male", "residence_type": "permanent"})).await;
    assert_eq!(s, 403);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM residents WHERE household_id = {h2}"
        ))
        .await,
        before
    );
    let r = server.http.put(server.url(&format!("/api/v1/residents/{r2}"))).bearer_auth(&kp01)
        .json(&json!({"full_name": "Đổi Tên", "birth_date": "1990-01-01", "gender": "male", "residence_type": "permanent"}))
        .send().await.unwrap();
    assert_eq!(r.status(), 403);
    // The same over HTML.
    let (b, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    assert_eq!(
        b.get(server.url(&format!("/residents/{r1}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        b.get(server.url(&format!("/residents/{r2}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        b.get(server.url(&format!("/households/{h2}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        b.get(server.url("/territory/26743-kp02/households"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

on_both_backends!(identity_numbers_are_encrypted_masked_and_audited);
async fn identity_numbers_are_encrypted_masked_and_audited(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (_, rid) =
        household_with_member(&server, "26743-kp01", "Võ Thị Cẩn", Some("079185001234")).await;
    let cipher = db
        .count(&format!(
            "SELECT COUNT(*) FROM residents WHERE id = {rid} AND cccd_cipher LIKE '%079185001234%'"
        ))
        .await;
    assert_eq!(cipher, 0, "the raw column must not hold the number");
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM residents WHERE id = {rid} AND cccd_cipher IS NOT NULL"
        ))
        .await,
        1
    );
    let head = db.user_with_token("truong.b", "unit_head", Some("26743-kp01"), "head-pass-123");
    let (s, r) = get_json(&server, &head, &format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, 200);
    assert_eq!(r["cccd"], "0791••••••34");
    assert!(!r.to_string().contains("079185001234"));
    assert_eq!(
        get_json(&server, &head, &format!("/api/v1/residents/{rid}/identity"))
            .await
            .0,
        403
    );
    let police = db.user_with_token(
        "cskv.b",
        "area_police",
        Some("26743-kp01"),
        "police-pass-123",
    );
    let (s, id) = get_json(
        &server,
        &police,
        &format!("/api/v1/residents/{rid}/identity"),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(id["cccd"], "079185001234");
    assert_eq!(db.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'identity.viewed' AND target_id = '{rid}' AND actor_username = 'cskv.b'")).await, 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%079185001234%' OR before_json LIKE '%079185001234%'").await, 0);
    // The same number twice is a conflict naming the field; a number inconsistent with the
    // birth date or gender is refused naming the field; neither changes anything.
    let (hid, _) = household_with_member(&server, "26743-kp01", "Người Khác", None).await;
    let before = db.count("SELECT COUNT(*) FROM residents").await;
    for (cccd, status) in [
        // An identity number already recorded is a rule violation (422, issue 10; was 409).
        ("079185001234", 422),
        ("079085001234", 422),
        ("07918500123", 400),
    ] {
        let (s, e) = post_json(&server, &server.token, &format!("/api/v1/households/{hid}/residents"),
            json!({"full_name": "Trùng Số", "birth_date": "1985-01-01", "gender": "female", "residence_type": "permanent", "cccd": cccd})).await;
        assert_eq!(s, status, "{cccd}: {e}");
        assert_eq!(e["error"]["field"], "cccd");
    }
    assert_eq!(db.count("SELECT COUNT(*) FROM residents").await, before);
    // The page shows the masked number, and the full one only to those allowed.
    let (b, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let html = server.html(&b, &format!("/residents/{rid}")).await;
    assert!(html.contains("0791••••••34") && !html.contains("079185001234"));
    assert!(!html.contains("/identity"));
    let (b, _) = server.sign_in("csrkv.kp01", "tuquan-demo").await;
    let html = server.html(&b, &format!("/residents/{rid}/identity")).await;
    assert!(html.contains("079185001234"));
}

on_both_backends!(search_ignores_accents_and_lists_follow_vietnamese_order);
async fn search_ignores_accents_and_lists_follow_vietnamese_order(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let unit = residential_unit(&server, "26743").await;
    for name in [
        "Đặng Văn Bình",
        "Dương Thị Hoa",
        "Ân Văn Tư",
        "An Thị Mai",
        "Bùi Văn Đức",
    ] {
        household_with_member(&server, &unit, name, None).await;
    }
    let (s, list) = get_json(
        &server,
        &server.token,
        &format!("/api/v1/units/{unit}/residents"),
    )
    .await;
    assert_eq!(s, 200);
    let names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "An Thị Mai",
            "Ân Văn Tư",
            "Bùi Văn Đức",
            "Dương Thị Hoa",
            "Đặng Văn Bình"
        ]
    );
    for (q, expect) in [
        ("dang", "Đặng Văn Bình"),
        ("DUONG THI", "Dương Thị Hoa"),
        ("bùi đức", "Bùi Văn Đức"),
    ] {
        let (_, found) = get_json(
            &server,
            &server.token,
            &format!("/api/v1/units/{unit}/residents?q={}", urlenc(q)),
        )
        .await;
        let got: Vec<&str> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["full_name"].as_str().unwrap())
            .collect();
        assert_eq!(got, [expect], "{q}");
    }
    let (_, hh) = get_json(
        &server,
        &server.token,
        &format!("/api/v1/units/{unit}/households?q=duong%20thu&limit=2"),
    )
    .await;
    assert_eq!(hh["items"].as_array().unwrap().len(), 2, "address search");
    assert!(hh["next_cursor"].is_string(), "paginated");
    let (_, by_phone) = get_json(
        &server,
        &server.token,
        &format!("/api/v1/units/{unit}/households?phone=1234567"),
    )
    .await;
    assert_eq!(by_phone["items"].as_array().unwrap().len(), 5);
    let (s, e) = get_json(
        &server,
        &server.token,
        &format!("/api/v1/units/{unit}/residents?cursor=zz"),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["field"], "cursor");
}

fn urlenc(s: &str) -> String {
    let url = reqwest::Url::parse_with_params("http://x/", [("q", s)]).unwrap();
    url.query().unwrap().trim_start_matches("q=").to_owned()
}

on_both_backends!(moves_statuses_consent_export_and_erasure);
async fn moves_statuses_consent_export_and_erasure(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (hid, rid) =
        household_with_member(&server, "26743-kp01", "Hồ Thị Lan", Some("079185009999")).await;
    let (s, _) = post_json(
        &server,
        &server.token,
        &format!("/api/v1/households/{hid}/move"),
        json!({"unit_code": "26743-kp02", "moved_on": "2026-10-01"}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, h) = get_json(&server, &server.token, &format!("/api/v1/households/{hid}")).await;
    assert_eq!(h["unit_code"], "26743-kp02");
    assert_eq!(h["moves"][0]["from_unit"], "26743-kp01");
    assert_eq!(
        h["members"][0]["unit_code"], "26743-kp02",
        "members move with the household"
    );
    let (s, e) = post_json(
        &server,
        &server.token,
        &format!("/api/v1/households/{hid}/move"),
        json!({"unit_code": "79"}),
    )
    .await;
    // Not a residential unit: a rule violation (422, issue 10; was 400).
    assert_eq!((s, e["error"]["field"].as_str()), (422, Some("unit_code")));
    let (s, _) = post_json(
        &server,
        &server.token,
        &format!("/api/v1/households/{hid}/status"),
        json!({"status": "dissolved"}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM households WHERE id = {hid}"))
            .await,
        1,
        "never deleted"
    );
    let (s, e) = post_json(
        &server,
        &server.token,
        &format!("/api/v1/households/{hid}/status"),
        json!({"status": "gone"}),
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("status")));

    let (s, _) = post_json(&server, &server.token, &format!("/api/v1/residents/{rid}/consents"),
        json!({"purpose": "liên hệ công việc của tổ", "granted": true, "given_on": "2026-11-01", "source": "phiếu giấy"})).await;
    assert_eq!(s, 201);
    let (s, e) = post_json(
        &server,
        &server.token,
        &format!("/api/v1/residents/{rid}/consents"),
        json!({"purpose": "", "granted": true, "source": "x"}),
    )
    .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("purpose")));
    let r = server
        .get_with_token(&server.token, &format!("/api/v1/residents/{rid}/export"))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let export: Value = r.json().await.unwrap();
    assert_eq!(export["data"]["resident"]["full_name"], "Hồ Thị Lan");
    assert_eq!(export["data"]["resident"]["cccd"], "079185009999");
    assert_eq!(
        export["data"]["consents"][0]["purpose"],
        "liên hệ công việc của tổ"
    );

    // Erasure: requested on the resident's behalf, approved by a commune official.
    let req = crate::harness::request_erasure(&server, rid, "đã chuyển đi").await;
    let head = db.user_with_token("truong.c", "unit_head", Some("26743-kp02"), "head-pass-123");
    let decision = format!("/api/v1/erasure-requests/{}/decision", req["id"]);
    assert_eq!(
        post_json(&server, &head, &decision, json!({"approve": true}))
            .await
            .0,
        403
    );
    let official = db.user_with_token(
        "canbo.c",
        "commune_official",
        Some("26743"),
        "official-pass-1",
    );
    // The pending requests page shows names: the read is audited (issue 10).
    let (b, _) = server.sign_in("canbo.c", "official-pass-1").await;
    let r = b
        .get(server.url("/erasure-requests?unit=26743"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("đã chuyển đi"));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'erasure.list_viewed' AND actor_username = 'canbo.c'")
            .await,
        1
    );
    assert_eq!(
        post_json(&server, &official, &decision, json!({"approve": true}))
            .await
            .0,
        200
    );
    // Deciding twice is a rule violation (422, issue 10; was 409).
    assert_eq!(
        post_json(&server, &official, &decision, json!({"approve": true}))
            .await
            .0,
        422
    );
    let (_, r) = get_json(&server, &server.token, &format!("/api/v1/residents/{rid}")).await;
    assert_eq!(r["status"], "erased");
    assert!(r["full_name"].as_str().unwrap().starts_with("Đã ẩn danh"));
    assert!(r["cccd"].is_null() && r["phone"].is_null());
    assert_eq!(
        r["birth_date"], "1985-01-01",
        "only the year of birth stays"
    );
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM residents WHERE id = {rid}"))
            .await,
        1,
        "counts stay"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT member_count FROM households WHERE id = {hid}"
        ))
        .await,
        1
    );

    // A resident downloads their own data.
    let dan = server.sign_in("dan.kp01", "tuquan-demo").await;
    let mine = dan
        .0
        .get(server.url("/account/my-data"))
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), 200);
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["data"]["resident"]["full_name"], "Ngô Thị Mai");
}

on_both_backends!(a_head_adds_a_household_in_one_step_on_the_page);
async fn a_head_adds_a_household_in_one_step_on_the_page(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let html = server.html(&b, "/territory/26743-kp01/households").await;
    assert!(html.contains("/households/new?unit=26743-kp01"));
    let mut fields = vec![
        ("csrf", csrf.clone()),
        ("unit", "26743-kp01".into()),
        ("address", "77 Lê Lợi".into()),
        ("full_name", "Trương Văn Mới".into()),
        ("birth_date", "1980-04-05".into()),
        ("gender", "male".into()),
        ("residence_type", "permanent".into()),
        ("cccd", "079080123456".into()),
    ];
    // A bad field re-shows the form with the message and keeps what was typed.
    fields[4].1 = "05/04/2090".into();
    let r = server.post_form(&b, "/households", &fields).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("birth_date") && html.contains("77 Lê Lợi"),
        "{html}"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM households WHERE address = '77 Lê Lợi'")
            .await,
        0
    );
    fields[4].1 = "1980-04-05".into();
    let r = server.post_form(&b, "/households", &fields).await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    let html = server.html(&b, &loc).await;
    assert!(html.contains("Trương Văn Mới"), "{html}");
    let hid: i64 = loc.trim_start_matches("/households/").parse().unwrap();
    let rid = db
        .count(&format!(
            "SELECT representative_id FROM households WHERE id = {hid}"
        ))
        .await;
    let html = server.html(&b, &format!("/residents/{rid}")).await;
    assert!(html.contains("0790••••••56") && !html.contains("079080123456"));
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/households/{hid}/members"),
            &[
                ("full_name", "Trương Thị Con"),
                ("birth_date", "2012-09-01"),
                ("gender", "female"),
                ("residence_type", "permanent"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        db.count(&format!(
            "SELECT member_count FROM households WHERE id = {hid}"
        ))
        .await,
        2
    );
}
