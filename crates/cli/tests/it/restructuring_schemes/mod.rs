//! Restructuring schemes (issue 16 items 2–4): drafting with every error at once, merges
//! declared adjacent, splits whose household lists must be complete, the consultation through
//! household ballots with the more-than-half rule per affected unit, the override with its
//! decision, freezes, size standards and the size report, who may see and do what, and (once
//! `apply_plan` is built) applying a scheme end to end.

use serde_json::{json, Value};

use crate::harness::{
    demo_token, error_code as code, get_json as get, post_json as post, put_json as put, Server,
    TestDb,
};
use crate::on_both_backends;

mod probes;

pub use probes::{audit_probe, matrix_probe};

const COMMUNE: &str = "26743";

pub fn scheme_body(title: &str, effective_on: &str) -> Value {
    json!({"title": title, "reason": "Các khu phố quá nhỏ so với tiêu chuẩn.",
           "effective_on": effective_on, "basis_number": "12/NQ-HĐND",
           "basis_date": "2026-01-20", "basis_signer": "Nguyễn Văn Chủ tịch"})
}

/// A draft scheme at the demo ward; returns its id.
pub async fn draft(server: &Server, token: &str, title: &str) -> i64 {
    let path = format!("/api/v1/communes/{COMMUNE}/restructuring/schemes");
    let (s, b) = post(server, token, &path, scheme_body(title, "2030-01-01")).await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// The active households of a unit, by id.
pub async fn households_of(db: &TestDb, unit: &str) -> Vec<i64> {
    let n = db
        .count(&format!(
            "SELECT COUNT(*) FROM households WHERE unit_code = '{unit}' AND status = 'active'"
        ))
        .await;
    let mut out = Vec::new();
    for i in 0..n {
        out.push(
            db.count(&format!(
                "SELECT id FROM households WHERE unit_code = '{unit}' AND status = 'active' \
                 ORDER BY id LIMIT 1 OFFSET {i}"
            ))
            .await,
        );
    }
    out
}

/// A merge of three units into a new one and a split of a fourth with complete lists.
pub async fn merge_and_split(server: &Server, db: &TestDb, token: &str, id: i64, n: &str) {
    let base = format!("/api/v1/restructuring/schemes/{id}");
    let (s, b) = post(
        server,
        token,
        &format!("{base}/merges"),
        json!({"units": ["26743-kp02", "26743-kp03", "26743-kp04"], "name": format!("Khu phố Mới {n}"),
               "kind": "khu_pho", "local_code": format!("kpm{n}"), "adjacent": true,
               "candidates": "Khu phố Hòa Bình\nKhu phố Bến Nghé"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = post(
        server,
        token,
        &format!("{base}/splits"),
        json!({"unit": "26743-kp05", "parts": [
            {"name": format!("Khu phố 5A {n}"), "kind": "khu_pho", "local_code": format!("kp5a{n}")},
            {"name": format!("Khu phố 5B {n}"), "kind": "khu_pho", "local_code": format!("kp5b{n}")}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let item = b["id"].as_i64().unwrap();
    let (_, d) = get(server, token, &base).await;
    let parts: Vec<i64> = d["items"][1]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let hs = households_of(db, "26743-kp05").await;
    let (a, bb) = hs.split_at(hs.len() / 2);
    for (part, list) in [(parts[0], a), (parts[1], bb)] {
        let (s, b) = post(
            server,
            token,
            &format!("{base}/items/{item}/households"),
            json!({"part_id": part, "households": list}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
}

/// Casts `yes` for the first `yes` households of a ballot's roll and `no` for the rest,
/// then closes it.
pub async fn vote_and_close(server: &Server, token: &str, vote: i64, yes: usize) {
    let (s, roll) = get(server, token, &format!("/api/v1/votes/{vote}/roll")).await;
    assert_eq!(s, 200, "{roll}");
    for (i, h) in roll["items"].as_array().unwrap().iter().enumerate() {
        let choice = if i < yes { "yes" } else { "no" };
        let (s, b) = post(
            server,
            token,
            &format!("/api/v1/votes/{vote}/casts"),
            json!({"household_id": h["household_id"], "choice": choice}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/votes/{vote}/close"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

on_both_backends!(a_scheme_from_draft_through_consent_override_and_freeze);
async fn a_scheme_from_draft_through_consent_override_and_freeze(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t = demo_token(db, "canbo.benthanh");
    let list = format!("/api/v1/communes/{COMMUNE}/restructuring/schemes");
    // Every bad field at once.
    let (s, b) = post(
        &server,
        &t,
        &list,
        json!({"title": " ", "reason": "", "effective_on": "31/02/2030"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let id = draft(&server, &t, "Sắp xếp khu phố 2026").await;
    let base = format!("/api/v1/restructuring/schemes/{id}");
    // A merge must be declared adjacent; a new code is never one already used.
    let merge = |adjacent: bool, local: &str| {
        json!({"units": ["26743-kp02", "26743-kp03"], "name": "Khu phố Mới",
               "kind": "khu_pho", "local_code": local, "adjacent": adjacent})
    };
    let (s, b) = post(&server, &t, &format!("{base}/merges"), merge(false, "kpm")).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (400, Some("adjacent")),
        "{b}"
    );
    let (s, b) = post(&server, &t, &format!("{base}/merges"), merge(true, "kp01")).await;
    assert_eq!((s, code(&b)), (422, Some("scheme_code_used")), "{b}");
    let (s, b) = post(&server, &t, &format!("{base}/merges"), merge(true, "kpm")).await;
    assert_eq!(s, 201, "{b}");
    let item = b["id"].as_i64().unwrap();
    let (s, _) = server
        .http
        .delete(server.url(&format!("{base}/items/{item}")))
        .bearer_auth(&t)
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(s, 200);
    merge_and_split(&server, db, &t, id, "1").await;
    // A unit is in one change only; a household of another unit is refused in a list.
    let (s, b) = post(
        &server,
        &t,
        &format!("{base}/renames"),
        json!({"unit": "26743-kp02", "name": "Khu phố Hai", "kind": "khu_pho"}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, Some("scheme_unit_twice")), "{b}");
    let (_, d) = get(&server, &t, &base).await;
    let split_item = d["items"][1]["id"].as_i64().unwrap();
    let part = d["items"][1]["parts"][0]["id"].as_i64().unwrap();
    let other = households_of(db, "26743-kp06").await[0];
    let (s, b) = post(
        &server,
        &t,
        &format!("{base}/items/{split_item}/households"),
        json!({"part_id": part, "households": [other]}),
    )
    .await;
    assert_eq!(
        (s, code(&b)),
        (422, Some("scheme_household_not_in_unit")),
        "{b}"
    );
    // The lists are complete; the before/after table has the merged unit and both parts,
    // each household counted once.
    assert_eq!(d["items"][1]["missing"], 0, "{d}");
    assert_eq!(d["after"].as_array().unwrap().len(), 3, "{d}");
    let kp05 = households_of(db, "26743-kp05").await.len() as i64;
    let parts_sum = d["after"][1]["households"].as_i64().unwrap()
        + d["after"][2]["households"].as_i64().unwrap();
    assert_eq!(parts_sum, kp05);
    let naive_merged = db
        .count("SELECT COUNT(*) FROM households WHERE status = 'active' AND unit_code IN ('26743-kp02', '26743-kp03', '26743-kp04')")
        .await;
    assert_eq!(d["after"][0]["households"].as_i64().unwrap(), naive_merged);
    assert_eq!(d["after"][0]["minimum"], 700, "HCMC's khu phố: {d}");
    // Consultation: one consent ballot per affected unit, two name ballots per merged unit.
    let (s, d) = post(&server, &t, &format!("{base}/consultation"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["scheme"]["status"], "consulting");
    let consent = d["consent"].as_array().unwrap().clone();
    assert_eq!(consent.len(), 4, "{d}");
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM restructuring_scheme_votes WHERE scheme_id = {id} AND purpose = 'name'")).await,
        6
    );
    let (s, b) = put(&server, &t, &base, scheme_body("Đổi", "2030-01-01")).await;
    assert_eq!((s, code(&b)), (422, Some("scheme_not_draft")), "{b}");
    let (s, b) = post(&server, &t, &format!("{base}/apply"), json!({})).await;
    assert_eq!((s, code(&b)), (422, Some("scheme_not_approved")), "{b}");
    // Exactly half of kp02 in favour is not consent; everyone else agrees.
    for c in &consent {
        let vote = c["vote_id"].as_i64().unwrap();
        let roll = c["roll"].as_i64().unwrap() as usize;
        let yes = if c["unit_code"] == "26743-kp02" {
            roll / 2
        } else {
            roll
        };
        vote_and_close(&server, &t, vote, yes).await;
    }
    let (_, d) = get(&server, &t, &base).await;
    for c in d["consent"].as_array().unwrap() {
        let want = if c["unit_code"] == "26743-kp02" {
            "refused"
        } else {
            "passed"
        };
        assert_eq!(c["consent"], want, "{c}");
    }
    let (s, _) = post(&server, &t, &format!("{base}/approve"), json!({})).await;
    assert_eq!(s, 200);
    let (s, b) = post(&server, &t, &format!("{base}/apply"), json!({})).await;
    assert_eq!((s, code(&b)), (422, Some("scheme_no_consent")), "{b}");
    // The override needs its reason and decision; then a freeze still stops the apply.
    let (s, b) = post(
        &server,
        &t,
        &format!("{base}/override"),
        json!({"reason": "", "number": "", "date": "", "signer": ""}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, d) = post(
        &server,
        &t,
        &format!("{base}/override"),
        json!({"reason": "Đa số hộ ủng hộ ở cuộc họp", "number": "15/QĐ-UBND",
               "date": "2026-02-01", "signer": "Chủ tịch UBND phường"}),
    )
    .await;
    assert_eq!(
        (s, d["scheme"]["overridden"].as_bool()),
        (200, Some(true)),
        "{d}"
    );
    let (s, b) = post(
        &server,
        &server.token,
        "/api/v1/units/79/restructuring/freezes",
        json!({"scope": "province", "starts_on": "2029-12-01", "ends_on": "2030-06-30",
               "basis": "Công văn 11776/BNV-CQĐP"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = post(&server, &t, &format!("{base}/apply"), json!({})).await;
    assert_eq!((s, code(&b)), (422, Some("scheme_frozen")), "{b}");
    let (_, d) = get(&server, &t, &base).await;
    assert!(d["freeze"].as_str().unwrap().contains("11776"), "{d}");
    // Nothing of the tree changed meanwhile; every change left its audit row.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM units WHERE code IN ('26743-kpm1', '26743-kp5a1')")
            .await,
        0
    );
    assert!(
        db.count(&format!("SELECT COUNT(*) FROM audit_log WHERE target_type = 'restructuring_scheme' AND target_id = '{id}'")).await
            >= 10
    );
}

on_both_backends!(size_standards_freezes_and_who_may_do_what);
async fn size_standards_freezes_and_who_may_do_what(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let head = demo_token(db, "totruong.kp01");
    let sizes = format!("/api/v1/communes/{COMMUNE}/restructuring/sizes");
    let (s, r) = get(&server, &official, &sizes).await;
    assert_eq!(s, 200, "{r}");
    let units = r["units"].as_array().unwrap();
    let must = units.iter().filter(|u| u["flag"] == "must_merge").count();
    assert_eq!(r["must_merge"], must);
    // The demo's khu phố have a few dozen households: all below half of HCMC's 700.
    let small = units
        .iter()
        .filter(|u| u["kind"] == "khu_pho" && u["households"].as_i64().unwrap() * 2 < 700)
        .count();
    assert!(small > 0 && must >= small, "{r}");
    // A province sets its own minimum from a date; a commune official may not.
    let std = json!({"kind": "khu_pho", "min_households": 20, "effective_from": "2020-01-01",
                     "basis": "QĐ thử"});
    let (s, _) = post(
        &server,
        &official,
        "/api/v1/units/79/restructuring/standards",
        std.clone(),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = post(
        &server,
        &server.token,
        "/api/v1/units/79/restructuring/standards",
        std,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, r) = get(&server, &official, &sizes).await;
    let kp = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["kind"] == "khu_pho")
        .unwrap()
        .clone();
    assert_eq!(kp["minimum"], 20, "{r}");
    let (_, st) = get(
        &server,
        &official,
        "/api/v1/units/26743/restructuring/standards",
    )
    .await;
    let row = st["in_force"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "khu_pho")
        .unwrap()
        .clone();
    assert_eq!(
        (row["min_households"].clone(), row["basis"].clone()),
        (json!(20), json!("QĐ thử"))
    );
    // Every bad field of a standard at once.
    let (s, b) = post(
        &server,
        &server.token,
        "/api/v1/units/79/restructuring/standards",
        json!({"kind": "tinh", "min_households": 0, "effective_from": "x"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    // A national freeze is for the country's administrators only.
    let freeze = json!({"scope": "national", "starts_on": "2025-12-09", "basis": "11776/BNV-CQĐP"});
    let (s, _) = post(
        &server,
        &official,
        "/api/v1/units/26743/restructuring/freezes",
        freeze.clone(),
    )
    .await;
    assert_eq!(s, 403);
    // A unit head sees a scheme that affects their unit, not others; drafts none.
    let id = draft(&server, &official, "Sắp xếp thử").await;
    let (s, _) = get(
        &server,
        &head,
        &format!("/api/v1/restructuring/schemes/{id}"),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = post(
        &server,
        &official,
        &format!("/api/v1/restructuring/schemes/{id}/renames"),
        json!({"unit": "26743-kp01", "name": "Khu phố Một", "kind": "khu_pho"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, d) = get(
        &server,
        &head,
        &format!("/api/v1/restructuring/schemes/{id}"),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    let (s, _) = post(
        &server,
        &head,
        &format!("/api/v1/communes/{COMMUNE}/restructuring/schemes"),
        scheme_body("Không được", "2030-01-01"),
    )
    .await;
    assert_eq!(s, 403);
    // Pages: the list, the scheme with its tables, the size report, the standards.
    let (b, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    for path in [
        format!("/communes/{COMMUNE}/restructuring"),
        format!("/communes/{COMMUNE}/restructuring/schemes/{id}"),
        format!("/communes/{COMMUNE}/restructuring/sizes"),
        "/provinces/79/restructuring/standards".to_owned(),
        format!("/communes/{COMMUNE}/restructuring/schemes/{id}/merge"),
        format!("/communes/{COMMUNE}/restructuring/schemes/{id}/split"),
    ] {
        let r = b.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let html = server
        .html(
            &b,
            &format!("/communes/{COMMUNE}/restructuring/schemes/{id}"),
        )
        .await;
    assert!(
        html.contains("id=\"after\"") && html.contains("Khu phố Một"),
        "{html}"
    );
    // An approved scheme waits on the official's start page.
    let base = format!("/api/v1/restructuring/schemes/{id}");
    for step in ["consultation", "approve"] {
        let (s, d) = post(&server, &official, &format!("{base}/{step}"), json!({})).await;
        assert_eq!(s, 200, "{d}");
    }
    let html = server.html(&b, "/start").await;
    assert!(html.contains("/communes/26743/restructuring\""), "{html}");
}

// Applying an approved scheme through `apply_plan` on both databases.
on_both_backends!(an_approved_scheme_applies_atomically);
async fn an_approved_scheme_applies_atomically(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t = demo_token(db, "canbo.benthanh");
    let id = draft(&server, &t, "Áp dụng thử").await;
    merge_and_split(&server, db, &t, id, "9").await;
    let base = format!("/api/v1/restructuring/schemes/{id}");
    let (s, d) = post(&server, &t, &format!("{base}/consultation"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    for c in d["consent"].as_array().unwrap() {
        let roll = c["roll"].as_i64().unwrap() as usize;
        vote_and_close(&server, &t, c["vote_id"].as_i64().unwrap(), roll / 2 + 1).await;
    }
    let (s, _) = post(&server, &t, &format!("{base}/approve"), json!({})).await;
    assert_eq!(s, 200);
    let units = "SELECT COUNT(*) FROM units";
    let before = db.count(units).await;
    let (s, r) = get(&server, &t, &format!("{base}/preview")).await;
    assert_eq!((s, r["dry_run"].as_bool()), (200, Some(true)), "{r}");
    assert_eq!(db.count(units).await, before, "a preview changes nothing");
    let moved = r["households_moved"].clone();
    let (s, r) = post(&server, &t, &format!("{base}/apply"), json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["households_moved"], moved);
    assert_eq!(db.count(units).await, before + 3);
    let (_, d) = get(&server, &t, &base).await;
    assert_eq!(d["scheme"]["status"], "applied");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM units WHERE code IN ('26743-kp02', '26743-kp05') AND valid_to IS NOT NULL").await,
        2
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM households WHERE status = 'active' AND unit_code IN ('26743-kp02', '26743-kp03', '26743-kp04', '26743-kp05')").await,
        0
    );
    let (s, b) = post(&server, &t, &format!("{base}/apply"), json!({})).await;
    assert_eq!((s, code(&b)), (422, Some("scheme_not_approved")), "{b}");
}
