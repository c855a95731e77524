//! The consultation rows of the authorization matrix and of the audit test (see
//! `access::authorization_matrix_over_http`, `access::every_mutating_route_writes_an_audit_row`).

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use super::{draft_body, open_one};
use crate::announcements::{household, sub_unit};
use crate::harness::{demo_token, get_json as get, post_json as post, Server, TestDb};

/// One request performing a consultation action on commune `target` with `token`.
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let admin = server.token.clone();
    let (s, b) = match action {
        Action::ConsultationManage => {
            post(
                server,
                token,
                &format!("/api/v1/units/{target}/consultations"),
                draft_body(&format!("Dự thảo {n}")),
            )
            .await
        }
        Action::ConsultationRecord => {
            let kind = if target == "26743" {
                "khu_pho"
            } else {
                "to_dan_pho"
            };
            let unit = sub_unit(server, target, "cons", kind).await;
            let (hid, _) = household(server, &unit, &format!("Hộ Góp Ý {n}")).await;
            let id = open_one(server, &admin, target, &format!("Góp ý {n}")).await;
            post(
                server,
                token,
                &format!("/api/v1/consultations/{id}/paper-comments"),
                json!({"household_id": hid, "comments": [{"article": 1, "stance": "agree"}]}),
            )
            .await
        }
        Action::ConsultationView => {
            let id = open_one(server, &admin, target, &format!("Tổng hợp {n}")).await;
            get(
                server,
                token,
                &format!("/api/v1/consultations/{id}/summary"),
            )
            .await
        }
        other => panic!("not a consultation action: {other:?}"),
    };
    (s, b.to_string())
}

/// A successful request for one of this area's state-changing routes.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let page = tuquan_web::pages::consultations::MUTATING.contains(&(method, path));
    if !page && !tuquan_web::api::consultations::MUTATING.contains(&(method, path)) {
        return None;
    }
    let t = server.token.clone();
    let api = |m: reqwest::Method, p: String, body: Value| {
        crate::harness::audit_api(server, rid, m, &p, &body)
    };
    let form = |p: String, fields: Vec<(&'static str, String)>| {
        crate::harness::audit_form(server, admin, rid, &p, fields)
    };
    let (s, b) = post(
        server,
        &t,
        "/api/v1/units/26743/consultations",
        draft_body(&format!("Kiểm toán {rid}")),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let draft = b["id"].as_i64().unwrap();
    let open = open_one(server, &t, "26743", &format!("Mở {rid}")).await;
    let hid = db
        .count("SELECT MIN(id) FROM households WHERE unit_code = '26743-kp02'")
        .await;
    let text = super::DRAFT.to_owned();
    Some(match (method, path) {
        ("POST", "/api/v1/units/{code}/consultations") => api(
            reqwest::Method::POST,
            "/api/v1/units/26743/consultations".into(),
            draft_body("Kiểm toán"),
        ),
        ("PUT", "/api/v1/consultations/{id}") => api(
            reqwest::Method::PUT,
            format!("/api/v1/consultations/{draft}"),
            draft_body("Kiểm toán sửa"),
        ),
        ("POST", "/api/v1/consultations/{id}/open") => api(
            reqwest::Method::POST,
            format!("/api/v1/consultations/{draft}/open"),
            json!({}),
        ),
        ("POST", "/api/v1/consultations/{id}/close") => api(
            reqwest::Method::POST,
            format!("/api/v1/consultations/{open}/close"),
            json!({}),
        ),
        ("POST", "/api/v1/consultations/{id}/comments") => server
            .http
            .post(server.url(&format!("/api/v1/consultations/{open}/comments")))
            .header("x-request-id", rid)
            .bearer_auth(demo_token(db, "dan.kp01"))
            .json(&json!({"comments": [{"article": 1, "stance": "agree"}]})),
        ("POST", "/api/v1/consultations/{id}/paper-comments") => api(
            reqwest::Method::POST,
            format!("/api/v1/consultations/{open}/paper-comments"),
            json!({"household_id": hid, "comments": [{"article": 2, "stance": "disagree"}]}),
        ),
        ("POST", "/territory/{code}/consultations") => form(
            "/territory/26743/consultations".into(),
            vec![
                ("title", "Trang".into()),
                ("kind", "plan".into()),
                ("text", text),
                ("closes_on", "2099-01-01".into()),
            ],
        ),
        ("POST", "/consultations/{id}/edit") => form(
            format!("/consultations/{draft}/edit"),
            vec![
                ("title", "Trang sửa".into()),
                ("kind", "plan".into()),
                ("text", text),
                ("closes_on", "2099-01-01".into()),
            ],
        ),
        ("POST", "/consultations/{id}/open") => {
            form(format!("/consultations/{draft}/open"), vec![])
        }
        ("POST", "/consultations/{id}/close") => {
            form(format!("/consultations/{open}/close"), vec![])
        }
        ("POST", "/consultations/{id}/comments") => {
            let (b, csrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
            b.post(server.url(&format!("/consultations/{open}/comments")))
                .header("x-request-id", rid)
                .form(&[("csrf", csrf.as_str()), ("stance-1", "agree")])
        }
        ("POST", "/consultations/{id}/paper") => form(
            format!("/consultations/{open}/paper"),
            vec![
                ("household_id", hid.to_string()),
                ("stance-3", "agree".into()),
            ],
        ),
        other => panic!("no consultation audit probe for {other:?}"),
    })
}
