//! `/api/v1/units/{code}/history`: a unit's versions, its history events (legal basis and
//! participants) and its lineage both ways.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use tuquan_app::restructuring::history::{self as app, LineageStep, UnitEvent, UnitHistory};
use utoipa::ToSchema;

use crate::api::territory::UnitItem;
use crate::error::{ApiError, ErrorBody, Failure};
use crate::AppState;

/// One version of a unit: name, kind and parent from `valid_from` (included) to `valid_to`
/// (excluded; absent for the current version).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitVersionItem {
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    /// The parent's name when this version began.
    pub parent_name: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// The event that opened this version; absent for the first.
    pub event_id: Option<i64>,
}

/// The decision an event rests on.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBasisItem {
    /// e.g. `125/QĐ-UBND`
    pub number: String,
    pub date: String,
    pub signer: String,
    /// The scan, `/files/{id}`, if one was filed.
    pub file_url: Option<String>,
}

/// A unit taking part in an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventParticipantItem {
    pub unit_code: String,
    pub name: String,
    /// `predecessor`, `successor`, `contributor` or `receiver`.
    pub role: String,
    pub households: Option<i64>,
}

/// One history event.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitEventItem {
    pub id: i64,
    /// `rename`, `merge_into`, `split`, `create_from_parts`, `transfer_part`, `dissolve`,
    /// `change_parent` or `change_code`.
    pub kind: String,
    pub effective_on: String,
    pub commune_code: String,
    pub basis: EventBasisItem,
    pub scheme_id: Option<i64>,
    pub note: String,
    pub participants: Vec<EventParticipantItem>,
}

/// A unit reached through the lineage.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitLineageItem {
    pub code: String,
    pub name: String,
    /// Events away: 1 directly.
    pub depth: u32,
    /// The event linking it to the unit one step nearer.
    pub event_id: i64,
    pub kind: String,
    pub effective_on: String,
}

/// A unit's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitHistoryBody {
    pub unit: UnitItem,
    /// From the province down to the parent.
    pub ancestors: Vec<UnitItem>,
    /// Oldest first.
    pub versions: Vec<UnitVersionItem>,
    /// Oldest first.
    pub events: Vec<UnitEventItem>,
    /// Units this one came from, nearest first.
    pub predecessors: Vec<UnitLineageItem>,
    /// Units this one became, nearest first.
    pub successors: Vec<UnitLineageItem>,
}

fn event_item(e: &UnitEvent) -> UnitEventItem {
    UnitEventItem {
        id: e.id,
        kind: e.kind.as_str().to_owned(),
        effective_on: e.effective_on.clone(),
        commune_code: e.commune_code.clone(),
        basis: EventBasisItem {
            number: e.basis_number.clone(),
            date: e.basis_date.clone(),
            signer: e.basis_signer.clone(),
            file_url: e.basis_file.map(|f| format!("/files/{f}")),
        },
        scheme_id: e.scheme_id,
        note: e.note.clone(),
        participants: e
            .participants
            .iter()
            .map(|p| EventParticipantItem {
                unit_code: p.unit_code.clone(),
                name: p.name.clone(),
                role: p.role.as_str().to_owned(),
                households: p.households,
            })
            .collect(),
    }
}

fn lineage_items(h: &UnitHistory, steps: &[LineageStep]) -> Vec<UnitLineageItem> {
    steps
        .iter()
        .map(|s| UnitLineageItem {
            name: h.name_of(&s.code).to_owned(),
            code: s.code.clone(),
            depth: s.depth,
            event_id: s.event_id,
            kind: s.kind.as_str().to_owned(),
            effective_on: s.effective_on.to_string(),
        })
        .collect()
}

pub(crate) async fn load_history(state: &AppState, code: &str) -> Result<UnitHistory, Failure> {
    Ok(app::unit_history(&state.app, code).await?)
}

/// A unit's versions, events and lineage (public, like the unit tree).
#[utoipa::path(
    get, path = "/api/v1/units/{code}/history", tag = "territory",
    params(("code" = String, Path, description = "Unit code, e.g. `79`, `26743`, `26743-kp01`")),
    responses((status = 200, body = UnitHistoryBody), (status = 404, body = ErrorBody))
)]
pub async fn unit_history(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<UnitHistoryBody>, ApiError> {
    let h = load_history(&state, &code).await?;
    Ok(Json(UnitHistoryBody {
        unit: UnitItem::from(&h.item),
        ancestors: h.ancestors.iter().map(UnitItem::from).collect(),
        versions: h
            .versions
            .iter()
            .map(|v| UnitVersionItem {
                name: v.name.clone(),
                kind: v.kind.as_str().to_owned(),
                parent_code: v.parent_code.clone(),
                parent_name: v.parent_name.clone(),
                valid_from: v.valid_from.clone(),
                valid_to: v.valid_to.clone(),
                event_id: v.event_id,
            })
            .collect(),
        events: h.events.iter().map(event_item).collect(),
        predecessors: lineage_items(&h, &h.lineage.predecessors),
        successors: lineage_items(&h, &h.lineage.successors),
    }))
}
