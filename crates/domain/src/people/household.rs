use serde::{Deserialize, Serialize};

use super::Phone;
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::text;

/// Households are never deleted: they move away or dissolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    Active,
    MovedAway,
    Dissolved,
}

impl HouseholdStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::MovedAway => "moved_away",
            Self::Dissolved => "dissolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::MovedAway, Self::Dissolved]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn is_active(self) -> bool {
        self == Self::Active
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewHouseholdInput {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHousehold {
    pub address: String,
    pub address_folded: String,
    pub phone: Option<Phone>,
}

pub const ADDRESS_MAX: usize = 200;

impl NewHousehold {
    /// The household, or the first rule it breaks.
    pub fn parse(input: &NewHouseholdInput) -> Result<Self, FieldError> {
        Self::parse_all(input).map_err(|mut e| e.swap_remove(0))
    }

    /// The household, or every rule it breaks (never an empty list).
    pub fn parse_all(input: &NewHouseholdInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let address = c.check(parse_address(&input.address));
        let phone = c.check(match input.phone.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(p) => Phone::parse(p).map(Some),
        });
        let (Some(address), Some(phone)) = (address, phone) else {
            return Err(c.into_errors());
        };
        Ok(Self {
            address_folded: text::fold(&address),
            address,
            phone,
        })
    }
}

fn parse_address(raw: &str) -> Result<String, FieldError> {
    let address = text::clean(raw);
    if address.is_empty() {
        return Err(FieldError::new(
            "address",
            FieldErrorKind::Required,
            "empty",
        ));
    }
    if address.chars().count() > ADDRESS_MAX {
        return Err(FieldError::new(
            "address",
            FieldErrorKind::TooLong { max: ADDRESS_MAX },
            "long",
        ));
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_is_required_and_folded() {
        let h = NewHousehold::parse(&NewHouseholdInput {
            address: "12 Đề Thám".into(),
            phone: None,
        })
        .unwrap();
        assert_eq!(h.address_folded, "12 de tham");
        let e = NewHousehold::parse(&NewHouseholdInput::default()).unwrap_err();
        assert_eq!(e.field, "address");
    }
}
