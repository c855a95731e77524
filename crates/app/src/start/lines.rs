//! The lines of the start page, one small function each. A line is shown only where the
//! actor may do what it leads to (the domain's `authorize` on the card's unit); its count is
//! what the page it leads to shows. To add an area's line: write one function here and call
//! it from [`unit_lines`] (or [`own_lines`] when it does not depend on a unit).

use jiff::ToSpan;
use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::stats::Population;
use tuquan_domain::feedback::Status;
use tuquan_domain::territory::Unit;
use tuquan_store::feedback::FeedbackFilter;

use super::Line;
use crate::{AppResult, Ctx};

/// A group head's term ending within this many days counts as "ending soon".
pub const TERM_ENDING_DAYS: i64 = 90;

/// Every line of a unit's card (`None`: the country), in the order shown.
pub async fn unit_lines(ctx: &Ctx, unit: Option<&Unit>, pop: &Population) -> AppResult<Vec<Line>> {
    let mut out = Vec::new();
    out.extend(households(ctx, unit, pop));
    out.extend(residents(ctx, unit, pop));
    out.extend(feedback_open(ctx, unit).await?);
    out.extend(feedback_overdue(ctx, unit).await?);
    out.extend(groups(ctx, unit).await?);
    out.extend(regulations_to_resign(ctx, unit).await?);
    out.extend(announcements_waiting(ctx, unit).await?);
    out.extend(erasures_waiting(ctx, unit).await?);
    out.extend(meetings_week(ctx, unit).await?);
    out.extend(minutes_to_finalise(ctx, unit).await?);
    out.extend(action_items_due(ctx, unit).await?);
    out.extend(votes_waiting(ctx, unit).await?);
    out.extend(consultations_open(ctx, unit).await?);
    out.extend(crate::restructuring::schemes::start_line(ctx, unit).await?);
    out.extend(crate::restructuring::beats::missing_line(ctx, unit).await?);
    Ok(out)
}

/// Lines for the person whatever their units.
pub fn own_lines(ctx: &Ctx) -> Vec<Line> {
    let mut out = vec![Line::link("start.send_feedback", "/feedback/new".into())];
    if ctx.actor.is_some() {
        out.push(Line::link("start.account", "/account".into()));
    }
    out
}

/// Whether the actor may do `action` on `unit` (`None`: the whole country).
fn may(ctx: &Ctx, action: Action, unit: Option<&Unit>) -> bool {
    ctx.actor
        .as_ref()
        .is_some_and(|w| authorize(&w.actor, action, unit.map(|u| u.path.as_str())).is_ok())
}

fn households(ctx: &Ctx, unit: Option<&Unit>, pop: &Population) -> Option<Line> {
    let u = unit.filter(|u| may(ctx, Action::HouseholdView, Some(u)))?;
    Some(Line::count(
        "start.households",
        pop.households,
        format!("/territory/{}/households", u.code),
    ))
}

fn residents(ctx: &Ctx, unit: Option<&Unit>, pop: &Population) -> Option<Line> {
    let u = unit.filter(|u| may(ctx, Action::HouseholdView, Some(u)))?;
    Some(Line::count(
        "start.residents",
        pop.residents,
        format!("/territory/{}/residents", u.code),
    ))
}

/// The inbox's filter over the unit's subtree.
fn feedback_filter(unit: Option<&Unit>) -> FeedbackFilter {
    FeedbackFilter {
        scope_path: unit.map(|u| u.path.clone()),
        status: None,
        category: None,
        overdue_at: None,
        assignee_id: None,
        before_id: None,
        limit: 0,
    }
}

/// Unit codes are ASCII digits, letters and `-`: safe in a query as they are.
fn inbox_href(unit: Option<&Unit>, overdue: bool) -> String {
    let mut q: Vec<String> = Vec::new();
    if let Some(u) = unit {
        q.push(format!("unit={}", u.code));
    }
    if overdue {
        q.push("overdue=true".into());
    }
    if q.is_empty() {
        "/feedback/inbox".into()
    } else {
        format!("/feedback/inbox?{}", q.join("&"))
    }
}

/// Open items (new, acknowledged, in progress) of the subtree, as the inbox counts them.
async fn feedback_open(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    if !may(ctx, Action::FeedbackHandle, unit) {
        return Ok(None);
    }
    let counts = ctx
        .store()
        .count_feedback_by_status(&feedback_filter(unit))
        .await?;
    let open = counts
        .iter()
        .filter(|(s, _)| Status::parse(s).is_some_and(Status::is_open))
        .map(|(_, n)| n)
        .sum();
    Ok(Some(Line::waiting(
        "start.feedback_open",
        open,
        inbox_href(unit, false),
    )))
}

/// Items past a deadline now, as the inbox's "overdue" filter finds them.
async fn feedback_overdue(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    if !may(ctx, Action::FeedbackHandle, unit) {
        return Ok(None);
    }
    let filter = FeedbackFilter {
        overdue_at: Some(tuquan_store::stamp(ctx.now)),
        ..feedback_filter(unit)
    };
    let overdue = ctx
        .store()
        .count_feedback_by_status(&filter)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    Ok(Some(Line::waiting(
        "start.feedback_overdue",
        overdue,
        inbox_href(unit, true),
    )))
}

/// The groups page, and the active groups without a head or whose head's term ends soon.
async fn groups(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Vec<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::GroupView, Some(u))) else {
        return Ok(Vec::new());
    };
    let today = ctx.today();
    let horizon = today
        .checked_add(TERM_ENDING_DAYS.days())
        .unwrap_or(today)
        .to_string();
    let health = ctx
        .store()
        .group_health_in(&u.path, &today.to_string(), &horizon)
        .await?;
    let href = format!("/territory/{}/groups", u.code);
    Ok(vec![
        Line::link("start.groups", href.clone()),
        Line::waiting(
            "start.groups_without_head",
            health.without_head,
            href.clone(),
        ),
        Line::waiting("start.groups_term_ending", health.term_ending, href),
    ])
}

/// Coordination regulations to sign again after a restructuring changed their unit, for
/// those who sign them (the unit's head, the commune's officials); shown only when some wait.
async fn regulations_to_resign(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::RegulationManage, Some(u))) else {
        return Ok(None);
    };
    let n = ctx.store().regulations_to_resign_in(u).await?.len();
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(Line::waiting(
        "start.regulations_resign",
        i64::try_from(n).unwrap_or(i64::MAX),
        format!("/territory/{}/groups#resign", u.code),
    )))
}

/// Announcements that reached the subtree and wait to be passed on.
async fn announcements_waiting(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::AnnouncementPassOn, Some(u))) else {
        return Ok(None);
    };
    let n = ctx.store().waiting_pass_on(&u.path).await?.len() as i64;
    Ok(Some(Line::waiting(
        "start.announcements_waiting",
        n,
        format!("/territory/{}/announcements", u.code),
    )))
}

/// Erasure requests of the subtree waiting for a decision.
async fn erasures_waiting(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::ErasureApprove, Some(u))) else {
        return Ok(None);
    };
    let n = ctx.store().pending_erasures_in(u).await?.len() as i64;
    Ok(Some(Line::waiting(
        "start.erasures_waiting",
        n,
        format!("/erasure-requests?unit={}", u.code),
    )))
}

/// Planned meetings of the unit in the next 7 days (the unit's meetings page lists them).
async fn meetings_week(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::MeetingView, Some(u))) else {
        return Ok(None);
    };
    let today = ctx.today();
    let to = today.saturating_add(7.days());
    let n = ctx
        .store()
        .planned_meetings_between(&u.code, &today.to_string(), &to.to_string())
        .await?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(Line::count(
        "start.meetings_week",
        n,
        format!("/territory/{}/meetings", u.code),
    )))
}

/// Held meetings of the unit whose minutes are not finalised yet.
async fn minutes_to_finalise(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| {
        may(ctx, Action::MeetingManage, Some(u)) || may(ctx, Action::GroupMeetingManage, Some(u))
    }) else {
        return Ok(None);
    };
    let n = ctx.store().minutes_to_finalise(&u.code).await?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(Line::waiting(
        "start.minutes_to_finalise",
        n,
        format!("/territory/{}/meetings", u.code),
    )))
}

/// Action items of the subtree overdue, and due within a week (the head's view).
async fn action_items_due(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Vec<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::ActionItemManage, Some(u))) else {
        return Ok(Vec::new());
    };
    let (overdue, soon) = crate::action_items::due_counts(ctx, Some(&u.path)).await?;
    let href = |s: &str| format!("/territory/{}/action-items?status={s}", u.code);
    Ok(vec![
        Line::waiting("start.action_items_overdue", overdue, href("overdue")),
        Line::count("start.action_items_due_week", soon, href("pending")),
    ])
}

/// The signed-in person's own action items overdue and due within a week; shown only when
/// there are some (most people owe none).
pub async fn my_action_items(ctx: &Ctx) -> AppResult<Vec<Line>> {
    if ctx.actor.is_none() {
        return Ok(Vec::new());
    }
    let (overdue, soon) = crate::action_items::due_counts(ctx, None).await?;
    let mut out = Vec::new();
    if overdue > 0 {
        out.push(Line::waiting(
            "start.my_action_items_overdue",
            overdue,
            "/action-items/mine".into(),
        ));
    }
    if soon > 0 {
        out.push(Line::count(
            "start.my_action_items_due_week",
            soon,
            "/action-items/mine".into(),
        ));
    }
    Ok(out)
}

/// Household ballots of the subtree still open (votes to enter), and those whose two paper
/// entries disagree (a mismatch to resolve); both link to the unit's votes.
async fn votes_waiting(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Vec<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::VoteCount, Some(u))) else {
        return Ok(Vec::new());
    };
    let (open, mismatched) = ctx.store().ballots_waiting(&u.path).await?;
    let href = format!("/territory/{}/votes", u.code);
    Ok(vec![
        Line::waiting("start.votes_open", open, href.clone()),
        Line::waiting("start.votes_mismatch", mismatched, href),
    ])
}

/// Consultations open in the subtree: how many households have commented so far (shown
/// only while one is open).
async fn consultations_open(ctx: &Ctx, unit: Option<&Unit>) -> AppResult<Option<Line>> {
    let Some(u) = unit.filter(|u| may(ctx, Action::ConsultationView, Some(u))) else {
        return Ok(None);
    };
    let open = ctx.store().open_consultations_below(&u.path).await?;
    if open.is_empty() {
        return Ok(None);
    }
    let households = open.iter().map(|(_, _, n)| n).sum();
    let href = match open.as_slice() {
        [(id, _, _)] => format!("/consultations/{id}"),
        _ => format!("/territory/{}/consultations", u.code),
    };
    Ok(Some(Line::count(
        "start.consultations_open",
        households,
        href,
    )))
}
