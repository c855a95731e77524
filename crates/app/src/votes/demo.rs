//! The demo's votes (issue #15, "Done means"): Khu phố 1's head records a show of hands on
//! contributions to repair the alley that misses the quorum, sends the matter to household
//! ballots, enters the paper ballots (the deputy enters them a second time), a few households
//! vote door to door, the ballot is closed and the result published; a second ballot on the
//! alley gate's hours stays open, with online voting, for the demo resident to try. A khu
//! phố without a head elects one at its meeting (the list posted ten days before), and the
//! commune recognises the result: the elected resident holds the head's position.

use crate::access::as_user;
use crate::{App, AppResult};
use tuquan_domain::votes::{BallotInput, MeetingVoteInput, RecognitionInput};

/// Seeds the demo votes in `{commune}-kp01`.
pub async fn seed_demo(app: &App, commune: &str) -> AppResult<()> {
    let kp = format!("{commune}-kp01");
    let head = as_user(app, "totruong.kp01").await?;
    let deputy = as_user(app, "topho.kp01").await?;
    let unit = crate::territory::unit(app, &kp).await?;
    let all = app.store().active_households_below(&unit.path).await?;
    let present = all / 2;
    let vote = MeetingVoteInput {
        title: "Đóng góp kinh phí sửa chữa, nâng cấp hẻm 42".into(),
        matter: "contribution".into(),
        mode: "show_of_hands".into(),
        present: present.to_string(),
        yes: present.saturating_sub(2).to_string(),
        no: "1".into(),
        abstain: "1".into(),
        ..Default::default()
    };
    let vote_id = super::record_meeting_vote(&head, &kp, &vote).await?;
    let ballot = super::ballot_from_vote(&head, vote_id).await?;
    let (_, roll) = super::roll(&head, ballot).await?;
    // Most households answer on paper; a few are visited door to door.
    let pattern = ["yes", "yes", "yes", "no", "yes", "abstain", "yes", ""];
    let (door, paper) = roll.split_at(roll.len().min(3));
    for (h, choice) in door.iter().zip(["yes", "yes", "no"]) {
        super::cast_for(&deputy, ballot, h.household_id, choice).await?;
    }
    let rows: Vec<(tuquan_domain::HouseholdId, String)> = paper
        .iter()
        .enumerate()
        .map(|(i, h)| (h.household_id, pattern[i % pattern.len()].to_owned()))
        .collect();
    super::enter_paper(&head, ballot, 1, &rows).await?;
    super::enter_paper(&deputy, ballot, 2, &rows).await?;
    super::close_ballot(&head, ballot).await?;
    super::publish(&head, ballot).await?;
    // An open ballot with online voting, for the demo resident.
    let open = BallotInput {
        title: "Giờ đóng cổng hẻm 42 ban đêm (22 giờ)".into(),
        matter: "other".into(),
        online: true,
        ..BallotInput::default()
    };
    super::open_ballot(&head, &kp, &open).await?;
    seed_election(app, commune).await
}

/// A khu phố the other demos leave alone: not Khu phố 1, not those the groups tests give a
/// leadership (3, 5, 6), not the three smallest the restructuring demo merges nor the
/// largest it splits.
async fn quiet_khu_pho(official: &crate::Ctx, commune: &str) -> AppResult<Option<String>> {
    let kps = crate::access::demo_khu_pho_by_size(official, commune).await?;
    let n = kps.len();
    let busy = ["kp01", "kp03", "kp05", "kp06"].map(|k| format!("{commune}-{k}"));
    Ok(kps
        .iter()
        .enumerate()
        .filter(|(i, r)| *i >= 3 && *i + 1 < n && !busy.contains(&r.unit.code))
        .map(|(_, r)| r.unit.code.clone())
        .min())
}

/// The election of a khu phố's head at its meeting, recognised by the commune.
async fn seed_election(app: &App, commune: &str) -> AppResult<()> {
    let official = as_user(app, "canbo.benthanh").await?;
    let Some(code) = quiet_khu_pho(&official, commune).await? else {
        return Ok(());
    };
    let unit = crate::territory::unit(app, &code).await?;
    let today = official.today();
    let people = app
        .store()
        .residents_in(&unit, &Default::default(), None, 200)
        .await?;
    let Some(candidate) = people.iter().find(|r| {
        r.birth_date
            .parse::<jiff::civil::Date>()
            .is_ok_and(|b| (30..=60).contains(&tuquan_domain::people::age_on(b, today)))
    }) else {
        return Ok(());
    };
    let all = app.store().active_households_below(&unit.path).await?;
    let yes = all / 2 + 1;
    let posted = today
        .checked_sub(jiff::Span::new().days(10))
        .unwrap_or(today);
    let vote = MeetingVoteInput {
        title: format!("Bầu trưởng {} nhiệm kỳ 2026–2031", unit.name),
        matter: "head_election".into(),
        mode: "show_of_hands".into(),
        present: all.to_string(),
        no: (all - yes).to_string(),
        candidates: vec![(candidate.id.to_string(), yes.to_string())],
        list_posted_on: posted.to_string(),
        ..Default::default()
    };
    let id = super::record_meeting_vote(&official, &code, &vote).await?;
    let decision = RecognitionInput {
        decision_number: "135/QĐ-UBND".into(),
        decision_date: today.to_string(),
    };
    super::recognise(&official, id, &decision).await?;
    super::publish(&official, id).await
}
