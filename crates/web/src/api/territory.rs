//! `/api/v1/units`: the territory tree.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_domain::page::{Cursor, Limit};
use tuquan_domain::territory::{
    NewResidentialUnit, NewResidentialUnitInput, SearchQuery, Unit, UnitCode,
};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::territory::{UnitFilter, UnitListItem};
use tuquan_store::StoreError;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Can, RequestCtx, UnitCreate};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::AppState;

/// Query parameters of the unit list. All optional; blank counts as absent.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// List the children of this unit (a province, commune or residential unit code).
    pub parent: Option<String>,
    /// Search names without accents or case (`phuong ben thanh` finds "Phường Bến Thành");
    /// with `parent`, only inside that unit.
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitItem {
    /// Zero-padded code: 2 digits for a province, 5 for a commune, `commune-local…` below.
    pub code: String,
    pub name: String,
    /// `province`, `central_city`, `commune`, `ward`, `special_zone`, `thon`, `to_dan_pho`,
    /// `khu_pho`, `ap`, `to_nhan_dan_tu_quan` or `to_dan_cu`.
    pub kind: String,
    pub parent_code: Option<String>,
    /// Materialized path from the province, e.g. `79/26743/kp03`.
    pub path: String,
    /// 1 province, 2 commune, 3+ residential units.
    pub level: i64,
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// Current units directly below.
    pub child_count: i64,
}

impl UnitItem {
    fn new(u: &Unit, child_count: i64) -> Self {
        Self {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.as_str().to_owned(),
            parent_code: u.parent_code.clone(),
            path: u.path.clone(),
            level: u.level,
            valid_from: u.valid_from.clone(),
            valid_to: u.valid_to.clone(),
            child_count,
        }
    }
}

impl From<&UnitListItem> for UnitItem {
    fn from(i: &UnitListItem) -> Self {
        Self::new(&i.unit, i.child_count)
    }
}

/// One page of units, in Vietnamese collation order.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitList {
    pub items: Vec<UnitItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The URL of the next page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitItem,
    /// From the province down to the parent.
    pub ancestors: Vec<UnitItem>,
    /// Codes of the units this one was formed from.
    pub predecessors: Vec<String>,
    /// Codes of the units that replaced this one.
    pub successors: Vec<String>,
    /// Active households in this unit and below.
    pub households: i64,
    /// People in those households.
    pub people: i64,
}

/// A new residential unit below a commune or another residential unit.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUnit {
    pub parent_code: String,
    /// 1–12 letters and digits, unique under the parent, e.g. `kp03`.
    pub local_code: String,
    pub name: String,
    /// A residential kind allowed at this level by the place's subdivision scheme.
    pub kind: String,
    /// `YYYY-MM-DD`; today (Vietnam) when absent.
    pub valid_from: Option<String>,
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_code(raw: &str, field: &'static str) -> Result<UnitCode, FieldError> {
    UnitCode::parse(raw).map_err(|e| FieldError { field, ..e })
}

/// Parses the list query and runs it; shared with the HTML territory pages.
pub(crate) async fn run_list_query(
    state: &AppState,
    query: &UnitsQuery,
) -> Result<(Option<UnitListItem>, tuquan_store::territory::UnitPage), Failure> {
    let limit = Limit::parse(query.limit.as_deref())?;
    let cursor = non_blank(&query.cursor).map(Cursor::parse).transpose()?;
    let parent = match non_blank(&query.parent) {
        Some(raw) => {
            let code = parse_code(raw, "parent")?;
            Some(state.store.unit(code.as_str()).await?)
        }
        None => None,
    };
    let search = SearchQuery::parse(query.q.as_deref().unwrap_or(""))?;
    let filter = match (&search, &parent) {
        (Some(q), p) => UnitFilter::Search {
            query: q,
            within: p.as_ref().map(|p| &p.unit),
        },
        (None, Some(p)) => UnitFilter::ChildrenOf(&p.unit.code),
        (None, None) => UnitFilter::Provinces,
    };
    let page = state
        .store
        .list_units(&filter, cursor.as_ref(), limit)
        .await?;
    Ok((parent, page))
}

/// The query string of the next page, keeping the caller's other parameters.
pub(crate) fn next_query(query: &UnitsQuery, next: &Cursor) -> String {
    let q = UnitsQuery {
        parent: non_blank(&query.parent).map(str::to_owned),
        q: non_blank(&query.q).map(str::to_owned),
        limit: non_blank(&query.limit).map(str::to_owned),
        cursor: Some(next.encode()),
    };
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

/// List provinces (no parameters), the children of a unit (`parent`), or search (`q`).
#[utoipa::path(
    get, path = "/api/v1/units", tag = "territory", params(UnitsQuery),
    responses(
        (status = 200, body = UnitList),
        (status = 400, description = "A bad parameter, named in `field`", body = ErrorBody),
        (status = 404, description = "Unknown parent", body = ErrorBody),
    )
)]
pub async fn list_units(
    State(state): State<AppState>,
    query: Result<Query<UnitsQuery>, QueryRejection>,
) -> Result<Json<UnitList>, ApiError> {
    let Query(query) = query.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let (_, page) = run_list_query(&state, &query).await?;
    let next_cursor = page.next.as_ref().map(Cursor::encode);
    let next = page
        .next
        .as_ref()
        .map(|c| format!("/api/v1/units?{}", next_query(&query, c)));
    Ok(Json(UnitList {
        items: page.items.iter().map(UnitItem::from).collect(),
        next_cursor,
        next,
    }))
}

pub(crate) async fn load_detail(state: &AppState, code: &str) -> Result<UnitDetail, Failure> {
    let code = UnitCode::parse(code).map_err(|_| Failure::NotFound)?;
    let item = state.store.unit(code.as_str()).await?;
    let ancestors = state.store.ancestors(&item.unit).await?;
    let (predecessors, successors) = state.store.unit_links(code.as_str()).await?;
    // From the maintained roll-up: counting a province's households live takes seconds.
    let population = state.store.population(code.as_str()).await?;
    let (households, people) = (population.households, population.residents);
    Ok(UnitDetail {
        unit: UnitItem::from(&item),
        ancestors: ancestors.iter().map(UnitItem::from).collect(),
        predecessors,
        successors,
        households,
        people,
    })
}

/// One unit with its ancestors and history links.
#[utoipa::path(
    get, path = "/api/v1/units/{code}", tag = "territory",
    params(("code" = String, Path, description = "Unit code, e.g. `79`, `26743`, `26743-kp01`")),
    responses((status = 200, body = UnitDetail), (status = 404, body = ErrorBody))
)]
pub async fn get_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<UnitDetail>, ApiError> {
    Ok(Json(load_detail(&state, &code).await?))
}

/// Create a residential unit (thôn, tổ dân phố, khu phố, ấp, tổ nhân dân tự quản, tổ dân cư).
#[utoipa::path(
    post, path = "/api/v1/units", tag = "territory", request_body = CreateUnit,
    security(("bearer" = [])),
    responses(
        (status = 201, body = UnitItem),
        (status = 400, description = "Invalid input, named in `field`", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "No grant allows this on the parent unit", body = ErrorBody),
        (status = 409, description = "The code is taken", body = ErrorBody),
    )
)]
pub async fn create_unit(
    State(state): State<AppState>,
    can: Can<UnitCreate>,
    rc: RequestCtx,
    body: Result<Json<CreateUnit>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Json(body) = body.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let parent_code = parse_code(&body.parent_code, "parent_code")?;
    let parent = match state.store.unit(parent_code.as_str()).await {
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
    can.check(Some(&parent.path))?;
    let scheme = state.store.scheme_for(&parent).await?;
    let input = NewResidentialUnitInput {
        parent_code: body.parent_code,
        local_code: body.local_code,
        name: body.name,
        kind: body.kind,
        valid_from: body.valid_from,
    };
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now());
    let new = NewResidentialUnit::parse(&input, &parent, &scheme, today)?;
    let created = state
        .store
        .insert_residential_unit(&new, &rc.audit(Some(&can.who)))
        .await?;
    tracing::info!(code = %created.unit.code, "unit created");
    let location = format!("/api/v1/units/{}", created.unit.code);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(UnitItem::from(&created)),
    ))
}

/// A unit by code for a path parameter: malformed or unknown is "not found".
pub(crate) async fn load_unit_for(state: &AppState, code: &str) -> Result<Unit, Failure> {
    Ok(tuquan_app::territory::unit(&state.app, code).await?)
}
