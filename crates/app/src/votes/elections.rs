//! Elections of a unit's head or deputy (Law 10/2022/QH15 Art 15(4); Decree 59/2023 Arts
//! 6–9): the candidates named on the vote, the list posted in time, the result per
//! candidate, and the commune's recognition, which appoints the elected resident through the
//! groups area's appointment (term, eligibility, service history) and gives their account the
//! grant of the position.

use tuquan_domain::access::{Action, Role};
use tuquan_domain::groups::{NewPositionInput, PositionRole};
use tuquan_domain::territory::Unit;
use tuquan_domain::votes::{
    check_candidates, election_outcome, latest_list_day, list_posted_in_time, position_of,
    recognisable, CandidateVotes, MeetingVote, Mode, Outcome, Recognition, RecognitionInput, Tally,
    Thresholds,
};
use tuquan_domain::{FieldError, FieldErrorKind, ResidentId, VoteId};
use tuquan_store::votes::{NewCandidate, NewRecognition};
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

pub use tuquan_store::votes::{CandidateRecord, RecognitionRecord};

/// The candidates are residents of the unit (or below it); anyone else is unknown here.
async fn check_residents(ctx: &Ctx, unit: &Unit, ids: &[ResidentId]) -> AppResult<()> {
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let field = CANDIDATE_FIELDS.get(i).copied().unwrap_or("candidates");
        let inside = match ctx.store().resident(*id).await {
            Ok(r) => crate::groups::within(&r.unit_path, &unit.path),
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !inside {
            errors.push(FieldError::new(
                field,
                FieldErrorKind::UnknownValue,
                "no such resident in the unit",
            ));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(AppError::Invalid(errors.remove(0))),
        _ => Err(AppError::InvalidFields(errors)),
    }
}

/// The form's candidate fields, row by row.
pub const CANDIDATE_FIELDS: [&str; 5] = [
    "candidate_1",
    "candidate_2",
    "candidate_3",
    "candidate_4",
    "candidate_5",
];

/// The list of candidates of an election was posted in time for a vote on `vote_day`; the
/// refusal names the latest day it could have been posted.
pub(super) fn check_list(
    t: &Thresholds,
    posted: Option<jiff::civil::Date>,
    vote_day: jiff::civil::Date,
) -> AppResult<String> {
    let Some(posted) = posted else {
        return Err(AppError::rule(
            "vote_election_list_missing",
            "list_posted_on",
            "an election names the day its list was posted",
        ));
    };
    list_posted_in_time(t, posted, vote_day)
        .map_err(|r| AppError::rule_dated(r.code, r.field, latest_list_day(t, vote_day)))?;
    Ok(posted.to_string())
}

/// An election taken at a meeting: the candidates checked, the list's posting checked
/// against the vote's day, and the result per candidate. Returns the tally, the outcome
/// and the candidates to store.
pub(super) async fn count_at_meeting(
    ctx: &Ctx,
    unit: &Unit,
    t: &Thresholds,
    v: &MeetingVote,
    all: u32,
    vote_day: jiff::civil::Date,
) -> AppResult<(Tally, Outcome, Vec<NewCandidate>, Option<String>)> {
    let ids: Vec<ResidentId> = v.candidates.iter().map(|c| c.0).collect();
    check_candidates(v.matter, &ids)?;
    if !v.matter.is_election() {
        let outcome = tuquan_domain::votes::meeting_outcome(t, v.mode, all, v.present, v.tally)?;
        return Ok((v.tally, outcome, Vec::new(), None));
    }
    check_residents(ctx, unit, &ids).await?;
    let posted = check_list(t, v.list_posted_on, vote_day)?;
    let counts: Vec<CandidateVotes> = v
        .candidates
        .iter()
        .map(|(r, n)| CandidateVotes {
            resident_id: *r,
            votes: *n,
        })
        .collect();
    let r = election_outcome(t, v.mode, all, v.present, &counts, v.tally)?;
    let candidates = counts
        .iter()
        .enumerate()
        .map(|(i, c)| NewCandidate {
            resident_id: c.resident_id,
            votes: i64::from(c.votes),
            elected: r.elected == Some(i),
        })
        .collect();
    Ok((r.tally, r.outcome, candidates, Some(posted)))
}

/// Household ballots on an election (after a meeting without quorum): one candidate, the
/// answer "for" being for them; the list posted in time before the ballots open today.
pub(super) async fn ballot_candidates(
    ctx: &Ctx,
    unit: &Unit,
    t: &Thresholds,
    b: &tuquan_domain::votes::Ballot,
) -> AppResult<(Vec<NewCandidate>, Option<String>)> {
    if !b.matter.is_election() {
        let ids: Vec<ResidentId> = b.candidate.into_iter().collect();
        check_candidates(b.matter, &ids)
            .map_err(|r| AppError::rule(r.code, "candidate", r.code))?;
        return Ok((Vec::new(), None));
    }
    let Some(candidate) = b.candidate else {
        return Err(AppError::rule(
            "vote_election_candidates",
            "candidate",
            "an election by ballots names its candidate",
        ));
    };
    check_residents(ctx, unit, &[candidate])
        .await
        .map_err(|_| {
            AppError::Invalid(FieldError::new(
                "candidate",
                FieldErrorKind::UnknownValue,
                "no such resident in the unit",
            ))
        })?;
    let posted = check_list(t, b.list_posted_on, ctx.today())?;
    let c = NewCandidate {
        resident_id: candidate,
        votes: 0,
        elected: false,
    };
    Ok((vec![c], Some(posted)))
}

/// An election's candidates and its recognition, for its page.
#[derive(Debug, Clone, Default)]
pub struct Election {
    pub candidates: Vec<CandidateRecord>,
    pub recognition: Option<RecognitionRecord>,
    /// The position it fills: `head` or `deputy`.
    pub role: Option<PositionRole>,
}

/// The election data of vote `v` (empty for other matters). The caller has authorized the
/// view of the vote; candidates are named publicly, as their list is posted.
pub async fn election_of(ctx: &Ctx, v: &super::VoteRecord) -> AppResult<Election> {
    if !v.matter.is_election() {
        return Ok(Election::default());
    }
    Ok(Election {
        candidates: ctx.store().vote_candidates(v.id).await?,
        recognition: ctx.store().vote_recognition(v.id).await?,
        role: position_of(v.matter),
    })
}

/// What a recognition did.
#[derive(Debug, Clone)]
pub struct Recognised {
    pub position_id: i64,
    pub group_id: tuquan_domain::GroupId,
    /// Accounts of the person that received the position's grant.
    pub grants_added: i64,
}

/// The commune recognises the result of an election (công nhận kết quả bầu): the elected
/// resident is appointed to the unit's head or deputy position through the groups area's
/// appointment, from the decision's date, with its number as the decision reference; each
/// account linked to the person receives the position's role on the unit. Once only; an
/// election that elected nobody appoints nobody.
pub async fn recognise(ctx: &Ctx, id: VoteId, input: &RecognitionInput) -> AppResult<Recognised> {
    let v = ctx.store().vote(id).await?;
    ctx.authorize(Action::GroupManage, Some(&v.unit_path))?;
    let rec = Recognition::parse(input, ctx.today())?;
    let candidates = ctx.store().vote_candidates(v.id).await?;
    let elected = candidates.iter().find(|c| c.elected).map(|c| c.resident_id);
    let already = ctx.store().vote_recognition(v.id).await?.is_some();
    let who = recognisable(v.matter, v.status, v.outcome(), elected, already)?;
    let role = position_of(v.matter).ok_or(AppError::NotFound)?;
    let (group, _) = crate::groups::ensure_leadership(ctx, &v.unit_code).await?;
    let decision_ref = format!(
        "{} ({})",
        rec.decision_number,
        rec.decision_date.strftime("%d/%m/%Y")
    );
    // The appointment, the grants and the recognition record are three audited writes. A
    // retry after a failure between them finds the person already appointed by this very
    // decision and goes on from there, so a repeat completes the recognition rather than
    // being refused for a taken seat (the grants below are skipped when already held).
    let earlier = ctx
        .store()
        .positions_of(group.id)
        .await?
        .into_iter()
        .find(|p| {
            p.resident_id == who
                && p.role == role
                && p.ended_on.is_none()
                && p.decision_ref.as_deref() == Some(decision_ref.as_str())
        });
    let position = match earlier {
        Some(p) => p,
        None => appoint_elected(ctx, group.id, who, role, decision_ref, &rec, &v.title).await?,
    };
    let grant_role = match role {
        PositionRole::Head => Role::UnitHead,
        _ => Role::DeputyHead,
    };
    let mut grants_added = 0;
    for user in ctx.store().accounts_of_resident(who).await? {
        let held = ctx.store().grants_of(user).await?.iter().any(|g| {
            g.grant.role == grant_role && g.grant.unit_code.as_deref() == Some(&v.unit_code)
        });
        if !held {
            ctx.store()
                .add_grant(user, grant_role, Some(&v.unit_code), &ctx.audit_ctx())
                .await?;
            grants_added += 1;
        }
    }
    let date = rec.decision_date.to_string();
    let new = NewRecognition {
        resident_id: who,
        decision_number: &rec.decision_number,
        decision_date: &date,
        position_id: position.id.get(),
        grants_added,
    };
    ctx.store()
        .record_recognition(&v, &new, &ctx.audit_ctx())
        .await?;
    Ok(Recognised {
        position_id: position.id.get(),
        group_id: group.id,
        grants_added,
    })
}

/// Whether a counted vote is an election the commune may still recognise (for the page's
/// button).
pub fn awaiting_recognition(v: &super::VoteRecord, e: &Election) -> bool {
    v.matter.is_election()
        && v.mode != Mode::Procedural
        && v.outcome() == Some(Outcome::Passed)
        && e.recognition.is_none()
        && e.candidates.iter().any(|c| c.elected)
}

/// Appoints the elected resident through the groups area's appointment (eligibility, term,
/// seat checks, service history).
async fn appoint_elected(
    ctx: &Ctx,
    group: tuquan_domain::GroupId,
    who: tuquan_domain::ResidentId,
    role: PositionRole,
    decision_ref: String,
    rec: &Recognition,
    title: &str,
) -> AppResult<tuquan_store::groups::PositionRecord> {
    crate::groups::appoint(
        ctx,
        group,
        &NewPositionInput {
            resident_id: Some(who.get()),
            role: role.as_str().to_owned(),
            starts_on: Some(rec.decision_date.to_string()),
            acting: false,
            decision_ref: Some(decision_ref),
            note: Some(format!("Kết quả bầu: {title}")),
        },
    )
    .await
}
