//! The staff inbox: items of the units the actor handles with counts per state, deadline
//! badges, one item with its history, bulk acknowledgement, and whom an item may be
//! assigned to. Reads of contact details are audited.

use jiff::Timestamp;
use tuquan_domain::access::{allowed, widest_scope, Action};
use tuquan_domain::feedback::{
    role_handles_feedback, working_minutes_between, Status, WorkCalendar,
};
use tuquan_domain::page::Limit;
use tuquan_domain::{FieldErrorKind, UserId};
use tuquan_store::territory::UnitFilter;
use tuquan_store::StoreError;

use super::workflow::{step, StepInput};
use super::{
    by_code, cursor, invalid, parse_status, FeedbackEvent, FeedbackFilter, FeedbackRecord,
    GrantHolder,
};
use crate::{AppError, AppResult, Ctx};

/// At most this many items in one bulk acknowledgement.
pub const MAX_BULK: usize = 200;

/// An item by its tracking code, for staff who handle feedback of its unit.
pub async fn staff_item(ctx: &Ctx, code: &str) -> AppResult<FeedbackRecord> {
    let item = by_code(ctx, code).await?;
    ctx.authorize(Action::FeedbackHandle, Some(&item.unit_path))?;
    Ok(item)
}

/// The inbox's filters, as given.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only this unit and below (default: the widest unit you handle).
    pub unit: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// `true`: only items past a deadline.
    pub overdue: Option<String>,
    /// `true`: only items assigned to you.
    pub mine: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// One page of the inbox and how it was chosen.
pub struct InboxPage {
    pub rows: Vec<FeedbackRecord>,
    /// The cursor of the next page.
    pub next: Option<tuquan_domain::FeedbackId>,
    /// The time the overdue flags refer to (stored format).
    pub now: String,
    /// The unit whose items are listed (`None`: the whole country).
    pub scope: Option<String>,
    /// The filter without paging, for counts.
    pub filter: FeedbackFilter,
}

fn yes(v: &Option<String>) -> bool {
    matches!(
        v.as_deref().map(str::trim),
        Some("true" | "1" | "on" | "yes")
    )
}

/// The widest unit on which the actor handles feedback: `Some(None)` for a national grant,
/// `None` without any such grant.
pub fn home_scope(ctx: &Ctx) -> Option<Option<String>> {
    let who = ctx.actor.as_ref()?;
    widest_scope(&who.actor, Action::FeedbackHandle).map(|b| b.map(str::to_owned))
}

/// The staff inbox: items of the units the actor handles (or of one of them), newest
/// first, with filters. The read of contact details is audited.
pub async fn inbox(ctx: &Ctx, q: &InboxQuery) -> AppResult<InboxPage> {
    let who = ctx.who()?;
    let scope = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            let unit = match crate::territory::unit(&ctx.app, code).await {
                Ok(u) => u,
                Err(AppError::NotFound) => {
                    return Err(invalid(
                        "unit",
                        FieldErrorKind::UnknownValue,
                        "no such unit",
                    ))
                }
                Err(e) => return Err(e),
            };
            ctx.authorize(Action::FeedbackHandle, Some(&unit.path))?;
            Some(unit.path)
        }
        None => home_scope(ctx).ok_or(AppError::Forbidden)?,
    };
    let limit = Limit::parse(q.limit.as_deref())?;
    let now = tuquan_store::stamp(ctx.now);
    let filter = FeedbackFilter {
        scope_path: scope.clone(),
        status: parse_status(q.status.as_deref().unwrap_or(""))?,
        category: super::category_filter(ctx, q.category.as_deref()).await?,
        overdue_at: yes(&q.overdue).then(|| now.clone()),
        assignee_id: yes(&q.mine).then_some(who.user.id),
        before_id: cursor(q.cursor.as_deref())?,
        limit: i64::from(limit.get()) + 1,
    };
    let mut rows = ctx.store().list_feedback(&filter).await?;
    let next = super::cut_page(&mut rows, limit.get() as usize, |r| r.id);
    let path = scope.clone().unwrap_or_default();
    ctx.audit_read("feedback.inbox_viewed", "unit", path.clone(), &path)
        .await?;
    Ok(InboxPage {
        rows,
        next,
        now,
        scope,
        filter: FeedbackFilter {
            before_id: None,
            ..filter
        },
    })
}

/// How many items of the inbox's filter are in each state (its state filter ignored), in
/// workflow order.
pub async fn counts(ctx: &Ctx, filter: &FeedbackFilter) -> AppResult<Vec<(Status, i64)>> {
    let rows = ctx.store().count_feedback_by_status(filter).await?;
    Ok(Status::ALL
        .into_iter()
        .map(|s| {
            let n = rows
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map_or(0, |r| r.1);
            (s, n)
        })
        .collect())
}

/// The national work calendar (deadlines count working time).
pub async fn work_calendar(ctx: &Ctx) -> AppResult<WorkCalendar> {
    Ok(ctx.store().work_calendar().await?)
}

/// What happened to one item of a bulk acknowledgement.
#[derive(Debug)]
pub struct BulkOutcome {
    pub tracking_code: String,
    pub result: AppResult<()>,
}

/// Acknowledges each listed item through the same workflow step as one at a time, each on
/// its own: one that cannot be acknowledged (unknown, not yours, no longer new) is reported
/// and changes nothing, the others go through.
pub async fn acknowledge_many(ctx: &Ctx, codes: &[String]) -> AppResult<Vec<BulkOutcome>> {
    let mut list: Vec<String> = Vec::new();
    for c in codes {
        let c = c.trim().to_ascii_uppercase();
        if !c.is_empty() && !list.contains(&c) {
            list.push(c);
        }
    }
    if list.is_empty() {
        return Err(invalid("codes", FieldErrorKind::Required, "no item chosen"));
    }
    if list.len() > MAX_BULK {
        return Err(invalid(
            "codes",
            FieldErrorKind::OutOfRange {
                min: 1,
                max: MAX_BULK as i64,
            },
            "too many items",
        ));
    }
    let input = StepInput {
        action: "acknowledge".into(),
        ..StepInput::default()
    };
    let mut out = Vec::with_capacity(list.len());
    for code in list {
        let result = step(ctx, &code, &input).await.map(|_| ());
        out.push(BulkOutcome {
            tracking_code: code,
            result,
        });
    }
    Ok(out)
}

/// One item as the staff page shows it.
pub struct StaffView {
    pub item: FeedbackRecord,
    pub events: Vec<FeedbackEvent>,
    /// Who may be assigned it.
    pub assignees: Vec<GrantHolder>,
    pub photo_ids: Vec<tuquan_domain::feedback::PhotoId>,
    pub duplicate_of: Option<String>,
    /// "Display name (username)" of the submitter, the official who filed it, the assignee.
    pub submitter: Option<String>,
    pub filed_by: Option<String>,
    pub assignee: Option<String>,
    pub calendar: WorkCalendar,
}

/// One item with its history for staff who handle its unit; the read of its contact
/// details and address is audited.
pub async fn item(ctx: &Ctx, code: &str) -> AppResult<StaffView> {
    let item = staff_item(ctx, code).await?;
    ctx.audit_read(
        "feedback.viewed",
        "feedback",
        item.id.to_string(),
        &item.unit_path,
    )
    .await?;
    let duplicate_of = match item.duplicate_of {
        Some(id) => ctx.store().tracking_codes(&[id]).await?.pop().map(|c| c.1),
        None => None,
    };
    Ok(StaffView {
        events: ctx.store().feedback_events(item.id).await?,
        assignees: assignees(ctx, &item).await?,
        photo_ids: ctx.store().feedback_photo_ids(item.id).await?,
        duplicate_of,
        submitter: user_name(ctx, item.submitter_id).await?,
        filed_by: user_name(ctx, item.filed_by_id).await?,
        assignee: user_name(ctx, item.assignee_id).await?,
        calendar: ctx.store().work_calendar().await?,
        item,
    })
}

async fn user_name(ctx: &Ctx, id: Option<UserId>) -> AppResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    match ctx.store().user_by_id(id).await {
        Ok(u) => Ok(Some(format!("{} ({})", u.display_name, u.username))),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The accounts an item may be assigned to: those with a grant on its unit or above whose
/// role handles feedback, each once.
pub async fn assignees(ctx: &Ctx, item: &FeedbackRecord) -> AppResult<Vec<GrantHolder>> {
    let mut out: Vec<GrantHolder> = Vec::new();
    for h in ctx.store().grant_holders_over(&item.unit_path).await? {
        let handles = role_handles_feedback(h.role);
        if handles && !out.iter().any(|o| o.user_id == h.user_id) {
            out.push(h);
        }
    }
    Ok(out)
}

/// The units one may narrow the inbox to: each unit where the actor handles feedback and
/// its current children, as (code, name). `None` for a national grant (a code field
/// instead).
pub async fn unit_choices(ctx: &Ctx) -> AppResult<Option<Vec<(String, String)>>> {
    let who = ctx.who()?;
    let mut out: Vec<(String, String)> = Vec::new();
    for g in &who.actor.grants {
        if !allowed(g.role, Action::FeedbackHandle) {
            continue;
        }
        let Some(code) = &g.unit_code else {
            return Ok(None);
        };
        let unit = ctx.store().unit(code).await?.unit;
        if !out.iter().any(|(c, _)| c == &unit.code) {
            out.push((unit.code.clone(), unit.name.clone()));
        }
        let children = ctx
            .store()
            .list_units(
                &UnitFilter::ChildrenOf(code),
                None,
                Limit::parse(Some("200"))?,
            )
            .await?;
        for c in children.items {
            if !out.iter().any(|(k, _)| k == &c.unit.code) {
                out.push((
                    c.unit.code.clone(),
                    format!("{} — {}", unit.name, c.unit.name),
                ));
            }
        }
    }
    Ok(Some(out))
}

/// Which deadline a badge is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    Acknowledge,
    Resolve,
}

/// How a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineState {
    OnTime,
    /// Little working time left.
    Soon,
    Overdue,
}

/// A deadline as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub state: DeadlineState,
    /// When it falls (stored format).
    pub due_at: String,
    /// Working minutes left when not overdue; minutes (of the clock) past it when overdue.
    pub minutes: i64,
}

/// Working minutes left under which a deadline is "soon": two hours to acknowledge, one
/// working day to resolve.
fn soon_minutes(kind: DeadlineKind) -> i64 {
    match kind {
        DeadlineKind::Acknowledge => 2 * 60,
        DeadlineKind::Resolve => 8 * 60,
    }
}

fn deadline(kind: DeadlineKind, due: &str, now: Timestamp, cal: &WorkCalendar) -> Option<Deadline> {
    let at: Timestamp = due.parse().ok()?;
    let (state, minutes) = if at <= now {
        (
            DeadlineState::Overdue,
            at.duration_until(now).as_secs() / 60,
        )
    } else {
        let left = working_minutes_between(now, at, cal);
        let state = if left <= soon_minutes(kind) {
            DeadlineState::Soon
        } else {
            DeadlineState::OnTime
        };
        (state, left)
    };
    Some(Deadline {
        kind,
        state,
        due_at: due.to_owned(),
        minutes,
    })
}

/// The deadline that matters now: acknowledging a new item, resolving an open one; none
/// for a closed item.
pub fn current_deadline(
    item: &FeedbackRecord,
    now: Timestamp,
    cal: &WorkCalendar,
) -> Option<Deadline> {
    open_deadlines(item, now, cal).into_iter().next()
}

/// Every deadline still running: acknowledgement while new, resolution while open.
pub fn open_deadlines(item: &FeedbackRecord, now: Timestamp, cal: &WorkCalendar) -> Vec<Deadline> {
    let s = item.status();
    let mut out = Vec::new();
    if s == Status::New {
        out.extend(deadline(
            DeadlineKind::Acknowledge,
            &item.ack_due_at,
            now,
            cal,
        ));
    }
    if s.is_open() {
        out.extend(deadline(
            DeadlineKind::Resolve,
            &item.resolve_due_at,
            now,
            cal,
        ));
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;
    use tuquan_domain::access::Role;
    use tuquan_domain::feedback::{Level, WorkCalendar};

    fn item(status: &str, ack: &str, resolve: &str) -> FeedbackRecord {
        FeedbackRecord {
            id: tuquan_domain::FeedbackId(1),
            tracking_code: "PA-AAAAAAAA".into(),
            province_code: "79".into(),
            commune_code: "26743".into(),
            unit_code: "26743-kp01".into(),
            unit_path: "79/26743/kp01".into(),
            category: "traffic".into(),
            description: "x".into(),
            address: None,
            lat: None,
            lng: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
            submitter_id: None,
            filed_by_id: None,
            status: Status::parse(status).unwrap(),
            level: Level::Unit,
            role: Role::UnitHead,
            assignee_id: None,
            ack_due_at: ack.into(),
            resolve_due_at: resolve.into(),
            acknowledged_at: None,
            resolved_at: None,
            closed_at: None,
            escalations: 0,
            duplicate_of: None,
            referred_to: None,
            public_answer: None,
            public_summary: None,
            rating: None,
            reopen_count: 0,
            created_at: "2026-11-23T01:00:00Z".into(),
            updated_at: "2026-11-23T01:00:00Z".into(),
        }
    }

    #[test]
    fn the_deadline_that_matters_and_how_it_stands() {
        let cal = WorkCalendar::default();
        // Monday 2026-11-23 09:00 in Vietnam.
        let now: Timestamp = "2026-11-23T02:00:00Z".parse().unwrap();
        // Acknowledge by 10:00 the same morning: one working hour left, soon.
        let new = item("new", "2026-11-23T03:00:00Z", "2026-11-27T10:00:00Z");
        let d = current_deadline(&new, now, &cal).unwrap();
        assert_eq!(
            (d.kind, d.state, d.minutes),
            (DeadlineKind::Acknowledge, DeadlineState::Soon, 60)
        );
        assert_eq!(open_deadlines(&new, now, &cal).len(), 2);
        // In progress: the resolution deadline, days away.
        let open = item(
            "in_progress",
            "2026-11-20T03:00:00Z",
            "2026-11-27T10:00:00Z",
        );
        let d = current_deadline(&open, now, &cal).unwrap();
        assert_eq!(
            (d.kind, d.state),
            (DeadlineKind::Resolve, DeadlineState::OnTime)
        );
        // Past: overdue by clock minutes.
        let late = item("new", "2026-11-23T01:30:00Z", "2026-11-27T10:00:00Z");
        let d = current_deadline(&late, now, &cal).unwrap();
        assert_eq!((d.state, d.minutes), (DeadlineState::Overdue, 30));
        // Closed items have none.
        let done = item("resolved", "2026-11-20T03:00:00Z", "2026-11-21T03:00:00Z");
        assert!(current_deadline(&done, now, &cal).is_none());
        assert!(open_deadlines(&done, now, &cal).is_empty());
    }
}
