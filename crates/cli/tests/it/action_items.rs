//! Action items ("rõ người, rõ việc"): the lifecycle over the API with its rules and audit
//! rows, permissions, an owner by post resolving to whoever holds it now, the overdue flag
//! sent once a day, the printable list, the pages without JavaScript, and the carry-over
//! into the next meeting; the matrix and audit probes.

use serde_json::{json, Value};
use tuquan_domain::access::Action;

use crate::harness::{
    demo_token, get_json as get, post_json as post, put_json as put, Backend, Server, TestDb,
};
use crate::on_both_backends;

const KP01: &str = "26743-kp01";

/// A resident of the unit (the first by id).
async fn resident_of(db: &TestDb, unit: &str) -> i64 {
    db.count(&format!(
        "SELECT MIN(id) FROM residents WHERE unit_code = '{unit}'"
    ))
    .await
}

async fn user_id(db: &TestDb, username: &str) -> i64 {
    db.count(&format!(
        "SELECT id FROM users WHERE username = '{username}'"
    ))
    .await
}

/// Records an item owned by the resident `owner`; returns its id.
async fn create(server: &Server, token: &str, unit: &str, body: Value) -> i64 {
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/units/{unit}/action-items"),
        body,
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

fn by_resident(title: &str, owner: i64, due: &str) -> Value {
    json!({"title": title, "owner_kind": "resident", "owner_resident_id": owner, "due_on": due,
           "resolution": "Nghị quyết số 3"})
}

async fn step(server: &Server, token: &str, id: i64, body: Value) -> (u16, Value) {
    post(
        server,
        token,
        &format!("/api/v1/action-items/{id}/progress"),
        body,
    )
    .await
}

on_both_backends!(lifecycle_rules_permissions_and_audit);
async fn lifecycle_rules_permissions_and_audit(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    seed(db).await;
    let head = demo_token(db, "totruong.kp01");
    let owner = resident_of(db, KP01).await;
    // Every wrong field at once is the form's business; the API names the first.
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items"),
        json!({"title": " ", "owner_kind": "resident", "due_on": "31/02/2026"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["error"]["field"], "title", "{b}");
    // A resident of another khu phố cannot own a task of this one.
    let elsewhere = resident_of(db, "26743-kp02").await;
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items"),
        by_resident("Việc lạc chỗ", elsewhere, "2030-01-01"),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("owner_resident_id")),
        "{b}"
    );
    let before = db.count("SELECT COUNT(*) FROM action_items").await;
    let id = create(
        &server,
        &head,
        KP01,
        by_resident("Sửa cống hẻm 7", owner, "2030-01-15"),
    )
    .await;
    assert_eq!(
        db.count("SELECT COUNT(*) FROM action_items").await,
        before + 1
    );
    let (s, d) = get(&server, &head, &format!("/api/v1/action-items/{id}")).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["item"]["status"], "open");
    assert_eq!(d["item"]["owner_resident_id"], owner);
    assert!(
        d["item"]["holder_name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "{d}"
    );
    // open → in progress → done, with notes.
    let (s, d) = step(
        &server,
        &head,
        id,
        json!({"status": "in_progress", "note": "Đã liên hệ"}),
    )
    .await;
    assert_eq!(
        (s, d["item"]["status"].as_str()),
        (200, Some("in_progress")),
        "{d}"
    );
    let (s, d) = step(&server, &head, id, json!({"note": "Đã mua vật tư"})).await;
    assert_eq!(
        (s, d["item"]["status"].as_str()),
        (200, Some("in_progress")),
        "{d}"
    );
    let (s, d) = step(&server, &head, id, json!({"status": "done"})).await;
    assert_eq!(
        (s, d["item"]["status"].as_str()),
        (200, Some("done")),
        "{d}"
    );
    assert!(d["item"]["done_on"].as_str().is_some(), "{d}");
    let history: Vec<&str> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["open", "in_progress", "in_progress", "done"]);
    // Refused steps change nothing, and say why.
    let (s, b) = step(&server, &head, id, json!({"status": "open"})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("action_item_transition")),
        "{b}"
    );
    let (s, b) = step(&server, &head, id, json!({"status": "in_progress"})).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("note")),
        "{b}"
    );
    let (s, b) = put(
        &server,
        &head,
        &format!("/api/v1/action-items/{id}"),
        by_resident("Sửa lại", owner, "2030-02-01"),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let (_, d) = get(&server, &head, &format!("/api/v1/action-items/{id}")).await;
    assert_eq!(
        (
            d["item"]["title"].as_str(),
            d["history"].as_array().unwrap().len()
        ),
        (Some("Sửa cống hẻm 7"), 4)
    );
    // Cancelling needs a reason; a cancelled item is final.
    let id2 = create(
        &server,
        &head,
        KP01,
        by_resident("Sơn lại cổng", owner, "2030-03-01"),
    )
    .await;
    let (s, b) = step(&server, &head, id2, json!({"status": "cancelled"})).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (422, Some("action_item_note_required")),
        "{b}"
    );
    let (s, _) = step(
        &server,
        &head,
        id2,
        json!({"status": "cancelled", "note": "Không còn cần"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = step(&server, &head, id2, json!({"status": "open"})).await;
    assert_eq!(s, 422);
    // Editing while owed.
    let id3 = create(
        &server,
        &head,
        KP01,
        by_resident("Treo băng rôn", owner, "2030-04-01"),
    )
    .await;
    let (s, d) = put(
        &server,
        &head,
        &format!("/api/v1/action-items/{id3}"),
        by_resident("Treo băng rôn Tết", owner, "2030-04-02"),
    )
    .await;
    assert_eq!(
        (s, d["item"]["due_on"].as_str()),
        (200, Some("2030-04-02")),
        "{d}"
    );
    // Audit rows for each change.
    for action in [
        "action_item.create",
        "action_item.status",
        "action_item.note",
        "action_item.edit",
    ] {
        assert!(
            db.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor_username = 'totruong.kp01'")).await >= 1,
            "{action}"
        );
    }
    // Permissions: a resident sees nothing; the head of Khu phố 1 nothing of Khu phố 2; a
    // group member records progress but does not cancel.
    let resident = demo_token(db, "dan.kp01");
    let (s, _) = get(
        &server,
        &resident,
        &format!("/api/v1/units/{KP01}/action-items"),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = get(&server, &head, "/api/v1/units/26743-kp02/action-items").await;
    assert_eq!(s, 403);
    let member = demo_token(db, "tovien.kp01");
    let (s, b) = step(&server, &member, id3, json!({"status": "in_progress"})).await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = step(
        &server,
        &member,
        id3,
        json!({"status": "cancelled", "note": "Thử"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = post(
        &server,
        &member,
        &format!("/api/v1/units/{KP01}/action-items"),
        by_resident("Không được", owner, "2030-01-01"),
    )
    .await;
    assert_eq!(s, 403);
    // The list: overdue first (the demo's), filters, and the ward's roll-up.
    let (s, l) = get(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items"),
    )
    .await;
    assert_eq!(s, 200, "{l}");
    let items = l["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .all(|i| matches!(i["status"].as_str(), Some("open" | "in_progress"))),
        "{l}"
    );
    let first_late = items
        .iter()
        .position(|i| i["overdue"] == true)
        .expect("the demo has overdue items");
    let last_late = items.iter().rposition(|i| i["overdue"] == true).unwrap();
    assert_eq!(
        first_late, 0,
        "an owner with something overdue comes first: {l}"
    );
    // Each owner's items are together.
    let keys: Vec<&str> = items
        .iter()
        .map(|i| i["owner_key"].as_str().unwrap())
        .collect();
    for (i, k) in keys.iter().enumerate() {
        if let Some(j) = keys[i + 1..].iter().position(|x| x == k) {
            assert!(
                keys[i + 1..i + 1 + j].iter().all(|x| x == k),
                "owners grouped: {keys:?}"
            );
        }
    }
    assert!(last_late < items.len());
    let (_, l) = get(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items?status=overdue"),
    )
    .await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["overdue"] == true),
        "{l}"
    );
    let (_, l) = get(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items?status=done"),
    )
    .await;
    assert!(
        l["items"].as_array().unwrap().iter().any(|i| i["id"] == id),
        "{l}"
    );
    let key = format!("r{owner}");
    let (_, l) = get(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items?status=all&owner={key}"),
    )
    .await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["owner_key"] == key.as_str()),
        "{l}"
    );
    assert!(l["items"].as_array().unwrap().len() >= 3, "{l}");
    let (s, _) = get(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items?owner=x'1"),
    )
    .await;
    assert_eq!(s, 400);
    let official = demo_token(db, "canbo.benthanh");
    let (s, r) = get(
        &server,
        &official,
        "/api/v1/units/26743/action-items/rollup",
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let kp01 = crate::harness::unit_row(&r, KP01);
    let naive = |cond: &str| {
        format!("SELECT COUNT(*) FROM action_items WHERE unit_code = '{KP01}' AND {cond}")
    };
    assert_eq!(
        kp01["pending"],
        db.count(&naive("status IN ('open', 'in_progress')")).await
    );
    assert_eq!(
        kp01["done_on_time"],
        db.count(&naive("status = 'done' AND done_on <= due_on"))
            .await
    );
    assert!(kp01["overdue"].as_i64().unwrap() >= 2, "{r}");
    assert!(
        r["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit_code"] == "26743-kp02"),
        "{r}"
    );
}

on_both_backends!(overdue_flagged_once_and_posts_follow_their_holder);
async fn overdue_flagged_once_and_posts_follow_their_holder(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    // An item owed by the account of the demo resident, due yesterday.
    let dan = user_id(db, "dan.kp01").await;
    let yesterday = jiff::Zoned::now()
        .with_time_zone(tuquan_domain::time::vietnam())
        .date()
        .yesterday()
        .unwrap()
        .to_string();
    let id = create(
        &server,
        &head,
        KP01,
        json!({"title": "Nộp danh sách hộ nghèo", "owner_kind": "account", "owner_user_id": dan,
               "due_on": yesterday}),
    )
    .await;
    let out = db.run_ok(&["action-items", "run-jobs"], "");
    let flagged: i64 = out.trim().trim_start_matches("flagged ").parse().unwrap();
    assert!(flagged >= 1, "{out}");
    let msgs =
        format!("SELECT COUNT(*) FROM outbox WHERE about_type = 'action_item' AND about_id = {id}");
    let n = db.count(&msgs).await;
    // The owner and the head of Khu phố 1 in the app, at least.
    let to = |u: i64| {
        format!("SELECT COUNT(*) FROM outbox WHERE about_type = 'action_item' AND about_id = {id} AND user_id = {u} AND channel = 'in_app'")
    };
    assert_eq!(db.count(&to(dan)).await, 1);
    assert_eq!(db.count(&to(user_id(db, "totruong.kp01").await)).await, 1);
    assert!(db.count(&format!("SELECT COUNT(*) FROM notifications WHERE user_id = {dan} AND kind = 'action_item.overdue'")).await >= 1);
    // A second pass the same day flags nothing and writes nothing.
    assert_eq!(
        db.run_ok(&["action-items", "run-jobs"], "").trim(),
        "flagged 0"
    );
    assert_eq!(db.count(&msgs).await, n);
    assert_eq!(db.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'action_item.flag_overdue' AND target_id = '{id}'")).await, 1);
    // The owner's start page says so.
    let (b, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let html = server.html(&b, "/start").await;
    assert!(html.contains("/action-items/mine"), "{html}");
    let html = server.html(&b, "/action-items/mine").await;
    assert!(html.contains("Nộp danh sách hộ nghèo"), "{html}");

    // An item owed by the mediation team's head follows the post.
    let group = db
        .count(&format!(
            "SELECT id FROM community_groups WHERE unit_code = '{KP01}' AND kind = 'to_hoa_giai'"
        ))
        .await;
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/units/{KP01}/action-items"),
        json!({"title": "Hòa giải lối đi chung", "owner_kind": "position", "owner_group_id": group,
               "owner_role": "member", "due_on": "2030-01-01"}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (400, Some("owner_role")),
        "{b}"
    );
    let id = create(
        &server,
        &head,
        KP01,
        json!({"title": "Hòa giải lối đi chung", "owner_kind": "position", "owner_group_id": group,
               "owner_role": "head", "due_on": "2030-01-01"}),
    )
    .await;
    let (_, d) = get(&server, &head, &format!("/api/v1/action-items/{id}")).await;
    let first = d["item"]["holder_name"].as_str().unwrap().to_owned();
    // The head's post ends and another resident takes it.
    let next = db
        .count(&format!("SELECT MIN(r.id) FROM residents r WHERE r.unit_code = '{KP01}' AND r.id NOT IN (SELECT resident_id FROM group_positions WHERE group_id = {group})"))
        .await;
    db.execute(&format!(
        "UPDATE group_positions SET ended_on = '2026-01-01', end_reason = 'resigned' WHERE group_id = {group} AND role = 'head' AND ended_on IS NULL;
         INSERT INTO group_positions (province_code, group_id, resident_id, role, acting, starts_on, ends_on, created_at, updated_at)
         VALUES ('79', {group}, {next}, 'head', FALSE, '2026-01-02', '2031-01-01', '2026-01-02T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z');"
    ))
    .await;
    let (_, d) = get(&server, &head, &format!("/api/v1/action-items/{id}")).await;
    let now = d["item"]["holder_name"].as_str().unwrap().to_owned();
    let expected: String = {
        let n = db
            .count(&format!("SELECT COUNT(*) FROM residents WHERE id = {next}"))
            .await;
        assert_eq!(n, 1);
        now.clone()
    };
    assert_ne!(first, now, "the new holder owes it");
    assert_eq!(d["item"]["owner_key"], format!("p{group}-head"));
    assert!(d["item"]["owner_label"]
        .as_str()
        .unwrap()
        .contains(&expected));
    // A vacant post says so.
    db.execute(&format!("UPDATE group_positions SET ended_on = '2026-02-01' WHERE group_id = {group} AND role = 'head' AND ended_on IS NULL")).await;
    let (_, d) = get(&server, &head, &format!("/api/v1/action-items/{id}")).await;
    assert!(d["item"]["holder_name"].is_null(), "{d}");
}

on_both_backends!(printable_list_and_pages_without_javascript);
async fn printable_list_and_pages_without_javascript(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    seed(db).await;
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    // The list, grouped by owner, overdue first.
    let (status, html) = server
        .page(&b, &format!("/territory/{KP01}/action-items"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"owner\""), "{html}");
    assert!(html.contains("Sửa đèn chiếu sáng hẻm 42"), "{html}");
    assert!(
        html.find("Quá hạn").unwrap() < html.find("Vận động các hộ").unwrap(),
        "overdue first"
    );
    // The PDF: Decree 30 heading, the items, the overdue ones marked.
    let r = b
        .get(server.url(&format!("/territory/{KP01}/action-items/file/list.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = crate::documents::pdf_text(&r.bytes().await.unwrap());
    // Table cells wrap: compare with the line breaks as spaces.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "DANH SÁCH",
        "Sửa đèn chiếu",
        "quá hạn",
        "Người phụ trách",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let r = b
        .get(server.url(&format!("/territory/{KP01}/action-items/file/list.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The new form: every wrong field at once, values kept, nothing written.
    let before = db.count("SELECT COUNT(*) FROM action_items").await;
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/territory/{KP01}/action-items"),
            &[
                ("title", ""),
                ("due_on", "32/13/2026"),
                ("owner_kind", ""),
                ("resolution", "NQ 7"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    for id in ["title-error", "due_on-error", "owner_kind-error"] {
        assert!(html.contains(id), "{id}: {html}");
    }
    assert!(html.contains("value=\"NQ 7\""), "values kept");
    assert!(html.contains("novalidate"));
    assert_eq!(db.count("SELECT COUNT(*) FROM action_items").await, before);
    // A good one, then its page.
    let owner = resident_of(db, KP01).await.to_string();
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/territory/{KP01}/action-items"),
            &[
                ("title", "Phát tờ rơi phòng cháy"),
                ("due_on", "20/12/2030"),
                ("owner_kind", "resident"),
                ("owner_resident_id", owner.as_str()),
            ],
        )
        .await;
    let (to, html) = server.follow(&b, r).await;
    assert!(to.starts_with("/action-items/"), "{to}");
    assert!(
        html.contains("Phát tờ rơi phòng cháy") && html.contains("Đã lưu"),
        "{html}"
    );
    let id = db.count("SELECT MAX(id) FROM action_items").await;
    // Cancelling asks for the confirmation box.
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/action-items/{id}/cancel"),
            &[("note", "Trùng việc")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("confirm-error"));
    let r = server
        .submit(
            &b,
            &csrf,
            &format!("/action-items/{id}/progress"),
            &[("status", "done"), ("note", "Đã phát 120 tờ")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = server.html(&b, &format!("/action-items/{id}")).await;
    assert!(
        html.contains("Đã phát 120 tờ") && html.contains("Đã hoàn thành"),
        "{html}"
    );
    // The ward's roll-up page.
    let (o, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let html = server
        .html(&o, "/territory/26743/action-items/rollup")
        .await;
    assert!(
        html.contains("id=\"rollup\"") && html.contains(KP01),
        "{html}"
    );
    // The head's start page counts what is overdue.
    let html = server.html(&b, "/start").await;
    assert!(
        html.contains(&format!("/territory/{KP01}/action-items?status=overdue")),
        "{html}"
    );
}

/// The demo's action items (the test harness runs the demo without its feedback part,
/// which seeds them).
async fn seed(db: &TestDb) {
    let app = tuquan_app::App::new(store(db).await);
    tuquan_app::action_items::seed_demo(&app, "26743")
        .await
        .unwrap();
}

async fn store(db: &TestDb) -> tuquan_store::Store {
    let url = match db.backend {
        Backend::Postgres => db.database_url().unwrap(),
        Backend::Sqlite => format!("sqlite://{}", db.data_dir().join("tuquan.db").display()),
    };
    tuquan_store::Store::connect(&url, &tuquan_store::ConnectOptions::default())
        .await
        .unwrap()
}

on_both_backends!(open_items_carried_into_the_next_meeting);
async fn open_items_carried_into_the_next_meeting(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    seed(db).await;
    let head = demo_token(db, "totruong.kp01");
    let owner = resident_of(db, KP01).await;
    let done = create(
        &server,
        &head,
        KP01,
        by_resident("Việc đã xong", owner, "2030-01-01"),
    )
    .await;
    step(&server, &head, done, json!({"status": "done"})).await;
    let pending = db.count(&format!("SELECT COUNT(*) FROM action_items WHERE unit_code = '{KP01}' AND status IN ('open', 'in_progress')")).await;
    assert!(pending >= 3);
    // The head schedules the next meeting through the use case; the hook carries the items.
    let app = tuquan_app::App::new(store(db).await);
    let who = tuquan_app::access::authenticated(
        &app,
        tuquan_domain::UserId(user_id(db, "totruong.kp01").await),
    )
    .await
    .unwrap()
    .unwrap();
    let ctx = app.ctx(
        Some(who),
        tuquan_app::RequestMeta {
            request_id: Some("carry".into()),
            ..Default::default()
        },
    );
    let date = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(10))
        .unwrap();
    let input = tuquan_domain::meetings::NewMeetingInput {
        kind: "community".into(),
        title: "Họp khu phố tháng tới".into(),
        date: date.to_string(),
        time: "19:00".into(),
        place: "Nhà văn hóa khu phố 1".into(),
        agenda: tuquan_domain::meetings::AgendaInput::List(vec!["Triển khai kế hoạch".into()]),
        ..Default::default()
    };
    let meeting = tuquan_app::meetings::create(&ctx, KP01, &input)
        .await
        .unwrap()
        .get();
    let agenda = format!("SELECT COUNT(*) FROM meeting_agenda WHERE meeting_id = {meeting}");
    assert_eq!(
        db.count(&agenda).await,
        1 + pending,
        "the given entry and each open item"
    );
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) FROM meeting_agenda WHERE meeting_id = {meeting} AND title LIKE 'Việc tồn:%'")).await,
        pending
    );
    assert_eq!(db.count(&format!("SELECT COUNT(*) FROM action_item_carries WHERE meeting_id = {meeting} AND item_id = {done}")).await, 0);
    // Again: nothing twice.
    let again = tuquan_app::action_items::carry_over(&ctx, KP01, tuquan_domain::MeetingId(meeting))
        .await
        .unwrap();
    assert_eq!(again.len() as i64, pending, "the entries are returned");
    assert_eq!(db.count(&agenda).await, 1 + pending);
    assert!(db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'action_item.carry_over' AND request_id = 'carry'").await >= 1);
    // An item set by this meeting, and the meeting's page of items.
    let id = create(
        &server,
        &head,
        KP01,
        json!({"title": "Lắp camera đầu hẻm", "owner_kind": "resident", "owner_resident_id": owner,
               "due_on": "2030-06-01", "meeting_id": meeting}),
    )
    .await;
    let (s, b) = post(&server, &head, &format!("/api/v1/units/{KP01}/action-items"),
        json!({"title": "X", "owner_kind": "resident", "owner_resident_id": owner, "due_on": "2030-06-01", "meeting_id": 999999})).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (422, Some("meeting_id")),
        "{b}"
    );
    let (h, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let html = server
        .html(&h, &format!("/meetings/{meeting}/action-items"))
        .await;
    assert!(
        html.contains("Lắp camera đầu hẻm") && html.contains(&format!("/action-items/{id}")),
        "{html}"
    );
    assert!(
        html.contains("Sửa đèn chiếu sáng hẻm 42"),
        "carried: {html}"
    );
}

/// One request performing `action` on `target` for the authorization matrix.
pub async fn matrix_probe(
    server: &Server,
    action: Action,
    target: &str,
    token: &str,
    n: usize,
) -> (u16, String) {
    let admin = server.token.clone();
    let (_, me) = get(server, &admin, "/api/v1/me").await;
    let body = json!({"title": format!("Việc {n}"), "owner_kind": "account",
                      "owner_user_id": me["id"], "due_on": "2030-01-01"});
    let (s, b) = match action {
        Action::ActionItemView => {
            get(
                server,
                token,
                &format!("/api/v1/units/{target}/action-items"),
            )
            .await
        }
        Action::ActionItemManage => {
            post(
                server,
                token,
                &format!("/api/v1/units/{target}/action-items"),
                body,
            )
            .await
        }
        Action::ActionItemProgress => {
            let id = create(server, &admin, target, body).await;
            step(server, token, id, json!({"status": "in_progress"})).await
        }
        other => panic!("not an action item action: {other:?}"),
    };
    (s, b.to_string())
}

/// The request of a mutating route of this area, for the audit probe.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let api = tuquan_web::api::action_items::MUTATING.contains(&(method, path));
    let page = tuquan_web::pages::action_items::MUTATING.contains(&(method, path));
    if !api && !page {
        return None;
    }
    let t = server.token.clone();
    let owner = resident_of(db, KP01).await;
    let id = create(
        server,
        &t,
        KP01,
        by_resident(&format!("Kiểm toán {rid}"), owner, "2030-01-01"),
    )
    .await;
    let item = json!({"title": "Kiểm toán", "owner_kind": "resident", "owner_resident_id": owner, "due_on": "2030-01-02"});
    let call = |m: reqwest::Method, p: String, body: Value| {
        crate::harness::audit_api(server, rid, m, &p, &body)
    };
    let form = |p: String, fields: Vec<(&'static str, String)>| {
        crate::harness::audit_form(server, admin, rid, &p, fields)
    };
    let o = owner.to_string();
    Some(match path {
        "/api/v1/units/{code}/action-items" => call(
            reqwest::Method::POST,
            format!("/api/v1/units/{KP01}/action-items"),
            item,
        ),
        "/api/v1/action-items/{id}" => call(
            reqwest::Method::PUT,
            format!("/api/v1/action-items/{id}"),
            item,
        ),
        "/api/v1/action-items/{id}/progress" => call(
            reqwest::Method::POST,
            format!("/api/v1/action-items/{id}/progress"),
            json!({"note": "Thử"}),
        ),
        "/territory/{code}/action-items" => form(
            format!("/territory/{KP01}/action-items"),
            vec![
                ("title", "Trang".into()),
                ("owner_kind", "resident".into()),
                ("owner_resident_id", o),
                ("due_on", "01/01/2030".into()),
            ],
        ),
        "/action-items/{id}/edit" => form(
            format!("/action-items/{id}/edit"),
            vec![
                ("title", "Trang sửa".into()),
                ("owner_kind", "resident".into()),
                ("owner_resident_id", o),
                ("due_on", "01/01/2030".into()),
            ],
        ),
        "/action-items/{id}/progress" => form(
            format!("/action-items/{id}/progress"),
            vec![("status", "in_progress".into())],
        ),
        "/action-items/{id}/cancel" => form(
            format!("/action-items/{id}/cancel"),
            vec![("note", "Thử".into()), ("confirm", "1".into())],
        ),
        other => panic!("no audit probe for {other}"),
    })
}
