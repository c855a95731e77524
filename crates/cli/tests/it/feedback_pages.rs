//! Resident feedback, public pages: the form (with photos), tracking, reopening and rating
//! through forms, the public unit list, and the photo upload of the JSON API. Above all: no
//! personal data on a public page, and photos never served to the public.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::harness::{browser, csrf_in, page as text, submit_feedback_form, Server, TestDb};
use crate::on_both_backends;

const UNIT: &str = "26743-kp01";
const NAME: &str = "Trần Thị Riêng Tư";
const PHONE: &str = "0912345678";
const EMAIL: &str = "rieng.tu@example.vn";
const ADDRESS: &str = "Số 47 hẻm 9 Nguyễn Huệ";
pub(crate) const DESCRIPTION: &str = "Cột điện nghiêng sắp đổ trước cổng trường";

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() + 2) as u16;
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A small JPEG as phones make it: JFIF, then EXIF with a GPS position, then the image.
pub(crate) fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(segment(
        0xE1,
        b"Exif\0\0MM\0*GPSLatitude 10.7769 N GPSLongitude 106.7009 E",
    ));
    jpeg.extend(segment(0xFE, b"taken at home"));
    jpeg.extend(segment(0xDB, &[1; 65]));
    jpeg.extend(segment(0xDA, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    jpeg.extend([0x12, 0x34, 0x56, 0xFF, 0xD9]);
    jpeg
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The form page for `unit` in this browser: its status and HTML.
async fn form_page(server: &Server, b: &reqwest::Client, unit: &str) -> (u16, String) {
    let r = b
        .get(server.url(&format!("/feedback/new?unit={unit}")))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

/// Sends the feedback form from this browser (after loading it for its CSRF token).
pub(crate) async fn send_form(
    server: &Server,
    b: &reqwest::Client,
    fields: &[(&str, &str)],
    photos: Vec<Vec<u8>>,
) -> reqwest::Response {
    let unit = fields
        .iter()
        .find(|(k, _)| *k == "unit_code")
        .map_or(UNIT, |(_, v)| *v);
    let (s, html) = form_page(server, b, unit).await;
    assert_eq!(s, 200, "{html}");
    let mut form = Form::new().text("csrf", csrf_in(&html));
    if !fields.iter().any(|(k, _)| *k == "unit_code") {
        form = form.text("unit_code", UNIT);
    }
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (i, p) in photos.into_iter().enumerate() {
        form = form.part(
            "photo",
            Part::bytes(p)
                .file_name(format!("anh{i}.jpg"))
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    b.post(server.url("/feedback/new"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The tracking code of a successful form: the page it redirects to.
pub(crate) fn code_of(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), 303, "the form was not accepted");
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let code = to
        .strip_prefix("/feedback/")
        .and_then(|s| s.strip_suffix("?sent=1"))
        .unwrap_or_else(|| panic!("unexpected redirect {to}"));
    code.to_owned()
}

/// A complete anonymous submission with every personal field and one photo.
pub(crate) fn full_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("category", "infrastructure"),
        ("description", DESCRIPTION),
        ("address", ADDRESS),
        ("lat", "10.7769"),
        ("lng", "106.7009"),
        ("contact_name", NAME),
        ("contact_phone", PHONE),
        ("contact_email", EMAIL),
    ]
}

async fn api(server: &Server, token: &str, m: reqwest::Method, path: &str, body: Value) -> u16 {
    server
        .http
        .request(m, server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Staff steps through the API as the administrator.
async fn step(server: &Server, code: &str, body: Value) {
    let s = api(
        server,
        &server.token,
        reqwest::Method::POST,
        &format!("/api/v1/feedback/{code}/steps"),
        body,
    )
    .await;
    assert_eq!(s, 200);
}

pub(crate) async fn resolve(server: &Server, code: &str) {
    for action in ["acknowledge", "start"] {
        step(server, code, json!({"action": action})).await;
    }
    step(
        server,
        code,
        json!({"action": "resolve", "public_note": "Đã chằng lại cột điện."}),
    )
    .await;
}

/// The audit probes of this module's state-changing routes (see `access::exercise`).
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let _ = (db, admin);
    if !tuquan_web::pages::feedback_public::MUTATING.contains(&(method, path)) {
        return None;
    }
    let b = browser();
    let (_, html) = form_page(server, &b, UNIT).await;
    let csrf = csrf_in(&html);
    if path == "/feedback/new" {
        let form = Form::new()
            .text("csrf", csrf)
            .text("unit_code", UNIT)
            .text("category", "traffic")
            .text("description", "Xe đậu chắn lối đi");
        return Some(
            b.post(server.url(path))
                .header("x-request-id", rid)
                .multipart(form),
        );
    }
    let code = code_of(&send_form(server, &b, &full_fields(), vec![]).await);
    resolve(server, &code).await;
    let (url, form) = match path {
        "/feedback/{code}/reopen" => (
            format!("/feedback/{code}/reopen"),
            vec![
                ("csrf", csrf),
                ("reason", "Cột lại nghiêng".into()),
                ("contact", PHONE.into()),
            ],
        ),
        _ => (
            format!("/feedback/{code}/rating"),
            vec![
                ("csrf", csrf),
                ("rating", "5".into()),
                ("contact", PHONE.into()),
            ],
        ),
    };
    Some(
        b.post(server.url(&url))
            .header("x-request-id", rid)
            .form(&form),
    )
}

on_both_backends!(the_form_sends_feedback_with_a_photo_cleaned_of_its_location);
async fn the_form_sends_feedback_with_a_photo_cleaned_of_its_location(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // The site's navigation leads to the form; without a place, the place is asked first,
    // without JavaScript: by search, by commune, or by code.
    let (_, home) = server.get_text("/").await;
    assert!(home.contains("href=\"/feedback/new\""), "nav link");
    let (s, pick) = server.get_text("/feedback/new").await;
    assert_eq!(s, 200);
    assert!(pick.contains("name=\"unit\"") && pick.contains("name=\"q\""));
    let (s, list) = server.get_text("/feedback/new?commune=26743").await;
    assert_eq!(s, 200);
    assert!(list.contains("/feedback/new?unit=26743-kp01"), "{list}");
    let (s, found) = server.get_text("/feedback/new?q=ben+thanh").await;
    assert_eq!(s, 200);
    assert!(
        found.contains("/feedback/new?commune=26743"),
        "search finds the ward"
    );
    let (s, bad) = server.get_text("/feedback/new?unit=99999-zz").await;
    assert_eq!(s, 400);
    assert!(bad.contains("Không tìm thấy khu dân cư"));

    // The form offers the commune's categories and says which need a contact.
    let b = browser();
    let (s, html) = form_page(&server, &b, UNIT).await;
    assert_eq!(s, 200);
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("value=\"fire_risk\"") && html.contains("value=\"administrative\""));
    assert!(html.contains("cần đăng nhập hoặc để lại số điện thoại/email"));
    assert!(
        !html.contains("name=\"on_behalf\""),
        "only staff file for others"
    );

    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let r = send_form(&server, &b, &full_fields(), vec![jpeg_with_gps()]).await;
    let code = code_of(&r);
    assert!(code.starts_with("PA-") && code.len() == 11);
    // The code is shown at once on the page the form leads to.
    let (s, page) = text(&b, &server, &format!("/feedback/{code}?sent=1")).await;
    assert_eq!(s, 200);
    assert!(page.contains("id=\"tracking-code\">") && page.contains(&code));
    assert!(page.contains("Đã gửi phản ánh"));
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before + 1);
    let id = db
        .count(&format!(
            "SELECT id FROM feedback WHERE tracking_code = '{code}' AND submitter_id IS NULL \
             AND contact_phone = '{PHONE}' AND unit_code = '{UNIT}'"
        ))
        .await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback_photos WHERE feedback_id = {id}"
        ))
        .await,
        1
    );

    // The photo is stored without its metadata; staff who handle the unit can see it.
    let head = db.user_with_token("truong.fbp", "unit_head", Some(UNIT), "head-pass-123");
    let r = server
        .get_with_token(&head, &format!("/api/v1/feedback/{code}/photos"))
        .await;
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    let url = list["photos"][0]["url"].as_str().unwrap().to_owned();
    let r = server.get_with_token(&head, &url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && contains(&bytes, b"JFIF"));
    for meta in [&b"Exif"[..], b"GPS", b"106.7009", b"taken at home"] {
        assert!(!contains(&bytes, meta), "metadata left in the stored photo");
    }
    let stored_len = db
        .count(&format!(
            "SELECT CAST(LENGTH(bytes) AS BIGINT) FROM feedback_photos WHERE feedback_id = {id}"
        ))
        .await;
    assert_eq!(stored_len as usize, bytes.len());
    assert!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.photo_viewed' \
             AND actor_username = 'truong.fbp'"
        )
        .await
            >= 1,
        "staff views of photos are audited"
    );

    // Never to the public: not on the page, not at the photo's address, not in the API.
    let page_url = url.replace("/api/v1", "");
    let anon = browser();
    let (_, public) = text(&anon, &server, &format!("/feedback/{code}")).await;
    assert!(!public.contains("/photos/"));
    // Pages send an anonymous visitor to the sign-in form.
    let r = anon.get(server.url(&page_url)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    assert_eq!(server.get(&url).await.status(), 401);
    assert_eq!(
        server
            .get(&format!("/api/v1/feedback/{code}/photos"))
            .await
            .status(),
        401
    );
    let (resident, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    assert_eq!(text(&resident, &server, &page_url).await.0, 403);
    let (staff, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let r = staff.get(server.url(&page_url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap(), bytes);
    let (_, staff_view) = text(&staff, &server, &format!("/feedback/{code}")).await;
    assert!(staff_view.contains(&page_url) && staff_view.contains(DESCRIPTION));

    // The JSON API takes photos too, as multipart/form-data, with the same checks.
    let form = Form::new()
        .text("category", "environment")
        .text("description", "Rác đổ trộm ở bãi đất trống")
        .text("unit_code", "26743-kp02")
        .part("photo", Part::bytes(jpeg_with_gps()).file_name("a.jpg"))
        .part("photo", Part::bytes(jpeg_with_gps()).file_name("b.jpg"));
    let (s, b) = submit_feedback_form(&server, form).await;
    assert_eq!(s, 201, "{b}");
    let api_code = b["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback_photos p JOIN feedback f ON f.id = p.feedback_id \
             WHERE f.tracking_code = '{api_code}'"
        ))
        .await,
        2
    );
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let form = Form::new()
        .text("category", "environment")
        .text("description", "Rác")
        .text("unit_code", "26743-kp02")
        .part(
            "photo",
            Part::bytes(b"%PDF-1.4 not a photo".to_vec()).file_name("x.pdf"),
        );
    let (s, e) = submit_feedback_form(&server, form).await;
    // A refused photo breaks a rule: 422 with its code.
    assert_eq!(s, 422);
    assert_eq!(e["error"]["field"], "photo");
    assert_eq!(e["error"]["code"], "photo_type");
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
}

on_both_backends!(bad_input_shows_the_form_again_and_stores_nothing);
async fn bad_input_shows_the_form_again_and_stores_nothing(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let b = browser();
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let with = |patch: &[(&'static str, &'static str)]| {
        let mut f = full_fields();
        for (k, v) in patch {
            f.retain(|(fk, _)| fk != k);
            f.push((k, v));
        }
        f
    };
    // (changes, photos, what the page must say)
    let big = {
        let mut p = jpeg_with_gps();
        p.resize(5 * 1024 * 1024 + 10, 0);
        p
    };
    type Case = (
        Vec<(&'static str, &'static str)>,
        Vec<Vec<u8>>,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            with(&[("description", "   ")]),
            vec![],
            "Trường “Nội dung phản ánh” là bắt buộc.",
        ),
        (
            with(&[("category", "nope")]),
            vec![],
            "Loại phản ánh đã chọn không có ở xã, phường này",
        ),
        (
            with(&[("contact_phone", "123")]),
            vec![],
            "Trường “Số điện thoại” không đúng định dạng.",
        ),
        (with(&[("lng", "")]), vec![], "Hãy nhập cả vĩ độ và kinh độ"),
        (
            with(&[]),
            vec![big],
            "Ảnh chụp quá lớn: mỗi ảnh tối đa 5 MB.",
        ),
        (
            with(&[]),
            vec![b"GIF89a....".to_vec()],
            "Ảnh chụp phải là tệp JPEG hoặc PNG",
        ),
        (
            with(&[]),
            vec![
                jpeg_with_gps(),
                jpeg_with_gps(),
                jpeg_with_gps(),
                jpeg_with_gps(),
            ],
            "Chỉ gửi được tối đa 3 ảnh.",
        ),
    ];
    for (fields, photos, message) in cases {
        // A refused photo breaks a rule (422); the other cases are bad input (400).
        let expected = if photos.is_empty() { 400 } else { 422 };
        let r = send_form(&server, &b, &fields, photos).await;
        assert_eq!(r.status(), expected, "{message}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{message} not in:\n{html}");
        // What was typed is kept.
        assert!(html.contains(ADDRESS) && html.contains(NAME));
        assert!(html.contains("class=\"field-error\""));
        assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
    }
    // Categories that need a contact refuse anonymous feedback without one, and say so.
    let r = send_form(
        &server,
        &b,
        &[
            ("category", "administrative"),
            ("description", "Hỏi thủ tục cấp lại sổ"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("không nhận gửi ẩn danh: hãy đăng nhập"));
    assert!(html.contains("Hỏi thủ tục cấp lại sổ"));
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
    // The same category is accepted from a signed-in resident.
    let (resident, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let r = send_form(
        &server,
        &resident,
        &[
            ("category", "administrative"),
            ("description", "Hỏi thủ tục cấp lại sổ"),
        ],
        vec![],
    )
    .await;
    let code = code_of(&r);
    let uid = db
        .count("SELECT id FROM users WHERE username = 'dan.kp01'")
        .await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND submitter_id = {uid}"
        ))
        .await,
        1
    );
    // Without the CSRF token nothing is stored.
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let form = Form::new()
        .text("unit_code", UNIT)
        .text("category", "traffic")
        .text("description", "Không có mã CSRF");
    let r = browser()
        .post(server.url("/feedback/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
}

on_both_backends!(a_unit_head_files_for_a_resident_who_came_in_person);
async fn a_unit_head_files_for_a_resident_who_came_in_person(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (head, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let (_, html) = form_page(&server, &head, UNIT).await;
    assert!(html.contains("name=\"on_behalf\""));
    let r = send_form(
        &server,
        &head,
        &[
            ("category", "administrative"),
            ("description", "Bà Tư hỏi về trợ cấp người cao tuổi"),
            ("on_behalf", "on"),
            ("contact_name", "Lê Thị Tư"),
            ("contact_phone", "0987654321"),
        ],
        vec![],
    )
    .await;
    let code = code_of(&r);
    let head_id = db
        .count("SELECT id FROM users WHERE username = 'totruong.kp01'")
        .await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND filed_by_id = {head_id} \
             AND submitter_id IS NULL AND contact_phone = '0987654321'"
        ))
        .await,
        1
    );
    // Not for a unit the head does not handle, nor for a resident.
    let (_, other) = form_page(&server, &head, "26743-kp02").await;
    assert!(!other.contains("name=\"on_behalf\""));
    let r = send_form(
        &server,
        &head,
        &[
            ("unit_code", "26743-kp02"),
            ("category", "traffic"),
            ("description", "x"),
            ("on_behalf", "on"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), 403);
    let (resident, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let (_, html) = form_page(&server, &resident, UNIT).await;
    assert!(!html.contains("name=\"on_behalf\""));
    let r = send_form(
        &server,
        &resident,
        &[
            ("category", "traffic"),
            ("description", "x"),
            ("on_behalf", "on"),
        ],
        vec![],
    )
    .await;
    assert_eq!(r.status(), 403);
}

on_both_backends!(public_pages_show_public_notes_and_no_personal_data);
async fn public_pages_show_public_notes_and_no_personal_data(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let b = browser();
    let code = code_of(&send_form(&server, &b, &full_fields(), vec![jpeg_with_gps()]).await);
    step(&server, &code, json!({"action": "acknowledge"})).await;
    step(
        &server,
        &code,
        json!({"action": "note", "public_note": "Đã báo Điện lực Sài Gòn",
               "internal_note": "Chủ nhà số 47 hay gây khó dễ"}),
    )
    .await;
    let secrets = [
        NAME,
        PHONE,
        EMAIL,
        ADDRESS,
        DESCRIPTION,
        "Chủ nhà số 47",
        "/photos/",
    ];
    let anon = browser();
    let (s, page) = text(&anon, &server, &format!("/feedback/{code}")).await;
    assert_eq!(s, 200);
    assert!(page.contains("Đã báo Điện lực Sài Gòn"), "the public note");
    assert!(page.contains("Khu phố 1") && page.contains("Đã xác nhận"));
    assert!(page.contains("Hạn giải quyết"));
    for (path, html) in [
        (format!("/feedback/{code}"), page.clone()),
        (
            "/units/26743-kp01/feedback".to_owned(),
            text(&anon, &server, "/units/26743-kp01/feedback").await.1,
        ),
        (
            "/units/26743/feedback".to_owned(),
            text(&anon, &server, "/units/26743/feedback").await.1,
        ),
        (
            "/units/26743/feedback?status=acknowledged&category=infrastructure".to_owned(),
            text(
                &anon,
                &server,
                "/units/26743/feedback?status=acknowledged&category=infrastructure",
            )
            .await
            .1,
        ),
    ] {
        assert!(html.contains(&code), "{path} lists the item");
        for s in secrets {
            assert!(!html.contains(s), "{s} leaked in {path}");
        }
    }
    // Filters narrow the list.
    let (_, none) = text(&anon, &server, "/units/26743/feedback?status=resolved").await;
    assert!(!none.contains(&code) && none.contains("Không có phản ánh nào khớp bộ lọc."));
    let (s, _) = text(&anon, &server, "/units/26743/feedback?status=flying").await;
    assert_eq!(s, 400);
    // The unit's territory page links to its public list.
    let (_, territory) = text(&anon, &server, "/territory/26743-kp01").await;
    assert!(territory.contains("/units/26743-kp01/feedback"));
    assert!(territory.contains("/feedback/new?unit=26743-kp01"));
    // Look-up by code, in any case.
    let r = anon
        .get(server.url(&format!("/feedback?code={}", code.to_lowercase())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/feedback/{code}").as_str()
    );
    let (s, miss) = text(&anon, &server, "/feedback?code=PA-ZZZZZZZZ").await;
    assert_eq!(s, 404);
    assert!(miss.contains("Không tìm thấy phản ánh có mã này"));
    assert_eq!(text(&anon, &server, "/feedback/PA-ZZZZZZZZ").await.0, 404);

    // Pages of 50, newest first, with a link to the next.
    for i in 0..51 {
        crate::harness::submit_feedback(
            &server,
            json!({"category": "traffic", "description": format!("Ổ gà số {i}"),
                   "unit_code": "26743-kp02"}),
        )
        .await;
    }
    let (_, first) = text(&anon, &server, "/units/26743-kp02/feedback").await;
    assert_eq!(first.matches("href=\"/feedback/PA-").count(), 50);
    let next = first
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next page")
        .replace("&amp;", "&");
    let (_, second) = text(&anon, &server, &next).await;
    assert_eq!(second.matches("href=\"/feedback/PA-").count(), 1);
    assert!(second.contains("Về trang đầu"));
    assert!(!second.contains("rel=\"next\""));
}

on_both_backends!(the_sender_reopens_and_rates_through_forms);
async fn the_sender_reopens_and_rates_through_forms(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let b = browser();
    let code = code_of(&send_form(&server, &b, &full_fields(), vec![]).await);
    let track = format!("/feedback/{code}");
    // No reopening before resolution; rating only once answered.
    let (_, page) = text(&b, &server, &track).await;
    assert!(!page.contains("/reopen\"") && !page.contains("/rating\""));
    resolve(&server, &code).await;

    // Someone else with the code (it is public) cannot reopen it: the contact is asked.
    let other = browser();
    let (_, page) = text(&other, &server, &track).await;
    assert!(page.contains("Đã chằng lại cột điện."), "the public answer");
    assert!(page.contains(&format!("action=\"/feedback/{code}/reopen\"")));
    assert!(page.contains("name=\"contact\""));
    let csrf = csrf_in(&page);
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let other = other.clone();
        let url = server.url(&format!("/feedback/{code}/{path}"));
        let csrf = csrf.clone();
        async move {
            let mut form = form;
            form.push(("csrf", csrf));
            let r = other.post(url).form(&form).send().await.unwrap();
            let s = r.status().as_u16();
            (s, r.text().await.unwrap())
        }
    };
    let (s, html) = post("reopen", vec![("reason", "Vẫn nghiêng".into())]).await;
    assert_eq!(s, 403);
    assert!(html.contains("Hãy nhập số điện thoại hoặc email"));
    let (s, html) = post(
        "reopen",
        vec![
            ("reason", "Vẫn nghiêng".into()),
            ("contact", "0900000000".into()),
        ],
    )
    .await;
    assert_eq!(s, 403);
    assert!(html.contains("không khớp"));
    assert!(!html.contains(PHONE));
    let (s, html) = post(
        "reopen",
        vec![("reason", " ".into()), ("contact", PHONE.into())],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("Hãy nêu lý do mở lại"));
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND status = 'resolved'"
        ))
        .await,
        1,
        "nothing changed"
    );
    // The sender, with the phone left when sending (in any usual spelling), reopens it.
    let (s, _) = post(
        "reopen",
        vec![
            ("reason", "Cột vẫn nghiêng sau mưa".into()),
            ("contact", "091 234 5678".into()),
        ],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{code}' AND status = 'in_progress' AND reopen_count = 1"
        ))
        .await,
        1
    );
    let (_, page) = text(&other, &server, &format!("{track}?done=reopened")).await;
    assert!(page.contains("Cột vẫn nghiêng sau mưa") && page.contains("Đã mở lại phản ánh"));

    // Rating after the new resolution: the range is checked, the e-mail also proves it.
    step(
        &server,
        &code,
        json!({"action": "resolve", "public_note": "Đã thay cột mới."}),
    )
    .await;
    let (s, html) = post(
        "rating",
        vec![("rating", "6".into()), ("contact", EMAIL.into())],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("từ 1 đến 5"));
    let (s, _) = post(
        "rating",
        vec![("rating", "4".into()), ("contact", EMAIL.to_uppercase())],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(
        db.count(&format!(
            "SELECT rating FROM feedback WHERE tracking_code = '{code}'"
        ))
        .await,
        4
    );

    // Sent from an account: only that account, signed in, may act as the sender.
    let (resident, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let mine = code_of(
        &send_form(
            &server,
            &resident,
            &[("category", "traffic"), ("description", "Đèn tín hiệu tắt")],
            vec![],
        )
        .await,
    );
    resolve(&server, &mine).await;
    let anon = browser();
    let (_, page) = text(&anon, &server, &format!("/feedback/{mine}")).await;
    assert!(page.contains("Đăng nhập bằng tài khoản đã gửi"));
    assert!(!page.contains(&format!("action=\"/feedback/{mine}/reopen\"")));
    let (_, form) = form_page(&server, &anon, UNIT).await;
    let r = server
        .post_form(
            &anon,
            &format!("/feedback/{mine}/reopen"),
            &[("csrf", csrf_in(&form)), ("reason", "x".into())],
        )
        .await;
    assert_eq!(r.status(), 403);
    let (_, page) = text(&resident, &server, &format!("/feedback/{mine}")).await;
    assert!(
        page.contains("Đèn tín hiệu tắt"),
        "the sender sees what they sent"
    );
    assert!(!page.contains("name=\"contact\""));
    let r = server
        .post_form(
            &resident,
            &format!("/feedback/{mine}/rating"),
            &[("csrf", csrf_in(&page)), ("rating", "2".into())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        db.count(&format!(
            "SELECT rating FROM feedback WHERE tracking_code = '{mine}'"
        ))
        .await,
        2
    );

    // Sent with neither account nor contact: only the browser that sent it (holding its
    // proof) can act as its sender; any other cannot.
    let anon_code = code_of(
        &send_form(
            &server,
            &anon,
            &[("category", "traffic"), ("description", "Biển báo bị che")],
            vec![],
        )
        .await,
    );
    resolve(&server, &anon_code).await;
    let (_, page) = text(&anon, &server, &format!("/feedback/{anon_code}")).await;
    assert!(page.contains("name=\"reason\"") && !page.contains("name=\"contact\""));
    let (_, page) = text(&browser(), &server, &format!("/feedback/{anon_code}")).await;
    assert!(page.contains("chỉ mở lại hay đánh giá được từ trình duyệt đã gửi"));
    assert!(!page.contains("name=\"reason\""));
}
