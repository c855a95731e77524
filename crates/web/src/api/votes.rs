//! `/api/v1` for votes and household ballots: the thresholds of a province, votes taken at
//! meetings, ballots (open, cast online or door to door, two paper entries, reconcile, close,
//! publish), public results per unit, a household's own vote, the roll for the counters.
//! Each handler parses, calls one use case of `tuquan_app::votes`, renders.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tuquan_app::votes::{self as app, UnitResult, VoteRecord};
use tuquan_domain::votes::{BallotInput, MeetingVoteInput};
use tuquan_domain::{HouseholdId, MeetingId, VoteId};
use utoipa::ToSchema;

pub use super::vote_elections::*;
pub use super::vote_paper::*;
pub use super::vote_thresholds::*;
pub use super::vote_voters::*;
use crate::auth::{CurrentUser, MaybeUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/api/v1/units/{code}/vote-thresholds"),
    ("POST", "/api/v1/units/{code}/votes"),
    ("POST", "/api/v1/units/{code}/ballots"),
    ("POST", "/api/v1/votes/{id}/ballot"),
    ("POST", "/api/v1/votes/{id}/cast"),
    ("POST", "/api/v1/votes/{id}/casts"),
    ("PUT", "/api/v1/votes/{id}/paper/{entry}"),
    ("POST", "/api/v1/votes/{id}/paper/{entry}/sheet"),
    ("POST", "/api/v1/votes/{id}/close"),
    ("POST", "/api/v1/votes/{id}/publish"),
    ("POST", "/api/v1/votes/{id}/recognition"),
    ("POST", "/api/v1/me/household-voters"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/units/{code}/vote-thresholds",
            get(get_thresholds).post(set_threshold),
        )
        .route(
            "/api/v1/units/{code}/votes",
            get(list_votes).post(record_vote),
        )
        .route("/api/v1/units/{code}/ballots", post(open_ballot))
        .route("/api/v1/votes/{id}", get(get_vote))
        .route("/api/v1/votes/{id}/ballot", post(ballot_from_vote))
        .route("/api/v1/votes/{id}/cast", post(cast_own))
        .route("/api/v1/votes/{id}/casts", post(cast_for))
        .route("/api/v1/votes/{id}/paper", get(paper))
        .route("/api/v1/votes/{id}/paper/{entry}", put(enter_paper))
        .route(
            "/api/v1/votes/{id}/paper/{entry}/sheet",
            post(attach_sheet).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::BODY_LIMIT,
            )),
        )
        .route("/api/v1/votes/{id}/close", post(close))
        .route("/api/v1/votes/{id}/publish", post(publish))
        .route("/api/v1/votes/{id}/roll", get(roll))
        .route("/api/v1/votes/{id}/mine", get(mine))
        .route("/api/v1/votes/{id}/election", get(get_election))
        .route("/api/v1/votes/{id}/recognition", post(recognise))
        .route(
            "/api/v1/me/household-voters",
            get(household_voters).post(authorise_voter),
        )
}

/// The kinds of matter (documentation of the accepted values).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MatterCode {
    Contribution,
    CommunityFunds,
    Convention,
    HeadElection,
    DeputyElection,
    Other,
    Consultation,
}

/// The methods of a vote at a meeting.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ModeCode {
    ShowOfHands,
    Secret,
    Procedural,
}

/// A household's answer.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ChoiceCode {
    Yes,
    No,
    Abstain,
}

/// A household's answer on paper; blank for no paper ballot.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum PaperChoiceCode {
    #[schema(rename = "yes")]
    Yes,
    #[schema(rename = "no")]
    No,
    #[schema(rename = "abstain")]
    Abstain,
    #[schema(rename = "")]
    Blank,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

// Named apart from `people::Created` and `meetings::RollItem`: one name, one schema in the
// OpenAPI document (the later registration would replace the other).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = VoteCreated)]
pub struct Created {
    pub id: i64,
}

/// `201 Created` with the new vote's id.
fn created(id: VoteId) -> impl IntoResponse {
    (StatusCode::CREATED, Json(Created { id: id.get() }))
}

/// A vote or ballot: public fields; counts only once counted (or to the counters).
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    /// `contribution`, `community_funds`, `convention`, `head_election`, `deputy_election`,
    /// `other`, `consultation`.
    pub matter: String,
    /// `show_of_hands`, `secret`, `procedural`, `ballot`.
    pub mode: String,
    /// `recorded`, `open`, `closed`, `published`.
    pub status: String,
    /// `passed`, `not_passed`, `no_quorum`; none while a ballot is open.
    pub outcome: Option<String>,
    pub online: bool,
    pub meeting_id: Option<i64>,
    pub from_vote_id: Option<i64>,
    /// Households of the unit (meetings) or on the frozen roll (ballots).
    pub all_households: i64,
    pub created_at: String,
    pub published_at: Option<String>,
}

impl From<&VoteRecord> for VoteItem {
    fn from(v: &VoteRecord) -> Self {
        Self {
            id: v.id.get(),
            unit_code: v.unit_code.clone(),
            unit_name: v.unit_name.clone(),
            title: v.title.clone(),
            matter: v.matter.as_str().into(),
            mode: v.mode.as_str().into(),
            status: v.status.as_str().into(),
            outcome: v.outcome.clone(),
            online: v.online,
            meeting_id: v.meeting_id.map(MeetingId::get),
            from_vote_id: v.from_vote_id.map(VoteId::get),
            all_households: v.all_households,
            created_at: v.created_at.clone(),
            published_at: v.published_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VoteList {
    pub items: Vec<VoteItem>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub before: Option<i64>,
}

/// The votes and ballots of a unit and its subtree, newest first (public).
#[utoipa::path(get, path = "/api/v1/units/{code}/votes", tag = "votes",
    params(("before" = Option<i64>, Query)),
    security((), ("bearer" = [])), responses((status = 200, body = VoteList)))]
pub async fn list_votes(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<VoteList>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let (_, list) = app::votes_of_unit(&ctx, &code, q.before.map(VoteId)).await?;
    let next_before = (list.len() >= 30)
        .then(|| list.last().map(|v| v.id.get()))
        .flatten();
    Ok(Json(VoteList {
        items: list.iter().map(Into::into).collect(),
        next_before,
    }))
}

/// A vote taken at a meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingVoteBody {
    #[schema(max_length = 300)]
    pub title: String,
    #[schema(value_type = MatterCode)]
    pub matter: String,
    /// `show_of_hands`, `secret` or `procedural`.
    #[schema(value_type = ModeCode)]
    pub mode: String,
    /// Households represented (people present, for a procedural vote). Ignored with
    /// `meeting_id`: the meeting's attendance counts.
    #[serde(default, deserialize_with = "super::contract::whole")]
    #[schema(minimum = 0, maximum = 100000)]
    pub present: i64,
    /// The community meeting of this unit the vote was taken at: its roll is "all
    /// households" and its attendance "present".
    #[serde(default)]
    #[schema(minimum = 1)]
    pub meeting_id: Option<i64>,
    #[serde(deserialize_with = "super::contract::whole")]
    #[schema(minimum = 0, maximum = 100000)]
    pub yes: i64,
    #[serde(deserialize_with = "super::contract::whole")]
    #[schema(minimum = 0, maximum = 100000)]
    pub no: i64,
    #[serde(default, deserialize_with = "super::contract::whole")]
    #[schema(minimum = 0, maximum = 100000)]
    pub abstain: i64,
    /// The counting committee of a secret ballot: 3 to 5 names.
    #[serde(default)]
    pub committee: Vec<String>,
    /// An election (`head_election`, `deputy_election`): 1 to 5 candidates, residents of the
    /// unit, with the households that voted for each; `yes` is then ignored.
    #[serde(default)]
    pub candidates: Vec<CandidateBody>,
    /// An election: the day the list of candidates was posted, at least 7 days (a setting)
    /// before the vote (`vote_election_list_late`, naming the latest day).
    #[serde(default)]
    #[schema(format = Date)]
    pub list_posted_on: Option<String>,
}

/// Records a vote taken at a meeting; the outcome follows the rules (`no_quorum` when
/// attendance missed the quorum).
#[utoipa::path(post, path = "/api/v1/units/{code}/votes", tag = "votes",
    request_body = MeetingVoteBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_vote(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<MeetingVoteBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = MeetingVoteInput {
        title: b.title,
        matter: b.matter,
        mode: b.mode,
        present: b.present.to_string(),
        yes: b.yes.to_string(),
        no: b.no.to_string(),
        abstain: b.abstain.to_string(),
        committee: b.committee.join("\n"),
        meeting_id: b.meeting_id.map(MeetingId),
        candidates: b
            .candidates
            .iter()
            .map(|c| (c.resident_id.to_string(), c.votes.to_string()))
            .collect(),
        list_posted_on: b.list_posted_on.unwrap_or_default(),
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = app::record_meeting_vote(&ctx, &code, &input).await?;
    Ok(created(id))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotBody {
    #[schema(max_length = 300)]
    pub title: String,
    #[schema(value_type = MatterCode)]
    pub matter: String,
    /// The community chose online voting unanimously (only for `other` matters).
    #[serde(default)]
    pub online: bool,
    /// An election by ballots: its one candidate, a resident of the unit.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub candidate: Option<i64>,
    /// An election: the day the list was posted, at least 7 days (a setting) before today.
    #[serde(default)]
    #[schema(format = Date)]
    pub list_posted_on: Option<String>,
}

/// Opens household ballots at a unit; the roll of households is frozen now.
#[utoipa::path(post, path = "/api/v1/units/{code}/ballots", tag = "votes",
    request_body = BallotBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open_ballot(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    b: Result<Json<BallotBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let input = BallotInput {
        title: b.title,
        matter: b.matter,
        online: b.online,
        candidate: b.candidate.map(|c| c.to_string()).unwrap_or_default(),
        list_posted_on: b.list_posted_on.unwrap_or_default(),
    };
    let ctx = state.ctx(Some(who), &rc);
    let id = app::open_ballot(&ctx, &code, &input).await?;
    Ok(created(id))
}

/// A unit's counts in a ballot's result (rolled up to the units directly below the vote's).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitResultItem {
    pub unit_code: String,
    pub unit_name: String,
    pub households: i64,
    pub voted: i64,
    pub yes: i64,
    pub no: i64,
    pub abstain: i64,
}

impl From<&UnitResult> for UnitResultItem {
    fn from(r: &UnitResult) -> Self {
        Self {
            unit_code: r.unit_code.clone(),
            unit_name: r.unit_name.clone(),
            households: r.households,
            voted: r.voted,
            yes: r.yes_count,
            no: r.no_count,
            abstain: r.abstain_count,
        }
    }
}

/// A vote's result without personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteResult {
    pub vote: VoteItem,
    /// Whether the counts are shown (counted, or the caller counts the vote).
    pub shown: bool,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// Households that voted (ballots) or were represented (meetings).
    pub turnout: i64,
    /// The fewest "yes" that passes: more than the threshold of all households.
    pub needed: u32,
    pub pass_pct: u32,
    pub units: Vec<UnitResultItem>,
}

/// A vote's public result, per unit.
#[utoipa::path(get, path = "/api/v1/votes/{id}", tag = "votes",
    params(("id" = i64, Path)),
    security((), ("bearer" = [])), responses((status = 200, body = VoteResult)))]
pub async fn get_vote(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Json<VoteResult>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let v = app::vote_view(&ctx, id).await?;
    Ok(Json(VoteResult {
        vote: (&v.vote).into(),
        shown: v.shown,
        yes: v.tally.yes,
        no: v.tally.no,
        abstain: v.tally.abstain,
        turnout: v.turnout,
        needed: v.needed,
        pass_pct: v.thresholds.pass_pct,
        units: v.units.iter().map(Into::into).collect(),
    }))
}

/// Sends the matter of a meeting vote that missed its quorum to household ballots.
#[utoipa::path(post, path = "/api/v1/votes/{id}/ballot", tag = "votes",
    params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 422, body = ErrorBody)))]
pub async fn ballot_from_vote(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<impl IntoResponse, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let id = app::ballot_from_vote(&ctx, id).await?;
    Ok(created(id))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CastBody {
    /// `yes`, `no` or `abstain`.
    #[schema(value_type = ChoiceCode)]
    pub choice: String,
}

/// The caller's household votes online (where the ballot allows it).
#[utoipa::path(post, path = "/api/v1/votes/{id}/cast", tag = "votes",
    params(("id" = i64, Path)),
    request_body = CastBody, security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 422, body = ErrorBody)))]
pub async fn cast_own(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
    b: Result<Json<CastBody>, JsonRejection>,
) -> Result<Json<Done>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    app::cast_own(&ctx, id, &b.choice).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoorBody {
    #[serde(deserialize_with = "super::contract::whole")]
    pub household_id: i64,
    /// `yes`, `no` or `abstain`.
    #[schema(value_type = ChoiceCode)]
    pub choice: String,
}

/// A counting official enters a ballot collected door to door.
#[utoipa::path(post, path = "/api/v1/votes/{id}/casts", tag = "votes",
    params(("id" = i64, Path)),
    request_body = DoorBody, security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn cast_for(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
    b: Result<Json<DoorBody>, JsonRejection>,
) -> Result<Json<Done>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    app::cast_for(&ctx, id, HouseholdId(b.household_id), &b.choice).await?;
    Ok(Json(Done { ok: true }))
}

/// A `POST /api/v1/votes/{id}/…` without a body that runs one use case on the vote and
/// answers `Done`; `$(#[$m])*` carries its documentation and `utoipa::path`.
macro_rules! vote_action {
    ($(#[$m:meta])* $name:ident => $use_case:path) => {
        $(#[$m])*
        pub async fn $name(
            State(state): State<AppState>,
            CurrentUser(who): CurrentUser,
            rc: RequestCtx,
            Path(id): Path<VoteId>,
        ) -> Result<Json<Done>, ApiError> {
            let ctx = state.ctx(Some(who), &rc);
            $use_case(&ctx, id).await?;
            Ok(Json(Done { ok: true }))
        }
    };
}

vote_action!(
    /// Closes a ballot and computes its result (refused while the paper entries disagree).
    #[utoipa::path(post, path = "/api/v1/votes/{id}/close", tag = "votes",
        params(("id" = i64, Path)),
        security(("bearer" = [])), responses((status = 200, body = Done), (status = 422, body = ErrorBody)))]
    close => app::close_ballot
);

vote_action!(
    /// Publishes a counted vote's result to the unit.
    #[utoipa::path(post, path = "/api/v1/votes/{id}/publish", tag = "votes",
        params(("id" = i64, Path)),
        security(("bearer" = [])), responses((status = 200, body = Done), (status = 422, body = ErrorBody)))]
    publish => app::publish
);

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = VoteRollItem)]
pub struct RollItem {
    pub household_id: i64,
    pub unit_code: String,
    pub address: String,
    pub representative_name: String,
    pub channel: Option<String>,
    pub choice: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RollList {
    pub items: Vec<RollItem>,
}

/// The roll with each household's vote (counting officials; the read is audited).
#[utoipa::path(get, path = "/api/v1/votes/{id}/roll", tag = "votes",
    params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = RollList)))]
pub async fn roll(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Json<RollList>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let (_, rows) = app::roll(&ctx, id).await?;
    Ok(Json(RollList {
        items: rows
            .into_iter()
            .map(|r| RollItem {
                household_id: r.household_id.get(),
                unit_code: r.unit_code,
                address: r.address,
                representative_name: r.representative_name,
                channel: r.channel,
                choice: r.choice,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyVote {
    pub voted: bool,
    pub channel: Option<String>,
    pub choice: Option<String>,
}

/// How the caller's household voted (visible to that household only).
#[utoipa::path(get, path = "/api/v1/votes/{id}/mine", tag = "votes",
    params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = MyVote)))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Json<MyVote>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let m = app::my_vote(&ctx, id).await?;
    Ok(Json(MyVote {
        voted: m.is_some(),
        channel: m.as_ref().map(|x| x.0.clone()),
        choice: m.map(|x| x.1),
    }))
}
