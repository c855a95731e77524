//! `/api/v1/units`: the territory tree.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::territory::{self as app, UnitListItem, UnitPage, UnitsInput};
use tuquan_domain::page::Cursor;
use tuquan_domain::territory::{NewResidentialUnitInput, Unit};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Can, RequestCtx, UnitCreate};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::extract::{body, query};
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
    /// `YYYY-MM-DD`: the tree as it was that day (units open then, with that day's names and
    /// kinds); absent or blank is today's tree.
    pub as_of: Option<String>,
}

/// The date to show a unit as of.
#[derive(Debug, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// `YYYY-MM-DD`: the unit and its ancestors as they were that day (404 if the unit was not
    /// open then); absent or blank is today.
    pub as_of: Option<String>,
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
    /// Active households in this unit and below, today (absent with `as_of`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub households: Option<i64>,
    /// People in those households (absent with `as_of`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<i64>,
    /// The date asked for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// A new residential unit below a commune or another residential unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    #[schema(pattern = r"^[0-9]{5}(-[a-z0-9]{1,12})*$", example = "26743")]
    pub parent_code: String,
    /// 1–12 letters and digits, unique under the parent, e.g. `kp03`.
    #[schema(pattern = "^[A-Za-z0-9]{1,12}$", example = "kp09")]
    pub local_code: String,
    #[schema(example = "Khu phố 9")]
    pub name: String,
    /// A residential kind allowed at this level by the place's subdivision scheme.
    pub kind: String,
    /// `YYYY-MM-DD`; today (Vietnam) when absent.
    pub valid_from: Option<String>,
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl UnitsQuery {
    fn input(&self) -> UnitsInput<'_> {
        UnitsInput {
            parent: self.parent.as_deref(),
            q: self.q.as_deref(),
            limit: self.limit.as_deref(),
            cursor: self.cursor.as_deref(),
            as_of: self.as_of.as_deref(),
        }
    }
}

/// Runs the list query; shared with the HTML territory pages.
pub(crate) async fn run_list_query(
    state: &AppState,
    query: &UnitsQuery,
) -> Result<(Option<UnitListItem>, UnitPage), Failure> {
    Ok(app::list_units(&state.app, query.input()).await?)
}

/// The query string of the next page, keeping the caller's other parameters.
pub(crate) fn next_query(query: &UnitsQuery, next: &Cursor) -> String {
    let q = UnitsQuery {
        parent: non_blank(&query.parent).map(str::to_owned),
        q: non_blank(&query.q).map(str::to_owned),
        limit: non_blank(&query.limit).map(str::to_owned),
        cursor: Some(next.encode()),
        as_of: non_blank(&query.as_of).map(str::to_owned),
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
    q: Result<Query<UnitsQuery>, QueryRejection>,
) -> Result<Json<UnitList>, ApiError> {
    let query = query(q)?;
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

pub(crate) async fn load_detail(
    state: &AppState,
    code: &str,
    as_of: Option<&str>,
) -> Result<UnitDetail, Failure> {
    let d = app::unit_detail(&state.app, code, as_of).await?;
    Ok(UnitDetail {
        unit: UnitItem::from(&d.item),
        ancestors: d.ancestors.iter().map(UnitItem::from).collect(),
        predecessors: d.predecessors,
        successors: d.successors,
        households: d.households,
        people: d.people,
        as_of: d.as_of.map(|d| d.to_string()),
    })
}

/// One unit with its ancestors and history links, today or as of a date.
#[utoipa::path(
    get, path = "/api/v1/units/{code}", tag = "territory",
    params(
        ("code" = String, Path, description = "Unit code, e.g. `79`, `26743`, `26743-kp01`"),
        AsOfQuery,
    ),
    responses(
        (status = 200, body = UnitDetail),
        (status = 400, description = "`as_of` is not a date", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub async fn get_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    q: Result<Query<AsOfQuery>, QueryRejection>,
) -> Result<Json<UnitDetail>, ApiError> {
    let q = query(q)?;
    Ok(Json(load_detail(&state, &code, q.as_of.as_deref()).await?))
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
    b: Result<Json<CreateUnit>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = NewResidentialUnitInput {
        parent_code: b.parent_code,
        local_code: b.local_code,
        name: b.name,
        kind: b.kind,
        valid_from: b.valid_from,
    };
    let ctx = state.ctx(Some(can.who), &rc);
    let created = app::create_unit(&ctx, &input).await?;
    let location = format!("/api/v1/units/{}", created.unit.code);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(UnitItem::from(&created)),
    ))
}
