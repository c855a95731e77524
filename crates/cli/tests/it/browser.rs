//! A real headless Chromium (Debian's `chromium` + `chromium-driver`) searches the territory
//! without accents and sees the result.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_searches_the_territory_without_accents() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        crate::skip!("{CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)");
    }
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = Server::start(&db);
    let port = free_port();
    let _driver = Driver(
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
    let mut client = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("connect to chromedriver");

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
