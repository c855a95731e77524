//! The demo's votes (issue #15, "Done means"): Khu phố 1's head records a show of hands on
//! contributions to repair the alley that misses the quorum, sends the matter to household
//! ballots, enters the paper ballots (the deputy enters them a second time), a few households
//! vote door to door, the ballot is closed and the result published; a second ballot on the
//! alley gate's hours stays open, with online voting, for the demo resident to try.

use crate::access::as_user;
use crate::{App, AppResult};
use tuquan_domain::votes::{BallotInput, MeetingVoteInput};

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
    let rows: Vec<(i64, String)> = paper
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
    Ok(())
}
