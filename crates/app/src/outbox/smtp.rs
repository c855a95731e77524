//! E-mail over SMTP (lettre). The message's idempotency key is its Message-ID.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use tuquan_store::outbox::OutboxMessage;

use super::{SmtpConfig, SmtpTls};

pub(super) struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    sender: Mailbox,
}

pub(super) enum SendError {
    /// The address or the message itself is refused: retrying will not help.
    Permanent(String),
    /// The server is down, busy or said "try later".
    Transient(String),
}

impl Smtp {
    pub(super) fn new(c: &SmtpConfig) -> Result<Self, String> {
        let sender: Mailbox = c
            .sender
            .parse()
            .map_err(|e| format!("delivery.smtp.sender: {e}"))?;
        let mut b = match c.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host)
                .map_err(|e| format!("delivery.smtp: {e}"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host)
                .map_err(|e| format!("delivery.smtp: {e}"))?,
        };
        if let Some(port) = c.port {
            b = b.port(port);
        }
        if let (Some(user), Some(pass)) = (&c.user, &c.password) {
            b = b.credentials(Credentials::new(
                user.clone(),
                pass.expose_secret().to_owned(),
            ));
        }
        let transport = b.timeout(Some(Duration::from_secs(20))).build();
        Ok(Self { transport, sender })
    }

    pub(super) async fn send(&self, m: &OutboxMessage) -> Result<(), SendError> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("recipient: {e}")))?;
        let email = Message::builder()
            .from(self.sender.clone())
            .to(to)
            .subject(&m.subject)
            .message_id(Some(format!("<{}@tuquan>", m.idempotency_key)))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| SendError::Permanent(e.to_string()))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
