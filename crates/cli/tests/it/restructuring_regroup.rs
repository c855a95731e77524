//! A scheme's group dispositions and the reward decision on thanks records (issue 16 item 4),
//! on both databases: choices checked (a bad group, target or merge refused naming the field),
//! stored and shown; the applied scheme carries and merges groups as chosen (positions
//! continue for the carried group, end with thanks for the merged-away and dissolved ones);
//! the choice refused once applied; the reward decision recorded for a selection from the
//! thanks page, validated, and shown on the list and the person's service history.

use serde_json::{json, Value};

use crate::announcements::{demo_token, get, post};
use crate::harness::{csrf_in, page, Server, TestDb};
use crate::on_both_backends;
use crate::restructuring_schemes::{draft, merge_and_split, vote_and_close};

fn err(b: &Value) -> (Option<&str>, Option<&str>) {
    (b["error"]["code"].as_str(), b["error"]["field"].as_str())
}

/// The leadership of a unit, with a head (the first resident the rules allow) unless it has
/// one already. Returns the group's id.
async fn led(server: &Server, db: &TestDb, t: &str, unit: &str) -> i64 {
    let (s, g) = post(
        server,
        t,
        &format!("/api/v1/units/{unit}/leadership"),
        json!({}),
    )
    .await;
    assert!(s == 200 || s == 201, "{g}");
    let id = g["id"].as_i64().unwrap();
    let heads = format!(
        "SELECT COUNT(*) FROM group_positions WHERE group_id = {id} AND role = 'head' AND ended_on IS NULL"
    );
    for i in 0..30 {
        if db.count(&heads).await > 0 {
            break;
        }
        let r = db
            .count(&format!(
                "SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id \
                 WHERE h.unit_code = '{unit}' AND r.status = 'active' ORDER BY r.id LIMIT 1 OFFSET {i}"
            ))
            .await;
        post(
            server,
            t,
            &format!("/api/v1/groups/{id}/positions"),
            json!({"resident_id": r, "role": "head", "starts_on": "2025-01-15"}),
        )
        .await;
    }
    assert_eq!(db.count(&heads).await, 1, "no head appointed in {unit}");
    id
}

async fn choose(server: &Server, t: &str, id: i64, body: Value) -> (u16, Value) {
    post(
        server,
        t,
        &format!("/api/v1/restructuring/schemes/{id}/groups"),
        body,
    )
    .await
}

fn group(d: &Value, id: i64) -> &Value {
    d["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("group {id} not on the scheme: {d}"))
}

on_both_backends!(groups_are_chosen_checked_applied_and_leaders_rewarded);
async fn groups_are_chosen_checked_applied_and_leaders_rewarded(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t = demo_token(db, "canbo.benthanh");
    let id = draft(&server, &t, "Tổ chức theo đề án").await;
    merge_and_split(&server, db, &t, id, "7").await;
    let (kp02, kp03, kp05) = (
        led(&server, db, &t, "26743-kp02").await,
        led(&server, db, &t, "26743-kp03").await,
        led(&server, db, &t, "26743-kp05").await,
    );
    let head_of = |g: i64| {
        format!(
            "SELECT id FROM group_positions WHERE group_id = {g} AND role = 'head' AND ended_on IS NULL"
        )
    };
    let (head02, head03) = (
        db.count(&head_of(kp02)).await,
        db.count(&head_of(kp03)).await,
    );
    let base = format!("/api/v1/restructuring/schemes/{id}");

    // Every group of a closed unit is listed, dissolved by default.
    let (_, d) = get(&server, &t, &base).await;
    for g in [kp02, kp03, kp05] {
        assert_eq!(group(&d, g)["action"], "dissolve", "{d}");
        assert_eq!(group(&d, g)["chosen"], false);
    }

    // Refusals name the field and change nothing.
    let (s, b) = choose(
        &server,
        &t,
        id,
        json!({"group": 999_999, "action": "dissolve"}),
    )
    .await;
    assert_eq!(
        (s, err(&b)),
        (422, (Some("scheme_group_not_affected"), Some("group"))),
        "{b}"
    );
    let (s, b) = choose(&server, &t, id, json!({"group": kp02, "action": ""})).await;
    assert_eq!((s, err(&b).1), (400, Some("action")), "{b}");
    let (s, b) = choose(
        &server,
        &t,
        id,
        json!({"group": kp02, "action": "carry_over", "to": "26743-kp01"}),
    )
    .await;
    assert_eq!(
        (s, err(&b)),
        (422, (Some("scheme_group_bad_target"), Some("to"))),
        "{b}"
    );
    let (s, b) = choose(
        &server,
        &t,
        id,
        json!({"group": kp03, "action": "merge", "into": kp02}),
    )
    .await;
    assert_eq!(
        (s, err(&b)),
        (422, (Some("scheme_group_bad_merge"), Some("into"))),
        "{b}"
    );
    let (_, d) = get(&server, &t, &base).await;
    assert_eq!(group(&d, kp02)["chosen"], false, "a refusal stores nothing");

    // kp02's leadership carried to the new unit, kp03's merged into it, kp05's carried to
    // the first part of the split; the after table shows them.
    for body in [
        json!({"group": kp02, "action": "carry_over", "to": "26743-kpm7"}),
        json!({"group": kp03, "action": "merge", "into": kp02}),
        json!({"group": kp05, "action": "carry_over", "to": "26743-kp5a7"}),
    ] {
        let (s, b) = choose(&server, &t, id, body).await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, b) = choose(
        &server,
        &t,
        id,
        json!({"group": kp02, "action": "dissolve"}),
    )
    .await;
    assert_eq!(
        (s, err(&b)),
        (422, (Some("scheme_group_has_merges"), Some("action"))),
        "{b}"
    );
    let (_, d) = get(&server, &t, &base).await;
    assert_eq!(group(&d, kp02)["to"], "26743-kpm7");
    assert_eq!(group(&d, kp03)["into"], kp02);
    let row = d["after"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "26743-kpm7")
        .unwrap();
    assert_eq!(row["groups"].as_array().unwrap().len(), 1, "{row}");
    assert_eq!(
        row["groups"][0]["merged"].as_array().unwrap().len(),
        1,
        "{row}"
    );

    // The page lists them with a form each.
    let (browser, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let (s, html) = page(
        &browser,
        &server,
        &format!("/communes/26743/restructuring/schemes/{id}"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!(
        "action=\"/communes/26743/restructuring/schemes/{id}/groups/{kp02}\""
    )));
    assert!(
        html.contains("value=\"carry_over:26743-kpm7\" selected"),
        "{html}"
    );

    // Consulted, approved; the preview and the apply do as chosen.
    let (s, d) = post(&server, &t, &format!("{base}/consultation"), json!({})).await;
    assert_eq!(s, 200, "{d}");
    for c in d["consent"].as_array().unwrap() {
        let roll = c["roll"].as_i64().unwrap() as usize;
        vote_and_close(&server, &t, c["vote_id"].as_i64().unwrap(), roll / 2 + 1).await;
    }
    let (s, _) = post(&server, &t, &format!("{base}/approve"), json!({})).await;
    assert_eq!(s, 200);
    let (s, r) = get(&server, &t, &format!("{base}/preview")).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["groups_carried"].as_u64(), r["groups_merged"].as_u64()),
        (Some(2), Some(1)),
        "{r}"
    );
    let (s, r) = post(&server, &t, &format!("{base}/apply"), json!({})).await;
    assert_eq!(s, 200, "{r}");
    let unit_of = |g: i64| {
        format!("SELECT COUNT(*) FROM community_groups WHERE id = {g} AND status <> 'dissolved' AND unit_code = ")
    };
    assert_eq!(db.count(&format!("{}'26743-kpm7'", unit_of(kp02))).await, 1);
    assert_eq!(
        db.count(&format!("{}'26743-kp5a7'", unit_of(kp05))).await,
        1
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM group_positions WHERE id = {head02} AND ended_on IS NULL"
        ))
        .await,
        1,
        "the carried group's head continues"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM community_groups WHERE id = {kp03} AND status = 'dissolved'"
        ))
        .await,
        1
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM group_positions WHERE id = {head03} AND end_reason = 'unit_restructured'"
        ))
        .await,
        1
    );
    let thanks03 = db
        .count(&format!(
            "SELECT id FROM service_thanks WHERE position_id = {head03}"
        ))
        .await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM service_thanks WHERE position_id = {head02}"
        ))
        .await,
        0,
        "no thanks for a head who keeps the post"
    );
    let (s, b) = choose(
        &server,
        &t,
        id,
        json!({"group": kp02, "action": "dissolve"}),
    )
    .await;
    assert_eq!(
        (s, err(&b)),
        (422, (Some("scheme_closed"), Some("status"))),
        "{b}"
    );

    // The reward decision: validated (every error at once, values kept), then recorded for
    // the ticked record and shown on the list and the service history.
    let thanks = "/communes/26743/restructuring/thanks";
    let (_, html) = page(&browser, &server, thanks).await;
    let csrf = csrf_in(&html);
    let send = |fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("csrf", csrf.clone()));
        browser.post(server.url(thanks)).form(&fields).send()
    };
    let r = send(vec![
        ("record", thanks03.to_string()),
        ("number", "".into()),
        ("date", "2999-01-01".into()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"number-error\"") && html.contains("id=\"date-error\""),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "value=\"{thanks03}\" id=\"record-{thanks03}\" checked"
        )),
        "{html}"
    );
    let r = send(vec![
        ("number", "7/QĐ-KT".into()),
        ("date", "2026-01-05".into()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422, "no record ticked");
    let none = "SELECT COUNT(*) FROM service_thanks WHERE reward_decision IS NOT NULL";
    assert_eq!(db.count(none).await, 0, "a refusal changes nothing");
    let r = send(vec![
        ("record", thanks03.to_string()),
        ("number", "7/QĐ-KT".into()),
        ("date", "2026-01-05".into()),
    ])
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM service_thanks WHERE id = {thanks03} AND reward_decision = '7/QĐ-KT' AND reward_on = '2026-01-05'"
        ))
        .await,
        1
    );
    assert_eq!(db.count(none).await, 1);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'restructuring.thanks_reward'")
            .await,
        1
    );
    let (_, html) = page(&browser, &server, thanks).await;
    assert!(html.contains("7/QĐ-KT, 05/01/2026"), "{html}");
    let resident = db
        .count(&format!(
            "SELECT resident_id FROM service_thanks WHERE id = {thanks03}"
        ))
        .await;
    let (s, html) = page(&browser, &server, &format!("/residents/{resident}/service")).await;
    assert_eq!(s, 200);
    assert!(html.contains("7/QĐ-KT"), "{html}");
}
