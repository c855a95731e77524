use super::*;
use crate::votes::rules::Thresholds;

fn c(id: i64, votes: u32) -> CandidateVotes {
    CandidateVotes {
        resident_id: ResidentId(id),
        votes,
    }
}

fn day(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

#[test]
fn an_election_names_one_to_five_different_candidates() {
    let r = |n: i64| ResidentId(n);
    assert!(check_candidates(Matter::HeadElection, &[r(1)]).is_ok());
    assert_eq!(
        check_candidates(Matter::HeadElection, &[])
            .unwrap_err()
            .code,
        "vote_election_candidates"
    );
    let six: Vec<_> = (1..=6).map(r).collect();
    assert_eq!(
        check_candidates(Matter::DeputyElection, &six)
            .unwrap_err()
            .code,
        "vote_election_candidates"
    );
    assert_eq!(
        check_candidates(Matter::HeadElection, &[r(1), r(1)])
            .unwrap_err()
            .code,
        "vote_candidate_twice"
    );
    assert_eq!(
        check_candidates(Matter::Contribution, &[r(1)])
            .unwrap_err()
            .field,
        "candidates"
    );
    assert!(check_candidates(Matter::Contribution, &[]).is_ok());
}

#[test]
fn the_elected_needs_more_than_half_of_all_households_and_the_most_votes() {
    let t = Thresholds::default();
    // 100 households, 80 present: 51 for the first candidate elects them; 50 does not.
    let r = election_outcome(
        &t,
        Mode::ShowOfHands,
        100,
        80,
        &[c(1, 51), c(2, 20)],
        Tally::default(),
    )
    .unwrap();
    assert_eq!((r.outcome, r.elected), (Outcome::Passed, Some(0)));
    assert_eq!(
        r.tally,
        Tally {
            yes: 51,
            no: 20,
            abstain: 0
        }
    );
    let r = election_outcome(
        &t,
        Mode::Secret,
        100,
        80,
        &[c(1, 50), c(2, 30)],
        Tally::default(),
    )
    .unwrap();
    assert_eq!((r.outcome, r.elected), (Outcome::NotPassed, None));
    // One candidate: their votes against those typed against and abstaining.
    let typed = Tally {
        yes: 0,
        no: 10,
        abstain: 5,
    };
    let r = election_outcome(&t, Mode::ShowOfHands, 100, 70, &[c(7, 55)], typed).unwrap();
    assert_eq!((r.outcome, r.elected), (Outcome::Passed, Some(0)));
}

#[test]
fn an_election_without_quorum_or_with_too_many_votes_elects_nobody() {
    let t = Thresholds::default();
    let r = election_outcome(
        &t,
        Mode::ShowOfHands,
        100,
        50,
        &[c(1, 50)],
        Tally::default(),
    )
    .unwrap();
    assert_eq!((r.outcome, r.elected), (Outcome::NoQuorum, None));
    let e = election_outcome(
        &t,
        Mode::ShowOfHands,
        100,
        60,
        &[c(1, 40), c(2, 30)],
        Tally::default(),
    )
    .unwrap_err();
    assert_eq!((e.code, e.field), ("vote_count_over_present", "candidates"));
    let e =
        election_outcome(&t, Mode::Procedural, 100, 60, &[c(1, 40)], Tally::default()).unwrap_err();
    assert_eq!(e.field, "mode");
}

#[test]
fn the_list_is_posted_seven_days_before_the_vote() {
    let t = Thresholds::default();
    assert!(list_posted_in_time(&t, day("2026-12-13"), day("2026-12-20")).is_ok());
    let e = list_posted_in_time(&t, day("2026-12-14"), day("2026-12-20")).unwrap_err();
    assert_eq!(
        (e.code, e.field),
        ("vote_election_list_late", "list_posted_on")
    );
    assert_eq!(latest_list_day(&t, day("2026-12-20")), day("2026-12-13"));
}

#[test]
fn a_result_is_recognised_once_and_only_when_someone_was_elected() {
    let who = Some(ResidentId(3));
    let passed = Some(Outcome::Passed);
    assert_eq!(
        recognisable(Matter::HeadElection, Status::Recorded, passed, who, false),
        Ok(ResidentId(3))
    );
    let code = |r: Result<ResidentId, VoteRule>| r.unwrap_err().code;
    assert_eq!(
        code(recognisable(
            Matter::HeadElection,
            Status::Recorded,
            passed,
            who,
            true
        )),
        "vote_already_recognised"
    );
    assert_eq!(
        code(recognisable(
            Matter::HeadElection,
            Status::Recorded,
            Some(Outcome::NotPassed),
            None,
            false
        )),
        "vote_election_not_passed"
    );
    assert_eq!(
        code(recognisable(
            Matter::HeadElection,
            Status::Open,
            None,
            who,
            false
        )),
        "vote_still_open"
    );
    assert_eq!(
        code(recognisable(
            Matter::Contribution,
            Status::Recorded,
            passed,
            who,
            false
        )),
        "vote_not_election"
    );
}

#[test]
fn a_recognition_names_every_wrong_field() {
    let today = day("2026-11-30");
    let e = Recognition::parse(
        &RecognitionInput {
            decision_number: " ".into(),
            decision_date: "2026-12-01".into(),
        },
        today,
    )
    .unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["decision_number", "decision_date"]);
    let ok = Recognition::parse(
        &RecognitionInput {
            decision_number: "112/QĐ-UBND".into(),
            decision_date: "2026-11-30".into(),
        },
        today,
    )
    .unwrap();
    assert_eq!(ok.decision_date, today);
}

#[test]
fn candidate_rows_name_their_own_fields() {
    let rows = vec![
        ("12".to_owned(), "40".to_owned()),
        (String::new(), String::new()),
        ("x".to_owned(), "-1".to_owned()),
    ];
    let e = parse_candidate_rows(&rows).unwrap_err();
    let fields: Vec<_> = e.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["candidate_3", "votes_3"]);
    assert_eq!(
        parse_candidate_rows(&rows[..2]).unwrap(),
        vec![(ResidentId(12), 40)]
    );
}
