//! Groups: decisions before activity, eligibility with reasons, terms, pages, history,
//! service histories, coordination regulations, scope and audit.

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use crate::harness::{
    audit_api, audit_form, get_json, post_json, Server, TestDb, ADMIN_PASSWORD, ADMIN_USER,
};
use crate::on_both_backends;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// A resident of `unit` in a household of their own, made by the admin over the API.
async fn resident(server: &Server, unit: &str, name: &str, born: &str, since: Option<&str>) -> i64 {
    let household = json!({"address": "7 Đường Thử"});
    let member = json!({"full_name": name, "birth_date": born, "gender": "male",
                        "residence_type": "permanent", "residence_since": since});
    crate::harness::household_with(server, unit, household, member)
        .await
        .1
}

/// The multipart body of a decision (without the CSRF field).
fn decision_form(kind: &str, number: &str, scan: &'static [u8]) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .text("number", number.to_owned())
        .text("issued_on", "2025-08-20")
        .text("issuer", "UBND phường Bến Thành")
        .text("signer", "Nguyễn Văn Ký")
        .part(
            "scan",
            reqwest::multipart::Part::bytes(scan)
                .file_name("quyết định.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
}

async fn create_group(
    server: &Server,
    token: &str,
    unit: &str,
    kind: &str,
    name: &str,
) -> (u16, Value) {
    post_json(
        server,
        token,
        &format!("/api/v1/units/{unit}/groups"),
        json!({"kind": kind, "kind_label": "Câu lạc bộ", "name": name}),
    )
    .await
}

/// A group created and established by the admin; returns its id.
pub(crate) async fn active_group(server: &Server, unit: &str, kind: &str, name: &str) -> i64 {
    let (s, g) = create_group(server, &server.token, unit, kind, name).await;
    assert_eq!(s, 201, "{g}");
    let id = g["id"].as_i64().unwrap();
    let r = server
        .http
        .post(server.url(&format!("/api/v1/groups/{id}/decisions")))
        .bearer_auth(&server.token)
        .multipart(decision_form("establishment", "1/QĐ-UBND", PDF))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    id
}

/// Any active adult resident of the demo.
async fn some_resident(db: &TestDb) -> i64 {
    db.count("SELECT MIN(id) FROM residents WHERE status = 'active' AND birth_date < '1990-01-01'")
        .await
}

/// A residential unit inside `target` for regulations, created by the admin if needed.
async fn regulation_unit(server: &Server, target: &str) -> String {
    if target == "26743" {
        return "26743-kp01".into();
    }
    let r = server
        .http
        .post(server.url("/api/v1/units"))
        .bearer_auth(&server.token)
        .json(
            &json!({"parent_code": target, "local_code": "qc1", "name": "Tổ dân phố QC",
                      "kind": "to_dan_pho"}),
        )
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 201 | 409));
    format!("{target}-qc1")
}

/// One request performing a groups action on a group or regulation of unit `target`.
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let (status, body) = match action {
        Action::GroupView => {
            let (s, g) = create_group(
                server,
                &server.token,
                target,
                "to_hoa_giai",
                &format!("Tổ hòa giải {n}"),
            )
            .await;
            assert_eq!(s, 201, "{g}");
            get_json(server, token, &format!("/api/v1/groups/{}", g["id"])).await
        }
        Action::GroupManage => {
            create_group(
                server,
                token,
                target,
                "to_nhan_dan_tu_quan",
                &format!("Tổ nhân dân {n}"),
            )
            .await
        }
        Action::RegulationManage => {
            let unit = regulation_unit(server, target).await;
            post_json(
                server,
                token,
                &format!("/api/v1/units/{unit}/regulations"),
                json!({"signed_on": "2025-09-01", "unit_head_name": "Trưởng Thử",
                       "front_head_name": "Mặt Trận Thử"}),
            )
            .await
        }
        other => panic!("not a groups action: {other:?}"),
    };
    (status, body.to_string())
}

/// A successful request for one of this area's state-changing routes, sent with the request
/// id `rid`, for the audit-completeness test; `None` if the route is not this area's.
/// `admin` is a signed-in system administrator's browser and CSRF token.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let ours = tuquan_web::api::groups::MUTATING
        .iter()
        .chain(tuquan_web::pages::groups::MUTATING)
        .any(|r| *r == (method, path));
    if !ours {
        return None;
    }
    let api = |m: reqwest::Method, p: String, body: Value| audit_api(server, rid, m, &p, &body);
    let form = |p: String, fields| audit_form(server, admin, rid, &p, fields);
    let post = reqwest::Method::POST;
    let appointed = |gid: i64| async move {
        let person = some_resident(db).await;
        let (s, p) = post_json(
            server,
            &server.token,
            &format!("/api/v1/groups/{gid}/positions"),
            json!({"resident_id": person, "role": "member"}),
        )
        .await;
        assert_eq!(s, 201, "{p}");
        p["id"].as_i64().unwrap()
    };
    let signed = |unit: &'static str| async move {
        let (s, v) = post_json(
            server,
            &server.token,
            &format!("/api/v1/units/{unit}/regulations"),
            json!({"signed_on": "2025-01-01", "unit_head_name": "A", "front_head_name": "B"}),
        )
        .await;
        assert_eq!(s, 201, "{v}");
    };
    Some(match (method, path) {
        ("POST", "/api/v1/units/{code}/groups") => api(
            post,
            "/api/v1/units/26743/groups".into(),
            json!({"kind": "to_hoa_giai", "name": "Tổ hòa giải kiểm toán"}),
        ),
        ("POST", "/api/v1/units/{code}/leadership") => api(
            post,
            "/api/v1/units/26743-kp05/leadership".into(),
            json!({}),
        ),
        ("POST", "/api/v1/groups/{id}/decisions") => {
            let (_, g) =
                create_group(server, &server.token, "26743", "to_bao_ve_antt", "Tổ chờ").await;
            server
                .http
                .post(server.url(&format!("/api/v1/groups/{}/decisions", g["id"])))
                .header("x-request-id", rid)
                .bearer_auth(&server.token)
                .multipart(decision_form("establishment", "2/QĐ-UBND", PDF))
        }
        ("POST", "/api/v1/groups/{id}/positions") => {
            let gid = active_group(server, "26743", "other", "Câu lạc bộ A").await;
            let person = some_resident(db).await;
            api(
                post,
                format!("/api/v1/groups/{gid}/positions"),
                json!({"resident_id": person, "role": "member"}),
            )
        }
        ("POST", "/api/v1/groups/{id}/positions/{position_id}/end") => {
            let gid = active_group(server, "26743", "other", "Câu lạc bộ B").await;
            let pid = appointed(gid).await;
            api(
                post,
                format!("/api/v1/groups/{gid}/positions/{pid}/end"),
                json!({"reason": "resigned"}),
            )
        }
        ("POST", "/api/v1/units/{code}/regulations") => api(
            post,
            "/api/v1/units/26743-kp02/regulations".into(),
            json!({"signed_on": "2025-06-01", "unit_head_name": "A", "front_head_name": "B"}),
        ),
        ("POST", "/api/v1/units/{code}/regulations/reviews") => {
            signed("26743-kp03").await;
            api(
                post,
                "/api/v1/units/26743-kp03/regulations/reviews".into(),
                json!({"reviewed_on": "2025-12-01"}),
            )
        }
        ("PUT", "/api/v1/units/{code}/term-years") => api(
            reqwest::Method::PUT,
            "/api/v1/units/79/term-years".into(),
            json!({"years": "5"}),
        ),
        ("POST", "/territory/{code}/groups") => form(
            "/territory/26743/groups".into(),
            vec![
                ("kind", "to_nhan_dan_tu_quan".into()),
                ("name", "Tổ nhân dân số 1".into()),
                ("unit_codes", "26743-kp01".into()),
                ("unit_codes", "26743-kp02".into()),
            ],
        ),
        ("POST", "/territory/{code}/leadership") => {
            form("/territory/26743-kp06/leadership".into(), vec![])
        }
        ("POST", "/groups/{id}/decisions") => {
            let (_, g) = create_group(
                server,
                &server.token,
                "26743",
                "to_hoa_giai",
                "Tổ chờ trang",
            )
            .await;
            admin
                .0
                .post(server.url(&format!("/groups/{}/decisions", g["id"])))
                .header("x-request-id", rid)
                .multipart(
                    decision_form("establishment", "3/QĐ-UBND", PDF).text("csrf", admin.1.clone()),
                )
        }
        ("POST", "/groups/{id}/positions") => {
            let gid = active_group(server, "26743", "other", "Câu lạc bộ C").await;
            let person = some_resident(db).await;
            form(
                format!("/groups/{gid}/positions"),
                vec![
                    ("resident_id", person.to_string()),
                    ("role", "member".into()),
                ],
            )
        }
        ("POST", "/groups/{id}/positions/{position_id}/end") => {
            let gid = active_group(server, "26743", "other", "Câu lạc bộ D").await;
            let pid = appointed(gid).await;
            form(
                format!("/groups/{gid}/positions/{pid}/end"),
                vec![("reason", "moved_away".into())],
            )
        }
        ("POST", "/territory/{code}/regulation") => form(
            "/territory/26743-kp04/regulation".into(),
            vec![
                ("signed_on", "2025-03-01".into()),
                ("unit_head_name", "A".into()),
                ("front_head_name", "B".into()),
            ],
        ),
        ("POST", "/territory/{code}/regulation/review") => {
            signed("26743-kp07").await;
            form(
                "/territory/26743-kp07/regulation/review".into(),
                vec![("reviewed_on", "2025-12-02".into())],
            )
        }
        ("POST", "/territory/{code}/term-years") => form(
            "/territory/79/term-years".into(),
            vec![("years", "5".into())],
        ),
        _ => return None,
    })
}

on_both_backends!(groups_over_the_api);
async fn groups_over_the_api(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t = server.token.clone();
    // Ages and residence are counted on the start date: today.
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    let ago = |years: i64, days: i64| {
        today
            .checked_sub(jiff::Span::new().years(years))
            .unwrap()
            .checked_add(jiff::Span::new().days(days))
            .unwrap()
            .to_string()
    };
    let later = |months: i64| {
        today
            .checked_add(jiff::Span::new().months(months))
            .unwrap()
            .to_string()
    };
    let start = today.to_string();
    let adult = resident(
        &server,
        "26743-kp03",
        "Trần Văn Lớn",
        "1980-05-01",
        Some("2000-01-01"),
    )
    .await;
    let minor = resident(
        &server,
        "26743-kp03",
        "Trần Văn Nhỏ",
        &ago(18, 1),
        Some(&ago(10, 0)),
    )
    .await;
    let eighteen = resident(
        &server,
        "26743-kp03",
        "Trần Văn Đủ",
        &ago(18, 0),
        Some(&ago(10, 0)),
    )
    .await;
    let newcomer = resident(
        &server,
        "26743-kp03",
        "Lê Văn Mới",
        "1990-01-01",
        Some(&ago(1, 1)),
    )
    .await;
    let unknown = resident(&server, "26743-kp03", "Lê Văn Chưa", "1990-01-01", None).await;
    let old = resident(
        &server,
        "26743-kp03",
        "Lê Văn Già",
        &ago(71, 0),
        Some("1990-01-01"),
    )
    .await;
    let seventy = resident(
        &server,
        "26743-kp03",
        "Lê Văn Bảy Mươi",
        &ago(71, 1),
        Some("1990-01-01"),
    )
    .await;

    // A security team: pending until its decision.
    let (s, g) = post_json(&server, &t, "/api/v1/units/26743/groups",
        json!({"kind": "to_xung_kich", "name": "Tổ bảo vệ ANTT Khu phố 3", "unit_codes": ["26743-kp03"]})).await;
    assert_eq!(s, 201, "{g}");
    assert_eq!(g["kind"], "to_bao_ve_antt");
    assert_eq!(g["status"], "pending");
    assert_eq!(g["active"], false);
    let gid = g["id"].as_i64().unwrap();
    let appoint = |person: i64, role: &'static str, extra: Value| {
        let server = &server;
        let t = t.clone();
        async move {
            let mut body = json!({"resident_id": person, "role": role});
            if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
                b.extend(e);
            }
            post_json(server, &t, &format!("/api/v1/groups/{gid}/positions"), body).await
        }
    };
    let (s, e) = appoint(adult, "head", json!({})).await;
    assert_eq!(
        (s, e["error"]["reason"].as_str()),
        (422, Some("group_not_active")),
        "{e}"
    );
    // A covered unit outside the group's unit, and a scan that is not one, are refused.
    let (s, e) = post_json(
        &server,
        &t,
        "/api/v1/units/26743-kp01/groups",
        json!({"kind": "to_hoa_giai", "name": "X", "unit_codes": ["26743-kp02"]}),
    )
    .await;
    // A rule of the domain, not malformed input: 422 with its code (issue 10).
    assert_eq!(
        (s, e["error"]["field"].as_str(), e["error"]["code"].as_str()),
        (422, Some("unit_codes"), Some("covered_unit")),
        "{e}"
    );
    let r = server
        .http
        .post(server.url(&format!("/api/v1/groups/{gid}/decisions")))
        .bearer_auth(&t)
        .multipart(decision_form(
            "establishment",
            "125/QĐ-UBND",
            b"<html>not a scan</html>",
        ))
        .send()
        .await
        .unwrap();
    // A file is any bytes to the form; its content refused is a rule on `scan`.
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "scan");
    let r = server
        .http
        .post(server.url(&format!("/api/v1/groups/{gid}/decisions")))
        .bearer_auth(&t)
        .multipart(decision_form("dissolution", "125/QĐ-UBND", PDF))
        .send()
        .await
        .unwrap();
    // A forbidden transition is a rule violation: 422 (issue 10).
    assert_eq!(r.status(), 422, "a pending group cannot be dissolved");
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "decision_transition"
    );
    // The decision makes it active; its scan comes back as an attachment.
    let r = server
        .http
        .post(server.url(&format!("/api/v1/groups/{gid}/decisions")))
        .bearer_auth(&t)
        .multipart(decision_form("establishment", "125/QĐ-UBND", PDF))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let d: Value = r.json().await.unwrap();
    let scan_url = d["scan_url"].as_str().unwrap().to_owned();
    let r = server.get_with_token(&t, &scan_url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\""));
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let (_, g) = get_json(&server, &t, &format!("/api/v1/groups/{gid}")).await;
    assert_eq!(g["status"], "active");
    assert_eq!(g["active"], true);
    assert_eq!(g["established_on"], "2025-08-20");

    // Eligibility of security team members, each refusal with its reason.
    for (person, reason) in [
        (minor, "security_age"),
        (newcomer, "residence_under_1_year"),
        (unknown, "residence_unknown"),
        (old, "security_age"),
    ] {
        let (s, e) = appoint(person, "member", json!({})).await;
        assert_eq!(s, 422, "{e}");
        assert_eq!(e["error"]["reason"], reason, "{e}");
        assert_eq!(e["error"]["field"], "resident_id");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    // The term is computed from the province's setting (5 years by default).
    let (s, p) = appoint(adult, "head", json!({})).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["starts_on"], start.as_str());
    assert_eq!(p["ends_on"], later(60).as_str());
    let (s, p70) = appoint(seventy, "member", json!({})).await;
    assert_eq!(s, 201, "70 is still allowed: {p70}");
    let (s, e) = appoint(eighteen, "head", json!({})).await;
    assert_eq!(
        (s, e["error"]["reason"].as_str()),
        (422, Some("head_taken"))
    );
    let r = server
        .http
        .put(server.url("/api/v1/units/79/term-years"))
        .bearer_auth(&t)
        .json(&json!({"years": "2.5"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, p18) = appoint(eighteen, "member", json!({})).await;
    assert_eq!(s, 201, "{p18}");
    assert_eq!(p18["ends_on"], later(30).as_str(), "2.5 years");

    // A unit's head: 21 or over, living in the unit; acting for six months; the deputy's
    // term ends with the head's.
    let (s, lead) = post_json(
        &server,
        &t,
        "/api/v1/units/26743-kp03/leadership",
        json!({}),
    )
    .await;
    assert_eq!(s, 201, "{lead}");
    let lid = lead["id"].as_i64().unwrap();
    let (s, again) = post_json(
        &server,
        &t,
        "/api/v1/units/26743-kp03/leadership",
        json!({}),
    )
    .await;
    assert_eq!((s, again["id"].as_i64()), (200, Some(lid)));
    let twenty = resident(
        &server,
        "26743-kp03",
        "Phạm Văn Hai Mươi",
        &ago(21, 1),
        Some("2010-01-01"),
    )
    .await;
    let twenty_one = resident(
        &server,
        "26743-kp03",
        "Phạm Văn Đủ Tuổi",
        &ago(21, 0),
        Some("2010-01-01"),
    )
    .await;
    let elsewhere = resident(
        &server,
        "26743-kp04",
        "Phạm Văn Khác",
        "1970-01-01",
        Some("2000-01-01"),
    )
    .await;
    let lead_appoint = |person: i64, role: &'static str, acting: bool| {
        let server = &server;
        let t = t.clone();
        async move {
            post_json(
                server,
                &t,
                &format!("/api/v1/groups/{lid}/positions"),
                json!({"resident_id": person, "role": role, "acting": acting}),
            )
            .await
        }
    };
    let (s, e) = lead_appoint(adult, "deputy", false).await;
    assert_eq!(
        (s, e["error"]["reason"].as_str()),
        (422, Some("no_head")),
        "{e}"
    );
    let (s, e) = lead_appoint(twenty, "head", false).await;
    assert_eq!(
        (s, e["error"]["reason"].as_str()),
        (422, Some("head_under_21")),
        "{e}"
    );
    let (s, e) = lead_appoint(elsewhere, "head", false).await;
    assert_eq!(
        (s, e["error"]["reason"].as_str()),
        (422, Some("not_living_in_unit")),
        "{e}"
    );
    let (s, acting) = lead_appoint(twenty_one, "head", true).await;
    assert_eq!(s, 201, "{acting}");
    assert_eq!(
        acting["ends_on"],
        later(6).as_str(),
        "an acting head serves six months"
    );
    let (s, dep) = lead_appoint(adult, "deputy", false).await;
    assert_eq!(s, 201, "{dep}");
    assert_eq!(
        dep["ends_on"], acting["ends_on"],
        "the deputy's term ends with the head's"
    );
    let (s, e) = lead_appoint(old, "deputy", false).await;
    assert_eq!(
        (s, e["error"]["reason"].as_str()),
        (422, Some("deputy_taken")),
        "{e}"
    );

    // An acting head appointed seven months ago has expired: the seat is free again, and the
    // expired term is closed.
    let (s, l6) = post_json(
        &server,
        &t,
        "/api/v1/units/26743-kp06/leadership",
        json!({}),
    )
    .await;
    assert_eq!(s, 201, "{l6}");
    let l6 = l6["id"].as_i64().unwrap();
    let first = resident(
        &server,
        "26743-kp06",
        "Võ Văn Quyền",
        "1970-01-01",
        Some("2000-01-01"),
    )
    .await;
    let second = resident(
        &server,
        "26743-kp06",
        "Võ Văn Chính",
        "1971-01-01",
        Some("2000-01-01"),
    )
    .await;
    let seven_ago = today.checked_sub(jiff::Span::new().months(7)).unwrap();
    let (s, a) = post_json(&server, &t, &format!("/api/v1/groups/{l6}/positions"),
        json!({"resident_id": first, "role": "head", "acting": true, "starts_on": seven_ago.to_string()})).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["state"], "term_over");
    let (s, h) = post_json(
        &server,
        &t,
        &format!("/api/v1/groups/{l6}/positions"),
        json!({"resident_id": second, "role": "head"}),
    )
    .await;
    assert_eq!(s, 201, "{h}");
    let (_, g6) = get_json(&server, &t, &format!("/api/v1/groups/{l6}")).await;
    let old_acting = g6["positions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["resident_id"] == first)
        .unwrap();
    assert_eq!(old_acting["end_reason"], "term_ended");
    assert_eq!(old_acting["ended_on"], old_acting["ends_on"]);

    // Ending a position keeps the holder in the history and the service history.
    let pid = p18["id"].as_i64().unwrap();
    let (s, ended) = post_json(
        &server,
        &t,
        &format!("/api/v1/groups/{gid}/positions/{pid}/end"),
        json!({"reason": "resigned"}),
    )
    .await;
    assert_eq!(s, 200, "{ended}");
    assert_eq!(ended["state"], "ended");
    let (s, e) = post_json(
        &server,
        &t,
        &format!("/api/v1/groups/{gid}/positions/{pid}/end"),
        json!({"reason": "resigned"}),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    let (_, hist) = get_json(
        &server,
        &t,
        &format!("/api/v1/groups/{gid}/history?limit=2"),
    )
    .await;
    assert_eq!(hist["items"][0]["event"], "ended");
    let older = hist["next_cursor"].as_str().unwrap();
    let (_, hist2) = get_json(
        &server,
        &t,
        &format!("/api/v1/groups/{gid}/history?cursor={older}"),
    )
    .await;
    let events: Vec<&str> = hist2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["appointed", "appointed", "established", "created"]);
    let (_, service) = get_json(&server, &t, &format!("/api/v1/residents/{adult}/service")).await;
    let kinds: Vec<&str> = service["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["group_kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"to_bao_ve_antt") && kinds.contains(&"unit_leadership"),
        "{service}"
    );

    // Lists are paginated like the unit list.
    let (_, page1) = get_json(&server, &t, "/api/v1/units/26743/groups?limit=2").await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    let next = page1["next"].as_str().unwrap().to_owned();
    let (_, page2) = get_json(&server, &t, &next).await;
    assert_ne!(page1["items"][0]["id"], page2["items"][0]["id"]);
    let (_, only) = get_json(
        &server,
        &t,
        "/api/v1/units/26743-kp03/groups?kind=to_bao_ve_antt",
    )
    .await;
    assert_eq!(
        only["items"].as_array().unwrap().len(),
        1,
        "a group covering kp03 is listed there"
    );

    // Another commune's official sees nothing of it; this commune's official does.
    let other = db.user_with_token(
        "canbo.hoankiem",
        "commune_official",
        Some("00070"),
        "Other-pass-123",
    );
    assert_eq!(
        get_json(&server, &other, &format!("/api/v1/groups/{gid}"))
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(&server, &other, "/api/v1/units/26743/groups")
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(
            &server,
            &other,
            &format!("/api/v1/residents/{adult}/service")
        )
        .await
        .0,
        403
    );
    let r = server.get_with_token(&other, &scan_url).await;
    assert_eq!(r.status(), 403);
    let (s, _) = post_json(
        &server,
        &other,
        &format!("/api/v1/groups/{gid}/positions"),
        json!({"resident_id": eighteen, "role": "member"}),
    )
    .await;
    assert_eq!(s, 403);
    let (b, _) = server.sign_in("canbo.hoankiem", "Other-pass-123").await;
    let r = b
        .get(server.url(&format!("/groups/{gid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = b
        .get(server.url("/territory/26743/groups"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let own = db.user_with_token(
        "canbo.bt2",
        "commune_official",
        Some("26743"),
        "Own-pass-1234",
    );
    assert_eq!(
        get_json(&server, &own, &format!("/api/v1/groups/{gid}"))
            .await
            .0,
        200
    );
    // A unit head sees the commune's team that covers the unit, not others.
    let head = db.user_with_token(
        "truong.kp03",
        "unit_head",
        Some("26743-kp03"),
        "Head-pass-1234",
    );
    assert_eq!(
        get_json(&server, &head, &format!("/api/v1/groups/{gid}"))
            .await
            .0,
        200
    );
    let (s, _) = post_json(
        &server,
        &head,
        "/api/v1/units/26743-kp03/groups",
        json!({"kind": "to_hoa_giai", "name": "Không được"}),
    )
    .await;
    assert_eq!(s, 403);

    // Every change is in the audit log, under the group's unit.
    assert!(db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'group.appoint' AND unit_path = '79/26743'").await >= 2);
    db.assert_audited(&[
        "group.create",
        "group.decision",
        "group.position_end",
        "group.term_years",
    ])
    .await;
    // The OpenAPI document lists the operations.
    let (_, doc) = server.get_json("/api/openapi.json").await;
    for p in [
        "/api/v1/units/{code}/groups",
        "/api/v1/groups/{id}/decisions",
        "/api/v1/groups/{id}/positions",
        "/api/v1/units/{code}/regulations/due",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing from OpenAPI");
    }
}

on_both_backends!(group_pages_work_without_javascript);
async fn group_pages_work_without_javascript(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, csrf) = server.sign_in(ADMIN_USER, ADMIN_PASSWORD).await;
    let adult = resident(
        &server,
        "26743-kp02",
        "Khổng Văn Tổ",
        "1975-02-03",
        Some("2001-01-01"),
    )
    .await;
    let minor = resident(
        &server,
        "26743-kp02",
        "Khổng Văn Bé",
        "2015-02-03",
        Some("2015-02-03"),
    )
    .await;
    let html = server.html(&b, "/territory/26743/groups/new").await;
    assert!(
        html.contains("value=\"26743-kp02\""),
        "child units to choose from"
    );
    // A form error names the field and keeps the input.
    let r = server
        .submit(
            &b,
            &csrf,
            "/territory/26743/groups",
            &[("kind", "to_bao_ve_antt"), ("name", "")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("name"));
    let r = server
        .submit(
            &b,
            &csrf,
            "/territory/26743/groups",
            &[
                ("kind", "to_bao_ve_antt"),
                ("name", "Tổ bảo vệ <b>KP2</b>"),
                ("unit_codes", "26743-kp02"),
            ],
        )
        .await;
    let (to, html) = server.follow(&b, r).await;
    let gid: i64 = to
        .trim_start_matches("/groups/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        html.contains("id=\"pending\""),
        "not active before its decision"
    );
    assert!(
        html.contains("KP2") && !html.contains("<b>KP2</b>"),
        "escaped: {html}"
    );
    // The decision form is multipart, with the CSRF token; without it, refused.
    let r = server
        .post_multipart_form(
            &b,
            &format!("/groups/{gid}/decisions"),
            decision_form("establishment", "77/QĐ-UBND", PDF),
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = b
        .post(server.url(&format!("/groups/{gid}/decisions")))
        .multipart(
            decision_form("establishment", "77/QĐ-UBND", b"GIF89a").text("csrf", csrf.clone()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("PDF, JPEG"));
    let r = server
        .post_multipart_form(
            &b,
            &format!("/groups/{gid}/decisions"),
            decision_form("establishment", "77/QĐ-UBND", PDF).text("csrf", csrf.clone()),
        )
        .await;
    assert_eq!(r.status(), 303);
    // Appointing: search the unit's residents, refused with the reason, then accepted.
    let html = server
        .html(&b, &format!("/groups/{gid}/positions?q=khong+van"))
        .await;
    assert!(
        html.contains("Khổng Văn Tổ") && html.contains(&format!("value=\"{adult}\"")),
        "{html}"
    );
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/groups/{gid}/positions"),
            &[("resident_id", &minor.to_string()), ("role", "member")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("từ đủ 18 đến 70 tuổi"),
        "the reason is shown: {html}"
    );
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/groups/{gid}/positions"),
            &[("resident_id", &adult.to_string()), ("role", "head")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = server.html(&b, &format!("/groups/{gid}")).await;
    assert!(html.contains("77/QĐ-UBND"), "the decision");
    assert!(
        html.contains(&format!("/groups/{gid}/decisions/")),
        "its scan"
    );
    assert!(html.contains("Khổng Văn Tổ"), "the member");
    assert!(html.contains("nhận chức Trưởng"), "the history: {html}");
    let scan = html
        .split(&format!("/groups/{gid}/decisions/"))
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let r = b
        .get(server.url(&format!("/groups/{gid}/decisions/{scan}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    // Ending a position goes through a confirmation page.
    let pid = db
        .count(&format!(
            "SELECT MAX(id) FROM group_positions WHERE group_id = {gid}"
        ))
        .await;
    let r = b
        .get(server.url(&format!("/groups/{gid}/positions/{pid}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Khổng Văn Tổ"));
    let r = server
        .post_form(
            &b,
            &format!("/groups/{gid}/positions/{pid}/end"),
            &[("csrf", csrf.as_str()), ("reason", "resigned")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = server
        .html(&b, &format!("/residents/{adult}/service"))
        .await;
    assert!(
        html.contains("Tổ bảo vệ") && html.contains("xin thôi"),
        "{html}"
    );
    // Dissolving: the form says what it does; the group keeps its history.
    let r = b
        .get(server.url(&format!("/groups/{gid}/dissolve")))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Giải thể là bước cuối"));
    let r = server
        .post_multipart_form(
            &b,
            &format!("/groups/{gid}/decisions"),
            decision_form("dissolution", "99/QĐ-UBND", PDF).text("csrf", csrf.clone()),
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = server.html(&b, &format!("/groups/{gid}")).await;
    assert!(
        html.contains("Đã giải thể")
            && html.contains("99/QĐ-UBND")
            && html.contains("Khổng Văn Tổ")
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM group_positions WHERE group_id = {gid} AND ended_on IS NULL"
        ))
        .await,
        0
    );
    // The commune's page lists the demo's groups, in English too.
    let html = server.html(&b, "/territory/26743/groups").await;
    assert!(
        html.contains("Tổ hòa giải Khu phố 1") && html.contains("id=\"groups\""),
        "{html}"
    );
    b.get(server.url("/lang?to=en&next=/"))
        .send()
        .await
        .unwrap();
    let r = b
        .get(server.url("/territory/26743/groups"))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Groups and committees"));
    // The province's term, for its officials.
    let r = server
        .post_form(
            &b,
            "/territory/79/term-years",
            &[("csrf", csrf.as_str()), ("years", "3")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = server
        .post_form(
            &b,
            "/territory/79/term-years",
            &[("csrf", csrf.as_str()), ("years", "2.5")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        db.count("SELECT term_months FROM group_settings WHERE province_code = '79'")
            .await,
        30
    );
    let (c, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    assert_eq!(
        c.get(server.url("/territory/79/term-years"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

on_both_backends!(regulations_and_mediation_flags);
async fn regulations_and_mediation_flags(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t = server.token.clone();
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    let long_ago = today
        .checked_sub(jiff::Span::new().months(13))
        .unwrap()
        .to_string();
    let recent = today
        .checked_sub(jiff::Span::new().months(11))
        .unwrap()
        .to_string();
    // The demo's Khu phố 1 signed in August 2025; sign Khu phố 8 13 months ago, Khu phố 9
    // 11 months ago.
    let sign = |unit: &'static str, on: String| {
        let server = &server;
        let t = t.clone();
        async move {
            post_json(server, &t, &format!("/api/v1/units/{unit}/regulations"),
                json!({"signed_on": on, "unit_head_name": "Nguyễn Văn Trưởng", "front_head_name": "Lê Thị Mặt Trận"})).await
        }
    };
    assert_eq!(sign("26743-kp08", long_ago.clone()).await.0, 201);
    assert_eq!(sign("26743-kp09", recent).await.0, 201);
    let (_, due) = get_json(&server, &t, "/api/v1/units/26743/regulations/due").await;
    let codes: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["unit_code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"26743-kp08") && !codes.contains(&"26743-kp09"),
        "{due}"
    );
    let (_, d) = get_json(&server, &t, "/api/v1/units/26743-kp08/regulations").await;
    assert_eq!(d["review_due"], true);
    let (b, csrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let html = server.html(&b, "/territory/26743/groups").await;
    assert!(
        html.contains("id=\"due\"") && html.contains("/territory/26743-kp08/regulation"),
        "{html}"
    );
    // The parties default to today's holders; without holders they are required.
    let (s, e) = post_json(
        &server,
        &t,
        "/api/v1/units/26743-kp10/regulations",
        json!({"signed_on": recent_day(today)}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("unit_head_name")),
        "{e}"
    );
    let (_, kp01) = get_json(&server, &t, "/api/v1/units/26743-kp01/regulations").await;
    let head = kp01["current_unit_head"].as_str().unwrap().to_owned();
    let (s, v) = post_json(
        &server,
        &t,
        "/api/v1/units/26743-kp01/regulations",
        json!({"signed_on": recent_day(today)}),
    )
    .await;
    assert_eq!((s, v["version"].as_i64()), (201, Some(2)), "{v}");
    let (_, kp01) = get_json(&server, &t, "/api/v1/units/26743-kp01/regulations").await;
    assert_eq!(kp01["versions"][0]["unit_head_name"], head.as_str());
    assert_eq!(
        kp01["versions"].as_array().unwrap().len(),
        2,
        "old versions are kept"
    );
    assert_eq!(kp01["review_due"], false);
    // A yearly review clears the reminder, from the page (a unit head may do it).
    let r = server
        .submit(
            &b,
            &csrf,
            "/territory/26743-kp08/regulation/review",
            &[
                ("reviewed_on", &today.to_string()),
                ("note", "Không thay đổi"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, d) = get_json(&server, &t, "/api/v1/units/26743-kp08/regulations").await;
    assert_eq!(d["review_due"], false);
    let (hb, hcsrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let r = server
        .submit(
            &hb,
            &hcsrf,
            "/territory/26743-kp01/regulation/review",
            &[("reviewed_on", &today.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = server
        .submit(
            &hb,
            &hcsrf,
            "/territory/26743-kp02/regulation",
            &[
                ("signed_on", &today.to_string()),
                ("unit_head_name", "A"),
                ("front_head_name", "B"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403, "not their unit");

    // The demo's mediation team has three members; with two it is flagged.
    let (_, list) = get_json(
        &server,
        &t,
        "/api/v1/units/26743-kp01/groups?kind=to_hoa_giai",
    )
    .await;
    let team = &list["items"][0];
    assert_eq!(team["too_few_mediators"], false, "{list}");
    let mid = team["id"].as_i64().unwrap();
    let (_, g) = get_json(&server, &t, &format!("/api/v1/groups/{mid}")).await;
    let pid = g["positions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "member")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, _) = post_json(
        &server,
        &t,
        &format!("/api/v1/groups/{mid}/positions/{pid}/end"),
        json!({"reason": "moved_away"}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, g) = get_json(&server, &t, &format!("/api/v1/groups/{mid}")).await;
    assert_eq!(g["too_few_mediators"], true);
    let html = server.html(&b, &format!("/groups/{mid}")).await;
    assert!(html.contains("id=\"too-few\""), "{html}");
    assert!(db.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'regulation.%' AND unit_path LIKE '79/26743/%'").await >= 4);
}

/// A day in the last month, for signings that must not be due.
fn recent_day(today: jiff::civil::Date) -> String {
    today
        .checked_sub(jiff::Span::new().days(3))
        .unwrap()
        .to_string()
}
