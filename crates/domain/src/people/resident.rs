use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Cccd;
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// Accepts the codes and the Vietnamese words people write in spreadsheets.
    pub fn parse(s: &str) -> Option<Self> {
        match text::fold(s).as_str() {
            "male" | "nam" | "m" => Some(Self::Male),
            "female" | "nu" | "f" => Some(Self::Female),
            _ => None,
        }
    }
}

/// Thường trú (permanent) or tạm trú (temporary) residence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidenceType {
    Permanent,
    Temporary,
}

impl ResidenceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Permanent => "permanent",
            Self::Temporary => "temporary",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match text::fold(s).as_str() {
            "permanent" | "thuong tru" => Some(Self::Permanent),
            "temporary" | "tam tru" => Some(Self::Temporary),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentStatus {
    Active,
    MovedAway,
    Deceased,
    /// Personal fields anonymised after an approved erasure request.
    Erased,
}

impl ResidentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::MovedAway => "moved_away",
            Self::Deceased => "deceased",
            Self::Erased => "erased",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::MovedAway, Self::Deceased, Self::Erased]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn is_active(self) -> bool {
        self == Self::Active
    }
}

/// Where a request to erase a resident's personal data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureStatus {
    Pending,
    /// Approved and carried out: the resident's personal fields are anonymised.
    Approved,
    Refused,
}

impl ErasureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Refused]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A Vietnamese phone number, normalised to its national form: a mobile number (`0` and 9
/// digits) or a landline (`02` and 9 digits, e.g. `028 3836 1234`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let digits: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let local = match digits.strip_prefix("+84").or_else(|| {
            digits
                .strip_prefix("84")
                .filter(|r| r.len() == 9 || r.len() == 10)
        }) {
            Some(rest) => format!("0{rest}"),
            None => digits,
        };
        let mobile = local.len() == 10 && local.starts_with('0');
        let landline = local.len() == 11 && local.starts_with("02");
        if !(mobile || landline) || !local.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                "phone",
                FieldErrorKind::InvalidFormat,
                "10 digits starting with 0 (11 for a landline starting with 02), or +84",
            ));
        }
        Ok(Self(local))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whole years between `born` and `on`.
pub fn age_on(born: Date, on: Date) -> i16 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

/// Raw input for a resident, from a form, JSON or a spreadsheet row.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewResidentInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub residence_type: String,
    #[serde(default)]
    pub residence_since: Option<String>,
    #[serde(default)]
    pub cccd: Option<String>,
}

/// A resident that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResident {
    pub full_name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
    pub birth_date: Date,
    pub gender: Gender,
    pub phone: Option<Phone>,
    pub residence_type: ResidenceType,
    pub residence_since: Option<Date>,
    pub cccd: Option<Cccd>,
}

pub const NAME_MAX: usize = 100;

fn date_field(raw: &str, field: &'static str) -> Result<Date, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    // ISO first; then the dd/mm/yyyy people write.
    if let Ok(d) = raw.parse::<Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = raw.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts.as_slice() {
        if let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) {
            if let Ok(date) = Date::new(y, m, d) {
                return Ok(date);
            }
        }
    }
    Err(FieldError::new(
        field,
        FieldErrorKind::InvalidFormat,
        format!("not a date (YYYY-MM-DD or DD/MM/YYYY): {raw}"),
    ))
}

fn parse_name(raw: &str) -> Result<String, FieldError> {
    let full_name = text::clean(raw);
    if full_name.is_empty() {
        return Err(FieldError::new(
            "full_name",
            FieldErrorKind::Required,
            "empty",
        ));
    }
    if full_name.chars().count() > NAME_MAX {
        return Err(FieldError::new(
            "full_name",
            FieldErrorKind::TooLong { max: NAME_MAX },
            "long",
        ));
    }
    Ok(full_name)
}

fn parse_birth_date(raw: &str, today: Date) -> Result<Date, FieldError> {
    let birth_date = date_field(raw, "birth_date")?;
    // A future date and a too-early one are different mistakes with different messages.
    if birth_date > today {
        return Err(FieldError::new(
            "birth_date",
            FieldErrorKind::InFuture,
            "a birth date cannot be after today",
        ));
    }
    if birth_date.year() < 1900 {
        return Err(FieldError::new(
            "birth_date",
            FieldErrorKind::OutOfRange {
                min: 1900,
                max: i64::from(today.year()),
            },
            "not a plausible birth date",
        ));
    }
    Ok(birth_date)
}

fn parse_gender(raw: &str) -> Result<Gender, FieldError> {
    match raw.trim() {
        "" => Err(FieldError::new("gender", FieldErrorKind::Required, "empty")),
        g => Gender::parse(g).ok_or_else(|| {
            FieldError::new("gender", FieldErrorKind::UnknownValue, "male or female")
        }),
    }
}

fn parse_residence_type(raw: &str) -> Result<ResidenceType, FieldError> {
    match raw.trim() {
        "" => Err(FieldError::new(
            "residence_type",
            FieldErrorKind::Required,
            "empty",
        )),
        r => ResidenceType::parse(r).ok_or_else(|| {
            FieldError::new(
                "residence_type",
                FieldErrorKind::UnknownValue,
                "permanent (thường trú) or temporary (tạm trú)",
            )
        }),
    }
}

/// `None` when blank. Checked against the birth date only when that one is valid.
fn parse_since(
    raw: Option<&str>,
    birth_date: Option<Date>,
    today: Date,
) -> Result<Option<Date>, FieldError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let d = date_field(s, "residence_since")?;
    if d > today || birth_date.is_some_and(|b| d < b) {
        return Err(FieldError::new(
            "residence_since",
            FieldErrorKind::NotAllowedHere,
            "before birth or in the future",
        ));
    }
    Ok(Some(d))
}

fn optional<T>(
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(Some),
    }
}

impl NewResident {
    /// The resident, or the first rule it breaks.
    pub fn parse(input: &NewResidentInput, today: Date) -> Result<Self, FieldError> {
        Self::parse_all(input, today).map_err(|mut e| e.swap_remove(0))
    }

    /// The resident, or every rule it breaks (never an empty list), in the form's order.
    pub fn parse_all(input: &NewResidentInput, today: Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let full_name = c.check(parse_name(&input.full_name));
        let birth_date = c.check(parse_birth_date(&input.birth_date, today));
        let gender = c.check(parse_gender(&input.gender));
        let residence_type = c.check(parse_residence_type(&input.residence_type));
        let residence_since = c.check(parse_since(
            input.residence_since.as_deref(),
            birth_date,
            today,
        ));
        let phone = c.check(optional(input.phone.as_deref(), Phone::parse));
        // The CCCD encodes the birth year and gender: checked once both are known.
        let cccd = match (birth_date, gender) {
            (Some(b), Some(g)) => {
                c.check(optional(input.cccd.as_deref(), |v| Cccd::parse(v, b, g)))
            }
            _ => Some(None),
        };
        let (
            Some(full_name),
            Some(birth_date),
            Some(gender),
            Some(residence_type),
            Some(residence_since),
            Some(phone),
            Some(cccd),
        ) = (
            full_name,
            birth_date,
            gender,
            residence_type,
            residence_since,
            phone,
            cccd,
        )
        else {
            return Err(c.into_errors());
        };
        Ok(Self {
            name_folded: text::fold(&full_name),
            sort_key: text::sort_key(&full_name),
            full_name,
            birth_date,
            gender,
            phone,
            residence_type,
            residence_since,
            cccd,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn input() -> NewResidentInput {
        NewResidentInput {
            full_name: "  Nguyễn   Thị Mai ".into(),
            birth_date: "12/03/1985".into(),
            gender: "Nữ".into(),
            phone: Some("+84 912 345 678".into()),
            residence_type: "Thường trú".into(),
            residence_since: Some("2010-01-01".into()),
            cccd: Some("079185001234".into()),
        }
    }

    #[test]
    fn parses_vietnamese_spreadsheet_values() {
        let r = NewResident::parse(&input(), date(2026, 11, 21)).unwrap();
        assert_eq!(r.full_name, "Nguyễn Thị Mai");
        assert_eq!(r.name_folded, "nguyen thi mai");
        assert_eq!(r.birth_date, date(1985, 3, 12));
        assert_eq!(r.gender, Gender::Female);
        assert_eq!(r.phone.unwrap().as_str(), "0912345678");
        assert_eq!(r.residence_type, ResidenceType::Permanent);
        assert_eq!(r.cccd.unwrap().masked(), "0791••••••34");
    }

    #[test]
    fn each_bad_field_is_named() {
        let today = date(2026, 11, 21);
        type Case = (fn(&mut NewResidentInput), &'static str);
        let cases: Vec<Case> = vec![
            (|i| i.full_name = " ".into(), "full_name"),
            (|i| i.birth_date = "31/02/1985".into(), "birth_date"),
            (|i| i.birth_date = "2030-01-01".into(), "birth_date"),
            (|i| i.gender = "x".into(), "gender"),
            (|i| i.phone = Some("12345".into()), "phone"),
            (|i| i.residence_type = "".into(), "residence_type"),
            (
                |i| i.residence_since = Some("1970-01-01".into()),
                "residence_since",
            ),
            (|i| i.cccd = Some("079085001234".into()), "cccd"),
        ];
        for (patch, field) in cases {
            let mut i = input();
            patch(&mut i);
            assert_eq!(NewResident::parse(&i, today).unwrap_err().field, field);
        }
    }

    #[test]
    fn every_bad_field_at_once() {
        let today = date(2026, 11, 21);
        let mut i = input();
        i.full_name = " ".into();
        i.birth_date = "2030-01-01".into();
        i.phone = Some("12345".into());
        let errors = NewResident::parse_all(&i, today).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        // The CCCD is not judged against a birth date that is itself wrong.
        assert_eq!(fields, ["full_name", "birth_date", "phone"]);
        assert_eq!(errors[1].kind, FieldErrorKind::InFuture);
    }

    #[test]
    fn mobiles_and_landlines() {
        assert_eq!(Phone::parse("0912 345 678").unwrap().as_str(), "0912345678");
        assert_eq!(
            Phone::parse("028 3836 1234").unwrap().as_str(),
            "02838361234"
        );
        assert_eq!(
            Phone::parse("+84 28 3836 1234").unwrap().as_str(),
            "02838361234"
        );
        for bad in ["12345", "09123456789", "0912-34567a", "03838361234"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(date(2005, 11, 22), date(2026, 11, 21)), 20);
        assert_eq!(age_on(date(2005, 11, 21), date(2026, 11, 21)), 21);
    }
}
