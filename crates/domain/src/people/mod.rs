//! People: households and residents, with the rules their records must satisfy.

pub mod cccd;
mod household;
pub mod import;
pub mod redact;
mod resident;

pub use crate::code::{ConsentId, ErasureRequestId};
pub use cccd::Cccd;
pub use household::{HouseholdStatus, NewHousehold, NewHouseholdInput};
pub use resident::{
    age_on, ErasureStatus, Gender, NewResident, NewResidentInput, Phone, ResidenceType,
    ResidentStatus,
};
