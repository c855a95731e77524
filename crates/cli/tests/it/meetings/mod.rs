//! Meetings: from the invitation to locked minutes and a correction; the notice rule; the
//! attendance by short code, by household, by a proxy, searched without accents; the quorum;
//! the sign-in sheet and the minutes as PDF (text checked); permissions; audit rows; the
//! authorization matrix and audit probes.

use serde_json::json;
use tuquan_domain::access::Action;

use crate::harness::{
    demo_token, get_json as get, post_json as post, post_multipart, put_json as put, Server, TestDb,
};
use crate::on_both_backends;

mod browser;
mod invitation;
mod proxy;

const KP: &str = "26743-kp01";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

fn scan_form() -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "scan",
        reqwest::multipart::Part::bytes(PDF).file_name("bien-ban-da-ky.pdf"),
    )
}

fn today() -> jiff::civil::Date {
    tuquan_domain::time::vietnam_date(jiff::Timestamp::now())
}

fn in_days(n: i64) -> String {
    today()
        .checked_add(jiff::Span::new().days(n))
        .unwrap()
        .to_string()
}

/// Schedules a community meeting at `unit` on `date`; returns its id.
pub async fn schedule(server: &Server, token: &str, unit: &str, date: &str) -> i64 {
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/units/{unit}/meetings"),
        json!({"kind": "community", "title": "Họp dân khu phố tháng 12", "date": date,
               "time": "19:30", "place": "Nhà văn hóa khu phố 1", "chair": "Nguyễn Văn Bình",
               "secretary": "Đặng Thị Lan",
               "agenda": ["Thu quỹ vì người nghèo", "Vệ sinh môi trường"]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

fn pdf_text(bytes: &[u8]) -> String {
    crate::documents::pdf_to_text(bytes, &["-layout"])
}

/// A PDF fetched with the browser `b` (saved as `name` under `SCREENSHOTS_DIR` when that is
/// set, for the docs): its text.
async fn pdf_of(server: &Server, b: &reqwest::Client, path: &str, name: &str) -> String {
    let pdf = b.get(server.url(path)).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.unwrap();
    if let Ok(dir) = std::env::var("SCREENSHOTS_DIR") {
        std::fs::write(format!("{dir}/{name}"), &bytes).unwrap();
    }
    pdf_text(&bytes)
}

async fn audit_rows(db: &TestDb, action: &str, id: i64) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND target_id = '{id}'"
    ))
    .await
}

on_both_backends!(meeting_from_invitation_to_locked_minutes);
async fn meeting_from_invitation_to_locked_minutes(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let id = schedule(&server, &head, KP, &today().to_string()).await;
    assert_eq!(audit_rows(db, "meeting.create", id).await, 1);

    // The invitation went out through the announcements and links back to the meeting.
    let (s, m) = get(&server, &head, &format!("/api/v1/meetings/{id}")).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["meeting"]["status"], "planned");
    assert_eq!(m["agenda"][1], "Vệ sinh môi trường");
    let ann = m["meeting"]["announcement_id"]
        .as_i64()
        .expect("invitation sent");
    let (_, a) = get(&server, &head, &format!("/api/v1/announcements/{ann}")).await;
    assert_eq!(a["announcement"]["category"], "meeting_invitation");
    let body = a["announcement"]["body"].as_str().unwrap();
    assert!(body.contains(&format!("/meetings/{id}")), "{body}");
    assert!(body.contains("Thu quỹ vì người nghèo"), "{body}");

    // The unit's list shows it.
    let (_, list) = get(&server, &head, &format!("/api/v1/units/{KP}/meetings")).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id),
        "{list}"
    );

    // Attendance: the roll is frozen with every active household, each with a short code.
    let households = db
        .count(&format!(
            "SELECT COUNT(*) FROM households WHERE unit_code = '{KP}' AND status = 'active'"
        ))
        .await;
    let (s, att) = get(&server, &head, &format!("/api/v1/meetings/{id}/attendance")).await;
    assert_eq!(s, 200, "{att}");
    let rows = att["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len() as i64, households);
    assert_eq!(att["quorum"]["total"].as_i64().unwrap(), households);
    assert_eq!(att["quorum"]["present"], 0);
    assert_eq!(
        att["quorum"]["needed"].as_i64().unwrap(),
        households / 2 + 1
    );

    // One tap by code; one by household; a proxy needs a name; a code not on the roll.
    let code0 = rows[0]["code"].as_str().unwrap();
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"code": code0.to_lowercase()}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["present"], true);
    let hid1 = rows[1]["household_id"].as_i64().unwrap();
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"household_id": hid1, "kind": "proxy"}),
    )
    .await;
    // A name is needed only for a proxy: a rule between fields (422).
    assert_eq!(
        (s, r["error"]["code"].as_str(), r["error"]["field"].as_str()),
        (422, Some("required_here"), Some("name")),
        "{r}"
    );
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"household_id": hid1, "kind": "proxy", "name": "Lê Văn Ủy", "source": "paper"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["attendee_kind"], "proxy");
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"code": "000"}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (422, Some("meeting_not_on_roll")),
        "{r}"
    );
    assert_eq!(audit_rows(db, "meeting.attend", id).await, 2);

    // Search without accents finds the first household by its head's name.
    let name0 = rows[0]["name"].as_str().unwrap();
    let last = tuquan_domain::text::fold(name0.rsplit(' ').next().unwrap());
    let (_, found) = get(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance?q={last}"),
    )
    .await;
    assert!(
        found["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == name0),
        "{found}"
    );
    let (_, q) = get(&server, &head, &format!("/api/v1/meetings/{id}/attendance")).await;
    assert_eq!(q["quorum"]["present"], 2);

    // The sign-in sheet: one row per household in the roll's order, codes and names printed.
    let (b, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let text = pdf_of(
        &server,
        &b,
        &format!("/meetings/{id}/sign-in.pdf"),
        "sign-in.pdf",
    )
    .await;
    assert!(text.contains("DANH SÁCH"), "{text}");
    assert!(text.contains("Ký tên"), "{text}");
    assert!(text.contains(code0), "{text}");
    assert!(text.contains(name0), "{text}");
    let docx = b
        .get(server.url(&format!("/meetings/{id}/sign-in.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), 200);

    // Minutes wait for the meeting to be held.
    let minutes = json!({"opening": "Có mặt 2 hộ.", "discussion": ["Thống nhất mức 50.000 đ/hộ", "Tổng vệ sinh sáng Chủ nhật"],
        "resolutions": [{"text": "Thu quỹ 50.000 đ/hộ", "votes_for": 2, "votes_against": 0, "votes_abstain": 0}]});
    let (s, r) = put(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes"),
        minutes.clone(),
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (422, Some("meeting_not_held")),
        "{r}"
    );
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/hold"),
        json!({}),
    )
    .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("held")));
    let (s, r) = put(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes"),
        minutes.clone(),
    )
    .await;
    assert_eq!((s, r["version"].as_i64()), (200, Some(1)), "{r}");
    let (s, _) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes/finalise"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);
    // Locked: nothing changes.
    let (s, r) = put(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes"),
        json!({"opening": "Sửa lén"}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str(), r["error"]["field"].as_str()),
        (422, Some("minutes_locked"), Some("minutes")),
        "{r}"
    );
    let (_, v) = get(&server, &head, &format!("/api/v1/meetings/{id}/minutes")).await;
    assert_eq!(v["versions"][0]["opening"], "Có mặt 2 hộ.");
    assert_eq!(v["versions"][0]["status"], "final");

    // The minutes as a document.
    let text = pdf_of(
        &server,
        &b,
        &format!("/meetings/{id}/minutes.pdf"),
        "minutes.pdf",
    )
    .await;
    assert!(text.contains("BIÊN BẢN"), "{text}");
    assert!(text.contains("Thu quỹ 50.000 đ/hộ"), "{text}");
    assert!(text.contains("Vệ sinh môi trường"), "{text}");

    // A correction: a new version with its reason; the first stays readable and final.
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes/corrections"),
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (400, Some("reason")),
        "{r}"
    );
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes/corrections"),
        json!({"reason": "Ghi sai số hộ có mặt"}),
    )
    .await;
    assert_eq!((s, r["version"].as_i64()), (201, Some(2)), "{r}");
    let mut fixed = minutes.clone();
    fixed["opening"] = json!("Có mặt 3 hộ.");
    let (s, _) = put(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/minutes"),
        fixed,
    )
    .await;
    assert_eq!(s, 200);
    let (_, v) = get(&server, &head, &format!("/api/v1/meetings/{id}/minutes")).await;
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
    assert_eq!(v["versions"][0]["reason"], "Ghi sai số hộ có mặt");
    assert_eq!(v["versions"][0]["opening"], "Có mặt 3 hộ.");
    assert_eq!(v["versions"][1]["opening"], "Có mặt 2 hộ.");
    assert_eq!(v["versions"][1]["status"], "final");
    // The signed paper of version 2, fingerprinted: a text file is refused naming the field.
    let scan = format!("/api/v1/meetings/{id}/minutes/scan");
    let not_pdf = reqwest::multipart::Form::new().part(
        "scan",
        reqwest::multipart::Part::bytes(b"not a pdf".to_vec()).file_name("x.txt"),
    );
    let (s, _) = post_multipart(&server, &head, &scan, not_pdf).await;
    assert_eq!(s, 422);
    let (s, stored) = post_multipart(&server, &head, &scan, scan_form()).await;
    assert_eq!(s, 201);
    let sha = tuquan_domain::files::sha256_hex(PDF);
    assert_eq!(
        (stored["version"].as_i64(), stored["sha256"].as_str()),
        (Some(2), Some(sha.as_str()))
    );
    let (_, v) = get(&server, &head, &format!("/api/v1/meetings/{id}/minutes")).await;
    assert_eq!(v["versions"][0]["scan_sha256"], sha.as_str());
    let page = b
        .get(server.url(&format!("/meetings/{id}/minutes")))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains(&sha));
    assert_eq!(audit_rows(db, "minutes.scan", id).await, 1);
    let old = b
        .get(server.url(&format!("/meetings/{id}/minutes-v1.pdf")))
        .send()
        .await
        .unwrap();
    assert!(pdf_text(&old.bytes().await.unwrap()).contains("Có mặt 2 hộ."));
    for action in [
        "meeting.hold",
        "minutes.create",
        "minutes.finalise",
        "minutes.correct",
        "minutes.save",
    ] {
        assert!(audit_rows(db, action, id).await >= 1, "{action}");
    }

    // The pages render for the head.
    for path in [
        format!("/territory/{KP}/meetings"),
        format!("/meetings/{id}"),
        format!("/meetings/{id}/attendance?q={last}"),
        format!("/meetings/{id}/minutes"),
        format!("/meetings/{id}/minutes?version=1"),
        format!("/territory/{KP}/meetings/new"),
    ] {
        let r = b.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
}

on_both_backends!(notice_rules_and_permissions);
async fn notice_rules_and_permissions(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    // The year-end conference is announced at least 5 days ahead: 4 is refused, naming the date.
    let year_end = |date: String| {
        json!({"kind": "year_end_summary", "title": "Tổng kết năm",
        "date": date, "time": "08:00", "place": "Nhà văn hóa"})
    };
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/meetings"),
        year_end(in_days(4)),
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str(), r["error"]["field"].as_str()),
        (422, Some("meeting_notice_year_end"), Some("date")),
        "{r}"
    );
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/meetings"),
        year_end(in_days(5)),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    // A head election: the list 7 days ahead.
    let (s, r) = post(&server, &head, &format!("/api/v1/units/{KP}/meetings"),
        json!({"kind": "community", "title": "Bầu trưởng khu phố", "date": in_days(6), "time": "08:00",
               "place": "Nhà văn hóa", "elects_head": true})).await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (422, Some("date")),
        "{r}"
    );
    // Bad input: every field named (the API names the first).
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP}/meetings"),
        json!({"kind": "party", "title": "", "date": "31/02/2026", "time": "x", "place": ""}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["field"].as_str()),
        (400, Some("kind")),
        "{r}"
    );
    let before = db.count("SELECT COUNT(*) FROM meetings").await;
    // A resident, a group leader (for a unit meeting) and another unit's head are refused.
    let resident = demo_token(db, "dan.kp01");
    let (s, _) = get(&server, &resident, &format!("/api/v1/units/{KP}/meetings")).await;
    assert_eq!(s, 403);
    let leader = demo_token(db, "tonhandan.kp01");
    let (s, _) = post(
        &server,
        &leader,
        &format!("/api/v1/units/{KP}/meetings"),
        year_end(in_days(9)),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = post(
        &server,
        &head,
        "/api/v1/units/26743-kp02/meetings",
        year_end(in_days(9)),
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(db.count("SELECT COUNT(*) FROM meetings").await, before);
    // The schedule form shows the refusal beside the date field, values kept.
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let r = server
        .post_form(
            &b,
            &format!("/territory/{KP}/meetings"),
            &[
                ("csrf", csrf.as_str()),
                ("kind", "year_end_summary"),
                ("title", "Tổng kết"),
                ("date", &in_days(1)),
                ("time", "08:00"),
                ("place", "Sân bóng"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"date-error\""), "{html}");
    assert!(html.contains("Sân bóng"));
    // Cancelling needs a reason; a cancelled meeting takes no attendance.
    let id = schedule(&server, &head, KP, &in_days(2)).await;
    let (s, _) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/cancel"),
        json!({"reason": "Mưa bão"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, r) = post(
        &server,
        &head,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"code": "AAA"}),
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (422, Some("meeting_cancelled")),
        "{r}"
    );
}

/// One request performing a meetings action on commune `target` with `token` (see
/// `access::authorization_matrix_over_http`).
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let admin = server.token.clone();
    let date = in_days(10 + n as i64 % 300);
    let (s, b) =
        match action {
            Action::MeetingView => {
                get(server, token, &format!("/api/v1/units/{target}/meetings")).await
            }
            Action::MeetingManage => post(
                server,
                token,
                &format!("/api/v1/units/{target}/meetings"),
                json!({"kind": "other", "title": format!("Họp {n}"), "date": date, "time": "08:00",
                       "place": "Hội trường"}),
            )
            .await,
            Action::GroupMeetingManage => {
                let (s, g) = post(
                    server,
                    &admin,
                    &format!("/api/v1/units/{target}/groups"),
                    json!({"kind": "to_nhan_dan_tu_quan", "name": format!("Tổ họp {n}")}),
                )
                .await;
                assert_eq!(s, 201, "{g}");
                post(
                    server,
                    token,
                    &format!("/api/v1/units/{target}/meetings"),
                    json!({"kind": "group_periodic", "title": format!("Họp tổ {n}"), "date": date,
                       "time": "08:00", "place": "Nhà tổ trưởng", "group_id": g["id"]}),
                )
                .await
            }
            other => panic!("not a meetings action: {other:?}"),
        };
    (s, b.to_string())
}

/// A successful request for one of this area's state-changing routes (see
/// `access::every_mutating_route_writes_an_audit_row`).
pub async fn audit_probe(
    server: &Server,
    _db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let api = tuquan_web::api::meetings::MUTATING.contains(&(method, path));
    let page = tuquan_web::pages::meetings::MUTATING.contains(&(method, path));
    if !api && !page {
        return None;
    }
    let t = server.token.clone();
    let id = schedule(server, &t, KP, &today().to_string()).await;
    // A roll row's code, and a held meeting with minutes where the route needs them.
    let (_, att) = get(server, &t, &format!("/api/v1/meetings/{id}/attendance")).await;
    let code = att["rows"][0]["code"].as_str().unwrap_or("").to_owned();
    let needs_held = path.contains("minutes");
    if needs_held {
        post(
            server,
            &t,
            &format!("/api/v1/meetings/{id}/hold"),
            json!({}),
        )
        .await;
        if path.ends_with("finalise") || path.ends_with("corrections") {
            put(
                server,
                &t,
                &format!("/api/v1/meetings/{id}/minutes"),
                json!({"opening": "x"}),
            )
            .await;
            if path.ends_with("corrections") {
                post(
                    server,
                    &t,
                    &format!("/api/v1/meetings/{id}/minutes/finalise"),
                    json!({}),
                )
                .await;
            }
        }
    }
    if path.ends_with("/remove") {
        post(
            server,
            &t,
            &format!("/api/v1/meetings/{id}/attendance"),
            json!({"code": code}),
        )
        .await;
    }
    if path.ends_with("/invite") {
        // Only a meeting without an invitation takes one: unlink it by hand.
        _db.execute(&format!(
            "UPDATE meetings SET announcement_id = NULL WHERE id = {id}"
        ))
        .await;
    }
    let concrete = path.replace("{id}", &id.to_string()).replace(
        "{code}",
        if path.starts_with("/territory") {
            KP
        } else {
            &code
        },
    );
    if path.ends_with("/attendance/proxy") {
        return Some(
            server
                .http
                .post(server.url(&concrete))
                .header("x-request-id", rid)
                .bearer_auth(&t)
                .multipart(proxy::form(&code)),
        );
    }
    if path.ends_with("/scan") {
        put(
            server,
            &t,
            &format!("/api/v1/meetings/{id}/minutes"),
            json!({"opening": "x"}),
        )
        .await;
        return Some(if api {
            server
                .http
                .post(server.url(&concrete))
                .header("x-request-id", rid)
                .bearer_auth(&t)
                .multipart(scan_form())
        } else {
            admin
                .0
                .post(server.url(&concrete))
                .header("x-request-id", rid)
                .multipart(scan_form().text("csrf", admin.1.clone()))
        });
    }
    if api {
        let m = if method == "PUT" {
            reqwest::Method::PUT
        } else {
            reqwest::Method::POST
        };
        let body = match path {
            "/api/v1/units/{code}/meetings" => json!({"kind": "other", "title": "Kiểm toán",
                "date": in_days(3), "time": "08:00", "place": "Hội trường"}),
            p if p.ends_with("/cancel") || p.ends_with("/corrections") => json!({"reason": "Thử"}),
            p if p.ends_with("/attendance") => json!({"code": code}),
            "/api/v1/meetings/{id}/minutes" => json!({"opening": "Mở đầu"}),
            _ => json!({}),
        };
        let concrete = concrete.replace(&format!("/units/{code}/"), &format!("/units/{KP}/"));
        return Some(
            server
                .http
                .request(m, server.url(&concrete))
                .header("x-request-id", rid)
                .bearer_auth(&t)
                .json(&body),
        );
    }
    let mut form: Vec<(&str, String)> = vec![("csrf", admin.1.clone())];
    match path {
        "/territory/{code}/meetings" => form.extend([
            ("kind", "other".into()),
            ("title", "Kiểm toán".into()),
            ("date", in_days(3)),
            ("time", "08:00".into()),
            ("place", "Hội trường".into()),
        ]),
        p if p.ends_with("/cancel") || p.ends_with("/corrections") => {
            form.push(("reason", "Thử".into()))
        }
        p if p.ends_with("/attendance") => form.push(("code", code.clone())),
        "/meetings/{id}/minutes" => form.push(("opening", "Mở đầu".into())),
        _ => {}
    }
    Some(
        admin
            .0
            .post(server.url(&concrete))
            .header("x-request-id", rid)
            .form(&form),
    )
}

on_both_backends!(group_meetings_by_person_and_clusters);
async fn group_meetings_by_person_and_clusters(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t = server.token.clone();
    // A group with two members: its meeting's roll is its members, by person.
    let gid =
        crate::groups::active_group(&server, KP, "to_nhan_dan_tu_quan", "Tổ nhân dân số 7").await;
    let first = db.count(&format!(
        "SELECT MIN(r.id) FROM residents r WHERE r.unit_code = '{KP}' AND r.birth_date < '1990-01-01'")).await;
    let second = db.count(&format!(
        "SELECT MIN(r.id) FROM residents r WHERE r.unit_code = '{KP}' AND r.birth_date < '1990-01-01' AND r.id > {first}")).await;
    for (rid, role) in [(first, "head"), (second, "member")] {
        let (s, p) = post(
            &server,
            &t,
            &format!("/api/v1/groups/{gid}/positions"),
            json!({"resident_id": rid, "role": role}),
        )
        .await;
        assert_eq!(s, 201, "{p}");
    }
    let leader = demo_token(db, "tonhandan.kp01");
    let (s, m) = post(
        &server,
        &leader,
        &format!("/api/v1/units/{KP}/meetings"),
        json!({"kind": "group_periodic", "title": "Họp tổ tháng 12", "date": today().to_string(),
               "time": "08:00", "place": "Nhà tổ trưởng", "group_id": gid}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    invitation::group_members_only(db, &server, &leader, id).await;
    let (_, att) = get(
        &server,
        &leader,
        &format!("/api/v1/meetings/{id}/attendance"),
    )
    .await;
    assert_eq!(att["quorum"]["by_household"], false);
    assert_eq!(att["quorum"]["total"], 2, "{att}");
    let ids: Vec<i64> = att["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resident_id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&first) && ids.contains(&second), "{att}");
    let (s, r) = post(
        &server,
        &leader,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"resident_id": second}),
    )
    .await;
    assert_eq!((s, r["present"].as_bool()), (200, Some(true)), "{r}");
    // The group leader manages the group's meeting, not the unit's.
    let (s, _) = post(
        &server,
        &leader,
        &format!("/api/v1/meetings/{id}/hold"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200);

    // Clusters are for a unit of enough households (a setting, 200 by default): refused at
    // the demo's khu phố until the province lowers the threshold.
    let two_clusters = json!({"kind": "community", "title": "Họp theo cụm", "date": in_days(1),
        "time": "19:00", "place": "Hai điểm họp", "clusters": 2});
    let (s, b) = post(
        &server,
        &t,
        &format!("/api/v1/units/{KP}/meetings"),
        two_clusters.clone(),
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str(), b["error"]["field"].as_str()),
        (422, Some("meeting_clusters_small"), Some("clusters")),
        "{b}"
    );
    let (s, b) = post(
        &server,
        &t,
        "/api/v1/units/79/vote-thresholds",
        json!({"key": "cluster_households", "value": 2, "effective_from": "2020-01-01"}),
    )
    .await;
    assert!(s == 200 || s == 201, "{b}");
    // A meeting in two clusters: the households of both add up to the quorum.
    let (s, m) = post(
        &server,
        &t,
        &format!("/api/v1/units/{KP}/meetings"),
        json!({"kind": "community", "title": "Họp theo cụm", "date": in_days(1), "time": "19:00",
               "place": "Hai điểm họp", "clusters": 2}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    let (_, att) = get(&server, &t, &format!("/api/v1/meetings/{id}/attendance")).await;
    let rows = att["rows"].as_array().unwrap();
    for (i, r) in rows.iter().take(3).enumerate() {
        let (s, b) = post(
            &server,
            &t,
            &format!("/api/v1/meetings/{id}/attendance"),
            json!({"code": r["code"], "cluster": 1 + i % 2}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, b) = post(
        &server,
        &t,
        &format!("/api/v1/meetings/{id}/attendance"),
        json!({"code": rows[4]["code"], "cluster": 3}),
    )
    .await;
    // Beyond the meeting's clusters: a rule on a well-formed number (422).
    assert_eq!(
        (s, b["error"]["code"].as_str(), b["error"]["field"].as_str()),
        (422, Some("rule_refused"), Some("cluster")),
        "{b}"
    );
    let (_, att) = get(&server, &t, &format!("/api/v1/meetings/{id}/attendance")).await;
    assert_eq!(att["quorum"]["present"], 3);
    assert_eq!(att["quorum"]["clusters"], json!([[1, 2], [2, 1]]));
}
