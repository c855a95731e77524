//! Meetings of a unit or of a group: scheduling (with the invitation sent through the
//! announcements), holding and cancelling; the roll, the sign-in sheet and attendance
//! (`attendance`); the minutes (`minutes`). Each use case loads its target, authorizes on the
//! meeting's unit, applies the domain's rules and writes through the store, which audits in
//! the same transaction.

use tuquan_domain::access::Action;
use tuquan_domain::meetings::{MeetingRule, MeetingStatus, NewMeeting, NewMeetingInput};
use tuquan_domain::territory::Unit;
use tuquan_domain::MeetingId;
use tuquan_store::meetings::MeetingCursor;

use crate::{AppError, AppResult, Ctx};

mod attendance;
mod demo;
mod invitation;
mod minutes;
mod sheet;

pub use attendance::{
    attendance, presence_for_vote, record, record_with_proxy, unrecord, AttendanceView, Presence,
    Quorum, RollRow, PROXY_FIELD,
};
pub use demo::seed_demo;
pub use minutes::*;
pub use sheet::{minutes_document, sign_in_sheet};
mod notice;
pub use notice::{scheduling_rules, SchedulingRules};

pub use tuquan_store::meetings::{AgendaRecord, MeetingRecord};

impl From<MeetingRule> for AppError {
    fn from(r: MeetingRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// The action that manages a meeting: a unit's, or one of its groups'.
fn manage_action(group: bool) -> Action {
    if group {
        Action::GroupMeetingManage
    } else {
        Action::MeetingManage
    }
}

/// Loads a meeting and checks the actor may manage it.
pub(crate) async fn load_to_manage(ctx: &Ctx, id: MeetingId) -> AppResult<MeetingRecord> {
    let m = ctx.store().meeting(id).await?;
    ctx.authorize(manage_action(m.group_id.is_some()), Some(&m.unit_path))?;
    Ok(m)
}

/// Loads a meeting and checks the actor may see it.
pub(crate) async fn load_to_view(ctx: &Ctx, id: MeetingId) -> AppResult<MeetingRecord> {
    let m = ctx.store().meeting(id).await?;
    ctx.authorize(Action::MeetingView, Some(&m.unit_path))?;
    Ok(m)
}

/// Whether the actor may manage this meeting (to show the buttons).
pub fn may_manage(ctx: &Ctx, m: &MeetingRecord) -> bool {
    ctx.authorize(manage_action(m.group_id.is_some()), Some(&m.unit_path))
        .is_ok()
}

/// Whether the actor may schedule meetings at the unit.
pub fn may_schedule(ctx: &Ctx, unit: &Unit) -> bool {
    ctx.authorize(Action::MeetingManage, Some(&unit.path))
        .is_ok()
        || ctx
            .authorize(Action::GroupMeetingManage, Some(&unit.path))
            .is_ok()
}

/// Schedules a meeting at the unit `unit_code` (or of one of its groups) and sends the
/// invitation to its households through the announcements. Returns the id.
pub async fn create(ctx: &Ctx, unit_code: &str, input: &NewMeetingInput) -> AppResult<MeetingId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(manage_action(input.group_id.is_some()), Some(&unit.path))?;
    let m = NewMeeting::parse(input)?;
    if let Some(g) = m.group_id {
        let today = ctx.today().to_string();
        let group = ctx.store().group(g, &today).await.map_err(|e| match e {
            tuquan_store::StoreError::NotFound => {
                AppError::rule("meeting_group_elsewhere", "group_id", "no such group")
            }
            e => e.into(),
        })?;
        let units = ctx.store().group_units(g).await?;
        if group.unit_code != unit.code && !units.iter().any(|u| u.unit_code == unit.code) {
            return Err(AppError::rule(
                "meeting_group_elsewhere",
                "group_id",
                "other unit",
            ));
        }
    }
    MeetingRule::schedule(m.date, ctx.today())?;
    notice::check(ctx, &unit, &m).await?;
    let id = ctx
        .store()
        .create_meeting(&unit, &m, &ctx.audit_ctx())
        .await?;
    crate::action_items::carry_over(ctx, &unit.code, id).await?;
    let record = ctx.store().meeting(id).await?;
    if let Err(e) = invitation::send(ctx, &unit, &record).await {
        // The meeting stands; its page offers to send the invitation again.
        tracing::warn!(meeting = %id, error = %e, "meeting invitation not sent");
    }
    Ok(id)
}

/// Sends (again) the invitation of a planned meeting that has none.
pub async fn invite(ctx: &Ctx, id: MeetingId) -> AppResult<i64> {
    let m = load_to_manage(ctx, id).await?;
    MeetingRule::change(m.status)?;
    if let Some(a) = m.announcement_id {
        return Err(AppError::Conflict {
            field: "announcement_id",
        })
        .map(|_: ()| a);
    }
    let unit = crate::territory::unit(&ctx.app, &m.unit_code).await?;
    invitation::send(ctx, &unit, &m).await
}

/// A meeting and its agenda.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub meeting: MeetingRecord,
    pub agenda: Vec<AgendaRecord>,
    pub may_manage: bool,
}

/// One meeting with its agenda.
pub async fn get(ctx: &Ctx, id: MeetingId) -> AppResult<MeetingView> {
    let meeting = load_to_view(ctx, id).await?;
    let agenda = ctx.store().meeting_agenda(id).await?;
    let may_manage = may_manage(ctx, &meeting);
    Ok(MeetingView {
        meeting,
        agenda,
        may_manage,
    })
}

/// A page of a unit's meetings, newest first, and the cursor of the next page.
#[derive(Debug, Clone)]
pub struct MeetingPage {
    pub unit: Unit,
    pub items: Vec<MeetingRecord>,
    pub next_cursor: Option<String>,
    pub may_schedule: bool,
}

fn parse_cursor(raw: &str) -> AppResult<MeetingCursor> {
    let bad = || {
        AppError::Invalid(tuquan_domain::FieldError::new(
            "cursor",
            tuquan_domain::FieldErrorKind::InvalidFormat,
            "malformed cursor",
        ))
    };
    let mut parts = raw.split('_');
    let (Some(date), Some(time), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let date: jiff::civil::Date = date.parse().map_err(|_| bad())?;
    let time = tuquan_domain::meetings::parse_time(time, "cursor").map_err(|_| bad())?;
    Ok(MeetingCursor {
        date: date.to_string(),
        time: time.strftime("%H:%M").to_string(),
        id: id.parse().map_err(|_| bad())?,
    })
}

/// A unit's meetings, `limit` (1–200, default 50) at a time.
pub async fn list_for_unit(
    ctx: &Ctx,
    unit_code: &str,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> AppResult<MeetingPage> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::MeetingView, Some(&unit.path))?;
    let limit = tuquan_domain::page::Limit::parse(limit)?.get() as usize;
    let after = cursor
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(parse_cursor)
        .transpose()?;
    let mut items = ctx
        .store()
        .meetings_of_unit(&unit.code, after.as_ref(), limit as i64 + 1)
        .await?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items
            .last()
            .map(|m| format!("{}_{}_{}", m.meeting_date, m.meeting_time, m.id))
    } else {
        None
    };
    let may_schedule = may_schedule(ctx, &unit);
    Ok(MeetingPage {
        unit,
        items,
        next_cursor,
        may_schedule,
    })
}

/// Marks a planned meeting held, on or after its day.
pub async fn hold(ctx: &Ctx, id: MeetingId) -> AppResult<()> {
    let m = load_to_manage(ctx, id).await?;
    MeetingRule::change(m.status)?;
    let date: jiff::civil::Date = m
        .meeting_date
        .parse()
        .map_err(|_| AppError::Internal("a stored meeting date".into()))?;
    MeetingRule::hold(date, ctx.today())?;
    ctx.store()
        .set_meeting_status(&m, MeetingStatus::Held, None, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// Cancels a planned meeting, with a reason.
pub async fn cancel(ctx: &Ctx, id: MeetingId, reason: &str) -> AppResult<()> {
    let m = load_to_manage(ctx, id).await?;
    MeetingRule::change(m.status)?;
    let reason = tuquan_domain::text::required(reason, "reason", 500)?;
    ctx.store()
        .set_meeting_status(
            &m,
            MeetingStatus::Cancelled,
            Some(&reason),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}
