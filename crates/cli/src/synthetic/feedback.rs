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
use super::walk::walk;

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

pub(super) const REFERRED_TO: &[&str] = &[
    "Công ty Điện lực",
    "Công ty Cấp nước",
    "Đội Cảnh sát giao thông",
    "Ban Quản lý dự án",
    "Công ty Dịch vụ công ích",
];

/// One event of an item's history.
pub struct Event {
    pub(super) at: Timestamp,
    pub(super) actor: Option<String>,
    pub(super) kind: &'static str,
    pub(super) from: Option<&'static str>,
    pub(super) to: Option<&'static str>,
    pub(super) public_note: Option<String>,
    pub(super) internal_note: Option<String>,
}

/// An item before it has its global id.
pub struct Item {
    pub created: Timestamp,
    /// (commune ordinal, index in the commune): for duplicates.
    pub commune: usize,
    pub local: usize,
    pub(super) duplicate_of_local: Option<usize>,
    pub(super) province: String,
    pub(super) commune_code: String,
    pub(super) unit_code: String,
    pub(super) unit_path: String,
    pub(super) category: &'static str,
    pub(super) description: String,
    pub(super) address: Option<String>,
    pub(super) lat: Option<f64>,
    pub(super) lng: Option<f64>,
    pub(super) contact_name: Option<String>,
    pub(super) contact_phone: Option<String>,
    pub(super) contact_email: Option<String>,
    pub(super) status: &'static str,
    pub(super) responsible: Responsible,
    pub(super) ack_due: Timestamp,
    pub(super) resolve_due: Timestamp,
    pub(super) acknowledged: Option<Timestamp>,
    pub(super) resolved: Option<Timestamp>,
    pub(super) closed: Option<Timestamp>,
    pub(super) escalations: i64,
    pub(super) referred_to: Option<String>,
    pub(super) public_answer: Option<String>,
    pub(super) rating: Option<i64>,
    pub(super) reopen_count: i64,
    pub(super) events: Vec<Event>,
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

/// `count` creation times over the two years before `now`, in the day's waking hours, oldest
/// first.
fn creation_times(rng: &mut ChaCha8Rng, count: usize, now: Timestamp) -> Vec<Timestamp> {
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
    created
}

/// A named sender: a Vietnamese name, a mobile number, sometimes an e-mail address.
fn sender(rng: &mut ChaCha8Rng) -> (Option<String>, Option<String>, Option<String>) {
    let female = rng.random_bool(0.5);
    let family = names::FAMILY.pick(rng);
    let given = if female {
        names::GIVEN_FEMALE.pick(rng)
    } else {
        names::GIVEN_MALE.pick(rng)
    };
    let mid = if female { "Thị" } else { "Văn" };
    let phone = format!("09{:08}", rng.random_range(0..100_000_000));
    let email = rng
        .random_bool(0.15)
        .then(|| format!("nguoidan{}@example.vn", rng.random_range(1000..99_999)));
    (Some(format!("{family} {mid} {given}")), Some(phone), email)
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
    let created = creation_times(&mut rng, count, now);
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
            sender(&mut rng)
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
