//! Feedback statistics rolled up the unit tree: exact figures for items with known timings,
//! population counts through household and resident changes, the page and the JSON API, and
//! a property check that the maintained aggregates always equal a plain GROUP BY over the
//! base tables (also after a rebuild).

use serde_json::{json, Value};
use tuquan_domain::feedback::stats::Month;
use tuquan_store::rollup::COUNTRY;
use tuquan_store::{ConnectOptions, Store};

use crate::harness::{add_member, exec, new_household, post_json, Backend, Server, TestDb};
use crate::on_both_backends;

async fn post(server: &Server, path: &str, body: Value) -> (u16, Value) {
    post_json(server, &server.token, path, body).await
}

fn sqlite_url(db: &TestDb) -> String {
    format!("sqlite://{}", db.data_dir().join("tuquan.db").display())
}

/// The store of the test database, to call the report functions directly.
async fn store(db: &TestDb) -> Store {
    let url = match db.backend {
        Backend::Postgres => db.database_url().unwrap(),
        Backend::Sqlite => sqlite_url(db),
    };
    Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap()
}

/// Anonymous feedback; returns its tracking code.
async fn send(server: &Server, unit: &str, category: &str) -> String {
    crate::harness::submit_feedback(
        server,
        json!({"category": category, "description": "Cống thoát nước bị tắc",
               "unit_code": unit, "contact_phone": "0909123456"}),
    )
    .await
}

async fn step(server: &Server, code: &str, action: &str) {
    let (s, b) = post(
        server,
        &format!("/api/v1/feedback/{code}/steps"),
        json!({"action": action, "public_note": "Đã xử lý theo quy định"}),
    )
    .await;
    assert_eq!(s, 200, "{action}: {b}");
}

async fn rate(server: &Server, code: &str, rating: i64) {
    let (s, b) = post(
        server,
        &format!("/api/v1/feedback/{code}/rating"),
        json!({"rating": rating.to_string(), "contact": "0909123456"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

async fn reopen(server: &Server, code: &str) {
    let (s, b) = post(
        server,
        &format!("/api/v1/feedback/{code}/reopen"),
        json!({"reason": "Vẫn còn tắc", "contact": "0909123456"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

/// Sets an item's times (stored UTC), as if its steps had happened then.
async fn set_times(db: &TestDb, code: &str, sets: &[(&str, &str)]) {
    let set = sets
        .iter()
        .map(|(c, v)| format!("{c} = '{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    exec(
        db,
        &format!("UPDATE feedback SET {set} WHERE tracking_code = '{code}'"),
    )
    .await;
}

async fn stats(server: &Server, path: &str) -> Value {
    let (s, b) = server.get_json(path).await;
    assert_eq!(s, 200, "{path}: {b}");
    b
}

async fn household(server: &Server, unit: &str, members: usize) -> (i64, Vec<i64>) {
    let hid = new_household(server, unit, json!({"address": "5 Đường Thống Kê"})).await;
    let mut residents = Vec::new();
    for n in 0..members {
        let (s, r) = add_member(
            server,
            hid,
            json!({"full_name": format!("Nguyễn Văn Số {n}"), "birth_date": "1980-05-06",
                   "gender": "male", "residence_type": "permanent"}),
        )
        .await;
        assert_eq!(s, 201, "{r}");
        residents.push(r["id"].as_i64().unwrap());
    }
    (hid, residents)
}

fn pop(v: &Value) -> (i64, i64) {
    (
        v["population"]["households"].as_i64().unwrap(),
        v["population"]["residents"].as_i64().unwrap(),
    )
}

fn child<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no child {code} in {v}"))
}

on_both_backends!(statistics_count_exactly_what_happened);
async fn statistics_count_exactly_what_happened(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // Six items; their steps go through the API, then their times are set to known ones.
    let a = send(&server, "26743-kp01", "traffic").await;
    let b = send(&server, "26743-kp01", "traffic").await;
    let c = send(&server, "26743-kp01", "environment").await;
    let d = send(&server, "26743-kp02", "traffic").await;
    let e = send(&server, "26743-kp02", "traffic").await;
    let f = send(&server, "26743-kp01", "traffic").await;
    for s in ["acknowledge", "start", "resolve"] {
        step(&server, &a, s).await;
        step(&server, &d, s).await;
    }
    rate(&server, &a, 5).await;
    rate(&server, &d, 2).await;
    reopen(&server, &d).await;
    step(&server, &b, "acknowledge").await;
    step(&server, &b, "reject").await;

    // A: acknowledged after 2 h and resolved after 2 days, both on time.
    set_times(
        db,
        &a,
        &[
            ("created_at", "2025-03-03T01:00:00.000000Z"),
            ("ack_due_at", "2025-03-03T09:00:00.000000Z"),
            ("resolve_due_at", "2025-03-07T09:00:00.000000Z"),
            ("acknowledged_at", "2025-03-03T03:00:00.000000Z"),
            ("resolved_at", "2025-03-05T01:00:00.000000Z"),
        ],
    )
    .await;
    // B: acknowledged after 12 h, late; then rejected.
    set_times(
        db,
        &b,
        &[
            ("created_at", "2025-03-10T01:00:00.000000Z"),
            ("ack_due_at", "2025-03-10T09:00:00.000000Z"),
            ("resolve_due_at", "2025-03-14T09:00:00.000000Z"),
            ("acknowledged_at", "2025-03-10T13:00:00.000000Z"),
        ],
    )
    .await;
    // C: still new, its acknowledgement deadline long past: overdue.
    set_times(
        db,
        &c,
        &[
            ("created_at", "2025-03-20T01:00:00.000000Z"),
            ("ack_due_at", "2025-03-20T09:00:00.000000Z"),
            ("resolve_due_at", "2025-03-26T09:00:00.000000Z"),
        ],
    )
    .await;
    // D: acknowledged after 10 min, resolved, rated 2, reopened: in progress and overdue.
    set_times(
        db,
        &d,
        &[
            ("created_at", "2025-03-25T01:00:00.000000Z"),
            ("ack_due_at", "2025-03-25T09:00:00.000000Z"),
            ("resolve_due_at", "2025-03-28T09:00:00.000000Z"),
            ("acknowledged_at", "2025-03-25T01:10:00.000000Z"),
        ],
    )
    .await;
    // E: 18:00 UTC on 28 February is 01:00 on 1 March in Vietnam: a March item, not due.
    set_times(
        db,
        &e,
        &[
            ("created_at", "2025-02-28T18:00:00.000000Z"),
            ("ack_due_at", "2099-01-01T00:00:00.000000Z"),
            ("resolve_due_at", "2099-01-02T00:00:00.000000Z"),
        ],
    )
    .await;
    // F: 23:00 on 28 February in Vietnam: February.
    set_times(
        db,
        &f,
        &[
            ("created_at", "2025-02-28T16:00:00.000000Z"),
            ("ack_due_at", "2099-01-01T00:00:00.000000Z"),
            ("resolve_due_at", "2099-01-02T00:00:00.000000Z"),
        ],
    )
    .await;

    let march = "from=2025-03&to=2025-03";
    let commune = stats(
        &server,
        &format!("/api/v1/units/26743/feedback-stats?{march}"),
    )
    .await;
    let t = &commune["total"];
    assert_eq!(commune["unit"]["code"], "26743");
    assert_eq!(commune["time_basis"], "wall_clock");
    assert_eq!(t["received"], 5, "{commune}");
    assert_eq!(t["acknowledged"], 3);
    assert_eq!(t["acknowledged_on_time"], 2);
    assert_eq!(t["acknowledged_on_time_rate"], 0.667);
    assert_eq!(t["resolved"], 1);
    assert_eq!(t["resolved_on_time"], 1);
    assert_eq!(t["resolved_on_time_rate"], 1.0);
    assert_eq!(t["closed"], 2);
    assert_eq!(t["open"], 3);
    assert_eq!(t["overdue_now"], 2);
    // 10 min, 2 h, 12 h: the median is the 2 h item, in [2 h, 4 h), estimated at 3 h.
    assert_eq!(
        t["median_ack"],
        json!({"estimate_seconds": 10800, "lower_seconds": 7200, "upper_seconds": 14400})
    );
    assert_eq!(
        t["ack_histogram"],
        json!([1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    );
    // One resolution after 2 days: [2 d, 3 d), estimated at 2.5 days.
    assert_eq!(t["median_resolve"]["estimate_seconds"], 216000);
    assert_eq!(
        t["satisfaction"],
        json!({"count": 2, "mean": 3.5, "distribution": [0, 1, 0, 0, 1]})
    );
    let cats = commune["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 2);
    assert_eq!(cats[0]["category"], "environment");
    assert_eq!(cats[0]["stats"]["received"], 1);
    assert_eq!(cats[0]["stats"]["overdue_now"], 1);
    assert_eq!(cats[1]["category"], "traffic");
    assert_eq!(cats[1]["name"], "Giao thông");
    assert_eq!(cats[1]["stats"]["received"], 4);
    assert_eq!(cats[1]["stats"]["overdue_now"], 1);
    let kp01 = child(&commune, "26743-kp01");
    assert_eq!(kp01["stats"]["received"], 3);
    assert_eq!(kp01["stats"]["overdue_now"], 1);
    let kp02 = child(&commune, "26743-kp02");
    assert_eq!(kp02["stats"]["received"], 2);
    assert_eq!(kp02["stats"]["overdue_now"], 1);
    assert_eq!(
        kp02["stats"]["satisfaction"]["distribution"],
        json!([0, 1, 0, 0, 0])
    );
    assert_eq!(child(&commune, "26743-kp03")["stats"]["received"], 0);

    // The same figures up the tree, and one category.
    for path in [
        format!("/api/v1/units/79/feedback-stats?{march}"),
        format!("/api/v1/feedback-stats?{march}"),
    ] {
        let up = stats(&server, &path).await;
        assert_eq!(up["total"], commune["total"], "{path}");
    }
    let country = stats(&server, &format!("/api/v1/feedback-stats?{march}")).await;
    assert!(country["unit"].is_null());
    assert_eq!(child(&country, "79")["stats"]["received"], 5);
    assert_eq!(country["children"].as_array().unwrap().len(), 34);
    let traffic = stats(
        &server,
        &format!("/api/v1/units/26743/feedback-stats?{march}&category=traffic"),
    )
    .await;
    assert_eq!(traffic["category"], "traffic");
    assert_eq!(traffic["total"]["received"], 4);
    assert_eq!(traffic["total"]["overdue_now"], 1);
    assert_eq!(traffic["categories"].as_array().unwrap().len(), 1);
    assert_eq!(child(&traffic, "26743-kp01")["stats"]["received"], 2);
    // February and March together for Khu phố 1: F counts too.
    let two = stats(
        &server,
        "/api/v1/units/26743-kp01/feedback-stats?from=2025-02&to=2025-03",
    )
    .await;
    assert_eq!(two["total"]["received"], 4);

    // Bad input names the field and changes nothing; unknown units are not found. A
    // well-formed period that a rule between `from` and `to` refuses is a 422.
    for (q, status, field) in [
        ("from=2025-3", 400, "from"),
        ("from=2025-04&to=2025-03", 422, "to"),
        ("from=2000-01&to=2025-03", 422, "from"),
        ("category=khong-co", 400, "category"),
    ] {
        let (s, b) = server
            .get_json(&format!("/api/v1/units/26743/feedback-stats?{q}"))
            .await;
        assert_eq!(s, status, "{q}: {b}");
        assert_eq!(b["error"]["field"], field, "{q}: {b}");
    }
    let (s, _) = server.get_json("/api/v1/units/99999/feedback-stats").await;
    assert_eq!(s, 404);

    // The page shows the same numbers, in both languages.
    let (s, html) = server
        .get_text(&format!("/units/26743/feedback-stats?{march}"))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains(r#"id="stats-received">5<"#), "{html}");
    assert!(html.contains(r#"id="stats-overdue" class="overdue">2<"#));
    assert!(html.contains("Giao thông") && html.contains("Môi trường, vệ sinh"));
    assert!(html.contains("66,7%"), "ack on time share");
    assert!(html.contains("≈ 3 giờ") && html.contains("≈ 2,5 ngày"));
    assert!(html.contains(r#"id="stats-rating-mean">3,5<"#));
    // Child links keep the period (askama escapes the `&`).
    assert!(html.contains(r#"href="/units/26743-kp01/feedback-stats?from=2025-03&"#));
    assert!(html.contains("Theo thôn, tổ dân phố, khu phố"));
    let en = crate::harness::browser();
    let r = en
        .get(server.url(&format!("/units/26743/feedback-stats?{march}")))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    let html_en = r.text().await.unwrap();
    assert!(html_en.contains("66.7%") && html_en.contains("≈ 3 h") && html_en.contains("Traffic"));
    let (s, html) = server
        .get_text("/units/26743/feedback-stats?from=2025-04&to=2025-03")
        .await;
    assert_eq!(s, 400, "a form error on the page");
    assert!(html.contains("“Đến tháng” không được trước “Từ tháng”."));
    let (s, html) = server
        .get_text("/units/26743/feedback-stats?from=2025-3")
        .await;
    assert_eq!(s, 400);
    assert!(html.contains("Từ tháng"), "the field is named");
    let (s, html) = server
        .get_text("/feedback-stats?from=2025-03&to=2025-03")
        .await;
    assert_eq!(s, 200);
    assert!(html.contains(r#"href="/units/79/feedback-stats?from=2025-03&"#));
    // Linked from the territory pages.
    let (_, html) = server.get_text("/territory/26743").await;
    assert!(html.contains(r#"href="/units/26743/feedback-stats""#));
    let (_, html) = server.get_text("/territory").await;
    assert!(html.contains(r#"href="/feedback-stats""#));

    // Population: a new household of three in Khu phố 1, moved to Khu phố 2, then a
    // resident dies, one is erased, and the household moves away.
    let before = stats(&server, "/api/v1/units/26743/feedback-stats").await;
    let (c0, k1, k2) = (
        pop(&before),
        pop(child(&before, "26743-kp01")),
        pop(child(&before, "26743-kp02")),
    );
    let (hid, residents) = household(&server, "26743-kp01", 3).await;
    let now = stats(&server, "/api/v1/units/26743/feedback-stats").await;
    assert_eq!(pop(&now), (c0.0 + 1, c0.1 + 3));
    assert_eq!(pop(child(&now, "26743-kp01")), (k1.0 + 1, k1.1 + 3));
    let (s, b) = post(
        &server,
        &format!("/api/v1/households/{hid}/move"),
        json!({"unit_code": "26743-kp02"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let now = stats(&server, "/api/v1/units/26743/feedback-stats").await;
    assert_eq!(pop(&now), (c0.0 + 1, c0.1 + 3));
    assert_eq!(pop(child(&now, "26743-kp01")), k1);
    assert_eq!(pop(child(&now, "26743-kp02")), (k2.0 + 1, k2.1 + 3));
    let (s, b) = post(
        &server,
        &format!("/api/v1/residents/{}/status", residents[2]),
        json!({"status": "deceased"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    crate::harness::erase(&server, residents[1], "Đã chuyển đi nơi khác").await;
    let now = stats(&server, "/api/v1/units/26743-kp02/feedback-stats").await;
    assert_eq!(pop(&now), (k2.0 + 1, k2.1 + 1));
    let (s, b) = post(
        &server,
        &format!("/api/v1/households/{hid}/status"),
        json!({"status": "moved_away"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let now = stats(&server, "/api/v1/units/26743/feedback-stats").await;
    assert_eq!(pop(&now), (c0.0, c0.1 + 1));
    let province = stats(&server, "/api/v1/units/79/feedback-stats").await;
    assert_eq!(
        pop(&province),
        pop(&now),
        "only the demo commune has people"
    );

    // And the aggregates equal the plain GROUP BY over the base tables.
    let store = store(db).await;
    let m = Month::parse("from", "2025-03").unwrap();
    let at = tuquan_store::now();
    for unit in ["26743", "26743-kp01", "79", COUNTRY] {
        assert_eq!(
            store.report_at(unit, m, m, None, &at).await.unwrap(),
            store.report_naive_at(unit, m, m, None, &at).await.unwrap(),
            "{unit}"
        );
    }
    store.close().await;
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A stored timestamp `secs` after 2025-01-01T00:00Z.
fn ts(secs: u64) -> String {
    let t = jiff::Timestamp::from_second(1_735_689_600 + secs as i64).unwrap();
    tuquan_store::stamp(t)
}

on_both_backends!(aggregates_equal_the_naive_answer_after_any_writes);
async fn aggregates_equal_the_naive_answer_after_any_writes(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let mut rng = Rng(0x5eed_2674_3000_0001);
    // A unit created during the run: its ancestors come from the units trigger.
    let (s, b) = post(
        &server,
        "/api/v1/units",
        json!({"parent_code": "26743", "local_code": "kp90", "name": "Khu phố 90", "kind": "khu_pho"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let units = [
        "26743",
        "26743-kp01",
        "26743-kp02",
        "26743-kp03",
        "26743-kp90",
    ];
    let categories = ["traffic", "environment", "fire_risk"];
    let mut items: Vec<String> = Vec::new();
    let mut households: Vec<(i64, Vec<i64>)> = Vec::new();
    // Kinds of write, each as often as its weight.
    const OPS: [(u8, usize); 9] = [
        (0, 3), // new feedback
        (1, 5), // a workflow step, a rating or a reopening
        (2, 1), // times moved by another writer
        (3, 1), // recategorised and moved by another writer
        (4, 2), // a new household with members
        (5, 1), // a household moves
        (6, 1), // a household's status
        (7, 1), // a resident's status
        (8, 1), // an approved erasure
    ];
    let weights: usize = OPS.iter().map(|o| o.1).sum();
    for _ in 0..160 {
        let mut roll = rng.below(weights);
        let op = OPS
            .iter()
            .find(|o| {
                if roll < o.1 {
                    true
                } else {
                    roll -= o.1;
                    false
                }
            })
            .unwrap()
            .0;
        match op {
            1 if !items.is_empty() => {
                // A step allowed from the item's state (read back through the public view).
                let code = rng.pick(&items).clone();
                let (_, t) = server.get_json(&format!("/api/v1/feedback/{code}")).await;
                let status = t["status"].as_str().unwrap().to_owned();
                let choice = rng.below(4);
                match (status.as_str(), choice) {
                    ("new", 0) => step(&server, &code, "acknowledge").await,
                    ("new" | "acknowledged", 1) => step(&server, &code, "start").await,
                    ("acknowledged" | "in_progress", 0 | 2) => {
                        step(&server, &code, "resolve").await
                    }
                    ("new" | "acknowledged" | "in_progress", 3) => {
                        step(&server, &code, "reject").await
                    }
                    ("resolved", 0 | 1) | ("rejected", _) => {
                        rate(&server, &code, 1 + rng.below(5) as i64).await
                    }
                    ("resolved", _) => {
                        // Refused once another writer moved the resolution back in time.
                        let (s, b) = post(
                            &server,
                            &format!("/api/v1/feedback/{code}/reopen"),
                            json!({"reason": "Vẫn còn tắc", "contact": "0909123456"}),
                        )
                        .await;
                        assert!(s == 200 || s == 400, "{s} {b}");
                    }
                    _ => {}
                }
            }
            2 if !items.is_empty() => {
                let code = rng.pick(&items).clone();
                let created = rng.next() % (120 * 86_400);
                let ack = created + rng.next() % (5 * 86_400);
                let res = ack + rng.next() % (40 * 86_400);
                exec(
                    db,
                    &format!(
                        "UPDATE feedback SET created_at = '{}', ack_due_at = '{}', \
                         resolve_due_at = '{}', \
                         acknowledged_at = CASE WHEN acknowledged_at IS NULL THEN NULL ELSE '{}' END, \
                         resolved_at = CASE WHEN resolved_at IS NULL THEN NULL ELSE '{}' END \
                         WHERE tracking_code = '{code}'",
                        ts(created),
                        ts(created + rng.next() % (3 * 86_400)),
                        ts(created + rng.next() % (20 * 86_400)),
                        ts(ack),
                        ts(res)
                    ),
                )
                .await;
            }
            3 if !items.is_empty() => {
                let code = rng.pick(&items).clone();
                let cat = *rng.pick(&categories);
                let unit = *rng.pick(&units[1..]);
                let path = format!("79/26743/{}", unit.trim_start_matches("26743-"));
                exec(
                    db,
                    &format!(
                        "UPDATE feedback SET category = '{cat}', unit_code = '{unit}', \
                         unit_path = '{path}' WHERE tracking_code = '{code}'"
                    ),
                )
                .await;
            }
            4 => {
                let unit = *rng.pick(&units[1..]);
                let members = 1 + rng.below(3);
                households.push(household(&server, unit, members).await);
            }
            5 if !households.is_empty() => {
                let (hid, _) = rng.pick(&households).clone();
                let to = *rng.pick(&units[1..]);
                let (s, b) = post(
                    &server,
                    &format!("/api/v1/households/{hid}/move"),
                    json!({"unit_code": to}),
                )
                .await;
                assert!(s == 200 || s == 400 || s == 409 || s == 422, "{s} {b}");
            }
            6 if !households.is_empty() => {
                let (hid, _) = rng.pick(&households).clone();
                let status = *rng.pick(&["moved_away", "dissolved", "active"]);
                let (s, b) = post(
                    &server,
                    &format!("/api/v1/households/{hid}/status"),
                    json!({"status": status}),
                )
                .await;
                assert!(s == 200 || s == 400 || s == 409, "{s} {b}");
            }
            7 if !households.is_empty() => {
                let (_, residents) = rng.pick(&households).clone();
                let rid = *rng.pick(&residents);
                let status = *rng.pick(&["deceased", "moved_away", "active"]);
                let (s, b) = post(
                    &server,
                    &format!("/api/v1/residents/{rid}/status"),
                    json!({"status": status}),
                )
                .await;
                // An erased resident is gone (404).
                assert!(matches!(s, 200 | 400 | 404 | 409), "{s} {b}");
            }
            8 if !households.is_empty() => {
                let (_, residents) = rng.pick(&households).clone();
                let rid = *rng.pick(&residents);
                let (s, req) = post(
                    &server,
                    &format!("/api/v1/residents/{rid}/erasure-requests"),
                    json!({"reason": "Yêu cầu xóa dữ liệu"}),
                )
                .await;
                if s == 201 {
                    let (s, b) = post(
                        &server,
                        &format!("/api/v1/erasure-requests/{}/decision", req["id"]),
                        json!({"approve": true}),
                    )
                    .await;
                    assert_eq!(s, 200, "{b}");
                }
            }
            _ => {
                let unit = *rng.pick(&units);
                let cat = *rng.pick(&categories);
                items.push(send(&server, unit, cat).await);
            }
        }
    }

    // The run covered every kind of write it claims to.
    for (what, sql) in [
        (
            "resolved",
            "SELECT COUNT(*) FROM feedback WHERE status = 'resolved'",
        ),
        (
            "rejected",
            "SELECT COUNT(*) FROM feedback WHERE status = 'rejected'",
        ),
        (
            "rated",
            "SELECT COUNT(*) FROM feedback WHERE rating IS NOT NULL",
        ),
        (
            "reopened",
            "SELECT COUNT(*) FROM feedback WHERE reopen_count > 0",
        ),
        ("moved", "SELECT COUNT(*) FROM household_moves"),
        (
            "moved away",
            "SELECT COUNT(*) FROM households WHERE status <> 'active'",
        ),
        (
            "erased",
            "SELECT COUNT(*) FROM residents WHERE status = 'erased'",
        ),
        (
            "deceased",
            "SELECT COUNT(*) FROM residents WHERE status IN ('deceased', 'moved_away')",
        ),
        (
            "in kp90",
            "SELECT COUNT(*) FROM feedback WHERE unit_code = '26743-kp90'",
        ),
    ] {
        assert!(db.count(sql).await > 0, "no {what} in the run");
    }
    let store = store(db).await;
    let at = tuquan_store::now();
    let months = [
        (
            Month::parse("from", "2025-01").unwrap(),
            Month::of(jiff::Timestamp::now()),
        ),
        (
            Month::parse("from", "2025-02").unwrap(),
            Month::parse("to", "2025-03").unwrap(),
        ),
    ];
    let check = |label: &'static str| {
        let store = store.clone();
        let at = at.clone();
        async move {
            let mut reports = Vec::new();
            for unit in ["26743-kp01", "26743-kp90", "26743", "79", COUNTRY] {
                for (from, to) in months {
                    for cat in [None, Some("traffic")] {
                        let fast = store.report_at(unit, from, to, cat, &at).await.unwrap();
                        let naive = store
                            .report_naive_at(unit, from, to, cat, &at)
                            .await
                            .unwrap();
                        assert_eq!(fast, naive, "{label}: {unit} {from}..{to} {cat:?}");
                        reports.push(fast);
                    }
                }
            }
            reports
        }
    };
    let before = check("maintained").await;
    assert!(
        before[0].total.received > 0 && before[4].population.residents > 0,
        "the run wrote something"
    );
    store.rebuild_rollups().await.unwrap();
    let after = check("rebuilt").await;
    assert_eq!(before, after, "a rebuild finds nothing to correct");
    // Paused, the aggregates go stale; resumed, they are right again.
    store.pause_rollups().await.unwrap();
    assert!(!store.rollups_maintained().await.unwrap());
    send(&server, "26743-kp01", "traffic").await;
    let m = Month::of(jiff::Timestamp::now());
    let at = tuquan_store::now();
    assert_ne!(
        store.report_at("26743", m, m, None, &at).await.unwrap(),
        store
            .report_naive_at("26743", m, m, None, &at)
            .await
            .unwrap()
    );
    store.resume_rollups().await.unwrap();
    assert!(store.rollups_maintained().await.unwrap());
    assert_eq!(
        store.report_at("26743", m, m, None, &at).await.unwrap(),
        store
            .report_naive_at("26743", m, m, None, &at)
            .await
            .unwrap()
    );
    store.close().await;
}
