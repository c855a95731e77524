//! Delivery through the outbox against real receivers started here: an SMTP server
//! (Debian's python3-aiosmtpd, writing a Maildir) and an HTTP webhook that fails twice, then
//! accepts. Vietnamese text arrives intact, a retried message is accepted once (one key),
//! residents without consent get no e-mail, and a server killed mid-delivery loses nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::announcements::{household, publish};
use crate::harness::{demo_token, free_port, post_json as post, Server, TestDb};
use crate::on_both_backends;

/// Debian's Python, where python3-aiosmtpd installs (not a pyenv or venv one first on PATH).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Whether aiosmtpd is installed; without it the tests are skipped (`skip!`: a failure in CI,
/// where `.ci/run` installs it).
fn have_aiosmtpd() -> bool {
    Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success())
}

const NO_AIOSMTPD: &str = "python3-aiosmtpd is not installed (.ci/run installs it)";

/// A real SMTP server writing every message it accepts into a Maildir.
struct Smtp {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Smtp {
    fn start(dir: &Path) -> Self {
        let maildir = dir.join("maildir");
        let port = free_port();
        let mut child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self {
                    child,
                    port,
                    maildir,
                };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start");
    }

    /// Every message received, as (recipients, subject, body) decoded by Python's `email`.
    fn messages(&self) -> Vec<Value> {
        let script = r#"
import json, mailbox, sys
out = []
for m in mailbox.Maildir(sys.argv[1], create=False):
    body = m.get_payload(decode=True).decode(m.get_content_charset() or 'utf-8')
    from email.header import decode_header, make_header
    out.append({"to": m["To"], "subject": str(make_header(decode_header(m["Subject"]))),
                "message_id": m["Message-ID"], "body": body})
print(json.dumps(out))
"#;
        if !self.maildir.join("new").exists() {
            return vec![];
        }
        let out = Command::new(python())
            .args(["-c", script])
            .arg(&self.maildir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request the webhook received: its idempotency key header, its JSON body, the answer.
#[derive(Debug, Clone)]
struct Hit {
    key: String,
    body: Value,
    status: u16,
}

/// An HTTP webhook receiver: the first `fail_first` requests per key get 503, and while
/// `hang` is set requests get no answer at all.
#[derive(Clone)]
struct Webhook {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    hang: Arc<std::sync::atomic::AtomicBool>,
}

impl Webhook {
    async fn start(fail_first: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let me = Self {
            port,
            hits: Arc::default(),
            hang: Arc::default(),
        };
        let state = me.clone();
        tokio::spawn(async move {
            let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let state = state.clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let (head, body) = loop {
                        let n = sock.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..i]).to_string();
                            let len: usize = head
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse().ok())?
                                })
                                .unwrap_or(0);
                            while buf.len() < i + 4 + len {
                                let n = sock.read(&mut chunk).await.unwrap_or(0);
                                if n == 0 {
                                    return;
                                }
                                buf.extend_from_slice(&chunk[..n]);
                            }
                            break (head, buf[i + 4..i + 4 + len].to_vec());
                        }
                    };
                    let key = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("idempotency-key")
                                .then(|| v.trim().to_owned())
                        })
                        .unwrap_or_default();
                    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    if state.hang.load(std::sync::atomic::Ordering::SeqCst) {
                        state.hits.lock().unwrap().push(Hit {
                            key,
                            body,
                            status: 0,
                        });
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    let n = {
                        let mut seen = seen.lock().unwrap();
                        let n = seen.entry(key.clone()).or_default();
                        *n += 1;
                        *n
                    };
                    let status = if n <= fail_first { 503 } else { 200 };
                    state.hits.lock().unwrap().push(Hit { key, body, status });
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
                    );
                    let _ = sock.write_all(reply.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        me
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

/// The configuration file of a server delivering to these receivers, quickly.
fn config(db: &TestDb, smtp_port: u16, hook_port: u16, lease_secs: u64) -> String {
    let path = db.data_dir().join("delivery.toml");
    std::fs::write(
        &path,
        format!(
            "[delivery]\npoll_ms = 100\nretry_base_ms = 200\nlease_secs = {lease_secs}\n\
             [delivery.smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"none\"\n\
             sender = \"Khu phố 1 <thongbao@benthanh.example>\"\n\
             [delivery.webhook]\nurl = \"http://127.0.0.1:{hook_port}/sms\"\nbearer = \"hook-s3cret\"\n"
        ),
    )
    .unwrap();
    path.display().to_string()
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..150 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("timed out waiting for {what}");
}

const TITLE: &str = "Tiêm phòng dại cho chó, mèo";

on_both_backends!(email_and_sms_arrive_once_with_consent);
async fn email_and_sms_arrive_once_with_consent(db: &TestDb) {
    if !have_aiosmtpd() {
        crate::skip!("{NO_AIOSMTPD}");
    }
    let smtp = Smtp::start(db.data_dir());
    let hook = Webhook::start(2).await;
    let cfg = config(db, smtp.port, hook.port, 120);
    let server = Server::start_with(db, &["--demo", "--config", &cfg]);
    let head = demo_token(db, "totruong.kp01");
    // The demo resident consents to announcements and gives an e-mail address.
    let resident = demo_token(db, "dan.kp01");
    let rid = db
        .count("SELECT resident_id FROM users WHERE username = 'dan.kp01'")
        .await;
    let (s, b) = post(
        &server,
        &server.token,
        &format!("/api/v1/residents/{rid}/consents"),
        json!({"purpose": "announcements", "granted": true, "source": "app"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let r = server
        .http
        .put(server.url("/api/v1/me/delivery-addresses/email"))
        .bearer_auth(&resident)
        .json(&json!({"address": "mai.ngo@example.vn"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A neighbour with an account and an address, but no consent: no e-mail, no SMS.
    let (_, other_rid) = household(&server, "26743-kp01", "Trần Văn Không").await;
    let other = db.user_with_token("khong.kp01", "resident", Some("26743-kp01"), "No-consent-1");
    db.run_ok(
        &[
            "user",
            "link-resident",
            "--username",
            "khong.kp01",
            "--resident",
            &other_rid.to_string(),
        ],
        "",
    );
    let r = server
        .http
        .put(server.url("/api/v1/me/delivery-addresses/email"))
        .bearer_auth(&other)
        .json(&json!({"address": "khong@example.vn"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let id = publish(&server, &head, "26743-kp01", TITLE).await;
    wait_for("the e-mail", || !smtp.messages().is_empty()).await;
    wait_for("the SMS", || hook.hits().iter().any(|h| h.status == 200)).await;
    // E-mail: once, to the consenting resident, Vietnamese intact, the key as Message-ID.
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0]["to"]
        .as_str()
        .unwrap()
        .contains("mai.ngo@example.vn"));
    assert_eq!(mails[0]["subject"], format!("Thông báo: {TITLE}"));
    assert!(
        mails[0]["body"]
            .as_str()
            .unwrap()
            .contains("Đề nghị các hộ gia đình tham gia đầy đủ."),
        "{mails:?}"
    );
    let key = format!("announcement-{id}-v1-email-mai.ngo@example.vn");
    assert_eq!(mails[0]["message_id"], format!("<{key}@tuquan>"));
    // SMS: failed twice, then accepted once; every try carried the same key.
    let hits = hook.hits();
    let accepted: std::collections::HashSet<_> = hits
        .iter()
        .filter(|h| h.status == 200)
        .map(|h| h.key.clone())
        .collect();
    assert_eq!(accepted.len(), 1, "{hits:?}");
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits.iter().all(|h| h.key == hits[0].key));
    assert_eq!(hits[0].body["to"], "0903123456");
    assert_eq!(hits[0].body["subject"], format!("Thông báo: {TITLE}"));
    assert!(hits[2].body["body"]
        .as_str()
        .unwrap()
        .contains("tham gia đầy đủ"));
    // Nothing was written for the neighbour who did not consent.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'khong@example.vn'")
            .await,
        0
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND recipient = '0912345678'"
        )
        .await,
        0
    );
    for _ in 0..100 {
        if db
            .count("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")
            .await
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, d) = crate::harness::get_json(
        &server,
        &head,
        &format!("/api/v1/announcements/{id}/units/26743-kp01/dashboard"),
    )
    .await;
    assert_eq!(d["delivery"]["failed"], 0, "{d}");
    assert!(d["delivery"]["sent"].as_i64().unwrap() >= 2, "{d}");
    assert_eq!(
        db.count("SELECT attempts FROM outbox WHERE channel = 'webhook'")
            .await,
        3
    );
    assert!(!server.log().contains("hook-s3cret"));
}

on_both_backends!(a_server_killed_mid_delivery_loses_nothing);
async fn a_server_killed_mid_delivery_loses_nothing(db: &TestDb) {
    if !have_aiosmtpd() {
        crate::skip!("{NO_AIOSMTPD}");
    }
    let smtp = Smtp::start(db.data_dir());
    let hook = Webhook::start(0).await;
    hook.hang.store(true, std::sync::atomic::Ordering::SeqCst);
    let cfg = config(db, smtp.port, hook.port, 1);
    let mut server = Server::start_with(db, &["--demo", "--config", &cfg]);
    let rid = db
        .count("SELECT resident_id FROM users WHERE username = 'dan.kp01'")
        .await;
    let (s, _) = post(
        &server,
        &server.token,
        &format!("/api/v1/residents/{rid}/consents"),
        json!({"purpose": "announcements", "granted": true, "source": "paper form"}),
    )
    .await;
    assert_eq!(s, 201);
    let head = demo_token(db, "totruong.kp01");
    publish(&server, &head, "26743-kp01", TITLE).await;
    // The worker holds the SMS (the receiver never answers); kill the server then.
    wait_for("the first attempt", || !hook.hits().is_empty()).await;
    server.kill9();
    hook.hang.store(false, std::sync::atomic::Ordering::SeqCst);
    let _server = Server::start_with(db, &["--config", &cfg]);
    wait_for("the delivery after the restart", || {
        hook.hits().iter().any(|h| h.status == 200)
    })
    .await;
    let hits = hook.hits();
    assert!(hits.iter().all(|h| h.key == hits[0].key), "{hits:?}");
    // The receiver answers before the worker marks the row sent: wait for the mark.
    let mut sent = 0;
    for _ in 0..150 {
        sent = db
            .count("SELECT COUNT(*) FROM outbox WHERE channel = 'webhook' AND status = 'sent'")
            .await;
        if sent > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(sent, 1);
}

// Feedback notices go through the outbox (in the app at once, by e-mail through the worker),
// and `serve --demo --smtp HOST:PORT` delivers the demo's e-mail to a local SMTP server.
on_both_backends!(feedback_notices_and_the_demo_reach_a_local_smtp_server);
async fn feedback_notices_and_the_demo_reach_a_local_smtp_server(db: &TestDb) {
    if !have_aiosmtpd() {
        crate::skip!("{NO_AIOSMTPD}");
    }
    let smtp = Smtp::start(db.data_dir());
    let addr = format!("127.0.0.1:{}", smtp.port);
    let server = Server::start_with(db, &["--demo", "--smtp", &addr]);
    let head = "totruong.kp01@demo.tuquan.vn";

    // A new item in Khu phố 1: its head is told in the app at once and by e-mail.
    let (s, b) = post(
        &server,
        &server.token,
        "/api/v1/feedback",
        json!({"category": "environment", "description": "Rác thải ùn ứ đầu hẻm 42",
               "unit_code": "26743-kp01", "contact_phone": "0909123456"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let code = b["tracking_code"].as_str().unwrap().to_owned();
    let id = db
        .count(&format!(
            "SELECT id FROM feedback WHERE tracking_code = '{code}'"
        ))
        .await;
    let in_app = format!(
        "SELECT COUNT(*) FROM outbox o JOIN notifications n ON n.user_id = o.user_id \
         AND n.feedback_id = {id} AND n.kind = 'feedback.arrived' \
         JOIN users u ON u.id = o.user_id WHERE u.username = 'totruong.kp01' \
         AND o.about_type = 'feedback' AND o.about_id = {id} AND o.channel = 'in_app' \
         AND o.status = 'sent' AND o.idempotency_key LIKE 'feedback-{code}-feedback.arrived-%'"
    );
    assert_eq!(
        db.count(&in_app).await,
        1,
        "in the app, at once, through the outbox"
    );
    wait_for("the feedback e-mail", || {
        smtp.messages()
            .iter()
            .any(|m| m["to"] == head && m["subject"].as_str().unwrap_or("").contains(&code))
    })
    .await;
    let mails = smtp.messages();
    let mail = mails
        .iter()
        .find(|m| m["subject"].as_str().unwrap_or("").contains(&code))
        .unwrap();
    assert!(
        mail["message_id"]
            .as_str()
            .unwrap()
            .contains(&format!("feedback-{code}-feedback.arrived-")),
        "{mail}"
    );

    // The ward official publishes: Khu phố 1's head gets the e-mail, Vietnamese intact.
    let official = demo_token(db, "canbo.benthanh");
    publish(&server, &official, "26743", TITLE).await;
    wait_for("the announcement e-mail", || {
        smtp.messages()
            .iter()
            .any(|m| m["to"] == head && m["subject"].as_str().unwrap_or("").contains(TITLE))
    })
    .await;
    // Each message once.
    let mails = smtp.messages();
    let mut ids: Vec<&str> = mails
        .iter()
        .filter_map(|m| m["message_id"].as_str())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "no message twice: {mails:?}");
}
