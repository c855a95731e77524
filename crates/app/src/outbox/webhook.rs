//! SMS and Zalo through a provider's adapter: a JSON POST with the message's idempotency key
//! in the body and in the `Idempotency-Key` header. Any 2xx is accepted; anything else, or no
//! answer, is retried.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use tuquan_store::outbox::OutboxMessage;

use super::WebhookConfig;

pub(super) struct Webhook {
    client: reqwest::Client,
    url: reqwest::Url,
    bearer: Option<SecretString>,
}

impl Webhook {
    pub(super) fn new(c: &WebhookConfig) -> Result<Self, String> {
        let url = reqwest::Url::parse(&c.url).map_err(|e| format!("delivery.webhook.url: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(c.timeout_secs.max(1)))
            .build()
            .map_err(|e| format!("delivery.webhook: {e}"))?;
        Ok(Self {
            client,
            url,
            bearer: c.bearer.clone(),
        })
    }

    pub(super) async fn send(&self, m: &OutboxMessage) -> Result<(), String> {
        let body = json!({
            "idempotency_key": m.idempotency_key,
            "channel": "sms",
            "to": m.recipient,
            "subject": m.subject,
            "body": m.body,
            "purpose": m.purpose,
        });
        let mut req = self
            .client
            .post(self.url.clone())
            .header("Idempotency-Key", &m.idempotency_key)
            .json(&body);
        if let Some(b) = &self.bearer {
            req = req.bearer_auth(b.expose_secret());
        }
        let r = req.send().await.map_err(|e| e.without_url().to_string())?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(format!("webhook answered {}", r.status()))
        }
    }
}
