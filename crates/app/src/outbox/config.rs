//! The `[delivery]` section of the configuration file. Everything is optional: without an
//! SMTP server e-mails fail (and the author sees it), without a webhook SMS fail; in-app
//! messages always work.

use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    /// Whether `serve` runs the delivery worker.
    #[serde(default = "defaults::enabled")]
    pub enabled: bool,
    /// How often the worker looks for due messages when idle.
    #[serde(default = "defaults::poll_ms")]
    pub poll_ms: u64,
    /// The wait after the first failure; it doubles with each further failure (at most an hour).
    #[serde(default = "defaults::retry_base_ms")]
    pub retry_base_ms: u64,
    /// How many messages one pass claims (and sends concurrently).
    #[serde(default = "defaults::batch")]
    pub batch: i64,
    /// How long a claimed message is held before another pass may claim it again (a worker
    /// that died mid-delivery loses nothing).
    #[serde(default = "defaults::lease_secs")]
    pub lease_secs: u64,
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    #[serde(default)]
    pub webhook: Option<WebhookConfig>,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            enabled: defaults::enabled(),
            poll_ms: defaults::poll_ms(),
            retry_base_ms: defaults::retry_base_ms(),
            batch: defaults::batch(),
            lease_secs: defaults::lease_secs(),
            smtp: None,
            webhook: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain text (a relay on the same machine).
    None,
    /// Upgrade with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default = "defaults::tls")]
    pub tls: SmtpTls,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<SecretString>,
    /// The From address, e.g. `"UBND phường Bến Thành <thongbao@benthanh.gov.vn>"`.
    pub sender: String,
}

/// An SMS or Zalo provider's adapter: each message is POSTed as JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
    #[serde(default)]
    pub bearer: Option<SecretString>,
    #[serde(default = "defaults::timeout_secs")]
    pub timeout_secs: u64,
}

mod defaults {
    pub fn enabled() -> bool {
        true
    }
    pub fn poll_ms() -> u64 {
        1000
    }
    pub fn retry_base_ms() -> u64 {
        30_000
    }
    pub fn batch() -> i64 {
        200
    }
    pub fn lease_secs() -> u64 {
        120
    }
    pub fn tls() -> super::SmtpTls {
        super::SmtpTls::Starttls
    }
    pub fn timeout_secs() -> u64 {
        10
    }
}
