//! A real headless Chromium at 360 px for the browser tests, and signing in with it.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::error::CmdError;
use fantoccini::{ClientBuilder, Locator};

use super::Server;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TCP port free at the moment of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A headless Chromium at 360 px driven through chromedriver; `None` when not installed.
pub async fn chromium() -> Option<(Driver, fantoccini::Client)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        return None;
    }
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
                     "--disable-dev-shm-usage", "--window-size=360,800"],
            // Headless windows are at least 500 px wide: emulate the phone's viewport.
            "mobileEmulation": {"deviceMetrics": {"width": 360, "height": 800, "pixelRatio": 1.0}}
        }),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("connect to chromedriver");
}

/// Signs in through the login form with the browser `c` and waits (up to 10 s) until it has
/// left the login page.
pub async fn sign_in_chromium(
    c: &fantoccini::Client,
    server: &Server,
    username: &str,
    password: &str,
) -> Result<(), CmdError> {
    c.goto(&server.url("/login")).await?;
    c.find(Locator::Css("#username"))
        .await?
        .send_keys(username)
        .await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(password)
        .await?;
    c.find(Locator::Css("form button[type=submit]"))
        .await?
        .click()
        .await?;
    for _ in 0..100 {
        if !c.current_url().await?.path().starts_with("/login") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}
