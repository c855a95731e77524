//! A real headless Chromium (Debian's `chromium` + `chromium-driver`) searches the territory
//! without accents and sees the result.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::{chromium, sign_in_chromium, Backend, Server, TestDb, CHROMEDRIVER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_searches_the_territory_without_accents() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start(&db);
    let Some((_driver, c)) = chromium().await else {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    };

    let result = async {
        c.goto(&server.url("/territory")).await?;
        let input = c.find(Locator::Css("input#q")).await?;
        input.send_keys("phuong ben thanh").await?;
        c.find(Locator::Css("form.search button[type=submit]"))
            .await?
            .click()
            .await?;
        // The province list has a `ul#units` too: wait for the results page's address
        // before reading, or the old page's list may be read as it goes away.
        let mut url = c.current_url().await?;
        for _ in 0..100 {
            if url.as_str().contains("q=") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            url = c.current_url().await?;
        }
        let list = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("ul#units"))
            .await?;
        let text = list.text().await?;
        Ok::<_, fantoccini::error::CmdError>((text, url))
    }
    .await;
    c.close().await.ok();
    let (text, url) = result.expect("browser steps");
    assert!(text.contains("Phường Bến Thành"), "{text}");
    assert!(url.as_str().contains("q=phuong+ben+thanh"), "{url}");
}

/// Issue 12: a khu phố head on a phone submits the add-household form with three bad fields
/// and sees three errors, each beside its field, with what they typed still there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_shows_three_errors_beside_their_fields() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start_with(&db, &["--demo"]);
    let Some((_driver, c)) = chromium().await else {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    };
    let result = async {
        sign_in_chromium(&c, &server, "totruong.kp01", "tuquan-demo").await?;
        c.goto(&server.url("/households/new?unit=26743-kp01"))
            .await?;
        // Three bad fields: no address, a short phone, a malformed CCCD; the rest is right.
        c.find(Locator::Css("#full_name"))
            .await?
            .send_keys("Phạm Văn Thử")
            .await?;
        c.execute(
            "document.getElementById('birth_date').value = '1975-06-01';",
            vec![],
        )
        .await?;
        c.find(Locator::Css("#gender option[value=male]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#phone"))
            .await?
            .send_keys("12345")
            .await?;
        c.find(Locator::Css("#cccd"))
            .await?
            .send_keys("0790")
            .await?;
        c.find(Locator::Css("form.stack button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".error-summary"))
            .await?;
        // Each error is the element just before its control, which points back at it.
        let mut beside = Vec::new();
        for id in ["address", "phone", "cccd"] {
            let error = c
                .find(Locator::Css(&format!("#{id}-error + #{id}")))
                .await?;
            let described = error.attr("aria-describedby").await?.unwrap_or_default();
            let invalid = error.attr("aria-invalid").await?;
            let text = c
                .find(Locator::Css(&format!("#{id}-error")))
                .await?
                .text()
                .await?;
            beside.push((
                id,
                described.contains(&format!("{id}-error")),
                invalid,
                text,
            ));
        }
        let count = c.find_all(Locator::Css(".field-error")).await?.len();
        let summary = c.find_all(Locator::Css(".error-summary a")).await?.len();
        let name = c
            .find(Locator::Css("#full_name"))
            .await?
            .prop("value")
            .await?;
        let phone = c.find(Locator::Css("#phone")).await?.prop("value").await?;
        let width = c
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth];",
                vec![],
            )
            .await?;
        if let Ok(dir) = std::env::var("SCREENSHOTS_DIR") {
            let png = c.screenshot().await?;
            std::fs::write(format!("{dir}/form-errors-360.png"), png).expect("screenshot");
            c.execute(
                "document.getElementById('phone').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await?;
            let png = c.screenshot().await?;
            std::fs::write(format!("{dir}/form-errors-fields-360.png"), png).expect("screenshot");
        }
        Ok::<_, fantoccini::error::CmdError>((beside, count, summary, name, phone, width))
    }
    .await;
    c.close().await.ok();
    let (beside, count, summary, name, phone, width) = result.expect("browser steps");
    assert_eq!((count, summary), (3, 3));
    for (id, described, invalid, text) in &beside {
        assert!(*described, "{id}");
        assert_eq!(invalid.as_deref(), Some("true"), "{id}");
        assert!(!text.is_empty() && !text.contains(id), "{id}: {text}");
    }
    assert_eq!(beside[0].3, "Hãy nhập địa chỉ");
    assert_eq!(name.as_deref(), Some("Phạm Văn Thử"));
    assert_eq!(phone.as_deref(), Some("12345"));
    assert_eq!(
        width,
        serde_json::json!([360, 360]),
        "a 360 px viewport, no sideways scroll"
    );
}

/// The statistics page at 360 px (issue 12, point 4): the page never scrolls sideways, and
/// every wide table scrolls inside its own region, which a keyboard can reach.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_page_does_not_scroll_sideways_at_360_px() {
    let Some((_driver, c)) = chromium().await else {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    };
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start_with(&db, &["--demo"]);
    let result = async {
        let mut out = Vec::new();
        // The ward (categories, children), the country and a bad query (the error shown).
        for path in [
            "/units/26743/feedback-stats",
            "/feedback-stats",
            "/units/26743/feedback-stats?from=2026-05&to=2026-01",
        ] {
            c.goto(&server.url(path)).await?;
            let v = c
                .execute(
                    "const s = document.scrollingElement;
                     const regions = [...document.querySelectorAll('table.stats-table')].map(t => {
                       const r = t.parentElement;
                       return [r.getAttribute('role'), r.getAttribute('tabindex'),
                               r.getAttribute('aria-label') || '', r.scrollWidth > r.clientWidth];
                     });
                     return [s.scrollWidth, window.innerWidth, regions,
                             document.querySelectorAll('table.stats').length];",
                    vec![],
                )
                .await?;
            out.push((path, v));
        }
        Ok::<_, fantoccini::error::CmdError>(out)
    }
    .await;
    c.close().await.ok();
    let pages = result.expect("browser steps");
    for (path, v) in pages {
        let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
        assert!(
            scroll <= inner,
            "{path}: scrollWidth {scroll} > innerWidth {inner}"
        );
        assert_eq!(inner, 360, "{path}");
        // No table carries the home counters' `.stats` class any more.
        assert_eq!(v[3], 0, "{path}");
        let regions = v[2].as_array().unwrap();
        if path.contains("from=2026-05") {
            assert!(regions.is_empty(), "{path}: {v}");
            continue;
        }
        assert!(regions.len() >= 3, "{path}: {v}");
        let mut any_scrolls = false;
        for r in regions {
            assert_eq!(r[0], "region", "{path}: {r}");
            assert_eq!(r[1], "0", "{path}: {r}");
            assert!(!r[2].as_str().unwrap().is_empty(), "{path}: {r}");
            any_scrolls |= r[3].as_bool().unwrap();
        }
        // The wide tables do scroll, inside their regions.
        assert!(any_scrolls, "{path}: {v}");
    }
}
