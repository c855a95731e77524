//! Consultations on a draft document: the article split, the 30-day rule, drafts private
//! and opened ones public, comments per household online and from paper, the summary equal
//! to a naive count, permissions, audit rows, and the printed form and summary.

use serde_json::{json, Value};

use crate::harness::{
    demo_token, error_code as code, get_json as get, post_json as post, Server, TestDb,
};
use crate::on_both_backends;

mod probes;

pub use probes::{audit_probe, matrix_probe};

pub const DRAFT: &str = "HƯƠNG ƯỚC KHU PHỐ 1\nLời nói đầu của hương ước.\nĐiều 1. Phạm vi áp dụng\nHương ước áp dụng cho mọi hộ gia đình.\nĐiều 2. Giữ gìn trật tự\nKhông gây ồn sau 22 giờ.\nĐiều này áp dụng cả ngày lễ.\nĐiều 3. Vệ sinh môi trường\nĐổ rác đúng giờ.";

pub fn draft_body(title: &str) -> Value {
    json!({"title": title, "kind": "huong_uoc", "text": DRAFT,
           "opens_on": "2026-01-01", "closes_on": "2099-12-31"})
}

/// A consultation written and opened at `unit` by `token`; returns its id.
pub async fn open_one(server: &Server, token: &str, unit: &str, title: &str) -> i64 {
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/units/{unit}/consultations"),
        draft_body(title),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (s, b) = post(
        server,
        token,
        &format!("/api/v1/consultations/{id}/open"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    id
}

on_both_backends!(a_consultation_from_draft_to_summary);
async fn a_consultation_from_draft_to_summary(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let resident = demo_token(db, "dan.kp01");
    let units = "/api/v1/units/26743-kp01/consultations";

    // Every bad field at once; then the 30-day rule of a convention.
    let (s, b) = post(
        &server,
        &head,
        units,
        json!({"title": " ", "kind": "luat",
        "text": "Điều 1. A\nĐiều 1. B", "closes_on": "31/02/2027"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = post(
        &server,
        &head,
        units,
        json!({"title": "Hương ước", "kind": "huong_uoc",
        "text": DRAFT, "opens_on": "2026-12-01", "closes_on": "2026-12-30"}),
    )
    .await;
    assert_eq!(
        (s, code(&b)),
        (422, Some("consultation_posting_too_short")),
        "{b}"
    );
    let (s, b) = post(
        &server,
        &head,
        units,
        json!({"title": "Kế hoạch", "kind": "plan",
        "text": DRAFT, "opens_on": "2026-12-01", "closes_on": "2026-12-30"}),
    )
    .await;
    assert_eq!(s, 201, "a plan needs no 30 days: {b}");

    let (s, b) = post(
        &server,
        &head,
        units,
        draft_body("Dự thảo hương ước khu phố 1"),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let one = format!("/api/v1/consultations/{id}");
    // Split on the "Điều N." headings; a sentence starting "Điều này" stays in its article.
    let (s, d) = get(&server, &head, &one).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        d["preamble"],
        "HƯƠNG ƯỚC KHU PHỐ 1\nLời nói đầu của hương ước."
    );
    let arts = d["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 3, "{d}");
    assert_eq!(arts[1]["heading"], "Giữ gìn trật tự");
    assert_eq!(
        arts[1]["text"],
        "Không gây ồn sau 22 giờ.\nĐiều này áp dụng cả ngày lễ."
    );
    // A draft is not public; it is editable.
    let r = server.get(&one).await;
    assert_eq!(r.status(), 401);
    let (s, _) = get(&server, &resident, &one).await;
    assert_eq!(s, 403);
    let edited = DRAFT.replace(
        "Đổ rác đúng giờ.",
        "Đổ rác đúng giờ.\nĐiều 4. Thi hành\nTừ ngày ký.",
    );
    let mut body = draft_body("Dự thảo hương ước khu phố 1");
    body["text"] = json!(edited);
    let r = server
        .http
        .put(server.url(&one))
        .bearer_auth(&head)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["articles"].as_array().unwrap().len(), 4, "{d}");
    // Comments wait for the opening.
    let own = format!("{one}/comments");
    let (s, b) = post(
        &server,
        &resident,
        &own,
        json!({"comments": [{"article": 1, "stance": "agree"}]}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, Some("consultation_not_open")), "{b}");

    let (s, b) = post(&server, &head, &format!("{one}/open"), json!({})).await;
    assert_eq!((s, b["status"].as_str()), (200, Some("open")), "{b}");
    let (s, b) = post(&server, &head, &format!("{one}/open"), json!({})).await;
    assert_eq!((s, code(&b)), (422, Some("consultation_not_draft")), "{b}");
    let r = server
        .http
        .put(server.url(&one))
        .bearer_auth(&head)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // Now public, without signing in: the API, the page and the unit's notice board.
    let r = server.get(&one).await;
    assert_eq!(r.status(), 200);
    let html = server
        .get(&format!("/consultations/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Điều 2. Giữ gìn trật tự"), "{html}");
    let board = server
        .get("/territory/26743-kp01/notices")
        .await
        .text()
        .await
        .unwrap();
    assert!(board.contains(&format!("/consultations/{id}")), "{board}");

    // Online: the resident for the household, twice; a proposal needs its text; control
    // characters and unknown articles are refused and change nothing.
    let (s, b) = post(
        &server,
        &resident,
        &own,
        json!({"comments": [
        {"article": 1, "stance": "agree"},
        {"article": 2, "stance": "propose", "text": "Đề nghị sửa thành 21 giờ"}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = post(&server, &resident, &own, json!({"comments": [
        {"article": 1, "stance": "agree"}, {"article": 3, "stance": "disagree", "text": "Giờ đổ rác quá sớm"}]})).await;
    assert_eq!(s, 201, "{b}");
    let before = db
        .count(&format!(
            "SELECT COUNT(*) FROM consultation_comments WHERE consultation_id = {id}"
        ))
        .await;
    let (s, b) = post(
        &server,
        &resident,
        &own,
        json!({"comments": [{"article": 2, "stance": "propose"}]}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (400, Some("text")),
        "{b}"
    );
    let (s, b) = post(
        &server,
        &resident,
        &own,
        json!({"comments": [{"article": 2, "stance": "disagree", "text": "a\u{1}b"}]}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = post(
        &server,
        &resident,
        &own,
        json!({"comments": [{"article": 9, "stance": "agree"}]}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, Some("consultation_no_article")), "{b}");
    let after = db
        .count(&format!(
            "SELECT COUNT(*) FROM consultation_comments WHERE consultation_id = {id}"
        ))
        .await;
    assert_eq!(before, after);

    // Paper: the head enters forms of other households of the unit.
    let (s, hh) = get(&server, &head, "/api/v1/units/26743-kp01/households").await;
    assert_eq!(s, 200, "{hh}");
    let own_hid = db.count("SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id WHERE u.username = 'dan.kp01'").await;
    let others: Vec<i64> = hh["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .filter(|h| *h != own_hid)
        .take(3)
        .collect();
    assert_eq!(others.len(), 3);
    let paper = format!("{one}/paper-comments");
    let forms = [
        (
            others[0],
            json!([{"article": 1, "stance": "agree"}, {"article": 2, "stance": "agree"}]),
        ),
        (
            others[1],
            json!([{"article": 1, "stance": "disagree"}, {"article": 2, "stance": "propose", "text": "Bỏ ngày lễ"}]),
        ),
        (
            others[2],
            json!([{"article": 2, "stance": "propose", "text": "Thêm giờ nghỉ trưa"}, {"article": 2, "stance": "propose", "text": "Nêu mức nhắc nhở"}]),
        ),
        (own_hid, json!([{"article": 4, "stance": "agree"}])),
    ];
    for (hid, comments) in &forms {
        let (s, b) = post(
            &server,
            &head,
            &paper,
            json!({"household_id": hid, "comments": comments}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    // Another khu phố's head may not enter them; a household elsewhere is refused.
    let other_head = db.user_with_token(
        "truong.kp02c",
        "unit_head",
        Some("26743-kp02"),
        "Kp2-consult-1",
    );
    let (s, _) = post(
        &server,
        &other_head,
        &paper,
        json!({"household_id": others[0], "comments": [{"article": 1, "stance": "agree"}]}),
    )
    .await;
    assert_eq!(s, 403);
    let elsewhere = db
        .count("SELECT MIN(id) FROM households WHERE unit_code = '26743-kp02'")
        .await;
    let official = demo_token(db, "canbo.benthanh");
    let (s, b) = post(
        &server,
        &official,
        &paper,
        json!({"household_id": elsewhere, "comments": [{"article": 1, "stance": "agree"}]}),
    )
    .await;
    assert_eq!(
        (s, code(&b)),
        (422, Some("consultation_not_for_household")),
        "{b}"
    );
    let (s, _) = get(&server, &resident, &format!("{one}/summary")).await;
    assert_eq!(s, 403);

    // The summary equals a naive count of distinct households per article and stance.
    let (s, sum) = get(&server, &head, &format!("{one}/summary")).await;
    assert_eq!(s, 200, "{sum}");
    for a in sum["articles"].as_array().unwrap() {
        let n = a["number"].as_i64().unwrap();
        for stance in ["agree", "disagree", "propose"] {
            let naive = db
                .count(&format!(
                    "SELECT COUNT(DISTINCT household_id) FROM consultation_comments \
                 WHERE consultation_id = {id} AND article = {n} AND stance = '{stance}'"
                ))
                .await;
            assert_eq!(
                a[stance].as_i64(),
                Some(naive),
                "article {n} {stance}: {sum}"
            );
        }
    }
    let art2 = &sum["articles"][1];
    assert_eq!(
        (art2["agree"].as_i64(), art2["propose"].as_i64()),
        (Some(1), Some(3)),
        "{sum}"
    );
    assert_eq!(
        sum["articles"][0]["agree"], 2,
        "the resident's two agreements count once: {sum}"
    );
    assert_eq!(sum["households"], 4);
    assert_eq!(
        (sum["online"].as_i64(), sum["paper"].as_i64()),
        (Some(1), Some(4))
    );
    let text = sum.to_string();
    assert!(text.contains("Đề nghị sửa thành 21 giờ") && text.contains("Nêu mức nhắc nhở"));
    // No personal data in the summary.
    let name = hh["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == others[1])
        .map(|h| h["representative_name"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(!text.contains(&name), "{name} in {text}");
    // The staff list names the households, and reading it is audited.
    let (s, list) = get(&server, &head, &format!("{one}/comments")).await;
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().unwrap().len() as i64, after + 7);
    // Every change is audited.
    let audited = |action: &str| {
        format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND target_id = '{id}'")
    };
    assert_eq!(db.count(&audited("consultation.create")).await, 1);
    assert_eq!(db.count(&audited("consultation.edit")).await, 1);
    assert_eq!(db.count(&audited("consultation.open")).await, 1);
    assert_eq!(db.count(&audited("consultation.comment")).await, 6);
    assert_eq!(db.count(&audited("consultation.comments_read")).await, 1);

    // The start page of the head: households that have commented on the open draft.
    let (browser, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let start = server.html(&browser, "/start").await;
    assert!(start.contains("Dự thảo đang lấy ý kiến"), "{start}");

    // Printed: the paper form (one row per article) and the summary.
    let r = server
        .get(&format!("/consultations/{id}/files/form.pdf"))
        .await;
    assert_eq!(r.status(), 200);
    let form = crate::documents::pdf_text(&r.bytes().await.unwrap());
    for label in [
        "PHIẾU GÓP Ý",
        "Điều 1. Phạm vi áp dụng",
        "Điều 4. Thi hành",
        "Đồng ý",
    ] {
        assert!(form.contains(label), "{label} missing:\n{form}");
    }
    let r = browser
        .get(server.url(&format!("/consultations/{id}/files/summary.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let pdf = crate::documents::pdf_text(&r.bytes().await.unwrap());
    for t in [
        "Tổng hợp ý kiến góp ý dự thảo",
        "Đề nghị sửa thành 21 giờ",
        "Có 4 hộ gia đình góp ý",
    ] {
        assert!(pdf.contains(t), "{t} missing:\n{pdf}");
    }
    assert!(!pdf.contains(&name), "{name} printed");
    let r = browser
        .get(server.url(&format!("/consultations/{id}/files/summary.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(crate::documents::docx_xml(&r.bytes().await.unwrap()).contains("Nêu mức nhắc nhở"));

    // Closed: no more comments, online or on paper.
    let (s, b) = post(&server, &head, &format!("{one}/close"), json!({})).await;
    assert_eq!((s, b["status"].as_str()), (200, Some("closed")), "{b}");
    let (s, b) = post(
        &server,
        &resident,
        &own,
        json!({"comments": [{"article": 1, "stance": "agree"}]}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, Some("consultation_not_open")), "{b}");
    let (s, b) = post(
        &server,
        &head,
        &paper,
        json!({"household_id": others[0], "comments": [{"article": 1, "stance": "agree"}]}),
    )
    .await;
    assert_eq!((s, code(&b)), (422, Some("consultation_not_open")), "{b}");
}

on_both_backends!(consultation_pages_without_javascript);
async fn consultation_pages_without_javascript(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (head, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    // The draft form: every error at once beside its field, values kept.
    let r = server
        .submit(
            &head,
            &csrf,
            "/territory/26743-kp01/consultations",
            &[
                ("title", ""),
                ("kind", "huong_uoc"),
                ("text", "Chỉ một câu giữ lại"),
                ("opens_on", "2026-13-01"),
                ("closes_on", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    for id in ["title-error", "opens_on-error", "closes_on-error"] {
        assert!(html.contains(id), "{id} missing");
    }
    assert!(html.contains("Chỉ một câu giữ lại") && html.contains("novalidate"));
    let r = server
        .submit(
            &head,
            &csrf,
            "/territory/26743-kp01/consultations",
            &[
                ("title", "Quy ước tổ 3"),
                ("kind", "quy_uoc"),
                ("text", DRAFT),
                ("opens_on", "2026-01-01"),
                ("closes_on", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.trim_start_matches("/consultations/").parse().unwrap();
    let r = server
        .submit(&head, &csrf, &format!("/consultations/{id}/open"), &[])
        .await;
    assert_eq!(r.status(), 303);
    // The resident's form: a proposal without text is refused beside its article.
    let (res, rcsrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let page = server.html(&res, &to).await;
    assert!(page.contains("name=\"stance-2\""), "{page}");
    let r = server
        .submit(
            &res,
            &rcsrf,
            &format!("/consultations/{id}/comments"),
            &[
                ("stance-1", "agree"),
                ("stance-2", "propose"),
                ("text-2", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("text-2-error"), "{html}");
    let r = server
        .submit(
            &res,
            &rcsrf,
            &format!("/consultations/{id}/comments"),
            &[
                ("stance-1", "agree"),
                ("stance-2", "propose"),
                ("text-2", "Sửa giờ"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = server.html(&res, &to).await;
    assert!(page.contains("Sửa giờ"), "the household sees its comments");
    // The head's paper entry, and the confirmation before closing.
    let r = server
        .submit(
            &head,
            &csrf,
            &format!("/consultations/{id}/paper"),
            &[("household_id", ""), ("stance-3", "agree")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("household_id-error"));
    let hid = db
        .count("SELECT MIN(id) FROM households WHERE unit_code = '26743-kp01'")
        .await;
    let r = server
        .submit(
            &head,
            &csrf,
            &format!("/consultations/{id}/paper"),
            &[
                ("household_id", &hid.to_string()),
                ("stance-3", "disagree"),
                ("text-3", "Không hợp lý"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = server
        .html(&head, &format!("/consultations/{id}/close"))
        .await;
    assert!(page.contains(&format!("action=\"/consultations/{id}/close\"")));
    let r = server
        .submit(&head, &csrf, &format!("/consultations/{id}/close"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let summary = server
        .html(&head, &format!("/consultations/{id}/summary"))
        .await;
    assert!(
        summary.contains("Không hợp lý") && summary.contains("Sửa giờ"),
        "{summary}"
    );
}
