//! Territory: the unit tree. Units are public (names, kinds, codes), so loading one needs no
//! authorization; what is done on it does.

use tuquan_domain::territory::{Unit, UnitCode};

use crate::{App, AppError, AppResult};

/// A unit by code (any tier, current or not); a malformed code is simply not found.
pub async fn unit(app: &App, code: &str) -> AppResult<Unit> {
    let code = UnitCode::parse(code).map_err(|_| AppError::NotFound)?;
    Ok(app.store().unit(code.as_str()).await?.unit)
}
