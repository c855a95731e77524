//! Household ballots, continued (issue 15's last items): the paper tally sheet's photo
//! attached to an entry, fingerprinted, shown and logged; the audit probes of those routes.

use serde_json::{json, Value};

use crate::harness::{demo_token, get_json as get, post_json as post, Server, TestDb};
use crate::on_both_backends;

const KP: &str = "26743-kp01";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// The multipart form of a tally sheet's photo.
fn sheet_form() -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "sheet",
        reqwest::multipart::Part::bytes(PDF).file_name("to-kiem-phieu.pdf"),
    )
}

/// Opens a ballot at the demo's khu phố with `token`; returns its id and its roll.
async fn ballot(server: &Server, token: &str) -> (i64, Vec<i64>) {
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/units/{KP}/ballots"),
        json!({"title": "Lắp đèn hẻm 5", "matter": "other"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, roll) = get(server, token, &format!("/api/v1/votes/{id}/roll")).await;
    let ids = roll["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["household_id"].as_i64().unwrap())
        .collect();
    (id, ids)
}

async fn put_paper(server: &Server, token: &str, id: i64, entry: i64, hid: i64) -> u16 {
    server
        .http
        .put(server.url(&format!("/api/v1/votes/{id}/paper/{entry}")))
        .bearer_auth(token)
        .json(&json!({"rows": [{"household_id": hid, "choice": "yes"}]}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn send_sheet(
    server: &Server,
    token: &str,
    id: i64,
    entry: i64,
    f: reqwest::multipart::Form,
) -> (u16, Value) {
    let path = format!("/api/v1/votes/{id}/paper/{entry}/sheet");
    crate::harness::post_multipart(server, token, &path, f).await
}

on_both_backends!(ballot_sheet_photo_on_paper_entries);
async fn ballot_sheet_photo_on_paper_entries(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let deputy = demo_token(db, "topho.kp01");
    let resident = demo_token(db, "dan.kp01");
    let (id, roll) = ballot(&server, &head).await;

    // Before the entry is made there is nothing to attach to.
    let (s, b) = send_sheet(&server, &head, id, 1, sheet_form()).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("vote_sheet_before_entry")),
        "{b}"
    );
    assert_eq!(put_paper(&server, &head, id, 1, roll[0]).await, 200);
    // A resident is not a counting official; a text file is not a photo.
    let (s, _) = send_sheet(&server, &resident, id, 1, sheet_form()).await;
    assert_eq!(s, 403);
    let bad = reqwest::multipart::Form::new().part(
        "sheet",
        reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("x.txt"),
    );
    let (s, b) = send_sheet(&server, &head, id, 1, bad).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("sheet")),
        "{b}"
    );

    // Attached: the SHA-256 comes back, shows with the entry, the bytes download.
    let sha = tuquan_domain::files::check_file("f", "a.pdf", PDF, 1 << 20)
        .unwrap()
        .sha256;
    let (s, b) = send_sheet(&server, &head, id, 1, sheet_form()).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["sha256"], sha.as_str());
    let (_, st) = get(&server, &head, &format!("/api/v1/votes/{id}/paper")).await;
    assert_eq!(st["entries"][0]["sheet_sha256"], sha.as_str(), "{st}");
    let file_id = st["entries"][0]["sheet_file_id"].as_i64().unwrap();
    let got = crate::harness::get_bytes(&server, &head, &format!("/api/v1/files/{file_id}")).await;
    assert_eq!(got, PDF);
    // A correction of the entry keeps the photo.
    assert_eq!(put_paper(&server, &head, id, 1, roll[0]).await, 200);
    let (_, st) = get(&server, &head, &format!("/api/v1/votes/{id}/paper")).await;
    assert_eq!(st["entries"][0]["sheet_file_id"], file_id);
    // Logged in the tally log and the audit log.
    let logged = db
        .count(&format!(
            "SELECT COUNT(*) FROM vote_tally_log WHERE vote_id = {id} \
             AND change = 'sheet_attached' AND detail LIKE '%{sha}%'"
        ))
        .await;
    assert_eq!(logged, 1);
    let audited = db
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'vote.sheet_attached' \
             AND target_id = '{id}'"
        ))
        .await;
    assert_eq!(audited, 1);

    // From the page: the second entry by the deputy, its photo by the page's form.
    assert_eq!(put_paper(&server, &deputy, id, 2, roll[0]).await, 200);
    let (b, csrf) = server.sign_in("topho.kp01", "tuquan-demo").await;
    let html = server.html(&b, &format!("/votes/{id}/paper/2")).await;
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    let bad = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "sheet",
            reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("x.txt"),
        );
    let r = server
        .post_multipart_form(&b, &format!("/votes/{id}/paper/2/sheet"), bad)
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("aria-invalid"), "{html}");
    let r = server
        .post_multipart_form(
            &b,
            &format!("/votes/{id}/paper/2/sheet"),
            sheet_form().text("csrf", csrf),
        )
        .await;
    assert!(r.status().is_redirection() || r.status().is_success());
    let html = server.html(&b, &format!("/votes/{id}/paper/2")).await;
    assert_eq!(html.matches(sha.as_str()).count(), 2, "{html}");
}

/// A successful request attaching a tally sheet's photo, over the API or the page (see
/// `access::every_mutating_route_writes_an_audit_row`).
pub async fn sheet_probe(
    server: &Server,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> reqwest::RequestBuilder {
    let t = server.token.clone();
    let (id, roll) = ballot(server, &t).await;
    assert_eq!(put_paper(server, &t, id, 1, roll[0]).await, 200);
    if path.starts_with("/api/") {
        server
            .http
            .post(server.url(&format!("/api/v1/votes/{id}/paper/1/sheet")))
            .header("x-request-id", rid)
            .bearer_auth(&t)
            .multipart(sheet_form())
    } else {
        admin
            .0
            .post(server.url(&format!("/votes/{id}/paper/1/sheet")))
            .header("x-request-id", rid)
            .multipart(sheet_form().text("csrf", admin.1.clone()))
    }
}

/// Schedules a community meeting at the demo's khu phố today; returns its id and roll codes.
async fn meeting_with_roll(server: &Server, token: &str) -> (i64, Vec<String>) {
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now()).to_string();
    let id = crate::meetings::schedule(server, token, KP, &today).await;
    let (_, att) = get(server, token, &format!("/api/v1/meetings/{id}/attendance")).await;
    let codes = att["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    (id, codes)
}

async fn attend(server: &Server, token: &str, id: i64, code: &str) {
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

on_both_backends!(votes_at_a_meeting_count_its_attendance);
async fn votes_at_a_meeting_count_its_attendance(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let (mid, codes) = meeting_with_roll(&server, &head).await;
    let total = codes.len();
    assert!(total >= 4, "{total} households on the roll");
    // Exactly half present: no quorum, whatever "present" is typed.
    for c in &codes[..total / 2] {
        attend(&server, &head, mid, c).await;
    }
    let vote = |present: usize, yes: usize, mode: &'static str| {
        json!({"title": "Sửa mương thoát nước", "matter": "contribution", "mode": mode,
               "present": present, "yes": yes, "no": 0, "meeting_id": mid})
    };
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        vote(total, total / 2, "show_of_hands"),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, v) = get(&server, &head, &format!("/api/v1/votes/{id}")).await;
    assert_eq!(v["vote"]["outcome"], "no_quorum", "{v}");
    assert_eq!(v["vote"]["meeting_id"], mid);
    assert_eq!(v["vote"]["all_households"].as_u64(), Some(total as u64));
    let stored = db
        .count(&format!(
            "SELECT COUNT(*) FROM votes WHERE id = {id} AND present = {} AND meeting_id = {mid}",
            total / 2
        ))
        .await;
    assert_eq!(stored, 1, "present comes from the attendance");
    // More votes than households present is refused against the attendance.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        vote(total, total / 2 + 1, "show_of_hands"),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("vote_count_over_present")),
        "{b}"
    );
    // A procedural vote passes with more than half of those present, not of all.
    let present = total / 2;
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        vote(0, present / 2 + 1, "procedural"),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (_, v) = get(&server, &head, &format!("/api/v1/votes/{}", b["id"])).await;
    assert_eq!(v["vote"]["outcome"], "passed", "{v}");
    // One more household: the quorum is met and the matter is judged on all households.
    attend(&server, &head, mid, &codes[total / 2]).await;
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        vote(0, total / 2 + 1, "show_of_hands"),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (_, v) = get(&server, &head, &format!("/api/v1/votes/{}", b["id"])).await;
    assert_eq!(v["vote"]["outcome"], "passed", "{v}");
    // A meeting of another unit is refused by name.
    let (s, b) = post(
        &server,
        &server.token,
        "/api/v1/units/26743-kp02/votes",
        vote(0, 1, "show_of_hands"),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str(), b["error"]["field"].as_str()),
        (422, Some("vote_meeting_elsewhere"), Some("meeting_id")),
        "{b}"
    );

    // The pages: the attendance page offers the vote (and ballots while short of the
    // quorum); the vote form shows the meeting's attendance instead of a typed count.
    let (mid2, codes2) = meeting_with_roll(&server, &head).await;
    attend(&server, &head, mid2, &codes2[0]).await;
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let srv = &server;
    let page = |p: String| {
        let b = b.clone();
        async move {
            let r = b.get(srv.url(&p)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{p}");
            r.text().await.unwrap()
        }
    };
    let html = page(format!("/meetings/{mid2}/attendance")).await;
    assert!(
        html.contains(&format!("/territory/{KP}/votes?meeting={mid2}")),
        "{html}"
    );
    assert!(html.contains("id=\"to-ballots\""), "{html}");
    let html = page(format!("/territory/{KP}/votes?meeting={mid2}")).await;
    assert!(html.contains("id=\"presence\""), "{html}");
    assert!(html.contains(&format!("1 / {}", codes2.len())), "{html}");
    assert!(!html.contains("id=\"present\""), "{html}");
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/territory/{KP}/votes"),
            &[
                ("title", "Chọn thư ký"),
                ("matter", "other"),
                ("mode", "show_of_hands"),
                ("yes", "1"),
                ("no", "0"),
                ("meeting_id", &mid2.to_string()),
            ],
        )
        .await;
    assert!(r.status().is_redirection() || r.status().is_success());
    let recorded = db
        .count(&format!(
            "SELECT COUNT(*) FROM votes WHERE meeting_id = {mid2} AND present = 1 \
             AND outcome = 'no_quorum'"
        ))
        .await;
    assert_eq!(recorded, 1);

    // The minutes' resolution carries the vote's computed counts, not the typed ones.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{mid}/hold"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let minutes = |vote: i64| {
        json!({"opening": "Có mặt.", "resolutions": [{"text": "Sửa mương thoát nước",
               "votes_for": 999, "votes_against": 7, "vote_id": vote}]})
    };
    let r = server
        .http
        .put(server.url(&format!("/api/v1/meetings/{mid}/minutes")))
        .bearer_auth(&head)
        .json(&minutes(id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, m) = get(&server, &head, &format!("/api/v1/meetings/{mid}/minutes")).await;
    let res = &m["versions"][0]["resolutions"][0];
    assert_eq!(res["vote_id"], id, "{m}");
    assert_eq!(res["votes_for"].as_u64(), Some((total / 2) as u64), "{m}");
    assert_eq!(res["votes_against"], 0, "{m}");
    // Another meeting's vote is refused by name.
    let other = db
        .count(&format!(
            "SELECT MIN(id) FROM votes WHERE meeting_id = {mid2}"
        ))
        .await;
    let r = server
        .http
        .put(server.url(&format!("/api/v1/meetings/{mid}/minutes")))
        .bearer_auth(&head)
        .json(&minutes(other))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "minutes_vote_elsewhere", "{b}");
    // The editor offers the meeting's votes beside each resolution.
    let html = page(format!("/meetings/{mid}/minutes")).await;
    assert!(html.contains("name=\"res_1_vote\""), "{html}");
    assert!(html.contains(&format!("value=\"{id}\" selected")), "{html}");
}

on_both_backends!(door_to_door_from_the_ballot_page);
async fn door_to_door_from_the_ballot_page(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let (id, roll) = ballot(&server, &head).await;
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let html = server.html(&b, &format!("/votes/{id}")).await;
    assert!(html.contains("id=\"door-form\""), "{html}");
    assert!(
        html.contains(&format!("<option value=\"{}\"", roll[0])),
        "{html}"
    );
    // No answer chosen: the error beside the field, the household kept.
    let hid = roll[0].to_string();
    let door = format!("/votes/{id}/door");
    let r = server
        .submit(&b, &csrf, &door, &[("household", hid.as_str())])
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(
        html.contains(&format!("<option value=\"{hid}\" selected")),
        "{html}"
    );
    // Recorded; the household leaves the picker and counts once.
    let r = server
        .submit(
            &b,
            &csrf,
            &door,
            &[("household", hid.as_str()), ("choice", "yes")],
        )
        .await;
    assert!(r.status().is_redirection() || r.status().is_success());
    let cast = db
        .count(&format!(
            "SELECT COUNT(*) FROM vote_casts WHERE vote_id = {id} AND household_id = {hid} \
             AND channel = 'door'"
        ))
        .await;
    assert_eq!(cast, 1);
    let html = server.html(&b, &format!("/votes/{id}")).await;
    assert!(
        !html.contains(&format!("<option value=\"{hid}\"")),
        "{html}"
    );
    // The same household again (a stale page) is refused beside the picker.
    let r = server
        .submit(
            &b,
            &csrf,
            &door,
            &[("household", hid.as_str()), ("choice", "no")],
        )
        .await;
    assert_eq!(r.status(), 422);
    // A resident cannot use the channel.
    let (rb, rcsrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let r = server
        .submit(
            &rb,
            &rcsrf,
            &door,
            &[
                ("household", roll[1].to_string().as_str()),
                ("choice", "no"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
}

on_both_backends!(online_votes_by_an_authorised_member);
async fn online_votes_by_an_authorised_member(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let rep = demo_token(db, "dan.kp01");
    let (hid, member) = second_member(&server, db).await;
    let member_token = db.user_with_token("con.kp01", "resident", Some(KP), "Con-password-1");
    db.run_ok(
        &[
            "user",
            "link-resident",
            "--username",
            "con.kp01",
            "--resident",
            &member.to_string(),
        ],
        "",
    );
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/ballots"),
        json!({"title": "Giờ đóng cổng hẻm", "matter": "other", "online": true}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let cast = |token: String| {
        let srv = &server;
        async move {
            post(
                srv,
                &token,
                &format!("/api/v1/votes/{id}/cast"),
                json!({"choice": "yes"}),
            )
            .await
        }
    };
    let code = |b: &Value| b["error"]["code"].as_str().unwrap_or("").to_owned();

    // Not authorised yet: refused, and the member cannot authorise anyone.
    let (s, b) = cast(member_token.clone()).await;
    assert_eq!((s, code(&b).as_str()), (422, "vote_not_authorised"), "{b}");
    let (s, b) = post(
        &server,
        &member_token,
        "/api/v1/me/household-voters",
        json!({"resident_id": member, "granted": true}),
    )
    .await;
    assert_eq!(
        (s, code(&b).as_str()),
        (422, "vote_authorise_representative_only"),
        "{b}"
    );
    // The representative sees the member and authorises them (audited as a consent).
    let (s, v) = get(&server, &rep, "/api/v1/me/household-voters").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["is_representative"], true);
    assert_eq!(v["members"][0]["resident_id"], member, "{v}");
    assert_eq!(v["members"][0]["authorised"], false);
    let (s, b) = post(
        &server,
        &rep,
        "/api/v1/me/household-voters",
        json!({"resident_id": member, "granted": true}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let audited = db
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'resident.consent' \
             AND target_id = '{member}' AND after_json LIKE '%household_vote%'"
        ))
        .await;
    assert_eq!(audited, 1);
    let (_, v) = get(&server, &member_token, "/api/v1/me/household-voters").await;
    assert_eq!(
        (v["authorised"].clone(), v["may_vote"].clone()),
        (json!(true), json!(true))
    );
    // The member votes; the household counts once, so the representative is refused.
    let (s, b) = cast(member_token.clone()).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = cast(rep.clone()).await;
    assert_eq!(
        (s, code(&b).as_str()),
        (422, "vote_household_counted"),
        "{b}"
    );
    let by_member = db
        .count(&format!(
            "SELECT COUNT(*) FROM vote_casts WHERE vote_id = {id} AND household_id = {hid} \
             AND resident_id = {member} AND channel = 'online'"
        ))
        .await;
    assert_eq!(by_member, 1);
    // Withdrawn: the member may not vote in the next ballot.
    let (s, _) = post(
        &server,
        &rep,
        "/api/v1/me/household-voters",
        json!({"resident_id": member, "granted": false}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, v) = get(&server, &member_token, "/api/v1/me/household-voters").await;
    assert_eq!(v["may_vote"], false, "{v}");
    // The ballot page: the representative manages the authorisation there.
    let (b, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let html = server.html(&b, &format!("/votes/{id}")).await;
    assert!(html.contains("id=\"voters\""), "{html}");
    assert!(html.contains("Ngô Văn Con"), "{html}");
}

/// Adds a second member to the demo representative's (dan.kp01) household; returns the
/// household's id and the member's.
async fn second_member(server: &Server, db: &TestDb) -> (i64, i64) {
    let hid = db
        .count(
            "SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id \
             WHERE u.username = 'dan.kp01'",
        )
        .await;
    let (s, m) = crate::harness::add_member(
        server,
        hid,
        json!({"full_name": "Ngô Văn Con", "birth_date": "1995-04-05", "gender": "male",
               "residence_type": "permanent"}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    (hid, m["id"].as_i64().unwrap())
}

/// The representative authorising a member (see
/// `access::every_mutating_route_writes_an_audit_row`).
pub async fn voters_probe(server: &Server, db: &TestDb, rid: &str) -> reqwest::RequestBuilder {
    let (_, member) = second_member(server, db).await;
    server
        .http
        .post(server.url("/api/v1/me/household-voters"))
        .header("x-request-id", rid)
        .bearer_auth(demo_token(db, "dan.kp01"))
        .json(&json!({"resident_id": member, "granted": true}))
}

/// The same from the ballot page, signed in as the representative.
pub async fn voters_page_probe(
    server: &Server,
    db: &TestDb,
    vote: i64,
    rid: &str,
) -> reqwest::RequestBuilder {
    let (_, member) = second_member(server, db).await;
    let (b, csrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
    b.post(server.url(&format!("/votes/{vote}/voters")))
        .header("x-request-id", rid)
        .form(&[
            ("csrf", csrf),
            ("member", member.to_string()),
            ("granted", "true".to_owned()),
        ])
}

on_both_backends!(demo_meetings_alive_without_the_feedback_demo);
async fn demo_meetings_alive_without_the_feedback_demo(db: &TestDb) {
    // The suite turns both demos off; the meetings demo alone, feedback still off.
    db.seed_demo_with_meetings();
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, 0);
    for (what, sql) in [
        ("meetings", "SELECT COUNT(*) FROM meetings"),
        (
            "locked minutes",
            "SELECT COUNT(*) FROM meeting_minutes WHERE status = 'final'",
        ),
        ("action items", "SELECT COUNT(*) FROM action_items"),
        (
            "ballots",
            "SELECT COUNT(*) FROM votes WHERE mode = 'ballot'",
        ),
        ("consultations", "SELECT COUNT(*) FROM consultations"),
    ] {
        assert!(db.count(sql).await > 0, "no demo {what}");
    }
}
