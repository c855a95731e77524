use std::collections::BTreeMap;

use super::*;

fn t() -> Thresholds {
    Thresholds::default()
}

fn tally(yes: u32, no: u32, abstain: u32) -> Tally {
    Tally { yes, no, abstain }
}

#[test]
fn a_meeting_at_exactly_half_has_no_quorum_and_goes_to_ballots() {
    let o = meeting_outcome(&t(), Mode::ShowOfHands, 40, 20, tally(20, 0, 0)).unwrap();
    assert_eq!(o, Outcome::NoQuorum);
    let o = meeting_outcome(&t(), Mode::ShowOfHands, 40, 21, tally(21, 0, 0)).unwrap();
    assert_eq!(o, Outcome::Passed);
    // 21 present, 20 agree: a majority of those present but not of all 40 households.
    let o = meeting_outcome(&t(), Mode::Secret, 40, 21, tally(20, 1, 0)).unwrap();
    assert_eq!(o, Outcome::NotPassed);
}

#[test]
fn procedural_votes_count_those_present_even_without_quorum() {
    let o = meeting_outcome(&t(), Mode::Procedural, 40, 10, tally(6, 4, 0)).unwrap();
    assert_eq!(o, Outcome::Passed);
    let o = meeting_outcome(&t(), Mode::Procedural, 40, 10, tally(5, 5, 0)).unwrap();
    assert_eq!(o, Outcome::NotPassed);
}

#[test]
fn counts_that_do_not_fit_are_refused() {
    let e = meeting_outcome(&t(), Mode::ShowOfHands, 40, 41, tally(1, 0, 0)).unwrap_err();
    assert_eq!(e.code, "vote_present_over_total");
    let e = meeting_outcome(&t(), Mode::ShowOfHands, 40, 30, tally(20, 10, 1)).unwrap_err();
    assert_eq!(e.code, "vote_count_over_present");
}

#[test]
fn ballots_pass_against_the_whole_roll() {
    assert_eq!(ballot_outcome(&t(), 10, tally(5, 0, 0)), Outcome::NotPassed);
    assert_eq!(ballot_outcome(&t(), 10, tally(6, 0, 0)), Outcome::Passed);
    assert_eq!(ballot_outcome(&t(), 11, tally(6, 5, 0)), Outcome::Passed);
}

#[test]
fn a_household_counts_once_across_channels() {
    let m = Matter::OtherSelfManagement;
    assert!(may_cast(m, false, Channel::Paper, None).is_ok());
    for already in Channel::ALL {
        for ch in [Channel::Paper, Channel::Door] {
            assert_eq!(
                may_cast(m, true, ch, Some(*already)).unwrap_err().code,
                "vote_household_counted"
            );
        }
    }
    assert_eq!(
        may_cast(Matter::HeadElection, true, Channel::Online, None)
            .unwrap_err()
            .code,
        "vote_online_election"
    );
    assert!(may_cast(m, true, Channel::Online, None).is_ok());
}

#[test]
fn double_entry_mismatch_names_the_households() {
    let a: BTreeMap<i64, Choice> = [(1, Choice::Yes), (2, Choice::No), (3, Choice::Yes)].into();
    let mut b = a.clone();
    assert_eq!(reconcile(&a, &b).unwrap().len(), 3);
    b.insert(2, Choice::Yes);
    b.remove(&3);
    b.insert(4, Choice::Abstain);
    assert_eq!(reconcile(&a, &b).unwrap_err(), vec![2, 3, 4]);
    assert_eq!(
        second_entry_by_other(Some(7), 7).unwrap_err().code,
        "vote_paper_same_person"
    );
    assert!(second_entry_by_other(Some(7), 8).is_ok());
}

#[test]
fn choices_tally() {
    let c = [Choice::Yes, Choice::Yes, Choice::No, Choice::Abstain];
    assert_eq!(Tally::from_choices(&c), tally(2, 1, 1));
}

#[test]
fn the_representative_or_an_authorised_member_votes_for_the_household() {
    assert!(may_vote_for_household(true, false).is_ok());
    assert!(may_vote_for_household(false, true).is_ok());
    let e = may_vote_for_household(false, false).unwrap_err();
    assert_eq!((e.code, e.field), ("vote_not_authorised", "household"));
    assert!(may_authorise_voter(true, false).is_ok());
    assert_eq!(
        may_authorise_voter(false, false).unwrap_err().code,
        "vote_authorise_representative_only"
    );
    assert_eq!(
        may_authorise_voter(true, true).unwrap_err().code,
        "vote_authorise_self"
    );
}
