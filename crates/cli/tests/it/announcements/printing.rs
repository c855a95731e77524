//! The printable list of households not yet reached (PDF and DOCX through the document
//! engine): exactly the households that have not acknowledged, names intact; only for those
//! who may see the unit's households.

use serde_json::json;

use super::{demo_token, get, post, publish};
use crate::documents::{docx_xml, pdf_text};
use crate::harness::{Server, TestDb};
use crate::on_both_backends;

on_both_backends!(printed_list_names_exactly_the_households_not_reached);
async fn printed_list_names_exactly_the_households_not_reached(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let head = demo_token(db, "totruong.kp01");
    let id = publish(&server, &head, "26743-kp01", "Thu gom rác cồng kềnh").await;
    let (s, b) = get(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/not-reached"),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let all: Vec<(i64, String)> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let name = i["representative_name"].as_str().unwrap().to_owned();
            (i["household_id"].as_i64().unwrap(), name)
        })
        .collect();
    assert!(all.len() >= 2, "{b}");
    // The first household is told in person: it leaves the list.
    let (told, told_name) = all[0].clone();
    let (s, b) = post(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/acknowledgements"),
        json!({"household_id": told, "channel": "in_person"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");

    let (browser, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let base = format!("/announcements/{id}/units/26743-kp01/not-reached");
    let html = server.html(&browser, &base).await;
    assert!(html.contains(&format!("{base}.pdf")) && html.contains(&format!("{base}.docx")));
    let r = browser
        .get(server.url(&format!("{base}.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let text = pdf_text(&r.bytes().await.unwrap());
    assert!(text.contains("Thu gom rác cồng kềnh"), "{text}");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for (_, name) in &all[1..] {
        assert!(lines.contains(&name.as_str()), "{name} missing:\n{text}");
    }
    let same_name_elsewhere = all[1..].iter().any(|(_, n)| n == &told_name);
    if !same_name_elsewhere {
        assert!(
            !lines.contains(&told_name.as_str()),
            "{told_name} printed:\n{text}"
        );
    }
    let r = browser
        .get(server.url(&format!("{base}.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let xml = docx_xml(&r.bytes().await.unwrap());
    for (_, name) in &all[1..] {
        assert!(
            xml.contains(&format!(">{name}<")),
            "{name} missing from the DOCX"
        );
    }
    // Each print is in the audit log as a read of personal data.
    assert!(
        db.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'announcement.not_reached_viewed' \
             AND target_id = '{id}'"
        ))
        .await
            >= 3
    );

    // Another khu phố's head may not print Khu phố 1's list; an unknown format is not found.
    db.user_with_token(
        "truong.kp02p",
        "unit_head",
        Some("26743-kp02"),
        "Kp2-print-1",
    );
    let (other, _) = server.sign_in("truong.kp02p", "Kp2-print-1").await;
    let r = other
        .get(server.url(&format!("{base}.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = browser
        .get(server.url(&format!("{base}.exe")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
