//! A unit's history: its versions, the events it took part in, and its lineage both ways.
//! Units, their names and the decisions that changed them are public (like the territory),
//! so reading them needs no authorization; scans are served by `/files/{id}` under its own
//! rules.

use std::collections::HashMap;

use jiff::civil::Date;
use tuquan_domain::restructuring::history::lineage;
use tuquan_domain::restructuring::Lineage;
use tuquan_domain::territory::UnitCode;
use tuquan_domain::time::parse_date;

use crate::territory::UnitListItem;
use crate::{App, AppError, AppResult};

/// The store records the adapters render.
pub use tuquan_domain::restructuring::LineageStep;
pub use tuquan_store::restructuring::history::{Participant, UnitEvent, UnitVersion};

/// Everything the history page shows.
#[derive(Debug, Clone)]
pub struct UnitHistory {
    /// The unit as it is today (or was when it closed).
    pub item: UnitListItem,
    /// From the province down to the parent.
    pub ancestors: Vec<UnitListItem>,
    /// Oldest first.
    pub versions: Vec<UnitVersion>,
    /// Oldest first, each with its legal basis and participants.
    pub events: Vec<UnitEvent>,
    pub lineage: Lineage,
    /// The (current or last) names of the units in the lineage.
    pub names: HashMap<String, String>,
}

impl UnitHistory {
    /// The name of a unit of the lineage, or its code.
    pub fn name_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.names.get(code).map_or(code, String::as_str)
    }
}

/// A unit's history; malformed or unknown is not found.
pub async fn unit_history(app: &App, code: &str) -> AppResult<UnitHistory> {
    let code = UnitCode::parse(code).map_err(|_| AppError::NotFound)?;
    let store = app.store();
    let item = store.unit(code.as_str()).await?;
    let ancestors = store.ancestors(&item.unit).await?;
    let versions = store.unit_versions(code.as_str()).await?;
    let events = store.unit_events(code.as_str()).await?;
    let lineage = lineage(code.as_str(), &store.lineage_edges(code.as_str()).await?);
    let mut names = HashMap::new();
    for step in lineage.predecessors.iter().chain(&lineage.successors) {
        if !names.contains_key(&step.code) {
            let u = store.unit(&step.code).await?;
            names.insert(step.code.clone(), u.unit.name);
        }
    }
    Ok(UnitHistory {
        item,
        ancestors,
        versions,
        events,
        lineage,
        names,
    })
}

/// The units a unit directly came from and directly became (one event away), read from the
/// events' participants.
pub async fn direct_lineage(app: &App, code: &str) -> AppResult<(Vec<String>, Vec<String>)> {
    let l = lineage(code, &app.store().lineage_edges(code).await?);
    Ok((
        Lineage::direct(&l.predecessors),
        Lineage::direct(&l.successors),
    ))
}

/// `as_of` from a query: blank is today (absent); anything but a date is a 400 naming it.
pub fn parse_as_of(raw: Option<&str>) -> AppResult<Option<Date>> {
    Ok(parse_date(raw, "as_of")?)
}

/// A unit as it was on `day`, or not found if it was not open then.
pub async fn unit_as_of(app: &App, code: &UnitCode, day: Date) -> AppResult<UnitListItem> {
    // The store's NotFound is the funnel's 404; any database failure stays a 500.
    Ok(app
        .store()
        .unit_as_of(code.as_str(), &day.to_string())
        .await?)
}
