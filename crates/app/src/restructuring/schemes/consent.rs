//! The households' consent: one household ballot (the votes area) per affected unit, and one
//! per candidate name of a new unit at each of the units it is made from.

use std::collections::{BTreeMap, BTreeSet};

use tuquan_domain::restructuring::scheme::{
    consent_of, Consent, ItemKind, SchemeId, SchemeStatus, VotePurpose,
};
use tuquan_domain::votes::{Matter, Mode, Status as VoteStatus};
use tuquan_domain::VoteId;
use tuquan_store::votes::NewVote;

use super::{managed, raced, ItemUnitRecord, SchemeRecord, SchemeVoteRecord};
use crate::{AppResult, Ctx};

/// One affected unit's consent.
#[derive(Debug, Clone)]
pub struct UnitConsent {
    pub unit_code: String,
    pub unit_name: String,
    pub vote_id: Option<VoteId>,
    pub consent: Consent,
    pub yes: i64,
    pub roll: i64,
}

/// The affected units (every unit an item touches, once) with their consent.
pub(crate) fn consents(units: &[ItemUnitRecord], votes: &[SchemeVoteRecord]) -> Vec<UnitConsent> {
    let mut seen = BTreeSet::new();
    let by_unit: BTreeMap<&str, &SchemeVoteRecord> = votes
        .iter()
        .filter(|v| v.purpose == VotePurpose::Consent.as_str())
        .map(|v| (v.unit_code.as_str(), v))
        .collect();
    units
        .iter()
        .filter(|u| seen.insert(u.unit_code.clone()))
        .map(|u| {
            let v = by_unit.get(u.unit_code.as_str());
            let consent = v.map_or(Consent::Pending, |v| {
                let n = |x: i64| u64::try_from(x).unwrap_or(0);
                consent_of(
                    v.status != VoteStatus::Open,
                    n(v.yes_count),
                    n(v.all_households),
                )
            });
            UnitConsent {
                unit_code: u.unit_code.clone(),
                unit_name: u.unit_name.clone(),
                vote_id: v.map(|v| v.vote_id),
                consent,
                yes: v.map_or(0, |v| v.yes_count),
                roll: v.map_or(0, |v| v.all_households),
            }
        })
        .collect()
}

async fn open_one(
    ctx: &Ctx,
    s: &SchemeRecord,
    unit_code: &str,
    title: String,
    purpose: VotePurpose,
    candidate: &str,
) -> AppResult<VoteId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    let t = crate::votes::thresholds(ctx, &unit.province_code).await?;
    let new = NewVote {
        title,
        matter: Matter::Consultation,
        mode: Mode::Ballot,
        meeting_id: None,
        from_vote_id: None,
        online: false,
        all_households: 0,
        present: 0,
        tally: Default::default(),
        committee: String::new(),
        candidate_id: None,
        outcome: None,
        thresholds: serde_json::to_string(&t).unwrap_or_default(),
        candidates: Vec::new(),
        list_posted_on: None,
    };
    let audit = ctx.audit_ctx();
    let id = ctx.store().insert_vote(&unit, &new, &audit).await?;
    ctx.store()
        .link_scheme_vote(s, id, unit_code, purpose, candidate, &audit)
        .await?;
    Ok(id)
}

/// Starts the consultation: the scheme leaves the draft and a household ballot opens at
/// every affected unit (its roll frozen now), plus one per candidate name at each unit a new
/// unit is made from. Run again while consulting, it opens only the ballots still missing.
/// Returns the ballots opened.
pub async fn start_consultation(ctx: &Ctx, id: SchemeId) -> AppResult<Vec<VoteId>> {
    let s = managed(ctx, id).await?;
    let items = ctx.store().scheme_items(s.id).await?;
    if s.status != SchemeStatus::Consulting {
        s.status.start_consulting(items.len())?;
        ctx.store()
            .set_scheme_status(
                &s,
                SchemeStatus::Draft,
                SchemeStatus::Consulting,
                &ctx.audit_ctx(),
            )
            .await
            .map_err(raced("scheme_not_draft"))?;
    }
    let units = ctx.store().scheme_units(s.id).await?;
    let votes = ctx.store().scheme_votes(s.id).await?;
    let mut opened = Vec::new();
    for c in consents(&units, &votes)
        .iter()
        .filter(|c| c.vote_id.is_none())
    {
        let title = format!("Lấy ý kiến về đề án «{}» — {}", s.title, c.unit_name);
        opened.push(open_one(ctx, &s, &c.unit_code, title, VotePurpose::Consent, "").await?);
    }
    for item in items.iter().filter(|i| i.kind == ItemKind::Merge) {
        for name in item.candidates() {
            for u in units
                .iter()
                .filter(|u| u.item_id == item.id && u.role == "part")
            {
                let exists = votes.iter().any(|v| {
                    v.purpose == VotePurpose::Name.as_str()
                        && v.unit_code == u.unit_code
                        && v.candidate_name == name
                });
                if !exists {
                    let title = format!("Tên đơn vị mới «{name}» — {}", u.unit_name);
                    opened.push(
                        open_one(ctx, &s, &u.unit_code, title, VotePurpose::Name, &name).await?,
                    );
                }
            }
        }
    }
    Ok(opened)
}
