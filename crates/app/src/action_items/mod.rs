//! Action items ("rõ người, rõ việc"): record a task a resolution set, with one owner — a
//! person or a group's post — and a due date; record progress; list who owes what; flag what
//! is overdue (a job); carry open items into the unit's next meeting. Each use case loads its
//! target, authorizes on the item's unit, applies the domain's rules and writes through the
//! store, which audits in the same transaction.

use tuquan_domain::access::Action;
use tuquan_domain::action_items::{
    check_edit, check_note_only, check_transition, is_overdue, ActionItemInput, ItemRule,
    ItemStatus, NewActionItem,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::ActionItemId;
use tuquan_store::action_items::Writer;

use crate::{AppError, AppResult, Ctx};

mod demo;
mod jobs;
mod meetings;
mod printing;

pub use demo::seed_demo;
pub use jobs::{flag_overdue, run_once};
pub use meetings::{carry_over, of_meeting, MeetingItems};
pub use meetings::{owner_label, vn_date};
pub use printing::list_document;
pub use tuquan_store::action_items::{ActionItemRecord, NoteRecord, OwnerChoices, UnitCounts};

/// Items per page of the list.
pub const PAGE: i64 = 50;

impl From<ItemRule> for AppError {
    fn from(r: ItemRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// Who writes: the signed-in account, or the system job or seeder by its name.
pub(crate) fn writer(ctx: &Ctx) -> Writer {
    match &ctx.actor {
        Some(w) => Writer {
            user_id: Some(w.user.id),
            name: w.user.display_name.clone(),
        },
        None => Writer {
            user_id: None,
            name: ctx
                .meta
                .system_actor
                .clone()
                .unwrap_or_else(|| "system".into()),
        },
    }
}

/// Authorizes `action` on `path`; work of the system itself (a job, the seeder, a hook of
/// a use case already authorized) has no actor and is audited under its name.
pub(crate) fn allow(ctx: &Ctx, action: Action, path: &str) -> AppResult<()> {
    if ctx.actor.is_none() && ctx.meta.system_actor.is_some() {
        return Ok(());
    }
    ctx.authorize(action, Some(path))?;
    Ok(())
}

/// Parses the input and checks that its people and groups belong to the unit.
async fn parse(ctx: &Ctx, unit: &Unit, input: &ActionItemInput) -> AppResult<NewActionItem> {
    let a = NewActionItem::parse(input).map_err(|errors| {
        // The id an owner's kind needs, missing on its own, is a rule of the combination
        // (well-formed input that lacks the field its kind calls for), not a malformed field.
        match errors.as_slice() {
            [e] if e.kind == tuquan_domain::FieldErrorKind::Required
                && e.field.starts_with("owner_")
                && e.field != "owner_kind" =>
            {
                AppError::rule(
                    "action_item_owner_needed",
                    e.field,
                    "the owner's kind needs it",
                )
            }
            _ => AppError::from(errors),
        }
    })?;
    if let Some(field) = ctx.store().action_item_refs_ok(unit, &a).await? {
        return Err(AppError::rule(
            "action_item_owner_elsewhere",
            field,
            "not in this unit",
        ));
    }
    Ok(a)
}

/// Records a new action item at the unit `unit_code`. Returns its id.
pub async fn create(
    ctx: &Ctx,
    unit_code: &str,
    input: &ActionItemInput,
) -> AppResult<ActionItemId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    allow(ctx, Action::ActionItemManage, &unit.path)?;
    let a = parse(ctx, &unit, input).await?;
    Ok(ctx
        .store()
        .create_action_item(&unit, &a, &writer(ctx), &ctx.audit_ctx())
        .await?)
}

/// Loads an item; not found is not found.
async fn load(ctx: &Ctx, id: ActionItemId) -> AppResult<ActionItemRecord> {
    Ok(ctx.store().action_item(id).await?)
}

/// One item and its history.
pub async fn show(ctx: &Ctx, id: ActionItemId) -> AppResult<(ActionItemRecord, Vec<NoteRecord>)> {
    let item = load(ctx, id).await?;
    allow(ctx, Action::ActionItemView, &item.unit_path)?;
    let notes = ctx.store().action_item_notes(id).await?;
    Ok((item, notes))
}

/// Replaces the title, owner, due date and the rest while the item is owed.
pub async fn edit(ctx: &Ctx, id: ActionItemId, input: &ActionItemInput) -> AppResult<()> {
    let item = load(ctx, id).await?;
    allow(ctx, Action::ActionItemManage, &item.unit_path)?;
    check_edit(item.status)?;
    let unit = crate::territory::unit(&ctx.app, &item.unit_code).await?;
    let a = parse(ctx, &unit, input).await?;
    ctx.store()
        .edit_action_item(&item, &a, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// A step of progress: a new status (blank: the same, a note only) and a note.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProgressInput {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records progress. Cancelling (and taking back what was done) is the manager's; notes,
/// "in progress" and "done" are also the owner's team's (`ActionItemProgress`).
pub async fn progress(ctx: &Ctx, id: ActionItemId, input: &ProgressInput) -> AppResult<()> {
    let item = load(ctx, id).await?;
    let note = tuquan_domain::action_items::note(input.note.as_deref())?;
    let to = match input
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => item.status,
        Some(s) => ItemStatus::parse(s).ok_or_else(|| {
            AppError::Invalid(tuquan_domain::FieldError::new(
                "status",
                tuquan_domain::FieldErrorKind::UnknownValue,
                "unknown status",
            ))
        })?,
    };
    let manager_step = to == ItemStatus::Cancelled || item.status == ItemStatus::Done;
    let action = if manager_step {
        Action::ActionItemManage
    } else {
        Action::ActionItemProgress
    };
    allow(ctx, action, &item.unit_path)?;
    if to == item.status {
        check_note_only(item.status)?;
        if note.is_none() {
            // Well-formed, but nothing to record: a note or a new status is needed.
            return Err(AppError::rule(
                "action_item_nothing_to_record",
                "note",
                "empty step",
            ));
        }
    } else {
        check_transition(item.status, to, note.as_deref())?;
    }
    let done_on = (to == ItemStatus::Done).then(|| ctx.today().to_string());
    ctx.store()
        .progress_action_item(
            &item,
            to,
            note.as_deref(),
            done_on.as_deref(),
            &writer(ctx),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(())
}

/// The filters of "who owes what", as typed in the query string.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    /// `pending` (default: open and in progress), `overdue`, `all`, or one status code.
    #[serde(default)]
    pub status: Option<String>,
    /// An owner key as the list gives it (`r12`, `a3`, `p5-head`); blank: everyone.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

/// One page of the list.
#[derive(Debug, Clone)]
pub struct ItemPage {
    pub unit: Unit,
    pub items: Vec<ActionItemRecord>,
    pub today: String,
    pub page: i64,
    pub more: bool,
}

impl ItemPage {
    /// Whether an item is overdue today.
    pub fn overdue(&self, item: &ActionItemRecord) -> bool {
        let due = item.due_on.parse().ok();
        let today = self.today.parse().ok();
        matches!((due, today), (Some(d), Some(t)) if is_overdue(item.status, d, t))
    }
}

/// Parses an owner key (`r12`, `a3`, `p5-head`) into (kind, id, role).
fn owner_filter(raw: Option<&str>) -> AppResult<(String, i64, String)> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok((String::new(), 0, String::new()));
    };
    let bad = || {
        AppError::Invalid(tuquan_domain::FieldError::new(
            "owner",
            tuquan_domain::FieldErrorKind::InvalidFormat,
            "an owner key",
        ))
    };
    let (kind, rest) = match s.split_at(1) {
        ("r", r) => ("resident", r),
        ("a", r) => ("account", r),
        ("p", r) => ("position", r),
        _ => return Err(bad()),
    };
    let (id, role) = rest.split_once('-').unwrap_or((rest, ""));
    let id: i64 = id.parse().ok().filter(|v| *v > 0).ok_or_else(bad)?;
    if (kind == "position") == role.is_empty() || !role.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(bad());
    }
    Ok((kind.to_owned(), id, role.to_owned()))
}

/// "Who owes what" in a unit's subtree: grouped by owner, overdue first; filtered; paged.
pub async fn list(ctx: &Ctx, unit_code: &str, q: &ListQuery) -> AppResult<ItemPage> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    allow(ctx, Action::ActionItemView, &unit.path)?;
    let today = ctx.today().to_string();
    let (status, pending, overdue) = match q.status.as_deref().map(str::trim).unwrap_or("") {
        "" | "pending" => (String::new(), true, false),
        "overdue" => (String::new(), false, true),
        "all" => (String::new(), false, false),
        s => match ItemStatus::parse(s) {
            Some(st) => (st.as_str().to_owned(), false, false),
            None => {
                return Err(AppError::Invalid(tuquan_domain::FieldError::new(
                    "status",
                    tuquan_domain::FieldErrorKind::UnknownValue,
                    "unknown status",
                )))
            }
        },
    };
    let (owner_kind, owner_id, owner_role) = owner_filter(q.owner.as_deref())?;
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let mut items = ctx
        .store()
        .list_action_items(&tuquan_store::action_items::ItemFilter {
            unit_path: unit.path.clone(),
            status,
            pending,
            overdue,
            today: today.clone(),
            owner_kind,
            owner_id,
            owner_role,
            limit: PAGE,
            offset: (page - 1) * PAGE,
        })
        .await?;
    let more = items.len() as i64 > PAGE;
    items.truncate(PAGE as usize);
    Ok(ItemPage {
        unit,
        items,
        today,
        page,
        more,
    })
}

/// For a commune official (or anyone over several units): counts per unit of the subtree —
/// owed, overdue, done on time, done late.
pub async fn rollup(ctx: &Ctx, unit_code: &str) -> AppResult<(Unit, Vec<UnitCounts>)> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    allow(ctx, Action::ActionItemView, &unit.path)?;
    let rows = ctx
        .store()
        .action_item_rollup(&unit.path, &ctx.today().to_string())
        .await?;
    Ok((unit, rows))
}

/// The items the signed-in account owes (as itself, as a resident, or through a post it
/// holds): its own, so no grant is needed.
pub async fn mine(
    ctx: &Ctx,
    page: Option<i64>,
) -> AppResult<(Vec<ActionItemRecord>, i64, bool, String)> {
    let who = ctx.who()?;
    let page = page.unwrap_or(1).clamp(1, 10_000);
    let mut items = ctx
        .store()
        .action_items_of_holder(who.user.id, PAGE, (page - 1) * PAGE)
        .await?;
    let more = items.len() as i64 > PAGE;
    items.truncate(PAGE as usize);
    Ok((items, page, more, ctx.today().to_string()))
}

/// (overdue, due within [`DUE_SOON_DAYS`]) for the start page: the account's own items, or
/// (with `unit_path`) those of a unit's subtree.
pub(crate) async fn due_counts(ctx: &Ctx, unit_path: Option<&str>) -> AppResult<(i64, i64)> {
    let today = ctx.today();
    let until = today
        .checked_add(jiff::Span::new().days(tuquan_domain::action_items::DUE_SOON_DAYS - 1))
        .unwrap_or(today);
    let (t, u) = (today.to_string(), until.to_string());
    Ok(match unit_path {
        Some(p) => ctx.store().action_item_counts_in(p, &t, &u).await?,
        None => {
            let who = ctx.who()?;
            ctx.store()
                .action_item_counts_of_owner(who.user.id, &t, &u)
                .await?
        }
    })
}

/// What the form offers as owner and group at a unit; reading the residents' names is
/// audited.
pub async fn owner_choices(ctx: &Ctx, unit_code: &str) -> AppResult<(Unit, OwnerChoices)> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    allow(ctx, Action::ActionItemManage, &unit.path)?;
    let c = ctx.store().action_item_owner_choices(&unit.path).await?;
    ctx.audit_read(
        "action_item.owner_choices_viewed",
        "unit",
        unit.code.clone(),
        &unit.path,
    )
    .await?;
    Ok((unit, c))
}

#[cfg(test)]
mod tests {
    use super::owner_filter;

    #[test]
    fn owner_keys() {
        assert_eq!(
            owner_filter(Some("r12")).unwrap(),
            ("resident".into(), 12, String::new())
        );
        assert_eq!(
            owner_filter(Some("p5-head")).unwrap(),
            ("position".into(), 5, "head".into())
        );
        assert_eq!(owner_filter(None).unwrap().1, 0);
        for bad in ["x1", "r0", "p5", "a3-head", "r", "p5-HEAD", "r1'--"] {
            assert!(owner_filter(Some(bad)).is_err(), "{bad}");
        }
    }
}
