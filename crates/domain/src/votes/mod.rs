//! Votes (biểu quyết) at a meeting and household ballots (phiếu lấy ý kiến hộ gia đình):
//! the thresholds of the law as settings, the rules that judge a count, the kinds of matter.
//! Pure types and rules; the store keeps them, the application layer applies them.

pub mod election;
mod input;
mod kinds;
pub mod rules;

pub use election::{
    check_candidates, election_outcome, latest_list_day, list_posted_in_time, position_of,
    recognisable, CandidateVotes, ElectionResult, Recognition, RecognitionInput,
};
pub use input::{
    choice as input_choice, count as input_count, Ballot, BallotInput, MeetingVote,
    MeetingVoteInput, Setting, SettingInput,
};
pub use kinds::{
    ballot_outcome, may_authorise_voter, may_cast, may_vote_for_household, meeting_outcome,
    reconcile, second_entry_by_other, Channel, Choice, Mode, NewVoteCheck, Outcome, Status,
    HOUSEHOLD_VOTER_PURPOSE,
};
pub use rules::{
    cluster_results, clusters_allowed, counting_committee, matter_passed, meeting_quorum,
    more_than, needed, notice_satisfied, online_allowed, procedural_passed, Key, Matter, Measure,
    Notice, Tally, Thresholds, VoteRule, COUNTING_COMMITTEE, COUNTING_COMMITTEE_CITATION,
};
