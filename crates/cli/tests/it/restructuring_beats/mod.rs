//! Police and militia beats (docs/beats.md): the alignment report on a constructed case of
//! each kind of misalignment, the officer's grants following the beat, carrying beats to the
//! successors of recorded restructuring events, and the feedback category about the
//! rearrangement (Open311, routing to the commune, the filter link).

use serde_json::{json, Value};

use crate::harness::{demo_token, get_json as get, page, post_json as post, Server, TestDb};
use crate::on_both_backends;

mod probes;

pub use probes::{audit_probe, matrix_probe};

pub const WARD: &str = "26743";

/// A beat of the ward from 2025-07-01 with `officer` as its account (or a named officer).
pub async fn beat(server: &Server, name: &str, officer: Option<&str>) -> i64 {
    let body = match officer {
        Some(u) => json!({"name": name, "officer_username": u, "valid_from": "2025-07-01"}),
        None => json!({"name": name, "officer_name": "Trương Văn Hải", "valid_from": "2025-07-01"}),
    };
    let (s, b) = post(
        server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/beats"),
        body,
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// Puts `unit` in `beat` from `from`; returns the assignment's id.
pub async fn assign(server: &Server, beat: i64, unit: &str, from: &str) -> i64 {
    let (s, b) = post(
        server,
        &server.token,
        &format!("/api/v1/beats/{beat}/units"),
        json!({"unit_code": unit, "valid_from": from}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// A new residential unit below `parent` made by the admin; returns its code.
pub async fn unit(server: &Server, parent: &str, local: &str, kind: &str, from: &str) -> String {
    let (s, b) = post(
        server,
        &server.token,
        "/api/v1/units",
        json!({"parent_code": parent, "local_code": local, "name": format!("Đơn vị {local}"),
               "kind": kind, "valid_from": from}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["code"].as_str().unwrap().to_owned()
}

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            x["unit"]["code"]
                .as_str()
                .or(x["code"].as_str())
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Yesterday in UTC: never after today in Vietnam.
fn yesterday() -> String {
    let d = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .yesterday()
        .unwrap();
    d.to_string()
}

on_both_backends!(alignment_finds_each_kind_of_misalignment);
async fn alignment_finds_each_kind_of_misalignment(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // The ward keeps tổ below its khu phố for this case.
    db.run_ok(
        &["territory", "scheme-set", WARD, "khu_pho,ap;to_dan_cu"],
        "",
    );
    let t1 = unit(&server, "26743-kp01", "t1", "to_dan_cu", "2025-07-01").await;
    let t21 = unit(&server, "26743-kp02", "t1", "to_dan_cu", "2025-07-01").await;
    let t22 = unit(&server, "26743-kp02", "t2", "to_dan_cu", "2025-07-01").await;
    let other_commune = db
        .count(&format!(
            "SELECT MIN(CAST(code AS BIGINT)) FROM units WHERE parent_code = '79' AND code <> '{WARD}'"
        ))
        .await;
    let other = unit(
        &server,
        &format!("{other_commune:05}"),
        "kp01",
        "khu_pho",
        "2025-07-01",
    )
    .await;
    let a = beat(&server, "Địa bàn A", None).await;
    let b = beat(&server, "Địa bàn B", None).await;
    let c = beat(&server, "Địa bàn C", None).await;
    let from = "2025-07-01";
    // Whole kp01 in A, and its t1 in B as well: t1 is under two beats.
    assign(&server, a, "26743-kp01", from).await;
    assign(&server, b, &t1, from).await;
    // kp02 split between A and B: each covers part of it.
    assign(&server, a, &t21, from).await;
    assign(&server, b, &t22, from).await;
    assign(&server, b, "26743-kp03", from).await;
    // C reaches into another commune, and keeps a unit that was closed.
    assign(&server, c, &other, from).await;
    assign(&server, c, "26743-kp05", from).await;
    db.execute("UPDATE units SET valid_to = '2026-01-01' WHERE code = '26743-kp05'")
        .await;
    let (s, m) = post(
        &server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/militia-heads"),
        json!({"unit_code": "26743-kp01", "full_name": "Phan Văn Lộc", "phone": "0907123401",
               "valid_from": from}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let (s, r) = get(
        &server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/beats/alignment"),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["clean"], false);
    let without = codes(&r["without_beat"]);
    assert!(without.contains(&"26743-kp04".to_owned()), "{without:?}");
    for covered in ["26743-kp01", "26743-kp02", "26743-kp03", "26743-kp05"] {
        assert!(
            !without.contains(&covered.to_owned()),
            "{covered} in {without:?}"
        );
    }
    let militia = codes(&r["without_militia_head"]);
    assert!(militia.contains(&"26743-kp02".to_owned()));
    assert!(!militia.contains(&"26743-kp01".to_owned()));
    let partial: Vec<(String, i64)> = r["partial"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["unit"]["code"].as_str().unwrap().to_owned(),
                p["beat"]["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        partial,
        [("26743-kp02".to_owned(), a), ("26743-kp02".to_owned(), b)]
    );
    let overlaps = r["under_two_beats"].as_array().unwrap();
    assert_eq!(overlaps.len(), 1, "{r}");
    assert_eq!(overlaps[0]["unit"]["code"], t1.as_str());
    assert_eq!(overlaps[0]["beats"].as_array().unwrap().len(), 2);
    assert_eq!(codes(&r["crossing_communes"]), [other]);
    assert_eq!(r["crossing_communes"][0]["beat"]["id"], c);
    assert_eq!(codes(&r["stale"]), ["26743-kp05"]);
    // As of a day before anything was assigned, no beat covers anything.
    let (s, early) = get(
        &server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/beats/alignment?on=2025-07-01"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(early["stale"].as_array().unwrap().is_empty(), "{early}");
    let (s, _) = get(
        &server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/beats/alignment?on=31-02-2026"),
    )
    .await;
    assert_eq!(s, 400);
    // The printable page lists each kind with its count, in Vietnamese.
    let admin = server
        .sign_in(crate::harness::ADMIN_USER, crate::harness::ADMIN_PASSWORD)
        .await;
    let (s, html) = page(
        &admin.0,
        &server,
        &format!("/communes/{WARD}/beats/alignment"),
    )
    .await;
    assert_eq!(s, 200);
    for id in [
        "without-beat",
        "without-militia",
        "partial",
        "overlaps",
        "crossing",
        "stale",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("Đơn vị thuộc hai địa bàn cùng lúc (1)"));
    assert!(!html.contains("id=\"clean\""));
}

on_both_backends!(grants_follow_the_beat);
async fn grants_follow_the_beat(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let officer = demo_token(db, "csrkv.kp01");
    let uid = db
        .count("SELECT id FROM users WHERE username = 'csrkv.kp01'")
        .await;
    let grants = |unit: &'static str| {
        let sql = format!(
            "SELECT COUNT(*) FROM grants WHERE user_id = {uid} AND role = 'area_police' \
             AND unit_code = '{unit}'"
        );
        async move { db.count(&sql).await }
    };
    let households = "/api/v1/units/26743-kp02/households";
    assert_eq!(get(&server, &officer, households).await.0, 403);
    let b = beat(&server, "Địa bàn 1", Some("csrkv.kp01")).await;
    let today = yesterday();
    let id = assign(&server, b, "26743-kp02", &today).await;
    assert_eq!(grants("26743-kp02").await, 1);
    assert_eq!(get(&server, &officer, households).await.0, 200);
    let notices =
        format!("SELECT COUNT(*) FROM outbox WHERE user_id = {uid} AND purpose = 'beat.grant'");
    assert_eq!(db.count(&notices).await, 1);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {uid}"
        ))
        .await,
        1
    );
    // The rules: a whole residential unit, once; an end not in the future.
    let (s, e) = post(
        &server,
        &server.token,
        &format!("/api/v1/beats/{b}/units"),
        json!({"unit_code": WARD}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("beat_unit_not_residential")),
        "{e}"
    );
    let (s, e) = post(
        &server,
        &server.token,
        &format!("/api/v1/beats/{b}/units"),
        json!({"unit_code": "26743-kp02"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("beat_unit_already")),
        "{e}"
    );
    let (s, e) = post(
        &server,
        &server.token,
        &format!("/api/v1/beat-units/{id}/end"),
        json!({"valid_to": "2099-01-01"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("beat_end_in_future")),
        "{e}"
    );
    let (s, e) = post(
        &server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/beats"),
        json!({"name": " ", "officer_username": "nobody.here"}),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    // Ending the assignment ends the grant (history kept), with a notice.
    let (s, d) = post(
        &server,
        &server.token,
        &format!("/api/v1/beat-units/{id}/end"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["assignments"][0]["granted"], false);
    assert!(d["assignments"][0]["valid_to"].is_string());
    assert_eq!(grants("26743-kp02").await, 0);
    assert_eq!(get(&server, &officer, households).await.0, 403);
    assert_eq!(db.count(&notices).await, 2);
    db.assert_audited(&[
        "beat.unit_assigned",
        "beat.unit_ended",
        "user.grant_added",
        "user.grant_revoked",
    ])
    .await;
    // A new officer takes over the grants of the open assignments; ending the beat ends them.
    assign(&server, b, "26743-kp03", &today).await;
    assert_eq!(grants("26743-kp03").await, 1);
    let r = server
        .http
        .put(server.url(&format!("/api/v1/beats/{b}")))
        .bearer_auth(&server.token)
        .json(&json!({"name": "Địa bàn 1", "officer_name": "Người khác"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(grants("26743-kp03").await, 0);
    let (s, d) = post(
        &server,
        &server.token,
        &format!("/api/v1/beats/{b}/end"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert!(d["beat"]["valid_to"].is_string());
    assert!(d["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["valid_to"].is_string()));
}

/// Records an event of `kind` effective `on` with its participants, as the restructuring
/// does; returns its id.
async fn event(db: &TestDb, kind: &str, on: &str, parts: &[(&str, &str)]) -> i64 {
    db.execute(&format!(
        "INSERT INTO unit_events (province_code, commune_code, kind, effective_on, basis_number, \
         basis_date, basis_signer, created_by, created_at) VALUES ('79', '{WARD}', '{kind}', \
         '{on}', '12/QĐ-UBND', '{on}', 'Chủ tịch UBND phường', 'test', '{on}T00:00:00Z')"
    ))
    .await;
    let id = db.count("SELECT MAX(id) FROM unit_events").await;
    for (code, role) in parts {
        db.execute(&format!(
            "INSERT INTO unit_event_participants (event_id, unit_code, role) \
             VALUES ({id}, '{code}', '{role}')"
        ))
        .await;
        if *role == "predecessor" {
            db.execute(&format!(
                "UPDATE units SET valid_to = '{on}' WHERE code = '{code}'"
            ))
            .await;
        }
    }
    id
}

on_both_backends!(beats_are_carried_to_successors);
async fn beats_are_carried_to_successors(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let on = yesterday();
    let a = beat(&server, "Địa bàn A", Some("csrkv.kp01")).await;
    let b = beat(&server, "Địa bàn B", None).await;
    let c = beat(&server, "Địa bàn C", None).await;
    let d = beat(&server, "Địa bàn D", None).await;
    for (beat, unit) in [
        (a, "kp01"),
        (a, "kp02"),
        (b, "kp03"),
        (c, "kp04"),
        (d, "kp06"),
    ] {
        assign(&server, beat, &format!("{WARD}-{unit}"), "2025-07-01").await;
    }
    // Militia heads of the units that close (none in kp03, kp04).
    for (kp, name) in [
        ("kp01", "Phan Văn Lộc"),
        ("kp02", "Vũ Đức Tài"),
        ("kp06", "Mai Xuân Hòa"),
    ] {
        let (s, m) = post(
            &server,
            &server.token,
            &format!("/api/v1/communes/{WARD}/militia-heads"),
            json!({"unit_code": format!("{WARD}-{kp}"), "full_name": name,
                   "valid_from": "2025-07-01"}),
        )
        .await;
        assert_eq!(s, 201, "{m}");
    }
    let merged = unit(&server, WARD, "kp20", "khu_pho", &on).await;
    let across = unit(&server, WARD, "kp21", "khu_pho", &on).await;
    let part1 = unit(&server, WARD, "kp22", "khu_pho", &on).await;
    let part2 = unit(&server, WARD, "kp23", "khu_pho", &on).await;
    event(
        db,
        "create_from_parts",
        &on,
        &[
            ("26743-kp01", "predecessor"),
            ("26743-kp02", "predecessor"),
            (&merged, "successor"),
        ],
    )
    .await;
    event(
        db,
        "merge_into",
        &on,
        &[
            ("26743-kp03", "predecessor"),
            ("26743-kp04", "predecessor"),
            (&across, "successor"),
        ],
    )
    .await;
    event(
        db,
        "split",
        &on,
        &[
            ("26743-kp06", "predecessor"),
            (&part1, "successor"),
            (&part2, "successor"),
        ],
    )
    .await;
    let uid = db
        .count("SELECT id FROM users WHERE username = 'csrkv.kp01'")
        .await;
    let kp01_grants =
        format!("SELECT COUNT(*) FROM grants WHERE user_id = {uid} AND unit_code = '26743-kp01'");
    // The demo's own grant on kp01, and the beat's.
    assert_eq!(db.count(&kp01_grants).await, 2);
    let rows = "SELECT COUNT(*) FROM beat_units";
    let before = db.count(rows).await;
    let path = format!("/api/v1/communes/{WARD}/beats/carry");
    let (s, preview) = get(&server, &server.token, &path).await;
    assert_eq!(s, 200, "{preview}");
    assert_eq!(preview["applied"], false);
    assert_eq!(db.count(rows).await, before, "a preview changes nothing");
    let mut assigned = codes(&preview["assigned"]);
    assigned.sort();
    assert_eq!(assigned, [merged.clone(), part1.clone(), part2.clone()]);
    assert_eq!(codes(&preview["ended"]).len(), 3);
    assert_eq!(codes(&preview["undecided"]), std::slice::from_ref(&across));
    // The militia heads go with the units: the merged unit's from the first of two
    // predecessors of the same size, each part of the split the original's.
    let heads = |list: &Value| {
        let mut v: Vec<(String, String, String)> = (list.as_array().unwrap().iter())
            .map(|h| {
                let text = |v: &Value| v.as_str().unwrap().to_owned();
                (
                    text(&h["unit"]["code"]),
                    text(&h["full_name"]),
                    text(&h["on"]),
                )
            })
            .collect();
        v.sort();
        v
    };
    let head = |unit: &str, name: &str| (unit.to_owned(), name.to_owned(), on.clone());
    assert_eq!(
        heads(&preview["militia_carried"]),
        [
            head(&merged, "Phan Văn Lộc"),
            head(&part1, "Mai Xuân Hòa"),
            head(&part2, "Mai Xuân Hòa"),
        ]
    );
    let ended: Vec<String> = heads(&preview["militia_ended"])
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(ended, ["26743-kp01", "26743-kp02", "26743-kp06"]);
    let (s, done) = post(&server, &server.token, &path, json!({})).await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["applied"], true);
    assert_eq!(db.count(rows).await, before + 3);
    assert_eq!(done["militia_carried"], preview["militia_carried"]);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM militia_heads WHERE unit_code IN ('{merged}', '{part1}', \
             '{part2}') AND valid_to IS NULL"
        ))
        .await,
        3
    );
    // The merged unit is in A with the officer's grant; the beat's grant on kp01 ended.
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM grants WHERE user_id = {uid} AND unit_code = '{merged}'"
        ))
        .await,
        1
    );
    assert_eq!(db.count(&kp01_grants).await, 1);
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM beat_units WHERE unit_code = '{part1}' AND beat_id = {d} AND event_id IS NOT NULL")).await,
        1
    );
    // kp03 and kp04 stay until the official decides; then carrying again ends them.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM beat_units WHERE unit_code IN ('26743-kp03', '26743-kp04') AND valid_to IS NULL").await,
        2
    );
    assign(&server, b, &across, &on).await;
    let (s, again) = post(&server, &server.token, &path, json!({})).await;
    assert_eq!(s, 200, "{again}");
    assert!(codes(&again["assigned"]).is_empty() && codes(&again["undecided"]).is_empty());
    assert_eq!(codes(&again["ended"]).len(), 2);
    assert!(
        again["militia_carried"].as_array().unwrap().is_empty(),
        "{again}"
    );
    let (_, third) = post(&server, &server.token, &path, json!({})).await;
    assert!(codes(&third["ended"]).is_empty() && codes(&third["assigned"]).is_empty());
    let (_, r) = get(
        &server,
        &server.token,
        &format!("/api/v1/communes/{WARD}/beats/alignment"),
    )
    .await;
    assert!(r["stale"].as_array().unwrap().is_empty(), "{r}");
    assert!(r["under_two_beats"].as_array().unwrap().is_empty(), "{r}");
}

on_both_backends!(restructuring_feedback_has_its_own_category);
async fn restructuring_feedback_has_its_own_category(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (s, services) = server.get_json("/open311/v2/services.json").await;
    assert_eq!(s, 200);
    let service = services
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["service_code"] == "restructuring")
        .unwrap_or_else(|| panic!("no restructuring service: {services}"));
    assert_eq!(service["service_name"], "Sắp xếp đơn vị");
    let (s, html) = server.get_text("/feedback/new?unit=26743-kp01").await;
    assert_eq!(s, 200);
    assert!(html.contains("Sắp xếp đơn vị"));
    // Sent about a khu phố, it goes to the commune, not the khu phố's head.
    let (s, item) = post(
        &server,
        &server.token,
        "/api/v1/feedback",
        json!({"unit_code": "26743-kp01", "category": "restructuring",
               "description": "Xin cho biết khu phố mới tên gì và có phải đổi giấy tờ không?"}),
    )
    .await;
    assert_eq!(s, 201, "{item}");
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM feedback WHERE category = 'restructuring' \
                  AND level = 'commune' AND role = 'commune_official'"
        )
        .await,
        1
    );
    // The commune's beats page links to the filtered inbox.
    let admin = server
        .sign_in(crate::harness::ADMIN_USER, crate::harness::ADMIN_PASSWORD)
        .await;
    let (s, html) = page(&admin.0, &server, &format!("/communes/{WARD}/beats")).await;
    assert_eq!(s, 200);
    let link = format!("/feedback/inbox?unit={WARD}&amp;category=restructuring");
    assert!(html.contains(&link), "{html}");
    let (s, inbox) = page(&admin.0, &server, &link.replace("&amp;", "&")).await;
    assert_eq!(s, 200);
    assert!(inbox.contains("khu phố mới tên gì"));
}
