//! A khu phố head on a phone (headless Chromium at 360 px): the meetings list, one tap to
//! mark a household present (the quorum line counts it), the locked minutes; no page scrolls
//! sideways. With `SCREENSHOTS_DIR` set, the pages are saved as PNGs for docs/screens.

use std::time::Duration;

use fantoccini::Locator;

use serde_json::json;

use crate::harness::{
    chromium, get_json as get, post_json as post, sign_in_chromium, Backend, Server, TestDb,
    CHROMEDRIVER,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_records_attendance_at_360_px() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start_with(&db, &["--demo"]);
    // A held meeting with attendance and locked minutes, and a planned one.
    let t = server.token.clone();
    let today = super::today().to_string();
    let held = super::schedule(&server, &t, super::KP, &today).await;
    let (_, att) = get(&server, &t, &format!("/api/v1/meetings/{held}/attendance")).await;
    for r in att["rows"].as_array().unwrap().iter().take(5) {
        post(
            &server,
            &t,
            &format!("/api/v1/meetings/{held}/attendance"),
            json!({"code": r["code"]}),
        )
        .await;
    }
    post(
        &server,
        &t,
        &format!("/api/v1/meetings/{held}/hold"),
        json!({}),
    )
    .await;
    let minutes = json!({"opening": "Có mặt 5 hộ.", "discussion": ["Thống nhất mức 50.000 đ/hộ", "Tổng vệ sinh sáng Chủ nhật"],
        "resolutions": [{"text": "Thu quỹ 50.000 đ/hộ", "votes_for": 4, "votes_against": 1, "votes_abstain": 0}],
        "closing": "Kết thúc lúc 21 giờ."});
    super::put(
        &server,
        &t,
        &format!("/api/v1/meetings/{held}/minutes"),
        minutes,
    )
    .await;
    post(
        &server,
        &t,
        &format!("/api/v1/meetings/{held}/minutes/finalise"),
        json!({}),
    )
    .await;
    let planned = super::schedule(&server, &t, super::KP, &super::in_days(3)).await;
    let Some((_driver, c)) = chromium().await else {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    };
    let shots = std::env::var("SCREENSHOTS_DIR").ok();
    let result = async {
        sign_in_chromium(&c, &server, "totruong.kp01", "tuquan-demo").await?;
        let mut widths = Vec::new();
        let pages = [
            ("list", "/territory/26743-kp01/meetings".to_owned()),
            ("show", format!("/meetings/{planned}")),
            ("minutes", format!("/meetings/{held}/minutes")),
            ("new", "/territory/26743-kp01/meetings/new".to_owned()),
            ("attendance", format!("/meetings/{planned}/attendance")),
        ];
        for (name, path) in &pages {
            c.goto(&server.url(path)).await?;
            let w = c
                .execute(
                    "return [window.innerWidth, document.documentElement.scrollWidth];",
                    vec![],
                )
                .await?;
            widths.push((name.to_string(), w));
            if let Some(dir) = &shots {
                let png = c.screenshot().await?;
                std::fs::write(format!("{dir}/meetings-{name}-360.png"), png).expect("screenshot");
            }
        }
        let before = c.find(Locator::Css("#quorum")).await?.text().await?;
        c.find(Locator::Css("#roll li form button"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#roll li form button.secondary"))
            .await?;
        let after = c.find(Locator::Css("#quorum")).await?.text().await?;
        Ok::<_, fantoccini::error::CmdError>((widths, before, after))
    }
    .await;
    c.close().await.ok();
    let (widths, before, after) = result.expect("browser steps");
    for (name, w) in widths {
        assert_eq!(
            w,
            serde_json::json!([360, 360]),
            "{name}: no sideways scroll at 360 px"
        );
    }
    assert!(before.trim_start().starts_with("0 /"), "{before}");
    assert!(after.trim_start().starts_with("1 /"), "{after}");
}
