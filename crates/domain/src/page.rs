//! Keyset pagination: a page size within bounds and an opaque cursor.

use crate::error::{FieldError, FieldErrorKind};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// A validated page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(Self(DEFAULT_LIMIT));
        };
        let range = || FieldErrorKind::OutOfRange {
            min: 1,
            max: i64::from(MAX_LIMIT),
        };
        let n: u32 = raw
            .parse()
            .map_err(|_| FieldError::new("limit", range(), format!("not a number: {raw}")))?;
        if n == 0 || n > MAX_LIMIT {
            return Err(FieldError::new(
                "limit",
                range(),
                format!("{n} is out of range"),
            ));
        }
        Ok(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self(DEFAULT_LIMIT)
    }
}

/// The position after the last item of a page: the item's collation key and its code.
/// Encoded as `hex(sort_key) "." code` so it is URL-safe without further escaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort_key: Vec<u8>,
    pub code: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(self.sort_key.len() * 2 + 1 + self.code.len());
        for b in &self.sort_key {
            s.push_str(&format!("{b:02x}"));
        }
        s.push('.');
        s.push_str(&self.code);
        s
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor");
        let (hex, code) = raw.split_once('.').ok_or_else(bad)?;
        if hex.len() % 2 != 0 || code.is_empty() || code.len() > 64 {
            return Err(bad());
        }
        let sort_key = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| bad())?;
        if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(bad());
        }
        Ok(Self {
            sort_key,
            code: code.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(Limit::parse(None).unwrap().get(), DEFAULT_LIMIT);
        assert_eq!(Limit::parse(Some("")).unwrap().get(), DEFAULT_LIMIT);
        assert_eq!(Limit::parse(Some("200")).unwrap().get(), 200);
        for bad in ["0", "201", "-1", "abc", "1.5"] {
            let e = Limit::parse(Some(bad)).unwrap_err();
            assert_eq!(e.field, "limit", "{bad}");
        }
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            sort_key: vec![0, 1, 0xfe, 0x42],
            code: "26743-kp01".into(),
        };
        assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        for bad in ["", "abc", "0g.79", "012.79", "00.", "00.7 9", "00.<x>"] {
            assert_eq!(Cursor::parse(bad).unwrap_err().field, "cursor", "{bad:?}");
        }
    }
}
