//! The kinds of votes, channels, choices and outcomes, and the rules that judge a count.

use std::collections::BTreeMap;

use super::rules::{
    matter_passed, meeting_quorum, online_allowed, procedural_passed, Matter, Tally, Thresholds,
    VoteRule,
};

use crate::code::code_enum;

code_enum!(
    /// How a vote is taken.
    Mode {
        /// Show of hands at the meeting, counted by household.
        ShowOfHands => "show_of_hands",
        /// Secret ballot at the meeting, counted by a committee of 3–5; totals only.
        Secret => "secret",
        /// A procedural vote at the meeting (secretary, method, committee): of those present.
        Procedural => "procedural",
        /// Household ballots (phiếu lấy ý kiến hộ gia đình), Law Art 19.
        Ballot => "ballot",
    }
);

code_enum!(
    /// How a household's ballot reached the count.
    Channel {
        /// Cast by the household's own account.
        Online => "online",
        /// A paper ballot, entered twice by two different people.
        Paper => "paper",
        /// Collected door to door and entered by the one who collected it.
        Door => "door",
    }
);

code_enum!(
    /// A household's answer.
    Choice {
        Yes => "yes",
        No => "no",
        Abstain => "abstain",
    }
);

code_enum!(
    /// Where a vote is in its life.
    Status {
        /// A meeting vote as counted.
        Recorded => "recorded",
        /// A ballot receiving votes.
        Open => "open",
        /// A ballot counted, its result computed.
        Closed => "closed",
        /// The result published to the unit.
        Published => "published",
    }
);

code_enum!(
    /// What the count means under the rules.
    Outcome {
        Passed => "passed",
        NotPassed => "not_passed",
        /// The meeting missed its quorum: the matter goes to household ballots (Law Art 19).
        NoQuorum => "no_quorum",
    }
);

impl Tally {
    pub fn from_choices<'a>(choices: impl IntoIterator<Item = &'a Choice>) -> Tally {
        let mut t = Tally::default();
        for c in choices {
            match c {
                Choice::Yes => t.yes += 1,
                Choice::No => t.no += 1,
                Choice::Abstain => t.abstain += 1,
            }
        }
        t
    }
}

/// The outcome of a vote at a meeting of a unit of `all_households` with `present`
/// households represented. A count that does not fit (more votes than present, more present
/// than households) is refused.
pub fn meeting_outcome(
    t: &Thresholds,
    mode: Mode,
    all_households: u32,
    present: u32,
    tally: Tally,
) -> Result<Outcome, VoteRule> {
    if present > all_households && mode != Mode::Procedural {
        return Err(VoteRule {
            code: "vote_present_over_total",
            field: "present",
        });
    }
    if tally.total() > present {
        return Err(VoteRule {
            code: "vote_count_over_present",
            field: "yes",
        });
    }
    let passed = match mode {
        Mode::Procedural => procedural_passed(t, tally.yes, present),
        _ if !meeting_quorum(t, present, all_households) => return Ok(Outcome::NoQuorum),
        _ => matter_passed(t, tally.yes, all_households),
    };
    Ok(if passed {
        Outcome::Passed
    } else {
        Outcome::NotPassed
    })
}

/// The outcome of household ballots: passed with more than the threshold of ALL households on
/// the roll agreeing (Law Art 19, 21).
pub fn ballot_outcome(t: &Thresholds, roll: u32, tally: Tally) -> Outcome {
    if matter_passed(t, tally.yes, roll) {
        Outcome::Passed
    } else {
        Outcome::NotPassed
    }
}

/// Whether a household may vote through `channel` when it has `already` voted (through any
/// channel): each household counts once across channels; online only where allowed.
pub fn may_cast(
    matter: Matter,
    online_chosen: bool,
    channel: Channel,
    already: Option<Channel>,
) -> Result<(), VoteRule> {
    if channel == Channel::Online {
        online_allowed(matter, online_chosen)?;
    }
    if already.is_some() {
        return Err(VoteRule {
            code: "vote_household_counted",
            field: "household",
        });
    }
    Ok(())
}

/// The household's vote is cast by its representative or by a member the household
/// authorised (one representative per household: Law 10/2022/QH15 Art 18; household ballots:
/// Art 19). Anyone else of the household is refused.
pub fn may_vote_for_household(is_representative: bool, authorised: bool) -> Result<(), VoteRule> {
    if is_representative || authorised {
        Ok(())
    } else {
        Err(VoteRule {
            code: "vote_not_authorised",
            field: "household",
        })
    }
}

/// A household's authorisation of a member to vote for it is given by its representative,
/// never by the member themself.
pub fn may_authorise_voter(
    actor_is_representative: bool,
    member_is_self: bool,
) -> Result<(), VoteRule> {
    if !actor_is_representative {
        return Err(VoteRule {
            code: "vote_authorise_representative_only",
            field: "member",
        });
    }
    if member_is_self {
        return Err(VoteRule {
            code: "vote_authorise_self",
            field: "member",
        });
    }
    Ok(())
}

/// The consent purpose under which a household's authorisation of a member to vote for it is
/// kept (the latest record for the member decides).
pub const HOUSEHOLD_VOTER_PURPOSE: &str = "household_vote";

/// Compares the two entries of the paper ballots (household → choice). Agreement gives the
/// votes to count; otherwise the households where they differ (a missing row counts as a
/// difference), which block the result until resolved.
pub fn reconcile<K: Ord + Copy>(
    first: &BTreeMap<K, Choice>,
    second: &BTreeMap<K, Choice>,
) -> Result<Vec<(K, Choice)>, Vec<K>> {
    let mut diff: Vec<K> = first
        .iter()
        .filter(|(h, c)| second.get(h) != Some(c))
        .map(|(h, _)| *h)
        .chain(second.keys().filter(|h| !first.contains_key(h)).copied())
        .collect();
    diff.sort_unstable();
    diff.dedup();
    if diff.is_empty() {
        Ok(first.iter().map(|(h, c)| (*h, *c)).collect())
    } else {
        Err(diff)
    }
}

/// The second paper entry is made by someone other than the first.
pub fn second_entry_by_other<T: PartialEq>(first_by: Option<T>, by: T) -> Result<(), VoteRule> {
    if first_by == Some(by) {
        return Err(VoteRule {
            code: "vote_paper_same_person",
            field: "entry",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;

/// Checks on a vote's life.
pub struct NewVoteCheck;

impl NewVoteCheck {
    /// Only a meeting vote that missed its quorum goes to household ballots (Law Art 19).
    pub fn from_no_quorum(outcome: Option<Outcome>) -> Result<(), VoteRule> {
        if outcome != Some(Outcome::NoQuorum) {
            return Err(VoteRule {
                code: "vote_had_quorum",
                field: "vote",
            });
        }
        Ok(())
    }

    /// Only a counted vote (a meeting's, or a closed ballot) is published, once.
    pub fn publishable(status: Status) -> Result<(), VoteRule> {
        match status {
            Status::Recorded | Status::Closed => Ok(()),
            Status::Open => Err(VoteRule {
                code: "vote_still_open",
                field: "vote",
            }),
            Status::Published => Err(VoteRule {
                code: "vote_already_published",
                field: "vote",
            }),
        }
    }
}
