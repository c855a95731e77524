//! The pages without JavaScript, the public board, the Atom feed and CAP 1.2.

use super::publish;
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

/// The body of a page or feed, with its status.
async fn text(b: &reqwest::Client, server: &Server, path: &str) -> (u16, String) {
    let r = b.get(server.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

on_both_backends!(pages_feed_and_cap_work_without_javascript);
async fn pages_feed_and_cap_work_without_javascript(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (official, ocsrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    // The author's form.
    let (s, html) = text(&official, &server, "/territory/26743/announcements").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("id=\"publish\""), "{html}");
    let r = server
        .submit(
            &official,
            &ocsrf,
            "/territory/26743/announcements",
            &[
                ("title", "Cảnh báo triều cường"),
                ("body", "Triều cường dâng cao lúc 17 giờ.\nHạn chế đi lại."),
                ("category", "emergency"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let private = publish(&server, &server.token, "26743", "Nội bộ").await;
    db.execute(&format!(
        "UPDATE announcements SET public = FALSE WHERE id = {private}"
    ))
    .await;
    // The head's list of what waits, with the pass-on form.
    let (head, hcsrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let (s, html) = text(&head, &server, "/territory/26743-kp01/announcements").await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("/announcements/{id}/pass-on/26743-kp01")),
        "{html}"
    );
    let r = server
        .submit(
            &head,
            &hcsrf,
            &format!("/announcements/{id}/pass-on/26743-kp01"),
            &[("note", "Các hộ ven kênh chú ý")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // The resident acknowledges on the announcement's page.
    let (res, rcsrf) = server.sign_in("dan.kp01", "tuquan-demo").await;
    let (s, html) = text(&res, &server, &format!("/announcements/{id}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"acknowledge\"") && html.contains("Hạn chế đi lại."),
        "{html}"
    );
    let r = server
        .submit(
            &res,
            &rcsrf,
            &format!("/announcements/{id}/acknowledge"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    // The head records a household met in person from the list of those not reached.
    let (s, html) = text(
        &head,
        &server,
        &format!("/announcements/{id}/units/26743-kp01/not-reached"),
    )
    .await;
    assert_eq!(s, 200, "{html}");
    let hid: i64 = html
        .split("name=\"household_id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let back = format!("/announcements/{id}/units/26743-kp01/not-reached");
    let r = server
        .submit(
            &head,
            &hcsrf,
            &format!("/announcements/{id}/acknowledgements"),
            &[
                ("household_id", &hid.to_string()),
                ("channel", "in_person"),
                ("back", back.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), back);
    // The official's dashboard counts both, per khu phố.
    let (s, html) = text(
        &official,
        &server,
        &format!("/announcements/{id}/units/26743"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"counts\"") && html.contains("Khu phố 1: 2 / "),
        "{html}"
    );
    // The public board and feed: no sign-in, public announcements only.
    let anon = crate::harness::browser();
    let (s, html) = text(&anon, &server, "/territory/26743-kp01/notices").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Cảnh báo triều cường") && !html.contains("Nội bộ"),
        "{html}"
    );
    let (s, atom) = text(&anon, &server, "/territory/26743/notices.atom").await;
    assert_eq!(s, 200);
    assert!(
        atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
            && atom.contains("Cảnh báo triều cường"),
        "{atom}"
    );
    assert!(!atom.contains("Nội bộ"));
    let (s, cap) = text(&anon, &server, &format!("/announcements/{id}/cap.xml")).await;
    assert_eq!(s, 200, "{cap}");
    assert!(
        cap.contains("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">")
            && cap.contains("<msgType>Alert</msgType>"),
        "{cap}"
    );
    assert!(cap.contains("+07:00</sent>"), "{cap}");
    let (s, _) = text(&anon, &server, &format!("/announcements/{private}/cap.xml")).await;
    assert_eq!(s, 404);
    // Both documents validate against their schemas: Atom (RFC 4287's RELAX NG) and CAP 1.2
    // (the OASIS XSD), and so do the CAP `Update` of a new version and the `Cancel`.
    valid(db, "atom.rng", &atom);
    valid(db, "cap-v1.2.xsd", &cap);
    let (s, b) = super::post(
        &server,
        &server.token,
        &format!("/api/v1/announcements/{id}/versions"),
        serde_json::json!({"title": "Cảnh báo triều cường (cập nhật)", "body": "Lúc 18 giờ."}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (_, update) = text(&anon, &server, &format!("/announcements/{id}/cap.xml")).await;
    assert!(update.contains("<msgType>Update</msgType>"), "{update}");
    valid(db, "cap-v1.2.xsd", &update);
    let (s, b) = super::post(
        &server,
        &server.token,
        &format!("/api/v1/announcements/{id}/withdraw"),
        serde_json::json!({"reason": "Đã qua"}),
    )
    .await;
    assert!(matches!(s, 200 | 204), "{b}");
    let (s, cancel) = text(&anon, &server, &format!("/announcements/{id}/cap.xml")).await;
    assert_eq!(s, 200, "{cancel}");
    assert!(cancel.contains("<msgType>Cancel</msgType>"), "{cancel}");
    valid(db, "cap-v1.2.xsd", &cancel);
}

/// Validates `doc` with xmllint against `schema` in tests/it/data (`.rng`: RELAX NG, else XSD).
pub(crate) fn valid(db: &TestDb, schema: &str, doc: &str) {
    let Ok(out) = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
    else {
        crate::harness::skipped("xmllint is not installed (Debian libxml2-utils)");
        return;
    };
    assert!(out.status.success());
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/data")
        .join(schema);
    let kind = if schema.extension().is_some_and(|e| e == "rng") {
        "--relaxng"
    } else {
        "--schema"
    };
    let path = db.data_dir().join("doc.xml");
    std::fs::write(&path, doc).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", kind])
        .arg(&schema)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{doc}",
        String::from_utf8_lossy(&out.stderr)
    );
}
