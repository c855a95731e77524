//! HTTP under load: the server under test, the wrk scripts and their figures.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};
use serde_json::{json, Value};
use tuquan_app::access::secret;
use tuquan_domain::access::Role;
use tuquan_store::audit::AuditCtx;
use tuquan_store::users::NewUser;
use tuquan_store::Store;

use super::figures::round;
use super::BenchArgs;
use crate::synthetic;

/// One wrk run's figures.
#[derive(Debug, Default, Clone)]
pub(super) struct Load {
    requests: f64,
    seconds: f64,
    non_2xx: f64,
    socket_errors: f64,
    p50_ms: f64,
    p99_ms: f64,
}

impl Load {
    fn rps(&self) -> f64 {
        self.requests / self.seconds.max(1e-9)
    }
}

/// What every script reports at the end: one JSON line wrk's `done` prints.
pub(super) const LUA_DONE: &str = r#"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50.0), latency:percentile(99.0)))
end
"#;

pub(super) fn lua_list(name: &str, items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("local {name} = {{{}}}\n", quoted.join(","))
}

pub(super) fn scripts(units: &[String], token: &str) -> BTreeMap<&'static str, String> {
    let list = lua_list("units", units);
    let seed = "math.randomseed(os.time())\n";
    let mut m = BTreeMap::new();
    m.insert("healthz", format!("wrk.path = '/healthz'\n{LUA_DONE}"));
    m.insert(
        "list",
        format!(
            "{list}{seed}request = function()\n  return wrk.format('GET', '/api/v1/units/' .. units[math.random(#units)] .. '/feedback?limit=50')\nend\n{LUA_DONE}"
        ),
    );
    m.insert(
        "unit_page",
        format!(
            "{list}{seed}request = function()\n  return wrk.format('GET', '/territory/' .. units[math.random(#units)])\nend\n{LUA_DONE}"
        ),
    );
    let cats =
        r#"local cats = {"environment","infrastructure","security_order","traffic","fire_risk"}"#;
    m.insert(
        "post",
        format!(
            "{list}{cats}\n{seed}wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/x-www-form-urlencoded'\n\
             request = function()\n  local body = 'api_key={token}&service_code=' .. cats[math.random(#cats)] ..\n    \
             '&description=Benchmark%20request%20' .. math.random(1000000) ..\n    \
             '&attribute%5Bunit_code%5D=' .. units[math.random(#units)] .. '&lat=10.77&long=106.70'\n  \
             return wrk.format('POST', '/open311/v2/requests.json', nil, body)\nend\n{LUA_DONE}"
        ),
    );
    m
}

pub(super) fn run_wrk(
    script: &Path,
    url: &str,
    connections: u32,
    seconds: u64,
) -> anyhow::Result<Load> {
    let out = Command::new("wrk")
        .arg("-t2")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--timeout")
        .arg("10s")
        .arg("--latency")
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .context("cannot run wrk (install the Debian package `wrk`, or use --no-http)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "wrk failed: {}{}",
            text,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .with_context(|| format!("wrk printed no summary: {text}"))?;
    let j: Value = serde_json::from_str(line)?;
    let n = |k: &str| j[k].as_f64().unwrap_or(0.0);
    Ok(Load {
        requests: n("requests"),
        seconds: n("duration_us") / 1e6,
        non_2xx: n("status_errors"),
        socket_errors: n("socket_errors"),
        p50_ms: n("p50_us") / 1000.0,
        p99_ms: n("p99_us") / 1000.0,
    })
}

/// The server under test, a child process of this one.
pub(super) struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(data_dir: &Path, pg_url: Option<&str>, log: &Path) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let mut cmd = Command::new(exe);
        cmd.arg("--data-dir")
            .arg(data_dir)
            .arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?);
        match pg_url {
            Some(u) => cmd.env("TUQUAN_DATABASE_URL", u),
            None => cmd.env_remove("TUQUAN_DATABASE_URL"),
        };
        let mut child = cmd.spawn().context("cannot start the server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .with_context(|| format!("the server did not start (see {})", log.display()))?
            .to_owned();
        Ok(Self { child, url })
    }

    /// Peak resident memory so far (VmHWM), in MiB.
    fn peak_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) async fn bench_token(store: &Store) -> anyhow::Result<String> {
    let ctx = AuditCtx {
        actor_username: Some("bench".into()),
        ..AuditCtx::default()
    };
    let id = match store.user_by_username("bench.open311").await? {
        Some(u) => u.id,
        None => {
            let new = NewUser {
                username: "bench.open311".into(),
                display_name: "Benchmark Open311 client".into(),
                password_hash: secret::hash_password(&secret::random_token()),
                must_change_password: false,
            };
            store
                .create_user(&new, &[(Role::SystemAdmin, None)], &ctx)
                .await?
        }
    };
    let token = format!("tq_{}", secret::random_token());
    store
        .create_token(id, "benchmark", &secret::sha256_hex(&token), &ctx)
        .await?;
    Ok(token)
}

pub(super) async fn http(
    store: &Store,
    root: &Path,
    data_dir: &Path,
    pg_url: Option<&str>,
    args: &BenchArgs,
) -> anyhow::Result<Vec<(&'static str, Value)>> {
    let all = store.residential_unit_codes(synthetic::PROVINCE).await?;
    if all.is_empty() {
        bail!("the data set has no residential units");
    }
    // An even sample across the province, at most 2,000 codes.
    let step = all.len().div_ceil(2000);
    let units: Vec<String> = all.into_iter().step_by(step).collect();
    let token = bench_token(store).await?;
    let dir = root.join("wrk");
    std::fs::create_dir_all(&dir)?;
    let mut paths = BTreeMap::new();
    for (name, text) in scripts(&units, &token) {
        let p = dir.join(format!("{name}.lua"));
        std::fs::write(&p, text)?;
        paths.insert(name, p);
    }
    let server = Server::start(data_dir, pg_url, &root.join("server.log"))?;
    let result = async {
        // A short warm-up: connections, caches, prepared statements.
        run_wrk(&paths["list"], &server.url, 8, 1)?;
        run_wrk(&paths["unit_page"], &server.url, 8, 1)?;
        let mut loads = BTreeMap::new();
        for name in ["healthz", "list", "unit_page"] {
            loads.insert(
                name,
                run_wrk(&paths[name], &server.url, args.connections, args.duration)?,
            );
        }
        let before = store.count_rows("feedback").await?;
        let post = run_wrk(&paths["post"], &server.url, args.connections, args.duration)?;
        let after = store.count_rows("feedback").await?;
        loads.insert("post", post);
        anyhow::Ok((loads, before, after))
    }
    .await;
    let rss = server.peak_rss_mb();
    server.stop();
    let (loads, before, after) = result?;
    let h = &loads["healthz"];
    let l = &loads["list"];
    let u = &loads["unit_page"];
    let p = &loads["post"];
    let acknowledged = p.requests - p.non_2xx;
    let stored = (after - before) as f64;
    let errors: f64 = loads.values().map(|x| x.non_2xx + x.socket_errors).sum();
    Ok(vec![
        ("http_healthz_rps", json!(round(h.rps(), 0))),
        ("http_healthz_p99_ms", json!(round(h.p99_ms, 2))),
        ("http_list_rps", json!(round(l.rps(), 0))),
        ("http_list_p50_ms", json!(round(l.p50_ms, 2))),
        ("http_list_p99_ms", json!(round(l.p99_ms, 2))),
        (
            "http_list_vs_healthz",
            json!(round(l.rps() / h.rps().max(1e-9), 3)),
        ),
        ("http_unit_page_rps", json!(round(u.rps(), 0))),
        ("http_unit_page_p99_ms", json!(round(u.p99_ms, 2))),
        (
            "http_unit_page_vs_healthz",
            json!(round(u.rps() / h.rps().max(1e-9), 3)),
        ),
        ("http_post_rps", json!(round(p.rps(), 0))),
        ("http_post_p50_ms", json!(round(p.p50_ms, 2))),
        ("http_post_p99_ms", json!(round(p.p99_ms, 2))),
        (
            "http_post_vs_healthz",
            json!(round(p.rps() / h.rps().max(1e-9), 3)),
        ),
        ("http_post_acknowledged", json!(acknowledged)),
        ("http_post_stored", json!(stored)),
        ("http_post_all_stored", json!(stored >= acknowledged)),
        ("http_errors", json!(errors)),
        ("http_connections", json!(args.connections)),
        ("http_seconds", json!(args.duration)),
        ("server_peak_rss_mb", json!(round(rss, 1))),
    ])
}
