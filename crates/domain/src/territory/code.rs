use std::fmt;

use crate::error::{FieldError, FieldErrorKind};

/// A unit code. Provinces have 2 digits (`"79"`), communes 5 (`"26743"`), both from Decision
/// 19/2025/QĐ-TTg; residential units are the commune code followed by one local code per
/// level (`"26743-kp03"`, `"26743-kp03-t05"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

impl UnitCode {
    /// Local parts are case-insensitive: `26743-KP01` is `26743-kp01`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let lowered = raw.trim().to_ascii_lowercase();
        let raw = lowered.as_str();
        let bad = || {
            FieldError::new(
                "code",
                FieldErrorKind::InvalidFormat,
                format!("not a unit code: {raw:?}"),
            )
        };
        if raw.is_empty() {
            return Err(FieldError::new(
                "code",
                FieldErrorKind::Required,
                "empty code",
            ));
        }
        let mut parts = raw.split('-');
        let head = parts.next().ok_or_else(bad)?;
        let digits = head.len() == 2 || head.len() == 5;
        if !digits || !head.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let mut locals = 0;
        for part in parts {
            LocalCode::parse(part).map_err(|_| bad())?;
            locals += 1;
        }
        if head.len() == 2 && locals > 0 {
            return Err(bad());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn province(n: u32) -> Self {
        Self(format!("{n:02}"))
    }

    pub fn commune(n: u32) -> Self {
        Self(format!("{n:05}"))
    }

    /// The code of a residential unit directly below `parent`.
    pub fn child(parent: &UnitCode, local: &LocalCode) -> Self {
        Self(format!("{}-{}", parent.0, local.as_str()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The part of a residential unit's code chosen by its commune: 1 to 12 lower-case ASCII
/// letters and digits (`kp03`, `thon07`, `t05`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalCode(String);

impl LocalCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(
                "local_code",
                FieldErrorKind::Required,
                "empty local code",
            ));
        }
        if s.len() > 12 {
            return Err(FieldError::new(
                "local_code",
                FieldErrorKind::TooLong { max: 12 },
                format!("{} characters", s.len()),
            ));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err(FieldError::new(
                "local_code",
                FieldErrorKind::InvalidFormat,
                format!("only a-z and 0-9 allowed: {raw:?}"),
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_zero_padded_strings() {
        assert_eq!(UnitCode::province(1).as_str(), "01");
        assert_eq!(UnitCode::commune(70).as_str(), "00070");
        assert_eq!(UnitCode::parse("79").unwrap().as_str(), "79");
        assert_eq!(
            UnitCode::parse("26743-kp03").unwrap().as_str(),
            "26743-kp03"
        );
        assert_eq!(
            UnitCode::parse("26743-kp03-t05").unwrap().as_str(),
            "26743-kp03-t05"
        );
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "7",
            "790",
            "7a",
            "79-kp1",
            "26743-",
            "26743-KP 3",
            "267431",
            "2674x",
        ] {
            assert!(UnitCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn local_codes_are_lowercased_and_checked() {
        assert_eq!(LocalCode::parse(" KP03 ").unwrap().as_str(), "kp03");
        assert_eq!(
            LocalCode::parse("").unwrap_err().kind,
            FieldErrorKind::Required
        );
        assert_eq!(
            LocalCode::parse("thon-7").unwrap_err().kind,
            FieldErrorKind::InvalidFormat
        );
        assert_eq!(
            LocalCode::parse("abcdefghijklm").unwrap_err().kind,
            FieldErrorKind::TooLong { max: 12 }
        );
    }
}
