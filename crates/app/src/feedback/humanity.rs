//! A simple proof of humanity for anonymous feedback (issue 11 #1), without JavaScript.
//!
//! Below the hard limits of [`crate::limits`], an anonymous client that has sent more than a
//! soft threshold recently (30% of the per-address limit: 3 in 10 minutes by default) must
//! answer a small sum written in words ("bảy cộng hai"). The server keeps no state for a
//! question: the form carries a token `expiry.nonce.mac`, where the MAC (HMAC-SHA-256 under
//! a key made when the process starts) covers the expiry, the nonce, the client and the
//! right answer, so the answer given is checked by recomputing it. A used token is
//! remembered until it expires, so one answer buys one submission. Like the rate limits,
//! the key and the used tokens live in the process: behind a load balancer the form must
//! come back to the node that asked (sticky sessions) or the visitor is asked again.
//! The API and Open311 cannot show a question: over the threshold they answer 422
//! `humanity_required` (sign in, or use an application key, to send more).

use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::Sha256;

use crate::{AppError, AppResult, Ctx};

/// How long a question may be answered.
const TTL_SECS: i64 = 15 * 60;

/// A question to show: `a + b`, and the token to send back with the answer.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub a: u8,
    pub b: u8,
    pub token: String,
}

/// What the form sent back.
#[derive(Debug, Clone, Default)]
pub struct Proof {
    pub token: String,
    pub answer: String,
}

/// The process's secret for tokens and the tokens already used.
pub(crate) struct ProofKeys {
    key: [u8; 32],
    used: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

impl Default for ProofKeys {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self {
            key,
            used: Default::default(),
        }
    }
}

impl ProofKeys {
    fn mac(&self, exp: i64, nonce: &str, client: &str, answer: u32) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(format!("humanity\0{exp}\0{nonce}\0{client}\0{answer}").as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A MAC of `text` under the process's key (for proofs that need not outlive it).
    pub(crate) fn sign(&self, text: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(text.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Marks a token used; false when it was used already.
    fn spend(&self, token: &str, exp: i64, now: i64) -> bool {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.retain(|_, e| *e > now);
        used.insert(token.to_owned(), exp).is_none()
    }
}

fn client(ctx: &Ctx) -> String {
    ctx.meta
        .client_addr
        .clone()
        .unwrap_or_else(|| "unknown".into())
}

/// Whether a submission by this context must carry a proof: anonymous, not filed on
/// someone's behalf, not the system's own (the demo seeder), and over the soft threshold.
pub fn needed(ctx: &Ctx, on_behalf: bool) -> bool {
    !on_behalf
        && ctx.actor.is_none()
        && ctx.meta.system_actor.is_none()
        && ctx
            .app
            .limits()
            .over_soft_threshold(&client(ctx), ctx.now.as_second())
}

/// A new question for this client.
pub fn challenge(ctx: &Ctx) -> Challenge {
    let mut rng = rand::rng();
    let (a, b) = (rng.random_range(1..=9u8), rng.random_range(1..=9u8));
    let mut nonce = [0u8; 12];
    rng.fill_bytes(&mut nonce);
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let exp = ctx.now.as_second() + TTL_SECS;
    let keys = &ctx.app.limits().proofs;
    let mac = keys.mac(exp, &nonce, &client(ctx), u32::from(a) + u32::from(b));
    Challenge {
        a,
        b,
        token: format!("{exp}.{nonce}.{mac}"),
    }
}

fn required() -> AppError {
    AppError::rule(
        "humanity_required",
        "humanity",
        "many submissions from this client: answer the question on the form, or sign in",
    )
}

fn wrong() -> AppError {
    AppError::rule(
        "humanity_wrong",
        "humanity",
        "the answer is wrong or the question expired",
    )
}

/// Checks the proof when one is needed (see [`needed`]): `humanity_required` without one,
/// `humanity_wrong` for a wrong, expired, forged or reused one (422 on `humanity`).
pub fn check(ctx: &Ctx, on_behalf: bool, proof: Option<&Proof>) -> AppResult<()> {
    if !needed(ctx, on_behalf) {
        return Ok(());
    }
    let Some(p) = proof.filter(|p| !p.token.trim().is_empty()) else {
        return Err(required());
    };
    let now = ctx.now.as_second();
    let mut parts = p.token.trim().splitn(3, '.');
    let (Some(exp), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(wrong());
    };
    let exp: i64 = exp.parse().map_err(|_| wrong())?;
    let answer: u32 = p.answer.trim().parse().map_err(|_| wrong())?;
    let keys = &ctx.app.limits().proofs;
    let expected = keys.mac(exp, nonce, &client(ctx), answer);
    if exp <= now || !crate::access::secret::same(&expected, mac) || !keys.spend(&p.token, exp, now)
    {
        return Err(wrong());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_binds_every_part() {
        let k = ProofKeys::default();
        let m = k.mac(100, "n", "1.2.3.4", 9);
        assert_eq!(m, k.mac(100, "n", "1.2.3.4", 9));
        assert_ne!(m, k.mac(100, "n", "1.2.3.4", 8));
        assert_ne!(m, k.mac(101, "n", "1.2.3.4", 9));
        assert_ne!(m, k.mac(100, "n", "1.2.3.5", 9));
        assert_ne!(m, ProofKeys::default().mac(100, "n", "1.2.3.4", 9));
        assert!(k.spend("t", 200, 100));
        assert!(!k.spend("t", 200, 150), "a token is spent once");
    }
}
