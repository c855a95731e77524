//! Photos kept between a refused feedback form and the form sent again: a browser cannot
//! fill a file input, so without this a visitor who mistyped a phone number would lose
//! the photos they chose. The accepted photos of a refused form are held here under a
//! random token that the form carries back in a hidden field; sending it again attaches
//! them. Held in the process, bounded in count, bytes and time (like the rate limits,
//! behind a load balancer the form must come back to the same node or the visitor is
//! asked to choose the photos again). Nothing here is ever served back: the token only
//! attaches the photos to the submission of the one who holds it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;

/// How long photos are held.
const TTL: Duration = Duration::from_secs(30 * 60);
/// The most bytes held at once; the oldest go first.
const MAX_BYTES: usize = 96 * 1024 * 1024;

struct Held {
    at: Instant,
    photos: Vec<Vec<u8>>,
}

/// The photos held for forms sent again.
#[derive(Default)]
pub struct PendingPhotos {
    held: Mutex<HashMap<String, Held>>,
}

impl PendingPhotos {
    /// Holds `photos` (none: nothing is held) and gives their token.
    pub fn keep(&self, photos: Vec<Vec<u8>>) -> Option<String> {
        if photos.is_empty() {
            return None;
        }
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        held.retain(|_, h| now.duration_since(h.at) < TTL);
        let size: usize = photos.iter().map(Vec::len).sum();
        while !held.is_empty() && held_bytes(&held) + size > MAX_BYTES {
            let oldest = held
                .iter()
                .min_by_key(|(_, h)| h.at)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                held.remove(&k);
            }
        }
        held.insert(token.clone(), Held { at: now, photos });
        Some(token)
    }

    /// Takes the photos held under `token` (empty when unknown or expired).
    pub fn take(&self, token: &str) -> Vec<Vec<u8>> {
        if token.is_empty() {
            return Vec::new();
        }
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        match held.remove(token) {
            Some(h) if h.at.elapsed() < TTL => h.photos,
            _ => Vec::new(),
        }
    }
}

fn held_bytes(held: &HashMap<String, Held>) -> usize {
    held.values()
        .flat_map(|h| h.photos.iter())
        .map(Vec::len)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_once_under_their_token() {
        let p = PendingPhotos::default();
        assert_eq!(p.keep(Vec::new()), None);
        let t = p.keep(vec![vec![1, 2, 3]]).unwrap();
        assert_eq!(t.len(), 32);
        assert!(p.take("other").is_empty());
        assert_eq!(p.take(&t), vec![vec![1, 2, 3]]);
        assert!(p.take(&t).is_empty(), "taken once");
    }

    #[test]
    fn the_oldest_go_when_full() {
        let p = PendingPhotos::default();
        let big = vec![0u8; MAX_BYTES / 2 + 1];
        let first = p.keep(vec![big.clone()]).unwrap();
        let second = p.keep(vec![big]).unwrap();
        assert!(p.take(&first).is_empty());
        assert_eq!(p.take(&second).len(), 1);
    }
}
