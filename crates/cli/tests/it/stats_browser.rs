//! The statistics page in a real headless Chromium at 360 px (issue 12, point 4): the page
//! never scrolls sideways, and every wide table scrolls inside its own region, which a
//! keyboard can reach.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};

use crate::harness::{Backend, Server, TestDb};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Chromium at 360 × 800 through a chromedriver of our own (dropped with the driver).
async fn phone() -> (Driver, Client) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=360,800"]
        }),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(c) = ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            return (driver, c);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("connect to chromedriver");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_page_does_not_scroll_sideways_at_360_px() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    }
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start_with(&db, &["--demo"]);
    let (_driver, c) = phone().await;
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
