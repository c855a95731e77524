//! Two years of resident feedback for a commune, with each step's history, as the workflow
//! would have left it: mostly resolved (and often rated), some rejected, duplicate or
//! referred, some still open and overdue — and escalated as the escalation job would have.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tuquan_domain::feedback::{
    add_working_minutes, Category, Responsible, TrackingCode, WorkCalendar,
};
use tuquan_store::bulk::{Rows, Value};

use super::names::{self, Weighted};
use super::people::rng_for;

pub const FEEDBACK_COLUMNS: &[&str] = &[
    "id",
    "tracking_code",
    "province_code",
    "commune_code",
    "unit_code",
    "unit_path",
    "category",
    "description",
    "address",
    "lat",
    "lng",
    "contact_name",
    "contact_phone",
    "contact_email",
    "submitter_id",
    "filed_by_id",
    "status",
    "level",
    "role",
    "assignee_id",
    "ack_due_at",
    "resolve_due_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "escalations",
    "duplicate_of",
    "referred_to",
    "public_answer",
    "rating",
    "reopen_count",
    "created_at",
    "updated_at",
];
pub const EVENT_COLUMNS: &[&str] = &[
    "id",
    "feedback_id",
    "at",
    "actor_id",
    "actor_name",
    "kind",
    "from_status",
    "to_status",
    "public_note",
    "internal_note",
];

/// Items per resident per year (about one for every hundred residents).
pub const PER_RESIDENT_YEAR: f64 = 0.01;

static CATEGORIES: Weighted<&str> = Weighted::new(&[
    ("environment", 30),
    ("infrastructure", 22),
    ("security_order", 15),
    ("traffic", 13),
    ("fire_risk", 5),
    ("administrative", 8),
    ("other", 7),
]);

const REFERRED_TO: &[&str] = &[
    "Công ty Điện lực",
    "Công ty Cấp nước",
    "Đội Cảnh sát giao thông",
    "Ban Quản lý dự án",
    "Công ty Dịch vụ công ích",
];

/// One event of an item's history.
pub struct Event {
    at: Timestamp,
    actor: Option<String>,
    kind: &'static str,
    from: Option<&'static str>,
    to: Option<&'static str>,
    public_note: Option<String>,
    internal_note: Option<String>,
}

/// An item before it has its global id.
pub struct Item {
    pub created: Timestamp,
    /// (commune ordinal, index in the commune): for duplicates.
    pub commune: usize,
    pub local: usize,
    duplicate_of_local: Option<usize>,
    province: String,
    commune_code: String,
    unit_code: String,
    unit_path: String,
    category: &'static str,
    description: String,
    address: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    status: &'static str,
    responsible: Responsible,
    ack_due: Timestamp,
    resolve_due: Timestamp,
    acknowledged: Option<Timestamp>,
    resolved: Option<Timestamp>,
    closed: Option<Timestamp>,
    escalations: i64,
    referred_to: Option<String>,
    public_answer: Option<String>,
    rating: Option<i64>,
    reopen_count: i64,
    events: Vec<Event>,
}

/// What the generator needs of a commune.
pub struct CommuneFeedbackPlan<'a> {
    pub ordinal: usize,
    pub province: &'a str,
    pub commune_code: &'a str,
    pub commune_path: &'a str,
    /// (code, path) of its residential units.
    pub units: &'a [(String, String)],
    pub residents: u64,
}

/// Generates a commune's items, oldest first.
pub fn commune(
    plan: &CommuneFeedbackPlan<'_>,
    seed: u64,
    now: Timestamp,
    cal: &WorkCalendar,
    categories: &[Category],
) -> Vec<Item> {
    let mut rng = rng_for(seed, plan.commune_code, 2);
    let count = (plan.residents as f64 * PER_RESIDENT_YEAR * 2.0).round() as usize;
    let span = 730 * 24 * 60;
    let mut created: Vec<Timestamp> = (0..count)
        .map(|_| {
            // Uniform over two years, then into the day's waking hours (06:00–22:00, +07).
            let minutes_ago = rng.random_range(10..span);
            let t = now - SignedDuration::from_mins(minutes_ago);
            let day_start = t.as_second() - (t.as_second() + 7 * 3600).rem_euclid(86_400);
            let minute_of_day = rng.random_range(6 * 60..22 * 60);
            let t =
                Timestamp::from_second(day_start + minute_of_day * 60 + rng.random_range(0..60))
                    .expect("a time in range");
            t.min(now - SignedDuration::from_mins(1))
        })
        .collect();
    created.sort();
    let mut streets = Vec::new();
    for _ in 0..8 {
        streets.push(names::STREETS[rng.random_range(0..names::STREETS.len())]);
    }
    let staff = format!("canbo.{}", plan.commune_code);
    let mut items = Vec::with_capacity(count);
    for (local, created) in created.into_iter().enumerate() {
        let category = CATEGORIES.pick(&mut rng);
        let cat = categories
            .iter()
            .find(|c| c.code == category)
            .expect("synthetic categories are the defaults");
        let street = streets[rng.random_range(0..streets.len())];
        let on_unit = !plan.units.is_empty() && rng.random_bool(0.92);
        let (unit_code, unit_path) = if on_unit {
            plan.units[rng.random_range(0..plan.units.len())].clone()
        } else {
            (plan.commune_code.to_owned(), plan.commune_path.to_owned())
        };
        let description = names::description(category, street, rng.random_range(0..10_000));
        let address = rng
            .random_bool(0.7)
            .then(|| format!("{} {street}", rng.random_range(1..=400)));
        let (lat, lng) = if rng.random_bool(0.4) {
            (
                Some((rng.random_range(10.70..10.90f64) * 1e6).round() / 1e6),
                Some((rng.random_range(106.60..106.80f64) * 1e6).round() / 1e6),
            )
        } else {
            (None, None)
        };
        let anonymous = cat.allow_anonymous && rng.random_bool(0.45);
        let (contact_name, contact_phone, contact_email) = if anonymous {
            (None, None, None)
        } else {
            let female = rng.random_bool(0.5);
            let family = names::FAMILY.pick(&mut rng);
            let given = if female {
                names::GIVEN_FEMALE.pick(&mut rng)
            } else {
                names::GIVEN_MALE.pick(&mut rng)
            };
            let mid = if female { "Thị" } else { "Văn" };
            let phone = format!("09{:08}", rng.random_range(0..100_000_000));
            let email = rng
                .random_bool(0.15)
                .then(|| format!("nguoidan{}@example.vn", rng.random_range(1000..99_999)));
            (Some(format!("{family} {mid} {given}")), Some(phone), email)
        };
        let responsible = Responsible::route(&[], category, on_unit);
        let ack_due = add_working_minutes(created, cat.ack_minutes, cal);
        let resolve_due = add_working_minutes(created, cat.resolve_minutes, cal);
        let mut item = Item {
            created,
            commune: plan.ordinal,
            local,
            duplicate_of_local: None,
            province: plan.province.to_owned(),
            commune_code: plan.commune_code.to_owned(),
            unit_code,
            unit_path,
            category,
            description,
            address,
            lat,
            lng,
            contact_name,
            contact_phone,
            contact_email,
            status: "new",
            responsible,
            ack_due,
            resolve_due,
            acknowledged: None,
            resolved: None,
            closed: None,
            escalations: 0,
            referred_to: None,
            public_answer: None,
            rating: None,
            reopen_count: 0,
            events: vec![Event {
                at: created,
                actor: None,
                kind: "created",
                from: None,
                to: Some("new"),
                public_note: None,
                internal_note: None,
            }],
        };
        walk(&mut item, &mut rng, now, cal, cat, &staff);
        items.push(item);
    }
    items
}

/// Moves an item through the workflow until `now`.
fn walk(
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
    let step = |item: &mut Item,
                at: Timestamp,
                kind: &'static str,
                from: &'static str,
                to: &'static str,
                note: Option<String>| {
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
    };
    let escalate = |item: &mut Item, at: Timestamp| {
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
    };
    // Missing the acknowledgement deadline escalates one level (the job runs each minute).
    let ack_missed = ack_at > item.ack_due && item.ack_due < now;
    if ack_missed {
        escalate(item, item.ack_due + SignedDuration::from_mins(1));
    }
    if ack_at >= now || (stalled && rng.random_bool(0.4)) {
        finish_open(item, now, escalate);
        return;
    }
    match outcome {
        "rejected" | "duplicate" | "referred" => {
            let note = match outcome {
                "rejected" => {
                    Some("Nội dung không thuộc thẩm quyền giải quyết của địa phương.".to_owned())
                }
                "referred" => {
                    let to = REFERRED_TO[rng.random_range(0..REFERRED_TO.len())];
                    item.referred_to = Some(to.to_owned());
                    Some(format!("Đã chuyển {to} giải quyết."))
                }
                _ => None,
            };
            if outcome == "duplicate" {
                if item.local == 0 {
                    item.referred_to = None;
                    step(
                        item,
                        ack_at,
                        "reject",
                        "new",
                        "rejected",
                        Some("Phản ánh chưa đủ thông tin để xác minh.".to_owned()),
                    );
                } else {
                    let of = rng.random_range(item.local.saturating_sub(50)..item.local);
                    item.duplicate_of_local = Some(of);
                    step(item, ack_at, "duplicate", "new", "duplicate", None);
                }
            } else {
                step(item, ack_at, outcome_step(outcome), "new", outcome, note);
            }
            item.closed = Some(ack_at);
            return;
        }
        _ => {}
    }
    step(item, ack_at, "acknowledge", "new", "acknowledged", None);
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
        step(item, start_at, "start", "acknowledged", "in_progress", None);
    }
    let resolve_missed = resolve_at > item.resolve_due && item.resolve_due < now;
    if resolve_missed {
        escalate(item, item.resolve_due + SignedDuration::from_mins(1));
    }
    if resolve_at >= now {
        finish_open(item, now, |_, _| {});
        return;
    }
    let from = item.status;
    let answer = names::answer(item.category).to_owned();
    step(
        item,
        resolve_at,
        "resolve",
        from,
        "resolved",
        Some(answer.clone()),
    );
    item.resolved = Some(resolve_at);
    item.closed = Some(resolve_at);
    // A few senders reopen within the window, and get a second answer.
    if rng.random_bool(0.03) {
        let reopen_at = resolve_at + SignedDuration::from_hours(rng.random_range(2..200));
        let again = add_working_minutes(reopen_at, rng.random_range(60..1200), cal);
        if again < now {
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
                again,
                "resolve",
                "in_progress",
                "resolved",
                Some(answer),
            );
            item.resolved = Some(again);
            item.closed = Some(again);
        }
    }
    if rng.random_bool(0.55) {
        let at =
            item.closed.expect("resolved") + SignedDuration::from_hours(rng.random_range(1..72));
        if at < now {
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
    }
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

/// Numbers items in order of creation across communes (so "newest first" by id is true),
/// gives each a unique tracking code and turns everything into rows.
pub fn into_rows(
    mut items: Vec<Item>,
    first_id: i64,
    first_event_id: i64,
    seed: u64,
    communes: usize,
) -> (Rows, Rows) {
    items.sort_by_key(|a| (a.created, a.commune, a.local));
    // Global ids of (commune, local), for duplicates.
    let mut ids = vec![Vec::new(); communes];
    for (i, it) in items.iter().enumerate() {
        let v = &mut ids[it.commune];
        if v.len() <= it.local {
            v.resize(it.local + 1, 0);
        }
        v[it.local] = first_id + i as i64;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_F33D);
    let mut codes = HashSet::with_capacity(items.len());
    let mut feedback = Rows::new("feedback", FEEDBACK_COLUMNS);
    let mut events = Rows::new("feedback_events", EVENT_COLUMNS);
    let mut event_id = first_event_id;
    let stamp = tuquan_store::stamp;
    for (i, it) in items.into_iter().enumerate() {
        let id = first_id + i as i64;
        let code = loop {
            let c = TrackingCode::from_random(rng.random()).as_str().to_owned();
            if codes.insert(c.clone()) {
                break c;
            }
        };
        let updated = it.events.iter().map(|e| e.at).max().unwrap_or(it.created);
        let duplicate_of = it.duplicate_of_local.map(|l| ids[it.commune][l]);
        feedback.push([
            Value::from(id),
            Value::from(code),
            Value::from(it.province),
            Value::from(it.commune_code),
            Value::from(it.unit_code),
            Value::from(it.unit_path),
            Value::Static(it.category),
            Value::from(it.description),
            Value::from(it.address),
            Value::from(it.lat),
            Value::from(it.lng),
            Value::from(it.contact_name),
            Value::from(it.contact_phone),
            Value::from(it.contact_email),
            Value::Int(None),
            Value::Int(None),
            Value::Static(it.status),
            Value::Static(it.responsible.level.as_str()),
            Value::Static(it.responsible.role.as_str()),
            Value::Int(None),
            Value::from(stamp(it.ack_due)),
            Value::from(stamp(it.resolve_due)),
            Value::from(it.acknowledged.map(stamp)),
            Value::from(it.resolved.map(stamp)),
            Value::from(it.closed.map(stamp)),
            Value::from(it.escalations),
            Value::from(duplicate_of),
            Value::from(it.referred_to),
            Value::from(it.public_answer),
            Value::from(it.rating),
            Value::from(it.reopen_count),
            Value::from(stamp(it.created)),
            Value::from(stamp(updated)),
        ]);
        let mut evs = it.events;
        evs.sort_by_key(|e| e.at);
        for e in evs {
            event_id += 1;
            events.push([
                Value::from(event_id),
                Value::from(id),
                Value::from(stamp(e.at)),
                Value::Int(None),
                Value::from(e.actor),
                Value::Static(e.kind),
                Value::Text(e.from.map(str::to_owned)),
                Value::Text(e.to.map(str::to_owned)),
                Value::from(e.public_note),
                Value::from(e.internal_note),
            ]);
        }
    }
    (feedback, events)
}
