//! Records made by the administrator over the API, for tests that need a household or a
//! resident of their own.

use serde_json::Value;

use super::{post_json, Server};

/// A household in `unit` (`body`: its address and any other field), made by the admin;
/// its id.
pub async fn new_household(server: &Server, unit: &str, body: Value) -> i64 {
    let path = format!("/api/v1/units/{unit}/households");
    let (s, h) = post_json(server, &server.token, &path, body).await;
    assert_eq!(s, 201, "{h}");
    h["id"].as_i64().unwrap()
}

/// Adds the resident `body` to household `hid` as the admin; the status and the answer.
pub async fn add_member(server: &Server, hid: i64, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/households/{hid}/residents");
    post_json(server, &server.token, &path, body).await
}

/// A household in `unit` with the one member `member`, made by the admin; returns
/// (household, resident).
pub async fn household_with(
    server: &Server,
    unit: &str,
    household: Value,
    member: Value,
) -> (i64, i64) {
    let hid = new_household(server, unit, household).await;
    let (s, r) = add_member(server, hid, member).await;
    assert_eq!(s, 201, "{r}");
    (hid, r["id"].as_i64().unwrap())
}

/// Requests the erasure of resident `rid` on their behalf as the admin; the request.
pub async fn request_erasure(server: &Server, rid: i64, reason: &str) -> Value {
    let path = format!("/api/v1/residents/{rid}/erasure-requests");
    let body = serde_json::json!({ "reason": reason });
    let (s, req) = post_json(server, &server.token, &path, body).await;
    assert_eq!(s, 201, "{req}");
    req
}

/// Erases resident `rid`: requested and approved by the admin.
pub async fn erase(server: &Server, rid: i64, reason: &str) {
    let req = request_erasure(server, rid, reason).await;
    let path = format!("/api/v1/erasure-requests/{}/decision", req["id"]);
    let body = serde_json::json!({ "approve": true });
    let (s, b) = post_json(server, &server.token, &path, body).await;
    assert_eq!(s, 200, "{b}");
}
