//! Delivery: the worker that empties the outbox. Each pass claims the due messages for a
//! lease, sends them concurrently (in-app, e-mail over SMTP, JSON webhook), and marks each
//! sent, or pending again after an exponential backoff, or failed after
//! [`MAX_ATTEMPTS`](tuquan_domain::announcements::MAX_ATTEMPTS). Every message carries its
//! stable idempotency key: the e-mail's Message-ID, the webhook's `Idempotency-Key` header.

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;
use tokio::task::JoinSet;
use tuquan_domain::announcements::{backoff_secs, DeliveryChannel, MAX_ATTEMPTS};
use tuquan_store::outbox::OutboxMessage;

use crate::{App, AppError, AppResult};

mod config;
mod smtp;
mod webhook;

pub use config::{DeliveryConfig, SmtpConfig, SmtpTls, WebhookConfig};

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The delivery worker: cheap to clone.
#[derive(Clone)]
pub struct Deliverer {
    app: App,
    config: Arc<DeliveryConfig>,
    smtp: Option<Arc<smtp::Smtp>>,
    webhook: Option<Arc<webhook::Webhook>>,
}

enum Outcome {
    /// Delivered and already marked sent (in-app: one transaction with the notification).
    Done,
    /// Accepted by the receiver; marked sent with the rest of the pass.
    Sent,
    Retry(String),
    Fail(String),
}

impl Deliverer {
    /// Checks the configuration (addresses, TLS) once, at start.
    pub fn new(app: App, config: DeliveryConfig) -> Result<Self, String> {
        let smtp = config
            .smtp
            .as_ref()
            .map(smtp::Smtp::new)
            .transpose()?
            .map(Arc::new);
        let webhook = config
            .webhook
            .as_ref()
            .map(webhook::Webhook::new)
            .transpose()?
            .map(Arc::new);
        Ok(Self {
            app,
            config: Arc::new(config),
            smtp,
            webhook,
        })
    }

    /// One pass over the due messages.
    pub async fn run_once(&self) -> AppResult<PassReport> {
        let store = self.app.store();
        let now = self.app.now();
        let lease = SignedDuration::from_secs(i64::try_from(self.config.lease_secs).unwrap_or(120));
        let claimed = store
            .claim_outbox(now, now + lease, self.config.batch.max(1))
            .await?;
        let mut report = PassReport {
            claimed: claimed.len(),
            ..PassReport::default()
        };
        let mut sent = Vec::new();
        let mut tasks = JoinSet::new();
        for m in claimed {
            let me = self.clone();
            tasks.spawn(async move {
                let outcome = me.deliver(&m).await;
                (m, outcome)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (m, outcome) = joined.map_err(|e| AppError::Internal(e.to_string()))?;
            match outcome {
                Ok(Outcome::Done) => report.sent += 1,
                Ok(Outcome::Sent) => {
                    sent.push(m.id);
                    report.sent += 1;
                }
                Ok(Outcome::Retry(err)) if m.attempts < MAX_ATTEMPTS => {
                    let wait = backoff_secs(m.attempts, self.config.retry_base_ms);
                    tracing::warn!(key = %m.idempotency_key, attempts = m.attempts, error = %err, "delivery failed; will retry");
                    store
                        .outbox_failed(m.id, Some(self.app.now() + wait), &err)
                        .await?;
                    report.retried += 1;
                }
                Ok(Outcome::Retry(err) | Outcome::Fail(err)) => {
                    tracing::warn!(key = %m.idempotency_key, error = %err, "delivery gave up");
                    store.outbox_failed(m.id, None, &err).await?;
                    report.failed += 1;
                }
                Err(e) => return Err(e),
            }
        }
        // One statement for the pass: a commit per message would cap a pass at the disk's
        // fsync rate. A crash before it sends these again after the lease, with the same
        // keys, so the receivers drop the repeats.
        store.outbox_sent_many(&sent).await?;
        Ok(report)
    }

    async fn deliver(&self, m: &OutboxMessage) -> AppResult<Outcome> {
        let outcome = match DeliveryChannel::parse(&m.channel) {
            Some(DeliveryChannel::InApp) => {
                // The notification and "sent" are one transaction.
                self.app.store().outbox_deliver_in_app(m).await?;
                return Ok(Outcome::Done);
            }
            Some(DeliveryChannel::Email) => match &self.smtp {
                None => Outcome::Fail("no SMTP server is configured".into()),
                Some(s) => match s.send(m).await {
                    Ok(()) => Outcome::Sent,
                    Err(smtp::SendError::Permanent(e)) => Outcome::Fail(e),
                    Err(smtp::SendError::Transient(e)) => Outcome::Retry(e),
                },
            },
            Some(DeliveryChannel::Webhook) => match &self.webhook {
                None => Outcome::Fail("no webhook is configured".into()),
                Some(w) => match w.send(m).await {
                    Ok(()) => Outcome::Sent,
                    Err(e) => Outcome::Retry(e),
                },
            },
            None => Outcome::Fail(format!("unknown channel {}", m.channel)),
        };
        Ok(outcome)
    }

    /// Runs passes until `stop` resolves: straight on while there is a full batch, otherwise
    /// after `poll_ms`.
    pub async fn run(self, stop: impl std::future::Future<Output = ()>) {
        let idle = Duration::from_millis(self.config.poll_ms.max(10));
        tokio::pin!(stop);
        loop {
            let wait = match self.run_once().await {
                Ok(r) if r.claimed as i64 >= self.config.batch => Duration::ZERO,
                Ok(_) => idle,
                Err(e) => {
                    tracing::error!(error = %e, "delivery pass failed");
                    idle
                }
            };
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}
