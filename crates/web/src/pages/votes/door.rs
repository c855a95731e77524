//! The door-to-door channel on the ballot page: a counting official picks a household not yet
//! counted and its answer (`POST /votes/{id}/door`); once per household across channels.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tuquan_app::votes as app;
use tuquan_domain::VoteId;

use super::{show_data, signed_in, ShowPage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::pages::common::see_other;
use crate::pages::form::rerender;
use crate::pages::Chrome;
use crate::AppState;

/// A household of the roll not yet counted, as the picker shows it.
pub struct Household {
    pub id: String,
    pub label: String,
}

/// The households of the roll not yet counted through any channel.
pub(super) async fn households(
    ctx: &tuquan_app::Ctx,
    id: VoteId,
) -> Result<Vec<Household>, PageError> {
    let (_, roll) = app::roll(ctx, id).await?;
    Ok(roll
        .into_iter()
        .filter(|h| h.channel.is_none())
        .map(|h| Household {
            id: h.household_id.to_string(),
            label: format!("{} — {}", h.representative_name, h.address),
        })
        .collect())
}

#[derive(Deserialize)]
pub(super) struct DoorForm {
    #[serde(default)]
    household: String,
    #[serde(default)]
    choice: String,
}

pub(super) async fn cast(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
    CsrfForm(f): CsrfForm<DoorForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let result = match f.household.trim().parse::<tuquan_domain::HouseholdId>() {
        Ok(h) => app::cast_for(&ctx, id, h, &f.choice).await,
        Err(_) => Err(tuquan_app::AppError::Invalid(
            tuquan_domain::FieldError::new(
                "household",
                tuquan_domain::FieldErrorKind::Required,
                "pick a household",
            ),
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/votes/{id}#door"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let page = show_data(chrome, &ctx, id).await?;
            let typed = (f.household, f.choice);
            rerender(e, lang, move |errors| ShowPage {
                errors,
                door_typed: typed,
                ..page
            })
        }
    }
}
