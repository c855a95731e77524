//! The invitation (giấy mời họp): an announcement of category `meeting_invitation` at the
//! meeting's unit, to its households, linking back to the meeting. A group's meeting invites
//! the group's members only: the announcement is narrowed to the group's kind at the group's
//! unit (the announcements' audience: residents holding a current position in an active
//! group of that kind), so the other households of the unit are not invited.

use tuquan_domain::announcements::NewAnnouncementInput;
use tuquan_domain::territory::Unit;

use super::MeetingRecord;
use crate::{AppResult, Ctx};

/// The invitation's text, in Vietnamese (announcements carry one text).
pub(crate) fn text(
    m: &MeetingRecord,
    agenda: &[super::AgendaRecord],
    group: Option<&str>,
) -> (String, String) {
    let title = format!("Giấy mời họp: {}", m.title);
    let invited = match group {
        Some(g) => format!("các thành viên {g}"),
        None => "đại diện hộ gia đình".to_owned(),
    };
    let mut body = format!(
        "Kính mời {invited} dự {}.\nThời gian: {} ngày {}.\nĐịa điểm: {}.",
        m.title,
        m.meeting_time,
        vn_date(&m.meeting_date),
        m.place
    );
    if !agenda.is_empty() {
        body.push_str("\nNội dung:");
        for a in agenda {
            body.push_str(&format!("\n{}. {}", a.position, a.title));
        }
    }
    if let Some(c) = &m.chair_name {
        body.push_str(&format!("\nChủ trì: {c}."));
    }
    body.push_str(&format!("\nChi tiết: /meetings/{}", m.id));
    (title, body)
}

/// `YYYY-MM-DD` as `DD/MM/YYYY`.
pub(crate) fn vn_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// Publishes the invitation and links it to the meeting. Returns the announcement's id.
pub(super) async fn send(ctx: &Ctx, unit: &Unit, m: &MeetingRecord) -> AppResult<i64> {
    let agenda = ctx.store().meeting_agenda(m.id).await?;
    let group = match m.group_id {
        Some(g) => Some(ctx.store().group(g, &ctx.today().to_string()).await?),
        None => None,
    };
    let (title, body) = text(m, &agenda, group.as_ref().map(|g| g.name.as_str()));
    let input = NewAnnouncementInput {
        title,
        body,
        category: "meeting_invitation".into(),
        urgency: None,
        valid_from: None,
        valid_until: Some(m.meeting_date.clone()),
        public: false,
        group_kinds: group.iter().map(|g| g.kind.as_str().to_owned()).collect(),
        roles: Vec::new(),
    };
    let id = crate::announcements::publish_at(ctx, unit, &input, &[])
        .await?
        .get();
    ctx.store()
        .link_meeting_invitation(m, id, &ctx.audit_ctx())
        .await?;
    Ok(id)
}
