//! Attachments (the files facility, through announcements): checked by content, stored in
//! the announcement's transaction, fingerprinted, downloaded with their name and type by
//! those who may read the announcement, and nothing stored when one file is refused; a
//! public announcement's files on its notice board, in the Atom feed and in CAP.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use super::{demo_token, get};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
pub const PDF_SHA256: &str = "a8ea9f63d81e0927b1935af65c5c4ae12be654d6d1d57907772491a65a562aa5";

/// A JPEG whose EXIF segment carries a GPS position.
pub fn jpeg_with_gps() -> Vec<u8> {
    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }
    let mut j = vec![0xFF, 0xD8];
    j.extend(segment(0xE0, b"JFIF\0\x01\x01"));
    j.extend(segment(0xE1, b"Exif\0\0GPSLatitude 10.77"));
    j.extend(segment(0xDA, &[1, 2, 3]));
    j.extend([0x12, 0x34, 0xFF, 0xD9]);
    j
}

pub fn file(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_owned())
}

pub fn announcement_form(title: &str, public: bool) -> Form {
    Form::new()
        .text("title", title.to_owned())
        .text("body", "Lịch tiêm chủng kèm theo.")
        .text("category", "policy")
        .text("public", public.to_string())
}

/// The public flood warning with its map attached.
pub fn flood_warning() -> Form {
    Form::new()
        .text("title", "Cảnh báo ngập")
        .text("body", "Bản đồ vùng ngập kèm theo.")
        .text("category", "emergency")
        .text("public", "true")
        .part("attachment", file("Bản đồ ngập.pdf", PDF.to_vec()))
}

/// Publishes the multipart `form` at `unit` with `token`: the status and the answer.
pub async fn publish_multipart(
    server: &Server,
    token: &str,
    unit: &str,
    form: Form,
) -> (u16, Value) {
    let path = format!("/api/v1/units/{unit}/announcements");
    crate::harness::post_multipart(server, token, &path, form).await
}

async fn fetch(server: &Server, token: Option<&str>, url: &str) -> reqwest::Response {
    let mut r = server.http.get(server.url(url));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

on_both_backends!(attachments_are_checked_stored_and_served_to_readers);
async fn attachments_are_checked_stored_and_served_to_readers(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let outsider = demo_token(db, "dan.kp01");
    let files_before = db.count("SELECT COUNT(*) FROM files").await;

    // Published at Khu phố 2, not public: a resident of Khu phố 1 may not read it.
    let form = announcement_form("Lịch tiêm chủng", false)
        .part("attachment", file("Lịch tiêm.pdf", PDF.to_vec()))
        .part("attachment", file("ảnh/hiện trường.jpg", jpeg_with_gps()));
    let (s, b) = publish_multipart(&server, &official, "26743-kp02", form).await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (s, d) = get(&server, &official, &format!("/api/v1/announcements/{id}")).await;
    assert_eq!(s, 200, "{d}");
    let files = d["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{d}");
    assert_eq!(files[0]["name"], "Lịch tiêm.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[0]["sha256"], PDF_SHA256);
    assert_eq!(files[0]["size"], PDF.len() as i64);
    assert_eq!(files[1]["name"], "hiện trường.jpg", "the path is dropped");
    // The record carries the owner's unit and province.
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM files WHERE owner_kind = 'announcement' AND owner_id = {id} \
             AND path = (SELECT path FROM units WHERE code = '26743-kp02') \
             AND province_code = (SELECT province_code FROM units WHERE code = '26743-kp02')"
        ))
        .await,
        2
    );
    // The publication's audit row names the files and their fingerprints.
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'announcement.publish' \
             AND target_id = '{id}' AND after_json LIKE '%{PDF_SHA256}%'"
        ))
        .await,
        1
    );

    let pdf_url = files[0]["url"].as_str().unwrap().to_owned();
    let r = fetch(&server, Some(&official), &pdf_url).await;
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"Lich tiem.pdf\""),
        "{cd}"
    );
    assert!(
        cd.contains("filename*=UTF-8''L%E1%BB%8Bch%20ti%C3%AAm.pdf"),
        "{cd}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let jpg = fetch(&server, Some(&official), files[1]["url"].as_str().unwrap()).await;
    assert_eq!(jpg.headers()["content-type"], "image/jpeg");
    let jpg = jpg.bytes().await.unwrap();
    assert!(
        !jpg.windows(3).any(|w| w == b"GPS"),
        "the GPS position is removed"
    );

    // Not for a resident elsewhere, nor for nobody; unknown ids are not found.
    let r = fetch(&server, Some(&outsider), &pdf_url).await;
    assert_eq!(r.status().as_u16(), 403);
    let r = fetch(&server, None, &pdf_url).await;
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        fetch(&server, Some(&official), "/api/v1/files/999999")
            .await
            .status(),
        404
    );
    assert_eq!(
        fetch(&server, Some(&official), "/api/v1/files/abc")
            .await
            .status(),
        404
    );

    // A public announcement's files are public.
    let form = announcement_form("Thông báo công khai", true)
        .part("attachment", file("cong-khai.pdf", PDF.to_vec()));
    let (s, b) = publish_multipart(&server, &official, "26743", form).await;
    assert_eq!(s, 201, "{b}");
    let pid = b["id"].as_i64().unwrap();
    let (_, d) = get(&server, &official, &format!("/api/v1/announcements/{pid}")).await;
    let r = fetch(&server, None, d["files"][0]["url"].as_str().unwrap()).await;
    assert_eq!(r.status().as_u16(), 200);
    // The pages' address serves it too, without an account.
    let page_url = format!("/files/{}", d["files"][0]["id"]);
    let r = fetch(&server, None, &page_url).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM files").await,
        files_before + 3
    );
}

on_both_backends!(a_refused_attachment_stores_nothing);
async fn a_refused_attachment_stores_nothing(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let count = "SELECT (SELECT COUNT(*) FROM announcements) + (SELECT COUNT(*) FROM files) \
                 + (SELECT COUNT(*) FROM outbox)";
    let before = db.count(count).await;
    let form = announcement_form("Có tệp lạ", false)
        .part("attachment", file("ok.pdf", PDF.to_vec()))
        .part(
            "attachment",
            file("trick.pdf", b"GIF89a not a pdf".to_vec()),
        );
    let (s, b) = publish_multipart(&server, &official, "26743", form).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["field"], "attachment", "{b}");
    // Too large: refused by name too.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let form = announcement_form("Tệp quá lớn", false).part("attachment", file("big.pdf", big));
    let (s, b) = publish_multipart(&server, &official, "26743", form).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["field"], "attachment", "{b}");
    assert_eq!(db.count(count).await, before, "nothing stored");
}

on_both_backends!(the_publish_page_shows_every_error_and_keeps_values);
async fn the_publish_page_shows_every_error_and_keeps_values(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (official, csrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let before = db.count("SELECT COUNT(*) FROM announcements").await;
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("title", " ")
        .text("body", "Nội dung giữ lại")
        .text("category", "policy")
        .text("group_kinds", "to_hoa_giai")
        .part("attachment", file("virus.exe", b"MZ\x90\x00".to_vec()));
    let r = server
        .post_multipart_form(&official, "/territory/26743/announcements", form)
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"title-error\""), "{html}");
    assert!(html.contains("id=\"attachment-error\""), "{html}");
    assert!(html.contains("PDF, JPEG, PNG"), "{html}");
    assert!(html.contains("Nội dung giữ lại"), "the body is kept");
    assert!(
        html.contains("value=\"to_hoa_giai\" checked"),
        "the ticked group kind is kept"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM announcements").await, before);

    // A good form with an attachment and a group kind: saved, shown with its fingerprint.
    let form = announcement_form("Họp tổ hòa giải", false)
        .text("csrf", csrf.clone())
        .text("group_kinds", "to_hoa_giai")
        .part("attachment", file("Biên bản.pdf", PDF.to_vec()));
    let r = server
        .post_multipart_form(&official, "/territory/26743/announcements", form)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM announcements WHERE id = {id} AND group_kinds = 'to_hoa_giai'"
        ))
        .await,
        1
    );
    let html = server.html(&official, &to).await;
    assert!(
        html.contains("Biên bản.pdf") && html.contains(PDF_SHA256),
        "{html}"
    );

    // A new version drops the PDF and adds a photo; the old file stays stored, marked removed.
    let pdf_id = db
        .count(&format!(
            "SELECT MIN(id) FROM files WHERE owner_id = {id} AND owner_kind = 'announcement'"
        ))
        .await;
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Họp tổ hòa giải (đổi giờ)")
        .text("body", "Chuyển sang 19 giờ.")
        .text("remove_files", pdf_id.to_string())
        .part("attachment", file("so-do.jpg", jpeg_with_gps()));
    let r = server
        .post_multipart_form(&official, &format!("/announcements/{id}/versions"), form)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let current = format!(
        "SELECT COUNT(*) FROM files WHERE owner_id = {id} AND owner_kind = 'announcement' \
         AND removed_at IS NULL"
    );
    assert_eq!(db.count(&current).await, 1);
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM files WHERE id = {pdf_id} AND removed_at IS NOT NULL"
        ))
        .await,
        1
    );
    // A refused edit keeps what was typed and changes nothing.
    let form = Form::new()
        .text("csrf", csrf)
        .text("title", "")
        .text("body", "Bản nháp chưa lưu");
    let r = server
        .post_multipart_form(&official, &format!("/announcements/{id}/versions"), form)
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Bản nháp chưa lưu") && html.contains("id=\"title-error\""),
        "{html}"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT version FROM announcements WHERE id = {id}"
        ))
        .await,
        2
    );
}

/// SHA-1 of [`PDF`], the digest CAP 1.2 asks for.
const PDF_SHA1: &str = "2765c432e4015cbf218c659d0c0c8fb9190848d7";

on_both_backends!(public_attachments_reach_the_board_the_feed_and_cap);
async fn public_attachments_reach_the_board_the_feed_and_cap(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let official = demo_token(db, "canbo.benthanh");
    let (s, b) = publish_multipart(&server, &official, "26743", flood_warning()).await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, d) = get(&server, &official, &format!("/api/v1/announcements/{id}")).await;
    let file_url = format!("/files/{}", d["files"][0]["id"]);
    // A private announcement's file appears nowhere public.
    let form = announcement_form("Nội bộ có tệp", false)
        .part("attachment", file("noi-bo.pdf", PDF.to_vec()));
    let (s, b) = publish_multipart(&server, &official, "26743", form).await;
    assert_eq!(s, 201, "{b}");

    let anon = crate::harness::browser();
    let body = |path: String| {
        let anon = anon.clone();
        let url = server.url(&path);
        async move {
            let r = anon.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, board) = body("/territory/26743/notices".into()).await;
    assert_eq!(s, 200);
    assert!(
        board.contains(&format!("href=\"{file_url}\">Bản đồ ngập.pdf</a>")),
        "{board}"
    );
    assert!(!board.contains("noi-bo.pdf"));
    let (_, atom) = body("/territory/26743/notices.atom".into()).await;
    let enclosure = format!(
        "<link rel=\"enclosure\" type=\"application/pdf\" length=\"{}\" \
         title=\"Bản đồ ngập.pdf\" href=\"{file_url}\"/>",
        PDF.len()
    );
    assert!(atom.contains(&enclosure), "{atom}");
    assert!(!atom.contains("noi-bo.pdf"));
    super::pages::valid(db, "atom.rng", &atom);
    let (s, cap) = body(format!("/announcements/{id}/cap.xml")).await;
    assert_eq!(s, 200, "{cap}");
    assert!(
        cap.contains("<resourceDesc>Bản đồ ngập.pdf</resourceDesc>")
            && cap.contains("<mimeType>application/pdf</mimeType>")
            && cap.contains(&format!("<uri>{file_url}</uri>"))
            && cap.contains(&format!("<digest>{PDF_SHA1}</digest>")),
        "{cap}"
    );
    super::pages::valid(db, "cap-v1.2.xsd", &cap);
    let (s, _) = body(file_url.clone()).await;
    assert_eq!(s, 200, "served without sign-in while public");

    // Withdrawn: the file is no longer public, and the CAP Cancel carries no resource.
    let (s, b) = super::post(
        &server,
        &official,
        &format!("/api/v1/announcements/{id}/withdraw"),
        serde_json::json!({"reason": "Nước đã rút"}),
    )
    .await;
    assert!(matches!(s, 200 | 204), "{b}");
    let r = fetch(&server, None, &file_url).await;
    assert_eq!(r.status().as_u16(), 303, "to sign in");
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let (_, cancel) = body(format!("/announcements/{id}/cap.xml")).await;
    assert!(cancel.contains("<msgType>Cancel</msgType>") && !cancel.contains("<resource>"));
    super::pages::valid(db, "cap-v1.2.xsd", &cancel);
}
