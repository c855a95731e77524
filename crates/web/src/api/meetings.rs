//! `/api/v1` for meetings: schedule at a unit (the invitation goes out through the
//! announcements), list, read, hold, cancel; the roll with attendance and the quorum; record
//! attendance; the minutes' versions, saving, finalising, correcting. Each handler parses,
//! calls one use case of `tuquan_app::meetings`, renders.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::meetings::{self as meet, MeetingRecord, Quorum, RollRow};
use tuquan_domain::meetings::{AgendaInput, AttendanceInput, NewMeetingInput};
use tuquan_domain::{GroupId, HouseholdId, MeetingId, ResidentId};
use utoipa::{IntoParams, ToSchema};

pub use super::meeting_minutes::*;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{required_here, ApiError, ErrorBody};
use crate::extract::{body, query};
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/meetings"),
    ("POST", "/api/v1/meetings/{id}/invite"),
    ("POST", "/api/v1/meetings/{id}/hold"),
    ("POST", "/api/v1/meetings/{id}/cancel"),
    ("POST", "/api/v1/meetings/{id}/attendance"),
    ("POST", "/api/v1/meetings/{id}/attendance/{code}/remove"),
    ("POST", "/api/v1/meetings/{id}/attendance/proxy"),
    ("PUT", "/api/v1/meetings/{id}/minutes"),
    ("POST", "/api/v1/meetings/{id}/minutes/finalise"),
    ("POST", "/api/v1/meetings/{id}/minutes/corrections"),
    ("POST", "/api/v1/meetings/{id}/minutes/scan"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units/{code}/meetings",
            get(list_at_unit).post(schedule),
        )
        .route("/api/v1/meetings/{id}", get(get_one))
        .route("/api/v1/meetings/{id}/invite", post(invite))
        .route("/api/v1/meetings/{id}/hold", post(hold))
        .route("/api/v1/meetings/{id}/cancel", post(cancel))
        .route(
            "/api/v1/meetings/{id}/attendance",
            get(attendance).post(attend),
        )
        .route(
            "/api/v1/meetings/{id}/attendance/{code}/remove",
            post(unattend),
        )
        .route(
            "/api/v1/meetings/{id}/attendance/proxy",
            post(attend_proxy).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::BODY_LIMIT,
            )),
        )
        .route(
            "/api/v1/meetings/{id}/minutes",
            get(minutes).put(save_minutes),
        )
        .route("/api/v1/meetings/{id}/minutes/finalise", post(finalise))
        .route("/api/v1/meetings/{id}/minutes/corrections", post(correct))
        .route(
            "/api/v1/meetings/{id}/minutes/scan",
            post(scan).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::BODY_LIMIT,
            )),
        )
}

/// A new meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    /// `community`, `group_periodic`, `regulation_review`, `mid_year_summary`,
    /// `year_end_summary` or `other`.
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD` (Vietnam).
    pub date: String,
    /// `HH:MM` (Vietnam).
    pub time: String,
    pub place: String,
    #[serde(default)]
    pub chair: Option<String>,
    #[serde(default)]
    pub secretary: Option<String>,
    /// Agenda items in order.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub agenda: Vec<String>,
    /// A meeting of this group of the unit (attendance by person).
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    pub group_id: Option<i64>,
    /// The meeting elects the unit's head (the list is posted 7 days ahead).
    #[serde(default)]
    pub elects_head: bool,
    /// Held in this many clusters whose attendance adds up (Art 18); default 1.
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    pub clusters: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

/// Who came for a household (or a member at a group meeting).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendBody {
    /// The row's short code from the sign-in sheet …
    #[serde(default)]
    pub code: Option<String>,
    /// … or the household.
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    pub household_id: Option<i64>,
    /// The member who came (a resident of the household; at a group meeting, the member).
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    pub resident_id: Option<i64>,
    /// `representative` (default), `member` or `proxy`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Who came; required for a proxy.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    pub cluster: Option<i64>,
    /// `live` (default) or `paper`.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionBody {
    #[schema(max_length = 2000)]
    pub text: String,
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub votes_for: Option<i64>,
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub votes_against: Option<i64>,
    #[serde(default, deserialize_with = "super::contract::opt_whole")]
    #[schema(minimum = 0, maximum = 100_000)]
    pub votes_abstain: Option<i64>,
    /// A vote of this meeting (or the household ballots one of its votes went to): the
    /// resolution carries its computed counts, and the typed ones are ignored.
    #[serde(default)]
    pub vote_id: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesBody {
    #[serde(default)]
    #[schema(max_length = 20_000)]
    pub opening: String,
    /// What was said, one entry per agenda item in order.
    #[serde(default)]
    pub discussion: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 30)]
    pub resolutions: Vec<ResolutionBody>,
    #[serde(default)]
    #[schema(max_length = 20_000)]
    pub closing: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// A name (accents optional) or a short code.
    pub q: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub kind: String,
    pub title: String,
    pub date: String,
    pub time: String,
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub elects_head: bool,
    pub clusters: i64,
    /// `planned`, `held` or `cancelled`.
    pub status: String,
    /// The invitation (an announcement).
    pub announcement_id: Option<i64>,
    /// Rows of the frozen roll (households, or members of a group).
    pub roll_size: Option<i64>,
    pub cancelled_reason: Option<String>,
}

impl From<&MeetingRecord> for MeetingItem {
    fn from(m: &MeetingRecord) -> Self {
        Self {
            id: m.id.get(),
            unit_code: m.unit_code.clone(),
            unit_name: m.unit_name.clone(),
            group_id: m.group_id.map(GroupId::get),
            group_name: m.group_name.clone(),
            kind: m.kind.as_str().into(),
            title: m.title.clone(),
            date: m.meeting_date.clone(),
            time: m.meeting_time.clone(),
            place: m.place.clone(),
            chair: m.chair_name.clone(),
            secretary: m.secretary_name.clone(),
            elects_head: m.elects_head,
            clusters: m.clusters,
            status: m.status.as_str().into(),
            announcement_id: m.announcement_id,
            roll_size: m.roll_size,
            cancelled_reason: m.cancelled_reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingList {
    pub items: Vec<MeetingItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetail {
    pub meeting: MeetingItem,
    pub agenda: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusBody {
    /// `planned`, `held` or `cancelled`; for attendance, `removed`.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationSent {
    pub announcement_id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuorumBody {
    pub present: u32,
    pub total: u32,
    /// Present rows needed: more than `pct` percent of all households.
    pub needed: u32,
    pub met: bool,
    pub pct: u32,
    pub by_household: bool,
    /// Present per cluster when held in clusters: `[cluster, present]`.
    pub clusters: Vec<(i64, i64)>,
}

impl From<&Quorum> for QuorumBody {
    fn from(q: &Quorum) -> Self {
        Self {
            present: q.present,
            total: q.total,
            needed: q.needed,
            met: q.met,
            pct: q.pct,
            by_household: q.by_household,
            clusters: q.clusters.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RollItem {
    pub row_no: i64,
    pub code: String,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub name: String,
    pub address: String,
    pub present: bool,
    pub attendee_kind: Option<String>,
    pub attendee_name: Option<String>,
    pub cluster: Option<i64>,
    pub source: Option<String>,
    /// The proxy's photographed written authorisation (`/api/v1/files/{id}`) and its SHA-256.
    pub proxy_file_id: Option<i64>,
    pub proxy_sha256: Option<String>,
}

impl From<&RollRow> for RollItem {
    fn from(r: &RollRow) -> Self {
        Self {
            row_no: r.row_no,
            code: r.code.clone(),
            household_id: r.household_id.map(HouseholdId::get),
            resident_id: r.resident_id.map(ResidentId::get),
            name: r.name.clone(),
            address: r.address.clone(),
            present: r.present(),
            attendee_kind: r.attendee_kind.clone(),
            attendee_name: r.attendee_name.clone(),
            cluster: r.cluster,
            source: r.source.clone(),
            proxy_file_id: r.proxy_file_id.map(tuquan_domain::FileId::get),
            proxy_sha256: r.proxy_sha256.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceBody {
    pub quorum: QuorumBody,
    pub rows: Vec<RollItem>,
}

/// Schedules a meeting at a unit and sends the invitation to its households.
#[utoipa::path(post, path = "/api/v1/units/{code}/meetings", tag = "meetings",
    request_body = ScheduleBody, security(("bearer" = [])),
    responses((status = 201, body = MeetingCreated), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<ScheduleBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = NewMeetingInput {
        kind: b.kind,
        title: b.title,
        date: b.date,
        time: b.time,
        place: b.place,
        chair: b.chair,
        secretary: b.secretary,
        agenda: AgendaInput::List(b.agenda),
        group_id: b.group_id.map(GroupId),
        elects_head: b.elects_head,
        clusters: b.clusters,
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = meet::create(&ctx, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(MeetingCreated { id: id.get() })))
}

/// A unit's meetings, newest first.
#[utoipa::path(get, path = "/api/v1/units/{code}/meetings", tag = "meetings", params(PageParams),
    security(("bearer" = [])), responses((status = 200, body = MeetingList)))]
pub async fn list_at_unit(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<MeetingList>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let page = meet::list_for_unit(&ctx, &code, q.cursor.as_deref(), q.limit.as_deref()).await?;
    Ok(Json(MeetingList {
        items: page.items.iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One meeting with its agenda.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings",
    params(("id" = i64, Path)), security(("bearer" = [])), responses((status = 200, body = MeetingDetail)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Json<MeetingDetail>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = meet::get(&ctx, id).await?;
    Ok(Json(MeetingDetail {
        meeting: (&v.meeting).into(),
        agenda: v.agenda.into_iter().map(|a| a.title).collect(),
    }))
}

/// Sends the invitation again when it could not be sent at scheduling.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/invite", tag = "meetings",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = InvitationSent), (status = 409, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Json<InvitationSent>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let announcement_id = meet::invite(&ctx, id).await?;
    Ok(Json(InvitationSent { announcement_id }))
}

/// Marks a planned meeting held (on or after its day).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/hold", tag = "meetings",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = StatusBody), (status = 422, body = ErrorBody)))]
pub async fn hold(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Json<StatusBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    meet::hold(&ctx, id).await?;
    Ok(Json(StatusBody {
        status: "held".into(),
    }))
}

/// Cancels a planned meeting, with a reason.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "meetings",
    params(("id" = i64, Path)), request_body = ReasonBody, security(("bearer" = [])),
    responses((status = 200, body = StatusBody), (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    b: Result<Json<ReasonBody>, JsonRejection>,
) -> Result<Json<StatusBody>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    meet::cancel(&ctx, id, &b.reason).await?;
    Ok(Json(StatusBody {
        status: "cancelled".into(),
    }))
}

/// The roll with attendance and the quorum as it fills (freezes the roll for a manager).
#[utoipa::path(get, path = "/api/v1/meetings/{id}/attendance", tag = "meetings",
    params(("id" = i64, Path), SearchParams), security(("bearer" = [])),
    responses((status = 200, body = AttendanceBody)))]
pub async fn attendance(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    q: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<AttendanceBody>, ApiError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let v = meet::attendance(&ctx, id, q.q.as_deref()).await?;
    Ok(Json(AttendanceBody {
        quorum: (&v.quorum).into(),
        rows: v.rows.iter().map(Into::into).collect(),
    }))
}

/// Records who came for a row (by short code or household), live or from the paper sheet.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance", tag = "meetings",
    params(("id" = i64, Path)), request_body = AttendBody, security(("bearer" = [])),
    responses((status = 200, body = RollItem), (status = 400, body = ErrorBody),
              (status = 422, description = "Refused by a rule: the meeting takes no attendance now, or `cluster` is beyond the meeting's clusters (`rule_refused` naming `cluster`)", body = ErrorBody)))]
pub async fn attend(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    b: Result<Json<AttendBody>, JsonRejection>,
) -> Result<Json<RollItem>, ApiError> {
    let b = body(b)?;
    let input = AttendanceInput {
        household_id: b.household_id.map(HouseholdId),
        code: b.code,
        resident_id: b.resident_id.map(ResidentId),
        kind: b.kind,
        name: b.name,
        cluster: b.cluster,
        source: b.source,
    };
    let ctx = state.ctx(Some(who), &rc);
    // A name only for a proxy, a code only without a household: rules between fields.
    let row = meet::record(&ctx, id, &input)
        .await
        .map_err(|e| required_here(e, &["name", "code"]))?;
    Ok(Json((&row).into()))
}

/// Records a proxy with the photographed written authorisation (`multipart/form-data`: the
/// fields of the JSON form — `code` or `household_id`, `name`, `cluster`, `source`; `kind`
/// defaults to `proxy` — and one PDF, JPEG, PNG or WebP in `authorisation`), stored with its
/// SHA-256.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance/proxy", tag = "meetings",
    params(("id" = i64, Path)),
    request_body(content = super::file_uploads::ProxyUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses((status = 200, body = RollItem), (status = 400, body = ErrorBody),
              (status = 422, description = "Refused by a rule: the meeting takes no attendance now, `cluster` beyond its clusters, not a proxy, or the file refused (`authorisation`)", body = ErrorBody)))]
pub async fn attend_proxy(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    mp: axum::extract::Multipart,
) -> Result<Json<RollItem>, ApiError> {
    let mut f = crate::files::read_multipart(mp, &[meet::PROXY_FIELD]).await?;
    if f.too_large {
        return Err(crate::files::MultipartForm::too_large_error(meet::PROXY_FIELD).into());
    }
    f.refuse_unknown(super::file_uploads::PROXY_PARTS)?;
    let number = |name: &'static str| -> Result<Option<i64>, ApiError> {
        f.opt(name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    crate::error::Failure::Invalid(tuquan_domain::FieldError::new(
                        name,
                        tuquan_domain::FieldErrorKind::InvalidFormat,
                        "not a number",
                    ))
                    .into()
                })
            })
            .transpose()
    };
    let input = AttendanceInput {
        household_id: number("household_id")?.map(HouseholdId),
        resident_id: number("resident_id")?.map(ResidentId),
        cluster: number("cluster")?,
        code: f.opt("code"),
        kind: Some(f.opt("kind").unwrap_or_else(|| "proxy".into())),
        name: f.opt("name"),
        source: f.opt("source"),
    };
    let file = f.take_files(meet::PROXY_FIELD).into_iter().next();
    let Some(file) = file else {
        return Err(
            crate::error::Failure::Invalid(tuquan_domain::FieldError::new(
                meet::PROXY_FIELD,
                tuquan_domain::FieldErrorKind::Required,
                "no file",
            ))
            .into(),
        );
    };
    let ctx = state.ctx(Some(who), &rc);
    let row = meet::record_with_proxy(&ctx, id, &input, Some(&file))
        .await
        .map_err(|e| required_here(e, &["name", "code"]))?;
    Ok(Json((&row).into()))
}

/// Removes a row's attendance (tapped by mistake).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance/{code}/remove", tag = "meetings",
    params(("id" = i64, Path), ("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = StatusBody)))]
pub async fn unattend(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, code)): Path<(MeetingId, String)>,
) -> Result<Json<StatusBody>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    meet::unrecord(&ctx, id, &code).await?;
    Ok(Json(StatusBody {
        status: "removed".into(),
    }))
}
