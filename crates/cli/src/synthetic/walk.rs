//! One feedback item's story: moved through the workflow until `now`, in named steps, with
//! the random draws in a fixed order so that a seed always gives the same data.

use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tuquan_domain::feedback::{add_working_minutes, Category, WorkCalendar};

use super::feedback::{Event, Item, REFERRED_TO};
use super::names;

/// Moves an item through the workflow until `now`.
pub(super) fn walk(
    item: &mut Item,
    rng: &mut ChaCha8Rng,
    now: Timestamp,
    cal: &WorkCalendar,
    cat: &Category,
    staff: &str,
) {
    let created = item.created;
    // How the story ends (if there is time for it): resolved most of the time.
    let outcome = match rng.random_range(0..100) {
        0..=81 => "resolved",
        82..=88 => "rejected",
        89..=94 => "duplicate",
        _ => "referred",
    };
    let ack_late = rng.random_bool(0.12);
    let ack_after = if ack_late {
        cat.ack_minutes + rng.random_range(30..1500)
    } else {
        rng.random_range(5..cat.ack_minutes.max(6))
    };
    // Some offices are slow: the few items that are still open after weeks.
    let stalled = rng.random_bool(0.05);
    let ack_at = add_working_minutes(created, ack_after, cal);
    // Missing the acknowledgement deadline escalates one level (the job runs each minute).
    let ack_missed = ack_at > item.ack_due && item.ack_due < now;
    if ack_missed {
        escalate(item, item.ack_due + SignedDuration::from_mins(1));
    }
    if ack_at >= now || (stalled && rng.random_bool(0.4)) {
        finish_open(item, now, escalate);
        return;
    }
    if outcome != "resolved" {
        close_unresolved(item, rng, outcome, ack_at, staff);
        return;
    }
    step(
        item,
        staff,
        ack_at,
        "acknowledge",
        "new",
        "acknowledged",
        None,
    );
    let late = rng.random_bool(0.15) || stalled;
    let resolve_after = if late {
        // Stalled items drag on for weeks or months.
        cat.resolve_minutes + rng.random_range(60..6000) * if stalled { 20 } else { 1 }
    } else {
        rng.random_range(ack_after + 10..cat.resolve_minutes.max(ack_after + 11))
    };
    let resolve_at = add_working_minutes(created, resolve_after, cal);
    let start_at = add_working_minutes(
        ack_at,
        rng.random_range(1..((resolve_after - ack_after) / 3).max(2)),
        cal,
    );
    if start_at < now && rng.random_bool(0.7) {
        step(
            item,
            staff,
            start_at,
            "start",
            "acknowledged",
            "in_progress",
            None,
        );
    }
    let resolve_missed = resolve_at > item.resolve_due && item.resolve_due < now;
    if resolve_missed {
        escalate(item, item.resolve_due + SignedDuration::from_mins(1));
    }
    if resolve_at >= now {
        finish_open(item, now, |_, _| {});
        return;
    }
    resolve(item, rng, now, cal, staff, resolve_at);
    rate(item, rng, now);
}

/// Rejected, duplicate or referred at the acknowledgement, and closed there.
fn close_unresolved(
    item: &mut Item,
    rng: &mut ChaCha8Rng,
    outcome: &'static str,
    ack_at: Timestamp,
    staff: &str,
) {
    let note = match outcome {
        "rejected" => Some("Nội dung không thuộc thẩm quyền giải quyết của địa phương.".to_owned()),
        "referred" => {
            let to = REFERRED_TO[rng.random_range(0..REFERRED_TO.len())];
            item.referred_to = Some(to.to_owned());
            Some(format!("Đã chuyển {to} giải quyết."))
        }
        _ => None,
    };
    if outcome != "duplicate" {
        step(
            item,
            staff,
            ack_at,
            outcome_step(outcome),
            "new",
            outcome,
            note,
        );
    } else if item.local == 0 {
        // The first item of a commune has nothing to duplicate.
        item.referred_to = None;
        let note = Some("Phản ánh chưa đủ thông tin để xác minh.".to_owned());
        step(item, staff, ack_at, "reject", "new", "rejected", note);
    } else {
        let of = rng.random_range(item.local.saturating_sub(50)..item.local);
        item.duplicate_of_local = Some(of);
        step(item, staff, ack_at, "duplicate", "new", "duplicate", None);
    }
    item.closed = Some(ack_at);
}

/// Resolved at `resolve_at`; a few senders reopen within the window and get a second answer.
fn resolve(
    item: &mut Item,
    rng: &mut ChaCha8Rng,
    now: Timestamp,
    cal: &WorkCalendar,
    staff: &str,
    resolve_at: Timestamp,
) {
    let from = item.status;
    let answer = names::answer(item.category).to_owned();
    step(
        item,
        staff,
        resolve_at,
        "resolve",
        from,
        "resolved",
        Some(answer.clone()),
    );
    item.resolved = Some(resolve_at);
    item.closed = Some(resolve_at);
    if !rng.random_bool(0.03) {
        return;
    }
    let reopen_at = resolve_at + SignedDuration::from_hours(rng.random_range(2..200));
    let again = add_working_minutes(reopen_at, rng.random_range(60..1200), cal);
    if again >= now {
        return;
    }
    item.events.push(Event {
        at: reopen_at,
        actor: Some("submitter".into()),
        kind: "reopen",
        from: Some("resolved"),
        to: Some("in_progress"),
        public_note: Some("Vấn đề vẫn chưa được khắc phục.".into()),
        internal_note: None,
    });
    item.reopen_count = 1;
    step(
        item,
        staff,
        again,
        "resolve",
        "in_progress",
        "resolved",
        Some(answer),
    );
    item.resolved = Some(again);
    item.closed = Some(again);
}

/// More than half of the senders of a resolved item rate the answer.
fn rate(item: &mut Item, rng: &mut ChaCha8Rng, now: Timestamp) {
    if !rng.random_bool(0.55) {
        return;
    }
    let at = item.closed.expect("resolved") + SignedDuration::from_hours(rng.random_range(1..72));
    if at >= now {
        return;
    }
    let r = *[5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1]
        .get(rng.random_range(0..11))
        .expect("in range");
    item.rating = Some(r);
    item.events.push(Event {
        at,
        actor: Some("submitter".into()),
        kind: "rated",
        from: None,
        to: None,
        public_note: None,
        internal_note: None,
    });
}

/// A staff step from one status to another, with its public note as the answer.
fn step(
    item: &mut Item,
    staff: &str,
    at: Timestamp,
    kind: &'static str,
    from: &'static str,
    to: &'static str,
    note: Option<String>,
) {
    item.events.push(Event {
        at,
        actor: Some(staff.to_owned()),
        kind,
        from: Some(from),
        to: Some(to),
        public_note: note.clone(),
        internal_note: None,
    });
    item.status = to;
    if item.acknowledged.is_none() && to != "new" {
        item.acknowledged = Some(at);
    }
    if let Some(n) = note {
        item.public_answer = Some(n);
    }
}

/// The escalation job's step: one level up.
fn escalate(item: &mut Item, at: Timestamp) {
    let up = item.responsible.escalate();
    item.events.push(Event {
        at,
        actor: None,
        kind: "escalated",
        from: None,
        to: None,
        public_note: None,
        internal_note: Some(format!(
            "{}:{} → {}:{}",
            item.responsible.level.as_str(),
            item.responsible.role.as_str(),
            up.level.as_str(),
            up.role.as_str()
        )),
    });
    item.responsible = up;
    item.escalations += 1;
}

fn outcome_step(outcome: &str) -> &'static str {
    match outcome {
        "rejected" => "reject",
        "referred" => "refer",
        _ => "duplicate",
    }
}

/// An item still open at `now`: past its resolution deadline it has been escalated.
fn finish_open(item: &mut Item, now: Timestamp, escalate: impl Fn(&mut Item, Timestamp)) {
    let missed = i64::from(item.ack_due < now && item.acknowledged.is_none())
        + i64::from(item.resolve_due < now);
    while item.escalations < missed {
        let at = if item.escalations == 0 {
            item.ack_due
        } else {
            item.resolve_due
        };
        escalate(item, at + SignedDuration::from_mins(1));
    }
}
