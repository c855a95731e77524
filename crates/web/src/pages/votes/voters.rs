//! On the ballot page, the signed-in resident's household: whether they may cast its vote
//! (the representative or an authorised member) and, for the representative, the members to
//! authorise (`POST /votes/{id}/voters`).

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tuquan_app::votes as app;
use tuquan_domain::ResidentId;
use tuquan_domain::VoteId;

use super::{show_data, signed_in, ShowPage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::pages::common::see_other;
use crate::pages::form::rerender;
use crate::pages::Chrome;
use crate::AppState;

/// The resident's standing, as the page shows it.
pub struct VoterLine {
    pub may_vote: bool,
    pub is_representative: bool,
    /// (resident id, name, authorised) of the other members, for the representative.
    pub members: Vec<(tuquan_domain::ResidentId, String, bool)>,
}

/// The signed-in resident's standing, `None` for an account without a household.
pub(super) async fn line(ctx: &tuquan_app::Ctx) -> Result<Option<VoterLine>, PageError> {
    Ok(app::household_voter(ctx).await?.map(|v| VoterLine {
        may_vote: v.may_vote(),
        is_representative: v.is_representative,
        members: v
            .members
            .iter()
            .map(|m| (m.resident_id, m.name.clone(), m.authorised))
            .collect(),
    }))
}

#[derive(Deserialize)]
pub(super) struct AuthoriseForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    granted: String,
}

pub(super) async fn authorise(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
    CsrfForm(f): CsrfForm<AuthoriseForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let result = match f.member.trim().parse::<i64>() {
        Ok(m) => app::authorise_voter(&ctx, ResidentId(m), f.granted == "true").await,
        Err(_) => Err(tuquan_app::AppError::Invalid(
            tuquan_domain::FieldError::new(
                "member",
                tuquan_domain::FieldErrorKind::Required,
                "pick a member",
            ),
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/votes/{id}#voters"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let page = show_data(chrome, &ctx, id).await?;
            rerender(e, lang, move |errors| ShowPage { errors, ..page })
        }
    }
}
