//! Identity numbers at rest: encrypted with XChaCha20-Poly1305 under a key from the
//! configuration, with a keyed hash (HMAC-SHA-256) beside them so duplicates are found
//! without decrypting. The database alone reveals no number.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::StoreError;

/// The key for identity numbers. `Debug` never shows it.
#[derive(Clone)]
pub struct IdentityKey([u8; 32]);

impl std::fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityKey([redacted])")
    }
}

impl IdentityKey {
    /// From 32 bytes in standard base64.
    pub fn from_base64(s: &str) -> Result<Self, StoreError> {
        let bytes = STANDARD
            .decode(s.trim())
            .map_err(|_| StoreError::Config("identity_key is not valid base64".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StoreError::Config("identity_key must be 32 bytes".into()))?;
        Ok(Self(key))
    }

    /// A new random key, in the base64 form `from_base64` reads.
    pub fn generate_base64() -> String {
        STANDARD.encode(XChaCha20Poly1305::generate_key(&mut OsRng))
    }

    pub fn encrypt(&self, plain: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("encryption of a short string cannot fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        STANDARD.encode(out)
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, StoreError> {
        let fail = || {
            StoreError::Config(
                "an identity number could not be decrypted with the configured key".into(),
            )
        };
        let bytes = STANDARD.decode(stored).map_err(|_| fail())?;
        if bytes.len() < 24 {
            return Err(fail());
        }
        let (nonce, ct) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), ct)
            .map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }

    /// The keyed hash stored for finding duplicates.
    pub fn blind_index(&self, plain: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(plain.as_bytes());
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(digest.len() * 2);
        for b in digest {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_no_plaintext() {
        let key = IdentityKey::from_base64(&IdentityKey::generate_base64()).unwrap();
        let a = key.encrypt("079185001234");
        let b = key.encrypt("079185001234");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("079185001234"));
        assert_eq!(key.decrypt(&a).unwrap(), "079185001234");
        assert_eq!(
            key.blind_index("079185001234"),
            key.blind_index("079185001234")
        );
        let index = key.blind_index("079185001234");
        assert_eq!(index.len(), 64);
        assert!(index
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let other = IdentityKey::from_base64(&IdentityKey::generate_base64()).unwrap();
        assert!(other.decrypt(&a).is_err());
        assert!(IdentityKey::from_base64("short").is_err());
        assert_eq!(format!("{key:?}"), "IdentityKey([redacted])");
    }
}
