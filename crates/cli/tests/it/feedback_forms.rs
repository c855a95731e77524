//! The public feedback form the GOV.UK way (issue 12, points 3 and 6): every wrong field at
//! once beside its control, values and photos kept after a refusal; and the sender who is
//! not signed in sees their own text and photos on the tracking page, others do not.

use crate::feedback_pages::{code_of, full_fields, jpeg_with_gps, send_form, DESCRIPTION};
use crate::harness::{browser, page as text, Server, TestDb};
use crate::on_both_backends;

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

on_both_backends!(the_send_form_shows_every_error_and_keeps_the_photo);
async fn the_send_form_shows_every_error_and_keeps_the_photo(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let b = browser();
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let mut fields = full_fields();
    for (k, v) in fields.iter_mut() {
        match *k {
            "description" => *v = " ",
            "contact_phone" => *v = "123",
            "contact_email" => *v = "khong-phai-email",
            _ => {}
        }
    }
    let r = send_form(&server, &b, &fields, vec![jpeg_with_gps()]).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    // Three errors, each beside its control and linked from the summary, in form order.
    let summary = html
        .split("class=\"error-summary\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .expect("an error summary");
    let links: Vec<&str> = summary
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(links, ["description", "contact_phone", "contact_email"]);
    for id in links {
        assert!(html.contains(&format!("id=\"{id}-error\"")), "{id}");
        assert!(html.contains(&format!("aria-describedby=\"{id}")), "{id}");
    }
    assert!(html.contains("“Nội dung phản ánh” là bắt buộc"), "{html}");
    assert!(html.contains("“Số điện thoại” không đúng định dạng"));
    assert!(html.contains("novalidate"));
    assert!(
        !html.contains("class=\"error\" role=\"alert\""),
        "no old box"
    );
    // Values kept, and the photo held for the form sent again.
    assert!(html.contains("khong-phai-email") && html.contains("10.7769"));
    assert!(html.contains("id=\"kept-photos\""), "{html}");
    assert!(html.contains("Đã giữ lại 1 ảnh"));
    let kept = hidden(&html, "kept_photos");
    assert_eq!(kept.len(), 32);
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);

    // Sent again with the fields put right and no file chosen: the kept photo goes with it.
    let mut fixed = full_fields();
    fixed.push(("kept_photos", kept.as_str()));
    let code = code_of(&send_form(&server, &b, &fixed, vec![]).await);
    let photos = |code: String| async move {
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback_photos p JOIN feedback f ON f.id = p.feedback_id \
             WHERE f.tracking_code = '{code}'"
        ))
        .await
    };
    assert_eq!(photos(code.clone()).await, 1);
    // The token is spent: the same photo is not attached twice.
    let again = code_of(&send_form(&server, &b, &fixed, vec![]).await);
    assert_eq!(photos(again).await, 0);

    // Letting the kept photo go sends none.
    let r = send_form(
        &server,
        &b,
        &[("category", "traffic"), ("description", "")],
        vec![jpeg_with_gps()],
    )
    .await;
    assert_eq!(r.status(), 400);
    let kept = hidden(&r.text().await.unwrap(), "kept_photos");
    let fields = [
        ("category", "traffic"),
        ("description", "Xe đậu chắn lối"),
        ("kept_photos", kept.as_str()),
        ("drop_kept", "on"),
    ];
    let dropped = code_of(&send_form(&server, &b, &fields, vec![]).await);
    assert_eq!(photos(dropped).await, 0);
}

on_both_backends!(the_sender_sees_their_own_text_and_photos_others_do_not);
async fn the_sender_sees_their_own_text_and_photos_others_do_not(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let sender = browser();
    let r = send_form(&server, &sender, &full_fields(), vec![jpeg_with_gps()]).await;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("tq_sender="))
        .expect("a proof for the sender")
        .to_owned();
    let code = code_of(&r);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(
        cookie.contains(&format!("Path=/feedback/{code}")),
        "{cookie}"
    );

    // The sender, not signed in, sees their text and photo.
    let (s, own) = text(&sender, &server, &format!("/feedback/{code}")).await;
    assert_eq!(s, 200);
    assert!(own.contains(DESCRIPTION), "{own}");
    let photo = own
        .split(&format!("src=\"/feedback/{code}/photos/"))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/feedback/{code}/photos/{id}"))
        .expect("the sender's photo");
    let r = sender.get(server.url(&photo)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    // Sender views are not staff reads: no audit row for them.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.photo_viewed'")
            .await,
        0
    );

    // Another client sees only the public summary.
    let other = browser();
    let (s, public) = text(&other, &server, &format!("/feedback/{code}")).await;
    assert_eq!(s, 200);
    assert!(!public.contains(DESCRIPTION) && !public.contains("/photos/"));
    let r = other.get(server.url(&photo)).send().await.unwrap();
    assert_eq!(r.status(), 303, "to sign in");
    // A forged or borrowed proof does not work.
    let r = server
        .http
        .get(server.url(&format!("/feedback/{code}")))
        .header("cookie", "tq_sender=00ff")
        .send()
        .await
        .unwrap();
    assert!(!r.text().await.unwrap().contains(DESCRIPTION));
    let value = cookie
        .strip_prefix("tq_sender=")
        .and_then(|c| c.split(';').next())
        .unwrap();
    let other_code = code_of(&send_form(&server, &other, &full_fields(), vec![]).await);
    let r = server
        .http
        .get(server.url(&format!("/feedback/{other_code}")))
        .header("cookie", format!("tq_sender={value}"))
        .send()
        .await
        .unwrap();
    assert!(
        !r.text().await.unwrap().contains(DESCRIPTION),
        "the proof is bound to its own code"
    );
}
