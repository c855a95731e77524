//! Elections of a unit's head or deputy (Law 10/2022/QH15 Art 15(4); Decree 59/2023 Arts
//! 6–9): the candidates named on the vote, the votes of each, who is elected, and the
//! commune's recognition of the result, which appoints the elected resident to the position.

use serde::Deserialize;

use super::kinds::{meeting_outcome, Mode, Outcome, Status};
use super::rules::{notice_satisfied, Matter, Notice, Tally, Thresholds, VoteRule};
use crate::groups::PositionRole;
use crate::{Checks, FieldError, FieldErrorKind, ResidentId};

/// At most this many candidates on one election (the form's rows).
pub const MAX_CANDIDATES: usize = 5;

const fn refuse<T>(code: &'static str, field: &'static str) -> Result<T, VoteRule> {
    Err(VoteRule { code, field })
}

/// One candidate and the households that voted for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateVotes {
    pub resident_id: ResidentId,
    pub votes: u32,
}

/// The result of an election at a meeting: the vote's tally (the leading candidate's votes
/// as "for", the others' and those typed against as "against"), its outcome, and the index
/// of the elected candidate when it passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElectionResult {
    pub tally: Tally,
    pub outcome: Outcome,
    pub elected: Option<usize>,
}

/// The position an election fills.
pub fn position_of(matter: Matter) -> Option<PositionRole> {
    match matter {
        Matter::HeadElection => Some(PositionRole::Head),
        Matter::DeputyElection => Some(PositionRole::Deputy),
        _ => None,
    }
}

/// The candidates of a vote: an election names 1 to [`MAX_CANDIDATES`] different residents;
/// any other matter names none (Decree 59/2023 Art 8: the list of candidates).
pub fn check_candidates(matter: Matter, candidates: &[ResidentId]) -> Result<(), VoteRule> {
    if !matter.is_election() {
        return if candidates.is_empty() {
            Ok(())
        } else {
            refuse("vote_candidates_not_election", "candidates")
        };
    }
    if candidates.is_empty() || candidates.len() > MAX_CANDIDATES {
        return refuse("vote_election_candidates", "candidates");
    }
    let mut seen = candidates.to_vec();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != candidates.len() {
        return refuse("vote_candidate_twice", "candidates");
    }
    Ok(())
}

/// An election at a meeting (show of hands by household or a secret ballot; never a
/// procedural vote): the meeting needs its quorum and the elected candidate more than the
/// threshold of ALL households (Law 10/2022/QH15 Arts 18(2), 21(1)) and more votes than any
/// other candidate; a tie elects nobody.
pub fn election_outcome(
    t: &Thresholds,
    mode: Mode,
    all_households: u32,
    present: u32,
    candidates: &[CandidateVotes],
    typed: Tally,
) -> Result<ElectionResult, VoteRule> {
    if !matches!(mode, Mode::ShowOfHands | Mode::Secret) {
        return refuse("vote_election_mode", "mode");
    }
    let top = candidates.iter().map(|c| c.votes).max().unwrap_or(0);
    let sum: u32 = candidates.iter().map(|c| c.votes).sum();
    let tally = Tally {
        yes: top,
        no: typed.no + (sum - top),
        abstain: typed.abstain,
    };
    let outcome = meeting_outcome(t, mode, all_households, present, tally).map_err(|r| {
        if r.code == "vote_count_over_present" {
            VoteRule {
                code: r.code,
                field: "candidates",
            }
        } else {
            r
        }
    })?;
    let leaders: Vec<usize> = (0..candidates.len())
        .filter(|i| candidates[*i].votes == top)
        .collect();
    let (outcome, elected) = match (outcome, leaders.as_slice()) {
        (Outcome::Passed, [one]) => (Outcome::Passed, Some(*one)),
        (Outcome::Passed, _) => (Outcome::NotPassed, None),
        (o, _) => (o, None),
    };
    Ok(ElectionResult {
        tally,
        outcome,
        elected,
    })
}

/// The list of candidates was posted early enough before the vote (Decree 59/2023 Arts 6–8):
/// at least the threshold's days before `vote_day`. Refused on `list_posted_on`.
pub fn list_posted_in_time(
    t: &Thresholds,
    posted: jiff::civil::Date,
    vote_day: jiff::civil::Date,
) -> Result<(), VoteRule> {
    if notice_satisfied(t, Notice::ElectionList, posted, vote_day) {
        Ok(())
    } else {
        refuse("vote_election_list_late", "list_posted_on")
    }
}

/// The latest day the list could have been posted for a vote on `vote_day`.
pub fn latest_list_day(t: &Thresholds, vote_day: jiff::civil::Date) -> jiff::civil::Date {
    let days = i64::from(t.get(Notice::ElectionList.key()));
    vote_day
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(vote_day)
}

/// The commune may recognise an election's result once: a counted election that passed with
/// an elected candidate, not recognised before.
pub fn recognisable(
    matter: Matter,
    status: Status,
    outcome: Option<Outcome>,
    elected: Option<ResidentId>,
    already: bool,
) -> Result<ResidentId, VoteRule> {
    if !matter.is_election() {
        return refuse("vote_not_election", "vote");
    }
    if already {
        return refuse("vote_already_recognised", "vote");
    }
    if status == Status::Open {
        return refuse("vote_still_open", "vote");
    }
    match (outcome, elected) {
        (Some(Outcome::Passed), Some(r)) => Ok(r),
        _ => refuse("vote_election_not_passed", "vote"),
    }
}

/// The commune's recognition of an election (công nhận kết quả bầu), as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RecognitionInput {
    /// The decision's number, e.g. `112/QĐ-UBND`.
    pub decision_number: String,
    /// The decision's date (`YYYY-MM-DD`); the position starts that day.
    pub decision_date: String,
}

/// A recognition, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognition {
    pub decision_number: String,
    pub decision_date: jiff::civil::Date,
}

impl Recognition {
    /// Every wrong field at once; the date is not after `today` (a decision already signed).
    pub fn parse(i: &RecognitionInput, today: jiff::civil::Date) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let number = c.check(crate::text::required(
            &i.decision_number,
            "decision_number",
            60,
        ));
        let date = c.check(
            crate::time::parse_date(Some(&i.decision_date), "decision_date").and_then(
                |d| match d {
                    None => Err(FieldError::new(
                        "decision_date",
                        FieldErrorKind::Required,
                        "",
                    )),
                    Some(d) if d > today => Err(FieldError::new(
                        "decision_date",
                        FieldErrorKind::NotAllowedHere,
                        "after today",
                    )),
                    Some(d) => Ok(d),
                },
            ),
        );
        match (number, date) {
            (Some(decision_number), Some(decision_date)) => Ok(Recognition {
                decision_number,
                decision_date,
            }),
            _ => Err(c.into_errors()),
        }
    }
}

/// Candidates as typed on the form: resident numbers and votes, row by row (blank rows
/// skipped). Every wrong field at once, named `candidate_{n}` / `votes_{n}`.
pub fn parse_candidate_rows(
    rows: &[(String, String)],
) -> Result<Vec<(ResidentId, u32)>, Vec<FieldError>> {
    const ID: [&str; MAX_CANDIDATES] = [
        "candidate_1",
        "candidate_2",
        "candidate_3",
        "candidate_4",
        "candidate_5",
    ];
    const VOTES: [&str; MAX_CANDIDATES] = ["votes_1", "votes_2", "votes_3", "votes_4", "votes_5"];
    let mut c = Checks::default();
    let mut out = Vec::new();
    for (i, (id, votes)) in rows.iter().take(MAX_CANDIDATES).enumerate() {
        if id.trim().is_empty() && votes.trim().is_empty() {
            continue;
        }
        let rid = c.check(match id.trim() {
            "" => Err(FieldError::new(ID[i], FieldErrorKind::Required, "")),
            s => s
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .map(ResidentId)
                .ok_or_else(|| FieldError::new(ID[i], FieldErrorKind::InvalidFormat, s)),
        });
        let n = c.check(super::input::count(votes, VOTES[i]));
        if let (Some(r), Some(n)) = (rid, n) {
            out.push((r, n));
        }
    }
    let errors = c.into_errors();
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
