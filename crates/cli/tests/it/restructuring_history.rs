//! History of the unit tree (issue 16, item 1): the tree as of a date, a unit's versions,
//! events and lineage, and importing a divisions file that renames a province and a commune.
//! Events that applying a plan will write are set up here with SQL, as that code would.

use serde_json::Value;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const DIVISIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../store/seed/vn-divisions-2025.json"
);

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().or(i["code"].as_str()).unwrap().to_owned())
        .collect()
}

fn add_unit(db: &TestDb, code: &str, name: &str, from: &str) {
    db.run_ok(
        &[
            "territory",
            "add-unit",
            "--parent",
            "26743",
            "--code",
            code,
            "--name",
            name,
            "--kind",
            "khu_pho",
            "--valid-from",
            from,
        ],
        "",
    );
}

/// Khu phố 1 and 2 (from 2025-07-01) form Khu phố 10 on 2026-01-01 (decision 12/QĐ-UBND),
/// which is renamed "Khu phố Bến Thành" on 2026-03-01 — written as applying a plan does.
async fn merged_then_renamed(db: &TestDb) {
    add_unit(db, "kp01", "Khu phố 1", "2025-07-01");
    add_unit(db, "kp02", "Khu phố 2", "2025-07-01");
    add_unit(db, "kp10", "Khu phố 10", "2026-01-01");
    db.execute(
        "UPDATE units SET valid_to = '2026-01-01' WHERE code IN ('26743-kp01', '26743-kp02');
         UPDATE unit_versions SET valid_to = '2026-01-01'
           WHERE unit_code IN ('26743-kp01', '26743-kp02') AND valid_to IS NULL;
         INSERT INTO unit_events (id, province_code, commune_code, kind, effective_on,
           basis_number, basis_date, basis_signer, note, created_by, created_at)
         VALUES (9001, '79', '26743', 'create_from_parts', '2026-01-01', '12/QĐ-UBND',
           '2025-12-20', 'Nguyễn Văn A, Chủ tịch', '', 'test', '2025-12-20T00:00:00Z'),
                (9002, '79', '26743', 'rename', '2026-03-01', '30/QĐ-UBND',
           '2026-02-20', 'Nguyễn Văn A, Chủ tịch', 'theo nguyện vọng của người dân', 'test',
           '2026-02-20T00:00:00Z');
         UPDATE unit_versions SET event_id = 9001 WHERE unit_code = '26743-kp10';
         INSERT INTO unit_event_participants (event_id, unit_code, role, households) VALUES
           (9001, '26743-kp01', 'predecessor', 120), (9001, '26743-kp02', 'predecessor', 80),
           (9001, '26743-kp10', 'successor', 200),
           (9002, '26743-kp10', 'predecessor', NULL), (9002, '26743-kp10', 'successor', NULL);
         UPDATE unit_versions SET valid_to = '2026-03-01'
           WHERE unit_code = '26743-kp10' AND valid_to IS NULL;
         INSERT INTO unit_versions (unit_code, name, name_folded, kind, parent_code,
           valid_from, event_id)
         VALUES ('26743-kp10', 'Khu phố Bến Thành', 'khu pho ben thanh', 'khu_pho', '26743',
           '2026-03-01', 9002);
         UPDATE units SET name = 'Khu phố Bến Thành', name_folded = 'khu pho ben thanh'
           WHERE code = '26743-kp10';",
    )
    .await;
}

on_both_backends!(tree_as_of_the_day_before_and_the_day_after);
async fn tree_as_of_the_day_before_and_the_day_after(db: &TestDb) {
    merged_then_renamed(db).await;
    let server = Server::start(db);
    let children = |day: &str| format!("/api/v1/units?parent=26743&as_of={day}");

    let (status, before) = server.get_json(&children("2025-12-31")).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(names(&before), ["Khu phố 1", "Khu phố 2"]);
    let (_, on) = server.get_json(&children("2026-01-01")).await;
    assert_eq!(names(&on), ["Khu phố 10"]);
    let (_, eve) = server.get_json(&children("2026-02-28")).await;
    assert_eq!(names(&eve), ["Khu phố 10"]);
    let (_, renamed) = server.get_json(&children("2026-03-01")).await;
    assert_eq!(names(&renamed), ["Khu phố Bến Thành"]);
    let (_, today) = server.get_json("/api/v1/units?parent=26743").await;
    assert_eq!(names(&today), ["Khu phố Bến Thành"]);
    // Before the two-tier government existed there is no such ward, nor any province.
    let (status, _) = server.get_json(&children("2025-06-30")).await;
    assert_eq!(status, 404);
    let (_, none) = server.get_json("/api/v1/units?as_of=2025-06-30").await;
    assert_eq!(names(&none), Vec::<String>::new());

    // A unit as of a date: its name that day, its parent's count of children that day.
    let (status, kp01) = server
        .get_json("/api/v1/units/26743-kp01?as_of=2025-12-31")
        .await;
    assert_eq!(status, 200, "{kp01}");
    assert_eq!(kp01["name"], "Khu phố 1");
    assert_eq!(kp01["as_of"], "2025-12-31");
    assert!(kp01.get("households").is_none(), "{kp01}");
    let (status, _) = server
        .get_json("/api/v1/units/26743-kp01?as_of=2026-01-01")
        .await;
    assert_eq!(status, 404);
    let (_, kp10) = server
        .get_json("/api/v1/units/26743-kp10?as_of=2026-02-28")
        .await;
    assert_eq!(kp10["name"], "Khu phố 10");
    let (_, ward) = server
        .get_json("/api/v1/units/26743?as_of=2025-12-31")
        .await;
    assert_eq!(ward["child_count"], 2);
    assert_eq!(ward["ancestors"][0]["code"], "79");
    let (_, ward) = server
        .get_json("/api/v1/units/26743?as_of=2026-01-01")
        .await;
    assert_eq!(ward["child_count"], 1);

    // Search as of a date finds the names of that day.
    let (_, found) = server
        .get_json("/api/v1/units?parent=26743&q=khu+pho+1&as_of=2025-12-31")
        .await;
    assert_eq!(names(&found), ["Khu phố 1"]);
    let (_, found) = server
        .get_json("/api/v1/units?parent=26743&q=ben+thanh&as_of=2026-02-28")
        .await;
    assert_eq!(names(&found), Vec::<String>::new());

    // Without as_of nothing changes; a bad date is a 400 naming the field.
    let (_, now) = server.get_json("/api/v1/units/26743-kp10").await;
    assert_eq!(now["name"], "Khu phố Bến Thành");
    assert!(now.get("as_of").is_none());
    for path in [
        "/api/v1/units?parent=26743&as_of=2026-13-45",
        "/api/v1/units/26743?as_of=hôm-qua",
    ] {
        let (status, err) = server.get_json(path).await;
        assert_eq!(status, 400, "{path}: {err}");
        assert_eq!(err["error"]["field"], "as_of", "{err}");
    }

    // The pages: the date form, links keeping the date, and the notice.
    let (status, html) = server.get_text("/territory/26743?as_of=2025-12-31").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"as-of-notice\""), "{html}");
    assert!(html.contains("Khu phố 1") && !html.contains("Khu phố Bến Thành"));
    assert!(html.contains("href=\"/territory/26743-kp01?as_of=2025-12-31\""));
    assert!(html.contains("href=\"/territory/79?as_of=2025-12-31\""));
    let (_, html) = server.get_text("/territory/26743").await;
    assert!(html.contains("name=\"as_of\"") && !html.contains("as-of-notice"));
    assert!(html.contains("href=\"/units/26743/history\""));
    let (status, _) = server.get_text("/territory/26743?as_of=nope").await;
    assert_eq!(status, 400);
}

on_both_backends!(history_and_lineage_both_ways);
async fn history_and_lineage_both_ways(db: &TestDb) {
    merged_then_renamed(db).await;
    let server = Server::start(db);

    // The unit page's links read the events' participants.
    let (_, kp01) = server.get_json("/api/v1/units/26743-kp01").await;
    assert_eq!(codes(&kp01["successors"]), ["26743-kp10"]);
    assert_eq!(codes(&kp01["predecessors"]), Vec::<String>::new());
    let (_, kp10) = server.get_json("/api/v1/units/26743-kp10").await;
    assert_eq!(codes(&kp10["predecessors"]), ["26743-kp01", "26743-kp02"]);

    let (status, h) = server.get_json("/api/v1/units/26743-kp10/history").await;
    assert_eq!(status, 200, "{h}");
    let versions: Vec<(&str, &str, Option<&str>)> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap(),
                v["valid_from"].as_str().unwrap(),
                v["valid_to"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            ("Khu phố 10", "2026-01-01", Some("2026-03-01")),
            ("Khu phố Bến Thành", "2026-03-01", None)
        ]
    );
    assert_eq!(h["versions"][0]["parent_name"], "Phường Bến Thành");
    let kinds: Vec<&str> = h["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["create_from_parts", "rename"]);
    assert_eq!(h["events"][0]["basis"]["number"], "12/QĐ-UBND");
    assert_eq!(h["events"][0]["participants"][0]["households"], 120);
    // Each unit under its name in the event: a rename shows the old name before, the new after.
    let rename = &h["events"][1]["participants"];
    assert_eq!(rename[0]["role"], "predecessor");
    assert_eq!(rename[0]["name"], "Khu phố 10");
    assert_eq!(rename[1]["name"], "Khu phố Bến Thành");
    assert_eq!(codes(&h["predecessors"]), ["26743-kp01", "26743-kp02"]);
    assert_eq!(h["predecessors"][0]["name"], "Khu phố 1");
    assert_eq!(codes(&h["successors"]), Vec::<String>::new());
    let (_, h1) = server.get_json("/api/v1/units/26743-kp01/history").await;
    assert_eq!(codes(&h1["successors"]), ["26743-kp10"]);
    let (status, _) = server.get_json("/api/v1/units/99999-zz/history").await;
    assert_eq!(status, 404);

    let (status, html) = server.get_text("/units/26743-kp10/history").await;
    assert_eq!(status, 200);
    for needle in [
        "Khu phố Bến Thành",
        "12/QĐ-UBND",
        "Thành lập từ các đơn vị",
        "Đổi tên",
        "theo nguyện vọng của người dân",
        "href=\"/units/26743-kp01/history\"",
        "href=\"/territory/26743?as_of=2025-12-31\"",
    ] {
        assert!(html.contains(needle), "{needle} missing");
    }
    let (_, html) = server.get_text("/units/26743/history").await;
    assert!(html.contains("id=\"no-events\""));
}

on_both_backends!(importing_a_renamed_commune_keeps_the_old_name);
async fn importing_a_renamed_commune_keeps_the_old_name(db: &TestDb) {
    let text = std::fs::read_to_string(DIVISIONS).unwrap();
    let renamed = text
        .replacen("\"Phường Bến Thành\"", "\"Phường Bến Thành Mới\"", 1)
        .replacen(
            "\"Thành phố Hồ Chí Minh\"",
            "\"Thành phố Hồ Chí Minh Mới\"",
            1,
        );
    assert_ne!(renamed, text);
    let path = db.data_dir().join("renamed.json");
    std::fs::write(&path, renamed).unwrap();
    let out = db.run_ok(&["import", "divisions", path.to_str().unwrap()], "");
    assert!(out.contains("2 renamed"), "{out}");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM unit_events WHERE kind = 'rename'")
            .await,
        2
    );
    // Importing again changes nothing and records nothing more.
    let out = db.run_ok(&["import", "divisions", path.to_str().unwrap()], "");
    assert!(out.contains("Nothing to do"), "{out}");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM unit_versions WHERE unit_code = '26743'")
            .await,
        2
    );

    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date();
    let yesterday = today.yesterday().unwrap();
    let server = Server::start(db);
    let (_, now) = server.get_json("/api/v1/units/26743").await;
    assert_eq!(now["name"], "Phường Bến Thành Mới");
    let (_, then) = server
        .get_json(&format!("/api/v1/units/26743?as_of={yesterday}"))
        .await;
    assert_eq!(then["name"], "Phường Bến Thành");
    assert_eq!(then["ancestors"][0]["name"], "Thành phố Hồ Chí Minh");
    let (_, on) = server
        .get_json(&format!("/api/v1/units/26743?as_of={today}"))
        .await;
    assert_eq!(on["name"], "Phường Bến Thành Mới");
    let (_, provinces) = server
        .get_json(&format!("/api/v1/units?as_of={yesterday}&limit=200"))
        .await;
    assert!(names(&provinces).contains(&"Thành phố Hồ Chí Minh".to_owned()));

    let (_, h) = server.get_json("/api/v1/units/26743/history").await;
    assert_eq!(h["versions"][0]["name"], "Phường Bến Thành");
    assert_eq!(h["versions"][0]["valid_to"], today.to_string());
    assert_eq!(h["events"][0]["kind"], "rename");
    let basis = h["events"][0]["basis"]["number"].as_str().unwrap();
    assert_eq!(basis, format!("import renamed.json {today}"));
    let (_, html) = server.get_text("/units/26743/history").await;
    assert!(
        html.contains("Phường Bến Thành</strong>"),
        "old version missing"
    );
}
