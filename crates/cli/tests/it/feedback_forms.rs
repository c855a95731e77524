//! The public feedback form the GOV.UK way (issue 12, points 3 and 6): every wrong field at
//! once beside its control, values kept after a refusal (photos asked for again); the
//! staff settings forms the same way; and the sender who is
//! not signed in sees their own text and photos on the tracking page, others do not.

use crate::feedback_pages::{code_of, full_fields, jpeg_with_gps, send_form, DESCRIPTION};
use crate::harness::{
    browser, csrf_in, error_summary, page as text, summary_links, Server, TestDb,
};
use crate::on_both_backends;

on_both_backends!(the_send_form_shows_every_error_and_asks_for_the_photo_again);
async fn the_send_form_shows_every_error_and_asks_for_the_photo_again(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let b = browser();
    let before = db.count("SELECT COUNT(*) FROM feedback").await;
    let photos_before = db.count("SELECT COUNT(*) FROM feedback_photos").await;
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
    assert!(error_summary(&html).is_some(), "an error summary");
    let links = summary_links(&html);
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
    // Values kept; the photo is not held anywhere (no state kept between requests): the
    // page says beside the photo control to choose it again.
    assert!(html.contains("khong-phai-email") && html.contains("10.7769"));
    assert!(html.contains("id=\"photo-again\""), "{html}");
    assert!(html.contains("Ảnh đã chọn chưa được gửi"));
    assert!(html.contains("aria-describedby=\"photo-again photo-hint\""));
    assert!(!html.contains("kept_photos"));
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, before);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM feedback_photos").await,
        photos_before
    );
    // Refused without photos: no note.
    let r = send_form(
        &server,
        &b,
        &[("category", "traffic"), ("description", "")],
        vec![],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(!r.text().await.unwrap().contains("id=\"photo-again\""));
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

    // The sending browser's proof also lets it reopen the item without typing the contact
    // (`feedback::policy`, `SenderProof::Token`); another browser must give the contact.
    crate::feedback_pages::resolve(&server, &code).await;
    let track = format!("/feedback/{code}");
    let (_, own) = text(&sender, &server, &track).await;
    assert!(own.contains(&format!("action=\"{track}/reopen\"")), "{own}");
    assert!(!own.contains("name=\"contact\""), "{own}");
    let (_, theirs) = text(&other, &server, &track).await;
    assert!(theirs.contains("name=\"contact\""), "{theirs}");
    let reopen = |b: reqwest::Client, html: String| {
        let url = server.url(&format!("{track}/reopen"));
        async move {
            let fields = [("csrf", csrf_in(&html)), ("reason", "Vẫn còn".to_owned())];
            let r = b.post(url).form(&fields).send().await.unwrap();
            let location = r
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned());
            (r.status().as_u16(), location)
        }
    };
    assert_eq!(reopen(other.clone(), theirs).await.0, 403);
    let (s, location) = reopen(sender.clone(), own).await;
    assert_eq!(s, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("{track}?done=reopened").as_str())
    );
}

on_both_backends!(the_place_comes_from_the_unit_tree_and_period_from_selects);
async fn the_place_comes_from_the_unit_tree_and_period_from_selects(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // Provinces, then a province's communes (paged), then a commune's units.
    let (s, top) = server.get_text("/feedback/new").await;
    assert_eq!(s, 200);
    assert!(top.contains("href=\"/feedback/new?province=79\""), "{top}");
    assert!(!top.contains("error-summary"));
    let (s, hcm) = server.get_text("/feedback/new?province=79").await;
    assert_eq!(s, 200);
    assert!(hcm.contains("Chọn xã, phường ở Thành phố Hồ Chí Minh"));
    assert!(
        hcm.contains("name=\"province\" value=\"79\""),
        "search keeps the level"
    );
    assert!(hcm.contains("rel=\"next\""), "168 communes are paged");
    // A search without accents inside the province finds the ward.
    let (s, found) = server
        .get_text("/feedback/new?province=79&q=ben+thanh")
        .await;
    assert_eq!(s, 200);
    assert!(
        found.contains("href=\"/feedback/new?commune=26743\""),
        "{found}"
    );
    assert!(!found.contains("href=\"/feedback/new?province=01\""));
    let (s, ward) = server.get_text("/feedback/new?commune=26743").await;
    assert_eq!(s, 200);
    assert!(ward.contains("href=\"/feedback/new?unit=26743-kp01\""));
    assert!(
        ward.contains("id=\"pick-whole\"") && ward.contains("href=\"/feedback/new?unit=26743\"")
    );
    assert!(
        ward.contains("href=\"/feedback/new?province=79\""),
        "the way back up"
    );
    let (s, kp) = server
        .get_text("/feedback/new?commune=26743&q=khu+pho+1")
        .await;
    assert_eq!(s, 200);
    assert!(kp.contains("href=\"/feedback/new?unit=26743-kp01\""));
    // An unknown code: the reason beside the code box, linked from the summary.
    let (s, bad) = server.get_text("/feedback/new?unit=99999-zz").await;
    assert_eq!(s, 400);
    assert!(bad.contains("href=\"#unit\"") && bad.contains("id=\"unit-error\""));
    assert!(bad.contains("value=\"99999-zz\""), "the code typed is kept");

    // Tracking lookup: an empty box and an unknown code are said beside the box.
    let (s, empty) = server.get_text("/feedback?code=").await;
    assert_eq!(s, 400);
    assert!(empty.contains("Hãy nhập mã theo dõi") && empty.contains("id=\"code-error\""));
    let (s, first) = server.get_text("/feedback").await;
    assert_eq!(s, 200);
    assert!(!first.contains("error-summary"));
    let (s, none) = server.get_text("/feedback?code=PA-2222AAAA").await;
    assert_eq!(s, 404);
    assert!(none.contains("href=\"#code\"") && none.contains("PA-2222AAAA"));

    // Statistics: month and year selects in the page's language, the same figures as the
    // `from`/`to` parameters, and errors beside the month.
    let by_params = server
        .get_text("/units/26743/feedback-stats?from=2025-03&to=2025-04")
        .await;
    let by_selects = server
        .get_text(
            "/units/26743/feedback-stats?from_month=03&from_year=2025&to_month=04&to_year=2025",
        )
        .await;
    assert_eq!(by_selects.0, 200);
    assert!(!by_selects.1.contains("type=\"month\""));
    assert!(by_selects
        .1
        .contains("<option value=\"03\" selected>Tháng 3</option>"));
    assert!(by_selects
        .1
        .contains("<option value=\"2025\" selected>2025</option>"));
    let figures = |html: &str| {
        html.split("id=\"stats-summary\"")
            .nth(1)
            .and_then(|s| s.split("</dl>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(figures(&by_params.1), figures(&by_selects.1));
    assert!(!figures(&by_params.1).is_empty());
    let en = browser();
    let r = en
        .get(server.url("/units/26743/feedback-stats?from=2025-03&to=2025-04"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains(">March</option>"));
    let (s, wrong) = server
        .get_text(
            "/units/26743/feedback-stats?from_month=05&from_year=2026&to_month=01&to_year=2026",
        )
        .await;
    assert_eq!(s, 400);
    assert!(wrong.contains("id=\"to_month-error\"") && wrong.contains("href=\"#to_month\""));
    assert!(wrong.contains("aria-invalid=\"true\""));
}
