//! The announcement rows of the authorization matrix and of the audit test (see
//! `access::authorization_matrix_over_http`, `access::every_mutating_route_writes_an_audit_row`).

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use super::{demo_token, first_household, get, household, post, publish, sub_unit};
use crate::harness::{Server, TestDb};

/// A residential unit inside commune `target`, made by the admin if needed.
async fn residential_unit(server: &Server, target: &str) -> String {
    let kind = if target == "26743" {
        "khu_pho"
    } else {
        "to_dan_pho"
    };
    sub_unit(server, target, "ann", kind).await
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
                let unit = residential_unit(server, target).await;
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
                let unit = residential_unit(server, target).await;
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
        crate::harness::audit_api(server, rid, m, &p, &body)
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
    let form = |p: String, fields: Vec<(&'static str, String)>| {
        crate::harness::audit_form(server, admin, rid, &p, fields)
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
            let hid = first_household(server, "26743-kp05").await;
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
