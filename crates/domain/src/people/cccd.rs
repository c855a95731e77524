//! The citizen identity number (căn cước công dân, CCCD): 12 digits — a 3-digit place of
//! birth registration code, a century/gender digit, two digits of the birth year, six random
//! digits. No check digit (domain.md). Never derive today's province from it.

use jiff::civil::Date;

use super::Gender;
use crate::error::{FieldError, FieldErrorKind};

/// A CCCD that is well formed and consistent with the holder's birth date and gender.
/// `Debug` shows it masked: the full number must not reach logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Cccd(String);

impl std::fmt::Debug for Cccd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cccd({})", self.masked())
    }
}

fn bad(detail: &str) -> FieldError {
    FieldError::new("cccd", FieldErrorKind::InvalidFormat, detail)
}

/// A well-formed number that does not match the birth date or the gender: a rule between
/// fields, not a malformed value.
fn mismatch(detail: &str) -> FieldError {
    FieldError::new("cccd", FieldErrorKind::NotAllowedHere, detail)
}

impl Cccd {
    /// Spaces and dots people type between groups of digits are ignored.
    pub fn parse(raw: &str, birth_date: Date, gender: Gender) -> Result<Self, FieldError> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("a CCCD has exactly 12 digits"));
        }
        let b = digits.as_bytes();
        let century_digit = b[3] - b'0';
        // 20th century: male 0, female 1; 21st: 2, 3; 22nd: 4, 5 (and 8, 9 for the 19th).
        let (century_start, female) = match century_digit {
            0 | 1 => (1900, century_digit == 1),
            2 | 3 => (2000, century_digit == 3),
            4 | 5 => (2100, century_digit == 5),
            8 | 9 => (1800, century_digit == 9),
            _ => return Err(bad("the 4th digit must give the century and gender")),
        };
        let yy = i16::from(b[4] - b'0') * 10 + i16::from(b[5] - b'0');
        let year = century_start + yy;
        if year != birth_date.year() {
            return Err(mismatch("digits 4–6 do not match the year of birth"));
        }
        if female != (gender == Gender::Female) {
            return Err(mismatch("the 4th digit does not match the gender"));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `0791••••••34`: the first four and last two digits.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any stored identity number the same way.
pub fn mask(number: &str) -> String {
    let n = number.chars().count();
    if n < 6 {
        return "•".repeat(n);
    }
    let head: String = number.chars().take(4).collect();
    let tail: String = number.chars().skip(n - 2).collect();
    format!("{head}{}{tail}", "•".repeat(n - 6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn valid_numbers_for_each_century_and_gender() {
        let ok = [
            ("079085001234", date(1985, 3, 1), Gender::Male),
            ("079185001234", date(1985, 3, 1), Gender::Female),
            ("001203000099", date(2003, 12, 31), Gender::Male),
            ("001303000099", date(2003, 1, 1), Gender::Female),
            ("001 203 000 099", date(2003, 1, 1), Gender::Male),
        ];
        for (raw, born, g) in ok {
            assert!(Cccd::parse(raw, born, g).is_ok(), "{raw}");
        }
    }

    #[test]
    fn inconsistent_or_malformed_numbers_are_refused() {
        let bad_cases = [
            ("07908500123", date(1985, 3, 1), Gender::Male), // 11 digits
            ("0790850012345", date(1985, 3, 1), Gender::Male), // 13 digits
            ("07908500123a", date(1985, 3, 1), Gender::Male), // a letter
            ("079185001234", date(1985, 3, 1), Gender::Male), // female digit, male person
            ("079085001234", date(1986, 3, 1), Gender::Male), // wrong year
            ("079285001234", date(1985, 3, 1), Gender::Male), // 21st century digit for 1985
            ("079685001234", date(1985, 3, 1), Gender::Male), // 6 is no century digit
        ];
        for (raw, born, g) in bad_cases {
            let e = Cccd::parse(raw, born, g).unwrap_err();
            assert_eq!(e.field, "cccd", "{raw}");
        }
    }

    #[test]
    fn masking_keeps_four_and_two() {
        let c = Cccd::parse("079185001234", date(1985, 1, 1), Gender::Female).unwrap();
        assert_eq!(c.masked(), "0791••••••34");
        assert_eq!(format!("{c:?}"), "Cccd(0791••••••34)");
    }
}
