//! Configuration: defaults, then an optional TOML file (`--config`), then `TUQUAN_*`
//! environment variables, then command-line flags. Secrets redact themselves in `Debug`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "defaults::listen")]
    pub listen: SocketAddr,
    #[serde(default = "defaults::data_dir")]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; without it, `tuquan.db` inside `data_dir`.
    #[serde(default)]
    pub database_url: Option<SecretString>,
    /// 32 bytes, base64: encrypts identity numbers at rest. Without it, a key is generated
    /// once into `identity.key` in `data_dir` (fine for one server; set it explicitly when
    /// several servers share a database).
    #[serde(default)]
    pub identity_key: Option<SecretString>,
    #[serde(default)]
    pub secure_cookies: bool,
    #[serde(default = "defaults::log")]
    pub log: String,
    #[serde(default = "defaults::db_max_connections")]
    pub db_max_connections: u32,
    /// SQLite `synchronous`: `full` (durable on power loss) or `normal` (durable on crash).
    #[serde(default = "defaults::sqlite_synchronous")]
    pub sqlite_synchronous: String,
    #[serde(default = "defaults::request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// Whether the demo (`serve --demo`, `seed demo`) also sends and answers a dozen feedback
    /// items (the test suite turns this off to start from an empty inbox).
    #[serde(default = "defaults::demo_feedback")]
    pub demo_feedback: bool,
    /// Whether the demo also holds meetings (with minutes and action items), ballots and a
    /// consultation, whatever `demo_feedback` says (the test suite turns this off too).
    #[serde(default = "defaults::demo_meetings")]
    pub demo_meetings: bool,
    /// `[delivery]`: the outbox worker, SMTP and the SMS/Zalo webhook (all optional).
    #[serde(default)]
    pub delivery: tuquan_app::outbox::DeliveryConfig,
    /// Reverse proxies (IPs or CIDR networks) whose `X-Forwarded-For` names the client, for
    /// rate limits and the audit log. Empty: the socket peer is the client.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Rate limits on feedback, kept in each server process's memory.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Where the public reaches this server (`https://host[/prefix]`, no query): makes the
    /// links in CAP alerts, the Atom feed and outgoing messages absolute. Unset: they stay
    /// relative (never guessed from the `Host` header, which the client chooses).
    #[serde(default)]
    pub public_base_url: Option<String>,
}

/// `[limits]`: at most `feedback_per_*` submissions per `feedback_per_*_secs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub feedback_per_address: usize,
    pub feedback_per_address_secs: i64,
    pub feedback_per_contact: usize,
    pub feedback_per_contact_secs: i64,
    pub feedback_per_unit: usize,
    pub feedback_per_unit_secs: i64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let d = tuquan_app::limits::LimitSettings::default();
        Self {
            feedback_per_address: d.feedback_per_address.max,
            feedback_per_address_secs: d.feedback_per_address.window_secs,
            feedback_per_contact: d.feedback_per_contact.max,
            feedback_per_contact_secs: d.feedback_per_contact.window_secs,
            feedback_per_unit: d.feedback_per_unit.max,
            feedback_per_unit_secs: d.feedback_per_unit.window_secs,
        }
    }
}

impl LimitsConfig {
    pub fn settings(&self) -> tuquan_app::limits::LimitSettings {
        use tuquan_app::limits::Rule;
        let rule = |max: usize, secs: i64| Rule {
            max: max.max(1),
            window_secs: secs.max(1),
        };
        tuquan_app::limits::LimitSettings {
            feedback_per_address: rule(self.feedback_per_address, self.feedback_per_address_secs),
            feedback_per_contact: rule(self.feedback_per_contact, self.feedback_per_contact_secs),
            feedback_per_unit: rule(self.feedback_per_unit, self.feedback_per_unit_secs),
        }
    }
}

mod defaults {
    use std::net::SocketAddr;
    use std::path::PathBuf;

    pub fn listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8080))
    }
    pub fn data_dir() -> PathBuf {
        PathBuf::from("./data")
    }
    pub fn log() -> String {
        "info,sqlx=warn,tower_http=info".into()
    }
    pub fn db_max_connections() -> u32 {
        8
    }
    pub fn sqlite_synchronous() -> String {
        "full".into()
    }
    pub fn request_timeout_secs() -> u64 {
        30
    }
    pub fn demo_feedback() -> bool {
        true
    }
    pub fn demo_meetings() -> bool {
        true
    }
}

/// `TUQUAN_TEST_*` variables belong to the test suite, not to the configuration.
fn is_config_key(key: &str) -> bool {
    !key.to_ascii_lowercase().starts_with("test_")
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        if let Some(path) = file {
            if !path.exists() {
                bail!("configuration file {} does not exist", path.display());
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("TUQUAN_").filter(|k| is_config_key(k.as_str())));
        let config: Config = figment.extract().context("invalid configuration")?;
        if !matches!(config.sqlite_synchronous.as_str(), "full" | "normal") {
            bail!("sqlite_synchronous must be \"full\" or \"normal\"");
        }
        tuquan_web::auth::proxy::TrustedProxies::parse(&config.trusted_proxies)
            .map_err(|e| anyhow::anyhow!(e))?;
        config.public_base_url()?;
        Ok(config)
    }

    /// `public_base_url` checked: an absolute http(s) URL without query, or unset.
    pub fn public_base_url(&self) -> anyhow::Result<Option<tuquan_app::links::PublicBaseUrl>> {
        match self.public_base_url.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => tuquan_app::links::PublicBaseUrl::parse(raw)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("public_base_url {raw:?}: {}", e.detail)),
        }
    }

    /// The database URL in effect.
    pub fn effective_database_url(&self) -> SecretString {
        match &self.database_url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.join("tuquan.db");
                SecretString::from(format!("sqlite://{}", path.display()))
            }
        }
    }

    pub fn uses_default_sqlite(&self) -> bool {
        self.database_url.is_none()
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs.max(1))
    }

    /// The effective configuration as TOML, secrets redacted.
    pub fn show(&self) -> String {
        let url = redact_url(self.effective_database_url().expose_secret());
        let key = if self.identity_key.is_some() {
            "\"[redacted]\"".to_owned()
        } else {
            format!("# unset: {}", self.data_dir.join("identity.key").display())
        };
        format!(
            "listen = \"{}\"\ndata_dir = {:?}\ndatabase_url = {:?}\nidentity_key = {key}\nsecure_cookies = {}\nlog = {:?}\ndb_max_connections = {}\n\
             sqlite_synchronous = {:?}\nrequest_timeout_secs = {}\ndemo_feedback = {}\ndemo_meetings = {}\ntrusted_proxies = {:?}\n\
             public_base_url = {}\n",
            self.listen,
            self.data_dir.display().to_string(),
            url,
            self.secure_cookies,
            self.log,
            self.db_max_connections,
            self.sqlite_synchronous,
            self.request_timeout_secs,
            self.demo_feedback,
            self.demo_meetings,
            self.trusted_proxies,
            match &self.public_base_url {
                Some(u) => format!("{u:?}"),
                None => "# unset: links in CAP, Atom and messages are relative".to_owned(),
            },
        )
    }
}

/// Hides the password of `scheme://user:password@host/…`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let pass = if userinfo.contains(':') {
                ":[redacted]"
            } else {
                ""
            };
            format!("{scheme}://{user}{pass}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// `serve --smtp HOST:PORT`: a local SMTP server without TLS or sign-in (a relay on the same
/// machine, or `python3 -m aiosmtpd` for the demo).
pub fn local_smtp(server: &str) -> anyhow::Result<tuquan_app::outbox::SmtpConfig> {
    let (host, port) = server
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h, p.parse::<u16>().ok()?)))
        .filter(|(h, _)| !h.is_empty())
        .ok_or_else(|| anyhow::anyhow!("--smtp {server}: expected HOST:PORT"))?;
    Ok(tuquan_app::outbox::SmtpConfig {
        host: host.trim_matches(['[', ']']).to_owned(),
        port: Some(port),
        tls: tuquan_app::outbox::SmtpTls::None,
        user: None,
        password: None,
        sender: "Tự Quản demo <thongbao@demo.tuquan.vn>".into(),
    })
}

#[cfg(test)]
// figment's Jail fixes the closure's error type; its size is not ours to change.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/tuquan?sslmode=require"),
            "postgres://app:[redacted]@db:5432/tuquan?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
        assert_eq!(
            redact_url("sqlite://./data/tuquan.db"),
            "sqlite://./data/tuquan.db"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("TUQUAN_DATABASE_URL", "postgres://u:hunter2@h/db");
            jail.set_env(
                "TUQUAN_IDENTITY_KEY",
                "aHVudGVyM2h1bnRlcjNodW50ZXIzaHVudGVyMzEyMzQ=",
            );
            let c = Config::load(None).unwrap();
            let dbg = format!("{c:?}");
            assert!(
                !dbg.contains("hunter2") && !dbg.contains("hunter3"),
                "{dbg}"
            );
            let shown = c.show();
            assert!(
                !shown.contains("hunter2") && !shown.contains("hunter3"),
                "{shown}"
            );
            Ok(())
        });
    }

    #[test]
    fn file_then_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "tq.toml",
                "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/tq\"\nlog = \"debug\"\n",
            )?;
            jail.set_env("TUQUAN_LOG", "warn");
            let c = Config::load(Some(Path::new("tq.toml"))).unwrap();
            assert_eq!(c.listen.port(), 9000);
            assert_eq!(c.data_dir, PathBuf::from("/srv/tq"));
            assert_eq!(c.log, "warn");
            assert_eq!(
                c.effective_database_url().expose_secret(),
                "sqlite:///srv/tq/tuquan.db"
            );
            Ok(())
        });
    }

    #[test]
    fn bad_values_are_rejected() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("TUQUAN_LISTEN", "not-an-address");
            assert!(Config::load(None).is_err());
            Ok(())
        });
        assert!(Config::load(Some(Path::new("/nonexistent/tuquan.toml"))).is_err());
    }

    #[test]
    fn public_base_url_is_checked() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("TUQUAN_PUBLIC_BASE_URL", "https://tuquan.example.vn/");
            let c = Config::load(None).unwrap();
            let base = c.public_base_url().unwrap().unwrap();
            assert_eq!(base.as_str(), "https://tuquan.example.vn");
            assert!(c
                .show()
                .contains("public_base_url = \"https://tuquan.example.vn/\""));
            for bad in ["tuquan.example.vn", "https://a.vn/?x=1", "ftp://a.vn"] {
                jail.set_env("TUQUAN_PUBLIC_BASE_URL", bad);
                let e = Config::load(None).unwrap_err();
                assert!(format!("{e:#}").contains("public_base_url"), "{bad}: {e:#}");
            }
            Ok(())
        });
    }

    #[test]
    fn local_smtp_takes_host_and_port() {
        let c = local_smtp("127.0.0.1:2525").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", Some(2525)));
        assert_eq!(c.tls, tuquan_app::outbox::SmtpTls::None);
        assert!(local_smtp("127.0.0.1").is_err());
        assert!(local_smtp(":25").is_err());
    }
}
