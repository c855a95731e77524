//! Elections of a unit's head or deputy (issue 15 item 7): an election counted at the meeting,
//! recognised by the commune, appoints the elected resident through the groups area and gives
//! their account the head's grant; an election that fails appoints nobody; recognising twice
//! is refused. Notice periods at their boundaries (issue 15: the year-end meeting's 5 days,
//! the head election's list posted 7 days), each refusal naming the date field and the date.

use serde_json::{json, Value};

use crate::announcements::{demo_token, get, post};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const KP: &str = "26743-kp01";

fn today() -> jiff::civil::Date {
    tuquan_domain::time::vietnam_date(jiff::Timestamp::now())
}

fn in_days(n: i64) -> jiff::civil::Date {
    today().checked_add(jiff::Span::new().days(n)).unwrap()
}

/// `DD/MM/YYYY`, as the messages write a date.
fn dmy(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

fn code(b: &Value) -> (Option<&str>, Option<&str>) {
    (b["error"]["code"].as_str(), b["error"]["field"].as_str())
}

/// A notice period at its boundary: the body for date `late` posted to `path` is refused with
/// `code` naming `field` and the earliest date `ok` in its message; the body for `ok` is taken.
async fn at_the_boundary(
    (server, token, path): (&Server, &str, &str),
    body: impl Fn(jiff::civil::Date) -> Value,
    (late, ok): (jiff::civil::Date, jiff::civil::Date),
    (error, field): (&str, &str),
) {
    let (s, b) = post(server, token, path, body(late)).await;
    assert_eq!((s, code(&b)), (422, (Some(error), Some(field))), "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains(&dmy(ok)),
        "{b}"
    );
    let (s, b) = post(server, token, path, body(ok)).await;
    assert_eq!(s, 201, "{b}");
}

/// The demo resident (Ngô Thị Mai, 48, of Khu phố 1), whose account is `dan.kp01`.
async fn mai(db: &TestDb) -> i64 {
    db.count("SELECT resident_id FROM users WHERE username = 'dan.kp01'")
        .await
}

/// Ends the open positions of Khu phố 1's leadership that would keep `resident` out of the
/// head's seat (the head's, and any held by the resident), as the commune would.
async fn free_the_head_seat(server: &Server, db: &TestDb, official: &str, resident: i64) {
    let group = db
        .count(&format!(
            "SELECT id FROM community_groups WHERE kind = 'unit_leadership' AND unit_code = '{KP}'"
        ))
        .await;
    loop {
        let pid = db
            .count(&format!(
                "SELECT COALESCE(MIN(id), 0) FROM group_positions WHERE group_id = {group} \
                 AND ended_on IS NULL AND (role = 'head' OR resident_id = {resident})"
            ))
            .await;
        if pid == 0 {
            break;
        }
        let (s, b) = post(
            server,
            official,
            &format!("/api/v1/groups/{group}/positions/{pid}/end"),
            json!({"reason": "resigned"}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
}

on_both_backends!(a_recognised_election_appoints_the_head_with_the_grant);
async fn a_recognised_election_appoints_the_head_with_the_grant(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let official = demo_token(db, "canbo.benthanh");
    let rid = mai(db).await;
    let (_, units) = get(&server, &head, &format!("/api/v1/units/{KP}/votes")).await;
    assert!(units["items"].is_array());
    let all = db
        .count(&format!(
            "SELECT COUNT(*) FROM households h JOIN units u ON u.code = h.unit_code \
             WHERE h.status = 'active' AND (u.code = '{KP}' OR u.path LIKE \
             (SELECT path FROM units WHERE code = '{KP}') || '/%')"
        ))
        .await;
    let election = |posted: jiff::civil::Date, votes: i64, matter: &str| {
        json!({"title": "Bầu trưởng khu phố", "matter": matter, "mode": "show_of_hands",
               "present": all, "yes": 0, "no": all - votes,
               "candidates": [{"resident_id": rid, "votes": votes}],
               "list_posted_on": posted.to_string()})
    };
    let votes_path = format!("/api/v1/units/{KP}/votes");

    // The list posted 6 days before is refused, naming the field and the latest day; 7 is
    // enough.
    let (s, b) = post(
        &server,
        &head,
        &votes_path,
        election(in_days(-6), all / 2 + 1, "head_election"),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(
        code(&b),
        (Some("vote_election_list_late"), Some("list_posted_on"))
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&dmy(in_days(-7))),
        "{b}"
    );
    // An election without candidates, or another matter with one, is refused.
    let mut none = election(in_days(-7), 0, "head_election");
    none["candidates"] = json!([]);
    let (s, b) = post(&server, &head, &votes_path, none).await;
    assert_eq!(
        (s, code(&b).0),
        (422, Some("vote_election_candidates")),
        "{b}"
    );
    let (s, b) = post(
        &server,
        &head,
        &votes_path,
        election(in_days(-7), 1, "contribution"),
    )
    .await;
    assert_eq!(
        (s, code(&b).0),
        (422, Some("vote_candidates_not_election")),
        "{b}"
    );

    let (s, b) = post(
        &server,
        &head,
        &votes_path,
        election(in_days(-7), all / 2 + 1, "head_election"),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (s, e) = get(&server, &head, &format!("/api/v1/votes/{id}/election")).await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["role"], "head");
    assert_eq!(e["candidates"][0]["elected"], true, "{e}");
    assert_eq!(e["candidates"][0]["votes"], all / 2 + 1);
    assert_eq!(e["awaiting_recognition"], true);

    // The unit head does not recognise; the commune does, once.
    let decision = json!({"decision_number": "135/QĐ-UBND", "decision_date": today().to_string()});
    let recognition = format!("/api/v1/votes/{id}/recognition");
    let (s, _) = post(&server, &head, &recognition, decision.clone()).await;
    assert_eq!(s, 403);
    let (s, b) = post(
        &server,
        &official,
        &recognition,
        json!({"decision_number": "", "decision_date": "x"}),
    )
    .await;
    assert_eq!((s, code(&b).1), (400, Some("decision_number")), "{b}");
    free_the_head_seat(&server, db, &official, rid).await;
    let (s, r) = post(&server, &official, &recognition, decision.clone()).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["grants_added"], 1, "{r}");
    let (s, b) = post(&server, &official, &recognition, decision.clone()).await;
    assert_eq!(
        (s, code(&b).0),
        (422, Some("vote_already_recognised")),
        "{b}"
    );

    // She holds the head's position (with the decision noted) and her account the grant.
    let holds = db
        .count(&format!(
            "SELECT COUNT(*) FROM group_positions WHERE id = {} AND resident_id = {rid} \
             AND role = 'head' AND ended_on IS NULL AND decision_ref LIKE '135/%'",
            r["position_id"]
        ))
        .await;
    assert_eq!(holds, 1);
    let grants = db
        .count(&format!(
            "SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id \
             WHERE u.username = 'dan.kp01' AND g.role = 'unit_head' AND g.unit_code = '{KP}'"
        ))
        .await;
    assert_eq!(grants, 1);
    let (s, service) = get(
        &server,
        &official,
        &format!("/api/v1/residents/{rid}/service"),
    )
    .await;
    assert_eq!(s, 200, "{service}");
    assert!(service.to_string().contains("head"), "{service}");
    db.assert_audited(&["vote.recognised", "group.appoint", "user.grant_added"])
        .await;
    let (_, e) = get(&server, &head, &format!("/api/v1/votes/{id}/election")).await;
    assert_eq!(e["recognition"]["decision_number"], "135/QĐ-UBND", "{e}");
    assert_eq!(e["awaiting_recognition"], false);

    // An election that fails (half of all households is not more than half) appoints nobody.
    let positions = db.count("SELECT COUNT(*) FROM group_positions").await;
    let (s, b) = post(
        &server,
        &head,
        &votes_path,
        election(in_days(-7), all / 2, "deputy_election"),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let failed = b["id"].as_i64().unwrap();
    let (_, v) = get(&server, &head, &format!("/api/v1/votes/{failed}")).await;
    assert_eq!(v["vote"]["outcome"], "not_passed", "{v}");
    let (s, b) = post(
        &server,
        &official,
        &format!("/api/v1/votes/{failed}/recognition"),
        decision,
    )
    .await;
    assert_eq!(
        (s, code(&b).0),
        (422, Some("vote_election_not_passed")),
        "{b}"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM group_positions").await,
        positions
    );

    // The pages: the result per candidate, the recognition shown.
    let (b, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let (status, html) = server.page(&b, &format!("/votes/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"candidate-results\"") && html.contains("id=\"recognised\""),
        "{html}"
    );
}

on_both_backends!(notice_periods_at_their_boundaries);
async fn notice_periods_at_their_boundaries(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let meetings = format!("/api/v1/units/{KP}/meetings");
    let meeting = |kind: &str, date: jiff::civil::Date, elects: bool| {
        json!({"kind": kind, "title": "Hội nghị", "date": date.to_string(), "time": "08:00",
               "place": "Nhà văn hóa", "elects_head": elects})
    };
    // The year-end meeting: 4 days refused, naming the date field and the earliest date; 5 ok.
    at_the_boundary(
        (&server, &head, &meetings),
        |d| meeting("year_end_summary", d, false),
        (in_days(4), in_days(5)),
        ("meeting_notice_year_end", "date"),
    )
    .await;
    // A meeting electing the head: 6 days refused, 7 ok.
    at_the_boundary(
        (&server, &head, &meetings),
        |d| meeting("community", d, true),
        (in_days(6), in_days(7)),
        ("meeting_notice_election", "date"),
    )
    .await;

    // Household ballots electing the head open today: the list posted 7 days ago, not 6.
    let rid = mai(db).await;
    let ballots = format!("/api/v1/units/{KP}/ballots");
    let ballot = |posted: jiff::civil::Date| {
        json!({"title": "Bầu trưởng khu phố", "matter": "head_election", "candidate": rid,
               "list_posted_on": posted.to_string()})
    };
    // No candidate: refused, naming the field.
    let (s, b) = post(
        &server,
        &head,
        &ballots,
        json!({"title": "Bầu", "matter": "head_election"}),
    )
    .await;
    assert_eq!(
        (s, code(&b)),
        (422, (Some("vote_election_candidates"), Some("candidate"))),
        "{b}"
    );
    at_the_boundary(
        (&server, &head, &ballots),
        ballot,
        (in_days(-6), in_days(-7)),
        ("vote_election_list_late", "list_posted_on"),
    )
    .await;

    // The form: the refusal beside the list's date, with the date, the values kept.
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/territory/{KP}/votes"),
            &[
                ("title", "Bầu trưởng khu phố"),
                ("matter", "head_election"),
                ("mode", "show_of_hands"),
                ("present", "5"),
                ("candidate_1", &rid.to_string()),
                ("votes_1", "4"),
                ("list_posted_on", &in_days(-6).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"list_posted_on-error\""), "{html}");
    assert!(html.contains(&dmy(in_days(-7))), "{html}");
    assert!(
        html.contains(&format!("value=\"{rid}\"")),
        "the typed value is kept"
    );
}

on_both_backends!(the_demo_has_a_recognised_election);
async fn the_demo_has_a_recognised_election(db: &TestDb) {
    // The suite turns the meetings demo off; this test seeds it.
    db.seed_demo_with_meetings();
    let server = Server::start(db);
    let n = db
        .count(
            "SELECT COUNT(*) FROM vote_recognitions r JOIN group_positions p ON p.id = r.position_id \
             WHERE p.role = 'head' AND p.ended_on IS NULL",
        )
        .await;
    assert_eq!(n, 1);
    let id = db.count("SELECT vote_id FROM vote_recognitions").await;
    // The vote's page and the recognition page, for the commune (nothing left to recognise).
    let (b, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let r = b
        .get(server.url(&format!("/votes/{id}")))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("id=\"recognised\""));
    let r = b
        .get(server.url(&format!("/votes/{id}/recognition")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("135/QĐ-UBND"));
}

/// A head election at Khu phố 2 (which has no head) that elected an adult resident, recorded
/// with `token`; returns its id (for the audit probe of the recognition).
pub async fn elected_in_kp02(server: &Server, db: &TestDb, token: &str) -> i64 {
    let kp = "26743-kp02";
    let rid = db
        .count(&format!(
            "SELECT MIN(id) FROM residents WHERE unit_code = '{kp}' AND status = 'active' \
             AND birth_date < '1990-01-01'"
        ))
        .await;
    let all = db
        .count(&format!(
            "SELECT COUNT(*) FROM households WHERE unit_code = '{kp}' AND status = 'active'"
        ))
        .await;
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/units/{kp}/votes"),
        json!({"title": "Bầu trưởng khu phố 2", "matter": "head_election",
               "mode": "show_of_hands", "present": all, "yes": 0, "no": 0,
               "candidates": [{"resident_id": rid, "votes": all}],
               "list_posted_on": "2020-01-01"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}
