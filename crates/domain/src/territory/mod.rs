//! The territory: provinces, communes and the residential units below them.
//!
//! Every unit has a code (a zero-padded string, never reused), a materialized path from the
//! province down (`79/26743/kp03`), validity dates and links to predecessors, so history is
//! kept rather than overwritten.

mod code;
mod divisions;
mod kind;
mod scheme;
mod unit;

pub use code::{LocalCode, UnitCode};
pub use divisions::{parse_divisions, DivisionRecord, DivisionsError, TERRITORY_VALID_FROM};
pub use kind::{Tier, UnitKind};
pub use scheme::SubdivisionScheme;
pub use unit::{NewResidentialUnit, NewResidentialUnitInput, SearchQuery, Unit};
