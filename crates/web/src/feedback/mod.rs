//! Feedback services shared by the pages, the JSON API and Open311: submission (routing,
//! deadlines, tracking code, photos), workflow steps, public views, notifications.
//! Each loads what it acts on and makes the one authorization check on its unit.

use rand::RngCore;
use serde::Serialize;
use tuquan_domain::access::{authorize, Action};
use tuquan_domain::feedback::{
    add_working_minutes, photo, Category, NewFeedback, NewFeedbackInput, Responsible, Status,
    TrackingCode, Transition,
};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::feedback::{FeedbackRecord, NewFeedbackRow, StepRecord, TransitionRecord};
use tuquan_store::StoreError;

use crate::auth::{Authenticated, RequestCtx};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::AppState;

pub mod jobs;
pub mod notify;
pub mod sender;
pub mod staff;
pub mod upload;

/// Days after resolution during which the submitter may reopen.
pub const REOPEN_DAYS: i64 = 14;

/// The commune a unit belongs to (itself for a commune).
pub fn commune_code(unit: &Unit) -> String {
    unit.code.split('-').next().unwrap_or(&unit.code).to_owned()
}

fn field(field: &'static str, kind: FieldErrorKind, detail: &str) -> Failure {
    FieldError::new(field, kind, detail).into()
}

/// The unit feedback is about: a commune or a residential unit, current.
pub async fn feedback_unit(state: &AppState, code: &str) -> Result<Unit, Failure> {
    let unknown = || field("unit_code", FieldErrorKind::UnknownValue, "no such unit");
    let code = tuquan_domain::territory::UnitCode::parse(code).map_err(|e| match e.kind {
        FieldErrorKind::Required => field("unit_code", FieldErrorKind::Required, "empty"),
        _ => unknown(),
    })?;
    let unit = match state.store.unit(code.as_str()).await {
        Ok(u) => u.unit,
        Err(StoreError::NotFound) => return Err(unknown()),
        Err(e) => return Err(e.into()),
    };
    if unit.kind.tier() == Tier::Province || unit.valid_to.is_some() {
        return Err(field(
            "unit_code",
            FieldErrorKind::NotAllowedHere,
            "a commune or a residential unit",
        ));
    }
    Ok(unit)
}

/// The category of a commune by code.
pub async fn category(state: &AppState, commune: &str, code: &str) -> Result<Category, Failure> {
    if code.trim().is_empty() {
        return Err(field("category", FieldErrorKind::Required, "empty"));
    }
    state
        .store
        .categories_for(commune)
        .await?
        .into_iter()
        .find(|c| c.code == code.trim())
        .ok_or_else(|| {
            field(
                "category",
                FieldErrorKind::UnknownValue,
                "no such category here",
            )
        })
}

/// Who sends it.
pub enum Sender<'a> {
    Anonymous,
    /// A signed-in resident (or anyone signed in) sending for themselves.
    SignedIn(&'a Authenticated),
    /// A unit head or official filing for a resident who came in person.
    OnBehalf(&'a Authenticated),
}

/// Checks, routes and stores new feedback; notifies those responsible. Nothing is written
/// unless every part is valid.
pub async fn submit(
    state: &AppState,
    sender: Sender<'_>,
    input: &NewFeedbackInput,
    photos: &[Vec<u8>],
    rc: &RequestCtx,
) -> Result<FeedbackRecord, Failure> {
    let unit = feedback_unit(state, &input.unit_code).await?;
    let commune = commune_code(&unit);
    let cat = category(state, &commune, &input.category).await?;
    let who = match sender {
        Sender::Anonymous => None,
        Sender::SignedIn(w) => Some(w),
        Sender::OnBehalf(w) => {
            authorize(&w.actor, Action::FeedbackHandle, Some(&unit.path)).map_err(|d| {
                tracing::warn!(user = %w.user.username, %d, "denied");
                Failure::Forbidden
            })?;
            Some(w)
        }
    };
    let on_behalf = matches!(sender, Sender::OnBehalf(_));
    // Signed in, or filed by an official for someone who came in person: the sender is
    // known even without a contact.
    let feedback = NewFeedback::parse(input, cat.allow_anonymous, who.is_some())?;
    if photos.len() > photo::MAX_PHOTOS {
        return Err(field(
            "photo",
            FieldErrorKind::OutOfRange {
                min: 0,
                max: photo::MAX_PHOTOS as i64,
            },
            "too many photos",
        ));
    }
    let mut clean = Vec::with_capacity(photos.len());
    for p in photos.iter().filter(|p| !p.is_empty()) {
        let (ct, bytes) = photo::clean_photo(p)?;
        clean.push((ct.to_owned(), bytes));
    }
    let routes = state.store.routes_for(&commune).await?;
    let responsible = Responsible::route(&routes, &cat.code, unit.kind.tier() == Tier::Residential);
    let cal = state.store.work_calendar().await?;
    let now = jiff::Timestamp::now();
    let ack_due = tuquan_store::stamp(add_working_minutes(now, cat.ack_minutes, &cal));
    let resolve_due = tuquan_store::stamp(add_working_minutes(now, cat.resolve_minutes, &cal));
    let mut ctx = rc.audit(who);
    if ctx.actor_username.is_none() {
        ctx.actor_username = Some("anonymous".into());
    }
    let mut attempt = 0;
    let id = loop {
        let mut bytes = [0u8; 8];
        rand::rng().fill_bytes(&mut bytes);
        let row = NewFeedbackRow {
            tracking_code: TrackingCode::from_random(bytes).as_str().to_owned(),
            unit: &unit,
            commune_code: commune.clone(),
            feedback: &feedback,
            submitter_id: if on_behalf {
                None
            } else {
                who.map(|w| w.user.id)
            },
            filed_by_id: if on_behalf {
                who.map(|w| w.user.id)
            } else {
                None
            },
            responsible: responsible.clone(),
            ack_due_at: ack_due.clone(),
            resolve_due_at: resolve_due.clone(),
            photos: clean.clone(),
        };
        match state.store.create_feedback(&row, &ctx).await {
            Ok(id) => break id,
            // A clash of random codes is astronomically rare; try another.
            Err(StoreError::Conflict { .. }) if attempt < 3 => attempt += 1,
            Err(e) => return Err(e.into()),
        }
    };
    let item = state.store.feedback(id).await?;
    notify::arrived(state, &item).await?;
    Ok(item)
}

/// A workflow step requested by staff or by the submitter.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StepInput {
    /// `acknowledge`, `start`, `resolve`, `reject`, `duplicate`, `refer`, `note`, `assign`.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub public_note: Option<String>,
    #[serde(default)]
    pub internal_note: Option<String>,
    #[serde(default)]
    pub duplicate_of: Option<String>,
    #[serde(default)]
    pub referred_to: Option<String>,
    /// For `assign`: the user id, or empty to unassign.
    #[serde(default)]
    pub assignee_id: Option<String>,
}

fn note(raw: &Option<String>, name: &'static str) -> Result<Option<String>, Failure> {
    let t = tuquan_domain::text::clean(raw.as_deref().unwrap_or(""));
    if t.chars().count() > 2000 {
        return Err(field(name, FieldErrorKind::TooLong { max: 2000 }, "long"));
    }
    Ok((!t.is_empty()).then_some(t))
}

/// Applies a staff step to an item. The caller has checked `FeedbackHandle` on its unit.
pub async fn staff_step(
    state: &AppState,
    who: &Authenticated,
    rc: &RequestCtx,
    item: &FeedbackRecord,
    input: &StepInput,
) -> Result<(), Failure> {
    let public_note = note(&input.public_note, "public_note")?;
    let internal_note = note(&input.internal_note, "internal_note")?;
    let ctx = rc.audit(Some(who));
    let transition = match input.action.trim() {
        "acknowledge" => Transition::Acknowledge,
        "start" => Transition::Start,
        "resolve" => Transition::Resolve,
        "reject" => Transition::Reject {
            reason: public_note.clone().unwrap_or_default(),
        },
        "duplicate" => {
            let raw = input.duplicate_of.as_deref().unwrap_or("").trim();
            let original = if raw.is_empty() {
                0
            } else {
                // By tracking code or id.
                let found = match TrackingCode::parse(raw) {
                    Ok(code) => state.store.feedback_by_code(code.as_str()).await.ok(),
                    Err(_) => match raw.parse::<i64>() {
                        Ok(id) => state.store.feedback(id).await.ok(),
                        Err(_) => None,
                    },
                };
                let original = found.ok_or_else(|| {
                    field("duplicate_of", FieldErrorKind::UnknownValue, "no such item")
                })?;
                if original.id == item.id || original.commune_code != item.commune_code {
                    return Err(field(
                        "duplicate_of",
                        FieldErrorKind::NotAllowedHere,
                        "another item of the same commune",
                    ));
                }
                original.id
            };
            Transition::Duplicate { of: original }
        }
        "refer" => Transition::Refer {
            to: tuquan_domain::text::clean(input.referred_to.as_deref().unwrap_or("")),
        },
        "note" => {
            if public_note.is_none() && internal_note.is_none() {
                return Err(field("public_note", FieldErrorKind::Required, "a note"));
            }
            let step = StepRecord {
                kind: "note",
                public_note,
                internal_note,
            };
            state
                .store
                .feedback_step(item, &step, None, None, &ctx)
                .await?;
            if step_is_public(&step) {
                notify::public_step(state, item, "note").await?;
            }
            return Ok(());
        }
        "assign" => {
            let raw = input.assignee_id.as_deref().unwrap_or("").trim();
            let assignee = if raw.is_empty() {
                None
            } else {
                let id: i64 = raw.parse().map_err(|_| {
                    field(
                        "assignee_id",
                        FieldErrorKind::InvalidFormat,
                        "an account id",
                    )
                })?;
                let user = state.store.user_by_id(id).await.map_err(|_| {
                    field(
                        "assignee_id",
                        FieldErrorKind::UnknownValue,
                        "no such account",
                    )
                })?;
                // Only someone who may handle feedback there.
                let grants = state.store.grants_of(id).await?;
                let actor = tuquan_domain::access::Actor {
                    user_id: id,
                    username: user.username,
                    grants: grants.into_iter().map(|g| g.grant).collect(),
                };
                authorize(&actor, Action::FeedbackHandle, Some(&item.unit_path)).map_err(|_| {
                    field(
                        "assignee_id",
                        FieldErrorKind::NotAllowedHere,
                        "cannot handle feedback here",
                    )
                })?;
                Some(id)
            };
            let step = StepRecord {
                kind: "assign",
                public_note: None,
                internal_note,
            };
            state
                .store
                .feedback_step(item, &step, Some(assignee), None, &ctx)
                .await?;
            if let Some(a) = assignee {
                notify::assigned(state, item, a).await?;
            }
            return Ok(());
        }
        "" => return Err(field("action", FieldErrorKind::Required, "empty")),
        _ => return Err(field("action", FieldErrorKind::UnknownValue, "not a step")),
    };
    let from = item.status();
    let to = transition
        .apply(from, false)
        .map_err(|e| field(e.field(), FieldErrorKind::NotAllowedHere, e.code()))?;
    let record = TransitionRecord {
        kind: transition.name(),
        from,
        to,
        public_note: public_note.clone(),
        internal_note,
        duplicate_of: match transition {
            Transition::Duplicate { of } => Some(of),
            _ => None,
        },
        referred_to: match &transition {
            Transition::Refer { to } => Some(to.clone()),
            _ => None,
        },
    };
    state.store.transition_feedback(item, &record, &ctx).await?;
    notify::public_step(state, item, transition.name()).await?;
    Ok(())
}

fn step_is_public(s: &StepRecord) -> bool {
    s.public_note.is_some()
}

/// Whether the submitter may still reopen a resolved item.
pub fn within_reopen_window(item: &FeedbackRecord) -> bool {
    let Some(resolved) = item.resolved_at.as_deref() else {
        return false;
    };
    let Ok(at) = resolved.parse::<jiff::Timestamp>() else {
        return false;
    };
    jiff::Timestamp::now() < at + jiff::SignedDuration::from_hours(24 * REOPEN_DAYS)
}

/// The submitter (holder of the tracking code) reopens a resolved item.
pub async fn reopen(
    state: &AppState,
    rc: &RequestCtx,
    item: &FeedbackRecord,
    reason: &str,
) -> Result<(), Failure> {
    let reason = tuquan_domain::text::clean(reason);
    if reason.is_empty() {
        return Err(field(
            "reason",
            FieldErrorKind::Required,
            "why it is not resolved",
        ));
    }
    let from = item.status();
    let to = Transition::Reopen
        .apply(from, within_reopen_window(item))
        .map_err(|e| field(e.field(), FieldErrorKind::NotAllowedHere, e.code()))?;
    let mut ctx = rc.audit(None);
    ctx.actor_username = Some("submitter".into());
    let record = TransitionRecord {
        kind: "reopen",
        from,
        to,
        public_note: Some(reason),
        internal_note: None,
        duplicate_of: None,
        referred_to: None,
    };
    state.store.transition_feedback(item, &record, &ctx).await?;
    notify::reopened(state, item).await?;
    Ok(())
}

/// The submitter rates the answer of a closed item, 1 to 5.
pub async fn rate(
    state: &AppState,
    rc: &RequestCtx,
    item: &FeedbackRecord,
    raw: &str,
) -> Result<(), Failure> {
    let rating: i64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| {
            field(
                "rating",
                FieldErrorKind::OutOfRange { min: 1, max: 5 },
                "1 to 5",
            )
        })?;
    if item.status().is_open() {
        return Err(field(
            "rating",
            FieldErrorKind::NotAllowedHere,
            "only once answered",
        ));
    }
    let mut ctx = rc.audit(None);
    ctx.actor_username = Some("submitter".into());
    let step = StepRecord {
        kind: "rated",
        public_note: None,
        internal_note: None,
    };
    state
        .store
        .feedback_step(item, &step, None, Some(rating), &ctx)
        .await?;
    Ok(())
}

/// What anyone may see of an item: no name, phone, e-mail or street address.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicFeedback {
    pub tracking_code: String,
    pub category: String,
    pub category_name: String,
    /// `new`, `acknowledged`, `in_progress`, `resolved`, `rejected`, `duplicate`, `referred`.
    pub status: String,
    /// The unit, never the address.
    pub unit_code: String,
    pub unit_name: String,
    pub description: String,
    pub public_answer: Option<String>,
    pub referred_to: Option<String>,
    pub duplicate_of: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub rating: Option<i64>,
    pub history: Vec<PublicStep>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicStep {
    pub at: String,
    pub status: Option<String>,
    pub note: Option<String>,
}

/// The public view of an item (with or without its history).
pub async fn public_view(
    state: &AppState,
    lang: Lang,
    item: &FeedbackRecord,
    with_history: bool,
) -> Result<PublicFeedback, Failure> {
    let unit_name = state
        .store
        .unit(&item.unit_code)
        .await
        .map(|u| u.unit.name)
        .unwrap_or_default();
    let cats = state.store.categories_for(&item.commune_code).await?;
    let category_name = cats
        .iter()
        .find(|c| c.code == item.category)
        .map(|c| {
            if lang == Lang::En {
                c.name_en.clone()
            } else {
                c.name_vi.clone()
            }
        })
        .unwrap_or_else(|| item.category.clone());
    let history = if with_history {
        state
            .store
            .feedback_events(item.id)
            .await?
            .into_iter()
            .filter(|e| e.to_status.is_some() || e.public_note.is_some())
            .map(|e| PublicStep {
                at: e.at,
                status: e.to_status,
                note: e.public_note,
            })
            .collect()
    } else {
        Vec::new()
    };
    let duplicate_of = match item.duplicate_of {
        Some(id) => state.store.feedback(id).await.ok().map(|f| f.tracking_code),
        None => None,
    };
    Ok(PublicFeedback {
        tracking_code: item.tracking_code.clone(),
        category: item.category.clone(),
        category_name,
        status: item.status.clone(),
        unit_code: item.unit_code.clone(),
        unit_name,
        description: item.description.clone(),
        public_answer: item.public_answer.clone(),
        referred_to: item.referred_to.clone(),
        duplicate_of,
        created_at: item.created_at.clone(),
        updated_at: item.updated_at.clone(),
        rating: item.rating,
        history,
    })
}

/// The public views of a page of items (without history): unit names and category names
/// are read once per distinct unit and commune, not once per item.
pub async fn public_views(
    state: &AppState,
    lang: Lang,
    items: &[FeedbackRecord],
    scope: Option<&tuquan_domain::territory::Unit>,
) -> Result<Vec<PublicFeedback>, Failure> {
    use std::collections::HashMap;
    let mut units: HashMap<&str, String> = HashMap::new();
    // The unit the list is of is already known.
    if let Some(u) = scope {
        units.insert(&u.code, u.name.clone());
    }
    let mut cats: HashMap<&str, Vec<tuquan_domain::feedback::Category>> = HashMap::new();
    // Codes of the originals of duplicates, in one query.
    let originals: Vec<i64> = items.iter().filter_map(|i| i.duplicate_of).collect();
    let codes: HashMap<i64, String> = state
        .store
        .tracking_codes(&originals)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if !units.contains_key(item.unit_code.as_str()) {
            let name = state
                .store
                .unit(&item.unit_code)
                .await
                .map(|u| u.unit.name)
                .unwrap_or_default();
            units.insert(&item.unit_code, name);
        }
        if !cats.contains_key(item.commune_code.as_str()) {
            let c = state.store.categories_for(&item.commune_code).await?;
            cats.insert(&item.commune_code, c);
        }
        let category_name = cats[item.commune_code.as_str()]
            .iter()
            .find(|c| c.code == item.category)
            .map(|c| {
                if lang == Lang::En {
                    c.name_en.clone()
                } else {
                    c.name_vi.clone()
                }
            })
            .unwrap_or_else(|| item.category.clone());
        let duplicate_of = item.duplicate_of.and_then(|id| codes.get(&id).cloned());
        out.push(PublicFeedback {
            tracking_code: item.tracking_code.clone(),
            category: item.category.clone(),
            category_name,
            status: item.status.clone(),
            unit_code: item.unit_code.clone(),
            unit_name: units[item.unit_code.as_str()].clone(),
            description: item.description.clone(),
            public_answer: item.public_answer.clone(),
            referred_to: item.referred_to.clone(),
            duplicate_of,
            created_at: item.created_at.clone(),
            updated_at: item.updated_at.clone(),
            rating: item.rating,
            history: Vec::new(),
        });
    }
    Ok(out)
}

/// Escalates every overdue open item one level, once per missed deadline. Run periodically.
pub async fn escalate_overdue(state: &AppState) -> Result<usize, Failure> {
    let now = tuquan_store::now();
    let mut done = 0;
    let mut before = None;
    loop {
        let page = state
            .store
            .list_feedback(&tuquan_store::feedback::FeedbackFilter {
                overdue_at: Some(now.clone()),
                before_id: before,
                limit: 200,
                ..Default::default()
            })
            .await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        for item in &page {
            let missed = i64::from(item.ack_due_at < now && item.acknowledged_at.is_none())
                + i64::from(item.resolve_due_at < now && item.status().is_open());
            if item.escalations < missed {
                let current = Responsible {
                    level: tuquan_domain::feedback::Level::parse(&item.level)
                        .unwrap_or(tuquan_domain::feedback::Level::Unit),
                    role: tuquan_domain::access::Role::parse(&item.role)
                        .unwrap_or(tuquan_domain::access::Role::UnitHead),
                };
                let up = current.escalate();
                let ctx = tuquan_store::audit::AuditCtx {
                    actor_username: Some("system".into()),
                    ..Default::default()
                };
                state.store.escalate_feedback(item, &up, &ctx).await?;
                let item = state.store.feedback(item.id).await?;
                notify::escalated(state, &item).await?;
                done += 1;
            }
        }
    }
    Ok(done)
}

/// Whether `status` is one of the known ones (for filters).
pub fn parse_status(raw: &str) -> Result<Option<String>, Failure> {
    match raw.trim() {
        "" => Ok(None),
        s => Status::parse(s)
            .map(|s| Some(s.as_str().to_owned()))
            .ok_or_else(|| field("status", FieldErrorKind::UnknownValue, "not a status")),
    }
}
