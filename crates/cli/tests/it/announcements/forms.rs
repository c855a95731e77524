//! The announcement forms the GOV.UK way (issue 14 with issue 12 point 3): passing on and
//! recording on a household's behalf show every error beside its field with the values
//! kept; withdrawing is asked on a page of its own (what it does, the reason) before it is
//! done, and the announcement stays readable as a record.

use super::publish;
use crate::harness::{page, summary_links, Server, TestDb};
use crate::on_both_backends;

/// A page form posted: the status and the body or the redirect's target.
async fn post(
    b: &reqwest::Client,
    server: &Server,
    path: &str,
    f: &[(&str, &str)],
) -> (u16, String) {
    let r = b.post(server.url(path)).form(f).send().await.unwrap();
    let s = r.status().as_u16();
    match r.headers().get("location") {
        Some(l) => (s, l.to_str().unwrap().to_owned()),
        None => (s, r.text().await.unwrap()),
    }
}

on_both_backends!(pass_on_and_on_behalf_show_every_error_beside_its_field);
async fn pass_on_and_on_behalf_show_every_error_beside_its_field(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let id = publish(&server, &server.token, "26743", "Lịch phun thuốc diệt muỗi").await;
    let (head, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let pass_on = format!("/announcements/{id}/pass-on/26743-kp01");

    // A note too long: beside its box, kept as typed, nothing passed on.
    let long = "Ghi chú rất dài. ".repeat(80);
    let (s, html) = post(
        &head,
        &server,
        &pass_on,
        &[("csrf", &csrf), ("note", &long)],
    )
    .await;
    assert_eq!(s, 400, "{html}");
    let note_id = format!("note-{id}-26743-kp01");
    assert_eq!(
        summary_links(&html),
        std::slice::from_ref(&note_id),
        "{html}"
    );
    assert!(html.contains(&format!("id=\"{note_id}-error\"")));
    assert!(html.contains(long.trim_end()), "the note is kept");
    let passed = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'announcement.pass_on' \
         AND target_id = '{id}'"
    );
    assert_eq!(db.count(&passed).await, 0);
    let (s, to) = post(&head, &server, &pass_on, &[("csrf", &csrf), ("note", "")]).await;
    assert_eq!(
        (s, to.as_str()),
        (303, "/territory/26743-kp01/announcements")
    );
    // Twice: the rule is said in the summary, on the unit's page.
    let (s, html) = post(&head, &server, &pass_on, &[("csrf", &csrf), ("note", "")]).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("class=\"error-summary\""), "{html}");
    assert!(html.contains("Thông báo đã được chuyển tiếp ở đơn vị này."));
    assert_eq!(db.count(&passed).await, 1);

    // On a household's behalf: a household number that is no number and an unknown
    // channel, both at once; then a household that does not exist.
    let behalf = format!("/announcements/{id}/acknowledgements");
    let fields = [
        ("csrf", csrf.as_str()),
        ("household_id", "ba mươi"),
        ("channel", "fax"),
    ];
    let (s, html) = post(&head, &server, &behalf, &fields).await;
    assert_eq!(s, 400, "{html}");
    assert_eq!(summary_links(&html), ["household_id", "channel"], "{html}");
    assert!(html.contains("value=\"ba mươi\""), "kept");
    assert!(html.contains("id=\"household_id-error\"") && html.contains("id=\"channel-error\""));
    let fields = [
        ("csrf", csrf.as_str()),
        ("household_id", "987654321"),
        ("channel", "phone"),
    ];
    let (s, html) = post(&head, &server, &behalf, &fields).await;
    assert_eq!(s, 400, "{html}");
    assert_eq!(summary_links(&html), ["household_id"], "{html}");
    assert!(
        html.contains("<option value=\"phone\" selected>"),
        "the channel kept"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM announcement_acks WHERE announcement_id = {id}"
        ))
        .await,
        0
    );
}

on_both_backends!(withdrawing_is_confirmed_first_and_kept_as_a_record);
async fn withdrawing_is_confirmed_first_and_kept_as_a_record(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (official, csrf) = server.sign_in("canbo.benthanh", "tuquan-demo").await;
    let id = publish(&server, &server.token, "26743", "Lịch cắt điện").await;
    let show = format!("/announcements/{id}");
    let confirm = format!("/announcements/{id}/withdraw");

    // The announcement's page only links to the question; no form acts at once.
    let (_, html) = page(&official, &server, &show).await;
    assert!(html.contains(&format!("href=\"{confirm}\"")), "{html}");
    assert!(!html.contains(&format!("action=\"{confirm}\"")));
    // The question: what withdrawing does, the reason, the button and the way back.
    let (s, html) = page(&official, &server, &confirm).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("id=\"withdraw-effect\"") && html.contains("Lịch cắt điện"));
    assert!(html.contains(&format!("action=\"{confirm}\"")));
    assert!(html.contains(&format!("href=\"{show}\"")));
    // Not for a head who may not publish at the ward.
    let (head, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    assert_eq!(page(&head, &server, &confirm).await.0, 403);

    // No reason: asked beside the field, nothing changed.
    let (s, html) = post(
        &official,
        &server,
        &confirm,
        &[("csrf", &csrf), ("reason", " ")],
    )
    .await;
    assert_eq!(s, 400, "{html}");
    assert_eq!(summary_links(&html), ["reason"], "{html}");
    let status =
        format!("SELECT COUNT(*) FROM announcements WHERE id = {id} AND status = 'withdrawn'");
    assert_eq!(db.count(&status).await, 0);
    // Confirmed with a reason: withdrawn, and the page keeps it with the reason and time.
    let fields = [("csrf", csrf.as_str()), ("reason", "Điện lực đổi lịch")];
    let (s, to) = post(&official, &server, &confirm, &fields).await;
    assert_eq!((s, to.as_str()), (303, show.as_str()));
    assert_eq!(db.count(&status).await, 1);
    let (s, html) = page(&official, &server, &show).await;
    assert_eq!(s, 200);
    let notice = html.split("id=\"withdrawn\">").nth(1).unwrap_or_default();
    assert!(notice.contains("Điện lực đổi lịch"), "{html}");
    assert!(
        html.contains("id=\"versions\""),
        "the record stays readable"
    );
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'announcement.withdraw' \
             AND target_id = '{id}' AND actor_username = 'canbo.benthanh'"
        ))
        .await,
        1
    );
    // Asked again: already done, back to its page.
    let r = official.get(server.url(&confirm)).send().await.unwrap();
    assert_eq!(r.status(), 303);
}
