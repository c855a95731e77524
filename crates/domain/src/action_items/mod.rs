//! Action items ("rõ người, rõ việc"): a task set by a resolution, with one named owner — a
//! person or a position — a due date and a status. The coordination regulation between the
//! unit and its groups asks that every task have a named owner; the rules here are the
//! lifecycle (which status may follow which) and what counts as overdue.

use jiff::civil::Date;

use crate::code::code_enum;

mod input;
mod owner;

pub use input::{note, ActionItemInput, NewActionItem, NOTE_MAX, TITLE_MAX};
pub use owner::{Owner, OwnerKind};

pub use crate::code::ActionItemId;

code_enum!(
    /// Where an action item stands.
    ItemStatus {
        /// Chưa thực hiện.
        Open => "open",
        /// Đang thực hiện.
        InProgress => "in_progress",
        /// Đã hoàn thành.
        Done => "done",
        /// Đã hủy.
        Cancelled => "cancelled",
    }
);

impl ItemStatus {
    /// Still owed: open or in progress.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Open | Self::InProgress)
    }
}

/// A refused step, with the stable code the catalogues translate (`rule.{code}`) and the
/// field it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRule {
    pub code: &'static str,
    pub field: &'static str,
}

/// Whether an item may go from `from` to `to`, and whether the step needs a note.
///
/// - open → in progress, done, cancelled;
/// - in progress → open (put back), done, cancelled;
/// - done → in progress (reopened: the work was not finished), with a note saying why;
/// - cancelled is final (a cancelled task that comes back is a new item);
/// - cancelling needs a note (why the task is dropped), so the meeting can read it.
///
/// Staying in the same status is refused: a progress note without a change is
/// [`check_note_only`].
pub fn check_transition(
    from: ItemStatus,
    to: ItemStatus,
    note: Option<&str>,
) -> Result<(), ItemRule> {
    use ItemStatus::*;
    let allowed = matches!(
        (from, to),
        (Open, InProgress | Done | Cancelled)
            | (InProgress, Open | Done | Cancelled)
            | (Done, InProgress)
    );
    if !allowed {
        return Err(ItemRule {
            code: "action_item_transition",
            field: "status",
        });
    }
    let needs_note = matches!(to, Cancelled) || matches!((from, to), (Done, InProgress));
    if needs_note && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(ItemRule {
            code: "action_item_note_required",
            field: "note",
        });
    }
    Ok(())
}

/// A progress note without a change of status: only while the item is owed.
pub fn check_note_only(status: ItemStatus) -> Result<(), ItemRule> {
    if status.is_pending() {
        Ok(())
    } else {
        Err(ItemRule {
            code: "action_item_closed",
            field: "status",
        })
    }
}

/// Editing the title, owner or due date: only while the item is owed.
pub fn check_edit(status: ItemStatus) -> Result<(), ItemRule> {
    check_note_only(status)
}

/// Overdue: still owed and its due date has passed (the due day itself is not late).
pub fn is_overdue(status: ItemStatus, due_on: Date, today: Date) -> bool {
    status.is_pending() && due_on < today
}

/// Days in "due this week" on the start page: today and the six days after.
pub const DUE_SOON_DAYS: i64 = 7;

/// Owed and due between today and the end of [`DUE_SOON_DAYS`].
pub fn is_due_soon(status: ItemStatus, due_on: Date, today: Date) -> bool {
    let until = today
        .checked_add(jiff::Span::new().days(DUE_SOON_DAYS - 1))
        .unwrap_or(today);
    status.is_pending() && due_on >= today && due_on <= until
}

/// Done on time: finished on or before the due date (`done_on` in Vietnam time).
pub fn done_on_time(status: ItemStatus, due_on: Date, done_on: Option<Date>) -> bool {
    status == ItemStatus::Done && done_on.is_some_and(|d| d <= due_on)
}

#[cfg(test)]
mod tests {
    use super::ItemStatus::*;
    use super::*;
    use jiff::civil::date;

    #[test]
    fn every_allowed_step() {
        for (from, to) in [
            (Open, InProgress),
            (Open, Done),
            (InProgress, Open),
            (InProgress, Done),
        ] {
            assert_eq!(check_transition(from, to, None), Ok(()), "{from:?}→{to:?}");
        }
        assert_eq!(
            check_transition(Open, Cancelled, Some("không cần nữa")),
            Ok(())
        );
        assert_eq!(check_transition(InProgress, Cancelled, Some("x")), Ok(()));
        assert_eq!(
            check_transition(Done, InProgress, Some("chưa xong")),
            Ok(())
        );
    }

    #[test]
    fn refused_steps() {
        for (from, to) in [
            (Open, Open),
            (Done, Done),
            (Done, Open),
            (Done, Cancelled),
            (Cancelled, Open),
            (Cancelled, InProgress),
            (Cancelled, Done),
        ] {
            assert_eq!(
                check_transition(from, to, Some("note")).unwrap_err().code,
                "action_item_transition",
                "{from:?}→{to:?}"
            );
        }
    }

    #[test]
    fn cancelling_and_reopening_need_a_note() {
        let e = check_transition(Open, Cancelled, Some("  ")).unwrap_err();
        assert_eq!((e.code, e.field), ("action_item_note_required", "note"));
        assert!(check_transition(Done, InProgress, None).is_err());
        assert!(check_note_only(Done).is_err());
        assert!(check_note_only(InProgress).is_ok());
        assert!(check_edit(Cancelled).is_err());
    }

    #[test]
    fn overdue_starts_the_day_after_the_due_date() {
        let due = date(2026, 11, 20);
        assert!(!is_overdue(Open, due, date(2026, 11, 20)));
        assert!(is_overdue(Open, due, date(2026, 11, 21)));
        assert!(is_overdue(InProgress, due, date(2026, 11, 21)));
        assert!(!is_overdue(Done, due, date(2026, 12, 1)));
        assert!(!is_overdue(Cancelled, due, date(2026, 12, 1)));
    }

    #[test]
    fn due_soon_is_today_and_six_more_days() {
        let today = date(2026, 11, 20);
        assert!(is_due_soon(Open, today, today));
        assert!(is_due_soon(Open, date(2026, 11, 26), today));
        assert!(!is_due_soon(Open, date(2026, 11, 27), today));
        assert!(!is_due_soon(Open, date(2026, 11, 19), today));
        assert!(!is_due_soon(Done, today, today));
    }

    #[test]
    fn on_time_is_on_or_before_the_due_date() {
        let due = date(2026, 11, 20);
        assert!(done_on_time(Done, due, Some(due)));
        assert!(!done_on_time(Done, due, Some(date(2026, 11, 21))));
        assert!(!done_on_time(Open, due, Some(due)));
        assert!(!done_on_time(Done, due, None));
    }

    #[test]
    fn stored_codes_decode_exactly() {
        for s in ItemStatus::ALL {
            assert_eq!(ItemStatus::try_from(s.as_str().to_owned()), Ok(*s));
        }
        assert!(ItemStatus::try_from("Open".to_owned()).is_err());
    }
}
