use crate::error::{FieldError, FieldErrorKind};

/// A login name: 3–40 characters of `a-z 0-9 . _ -`, or a Vietnamese phone number
/// (10 digits starting with 0, or +84 followed by 9 digits, normalised to the 0… form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(
                "username",
                FieldErrorKind::Required,
                "empty",
            ));
        }
        let phone = s.strip_prefix("+84").map(|rest| format!("0{rest}"));
        let s = phone.unwrap_or(s);
        if s.len() > 40 {
            return Err(FieldError::new(
                "username",
                FieldErrorKind::TooLong { max: 40 },
                "too long",
            ));
        }
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        let all_digits = s.bytes().all(|b| b.is_ascii_digit());
        let valid_phone = all_digits && s.len() == 10 && s.starts_with('0');
        if !ok_chars || s.len() < 3 || (all_digits && !valid_phone) {
            return Err(FieldError::new(
                "username",
                FieldErrorKind::InvalidFormat,
                "letters, digits, . _ - (3–40), or a phone number",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–128 characters, not all the same character. Never logged: `Debug`
/// hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

impl Password {
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, FieldError> {
        let n = raw.chars().count();
        if n == 0 {
            return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
        }
        if !(8..=128).contains(&n) {
            return Err(FieldError::new(
                field,
                FieldErrorKind::OutOfRange { min: 8, max: 128 },
                "length",
            ));
        }
        let first = raw.chars().next();
        if raw.chars().all(|c| Some(c) == first) {
            return Err(FieldError::new(
                field,
                FieldErrorKind::InvalidFormat,
                "trivial",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_phones() {
        assert_eq!(
            Username::parse(" To.Truong_1 ").unwrap().as_str(),
            "to.truong_1"
        );
        assert_eq!(
            Username::parse("0912345678").unwrap().as_str(),
            "0912345678"
        );
        assert_eq!(
            Username::parse("+84912345678").unwrap().as_str(),
            "0912345678"
        );
        for bad in ["", "ab", "tên có dấu", "12345", "a b", &"x".repeat(41)] {
            assert_eq!(
                Username::parse(bad).unwrap_err().field,
                "username",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn passwords() {
        assert!(Password::parse("correct horse", "password").is_ok());
        assert!(Password::parse("short", "password").is_err());
        assert!(Password::parse("aaaaaaaaaa", "password").is_err());
        assert_eq!(
            Password::parse("", "new_password").unwrap_err().field,
            "new_password"
        );
        assert_eq!(
            format!("{:?}", Password::parse("hunter2hunter2", "p").unwrap()),
            "Password([redacted])"
        );
    }
}
