//! Who votes online for the signed-in resident's household (`/api/v1/me/household-voters`):
//! its representative, or a member the household authorised; the representative authorises.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuquan_app::votes::{self as app, HouseholdVoter};
use tuquan_domain::ResidentId;
use utoipa::ToSchema;

use super::votes::Done;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{ApiError, ErrorBody, Failure};
use crate::extract::body;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct VoterMember {
    pub resident_id: i64,
    pub name: String,
    pub authorised: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdVoters {
    /// The signed-in resident is the household's representative.
    pub is_representative: bool,
    /// The signed-in resident is authorised by the household to vote for it.
    pub authorised: bool,
    /// The signed-in resident may cast the household's vote online.
    pub may_vote: bool,
    /// The other members (for the representative only).
    pub members: Vec<VoterMember>,
}

impl From<&HouseholdVoter> for HouseholdVoters {
    fn from(v: &HouseholdVoter) -> Self {
        Self {
            is_representative: v.is_representative,
            authorised: v.authorised,
            may_vote: v.may_vote(),
            members: v
                .members
                .iter()
                .map(|m| VoterMember {
                    resident_id: m.resident_id.get(),
                    name: m.name.clone(),
                    authorised: m.authorised,
                })
                .collect(),
        }
    }
}

/// The signed-in resident's standing in their household's votes (404 for an account not
/// linked to a household).
#[utoipa::path(get, path = "/api/v1/me/household-voters", tag = "votes",
    security(("bearer" = [])),
    responses((status = 200, body = HouseholdVoters), (status = 404, body = ErrorBody)))]
pub async fn household_voters(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
) -> Result<Json<HouseholdVoters>, ApiError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = app::household_voter(&ctx).await?.ok_or(Failure::NotFound)?;
    Ok(Json((&v).into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthoriseBody {
    /// A member of the representative's household.
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "super::contract::whole")]
    pub resident_id: i64,
    /// `true` to authorise, `false` to withdraw.
    pub granted: bool,
}

/// The household's representative authorises a member to vote for the household (or
/// withdraws it).
#[utoipa::path(post, path = "/api/v1/me/household-voters", tag = "votes",
    request_body = AuthoriseBody, security(("bearer" = [])),
    responses((status = 200, body = Done), (status = 422, body = ErrorBody)))]
pub async fn authorise_voter(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    b: Result<Json<AuthoriseBody>, JsonRejection>,
) -> Result<Json<Done>, ApiError> {
    let b = body(b)?;
    let ctx = state.ctx(Some(who), &rc);
    app::authorise_voter(&ctx, ResidentId(b.resident_id), b.granted).await?;
    Ok(Json(Done { ok: true }))
}
