//! Announcements at province scale and the outbox's delivery rate (issue 14, point 7): an
//! announcement to the whole province published, households acknowledging, the province's
//! dashboard against the naive count; then N webhook messages drained to a local sink.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tuquan_domain::announcements::{
    AckChannel, AnnouncementId, NewAnnouncement, NewAnnouncementInput,
};
use tuquan_store::announcements::{Author, NewAck, Reach};
use tuquan_store::audit::AuditCtx;
use tuquan_store::outbox::NewMessage;
use tuquan_store::Store;

use super::figures::{percentile, round};
use crate::synthetic;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Publishes `runs` (1 to 10) announcements to the whole province; the last one's id and
/// each publication's time in milliseconds.
async fn publish_runs(
    store: &Store,
    runs: usize,
    ctx: &AuditCtx,
) -> anyhow::Result<(AnnouncementId, Vec<f64>)> {
    let province = store.unit(synthetic::PROVINCE).await?.unit;
    // Parsed from JSON so that fields added to the input later take their defaults.
    let input: NewAnnouncementInput = serde_json::from_value(json!({
        "title": "Tổng vệ sinh môi trường toàn thành phố",
        "body": "Đề nghị các hộ gia đình tham gia đầy đủ.\nXin cảm ơn.",
        "category": "campaign", "public": true,
    }))?;
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    let a = NewAnnouncement::parse(&input, today).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let deadline =
        tuquan_store::stamp(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(72));
    let author = Author {
        user_id: None,
        name: "bench".into(),
    };
    let mut create = Vec::new();
    let mut id = AnnouncementId(0);
    for _ in 0..runs.clamp(1, 10) {
        let t = Instant::now();
        id = store
            .publish_announcement(
                &province,
                &a,
                &[],
                &author,
                std::slice::from_ref(&deadline),
                |id| Reach {
                    key_prefix: format!("announcement-{id}-v1"),
                    announcement_id: id,
                    head_subject: format!("Thông báo chờ chuyển tiếp: {}", a.title),
                    resident_subject: format!("Thông báo: {}", a.title),
                    body: a.body.clone(),
                    group_kinds: String::new(),
                    roles: String::new(),
                },
                ctx,
            )
            .await?;
        create.push(ms(t));
    }
    Ok((id, create))
}

/// Publishes `runs` announcements to the province, acknowledges `acks` households of its
/// largest commune, and times the province's dashboard (roll-ups) and the naive count.
pub(super) async fn announcements(
    store: &Store,
    runs: usize,
    acks: usize,
) -> anyhow::Result<Vec<(&'static str, Value)>> {
    let ctx = AuditCtx {
        actor_username: Some("bench".into()),
        ..AuditCtx::default()
    };
    let units_before = store.count_rows("announcement_units").await?;
    let (id, create) = publish_runs(store, runs, &ctx).await?;
    let record = store.announcement(id).await?;
    // Households of the largest commune acknowledge one by one (each its own transaction).
    let commune = store
        .largest_commune_in(synthetic::PROVINCE)
        .await?
        .unwrap_or_else(|| synthetic::ONE_COMMUNE.to_owned());
    let commune_path = store.unit(&commune).await?.unit.path;
    let households = store
        .not_reached(&record, &commune_path, acks as i64)
        .await?;
    let t = Instant::now();
    for h in &households {
        let ack = NewAck {
            announcement_id: id,
            household_id: h.household_id,
            unit_code: h.unit_code.clone(),
            unit_path: commune_path.clone(),
            version: 1,
            channel: AckChannel::InPerson,
            resident_id: None,
            recorded_by: "bench".into(),
        };
        store.acknowledge_announcement(&ack, &ctx).await?;
    }
    let ack_secs = t.elapsed().as_secs_f64();
    let mut fast = Vec::new();
    let mut last = None;
    for _ in 0..30 {
        let t = Instant::now();
        last = Some(store.ack_counts(&record, synthetic::PROVINCE).await?);
        fast.push(ms(t));
    }
    let t = Instant::now();
    let naive = store.ack_counts_naive(&record, synthetic::PROVINCE).await?;
    let naive_ms = ms(t);
    let last = last.unwrap_or_default();
    let (create, fast) = (sorted(create), sorted(fast));
    Ok(vec![
        (
            "announce_create_p50_ms",
            json!(round(percentile(&create, 50.0), 1)),
        ),
        (
            "announce_create_max_ms",
            json!(round(percentile(&create, 100.0), 1)),
        ),
        (
            "announce_units",
            json!(
                (store.count_rows("announcement_units").await? - units_before)
                    / create.len().max(1) as i64
            ),
        ),
        ("announce_acks", json!(households.len())),
        (
            "announce_acks_per_s",
            json!(round(households.len() as f64 / ack_secs.max(1e-9), 0)),
        ),
        (
            "announce_dashboard_p50_ms",
            json!(round(percentile(&fast, 50.0), 3)),
        ),
        (
            "announce_dashboard_p99_ms",
            json!(round(percentile(&fast, 99.0), 3)),
        ),
        ("announce_dashboard_naive_ms", json!(round(naive_ms, 1))),
        ("announce_dashboard_equals_naive", json!(last == naive)),
        (
            "announce_households",
            json!(last.first().map_or(0, |c| c.households)),
        ),
    ])
}

/// User and system CPU seconds of this process so far (Linux `/proc/self/stat`; 0 elsewhere).
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) ; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    // Clock ticks: 100 a second on Linux.
    f.iter().sum::<f64>() / 100.0
}

/// What the sink received: requests, and distinct idempotency keys.
#[derive(Default)]
struct Received {
    requests: AtomicU64,
    keys: Mutex<HashSet<String>>,
}

/// A minimal HTTP/1.1 receiver (keep-alive, Content-Length bodies) that answers 204.
async fn sink() -> anyhow::Result<(String, Arc<Received>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/send", listener.local_addr()?);
    let got = Arc::new(Received::default());
    let g = got.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(serve(s, g.clone()));
        }
    });
    Ok((url, got))
}

async fn serve(mut s: TcpStream, got: Arc<Received>) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        // Headers, then the body by its length.
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
        };
        let len: usize = header("content-length:")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < end + len {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        got.requests.fetch_add(1, Ordering::Relaxed);
        if let Some(k) = header("idempotency-key:") {
            got.keys.lock().expect("sink keys").insert(k);
        }
        buf.drain(..end + len);
        let ok = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n";
        if s.write_all(ok).await.is_err() {
            return;
        }
    }
}

/// Enqueues `n` webhook messages and times the delivery worker draining them to a local
/// sink, `batch` messages a pass.
pub(super) async fn outbox(
    store: &Store,
    n: usize,
    batch: i64,
) -> anyhow::Result<Vec<(&'static str, Value)>> {
    let (url, got) = sink().await?;
    let run = jiff::Timestamp::now().as_millisecond();
    let msgs: Vec<NewMessage> = (0..n)
        .map(|i| NewMessage {
            idempotency_key: format!("bench-{run}-{i}"),
            channel: "webhook".into(),
            recipient: format!("09{:08}", i % 100_000_000),
            user_id: None,
            subject: "Thông báo: Tổng vệ sinh môi trường".into(),
            body: "Đề nghị các hộ gia đình tham gia đầy đủ. Xin cảm ơn.".into(),
            purpose: "announcement".into(),
            about_type: "bench".into(),
            about_id: 0,
        })
        .collect();
    let t = Instant::now();
    for chunk in msgs.chunks(1000) {
        store.enqueue_messages(chunk, false).await?;
    }
    let enqueue_secs = t.elapsed().as_secs_f64();
    let config = tuquan_app::outbox::DeliveryConfig {
        batch,
        poll_ms: 10,
        webhook: Some(tuquan_app::outbox::WebhookConfig {
            url,
            bearer: None,
            timeout_secs: 10,
        }),
        ..Default::default()
    };
    let app = tuquan_app::App::new(store.clone());
    let worker = tuquan_app::outbox::Deliverer::new(app, config).map_err(|e| anyhow::anyhow!(e))?;
    let cpu = cpu_secs();
    let t = Instant::now();
    let mut sent = 0;
    loop {
        let r = worker.run_once().await.context("delivery pass")?;
        sent += r.sent;
        if r.claimed == 0 {
            break;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    // CPU time of this process (worker and sink): the rate per core-second holds whatever
    // else runs on the machine.
    let cpu = cpu_secs() - cpu;
    let received = got.requests.load(Ordering::Relaxed);
    let distinct = got.keys.lock().expect("sink keys").len();
    store.delete_outbox_about("bench").await?;
    Ok(vec![
        ("outbox_messages", json!(n)),
        (
            "outbox_enqueue_per_s",
            json!(round(n as f64 / enqueue_secs.max(1e-9), 0)),
        ),
        ("outbox_sent", json!(sent)),
        ("outbox_received", json!(received)),
        ("outbox_received_distinct", json!(distinct)),
        ("outbox_batch", json!(batch)),
        (
            "outbox_msgs_per_s",
            json!(round(n as f64 / secs.max(1e-9), 0)),
        ),
        ("outbox_cpu_s", json!(round(cpu, 2))),
        (
            "outbox_msgs_per_cpu_s",
            json!(round(n as f64 / cpu.max(1e-9), 0)),
        ),
    ])
}
