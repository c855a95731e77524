//! People: households, residents, identity numbers, consent, export, erasure and "my data".
//!
//! Every use case loads its record, makes the one authorization check on the record's unit
//! (`Ctx::authorize`), applies the domain's rules, writes through the store (which audits in
//! the same transaction) and audits reads of personal data.

use tuquan_domain::access::Action;
use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::people::{HouseholdStatus, ResidentStatus};
use tuquan_domain::territory::{SearchQuery, Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_domain::{HouseholdId, ResidentId};

use crate::{AppError, AppResult, Ctx};

mod consent;
mod erasure;
mod households;
mod identity;
mod residents;
mod service;

pub use consent::*;
pub use erasure::*;
pub use households::*;
pub use identity::*;
pub use residents::*;
pub use service::*;

pub use tuquan_store::households::HouseholdRecord;
pub use tuquan_store::residents::{ConsentRecord, ErasureRequest, ResidentRecord};

/// Search and paging of the household and resident lists, parsed.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pattern: String,
    phone: String,
    include_inactive: bool,
    limit: Limit,
    after: Option<(Vec<u8>, i64)>,
}

impl PeopleFilter {
    /// `q`: name (or address) without accents; `phone`: part of a number; `all`: include
    /// inactive records; `limit`, `cursor`: paging.
    pub fn parse(
        q: Option<&str>,
        phone: Option<&str>,
        all: Option<&str>,
        limit: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, FieldError> {
        let pattern = SearchQuery::parse(q.unwrap_or(""))?
            .map(|s| s.like_pattern)
            .unwrap_or_default();
        let phone = phone
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let limit = Limit::parse(limit)?;
        let after = parse_keyset(cursor)?;
        Ok(Self {
            pattern,
            phone,
            include_inactive: matches!(all, Some("true" | "1" | "on")),
            limit,
            after,
        })
    }

    fn limit(&self) -> usize {
        self.limit.get() as usize
    }
}

/// A name-ordered keyset position (sort key, row id) from a `cursor` parameter; blank is
/// the first page. Shared by the people and group lists.
pub(crate) fn parse_keyset(raw: Option<&str>) -> Result<Option<(Vec<u8>, i64)>, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let c = Cursor::parse(raw)?;
    let id = c.code.parse::<i64>().map_err(|_| malformed_cursor())?;
    Ok(Some((c.sort_key, id)))
}

/// A `cursor` parameter that is not one this server gave.
pub(crate) fn malformed_cursor() -> FieldError {
    FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor")
}

/// One page of a list and the cursor of the next, if there is more.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Cuts `rows` (fetched with one extra) to `limit`; the cursor of the last kept row.
    pub(crate) fn cut(
        mut rows: Vec<T>,
        limit: usize,
        cursor: impl Fn(&T) -> (Vec<u8>, i64),
    ) -> Self {
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|r| {
                let (sort_key, id) = cursor(r);
                Cursor {
                    sort_key,
                    code: id.to_string(),
                }
                .encode()
            })
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }
}

/// A unit by code, after the one authorization check for `action` on it.
pub(crate) async fn unit_for(ctx: &Ctx, action: Action, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    ctx.authorize(action, Some(&unit.path))?;
    Ok(unit)
}

/// A household, after the one authorization check for `action` on its unit.
pub(crate) async fn household_for(
    ctx: &Ctx,
    action: Action,
    id: HouseholdId,
) -> AppResult<HouseholdRecord> {
    let h = ctx.store().household(id).await?;
    ctx.authorize(action, Some(&h.unit_path))?;
    Ok(h)
}

/// A resident, after the one authorization check for `action` on their unit.
pub(crate) async fn resident_for(
    ctx: &Ctx,
    action: Action,
    id: ResidentId,
) -> AppResult<ResidentRecord> {
    let r = ctx.store().resident(id).await?;
    ctx.authorize(action, Some(&r.unit_path))?;
    Ok(r)
}

/// The unit a household is created in or moved to: current, and at the residential level.
pub fn check_household_unit(unit: &Unit, field: &'static str) -> AppResult<()> {
    if unit.valid_to.is_some() || unit.kind.tier() != Tier::Residential {
        return Err(AppError::rule(
            "household_unit",
            field,
            "households belong to a current residential unit",
        ));
    }
    Ok(())
}

/// A household status typed by a user.
pub fn parse_household_status(raw: &str) -> Result<HouseholdStatus, FieldError> {
    HouseholdStatus::parse(raw.trim()).ok_or_else(|| {
        FieldError::new(
            "status",
            FieldErrorKind::UnknownValue,
            "active, moved_away or dissolved",
        )
    })
}

/// A resident status a user may set (erasure has its own procedure).
pub fn parse_resident_status(raw: &str) -> Result<ResidentStatus, FieldError> {
    ResidentStatus::parse(raw.trim())
        .filter(|s| *s != ResidentStatus::Erased)
        .ok_or_else(|| {
            FieldError::new(
                "status",
                FieldErrorKind::UnknownValue,
                "active, moved_away or deceased",
            )
        })
}

/// A store conflict on the identity number is the rule "one person, one number".
fn cccd_rule(e: tuquan_store::StoreError) -> AppError {
    match e {
        tuquan_store::StoreError::Conflict { field: "cccd" } => AppError::rule(
            "cccd_exists",
            "cccd",
            "the identity number is already recorded",
        ),
        other => other.into(),
    }
}
