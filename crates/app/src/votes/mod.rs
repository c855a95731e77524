//! Votes at meetings and household ballots: the thresholds in force, the votes and their
//! counts, the ballots and their results. Each use case loads its target, authorizes on the
//! unit it acts on, applies the domain's rules (`tuquan_domain::votes`), and writes through
//! the store with its audit row in the same transaction.

use tuquan_domain::access::Action;
use tuquan_domain::votes::{
    counting_committee, online_allowed, Ballot, BallotInput, Key, MeetingVote, MeetingVoteInput,
    Mode, NewVoteCheck, Outcome, Setting, SettingInput, Thresholds, VoteRule,
};
use tuquan_domain::{MeetingId, VoteId};
use tuquan_store::votes::NewVote;

use crate::{AppError, AppResult, Ctx};

mod ballots;
mod demo;
mod elections;
mod printing;
mod reads;
mod voters;

pub use ballots::{
    attach_sheet, cast_for, cast_own, close_ballot, enter_paper, paper_rows, reconciliation,
    Reconciliation, SHEET_FIELD,
};
pub use demo::seed_demo;
pub use elections::{
    awaiting_recognition, election_of, recognise, CandidateRecord, Election, Recognised,
    RecognitionRecord, CANDIDATE_FIELDS,
};
pub use printing::ballot_sheet;
pub use reads::{my_vote, roll, settings, vote_view, votes_of_unit, SettingRow, VoteView};
pub use tuquan_store::votes::{
    CastRecord, PaperEntryRecord, SettingRecord, TallyLogRecord, UnitResult, VoteRecord,
};
pub use voters::{authorise_voter, household_voter, HouseholdVoter, Member};

impl From<VoteRule> for AppError {
    fn from(r: VoteRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// The thresholds in force today in a province: the law's defaults, overridden by the
/// province's settings in force today. Not personal data, so any caller may read them.
pub async fn thresholds(ctx: &Ctx, province_code: &str) -> AppResult<Thresholds> {
    let day = ctx.today().to_string();
    let mut t = Thresholds::default();
    for (key, value) in ctx.store().vote_settings_on(province_code, &day).await? {
        if let (Some(k), Ok(v)) = (Key::parse(&key), u32::try_from(value)) {
            t.set(k, v);
        }
    }
    Ok(t)
}

/// A province official sets a threshold from a date, for the province of the unit named (a
/// province, or any unit in it). Only province officials (and administrators) hold the action.
pub async fn set_threshold(ctx: &Ctx, unit_code: &str, input: &SettingInput) -> AppResult<()> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::VoteSettingsManage, Some(&unit.path))?;
    let province = crate::territory::unit(&ctx.app, &unit.province_code).await?;
    let s = Setting::parse(input)?;
    s.in_range()?;
    ctx.store()
        .set_vote_setting(
            &province,
            s.key.as_str(),
            i64::from(s.value),
            &s.effective_from.to_string(),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}

fn to_i64(n: u32) -> i64 {
    i64::from(n)
}

/// Records a vote taken at a meeting of a unit: the count by household (show of hands), the
/// totals of a secret ballot counted by a committee of 3–5, or a procedural vote. The
/// outcome follows the rules; without a quorum it is `no_quorum` and the matter may go to
/// household ballots ([`ballot_from_vote`]). With `meeting_id`, "present" and "all
/// households" come from that meeting's attendance and roll.
pub async fn record_meeting_vote(
    ctx: &Ctx,
    unit_code: &str,
    input: &MeetingVoteInput,
) -> AppResult<VoteId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::VoteManage, Some(&unit.path))?;
    let v = MeetingVote::parse(input)?;
    if v.mode == Mode::Secret {
        counting_committee(&v.committee)?;
    }
    let t = thresholds(ctx, &unit.province_code).await?;
    // At a recorded meeting, "all" is its roll and "present" its attendance, whatever was
    // typed; otherwise the unit's active households and the count typed.
    // An election is judged on the meeting's day (the list is posted 7 days before it).
    let (all, present, day) = match v.meeting_id {
        Some(m) => {
            let p = crate::meetings::presence_for_vote(ctx, &unit.code, m).await?;
            let day = p.meeting.meeting_date.parse().unwrap_or(ctx.today());
            (p.total, p.present, day)
        }
        None => (
            ctx.store().active_households_below(&unit.path).await?,
            v.present,
            ctx.today(),
        ),
    };
    let v = MeetingVote { present, ..v };
    let all_u = u32::try_from(all).unwrap_or(u32::MAX);
    let (tally, outcome, candidates, list_posted_on) =
        elections::count_at_meeting(ctx, &unit, &t, &v, all_u, day).await?;
    let new = NewVote {
        title: v.title,
        matter: v.matter,
        mode: v.mode,
        meeting_id: v.meeting_id,
        from_vote_id: None,
        online: false,
        all_households: all,
        present: to_i64(v.present),
        tally,
        committee: v.committee.join("\n"),
        candidate_id: None,
        outcome: Some(outcome),
        thresholds: serde_json::to_string(&t).unwrap_or_default(),
        candidates,
        list_posted_on,
    };
    Ok(ctx
        .store()
        .insert_vote(&unit, &new, &ctx.audit_ctx())
        .await?)
}

/// The attendance of community meeting `meeting_id` of the unit, for the form recording a
/// vote taken there (freezes the meeting's roll if it was not).
pub async fn meeting_presence(
    ctx: &Ctx,
    unit_code: &str,
    meeting_id: MeetingId,
) -> AppResult<crate::meetings::Presence> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::VoteManage, Some(&unit.path))?;
    crate::meetings::presence_for_vote(ctx, &unit.code, meeting_id).await
}

/// Opens household ballots at a unit (Law Art 19): the roll of its households is frozen now.
/// Online voting only where the rules allow it.
pub async fn open_ballot(ctx: &Ctx, unit_code: &str, input: &BallotInput) -> AppResult<VoteId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::VoteManage, Some(&unit.path))?;
    let b = Ballot::parse(input)?;
    open(ctx, &unit, b, None).await
}

async fn open(
    ctx: &Ctx,
    unit: &tuquan_domain::territory::Unit,
    b: Ballot,
    from_vote_id: Option<VoteId>,
) -> AppResult<VoteId> {
    if b.online {
        online_allowed(b.matter, true)?;
    }
    let t = thresholds(ctx, &unit.province_code).await?;
    let (candidates, list_posted_on) = elections::ballot_candidates(ctx, unit, &t, &b).await?;
    let new = NewVote {
        from_vote_id,
        online: b.online,
        candidates,
        list_posted_on,
        ..NewVote::ballot(
            b.title,
            b.matter,
            serde_json::to_string(&t).unwrap_or_default(),
        )
    };
    Ok(ctx
        .store()
        .insert_vote(unit, &new, &ctx.audit_ctx())
        .await?)
}

/// The matter of a meeting vote that missed its quorum goes to household ballots: one action
/// opens them with the same title and matter, linked to the vote.
pub async fn ballot_from_vote(ctx: &Ctx, vote_id: VoteId) -> AppResult<VoteId> {
    let v = ctx.store().vote(vote_id).await?;
    ctx.authorize(Action::VoteManage, Some(&v.unit_path))?;
    NewVoteCheck::from_no_quorum(v.outcome())?;
    let unit = crate::territory::unit(&ctx.app, &v.unit_code).await?;
    // An election goes to ballots with its one candidate and the list as posted.
    let candidates = ctx.store().vote_candidates(v.id).await?;
    if v.matter.is_election() && candidates.len() != 1 {
        return Err(AppError::rule(
            "vote_election_ballot_one_candidate",
            "vote",
            "ballots ask about one candidate",
        ));
    }
    let b = Ballot {
        title: v.title.clone(),
        matter: v.matter,
        online: false,
        candidate: candidates.first().map(|c| c.resident_id),
        list_posted_on: v.list_posted_on.as_deref().and_then(|d| d.parse().ok()),
    };
    open(ctx, &unit, b, Some(v.id)).await
}

/// Publishes a counted vote's result to the unit (Law Art 23).
pub async fn publish(ctx: &Ctx, vote_id: VoteId) -> AppResult<()> {
    let v = ctx.store().vote(vote_id).await?;
    ctx.authorize(Action::VoteManage, Some(&v.unit_path))?;
    NewVoteCheck::publishable(v.status)?;
    ctx.store().publish_vote(&v, &ctx.audit_ctx()).await?;
    Ok(())
}

/// Whether a vote's outcome is the one named.
pub fn is(v: &VoteRecord, o: Outcome) -> bool {
    v.outcome() == Some(o)
}
