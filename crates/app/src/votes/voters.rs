//! Who votes online for a household: its representative, or a member the household
//! authorised. The representative gives (or withdraws) the authorisation from their own
//! account; it is kept as a consent record of purpose `household_vote` on the member (the
//! latest record decides), so an official may also record a paper authorisation through the
//! resident's consents.

use tuquan_domain::votes::{may_authorise_voter, may_vote_for_household, HOUSEHOLD_VOTER_PURPOSE};
use tuquan_domain::{HouseholdId, ResidentId};

use crate::{AppError, AppResult, Ctx};

/// A member of the signed-in resident's household, as the representative manages them.
#[derive(Debug, Clone)]
pub struct Member {
    pub resident_id: ResidentId,
    pub name: String,
    pub authorised: bool,
}

/// The signed-in resident's standing in their household's votes.
#[derive(Debug, Clone)]
pub struct HouseholdVoter {
    pub household_id: HouseholdId,
    pub resident_id: ResidentId,
    pub is_representative: bool,
    pub authorised: bool,
    /// The other active members (filled for the representative only).
    pub members: Vec<Member>,
}

impl HouseholdVoter {
    /// May cast the household's vote online.
    pub fn may_vote(&self) -> bool {
        may_vote_for_household(self.is_representative, self.authorised).is_ok()
    }
}

/// The signed-in resident's standing: `None` for an account not linked to an active
/// household.
pub async fn household_voter(ctx: &Ctx) -> AppResult<Option<HouseholdVoter>> {
    let who = ctx.who()?;
    let Some((hid, rid, _, _)) = ctx.store().household_of_user(who.user.id).await? else {
        return Ok(None);
    };
    let household = ctx.store().household(hid).await?;
    let is_representative = household.representative_id == Some(rid);
    let authorised = ctx
        .store()
        .latest_consent_granted(rid, HOUSEHOLD_VOTER_PURPOSE)
        .await?;
    let mut members = Vec::new();
    if is_representative {
        for r in ctx.store().residents_of_household(hid).await? {
            if r.id == rid || r.status != tuquan_domain::people::ResidentStatus::Active {
                continue;
            }
            let authorised = ctx
                .store()
                .latest_consent_granted(r.id, HOUSEHOLD_VOTER_PURPOSE)
                .await?;
            members.push(Member {
                resident_id: r.id,
                name: r.full_name.clone(),
                authorised,
            });
        }
    }
    Ok(Some(HouseholdVoter {
        household_id: hid,
        resident_id: rid,
        is_representative,
        authorised,
        members,
    }))
}

/// Checks the signed-in resident may cast the household `hid`'s vote (`rid` their resident).
pub(super) async fn check_may_vote(ctx: &Ctx, hid: HouseholdId, rid: ResidentId) -> AppResult<()> {
    let household = ctx.store().household(hid).await?;
    let is_representative = household.representative_id == Some(rid);
    let authorised = !is_representative
        && ctx
            .store()
            .latest_consent_granted(rid, HOUSEHOLD_VOTER_PURPOSE)
            .await?;
    may_vote_for_household(is_representative, authorised)?;
    Ok(())
}

/// The household's representative authorises (or stops authorising) a member of the same
/// household to vote for it. Audited as a consent of the member (`resident.consent`).
pub async fn authorise_voter(ctx: &Ctx, member: ResidentId, granted: bool) -> AppResult<()> {
    let Some(me) = household_voter(ctx).await? else {
        return Err(AppError::rule(
            "no_household",
            "household",
            "account not linked",
        ));
    };
    may_authorise_voter(me.is_representative, member == me.resident_id)?;
    let r = match ctx.store().resident(member).await {
        Ok(r) => r,
        Err(tuquan_store::StoreError::NotFound) => return Err(other_household()),
        Err(e) => return Err(e.into()),
    };
    if r.household_id != me.household_id
        || r.status != tuquan_domain::people::ResidentStatus::Active
    {
        return Err(other_household());
    }
    ctx.store()
        .record_consent(
            &r,
            HOUSEHOLD_VOTER_PURPOSE,
            granted,
            &ctx.today().to_string(),
            &format!("household representative (resident {})", me.resident_id),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}

fn other_household() -> AppError {
    AppError::rule(
        "vote_authorise_other_household",
        "member",
        "not a member of this household",
    )
}
