use jiff::civil::date;

use super::*;

fn law() -> Thresholds {
    Thresholds::default()
}

#[test]
fn quorum_exactly_half_fails_half_plus_one_household_passes() {
    let t = law();
    // Even total: 100 households.
    assert!(!meeting_quorum(&t, 50, 100));
    assert!(meeting_quorum(&t, 51, 100));
    // Odd total: 101 households; 50.5 is half, so 50 fails and 51 passes.
    assert!(!meeting_quorum(&t, 50, 101));
    assert!(meeting_quorum(&t, 51, 101));
    // Small odd unit.
    assert!(!meeting_quorum(&t, 1, 3));
    assert!(meeting_quorum(&t, 2, 3));
    // No households: never a quorum.
    assert!(!meeting_quorum(&t, 0, 0));
}

#[test]
fn matter_counts_against_all_households_not_voters() {
    let t = law();
    // 60 present, 40 agree: a majority of those present, not of the 100 households.
    assert!(!matter_passed(&t, 40, 100));
    assert!(!matter_passed(&t, 50, 100));
    assert!(matter_passed(&t, 51, 100));
    assert!(!matter_passed(&t, 2, 4));
    assert!(matter_passed(&t, 3, 4));
    assert!(matter_passed(&t, 3, 5));
    assert!(!matter_passed(&t, 2, 5));
}

#[test]
fn procedural_counts_against_those_present() {
    let t = law();
    assert!(procedural_passed(&t, 31, 60));
    assert!(!procedural_passed(&t, 30, 60));
    assert!(procedural_passed(&t, 31, 61));
    assert!(!procedural_passed(&t, 30, 61));
    assert!(!procedural_passed(&t, 0, 0));
}

#[test]
fn a_province_setting_moves_the_boundary() {
    let mut t = law();
    t.set(Key::MatterPass, 66);
    assert_eq!(t.pass_pct, 66);
    assert!(!matter_passed(&t, 66, 100));
    assert!(matter_passed(&t, 67, 100));
    assert_eq!(needed(100, 66), 67);
}

#[test]
fn needed_is_the_smallest_passing_count() {
    for whole in 1..=300u32 {
        for pct in [50, 66, 75] {
            let n = needed(whole, pct);
            assert!(more_than(n, whole, pct), "{n}/{whole} at {pct}");
            assert!(!more_than(n - 1, whole, pct), "{}/{whole} at {pct}", n - 1);
        }
    }
    assert_eq!(needed(100, 50), 51);
    assert_eq!(needed(101, 50), 51);
    assert_eq!(needed(9, 50), 5);
}

#[test]
fn clusters_from_200_households_and_their_results_add_up() {
    let t = law();
    assert!(!clusters_allowed(&t, 199));
    assert!(clusters_allowed(&t, 200));
    let sum = cluster_results(&[
        Tally {
            yes: 60,
            no: 10,
            abstain: 5,
        },
        Tally {
            yes: 50,
            no: 20,
            abstain: 0,
        },
    ]);
    assert_eq!(
        sum,
        Tally {
            yes: 110,
            no: 30,
            abstain: 5
        }
    );
    assert_eq!(sum.total(), 145);
    // 110 of 220 households is exactly half: not passed although each cluster "passed".
    assert!(!matter_passed(&t, sum.yes, 220));
    assert!(matter_passed(&t, sum.yes, 219));
}

#[test]
fn online_only_for_other_matters_chosen_unanimously_never_elections() {
    assert_eq!(
        online_allowed(Matter::HeadElection, true).unwrap_err().code,
        "vote_online_election"
    );
    assert_eq!(
        online_allowed(Matter::DeputyElection, true)
            .unwrap_err()
            .code,
        "vote_online_election"
    );
    assert_eq!(
        online_allowed(Matter::CommunityFunds, true)
            .unwrap_err()
            .code,
        "vote_online_matter"
    );
    assert_eq!(
        online_allowed(Matter::OtherSelfManagement, false)
            .unwrap_err()
            .code,
        "vote_online_not_unanimous"
    );
    assert!(online_allowed(Matter::OtherSelfManagement, true).is_ok());
}

#[test]
fn notice_periods_at_the_boundary() {
    let t = law();
    let event = date(2026, 12, 20);
    assert!(notice_satisfied(
        &t,
        Notice::YearEnd,
        date(2026, 12, 15),
        event
    ));
    assert!(!notice_satisfied(
        &t,
        Notice::YearEnd,
        date(2026, 12, 16),
        event
    ));
    assert!(notice_satisfied(
        &t,
        Notice::ElectionList,
        date(2026, 12, 13),
        event
    ));
    assert!(!notice_satisfied(
        &t,
        Notice::ElectionList,
        date(2026, 12, 14),
        event
    ));
    assert!(notice_satisfied(
        &t,
        Notice::ElectionPlan,
        date(2026, 11, 30),
        event
    ));
    assert!(!notice_satisfied(
        &t,
        Notice::ElectionPlan,
        date(2026, 12, 1),
        event
    ));
    assert!(notice_satisfied(
        &t,
        Notice::ConventionDraft,
        date(2026, 11, 20),
        event
    ));
    assert!(!notice_satisfied(
        &t,
        Notice::ConventionDraft,
        date(2026, 11, 21),
        event
    ));
    // Notice after the event never satisfies.
    assert!(!notice_satisfied(
        &t,
        Notice::YearEnd,
        date(2026, 12, 21),
        event
    ));
}

#[test]
fn counting_committee_of_three_to_five_distinct_people() {
    let names = |n: usize| (0..n).map(|i| format!("Người {i}")).collect::<Vec<_>>();
    assert_eq!(
        counting_committee(&names(2)).unwrap_err().code,
        "vote_committee_size"
    );
    assert!(counting_committee(&names(3)).is_ok());
    assert!(counting_committee(&names(5)).is_ok());
    assert_eq!(
        counting_committee(&names(6)).unwrap_err().code,
        "vote_committee_size"
    );
    let dup = vec!["An".to_string(), "Bình".to_string(), " an ".to_string()];
    assert_eq!(
        counting_committee(&dup).unwrap_err().code,
        "vote_committee_duplicate"
    );
    // Blank rows of a form are ignored, not counted.
    let blanks = vec!["An".into(), "".into(), "Bình".into(), "Chi".into()];
    assert!(counting_committee(&blanks).is_ok());
}

#[test]
fn every_key_has_a_citation_a_valid_default_and_round_trips() {
    let t = law();
    for k in Key::ALL {
        assert!(!k.citation().is_empty());
        assert!(k.valid(k.default_value()), "{k:?}");
        assert_eq!(t.get(*k), k.default_value());
        assert_eq!(Key::parse(k.as_str()), Some(*k));
    }
    assert!(!Key::MeetingQuorum.valid(100));
    assert!(!Key::MeetingQuorum.valid(0));
    assert!(!Key::YearEndNotice.valid(366));
}
