//! Issue 11 #1, the proof of humanity: over a soft threshold an anonymous sender answers a
//! small sum in words on the form (no JavaScript), the entered values are kept when the
//! answer is wrong, a token serves once; the JSON API answers 422 `humanity_required`.

use reqwest::multipart::Form;
use serde_json::json;

use crate::harness::{browser, csrf_in, post_json_opt, Server, TestDb};
use crate::on_both_backends;

const UNIT: &str = "26743-kp01";

async fn form_page(server: &Server, b: &reqwest::Client) -> String {
    let r = b
        .get(server.url(&format!("/feedback/new?unit={UNIT}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// Posts the form with `description` and, if given, the token and the answer.
async fn send(
    server: &Server,
    b: &reqwest::Client,
    html: &str,
    description: &str,
    proof: Option<(&str, &str)>,
) -> (u16, String) {
    let mut form = Form::new()
        .text("csrf", csrf_in(html))
        .text("unit_code", UNIT)
        .text("category", "traffic")
        .text("description", description.to_owned())
        .text("address", "Hẻm 12 Lê Lợi");
    if let Some((token, answer)) = proof {
        form = form
            .text("humanity_token", token.to_owned())
            .text("humanity_answer", answer.to_owned());
    }
    let r = server.post_multipart_form(b, "/feedback/new", form).await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

/// The page's question, answered, and its token.
fn question(html: &str) -> (u32, String) {
    let token = html
        .split("name=\"humanity_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a humanity token")
        .to_owned();
    let label = html
        .split("<label for=\"humanity_answer\">")
        .nth(1)
        .and_then(|s| s.split(" bằng").next())
        .expect("the question");
    let words = [
        "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
    ];
    let n = |w: &str| {
        let w = w.trim().to_lowercase();
        words.iter().position(|x| *x == w).expect("a number word") as u32 + 1
    };
    let (a, b) = label.split_once(" cộng ").expect("a sum");
    (n(a) + n(b), token)
}

on_both_backends!(anonymous_senders_over_the_soft_threshold_answer_a_question);
async fn anonymous_senders_over_the_soft_threshold_answer_a_question(db: &TestDb) {
    std::fs::write(db.data_dir().join("strict-limits"), "").unwrap();
    let server = Server::start_with(db, &["--demo"]);
    let b = browser();
    // The first three of the ten allowed in ten minutes go through without a question.
    for i in 0..3 {
        let html = form_page(&server, &b).await;
        assert!(!html.contains("humanity_answer"), "no question yet");
        let (s, body) = send(&server, &b, &html, &format!("Đèn đường hỏng {i}"), None).await;
        assert_eq!(s, 303, "{body}");
    }
    // Then the form asks, in words, without JavaScript.
    let html = form_page(&server, &b).await;
    assert!(html.contains("name=\"humanity_answer\""));
    assert!(!html.contains("<script"));
    let (_, token) = question(&html);
    // No answer: refused beside the field, the text kept, a new question.
    let (s, html) = send(&server, &b, &html, "Cây đổ chắn đường", Some((&token, ""))).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("id=\"humanity-error\""));
    assert!(html.contains("Cây đổ chắn đường") && html.contains("Hẻm 12 Lê Lợi"));
    let (answer, token2) = question(&html);
    assert_ne!(token, token2);
    // A wrong answer: the same.
    let wrong = (answer + 1).to_string();
    let (s, html) = send(
        &server,
        &b,
        &html,
        "Cây đổ chắn đường",
        Some((&token2, &wrong)),
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("Cây đổ chắn đường") && html.contains("id=\"humanity-error\""));
    assert!(
        html.contains("Câu trả lời chưa đúng"),
        "the message says what is wrong"
    );
    // The right answer is accepted once.
    let (answer, token3) = question(&html);
    let right = answer.to_string();
    let (s, _) = send(
        &server,
        &b,
        &html,
        "Cây đổ chắn đường",
        Some((&token3, &right)),
    )
    .await;
    assert_eq!(s, 303);
    let html = form_page(&server, &b).await;
    let (s, _) = send(&server, &b, &html, "Lặp lại", Some((&token3, &right))).await;
    assert_eq!(s, 422, "a token serves once");
    // A forged token fails.
    let forged = format!("{}.00.{}", i64::MAX, "ab".repeat(32));
    let (s, _) = send(&server, &b, &html, "Giả", Some((&forged, &right))).await;
    assert_eq!(s, 422);
    // Answering every time, the hard limit still holds: ten in ten minutes, then 429.
    for i in 0..6 {
        let html = form_page(&server, &b).await;
        let (answer, token) = question(&html);
        let a = answer.to_string();
        let (s, _) = send(&server, &b, &html, &format!("Ổ gà {i}"), Some((&token, &a))).await;
        assert_eq!(s, 303, "submission {}", i + 5);
    }
    let html = form_page(&server, &b).await;
    let (answer, token) = question(&html);
    let a = answer.to_string();
    let (s, _) = send(&server, &b, &html, "Một lần nữa", Some((&token, &a))).await;
    assert_eq!(s, 429);

    // The JSON API cannot ask: a stable code instead. Signed-in senders are not asked.
    let body = json!({"category": "traffic", "description": "Đèn đường hỏng ở hẻm 12",
        "unit_code": UNIT});
    let (s, v) = post_json_opt(&server, None, "/api/v1/feedback", body.clone()).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["error"]["code"], "humanity_required");
    assert_eq!(v["error"]["field"], "humanity");
    let (s, v) = post_json_opt(&server, Some(&server.token), "/api/v1/feedback", body).await;
    assert_eq!(s, 201, "{v}");
}
