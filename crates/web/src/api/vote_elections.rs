//! `/api/v1` for elections of a unit's head or deputy: the candidates and the result per
//! candidate, and the commune's recognition of the result, which appoints the elected
//! resident to the position (through the groups area).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::votes as app;
use tuquan_domain::votes::RecognitionInput;
use tuquan_domain::VoteId;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, MaybeUser, RequestCtx};
use crate::error::{ApiError, ErrorBody};
use crate::extract::body;
use crate::AppState;

/// A candidate named on an election, with the votes counted for them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateBody {
    /// The resident (of the unit) standing for the position.
    #[serde(deserialize_with = "super::contract::whole")]
    #[schema(minimum = 1)]
    pub resident_id: i64,
    /// Households that voted for the candidate.
    #[serde(default, deserialize_with = "super::contract::whole")]
    #[schema(minimum = 0, maximum = 100000)]
    pub votes: i64,
}

/// A candidate and their result.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateItem {
    pub resident_id: i64,
    pub full_name: String,
    pub votes: i64,
    pub elected: bool,
}

/// The commune's recognition of the result.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionItem {
    pub resident_id: i64,
    pub decision_number: String,
    pub decision_date: String,
    /// The position the recognition appointed (in the unit's leadership group).
    pub position_id: i64,
    /// Accounts of the person that received the position's role on the unit.
    pub grants_added: i64,
    pub recognised_at: String,
}

/// An election: the position, the candidates with their votes, the recognition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElectionItem {
    /// `head` or `deputy`.
    pub role: String,
    pub candidates: Vec<CandidateItem>,
    pub recognition: Option<RecognitionItem>,
    /// Whether the result waits for the commune's recognition.
    pub awaiting_recognition: bool,
}

/// The election of a vote on `head_election` or `deputy_election` (404 for other matters).
#[utoipa::path(get, path = "/api/v1/votes/{id}/election", tag = "votes",
    params(("id" = i64, Path)),
    security((), ("bearer" = [])),
    responses((status = 200, body = ElectionItem), (status = 404, body = ErrorBody)))]
pub async fn get_election(
    State(state): State<AppState>,
    MaybeUser(who): MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Json<ElectionItem>, ApiError> {
    let ctx = state.ctx(who, &rc);
    let v = app::vote_view(&ctx, id).await?;
    let e = app::election_of(&ctx, &v.vote).await?;
    let Some(role) = e.role else {
        return Err(tuquan_app::AppError::NotFound.into());
    };
    Ok(Json(ElectionItem {
        role: role.as_str().into(),
        awaiting_recognition: app::awaiting_recognition(&v.vote, &e),
        candidates: e
            .candidates
            .iter()
            .map(|c| CandidateItem {
                resident_id: c.resident_id.get(),
                full_name: c.full_name.clone(),
                votes: c.votes,
                elected: c.elected,
            })
            .collect(),
        recognition: e.recognition.map(|r| RecognitionItem {
            resident_id: r.resident_id.get(),
            decision_number: r.decision_number,
            decision_date: r.decision_date,
            position_id: r.position_id,
            grants_added: r.grants_added,
            recognised_at: r.recognised_at,
        }),
    }))
}

/// The commune's decision recognising an election's result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecognitionBody {
    /// The decision's number, e.g. `112/QĐ-UBND`.
    #[schema(max_length = 60)]
    pub decision_number: String,
    /// The decision's date (`YYYY-MM-DD`, not after today); the position starts that day.
    #[schema(format = Date)]
    pub decision_date: String,
}

/// What a recognition did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ElectionRecognised)]
pub struct Recognised {
    pub position_id: i64,
    pub group_id: i64,
    pub grants_added: i64,
}

/// Recognises an election's result (commune officials): the elected resident is appointed
/// to the position, with its eligibility and term rules (`422 ineligible` as for any
/// appointment), and their account receives the position's role. Once only
/// (`vote_already_recognised`); an election that elected nobody is refused
/// (`vote_election_not_passed`).
#[utoipa::path(post, path = "/api/v1/votes/{id}/recognition", tag = "votes",
    params(("id" = i64, Path)),
    request_body = RecognitionBody, security(("bearer" = [])),
    responses((status = 201, body = Recognised), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn recognise(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
    b: Result<Json<RecognitionBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    let input = RecognitionInput {
        decision_number: b.decision_number,
        decision_date: b.decision_date,
    };
    let r = app::recognise(&ctx, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Recognised {
            position_id: r.position_id,
            group_id: r.group_id.get(),
            grants_added: r.grants_added,
        }),
    ))
}
