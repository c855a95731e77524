//! The staff side of resident feedback in HTML: the inbox (filters, counts, deadline badges,
//! pagination, bulk acknowledgement — also through the API), an item's page with the step
//! form, who may see what, the commune's settings and the national calendar, and the
//! notifications page. On the demo data (`--demo`).

use serde_json::{json, Value};

use crate::harness::{audit_form, csrf_in, form, page, post_json as api_post, Server, TestDb};
use crate::on_both_backends;

const DEMO_PASSWORD: &str = "tuquan-demo";

/// Anonymous feedback about `unit` with a contact; returns its tracking code.
async fn send(server: &Server, unit: &str, category: &str, description: &str) -> String {
    crate::harness::submit_feedback(
        server,
        json!({
            "category": category, "description": description, "unit_code": unit,
            "address": "27 Lê Thánh Tôn", "contact_name": "Trần Thị Gửi",
            "contact_phone": "0909876543", "contact_email": "gui@example.vn"}),
    )
    .await
}

async fn status_of(db: &TestDb, code: &str) -> String {
    for s in [
        "new",
        "acknowledged",
        "in_progress",
        "resolved",
        "rejected",
        "duplicate",
        "referred",
    ] {
        let n = db
            .count(&format!(
                "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND status = '{s}'"
            ))
            .await;
        if n == 1 {
            return s.to_owned();
        }
    }
    panic!("{code} not found");
}

async fn events_of(db: &TestDb, code: &str) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) FROM feedback_events e JOIN feedback f ON f.id = e.feedback_id \
         WHERE f.tracking_code = '{code}'"
    ))
    .await
}

/// The inbox's cards, in order.
fn codes_in(html: &str) -> Vec<String> {
    html.split("<a href=\"/feedback/inbox/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

on_both_backends!(inbox_filters_counts_and_bulk_acknowledgement);
async fn inbox_filters_counts_and_bulk_acknowledgement(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let t1 = send(&server, "26743-kp01", "traffic", "Đèn tín hiệu hỏng").await;
    let t2 = send(&server, "26743-kp01", "traffic", "Ổ gà giữa đường").await;
    let t3 = send(&server, "26743-kp01", "traffic", "Xe đậu chắn lối").await;
    let env = send(&server, "26743-kp01", "environment", "Rác tồn đọng").await;
    let other = send(&server, "26743-kp02", "traffic", "Ở khu phố 2").await;

    let (head, csrf) = server.sign_in("totruong.kp01", DEMO_PASSWORD).await;
    let (s, html) = page(&head, &server, "/feedback/inbox").await;
    assert_eq!(s, 200);
    let codes = codes_in(&html);
    for c in [&t1, &t2, &t3, &env] {
        assert!(codes.contains(c), "{c} in the inbox");
    }
    assert!(!codes.contains(&other), "another unit's item is not listed");
    assert!(
        html.contains("<strong>4</strong> Mới"),
        "count of new items"
    );
    assert!(html.contains("<strong>0</strong> Đã tiếp nhận"));
    // Deadline badges say it in words, not only in colour.
    assert!(html.contains("fbs-badge fbs-ok") || html.contains("fbs-badge fbs-soon"));
    assert!(html.contains("hạn tiếp nhận"));
    assert!(
        html.contains("href=\"/feedback/inbox\">Hộp phản ánh</a>"),
        "nav link"
    );

    // Filters: category, state, unit, overdue, assigned to me.
    let (_, html) = page(&head, &server, "/feedback/inbox?category=environment").await;
    assert_eq!(codes_in(&html), vec![env.clone()]);
    assert!(
        html.contains("<strong>1</strong> Mới"),
        "counts follow the filters"
    );
    let (_, html) = page(&head, &server, "/feedback/inbox?status=acknowledged").await;
    assert!(codes_in(&html).is_empty());
    let (_, html) = page(&head, &server, "/feedback/inbox?mine=true").await;
    assert!(codes_in(&html).is_empty());
    let (s, _) = page(&head, &server, "/feedback/inbox?unit=26743-kp02").await;
    assert_eq!(s, 403, "a unit outside the user's grants");
    let (s, html) = page(&head, &server, "/feedback/inbox?status=nope").await;
    assert_eq!(s, 400);
    assert!(
        html.contains("“Trạng thái”"),
        "the error names the field: {html}"
    );
    assert!(
        html.contains("href=\"#status\"") && html.contains("id=\"status-error\""),
        "beside the filter, linked from the summary"
    );
    // An item whose acknowledgement deadline has passed.
    db.count(&format!(
        "UPDATE feedback SET ack_due_at = '2020-01-01T00:00:00.000000Z' \
         WHERE tracking_code = '{t3}' RETURNING id"
    ))
    .await;
    let (_, html) = page(&head, &server, "/feedback/inbox?overdue=true").await;
    assert_eq!(codes_in(&html), vec![t3.clone()]);
    assert!(html.contains("fbs-badge fbs-late"));
    assert!(html.contains("Quá hạn · hạn tiếp nhận"));

    // Bulk acknowledgement through the form: one of three is no longer new.
    let api_head = db.user_with_token(
        "truong.api",
        "unit_head",
        Some("26743-kp01"),
        "head-pass-123",
    );
    let (s, b) = api_post(
        &server,
        &api_head,
        &format!("/api/v1/feedback/{t2}/steps"),
        json!({"action": "acknowledge"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let t2_events = events_of(db, &t2).await;
    let (s, _, html) = form(
        &head,
        &server,
        "/feedback/inbox/acknowledge",
        &[
            ("csrf", &csrf),
            ("code", &t1),
            ("code", &t2),
            ("code", &t3),
            ("back", "/feedback/inbox?category=traffic"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("Đã tiếp nhận 2 trên 3"),
        "partial report: {html}"
    );
    let failed = html.split("id=\"failed\"").nth(1).unwrap();
    assert!(failed.contains(&t2) && failed.contains("không còn ở trạng thái Mới"));
    assert!(!failed.contains(&t1));
    assert!(html.contains("href=\"/feedback/inbox?category=traffic\""));
    assert_eq!(status_of(db, &t1).await, "acknowledged");
    assert_eq!(status_of(db, &t3).await, "acknowledged");
    assert_eq!(status_of(db, &t2).await, "acknowledged");
    assert_eq!(
        events_of(db, &t2).await,
        t2_events,
        "nothing written for the refused one"
    );
    // Nothing chosen: a clear message, nothing changed.
    let (s, _, html) = form(
        &head,
        &server,
        "/feedback/inbox/acknowledge",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("Chưa chọn phản ánh nào"));
    // Without the form's token: refused.
    let (s, _, _) = form(
        &head,
        &server,
        "/feedback/inbox/acknowledge",
        &[("code", &env)],
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(status_of(db, &env).await, "new");

    // The same through the API: acknowledged, not new, unknown and another unit's.
    let (s, b) = api_post(
        &server,
        &api_head,
        "/api/v1/feedback-inbox/acknowledge",
        json!({"codes": [env, t1, "PA-22222222", other]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["acknowledged"], json!([env]));
    let failed = b["failed"].as_array().unwrap();
    let why = |code: &str| {
        failed
            .iter()
            .find(|f| f["tracking_code"] == code)
            .map(|f| f["error"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(why(&t1)["field"], "status");
    assert_eq!(why("PA-22222222")["code"], "not_found");
    assert_eq!(why(&other)["code"], "forbidden");
    assert_eq!(status_of(db, &other).await, "new");
    let (s, b) = api_post(
        &server,
        &api_head,
        "/api/v1/feedback-inbox/acknowledge",
        json!({"codes": []}),
    )
    .await;
    assert_eq!((s, b["error"]["field"].as_str()), (400, Some("codes")));
    // Every acknowledgement is audited.
    assert!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.transition' \
             AND after_json LIKE '%acknowledge%'"
        )
        .await
            >= 4
    );
    let (_, html) = page(&head, &server, "/feedback/inbox").await;
    assert!(html.contains("<strong>4</strong> Đã tiếp nhận"), "{html}");
    assert!(html.contains("<strong>0</strong> Mới"));
}

on_both_backends!(an_item_page_steps_and_who_may_see_it);
async fn an_item_page_steps_and_who_may_see_it(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let code = send(&server, "26743-kp01", "infrastructure", "Cột điện nghiêng").await;
    let other = send(
        &server,
        "26743-kp01",
        "infrastructure",
        "Cột điện nghiêng nữa",
    )
    .await;
    let (head, csrf) = server.sign_in("totruong.kp01", DEMO_PASSWORD).await;
    let item = format!("/feedback/inbox/{code}");
    let (s, html) = page(&head, &server, &item).await;
    assert_eq!(s, 200);
    // Contact and address, for staff of the unit; the read is audited.
    for seen in [
        "Trần Thị Gửi",
        "0909876543",
        "gui@example.vn",
        "27 Lê Thánh Tôn",
    ] {
        assert!(html.contains(seen), "{seen}");
    }
    assert!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.viewed'")
            .await
            >= 1
    );
    // The assignable people hold a grant on the unit (or above) and handle feedback; the step
    // form shows them once "assign" is chosen.
    let (_, html) = page(&head, &server, &format!("{item}?action=assign")).await;
    assert!(html.contains("topho.kp01") && html.contains("canbo.benthanh"));
    assert!(!html.contains("dan.kp01") && !html.contains("mattran.kp01"));

    // Reject without a reason: the field is named, nothing changes.
    let steps = format!("/feedback/inbox/{code}/steps");
    let before = events_of(db, &code).await;
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[("csrf", &csrf), ("action", "reject"), ("public_note", " ")],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("class=\"field-error\" id=\"public_note-error\""));
    assert!(html.contains("Ghi chú công khai"));
    assert_eq!(status_of(db, &code).await, "new");
    assert_eq!(events_of(db, &code).await, before);
    // Other refusals name their fields too.
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "duplicate"),
            ("duplicate_of", "PA-22222222"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("id=\"duplicate_of-error\""));
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[("csrf", &csrf), ("action", "resolve")],
    )
    .await;
    assert_eq!(
        s, 422,
        "resolve before acknowledging (a rule of the workflow)"
    );
    assert!(html.contains("id=\"action-error\""));
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[("csrf", &csrf), ("action", "refer")],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("id=\"referred_to-error\""));
    assert_eq!(events_of(db, &code).await, before);

    // Acknowledge, assign, then resolve with a public answer and an internal note.
    let (s, location, _) = form(
        &head,
        &server,
        &steps,
        &[("csrf", &csrf), ("action", "acknowledge")],
    )
    .await;
    assert_eq!(
        (s, location.as_str()),
        (303, format!("{item}?done=acknowledge#done").as_str())
    );
    let deputy = db
        .count("SELECT id FROM users WHERE username = 'topho.kp01'")
        .await;
    let deputy_id = deputy.to_string();
    let (s, _, _) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "assign"),
            ("assignee_id", &deputy_id),
        ],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND assignee_id = {deputy}"
        ))
        .await,
        1
    );
    let resident = db
        .count("SELECT id FROM users WHERE username = 'dan.kp01'")
        .await
        .to_string();
    let (s, _, html) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "assign"),
            ("assignee_id", &resident),
        ],
    )
    .await;
    assert_eq!(s, 400, "a resident cannot be assigned");
    assert!(html.contains("id=\"assignee_id-error\""));
    let (s, _, _) = form(
        &head,
        &server,
        &steps,
        &[
            ("csrf", &csrf),
            ("action", "resolve"),
            ("public_note", "Điện lực đã dựng lại cột ngày 20/11."),
            ("internal_note", "Liên hệ anh Tâm, đội quản lý lưới điện"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(status_of(db, &code).await, "resolved");
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' \
             AND public_answer = 'Điện lực đã dựng lại cột ngày 20/11.'"
        ))
        .await,
        1
    );
    let (_, html) = page(&head, &server, &format!("{item}?done=resolve")).await;
    assert!(html.contains("Đã ghi nhận bước"));
    let history = html.split("id=\"history\"").nth(1).unwrap();
    assert!(
        history.contains("Liên hệ anh Tâm"),
        "internal notes in the staff history"
    );
    assert!(history.contains("Điện lực đã dựng lại cột"));
    // The public never sees the internal note.
    let (_, public) = server.get_json(&format!("/api/v1/feedback/{code}")).await;
    assert_eq!(
        public["public_answer"],
        "Điện lực đã dựng lại cột ngày 20/11."
    );
    assert!(!public.to_string().contains("anh Tâm"));
    // A duplicate points to its original by tracking code.
    let (s, _, _) = form(
        &head,
        &server,
        &format!("/feedback/inbox/{other}/steps"),
        &[
            ("csrf", &csrf),
            ("action", "duplicate"),
            ("duplicate_of", &code),
        ],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(status_of(db, &other).await, "duplicate");

    // Who may not: a resident, the front committee (no feedback handling), and the head of
    // another unit.
    for user in ["dan.kp01", "mattran.kp01"] {
        let (b, _) = server.sign_in(user, DEMO_PASSWORD).await;
        assert_eq!(page(&b, &server, "/feedback/inbox").await.0, 403, "{user}");
        let (s, html) = page(&b, &server, &item).await;
        assert_eq!(s, 403, "{user}");
        assert!(!html.contains("0909876543"));
        let (_, nav) = page(&b, &server, "/").await;
        assert!(
            !nav.contains("href=\"/feedback/inbox\""),
            "no inbox link for {user}"
        );
    }
    let token = db.user_with_token(
        "truong.kp02",
        "unit_head",
        Some("26743-kp02"),
        "head-two-pass-1",
    );
    let (b, c) = server.sign_in("truong.kp02", "head-two-pass-1").await;
    let (s, html) = page(&b, &server, &item).await;
    assert_eq!(s, 403);
    assert!(!html.contains("Trần Thị Gửi"));
    let (_, html) = page(&b, &server, "/feedback/inbox").await;
    assert!(!html.contains(&code), "not in another unit's inbox");
    let (s, _, _) = form(
        &b,
        &server,
        &format!("/feedback/inbox/{other}/steps"),
        &[("csrf", &c), ("action", "note"), ("internal_note", "x")],
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = api_post(
        &server,
        &token,
        &format!("/api/v1/feedback/{code}/steps"),
        json!({"action": "note", "internal_note": "x"}),
    )
    .await;
    assert_eq!(s, 403);
    // Not signed in: to the sign-in page.
    let r = server.get(&item).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

on_both_backends!(settings_pages_change_categories_routes_and_holidays);
async fn settings_pages_change_categories_routes_and_holidays(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (official, csrf) = server.sign_in("canbo.benthanh", DEMO_PASSWORD).await;
    let r = official
        .get(server.url("/feedback/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/feedback/settings/26743");
    let (s, html) = page(&official, &server, "/feedback/settings/26743").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"cat-traffic\"") && html.contains("id=\"route-all\""));

    // A new category: bad deadlines are refused naming the field, nothing stored.
    let cats = "/feedback/settings/26743/categories";
    let noise = |ack: &'static str, resolve: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("new", "1".to_owned()),
            ("code", "tieng_on".to_owned()),
            ("name_vi", "Tiếng ồn".to_owned()),
            ("name_en", "Noise".to_owned()),
            ("ack_hours", ack.to_owned()),
            ("resolve_hours", resolve.to_owned()),
            ("allow_anonymous", "on".to_owned()),
            ("active", "on".to_owned()),
        ]
    };
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let official = official.clone();
        let url = server.url(path);
        async move {
            let r = official.post(url).form(&fields).send().await.unwrap();
            let s = r.status().as_u16();
            (s, r.text().await.unwrap())
        }
    };
    let (s, html) = post(cats, noise("8", "4")).await;
    assert_eq!(s, 400);
    assert!(
        html.contains("Hạn giải quyết không được ngắn hơn"),
        "names the field"
    );
    let (s, html) = post(cats, noise("", "40")).await;
    assert_eq!(s, 400);
    assert!(html.contains("“Hạn tiếp nhận (giờ làm việc)”"));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM feedback_categories WHERE commune_code = '26743'")
            .await,
        0
    );
    let (s, _) = post(cats, noise("4", "16")).await;
    assert_eq!(s, 303);
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM feedback_categories WHERE commune_code = '26743' \
             AND code = 'tieng_on' AND ack_minutes = 240 AND resolve_minutes = 960"
        )
        .await,
        1
    );
    let (s, html) = post(cats, noise("4", "16")).await;
    assert_eq!(s, 400, "the code exists now");
    assert!(html.contains("Đã có lĩnh vực với mã này"));
    // Retiming a default category and hiding another.
    let (s, _) = post(
        cats,
        vec![
            ("csrf", csrf.clone()),
            ("code", "traffic".into()),
            ("name_vi", "Giao thông".into()),
            ("name_en", "Traffic".into()),
            ("ack_hours", "4".into()),
            ("resolve_hours", "24".into()),
            ("allow_anonymous", "on".into()),
            ("active", "on".into()),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let (s, _) = post(
        cats,
        vec![
            ("csrf", csrf.clone()),
            ("code", "administrative".into()),
            ("name_vi", "Thủ tục hành chính".into()),
            ("ack_hours", "8".into()),
            ("resolve_hours", "40".into()),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let r = server
        .http
        .post(server.url("/api/v1/feedback"))
        .json(
            &json!({"category": "administrative", "description": "Hỏi thủ tục",
            "unit_code": "26743-kp01", "contact_phone": "0909123456"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a hidden category takes no new feedback");
    let (_, html) = page(&official, &server, "/feedback/settings/26743").await;
    let admin_block = html.split("id=\"cat-administrative\"").nth(1).unwrap();
    assert!(admin_block
        .split("</form>")
        .next()
        .unwrap()
        .contains("Đang ẩn"));

    // Routing: the new category to the commune police.
    let routes = "/feedback/settings/26743/routes";
    let (s, html) = post(
        routes,
        vec![
            ("csrf", csrf.clone()),
            ("category", "tieng_on".into()),
            ("level", "district".into()),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("“Cấp xử lý”"));
    let (s, _) = post(
        routes,
        vec![
            ("csrf", csrf.clone()),
            ("category", "tieng_on".into()),
            ("level", "commune".into()),
            ("role", "commune_police".into()),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let code = send(&server, "26743-kp03", "tieng_on", "Karaoke đến 1 giờ sáng").await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' \
             AND level = 'commune' AND role = 'commune_police'"
        ))
        .await,
        1
    );
    for action in ["feedback.category_set", "feedback.route_set"] {
        assert!(
            db.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' \
                 AND actor_username = 'canbo.benthanh'"
            ))
            .await
                >= 1,
            "{action} audited"
        );
    }

    // The calendar is national: a commune official reads it but does not change it.
    let (s, html) = page(&official, &server, "/feedback/calendar").await;
    assert_eq!(s, 200);
    assert!(html.contains("Quốc khánh"));
    let (s, _) = post(
        "/feedback/calendar",
        vec![
            ("csrf", csrf.clone()),
            ("day", "2026-12-24".into()),
            ("kind", "holiday".into()),
            ("name", "Thử".into()),
        ],
    )
    .await;
    assert_eq!(s, 403);
    let (admin, acsrf) = server
        .sign_in(crate::harness::ADMIN_USER, crate::harness::ADMIN_PASSWORD)
        .await;
    let (s, _, html) = form(
        &admin,
        &server,
        "/feedback/calendar",
        &[
            ("csrf", &acsrf),
            ("day", "2026-12-26"),
            ("kind", "holiday"),
            ("name", "Thứ Bảy"),
        ],
    )
    .await;
    assert_eq!(s, 400, "a holiday on a Saturday changes nothing");
    assert!(html.contains("Ngày nghỉ lễ phải là ngày thường"));
    let (s, _, html) = form(
        &admin,
        &server,
        "/feedback/calendar",
        &[
            ("csrf", &acsrf),
            ("day", "31/02/2026"),
            ("kind", "holiday"),
            ("name", "x"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("“Ngày”"));
    assert!(
        html.contains("value=\"31/02/2026\""),
        "the day typed is kept"
    );
    // Every wrong field at once, each beside its control and in the summary.
    let (s, _, html) = form(
        &admin,
        &server,
        "/feedback/calendar",
        &[("csrf", &acsrf), ("day", ""), ("kind", ""), ("name", " ")],
    )
    .await;
    assert_eq!(s, 400);
    for id in ["day", "kind", "name"] {
        assert!(html.contains(&format!("href=\"#{id}\"")), "{id}: {html}");
        assert!(html.contains(&format!("id=\"{id}-error\"")), "{id}");
    }
    let (s, location, _) = form(
        &admin,
        &server,
        "/feedback/calendar",
        &[
            ("csrf", &acsrf),
            ("day", "24/12/2026"),
            ("kind", "holiday"),
            ("name", "Nghỉ bù"),
        ],
    )
    .await;
    assert_eq!(
        (s, location.as_str()),
        (303, "/feedback/calendar?done=added")
    );
    let (s, _, _) = form(
        &admin,
        &server,
        "/feedback/calendar",
        &[
            ("csrf", &acsrf),
            ("day", "2026-12-26"),
            ("kind", "workday"),
            ("name", "Làm bù"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM work_calendar WHERE day IN ('2026-12-24', '2026-12-26')")
            .await,
        2
    );
    // Removing asks first.
    let (s, html) = page(&admin, &server, "/feedback/calendar/2026-12-24/remove").await;
    assert_eq!(s, 200);
    assert!(html.contains("24/12/2026") && html.contains("Nghỉ bù"));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM work_calendar WHERE day = '2026-12-24'")
            .await,
        1,
        "not removed before confirming"
    );
    let c = csrf_in(&html);
    let (s, _, _) = form(
        &admin,
        &server,
        "/feedback/calendar/2026-12-24/remove",
        &[("csrf", &c)],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM work_calendar WHERE day = '2026-12-24'")
            .await,
        0
    );
    assert_eq!(
        page(&admin, &server, "/feedback/calendar/2026-12-24/remove")
            .await
            .0,
        404
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.calendar_set'")
            .await,
        3
    );

    // Those without the right see none of it.
    for user in ["totruong.kp01", "dan.kp01"] {
        let (b, _) = server.sign_in(user, DEMO_PASSWORD).await;
        assert_eq!(page(&b, &server, "/feedback/settings/26743").await.0, 403);
        assert_eq!(page(&b, &server, "/feedback/calendar").await.0, 403);
    }
}

on_both_backends!(notifications_page_lists_pages_and_marks_read);
async fn notifications_page_lists_pages_and_marks_read(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // A signed-in resident sends feedback; the unit head is told, and the resident hears
    // back on each public step.
    let resident = db.user_with_token("dan.api", "resident", Some("26743-kp01"), "resident-pass-1");
    let (s, b) = api_post(
        &server,
        &resident,
        "/api/v1/feedback",
        json!({"category": "environment", "description": "Cống bốc mùi", "unit_code": "26743-kp01"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let mine = b["tracking_code"].as_str().unwrap().to_owned();
    let mut codes = vec![mine.clone()];
    for i in 0..50 {
        codes.push(
            send(
                &server,
                "26743-kp01",
                "traffic",
                &format!("Phản ánh số {i}"),
            )
            .await,
        );
    }
    let head_id = db
        .count("SELECT id FROM users WHERE username = 'totruong.kp01'")
        .await;
    let unread = |id: i64| {
        let q =
            format!("SELECT COUNT(*) FROM notifications WHERE user_id = {id} AND read_at IS NULL");
        async move { db.count(&q).await }
    };
    assert_eq!(unread(head_id).await, 51);

    let (head, csrf) = server.sign_in("totruong.kp01", DEMO_PASSWORD).await;
    let (_, html) = page(&head, &server, "/").await;
    assert!(
        html.contains("id=\"nav-notifications\">Thông báo <span class=\"fbs-count\">51"),
        "unread count in the nav"
    );
    let (s, html) = page(&head, &server, "/notifications").await;
    assert_eq!(s, 200);
    assert!(html.contains("Chưa đọc: 51"));
    assert_eq!(
        html.matches("class=\"fbs-unread\"").count(),
        50,
        "50 a page"
    );
    let newest = codes.last().unwrap();
    let first = html.find(newest.as_str()).unwrap();
    assert!(
        first < html.find(&codes[codes.len() - 2]).unwrap(),
        "newest first"
    );
    assert!(html.contains(&format!("href=\"/feedback/inbox/{newest}\"")));
    assert!(html.contains(&format!("Phản ánh mới {newest} cần tiếp nhận.")));
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next page")
        .replace("&amp;", "&");
    let (_, html) = page(&head, &server, &next).await;
    assert_eq!(html.matches("class=\"fbs-unread\"").count(), 1);
    assert!(html.contains(&mine));

    // The inbox pages the same way.
    let (_, html) = page(&head, &server, "/feedback/inbox").await;
    assert_eq!(codes_in(&html).len(), 50);
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next inbox page")
        .replace("&amp;", "&");
    let (_, html) = page(&head, &server, &next).await;
    assert_eq!(codes_in(&html), vec![mine.clone()]);

    // Mark all read: audited, nothing unread after.
    let (s, location, _) = form(&head, &server, "/notifications/read", &[("csrf", &csrf)]).await;
    assert_eq!((s, location.as_str()), (303, "/notifications?done=read"));
    assert_eq!(unread(head_id).await, 0);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'notification.read_all' \
             AND target_id = '{head_id}'"
        ))
        .await,
        1
    );
    let (_, html) = page(&head, &server, "/notifications?done=read").await;
    assert!(html.contains("Chưa đọc: 0") && !html.contains("class=\"fbs-unread\""));
    assert!(
        !html.contains("action=\"/notifications/read\""),
        "nothing left to mark"
    );
    assert!(!html.contains("class=\"fbs-count\""));
    let (s, _, _) = form(&head, &server, "/notifications/read", &[]).await;
    assert_eq!(s, 403, "the form's token is required");

    // The sender's notification links to the public page of their feedback.
    let (s, b) = api_post(
        &server,
        &db.user_with_token("truong.n", "unit_head", Some("26743-kp01"), "head-pass-456"),
        &format!("/api/v1/feedback/{mine}/steps"),
        json!({"action": "acknowledge"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (b, _) = server.sign_in("dan.api", "resident-pass-1").await;
    let (_, html) = page(&b, &server, "/notifications").await;
    assert!(
        html.contains(&format!("href=\"/feedback/{mine}\"")),
        "{html}"
    );
    assert!(html.contains("fbs-unread"));
    assert!(
        !html.contains("href=\"/feedback/inbox\""),
        "no inbox link for a resident"
    );
    // Others' notifications are not shown.
    assert!(!html.contains(newest.as_str()));
    // Not signed in: to the sign-in page.
    assert_eq!(server.get("/notifications").await.status(), 303);
}

/// Requests for this module's state-changing routes (and the API's bulk acknowledgement),
/// for the audit test.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let ours = tuquan_web::pages::feedback_staff::MUTATING.contains(&(method, path))
        || (method, path) == ("POST", "/api/v1/feedback-inbox/acknowledge");
    if !ours {
        return None;
    }
    let _ = db;
    let post_form = |p: String, fields| audit_form(server, admin, rid, &p, fields);
    Some(match path {
        "/api/v1/feedback-inbox/acknowledge" => {
            let code = send(server, "26743-kp01", "traffic", "Kiểm toán").await;
            server
                .http
                .post(server.url(path))
                .header("x-request-id", rid)
                .bearer_auth(&server.token)
                .json(&json!({"codes": [code]}))
        }
        "/feedback/inbox/acknowledge" => {
            let code = send(server, "26743-kp01", "traffic", "Kiểm toán").await;
            post_form(path.into(), vec![("code", code)])
        }
        "/feedback/inbox/{code}/steps" => {
            let code = send(server, "26743-kp01", "traffic", "Kiểm toán").await;
            post_form(
                format!("/feedback/inbox/{code}/steps"),
                vec![("action", "acknowledge".into())],
            )
        }
        "/feedback/settings/{code}/categories" => post_form(
            "/feedback/settings/26743/categories".into(),
            vec![
                ("code", "fire_risk".into()),
                ("name_vi", "Nguy cơ cháy nổ".into()),
                ("ack_hours", "2".into()),
                ("resolve_hours", "24".into()),
                ("allow_anonymous", "on".into()),
                ("active", "on".into()),
            ],
        ),
        "/feedback/settings/{code}/routes" => post_form(
            "/feedback/settings/26743/routes".into(),
            vec![("category", "".into()), ("level", "unit".into())],
        ),
        "/feedback/calendar" => post_form(
            path.into(),
            vec![
                ("day", "2027-01-04".into()),
                ("kind", "holiday".into()),
                ("name", "Kiểm toán".into()),
            ],
        ),
        "/feedback/calendar/{day}/remove" => {
            let r = admin
                .0
                .post(server.url("/feedback/calendar"))
                .form(&[
                    ("csrf", admin.1.as_str()),
                    ("day", "2027-01-05"),
                    ("kind", "holiday"),
                    ("name", "Sẽ xóa"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            post_form("/feedback/calendar/2027-01-05/remove".into(), vec![])
        }
        "/notifications/read" => post_form(path.into(), vec![]),
        _ => return None,
    })
}
