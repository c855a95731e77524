//! Real headless Chromium at 360 px: a khu phố head signs in and reaches the households from
//! the start page in one tap; the header is one compact row; axe-core (vendored under
//! `vendor/`) finds no violation on the start page, a form, a list and the statistics page.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::harness::{Backend, Server, TestDb};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const AXE: &str = include_str!("vendor/axe.min.js");

struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A chromedriver and a headless Chromium session with a 360 px wide window.
async fn phone() -> (Driver, Client) {
    let port = free_port();
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

/// Waits until the address contains `part`.
async fn wait_for_url(c: &Client, part: &str) -> Result<String, fantoccini::error::CmdError> {
    let mut url = c.current_url().await?;
    for _ in 0..100 {
        if url.as_str().contains(part) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        url = c.current_url().await?;
    }
    Ok(url.to_string())
}

/// axe-core's violations on the current page, as "rule: targets" lines.
async fn axe_violations(c: &Client) -> Result<Vec<String>, fantoccini::error::CmdError> {
    c.execute(&format!("{AXE}\n;return true;"), vec![]).await?;
    let out = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done({ passes: r.passes.length, violations: r.violations.map(v =>
                   v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')) }))
               .catch(e => done({ passes: 0, violations: ['axe failed: ' + e] }));",
            vec![],
        )
        .await?;
    // A run that checked nothing proves nothing.
    assert!(
        out["passes"].as_u64().unwrap_or(0) > 0,
        "axe-core did not run: {out}"
    );
    Ok(out["violations"]
        .as_array()
        .expect("axe-core's violations")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}

async fn number(c: &Client, js: &str) -> Result<f64, fantoccini::error::CmdError> {
    Ok(c.execute(js, vec![]).await?.as_f64().unwrap_or(f64::NAN))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_head_reaches_households_in_one_tap_and_axe_finds_nothing() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    }
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start_with(&db, &["--demo"]);
    let (_driver, c) = phone().await;
    let result = async {
        c.goto(&server.url("/login")).await?;
        c.find(Locator::Css("input#username"))
            .await?
            .send_keys("totruong.kp01")
            .await?;
        c.find(Locator::Css("input#password"))
            .await?
            .send_keys("tuquan-demo")
            .await?;
        c.find(Locator::Css("form.stack button[type=submit]"))
            .await?
            .click()
            .await?;
        let landed = wait_for_url(&c, "/start").await?;
        let header = number(
            &c,
            "return document.querySelector('header.site').getBoundingClientRect().height;",
        )
        .await?;
        let sideways = number(
            &c,
            "return document.documentElement.scrollWidth - window.innerWidth;",
        )
        .await?;
        let mut violations = Vec::new();
        for v in axe_violations(&c).await? {
            violations.push(format!("/start: {v}"));
        }
        // One tap from the start page to the households.
        c.find(Locator::Css("a#start-26743-kp01-households"))
            .await?
            .click()
            .await?;
        let households = wait_for_url(&c, "/households").await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#households"))
            .await?;
        // A list, a form and the statistics.
        for path in [
            "/territory/26743-kp01/households",
            "/households/new?unit=26743-kp01",
            "/units/26743/feedback-stats",
            "/feedback/new",
        ] {
            c.goto(&server.url(path)).await?;
            for v in axe_violations(&c).await? {
                violations.push(format!("{path}: {v}"));
            }
        }
        Ok::<_, fantoccini::error::CmdError>((landed, header, sideways, households, violations))
    }
    .await;
    c.close().await.ok();
    let (landed, header, sideways, households, violations) = result.expect("browser steps");
    assert!(landed.ends_with("/start"), "{landed}");
    assert!(
        header <= 64.0,
        "the header is one row on a phone: {header} px"
    );
    assert!(sideways <= 0.0, "no sideways scroll: {sideways} px");
    assert!(
        households.ends_with("/territory/26743-kp01/households"),
        "{households}"
    );
    assert!(violations.is_empty(), "axe-core: {violations:#?}");
}
