//! Territory: the unit tree. Units are public (names, kinds, codes), so loading, listing and
//! searching them need no authorization; creating one does.

use tuquan_domain::access::Action;
use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::territory::{
    NewResidentialUnit, NewResidentialUnitInput, SearchQuery, Unit, UnitCode,
};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::territory::UnitFilter;
use tuquan_store::StoreError;

use crate::restructuring::history;
use crate::{App, AppError, AppResult, Ctx};
use jiff::civil::Date;

/// The store records the adapters render.
pub use tuquan_store::territory::{UnitListItem, UnitPage};

/// A unit by code (any tier, current or not); a malformed code is simply not found.
pub async fn unit(app: &App, code: &str) -> AppResult<Unit> {
    let code = UnitCode::parse(code).map_err(|_| AppError::NotFound)?;
    Ok(app.store().unit(code.as_str()).await?.unit)
}

fn parse_code(raw: &str, field: &'static str) -> Result<UnitCode, FieldError> {
    UnitCode::parse(raw).map_err(|e| FieldError { field, ..e })
}

fn non_blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// A unit list as asked for; blank counts as absent.
#[derive(Debug, Default, Clone, Copy)]
pub struct UnitsInput<'a> {
    /// List the children of this unit.
    pub parent: Option<&'a str>,
    /// Search names without accents or case; with `parent`, only inside it.
    pub q: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
    /// `YYYY-MM-DD`: the tree as it was that day (the units open then, with that day's
    /// names); absent or blank is today's tree.
    pub as_of: Option<&'a str>,
}

/// The provinces, the children of a unit, or the units whose names match: the parent (if
/// asked for) and one page.
pub async fn list_units(
    app: &App,
    input: UnitsInput<'_>,
) -> AppResult<(Option<UnitListItem>, UnitPage)> {
    let limit = Limit::parse(input.limit)?;
    let cursor = non_blank(input.cursor).map(Cursor::parse).transpose()?;
    let as_of = history::parse_as_of(input.as_of)?;
    let parent = match (non_blank(input.parent), as_of) {
        (Some(raw), None) => {
            let code = parse_code(raw, "parent")?;
            Some(app.store().unit(code.as_str()).await?)
        }
        (Some(raw), Some(day)) => {
            let code = parse_code(raw, "parent")?;
            Some(history::unit_as_of(app, &code, day).await?)
        }
        (None, _) => None,
    };
    let search = SearchQuery::parse(input.q.unwrap_or(""))?;
    let filter = match (&search, &parent) {
        (Some(q), p) => UnitFilter::Search {
            query: q,
            within: p.as_ref().map(|p| &p.unit),
        },
        (None, Some(p)) => UnitFilter::ChildrenOf(&p.unit.code),
        (None, None) => UnitFilter::Provinces,
    };
    let page = match as_of {
        None => {
            app.store()
                .list_units(&filter, cursor.as_ref(), limit)
                .await?
        }
        Some(day) => {
            app.store()
                .list_units_as_of(&filter, &day.to_string(), cursor.as_ref(), limit)
                .await?
        }
    };
    Ok((parent, page))
}

/// One unit with its ancestors, history links and population.
#[derive(Debug, Clone)]
pub struct UnitDetail {
    pub item: UnitListItem,
    /// From the province down to the parent.
    pub ancestors: Vec<UnitListItem>,
    /// Units this one directly came from and became (from the history events).
    pub predecessors: Vec<String>,
    pub successors: Vec<String>,
    /// Active households in this unit and below (today's; absent for a past date).
    pub households: Option<i64>,
    /// People in those households.
    pub people: Option<i64>,
    /// The date the unit is shown as of, if not today.
    pub as_of: Option<Date>,
}

/// A unit by code with its ancestors, links and totals; malformed or unknown is not found.
/// With `as_of` (`YYYY-MM-DD`, 400 naming `as_of` if it is not a date): the unit and its
/// ancestors with that day's names, not found if it was not open that day.
pub async fn unit_detail(app: &App, code: &str, as_of: Option<&str>) -> AppResult<UnitDetail> {
    let day = history::parse_as_of(as_of)?;
    let code = UnitCode::parse(code).map_err(|_| AppError::NotFound)?;
    let (predecessors, successors) = history::direct_lineage(app, code.as_str()).await?;
    if let Some(day) = day {
        let item = history::unit_as_of(app, &code, day).await?;
        let ancestors = app
            .store()
            .ancestors_as_of(&item.unit, &day.to_string())
            .await?;
        return Ok(UnitDetail {
            item,
            ancestors,
            predecessors,
            successors,
            households: None,
            people: None,
            as_of: Some(day),
        });
    }
    let item = app.store().unit(code.as_str()).await?;
    let ancestors = app.store().ancestors(&item.unit).await?;
    // From the maintained roll-up: counting a province's households live takes seconds.
    let population = app.store().population(code.as_str()).await?;
    Ok(UnitDetail {
        item,
        ancestors,
        predecessors,
        successors,
        households: Some(population.households),
        people: Some(population.residents),
        as_of: None,
    })
}

/// Creates a residential unit below `input.parent_code`, as its scheme allows. A system
/// context (the command line, run by the operator) acts without a grant; anyone else needs
/// `UnitCreate` on the parent.
pub async fn create_unit(ctx: &Ctx, input: &NewResidentialUnitInput) -> AppResult<UnitListItem> {
    let parent_code = parse_code(&input.parent_code, "parent_code")?;
    let parent = match ctx.store().unit(parent_code.as_str()).await {
        Ok(p) => p.unit,
        Err(StoreError::NotFound) => {
            return Err(FieldError::new(
                "parent_code",
                FieldErrorKind::UnknownValue,
                "no such unit",
            )
            .into())
        }
        Err(e) => return Err(e.into()),
    };
    if ctx.actor.is_some() || ctx.meta.system_actor.is_none() {
        ctx.authorize(Action::UnitCreate, Some(&parent.path))?;
    }
    let scheme = ctx.store().scheme_for(&parent).await?;
    let new = NewResidentialUnit::parse(input, &parent, &scheme, ctx.today())?;
    let created = ctx
        .store()
        .insert_residential_unit(&new, &ctx.audit_ctx())
        .await?;
    tracing::info!(code = %created.unit.code, "unit created");
    Ok(created)
}

/// What the home page counts.
#[derive(Debug, Clone)]
pub struct Totals {
    /// Current provinces and central cities.
    pub provinces: i64,
    /// Current communes, wards and special zones.
    pub communes: i64,
    /// A commune with residential units, to show first.
    pub demo: Option<Unit>,
}

/// The country's totals for the home page.
pub async fn totals(app: &App) -> AppResult<Totals> {
    let (provinces, communes) = app.store().unit_counts().await?;
    let demo = app.store().a_commune_with_units().await?;
    Ok(Totals {
        provinces,
        communes,
        demo,
    })
}

/// The database behind the application, for `/healthz`.
#[derive(Debug, Clone, Copy)]
pub struct Health {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The newest applied migration.
    pub schema_version: i64,
}

/// Whether the database answers, and its schema version.
pub async fn health(app: &App) -> AppResult<Health> {
    Ok(Health {
        schema_version: app.store().schema_version().await?,
        backend: app.store().backend().as_str(),
    })
}
