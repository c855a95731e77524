//! The JSON API v1 and the OpenAPI document.

use serde_json::{json, Value};

use crate::harness::{post_json_opt, Server, TestDb};
use crate::on_both_backends;

/// Follows `next` links and returns every item.
async fn all_pages(server: &Server, first: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(first.to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let (status, body) = server.get_json(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        next = body["next"].as_str().map(str::to_owned);
        if next.is_some() {
            assert!(body["next_cursor"].is_string(), "{body}");
        }
        pages += 1;
        assert!(pages < 1000, "pagination does not end");
    }
    items
}

fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_vietnamese_order(names: &[String]) {
    for w in names.windows(2) {
        assert_ne!(
            tuquan_domain::text::compare(&w[0], &w[1]),
            std::cmp::Ordering::Greater,
            "{} should not come before {}",
            w[0],
            w[1]
        );
    }
}

on_both_backends!(healthz_reports_backend_and_schema);
async fn healthz_reports_backend_and_schema(db: &TestDb) {
    let server = Server::start(db);
    let (status, body) = server.get_json("/healthz").await;
    assert_eq!(status, 200);
    let backend = match db.backend {
        crate::harness::Backend::Sqlite => "sqlite",
        crate::harness::Backend::Postgres => "postgres",
    };
    assert_eq!(body["backend"], backend);
    assert_eq!(body["status"], "ok");
    assert!(body["schema_version"].as_i64().unwrap() >= 1, "{body}");
    let r = server.get("/healthz").await;
    assert!(r.headers().contains_key("x-request-id"));
}

on_both_backends!(provinces_are_34_in_vietnamese_order_and_paginate);
async fn provinces_are_34_in_vietnamese_order_and_paginate(db: &TestDb) {
    let server = Server::start(db);
    let (status, body) = server.get_json("/api/v1/units").await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 34, "{body}");
    assert!(body["next"].is_null());
    for i in items {
        assert!(["province", "central_city"].contains(&i["kind"].as_str().unwrap()));
        assert!(i["parent_code"].is_null());
        assert_eq!(
            i["code"].as_str().unwrap().len(),
            2,
            "codes are zero-padded"
        );
    }
    let first = names(items);
    assert_vietnamese_order(&first);
    assert!(first.contains(&"Thành phố Hồ Chí Minh".to_owned()));
    assert!(items
        .iter()
        .any(|i| i["code"] == "01" && i["name"] == "Thành phố Hà Nội"));

    // Small pages visit the same units in the same order, none twice.
    let paged = all_pages(&server, "/api/v1/units?limit=7").await;
    assert_eq!(names(&paged), first);
}

on_both_backends!(children_of_a_province_and_a_commune);
async fn children_of_a_province_and_a_commune(db: &TestDb) {
    let server = Server::start(db);
    let communes = all_pages(&server, "/api/v1/units?parent=79&limit=50").await;
    assert_eq!(communes.len(), 168, "HCMC has 168 communes");
    assert!(communes.iter().all(|c| c["parent_code"] == "79"));
    assert_vietnamese_order(&names(&communes));
    let hanoi = all_pages(&server, "/api/v1/units?parent=01&limit=200").await;
    assert!(
        hanoi.iter().any(|c| c["code"] == "00070"),
        "Phường Hoàn Kiếm"
    );
    // A commune with no residential units yet has an empty, final page.
    let (status, body) = server.get_json("/api/v1/units?parent=00070").await;
    assert_eq!(status, 200);
    assert_eq!(body["items"], json!([]));
    assert!(body["next"].is_null());
}

on_both_backends!(search_ignores_accents_and_case);
async fn search_ignores_accents_and_case(db: &TestDb) {
    let server = Server::start(db);
    for q in [
        "phuong%20ben%20thanh",
        "B%E1%BA%BFn%20Th%C3%A0nh",
        "PHUONG%20BEN%20THANH",
    ] {
        let (status, body) = server.get_json(&format!("/api/v1/units?q={q}")).await;
        assert_eq!(status, 200);
        let found = body["items"].as_array().unwrap();
        assert!(
            found
                .iter()
                .any(|i| i["code"] == "26743" && i["name"] == "Phường Bến Thành"),
            "{q}: {body}"
        );
    }
    // đ matches d.
    let (_, body) = server.get_json("/api/v1/units?q=dong%20da").await;
    assert!(body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["name"] == "Phường Đống Đa"));
    // Search inside one province only.
    let (_, body) = server
        .get_json("/api/v1/units?q=ben%20thanh&parent=01")
        .await;
    assert!(!body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "26743"));
    // LIKE wildcards are literal.
    let (_, body) = server.get_json("/api/v1/units?q=%25").await;
    assert_eq!(body["items"], json!([]));
}

on_both_backends!(one_unit_with_its_ancestors);
async fn one_unit_with_its_ancestors(db: &TestDb) {
    let server = Server::start(db);
    let (status, body) = server.get_json("/api/v1/units/26743").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Phường Bến Thành");
    assert_eq!(body["kind"], "ward");
    assert_eq!(body["parent_code"], "79");
    assert_eq!(body["path"], "79/26743");
    assert_eq!(body["ancestors"][0]["code"], "79");
    assert_eq!(body["ancestors"].as_array().unwrap().len(), 1);
    for missing in ["99999", "7", "abc", "26743-zz99"] {
        let (status, body) = server.get_json(&format!("/api/v1/units/{missing}")).await;
        assert_eq!(status, 404, "{missing}");
        assert_eq!(body["error"]["code"], "not_found");
    }
}

on_both_backends!(bad_parameters_are_named);
async fn bad_parameters_are_named(db: &TestDb) {
    let server = Server::start(db);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("cursor=zz", "cursor"),
        ("parent=abc", "parent"),
    ] {
        let (status, body) = server.get_json(&format!("/api/v1/units?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter");
        assert_eq!(body["error"]["field"], field, "{query}");
        assert!(body["error"]["message"].as_str().unwrap().contains(field));
    }
    let (status, _) = server.get_json("/api/v1/units?parent=99999").await;
    assert_eq!(status, 404);
    // Messages follow Accept-Language; Vietnamese by default.
    let vi: Value = server
        .get("/api/v1/units?limit=0")
        .await
        .json()
        .await
        .unwrap();
    assert!(vi["error"]["message"].as_str().unwrap().contains("Trường"));
    let en: Value = server
        .http
        .get(server.url("/api/v1/units?limit=0"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(en["error"]["message"]
        .as_str()
        .unwrap()
        .contains("must be between"));
}

async fn post_unit(server: &Server, token: Option<&str>, body: Value) -> (u16, Value) {
    post_json_opt(server, token, "/api/v1/units", body).await
}

on_both_backends!(creating_residential_units);
async fn creating_residential_units(db: &TestDb) {
    let server = Server::start(db);
    let unit = json!({"parent_code": "26743", "local_code": "KP07", "name": "Khu phố 7", "kind": "khu_pho"});
    let (status, body) = post_unit(&server, None, unit.clone()).await;
    assert_eq!(status, 401, "{body}");
    let (status, _) = post_unit(&server, Some("wrong"), unit.clone()).await;
    assert_eq!(status, 401);
    // A resident may not create units: 403, and nothing is created.
    let resident = db.user_with_token("dan.test", "resident", Some("26743"), "resident-pass-1");
    let (status, body) = post_unit(&server, Some(&resident), unit.clone()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    // A commune official may, but only in their commune.
    let official = db.user_with_token(
        "canbo.test",
        "commune_official",
        Some("26743"),
        "official-pass-1",
    );
    let mut elsewhere = unit.clone();
    elsewhere["parent_code"] = json!("00070");
    elsewhere["kind"] = json!("to_dan_pho");
    let (status, _) = post_unit(&server, Some(&official), elsewhere).await;
    assert_eq!(status, 403);

    // Bad input names the field and changes nothing: malformed is a 400, a well-formed
    // parent that does not exist a 404, a kind or parent not allowed here a 422.
    for (patch, status, field) in [
        (json!({"kind": "village"}), 400, "kind"),
        (json!({"kind": "thon"}), 422, "kind"),
        (json!({"name": "  "}), 400, "name"),
        (json!({"local_code": "k p"}), 400, "local_code"),
        (json!({"parent_code": "99999"}), 404, "parent_code"),
        (json!({"parent_code": "79"}), 422, "parent_code"),
        (json!({"valid_from": "2026-13-01"}), 400, "valid_from"),
    ] {
        let mut bad = unit.clone();
        for (k, v) in patch.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let (got, body) = post_unit(&server, Some(server.token.as_str()), bad).await;
        assert_eq!(got, status, "{patch}: {body}");
        assert_eq!(body["error"]["field"], field, "{patch}");
    }
    let (status, body) = post_unit(&server, Some(server.token.as_str()), json!({"name": 3})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_body");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM units WHERE level > 2").await,
        0
    );

    let (status, body) = post_unit(&server, Some(&official), unit.clone()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["code"], "26743-kp07");
    assert_eq!(body["path"], "79/26743/kp07");
    assert_eq!(body["kind"], "khu_pho");
    // Codes are never reused.
    let (status, body) = post_unit(&server, Some(server.token.as_str()), unit).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["field"], "local_code");

    // A second level below it, as the default ward scheme allows.
    let child = json!({"parent_code": "26743-kp07", "local_code": "t01", "name": "Tổ nhân dân tự quản 1", "kind": "to_nhan_dan_tu_quan"});
    let (status, body) = post_unit(&server, Some(server.token.as_str()), child).await;
    assert_eq!(status, 201, "{body}");
    let (_, detail) = server.get_json("/api/v1/units/26743-kp07-t01").await;
    let ancestors: Vec<_> = detail["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ancestors, ["79", "26743", "26743-kp07"]);
    let (_, kids) = server.get_json("/api/v1/units?parent=26743").await;
    assert_eq!(kids["items"][0]["child_count"], 1);
    // Both creations are in the audit log with who made them.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'unit.create' AND actor_username = 'canbo.test'").await,
        1
    );
}

on_both_backends!(openapi_document_describes_the_api);
async fn openapi_document_describes_the_api(db: &TestDb) {
    let server = Server::start(db);
    let (status, doc) = server.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/units", "/api/v1/units/{code}", "/healthz"] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/units"]["post"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}
