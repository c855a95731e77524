//! The beat rows of the authorization matrix and of the audit test (see
//! `access::authorization_matrix_over_http`, `access::every_mutating_route_writes_an_audit_row`).

use serde_json::json;
use tuquan_domain::access::Action;

use super::{assign, beat, unit, WARD};
use crate::harness::{audit_api, audit_form, get_json as get, post_json as post, Server, TestDb};

/// One request performing a beat action on commune `target` with `token`.
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let (s, b) = match action {
        Action::BeatView => {
            get(
                server,
                token,
                &format!("/api/v1/communes/{target}/beats/alignment"),
            )
            .await
        }
        Action::BeatManage => {
            post(
                server,
                token,
                &format!("/api/v1/communes/{target}/beats"),
                json!({"name": format!("Địa bàn {n}"), "officer_name": "Trương Văn Hải"}),
            )
            .await
        }
        other => panic!("not a beat action: {other:?}"),
    };
    (s, b.to_string())
}

/// A fresh khu phố of the ward (for an appointment that needs a unit without a head).
async fn fresh(server: &Server, rid: &str) -> String {
    let n = rid.bytes().map(u64::from).sum::<u64>() % 10_000;
    unit(server, WARD, &format!("mh{n}"), "khu_pho", "2025-07-01").await
}

/// A militia head appointed in a fresh khu phố; returns its id.
async fn militia(server: &Server, rid: &str) -> i64 {
    let code = fresh(server, &format!("{rid}-m")).await;
    let (s, b) = post(
        server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/militia-heads"),
        json!({"unit_code": code, "full_name": "Phan Văn Lộc", "valid_from": "2025-07-01"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// A successful request for one of this area's state-changing routes.
pub async fn audit_probe(
    server: &Server,
    _db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let page = tuquan_web::pages::restructuring::beats::MUTATING.contains(&(method, path));
    if !page && !tuquan_web::api::beats::MUTATING.contains(&(method, path)) {
        return None;
    }
    let api = |m: reqwest::Method, p: String, body: serde_json::Value| {
        audit_api(server, rid, m, &p, &body)
    };
    let form =
        |p: String, fields: Vec<(&'static str, String)>| audit_form(server, admin, rid, &p, fields);
    let b = beat(server, &format!("Địa bàn {rid}"), None).await;
    let from = "2025-07-01";
    Some(match (method, path) {
        ("POST", "/api/v1/communes/{code}/beats") => api(
            reqwest::Method::POST,
            format!("/api/v1/communes/{WARD}/beats"),
            json!({"name": "Kiểm toán", "officer_name": "Trương Văn Hải"}),
        ),
        ("PUT", "/api/v1/beats/{id}") => api(
            reqwest::Method::PUT,
            format!("/api/v1/beats/{b}"),
            json!({"name": "Kiểm toán sửa", "officer_name": "Trương Văn Hải"}),
        ),
        ("POST", "/api/v1/beats/{id}/end") => api(
            reqwest::Method::POST,
            format!("/api/v1/beats/{b}/end"),
            json!({}),
        ),
        ("POST", "/api/v1/beats/{id}/units") => api(
            reqwest::Method::POST,
            format!("/api/v1/beats/{b}/units"),
            json!({"unit_code": "26743-kp07", "valid_from": from}),
        ),
        ("POST", "/api/v1/beat-units/{id}/end") => {
            let a = assign(server, b, "26743-kp08", from).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/beat-units/{a}/end"),
                json!({}),
            )
        }
        ("POST", "/api/v1/communes/{code}/militia-heads") => api(
            reqwest::Method::POST,
            format!("/api/v1/communes/{WARD}/militia-heads"),
            json!({"unit_code": fresh(server, rid).await, "full_name": "Vũ Đức Tài"}),
        ),
        ("POST", "/api/v1/militia-heads/{id}/end") => {
            let m = militia(server, rid).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/militia-heads/{m}/end"),
                json!({}),
            )
        }
        ("POST", "/api/v1/communes/{code}/beats/carry") => api(
            reqwest::Method::POST,
            format!("/api/v1/communes/{WARD}/beats/carry"),
            json!({}),
        ),
        ("POST", "/communes/{code}/beats") => form(
            format!("/communes/{WARD}/beats"),
            vec![
                ("name", "Trang".into()),
                ("officer_name", "Lâm Quốc Việt".into()),
            ],
        ),
        ("POST", "/beats/{id}/edit") => form(
            format!("/beats/{b}/edit"),
            vec![
                ("name", "Trang sửa".into()),
                ("officer_name", "Lâm Quốc Việt".into()),
            ],
        ),
        ("POST", "/beats/{id}/end") => form(format!("/beats/{b}/end"), vec![]),
        ("POST", "/beats/{id}/units") => form(
            format!("/beats/{b}/units"),
            vec![
                ("unit_code", "26743-kp09".into()),
                ("valid_from", from.into()),
            ],
        ),
        ("POST", "/beat-units/{id}/end") => {
            let a = assign(server, b, "26743-kp10", from).await;
            form(format!("/beat-units/{a}/end"), vec![])
        }
        ("POST", "/communes/{code}/militia") => form(
            format!("/communes/{WARD}/militia"),
            vec![
                ("unit_code", fresh(server, rid).await),
                ("full_name", "Lý Thanh Phong".into()),
            ],
        ),
        ("POST", "/militia/{id}/end") => {
            let m = militia(server, rid).await;
            form(format!("/militia/{m}/end"), vec![])
        }
        ("POST", "/communes/{code}/beats/carry") => {
            form(format!("/communes/{WARD}/beats/carry"), vec![])
        }
        other => panic!("no beat probe for {other:?}"),
    })
}
