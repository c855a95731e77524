//! Action items and meetings: a new meeting of a unit carries the unit's open items into its
//! agenda (called from `meetings::create`), and a meeting's page shows the items its
//! resolutions set and those carried into it.

use tuquan_domain::access::Action;
use tuquan_domain::{ActionItemId, MeetingId};

use super::{allow, ActionItemRecord};
use crate::{AppResult, Ctx};

/// Carries the items still owed at the unit into the new meeting `meeting_id`: each is
/// recorded as carried and appended to the meeting's agenda ("Việc tồn: … — … — hạn …"), by
/// due date; a group's meeting carries the group's items only. Repeating it adds nothing.
/// Returns the agenda entries added. Called by `meetings::create`, which has authorized
/// managing the meeting; here the actor needs only to see the unit's action items.
pub async fn carry_over(
    ctx: &Ctx,
    unit_code: &str,
    meeting_id: MeetingId,
) -> AppResult<Vec<String>> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    allow(ctx, Action::ActionItemView, &unit.path)?;
    let meeting = ctx.store().meeting(meeting_id).await?;
    if meeting.unit_code != unit.code {
        return Err(crate::AppError::NotFound);
    }
    let items = ctx
        .store()
        .pending_action_items_of(&unit.code, meeting.group_id)
        .await?;
    let entries: Vec<(ActionItemId, String)> =
        items.iter().map(|i| (i.id, agenda_entry(i))).collect();
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    ctx.store()
        .carry_action_items(&unit.path, meeting_id, &entries, &ctx.audit_ctx())
        .await?;
    Ok(entries.into_iter().map(|e| e.1).collect())
}

/// The owner as a line shows it: the person, or the post and its holder ("vacant" if none).
pub fn owner_label(i: &ActionItemRecord) -> String {
    use tuquan_domain::action_items::OwnerKind;
    match i.owner_kind {
        OwnerKind::Position => {
            let post = match i.owner_role.as_deref() {
                Some("head") => "Tổ trưởng",
                Some("deputy") => "Tổ phó",
                Some("secretary") => "Thư ký",
                _ => "Thành viên",
            };
            let group = i.owner_group_name.as_deref().unwrap_or("");
            match &i.holder_name {
                Some(n) => format!("{post} {group} ({n})"),
                None => format!("{post} {group} (chưa có người giữ)"),
            }
        }
        _ => i.holder_name.clone().unwrap_or_else(|| "—".into()),
    }
}

/// `2026-12-15` as `15/12/2026`.
pub fn vn_date(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    match p.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

fn agenda_entry(i: &ActionItemRecord) -> String {
    format!(
        "Việc tồn: {} — {} — hạn {}",
        i.title,
        owner_label(i),
        vn_date(&i.due_on)
    )
}

/// A meeting's items: set by its resolutions, and carried into it.
#[derive(Debug, Clone, Default)]
pub struct MeetingItems {
    pub set: Vec<ActionItemRecord>,
    pub carried: Vec<ActionItemRecord>,
}

/// The items of a meeting: the meeting is loaded for its unit, on which the actor must see
/// action items.
pub async fn of_meeting(ctx: &Ctx, meeting_id: MeetingId) -> AppResult<(String, MeetingItems)> {
    let m = ctx.store().meeting(meeting_id).await?;
    allow(ctx, Action::ActionItemView, &m.unit_path)?;
    let (set, carried) = ctx.store().action_items_of_meeting(meeting_id).await?;
    Ok((m.title, MeetingItems { set, carried }))
}
