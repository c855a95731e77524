//! Staff services shared by the inbox pages and the JSON API: the inbox query with its counts
//! per state, deadline badges, bulk acknowledgement, whom an item may be assigned to, and a
//! commune's settings (categories, routing) and the national work calendar. Each makes the
//! one authorization check on the unit it acts on; the store audits every change.

use jiff::civil::{Date, Weekday};
use jiff::Timestamp;
use tuquan_domain::access::{allowed, Action, Role};
use tuquan_domain::feedback::{working_minutes_between, Category, CategoryInput, Level, Status};
use tuquan_domain::page::Limit;
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::feedback::{FeedbackFilter, FeedbackRecord, GrantHolder};

use crate::api::feedback::InboxQuery;
use crate::auth::{Authenticated, Can, Capability, FeedbackConfigure, FeedbackHandle, RequestCtx};
use crate::error::Failure;
use crate::AppState;

use super::StepInput;

/// At most this many items in one bulk acknowledgement.
pub const MAX_BULK: usize = 200;

fn invalid(field: &'static str, kind: FieldErrorKind, detail: &str) -> Failure {
    FieldError::new(field, kind, detail).into()
}

/// An item by its tracking code, for staff who handle feedback of its unit.
pub async fn staff_item(
    state: &AppState,
    can: &Can<FeedbackHandle>,
    code: &str,
) -> Result<FeedbackRecord, Failure> {
    let item = crate::api::feedback::by_code(state, code).await?;
    can.check(Some(&item.unit_path))?;
    Ok(item)
}

/// One page of the inbox and how it was chosen.
pub struct InboxPage {
    pub rows: Vec<FeedbackRecord>,
    /// The cursor of the next page.
    pub next: Option<i64>,
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

fn cursor(raw: &Option<String>) -> Result<Option<i64>, Failure> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(c) => c
            .parse()
            .map(Some)
            .map_err(|_| invalid("cursor", FieldErrorKind::InvalidFormat, "malformed cursor")),
    }
}

/// The staff inbox: items of the units the caller handles (or of one of them), newest
/// first, with filters. The read of contact details is audited.
pub async fn inbox(
    state: &AppState,
    can: &Can<FeedbackHandle>,
    rc: &RequestCtx,
    q: &InboxQuery,
) -> Result<InboxPage, Failure> {
    let scope = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            let unit = crate::api::territory::load_unit_for(state, code)
                .await
                .map_err(|_| invalid("unit", FieldErrorKind::UnknownValue, "no such unit"))?;
            can.check(Some(&unit.path))?;
            Some(unit.path)
        }
        None => match can.home_scope() {
            Some(None) => None,
            Some(Some(p)) => Some(p.to_owned()),
            None => return Err(Failure::Forbidden),
        },
    };
    let limit = Limit::parse(q.limit.as_deref())?;
    let now = tuquan_store::now();
    let filter = FeedbackFilter {
        scope_path: scope.clone(),
        status: super::parse_status(q.status.as_deref().unwrap_or(""))?,
        category: q
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        overdue_at: yes(&q.overdue).then(|| now.clone()),
        assignee_id: yes(&q.mine).then_some(can.who.user.id),
        before_id: cursor(&q.cursor)?,
        limit: i64::from(limit.get()) + 1,
    };
    let mut rows = state.store.list_feedback(&filter).await?;
    let next = if rows.len() > limit.get() as usize {
        rows.truncate(limit.get() as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    crate::api::people::audit_read(
        state,
        &can.who,
        rc,
        "feedback.inbox_viewed",
        "unit",
        scope.clone().unwrap_or_default(),
        scope.as_deref().unwrap_or(""),
    )
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
pub async fn counts(
    state: &AppState,
    filter: &FeedbackFilter,
) -> Result<Vec<(Status, i64)>, Failure> {
    let rows = state.store.count_feedback_by_status(filter).await?;
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

fn deadline(
    kind: DeadlineKind,
    due: &str,
    now: Timestamp,
    cal: &tuquan_domain::feedback::WorkCalendar,
) -> Option<Deadline> {
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
    cal: &tuquan_domain::feedback::WorkCalendar,
) -> Option<Deadline> {
    match item.status() {
        Status::New => deadline(DeadlineKind::Acknowledge, &item.ack_due_at, now, cal),
        s if s.is_open() => deadline(DeadlineKind::Resolve, &item.resolve_due_at, now, cal),
        _ => None,
    }
}

/// Every deadline still running: acknowledgement while new, resolution while open.
pub fn open_deadlines(
    item: &FeedbackRecord,
    now: Timestamp,
    cal: &tuquan_domain::feedback::WorkCalendar,
) -> Vec<Deadline> {
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

/// What happened to one item of a bulk acknowledgement.
#[derive(Debug)]
pub struct BulkOutcome {
    pub tracking_code: String,
    pub result: Result<(), Failure>,
}

/// Acknowledges each listed item through the same workflow step as one at a time, each on
/// its own: one that cannot be acknowledged (unknown, not yours, no longer new) is reported
/// and changes nothing, the others go through.
pub async fn acknowledge_many(
    state: &AppState,
    can: &Can<FeedbackHandle>,
    rc: &RequestCtx,
    codes: &[String],
) -> Result<Vec<BulkOutcome>, Failure> {
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
    let step = StepInput {
        action: "acknowledge".into(),
        ..StepInput::default()
    };
    let mut out = Vec::with_capacity(list.len());
    for code in list {
        let result = async {
            let item = staff_item(state, can, &code).await?;
            super::staff_step(state, &can.who, rc, &item, &step).await
        }
        .await;
        out.push(BulkOutcome {
            tracking_code: code,
            result,
        });
    }
    Ok(out)
}

/// The accounts an item may be assigned to: those with a grant on its unit or above whose
/// role handles feedback, each once.
pub async fn assignees(
    state: &AppState,
    item: &FeedbackRecord,
) -> Result<Vec<GrantHolder>, Failure> {
    let mut out: Vec<GrantHolder> = Vec::new();
    for h in state.store.grant_holders_over(&item.unit_path).await? {
        let handles = Role::parse(&h.role).is_some_and(|r| allowed(r, Action::FeedbackHandle));
        if handles && !out.iter().any(|o| o.user_id == h.user_id) {
            out.push(h);
        }
    }
    Ok(out)
}

/// A commune by code, for those allowed `A` on it.
pub async fn commune_for<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    code: &str,
) -> Result<Unit, Failure> {
    let unit = crate::api::territory::load_unit_for(state, code).await?;
    can.check(Some(&unit.path))?;
    if unit.kind.tier() != Tier::Commune {
        return Err(invalid(
            "code",
            FieldErrorKind::NotAllowedHere,
            "settings are per commune",
        ));
    }
    Ok(unit)
}

/// Sets (a level given) or removes (no level) the routing rule of a commune for a category
/// (`""`: every category). Without a role, the level's default role answers.
pub async fn set_route(
    state: &AppState,
    can: &Can<FeedbackConfigure>,
    rc: &RequestCtx,
    commune: &Unit,
    category: &str,
    level: Option<&str>,
    role: Option<&str>,
) -> Result<(), Failure> {
    can.check(Some(&commune.path))?;
    let category = category.trim();
    if !category.is_empty() {
        super::category(state, &commune.code, category).await?;
    }
    let rule = match (level.map(str::trim), role.map(str::trim)) {
        (None | Some(""), _) => None,
        (Some(level), role) => {
            let level = Level::parse(level).ok_or_else(|| {
                invalid(
                    "level",
                    FieldErrorKind::UnknownValue,
                    "unit, commune or province",
                )
            })?;
            let role = match role {
                None | Some("") => level.default_role(),
                Some(r) => Role::parse(r)
                    .filter(|r| allowed(*r, Action::FeedbackHandle))
                    .ok_or_else(|| {
                        invalid(
                            "role",
                            FieldErrorKind::UnknownValue,
                            "a role that handles feedback",
                        )
                    })?,
            };
            Some((level, role))
        }
    };
    state
        .store
        .set_route(commune, category, rule, &rc.audit(Some(&can.who)))
        .await?;
    Ok(())
}

/// Adds (`adding`: its code must be new) or changes (its code must exist) one of a
/// commune's categories; unchecking `active` hides it from new feedback.
pub async fn set_category(
    state: &AppState,
    can: &Can<FeedbackConfigure>,
    rc: &RequestCtx,
    commune: &Unit,
    input: &CategoryInput,
    adding: bool,
) -> Result<Category, Failure> {
    can.check(Some(&commune.path))?;
    let (category, active) = Category::parse(input)?;
    let exists = state
        .store
        .category_settings(&commune.code)
        .await?
        .iter()
        .any(|c| c.category.code == category.code);
    match (adding, exists) {
        (true, true) => {
            return Err(invalid(
                "code",
                FieldErrorKind::NotAllowedHere,
                "a category with this code exists",
            ));
        }
        (false, false) => {
            return Err(invalid(
                "code",
                FieldErrorKind::UnknownValue,
                "no such category",
            ));
        }
        _ => {}
    }
    state
        .store
        .set_category(commune, &category, active, &rc.audit(Some(&can.who)))
        .await?;
    Ok(category)
}

/// The national calendar is one for the whole country: only those allowed to configure
/// feedback nationwide change it.
fn check_calendar(can: &Can<FeedbackConfigure>) -> Result<(), Failure> {
    can.check(None)
}

/// Whether the caller may change the national work calendar.
pub fn may_edit_calendar(who: &Authenticated) -> bool {
    tuquan_domain::access::authorize(&who.actor, Action::FeedbackConfigure, None).is_ok()
}

/// A day of the calendar, `YYYY-MM-DD`.
pub fn parse_day(raw: &str) -> Result<Date, Failure> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid("day", FieldErrorKind::Required, "empty"));
    }
    raw.parse::<Date>()
        .map_err(|_| invalid("day", FieldErrorKind::InvalidFormat, "YYYY-MM-DD"))
}

/// Adds (or renames) a holiday on a weekday or a make-up working day on a weekend.
pub async fn set_calendar_day(
    state: &AppState,
    can: &Can<FeedbackConfigure>,
    rc: &RequestCtx,
    day: &str,
    kind: &str,
    name: &str,
) -> Result<Date, Failure> {
    check_calendar(can)?;
    let day = parse_day(day)?;
    let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
    let kind = match kind.trim() {
        "holiday" => {
            if weekend {
                return Err(invalid(
                    "day",
                    FieldErrorKind::NotAllowedHere,
                    "a holiday on a weekday",
                ));
            }
            "holiday"
        }
        "workday" => {
            if !weekend {
                return Err(invalid(
                    "day",
                    FieldErrorKind::NotAllowedHere,
                    "a make-up working day on a weekend",
                ));
            }
            "workday"
        }
        "" => return Err(invalid("kind", FieldErrorKind::Required, "empty")),
        _ => {
            return Err(invalid(
                "kind",
                FieldErrorKind::UnknownValue,
                "holiday or workday",
            ));
        }
    };
    let name = tuquan_domain::text::clean(name);
    if name.is_empty() {
        return Err(invalid("name", FieldErrorKind::Required, "empty"));
    }
    if name.chars().count() > 120 {
        return Err(invalid(
            "name",
            FieldErrorKind::TooLong { max: 120 },
            "long",
        ));
    }
    state
        .store
        .set_calendar_day(day, Some((kind, &name)), &rc.audit(Some(&can.who)))
        .await?;
    Ok(day)
}

/// Removes a day from the calendar; an absent day is "not found".
pub async fn remove_calendar_day(
    state: &AppState,
    can: &Can<FeedbackConfigure>,
    rc: &RequestCtx,
    day: Date,
) -> Result<(), Failure> {
    check_calendar(can)?;
    let days = state.store.work_calendar_days().await?;
    if !days.iter().any(|(d, _, _)| *d == day.to_string()) {
        return Err(Failure::NotFound);
    }
    state
        .store
        .set_calendar_day(day, None, &rc.audit(Some(&can.who)))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuquan_domain::feedback::WorkCalendar;

    fn item(status: &str, ack: &str, resolve: &str) -> FeedbackRecord {
        FeedbackRecord {
            id: 1,
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
            status: status.into(),
            level: "unit".into(),
            role: "unit_head".into(),
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
