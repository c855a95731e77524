//! The API contract (issue 11 #17): schemathesis, from PyPI, drives the real server from its
//! own `/api/openapi.json` with every check — as a ward official with an API token, and
//! anonymously — and any failure fails the test with schemathesis' report (docs/api.md).
//! Open311 (GeoReport v2) is described by its own document, `/open311/v2/openapi.json`, and
//! driven the same way.
//!
//! Path ids come from the demo data the test seeds (and a few records it creates first), so
//! that every operation is exercised on a real record, not only answered 404.
//!
//! The binary is `$TUQUAN_TEST_SCHEMATHESIS` (default `/opt/schemathesis/bin/schemathesis`, where
//! `.ci/run` installs the pinned version); without it the test is skipped (a failure in CI).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use crate::harness::{post_json_opt as post, Server, TestDb};
use crate::on_both_backends;

/// Examples per operation and phase: enough to cover every operation's parameters and
/// bodies, small enough for about a minute per run on two cores.
const EXAMPLES: &str = "10";

/// The demo ward and one of its khu phố.
const WARD: &str = "26743";
const KHU_PHO: &str = "26743-kp01";

fn binary() -> PathBuf {
    std::env::var_os("TUQUAN_TEST_SCHEMATHESIS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/schemathesis/bin/schemathesis"))
}

/// Real records for the path parameters, per group of operations.
struct Ids {
    household: i64,
    resident: i64,
    group: i64,
    decision: i64,
    position: i64,
    announcement: i64,
    erasure: i64,
    action_item: i64,
    meeting: i64,
    consultation: i64,
    feedback: String,
    photo: i64,
    request: String,
    later: Later,
}

/// Records of the areas added after the first contract run: votes, restructuring schemes,
/// police beats.
struct Later {
    /// The open ballot of the khu phố.
    vote: i64,
    /// The demo's approved scheme (it leaves the khu phố alone) and its split.
    scheme: i64,
    item: i64,
    beat: i64,
    beat_unit: i64,
    militia_head: i64,
}

impl Later {
    /// The vote and the scheme of the meetings demo; a beat with a unit created through the
    /// API, and the khu phố's militia head.
    async fn collect(db: &TestDb, server: &Server) -> Self {
        let one = |sql: String| async move { db.count(&sql).await };
        let vote = one(format!(
            "SELECT MAX(id) FROM votes WHERE unit_code = '{KHU_PHO}'"
        ))
        .await;
        let scheme = one(format!(
            "SELECT MIN(id) FROM restructuring_schemes WHERE commune_code = '{WARD}'"
        ))
        .await;
        let item = one(format!(
            "SELECT MIN(id) FROM restructuring_scheme_items WHERE scheme_id = {scheme}"
        ))
        .await;
        let admin = Some(server.token.as_str());
        let created = |path: String, body: serde_json::Value| async move {
            let (s, b) = post(server, admin, &path, body).await;
            assert_eq!(s, 201, "{path}: {b}");
            b["id"].as_i64().unwrap()
        };
        let beat = created(
            format!("/api/v1/communes/{WARD}/beats"),
            json!({"name": "Địa bàn 1", "officer_name": "Trương Văn Hải",
                   "valid_from": "2025-07-01"}),
        )
        .await;
        let beat_unit = created(
            format!("/api/v1/beats/{beat}/units"),
            json!({"unit_code": KHU_PHO, "valid_from": "2025-07-01"}),
        )
        .await;
        // The meetings demo seeds the khu phố's militia head; one is created where it has none.
        let seeded = one(format!(
            "SELECT COALESCE(MIN(id), 0) FROM militia_heads \
             WHERE unit_code = '{KHU_PHO}' AND valid_to IS NULL"
        ))
        .await;
        let militia_head = match seeded {
            0 => {
                created(
                    format!("/api/v1/communes/{WARD}/militia-heads"),
                    json!({"unit_code": KHU_PHO, "full_name": "Phan Văn Lộc",
                           "phone": "0907123401", "valid_from": "2025-07-01"}),
                )
                .await
            }
            id => id,
        };
        Self {
            vote,
            scheme,
            item,
            beat,
            beat_unit,
            militia_head,
        }
    }
}

impl Ids {
    /// Finds (or creates, through the API) one record of each kind the operations take.
    async fn collect(db: &TestDb, server: &Server, official: &str) -> Self {
        let one = |sql: String| async move { db.count(&sql).await };
        let household = one(format!(
            "SELECT MIN(id) FROM households WHERE unit_code = '{KHU_PHO}'"
        ))
        .await;
        let resident = one(format!(
            "SELECT MIN(id) FROM residents WHERE household_id = {household}"
        ))
        .await;
        let group = one(format!(
            "SELECT MIN(g.id) FROM community_groups g JOIN group_decisions d ON d.group_id = g.id \
             JOIN group_positions p ON p.group_id = g.id WHERE g.unit_code LIKE '{WARD}%'"
        ))
        .await;
        let decision = one(format!(
            "SELECT MIN(id) FROM group_decisions WHERE group_id = {group}"
        ))
        .await;
        let position = one(format!(
            "SELECT MIN(id) FROM group_positions WHERE group_id = {group}"
        ))
        .await;
        // Another resident's erasure request, so that deciding it leaves `resident` alone.
        let other = one(format!(
            "SELECT MAX(id) FROM residents WHERE household_id = {household}"
        ))
        .await;
        let (s, b) = post(
            server,
            Some(official),
            &format!("/api/v1/residents/{other}/erasure-requests"),
            json!({"reason": "Yêu cầu của người dân"}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        let erasure = b["id"].as_i64().unwrap();
        let (s, b) = post(
            server,
            Some(official),
            &format!("/api/v1/units/{WARD}/announcements"),
            json!({"title": "Lịch tiêm chủng", "body": "Tiêm chủng tại nhà văn hóa.",
                   "category": "other", "public": true}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        let announcement = b["id"].as_i64().unwrap();
        let action_item = one(format!(
            "SELECT MIN(id) FROM action_items WHERE unit_code = '{KHU_PHO}'"
        ))
        .await;
        // The held meeting, whose minutes exist (for the minutes' operations and the scan).
        let meeting = one(format!(
            "SELECT MIN(m.id) FROM meetings m JOIN meeting_minutes v ON v.meeting_id = m.id \
             WHERE m.unit_code = '{KHU_PHO}'"
        ))
        .await;
        let consultation = one(format!(
            "SELECT MIN(id) FROM consultations WHERE unit_code = '{KHU_PHO}'"
        ))
        .await;
        // Feedback with a photo, so that the photo operations meet one.
        let form = reqwest::multipart::Form::new()
            .text("category", "traffic")
            .text("description", "Đèn đường hỏng ở hẻm 12")
            .text("unit_code", KHU_PHO)
            .text("address", "12 Lê Thánh Tôn")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(crate::feedback_pages::jpeg_with_gps())
                    .file_name("den.jpg"),
            );
        let (s, b) = crate::harness::submit_feedback_form(server, form).await;
        assert_eq!(s, 201, "{b}");
        let feedback = b["tracking_code"].as_str().unwrap().to_owned();
        let photo = one("SELECT MAX(id) FROM feedback_photos".to_owned()).await;
        let request = crate::open311::submit_for_contract(server).await;
        let later = Later::collect(db, server).await;
        Self {
            household,
            resident,
            group,
            decision,
            position,
            announcement,
            erasure,
            action_item,
            meeting,
            consultation,
            feedback,
            photo,
            request,
            later,
        }
    }

    /// `[[operations]]` blocks fixing each group's path parameters.
    fn operations(&self) -> String {
        let blocks: Vec<(&str, String)> = vec![
            (
                r"^/api/v1/households/",
                format!(r#""path.id" = {}"#, self.household),
            ),
            (
                r"^/api/v1/residents/",
                format!(r#""path.id" = {}"#, self.resident),
            ),
            (
                r"^/api/v1/groups/",
                format!(
                    r#""path.id" = {}, "path.decision_id" = {}, "path.position_id" = {}"#,
                    self.group, self.decision, self.position
                ),
            ),
            (
                r"^/api/v1/announcements/",
                format!(
                    r#""path.id" = {}, "path.code" = "{WARD}""#,
                    self.announcement
                ),
            ),
            (
                r"^/api/v1/erasure-requests/",
                format!(r#""path.id" = {}"#, self.erasure),
            ),
            (
                r"^/api/v1/feedback/",
                format!(
                    r#""path.code" = "{}", "path.photo_id" = {}"#,
                    self.feedback, self.photo
                ),
            ),
            (
                r"^/api/v1/action-items/",
                format!(r#""path.id" = {}"#, self.action_item),
            ),
            (
                r"^/api/v1/meetings/",
                format!(r#""path.id" = {}"#, self.meeting),
            ),
            (
                r"^/api/v1/consultations/",
                format!(r#""path.id" = {}"#, self.consultation),
            ),
            (
                r"^/api/v1/votes/",
                format!(r#""path.id" = {}, "path.entry" = 1"#, self.later.vote),
            ),
            (
                r"^/api/v1/restructuring/schemes/",
                format!(
                    r#""path.id" = {}, "path.item" = {}"#,
                    self.later.scheme, self.later.item
                ),
            ),
            (
                r"^/api/v1/beats/",
                format!(r#""path.id" = {}"#, self.later.beat),
            ),
            (
                r"^/api/v1/beat-units/",
                format!(r#""path.id" = {}"#, self.later.beat_unit),
            ),
            (
                r"^/api/v1/militia-heads/",
                format!(r#""path.id" = {}"#, self.later.militia_head),
            ),
            (
                r"^/api/v1/communes/\{code\}/",
                format!(r#""path.code" = "{WARD}""#),
            ),
            (
                r"^/api/v1/units/\{code\}/(households|residents|import|export|regulations|leadership|action-items|meetings|consultations|votes|ballots|history)",
                format!(r#""path.code" = "{KHU_PHO}""#),
            ),
            (
                r"^/api/v1/units/\{code\}(/(announcements|feedback|groups|term-years|vote-thresholds|restructuring)|$)",
                format!(r#""path.code" = "{WARD}""#),
            ),
            (
                r"^/open311/v2/(requests|tokens)/",
                format!(
                    r#""path.service_request_id" = "{0}", "path.token" = "{0}""#,
                    self.request
                ),
            ),
            (
                r"^/open311/v2/services/",
                r#""path.service_code" = "traffic""#.to_owned(),
            ),
        ];
        // GeoReport v2 answers every refusal that is not a 403 or 404 with a 400, also a
        // rule between well-formed parameters (an end date before the start, more than 90
        // days, a unit outside the jurisdiction): clients of the specification expect it.
        let mut out = String::from(
            "\n[[operations]]\ninclude-path-regex = '^/open311/v2/requests\\.json$'\n\
             checks = { positive_data_acceptance = { expected-statuses = \
             [\"2xx\", \"400\", \"403\", \"404\", \"429\"] } }\n",
        );
        for (regex, params) in blocks {
            let _ = write!(
                out,
                "\n[[operations]]\ninclude-path-regex = '{regex}'\nparameters = {{ {params} }}\n"
            );
        }
        out
    }
}

/// The settings of `tests/it/schemathesis.toml` with `ids`' operation blocks, in `dir`.
fn config(dir: &Path, ids: &Ids) -> PathBuf {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/schemathesis.toml");
    let text = std::fs::read_to_string(base).unwrap() + &ids.operations();
    let path = dir.join("schemathesis.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `schemathesis run` on the document at `spec` with `config`, with `token` as bearer if
/// given, on the operations whose path matches `paths` (all if `None`); panics with the
/// report on any failure.
fn run(
    server: &Server,
    config: &Path,
    spec: &str,
    (token, paths): (Option<&str>, Option<&str>),
    who: &str,
) {
    let mut cmd = Command::new(binary());
    cmd.arg("--config-file")
        .arg(config)
        .arg("run")
        .arg(server.url(spec))
        .args(["--checks", "all", "--max-examples", EXAMPLES, "--seed", "1"])
        // One worker: Python 3.11's `compile` is not safe across threads (schemathesis then
        // fails with "AST constructor recursion depth mismatch").
        .args(["--phases", "examples,coverage,fuzzing", "--workers", "1"])
        .args(["--no-color", "--generation-database", "none"])
        // A developer's hooks stay out; report files, if any, out of the source tree.
        .env_remove("SCHEMATHESIS_HOOKS")
        .current_dir(config.parent().unwrap());
    if let Some(t) = token {
        cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
    }
    if let Some(regex) = paths {
        cmd.args(["--include-path-regex", regex]);
    }
    let out = cmd.output().expect("run schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures ({who}):\n{report}\n{}\n--- server log ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.log()
    );
    // A run that tested nothing would pass too.
    assert!(
        report.contains("Tested: "),
        "no operation tested ({who}):\n{report}"
    );
}

on_both_backends!(schemathesis_finds_no_failure);

async fn schemathesis_finds_no_failure(db: &TestDb) {
    if !binary().exists() {
        crate::skip!("schemathesis is not installed at {}", binary().display());
    }
    // With the meetings demo: the action items, the held meeting with its minutes and the
    // consultation the operations are given.
    db.seed_demo_with_meetings();
    let official = db.run_ok(
        &[
            "token",
            "create",
            "--username",
            "canbo.benthanh",
            "--name",
            "contract",
        ],
        "",
    );
    let official = official.trim();
    // The demo resident linked to a person, for the operations about the caller's own data.
    let resident = db.run_ok(
        &[
            "token",
            "create",
            "--username",
            "dan.kp01",
            "--name",
            "contract",
        ],
        "",
    );
    let resident = resident.trim();
    let server = Server::start(db);
    let ids = Ids::collect(db, &server, official).await;
    let config = config(db.data_dir(), &ids);
    let api = "/api/openapi.json";
    run(
        &server,
        &config,
        api,
        (Some(official), None),
        "a ward official",
    );
    run(&server, &config, api, (None, None), "anonymous");
    run(
        &server,
        &config,
        api,
        (Some(resident), Some("^/api/v1/me(/|$)")),
        "a resident",
    );
    run(
        &server,
        &config,
        "/open311/v2/openapi.json",
        (None, None),
        "Open311",
    );
}

on_both_backends!(a_refused_photo_beside_another_error_is_its_rule);

/// A photo that is not an image, sent with another refused field (no contact for a category
/// that needs one): the documented 422 `photo_type` on `photo`, never a 400 naming a file
/// the schema admits (schemathesis found this one).
async fn a_refused_photo_beside_another_error_is_its_rule(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let form = reqwest::multipart::Form::new()
        .text("category", "administrative")
        .text("description", "Hỏi thủ tục cấp lại sổ")
        .text("unit_code", KHU_PHO)
        .part(
            "photo",
            reqwest::multipart::Part::bytes(b"GIF89a....".to_vec()).file_name("a.gif"),
        );
    let r = server
        .http
        .post(server.url("/api/v1/feedback"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "photo_type", "{b}");
    assert_eq!(b["error"]["field"], "photo", "{b}");
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
}
