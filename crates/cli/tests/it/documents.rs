//! Official documents downloaded over HTTP in the demo ward: the household list, a group's
//! establishment decision and the feedback report in PDF and DOCX, who may produce them,
//! the audit of personal data, and the charts of the statistics page.

use std::process::Command;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const RESIDENT: &str = "Ngô Thị Mai";
const FULL_CCCD: &str = "079178012345";

pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    pdf_to_text(bytes, &[])
}

/// The text of a PDF by `pdftotext`, with its options `extra` (`-layout`, say).
pub(crate) fn pdf_to_text(bytes: &[u8], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.pdf");
    std::fs::write(&p, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .args(extra)
        .arg(&p)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The names of the parts of a DOCX package.
fn docx_parts(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.docx");
    std::fs::write(&p, bytes).unwrap();
    let out = Command::new("unzip").arg("-Z1").arg(&p).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub(crate) fn docx_xml(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.docx");
    std::fs::write(&p, bytes).unwrap();
    let out = Command::new("unzip")
        .arg("-p")
        .arg(&p)
        .arg("word/document.xml")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

async fn download(
    b: &reqwest::Client,
    server: &Server,
    path: &str,
    kind: &str,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let r = b.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let h = r.headers().clone();
    assert!(
        h["content-type"].to_str().unwrap().contains(kind),
        "{path}: {h:?}"
    );
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"") && cd.is_ascii(),
        "{cd}"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    // To look at the files: DOCUMENTS_TEST_OUT=/some/dir.
    if let Ok(dir) = std::env::var("DOCUMENTS_TEST_OUT") {
        let name = cd
            .trim_start_matches("attachment; filename=\"")
            .trim_end_matches('"');
        std::fs::write(std::path::Path::new(&dir).join(name), &bytes).unwrap();
    }
    (h, bytes)
}

async fn documents_of_the_demo_ward(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, _) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    // The documents page lists them.
    let (status, html) = server.page(&b, "/units/26743-kp01/documents").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("/units/26743-kp01/documents/households.pdf"),
        "{html}"
    );

    // The household list: the resident's name exactly, never a full identity number.
    let (h, pdf) = download(
        &b,
        &server,
        "/units/26743-kp01/documents/households.pdf",
        "application/pdf",
    )
    .await;
    assert_eq!(h["cache-control"], "no-store");
    let text = pdf_text(&pdf);
    assert!(text.contains(RESIDENT), "{text}");
    assert!(!text.contains(FULL_CCCD));
    let (_, docx) = download(
        &b,
        &server,
        "/units/26743-kp01/documents/households.docx",
        "wordprocessingml",
    )
    .await;
    let xml = docx_xml(&docx);
    assert!(xml.contains(RESIDENT));
    assert!(!xml.contains(FULL_CCCD));
    assert!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'household.list_printed' AND actor_username = 'canbo.benthanh'").await >= 2
    );

    // A group's establishment decision.
    let group = db.count("SELECT MIN(id) FROM community_groups").await;
    let (_, pdf) = download(
        &b,
        &server,
        &format!("/groups/{group}/decision.pdf"),
        "application/pdf",
    )
    .await;
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("QUYẾT ĐỊNH"));
    // Decree 30: the authority, the legal basis, and a signature block.
    assert!(
        text.contains("CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH"),
        "{text}"
    );
    assert!(
        text.contains("Căn cứ Luật Tổ chức chính quyền địa phương"),
        "{text}"
    );
    let (_, docx) = download(
        &b,
        &server,
        &format!("/groups/{group}/decision.docx"),
        "wordprocessingml",
    )
    .await;
    let xml = docx_xml(&docx);
    assert!(xml.contains("Điều 1."));
    assert!(xml.contains("Căn cứ"));
    // The legal basis is in italics, as Decree 30 sets it.
    assert!(
        xml.contains("<w:i />") || xml.contains("<w:i/>"),
        "no italic run"
    );

    // The feedback report of the ward names it.
    let (_, pdf) = download(
        &b,
        &server,
        "/units/26743/documents/feedback-report.pdf?from=2026-01&to=2026-06",
        "application/pdf",
    )
    .await;
    let text = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Bến Thành"), "{text}");
    let (_, docx) = download(
        &b,
        &server,
        "/units/26743/documents/feedback-report.docx",
        "wordprocessingml",
    )
    .await;
    assert!(docx_xml(&docx).contains("Bến Thành"));
    // Its charts are in the DOCX as pictures, not only captions.
    let parts = docx_parts(&docx);
    let images: Vec<_> = parts
        .iter()
        .filter(|p| p.starts_with("word/media/"))
        .collect();
    assert!(!images.is_empty(), "{parts:?}");
    assert!(docx_xml(&docx).contains("<pic:pic"));

    // A khu phố head may not produce another khu phố's list.
    let (head, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let r = head
        .get(server.url("/units/26743-kp02/documents/households.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = head
        .get(server.url("/units/26743-kp01/documents/households.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The resident's own data as a PDF.
    let (me, _) = server.sign_in("dan.kp01", "tuquan-demo").await;
    // The account page links the PDF beside the JSON export.
    let html = server.html(&me, "/account").await;
    assert!(html.contains("href=\"/me/data.pdf\""), "{html}");
    assert!(html.contains("href=\"/account/my-data\""));
    let (h, pdf) = download(&me, &server, "/me/data.pdf", "application/pdf").await;
    assert_eq!(h["cache-control"], "no-store");
    assert!(pdf_text(&pdf).contains(RESIDENT));
}

on_both_backends!(documents_of_the_demo_ward);

/// The statistics page draws the charts, accessible, with the same figures as its table.
async fn statistics_page_has_charts(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (s, html) = server.get_text("/units/26743/feedback-stats").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "{html}"
    );
    let key = "data-series=\"Tiếp nhận\" data-category=\"";
    let at = html.find(key).expect("a received bar") + key.len();
    let rest = &html[at..];
    let label = &rest[..rest.find('"').unwrap()];
    let vkey = "data-value=\"";
    let v_at = rest.find(vkey).unwrap() + vkey.len();
    let value = &rest[v_at..v_at + rest[v_at..].find('"').unwrap()];
    // The chart says `03/26`, the table `03/2026`.
    let (mm, yy) = label.split_once('/').unwrap();
    let row = format!("<th scope=\"row\">{mm}/20{yy}</th><td class=\"num\">{value}</td>");
    assert!(html.contains(&row), "{row}");
    assert!(html.contains("/units/26743/feedback-stats.xlsx"));
    let r = server.get("/units/26743/feedback-stats.xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
}

on_both_backends!(statistics_page_has_charts);
