//! Votes and household ballots over HTTP on both databases: a meeting vote that misses the
//! quorum goes to ballots; online, door-to-door and paper votes (entered twice by two
//! people, a mismatch blocking the result) reach a result equal to a naive count; once per
//! household across channels; online refused for an election; a secret ballot stores no
//! household's vote; thresholds per province; audit rows and the tally log.

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use crate::harness::{
    demo_token, get_json as get, post_json as post, put_json as put, Server, TestDb,
};
use crate::on_both_backends;

const KP: &str = "26743-kp01";

fn code(b: &Value) -> &str {
    crate::harness::error_code(b).unwrap_or("")
}

on_both_backends!(ballot_with_paper_and_online_equals_a_naive_count);
async fn ballot_with_paper_and_online_equals_a_naive_count(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let deputy = demo_token(db, "topho.kp01");
    let resident = demo_token(db, "dan.kp01");
    let own_household = db
        .count(
            "SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id \
             WHERE u.username = 'dan.kp01'",
        )
        .await;
    let households = db
        .count(&format!(
            "SELECT COUNT(*) FROM households h JOIN units u ON u.code = h.unit_code \
             WHERE h.status = 'active' AND (u.path = (SELECT path FROM units WHERE code = '{KP}') \
             OR u.path LIKE (SELECT path FROM units WHERE code = '{KP}') || '/%')"
        ))
        .await;
    assert!(households >= 6, "the demo has households in {KP}");

    // A meeting vote with exactly half the households present has no quorum.
    let half = households / 2;
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        json!({"title": "Đóng góp sửa đường", "matter": "contribution", "mode": "show_of_hands",
               "present": half, "yes": half, "no": 0}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let meeting_vote = b["id"].as_i64().unwrap();
    let (_, v) = get(&server, &head, &format!("/api/v1/votes/{meeting_vote}")).await;
    assert_eq!(v["vote"]["outcome"], "no_quorum", "{v}");

    // One action sends the matter to household ballots; the roll is frozen.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/votes/{meeting_vote}/ballot"),
        json!({}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let contribution_ballot = b["id"].as_i64().unwrap();
    let (_, v) = get(
        &server,
        &head,
        &format!("/api/v1/votes/{contribution_ballot}"),
    )
    .await;
    assert_eq!(v["vote"]["from_vote_id"], meeting_vote);
    assert_eq!(v["vote"]["all_households"], households);
    // Online voting is not allowed for contributions: the resident is refused.
    let (s, b) = post(
        &server,
        &resident,
        &format!("/api/v1/votes/{contribution_ballot}/cast"),
        json!({"choice": "yes"}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_online_matter"), "{b}");

    // Online refused to elect a head, whatever the community chose.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/ballots"),
        json!({"title": "Bầu trưởng khu phố", "matter": "head_election", "online": true}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_online_election"), "{b}");

    // A ballot on another self-management matter, online chosen unanimously.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/ballots"),
        json!({"title": "Giờ đóng cổng hẻm", "matter": "other", "online": true}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (s, roll) = get(&server, &head, &format!("/api/v1/votes/{id}/roll")).await;
    assert_eq!(s, 200, "{roll}");
    let ids: Vec<i64> = roll["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["household_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len() as i64, households);
    // The resident is not a counting official.
    let (s, _) = get(&server, &resident, &format!("/api/v1/votes/{id}/roll")).await;
    assert_eq!(s, 403);

    // Online, by the household's account; a second vote is refused.
    let (s, b) = post(
        &server,
        &resident,
        &format!("/api/v1/votes/{id}/cast"),
        json!({"choice": "yes"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = post(
        &server,
        &resident,
        &format!("/api/v1/votes/{id}/cast"),
        json!({"choice": "no"}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_household_counted"), "{b}");
    let (_, mine) = get(&server, &resident, &format!("/api/v1/votes/{id}/mine")).await;
    assert_eq!(
        (mine["voted"].clone(), mine["choice"].clone()),
        (json!(true), json!("yes"))
    );

    // The naive count: every household's final choice, whatever its channel.
    let mut naive: Vec<(i64, &str)> = vec![(own_household, "yes")];
    let others: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|h| *h != own_household)
        .collect();
    // Door to door for the first other household; the same household again is refused.
    let (s, b) = post(
        &server,
        &deputy,
        &format!("/api/v1/votes/{id}/casts"),
        json!({"household_id": others[0], "choice": "no"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    naive.push((others[0], "no"));
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/casts"),
        json!({"household_id": own_household, "choice": "no"}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_household_counted"), "{b}");

    // Paper for the rest but one: a pattern of yes, yes, abstain, no, blank.
    let pattern = ["yes", "yes", "abstain", "no", ""];
    let paper: Vec<(i64, &str)> = others[1..]
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, pattern[i % pattern.len()]))
        .collect();
    naive.extend(paper.iter().filter(|(_, c)| !c.is_empty()).copied());
    let rows = |p: &[(i64, &str)]| json!({"rows": p.iter().map(|(h, c)| json!({"household_id": h, "choice": c})).collect::<Vec<_>>()});
    // A paper row for a household already counted online is refused, nothing saved.
    let mut with_own = paper.clone();
    with_own.push((own_household, "no"));
    let (s, b) = put(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/paper/1"),
        rows(&with_own),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_household_counted"), "{b}");
    let (s, b) = put(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/paper/1"),
        rows(&paper),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // The same person cannot make the second entry.
    let (s, b) = put(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/paper/2"),
        rows(&paper),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_paper_same_person"), "{b}");
    // One entry only: the result is blocked.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_paper_second_missing"), "{b}");
    // The second entry with one slip: a mismatch names the household and blocks the result.
    let mut slip = paper.clone();
    slip[0].1 = "no";
    let (s, b) = put(
        &server,
        &deputy,
        &format!("/api/v1/votes/{id}/paper/2"),
        rows(&slip),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, st) = get(&server, &head, &format!("/api/v1/votes/{id}/paper")).await;
    assert_eq!(st["blocks"], true, "{st}");
    assert_eq!(st["mismatches"][0]["household_id"], paper[0].0);
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_paper_mismatch"), "{b}");
    // Before closing, the public sees no counts.
    let (_, public) = server.get_json(&format!("/api/v1/votes/{id}")).await;
    assert_eq!(public["shown"], false, "{public}");
    assert_eq!(public["yes"], 0);
    // Corrected, the entries agree and the ballot closes.
    let (s, b) = put(
        &server,
        &deputy,
        &format!("/api/v1/votes/{id}/paper/2"),
        rows(&paper),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/close"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/votes/{id}/publish"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");

    // The published result equals the naive count, judged against the whole roll.
    let n = |c: &str| naive.iter().filter(|(_, x)| *x == c).count() as i64;
    let (s, r) = server.get_json(&format!("/api/v1/votes/{id}")).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["shown"], true);
    assert_eq!(r["yes"].as_i64().unwrap(), n("yes"), "{r}");
    assert_eq!(r["no"].as_i64().unwrap(), n("no"));
    assert_eq!(r["abstain"].as_i64().unwrap(), n("abstain"));
    assert_eq!(r["turnout"].as_i64().unwrap(), naive.len() as i64);
    let passed = n("yes") * 2 > households;
    assert_eq!(
        r["vote"]["outcome"],
        if passed { "passed" } else { "not_passed" }
    );
    assert_eq!(r["vote"]["status"], "published");
    // Per unit, without personal data; the units add up to the whole.
    let units = r["units"].as_array().unwrap();
    assert_eq!(
        units
            .iter()
            .map(|u| u["yes"].as_i64().unwrap())
            .sum::<i64>(),
        n("yes")
    );
    assert_eq!(
        units
            .iter()
            .map(|u| u["households"].as_i64().unwrap())
            .sum::<i64>(),
        households
    );
    let text = r.to_string();
    assert!(
        !text.contains("representative") && !text.contains("address"),
        "{text}"
    );
    // Stored: one row per household that voted, each with a channel.
    let casts = db
        .count(&format!(
            "SELECT COUNT(*) FROM vote_casts WHERE vote_id = {id}"
        ))
        .await;
    assert_eq!(casts, naive.len() as i64);
    let paper_casts = db
        .count(&format!(
            "SELECT COUNT(*) FROM vote_casts WHERE vote_id = {id} AND channel = 'paper'"
        ))
        .await;
    assert_eq!(
        paper_casts,
        paper.iter().filter(|(_, c)| !c.is_empty()).count() as i64
    );
    // Every change to the tally is logged; every change audited.
    let log = db
        .count(&format!(
            "SELECT COUNT(*) FROM vote_tally_log WHERE vote_id = {id}"
        ))
        .await;
    assert!(log >= 7, "{log} tally log rows");
    db.assert_audited(&[
        "vote.recorded",
        "vote.ballot_opened",
        "vote.cast",
        "vote.paper_entered",
        "vote.ballot_closed",
        "vote.published",
        "vote.roll_viewed",
    ])
    .await;
    // The audit log never says how a household voted.
    let leak = db
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'vote.cast' AND after_json LIKE '%choice%'")
        .await;
    assert_eq!(leak, 0);
    // Closed: no more votes.
    let (s, b) = post(
        &server,
        &deputy,
        &format!("/api/v1/votes/{id}/casts"),
        json!({"household_id": *others.last().unwrap(), "choice": "yes"}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_closed"), "{b}");
}

/// Sets the province's pass threshold (`matter_pass`) with `token`, from the date `from`.
async fn set_pass(server: &Server, token: &str, value: u32, from: &str) -> (u16, Value) {
    let body = json!({"key": "matter_pass", "value": value, "effective_from": from});
    post(server, token, "/api/v1/units/79/vote-thresholds", body).await
}

on_both_backends!(meeting_votes_secret_ballots_and_thresholds);
async fn meeting_votes_secret_ballots_and_thresholds(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let (_, v) = server.get_json(&format!("/api/v1/units/{KP}/votes")).await;
    let before = v["items"].as_array().map_or(0, |a| a.len());
    // A secret ballot needs a committee of 3 to 5; its counts are stored as totals only.
    let secret = |committee: Vec<&str>| {
        json!({"title": "Bầu tổ kiểm phiếu", "matter": "other", "mode": "secret",
               "present": 9, "yes": 5, "no": 3, "abstain": 1, "committee": committee})
    };
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        secret(vec!["An", "Bình"]),
    )
    .await;
    assert_eq!((s, code(&b)), (422, "vote_committee_size"), "{b}");
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/votes"),
        secret(vec!["An", "Bình", "Chi"]),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let sid = b["id"].as_i64().unwrap();
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM vote_casts WHERE vote_id = {sid}"
        ))
        .await,
        0
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM vote_roll WHERE vote_id = {sid}"
        ))
        .await,
        0
    );
    // More votes than present: refused, naming the field, nothing stored.
    let (s, b) = post(&server, &head, &format!("/api/v1/units/{KP}/votes"),
        json!({"title": "Sai", "matter": "other", "mode": "show_of_hands", "present": 2, "yes": 3, "no": 0})).await;
    assert_eq!(
        (s, code(&b), b["error"]["field"].as_str()),
        (422, "vote_count_over_present", Some("yes")),
        "{b}"
    );
    // A procedural vote counts those present.
    let (s, b) = post(&server, &head, &format!("/api/v1/units/{KP}/votes"),
        json!({"title": "Chọn thư ký", "matter": "other", "mode": "procedural", "present": 4, "yes": 3, "no": 1})).await;
    assert_eq!(s, 201, "{b}");
    let (_, v) = get(&server, &head, &format!("/api/v1/votes/{}", b["id"])).await;
    assert_eq!(v["vote"]["outcome"], "passed");
    let (_, v) = server.get_json(&format!("/api/v1/units/{KP}/votes")).await;
    assert_eq!(v["items"].as_array().unwrap().len(), before + 2);

    // Thresholds: the law's by default; a province official sets one from a date.
    let (s, t) = server.get_json("/api/v1/units/79/vote-thresholds").await;
    assert_eq!(s, 200, "{t}");
    let pass = |t: &Value| {
        t["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == "matter_pass")
            .unwrap()
            .clone()
    };
    assert_eq!(pass(&t)["value"], 50);
    assert!(pass(&t)["citation"].as_str().unwrap().contains("10/2022"));
    let official = db.user_with_token(
        "prov.votes",
        "province_official",
        Some("79"),
        "Votes-pass-42x",
    );
    let (s, b) = set_pass(&server, &head, 60, "2020-01-01").await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = set_pass(&server, &official, 100, "2020-01-01").await;
    assert_eq!(
        (s, code(&b), b["error"]["field"].as_str()),
        (422, "vote_setting_percent", Some("value")),
        "{b}"
    );
    let (s, b) = set_pass(&server, &official, 60, "2020-01-01").await;
    assert_eq!(s, 200, "{b}");
    // A value from a future date is not yet in force.
    let (s, _) = set_pass(&server, &official, 70, "2999-01-01").await;
    assert_eq!(s, 200);
    let (_, t) = server.get_json("/api/v1/units/79/vote-thresholds").await;
    assert_eq!(pass(&t)["value"], 60);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'vote.setting'")
            .await,
        2
    );
}

/// One request performing `action` on `target` (see `access::probe`).
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let admin = server.token.clone();
    let (s, b) = match action {
        Action::VoteSettingsManage => {
            post(server, token, &format!("/api/v1/units/{target}/vote-thresholds"),
                json!({"key": "year_end_notice_days", "value": 5 + (n % 5), "effective_from": "2020-01-01"})).await
        }
        Action::VoteManage => post(server, token, &format!("/api/v1/units/{target}/ballots"),
            json!({"title": format!("Phiếu {n}"), "matter": "other"})).await,
        Action::VoteCount => {
            let (s, b) = post(server, &admin, &format!("/api/v1/units/{target}/ballots"),
                json!({"title": format!("Kiểm {n}"), "matter": "other"})).await;
            assert_eq!(s, 201, "{b}");
            get(server, token, &format!("/api/v1/votes/{}/roll", b["id"])).await
        }
        other => panic!("not a vote action: {other:?}"),
    };
    (s, b.to_string())
}

/// A successful request for each of this area's state-changing routes.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    if path.ends_with("/paper/{entry}/sheet") && method == "POST" {
        return Some(crate::vote_extras::sheet_probe(server, path, rid, admin).await);
    }
    if tuquan_web::pages::votes::MUTATING.contains(&(method, path)) {
        return Some(page_audit_probe(server, db, path, rid, admin).await);
    }
    if !tuquan_web::api::votes::MUTATING.contains(&(method, path)) {
        return None;
    }
    let t = server.token.clone();
    let api = |m: reqwest::Method, p: String, body: Value| {
        crate::harness::audit_api(server, rid, m, &p, &body)
    };
    let ballot = |matter: &'static str, online: bool| {
        let t = t.clone();
        async move {
            let (s, b) = post(
                server,
                &t,
                &format!("/api/v1/units/{KP}/ballots"),
                json!({"title": "Kiểm toán", "matter": matter, "online": online}),
            )
            .await;
            assert_eq!(s, 201, "{b}");
            b["id"].as_i64().unwrap()
        }
    };
    let hid = |id: i64| async move {
        db.count(&format!(
            "SELECT MIN(household_id) FROM vote_roll WHERE vote_id = {id} AND household_id NOT IN \
             (SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id \
              WHERE u.username = 'dan.kp01')"
        ))
        .await
    };
    Some(match path {
        "/api/v1/units/{code}/vote-thresholds" => api(
            reqwest::Method::POST,
            "/api/v1/units/79/vote-thresholds".into(),
            json!({"key": "election_list_days", "value": 10, "effective_from": "2020-01-01"}),
        ),
        "/api/v1/units/{code}/votes" => api(
            reqwest::Method::POST,
            format!("/api/v1/units/{KP}/votes"),
            json!({"title": "Kiểm toán", "matter": "other", "mode": "show_of_hands", "present": 1, "yes": 1, "no": 0}),
        ),
        "/api/v1/units/{code}/ballots" => api(
            reqwest::Method::POST,
            format!("/api/v1/units/{KP}/ballots"),
            json!({"title": "Kiểm toán", "matter": "other"}),
        ),
        "/api/v1/votes/{id}/ballot" => {
            let (_, b) = post(server, &t, &format!("/api/v1/units/{KP}/votes"),
                json!({"title": "Thiếu", "matter": "other", "mode": "show_of_hands", "present": 1, "yes": 1, "no": 0})).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/votes/{}/ballot", b["id"]),
                json!({}),
            )
        }
        "/api/v1/votes/{id}/cast" => {
            let id = ballot("other", true).await;
            let own = demo_token(db, "dan.kp01");
            server
                .http
                .post(server.url(&format!("/api/v1/votes/{id}/cast")))
                .header("x-request-id", rid)
                .bearer_auth(own)
                .json(&json!({"choice": "yes"}))
        }
        "/api/v1/votes/{id}/casts" => {
            let id = ballot("other", false).await;
            let h = hid(id).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/votes/{id}/casts"),
                json!({"household_id": h, "choice": "no"}),
            )
        }
        "/api/v1/votes/{id}/paper/{entry}" => {
            let id = ballot("other", false).await;
            let h = hid(id).await;
            api(
                reqwest::Method::PUT,
                format!("/api/v1/votes/{id}/paper/1"),
                json!({"rows": [{"household_id": h, "choice": "abstain"}]}),
            )
        }
        "/api/v1/votes/{id}/close" => {
            let id = ballot("other", false).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/votes/{id}/close"),
                json!({}),
            )
        }
        "/api/v1/votes/{id}/publish" => {
            let (_, b) = post(server, &t, &format!("/api/v1/units/{KP}/votes"),
                json!({"title": "Công bố", "matter": "other", "mode": "procedural", "present": 1, "yes": 1, "no": 0})).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/votes/{}/publish", b["id"]),
                json!({}),
            )
        }
        "/api/v1/me/household-voters" => crate::vote_extras::voters_probe(server, db, rid).await,
        "/api/v1/votes/{id}/recognition" => {
            let id = crate::elections::elected_in_kp02(server, db, &t).await;
            api(
                reqwest::Method::POST,
                format!("/api/v1/votes/{id}/recognition"),
                json!({"decision_number": "1/QĐ-UBND", "decision_date": "2020-01-01"}),
            )
        }
        other => panic!("no audit probe for {other}"),
    })
}

/// Opens a ballot at the demo's khu phố with the admin's token; returns its id.
async fn a_ballot(server: &Server, online: bool) -> i64 {
    let (s, b) = post(
        server,
        &server.token,
        &format!("/api/v1/units/{KP}/ballots"),
        json!({"title": "Trang", "matter": "other", "online": online}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// A meeting vote at the demo's khu phố without a quorum; returns its id.
async fn a_meeting_vote(server: &Server) -> i64 {
    let (s, b) = post(
        server,
        &server.token,
        &format!("/api/v1/units/{KP}/votes"),
        json!({"title": "Trang", "matter": "other", "mode": "show_of_hands", "present": 1, "yes": 1, "no": 0}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

/// The pages' forms, posted with the admin's session (the demo resident's, to vote).
async fn page_audit_probe(
    server: &Server,
    db: &TestDb,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> reqwest::RequestBuilder {
    let form = |p: String, mut fields: Vec<(String, String)>| {
        fields.push(("csrf".into(), admin.1.clone()));
        admin
            .0
            .post(server.url(&p))
            .header("x-request-id", rid)
            .form(&fields)
    };
    let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    match path {
        "/territory/{code}/votes" => form(
            format!("/territory/{KP}/votes"),
            vec![
                f("title", "Trang"),
                f("matter", "other"),
                f("mode", "procedural"),
                f("present", "3"),
                f("yes", "2"),
                f("no", "1"),
            ],
        ),
        "/territory/{code}/ballots" => form(
            format!("/territory/{KP}/ballots"),
            vec![f("title", "Trang"), f("matter", "convention")],
        ),
        "/territory/{code}/vote-thresholds" => form(
            "/territory/79/vote-thresholds".into(),
            vec![
                f("key", "cluster_households"),
                f("value", "150"),
                f("effective_from", "2020-01-01"),
            ],
        ),
        "/votes/{id}/ballot" => {
            let id = a_meeting_vote(server).await;
            form(format!("/votes/{id}/ballot"), vec![])
        }
        "/votes/{id}/cast" => {
            let id = a_ballot(server, true).await;
            let (b, csrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
            b.post(server.url(&format!("/votes/{id}/cast")))
                .header("x-request-id", rid)
                .form(&[("csrf", csrf.as_str()), ("choice", "abstain")])
        }
        "/votes/{id}/paper/{entry}" => {
            let id = a_ballot(server, false).await;
            let h = db
                .count(&format!(
                    "SELECT MIN(household_id) FROM vote_roll WHERE vote_id = {id}"
                ))
                .await;
            form(
                format!("/votes/{id}/paper/1"),
                vec![f(&format!("h{h}"), "yes")],
            )
        }
        "/votes/{id}/close" => {
            let id = a_ballot(server, false).await;
            form(format!("/votes/{id}/close"), vec![])
        }
        "/votes/{id}/voters" => {
            let id = a_ballot(server, true).await;
            crate::vote_extras::voters_page_probe(server, db, id, rid).await
        }
        "/votes/{id}/door" => {
            let id = a_ballot(server, false).await;
            let h = db
                .count(&format!(
                    "SELECT MIN(household_id) FROM vote_roll WHERE vote_id = {id}"
                ))
                .await;
            form(
                format!("/votes/{id}/door"),
                vec![f("household", &h.to_string()), f("choice", "no")],
            )
        }
        "/votes/{id}/publish" => {
            let id = a_meeting_vote(server).await;
            form(format!("/votes/{id}/publish"), vec![])
        }
        other => panic!("no page audit probe for {other}"),
    }
}

on_both_backends!(vote_pages_work_without_javascript);
async fn vote_pages_work_without_javascript(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (head, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    // Every error at once, beside its field, values kept.
    let r = server
        .submit(
            &head,
            &csrf,
            &format!("/territory/{KP}/votes"),
            &[
                ("title", ""),
                ("matter", "other"),
                ("mode", "show_of_hands"),
                ("present", "abc"),
                ("yes", "-2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    for id in ["title-error", "present-error", "yes-error"] {
        assert!(html.contains(id), "{id} missing");
    }
    assert!(html.contains("value=\"abc\""), "the typed value is kept");
    // A rule refusal on the ballot form names the field in plain words.
    let r = server
        .submit(
            &head,
            &csrf,
            &format!("/territory/{KP}/ballots"),
            &[
                ("title", "Bầu trưởng"),
                ("matter", "head_election"),
                ("online", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Không được biểu quyết trực tuyến"));
    // A ballot from the page, then the paper entry form and the printable sheet.
    let r = server
        .submit(
            &head,
            &csrf,
            &format!("/territory/{KP}/ballots"),
            &[("title", "Giờ đóng cổng"), ("matter", "other")],
        )
        .await;
    let (to, html) = server.follow(&head, r).await;
    let id: i64 = to.trim_start_matches("/votes/").parse().unwrap();
    assert!(html.contains("Giờ đóng cổng") && html.contains(&format!("/votes/{id}/paper/1")));
    let html = server.html(&head, &format!("/votes/{id}/paper/1")).await;
    assert!(html.contains("<select id=\"h"), "one select per household");
    let pdf = head
        .get(server.url(&format!("/votes/{id}/sheet.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = crate::documents::pdf_text(&bytes);
    assert!(
        text.contains("PHIẾU LẤY Ý KIẾN") || text.contains("Phiếu lấy ý kiến"),
        "{text}"
    );
    assert!(text.contains("Giờ đóng cổng"), "{text}");
    // The thresholds page is public and cites the law.
    let (s, html) = server.get_text("/territory/79/vote-thresholds").await;
    assert_eq!(s, 200);
    assert!(html.contains("10/2022/QH15"));
}
