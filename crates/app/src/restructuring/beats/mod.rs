//! Police and militia beats (docs/beats.md): a commune's beats of area police officers as
//! assignments of whole residential units with dates, the militia heads of the units below
//! the commune, the alignment report and carrying beats to the successors of restructured
//! units. An officer's account grants follow the beat: assigning a unit gives the account an
//! area police grant on it, ending the assignment removes it, each with a notice to the
//! officer through the outbox, in the transaction of the change.

use jiff::civil::Date;
use tuquan_domain::access::Action;
use tuquan_domain::restructuring::beats::{
    check_assignable, check_end, check_militia_unit, parse_end, parse_start, BeatAssignmentId,
    BeatId, BeatInput, BeatRule, MilitiaHeadId, MilitiaInput, NewBeat, NewMilitiaHead,
};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind, UserId};
use tuquan_store::outbox::NewMessage;
use tuquan_store::restructuring::beats::{BeatChanges, NewAssignment};
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

mod carry;
mod demo;
mod names;
mod printing;
mod report;

pub use carry::{carry, carry_preview, CarryView};
pub use demo::seed_demo;
pub use names::Names;
pub use printing::alignment_document;
pub use report::{alignment, missing_line, AlignmentReport, FINDINGS};
pub use tuquan_store::restructuring::beats::{BeatRecord, BeatUnitRecord, MilitiaRecord};

impl From<BeatRule> for AppError {
    fn from(r: BeatRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// A beat with its assignments, for its page.
#[derive(Debug, Clone)]
pub struct BeatDetail {
    pub beat: BeatRecord,
    pub commune: Unit,
    pub assignments: Vec<BeatUnitRecord>,
    /// The commune's open residential units that may be added (for the form's list).
    pub choices: Vec<(String, String)>,
    pub may_manage: bool,
}

/// A commune, checked to be one.
pub(crate) async fn commune(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    if unit.kind.tier() != Tier::Commune {
        return Err(AppError::NotFound);
    }
    Ok(unit)
}

/// The unit a form names in `unit_code`: one that does not exist is that field's error.
async fn unit_named(ctx: &Ctx, code: &str) -> AppResult<Unit> {
    match crate::territory::unit(&ctx.app, code).await {
        Err(AppError::NotFound) => {
            Err(FieldError::new("unit_code", FieldErrorKind::UnknownValue, "no unit").into())
        }
        other => other,
    }
}

fn who_name(ctx: &Ctx) -> AppResult<String> {
    Ok(ctx.who()?.user.username.clone())
}

pub(crate) fn may(ctx: &Ctx, action: Action, path: &str) -> bool {
    ctx.authorize(action, Some(path)).is_ok()
}

/// A store `Conflict` (the record changed meanwhile) as the rule `code` on `field`.
fn conflict_as(code: &'static str, field: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Conflict { .. } => AppError::rule(code, field, "changed meanwhile"),
        other => other.into(),
    }
}

/// A commune's beats (open first) and whether the actor may manage them.
pub async fn beats_of(ctx: &Ctx, code: &str) -> AppResult<(Unit, Vec<BeatRecord>, bool)> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatView, Some(&commune.path))?;
    let beats = ctx.store().beats_of_commune(&commune.code).await?;
    let manage = may(ctx, Action::BeatManage, &commune.path);
    Ok((commune, beats, manage))
}

async fn load(ctx: &Ctx, id: BeatId, action: Action) -> AppResult<BeatRecord> {
    let beat = ctx.store().beat(id).await?;
    ctx.authorize(action, Some(&beat.commune_path))?;
    Ok(beat)
}

/// A beat the actor manages, still open.
async fn load_open(ctx: &Ctx, id: BeatId) -> AppResult<BeatRecord> {
    let beat = load(ctx, id, Action::BeatManage).await?;
    if beat.valid_to.is_some() {
        return Err(AppError::rule("beat_ended", "valid_to", "ended"));
    }
    Ok(beat)
}

/// One beat with every assignment it had.
pub async fn beat(ctx: &Ctx, id: BeatId) -> AppResult<BeatDetail> {
    let beat = load(ctx, id, Action::BeatView).await?;
    let commune = crate::territory::unit(&ctx.app, &beat.commune_code).await?;
    let assignments = ctx.store().beat_assignments(id).await?;
    let day = ctx.today().to_string();
    let choices = ctx
        .store()
        .units_open_on(&commune, &day)
        .await?
        .into_iter()
        .filter(|u| {
            !assignments
                .iter()
                .any(|a| a.valid_to.is_none() && a.unit_code == u.code)
        })
        .map(|u| (u.code, u.name))
        .collect();
    let may_manage = beat.valid_to.is_none() && may(ctx, Action::BeatManage, &beat.commune_path);
    Ok(BeatDetail {
        beat,
        commune,
        assignments,
        choices,
        may_manage,
    })
}

/// The account named as the beat's officer, if any: it must exist and be enabled.
async fn officer(ctx: &Ctx, b: &NewBeat) -> AppResult<Option<(UserId, String)>> {
    let Some(name) = &b.officer_username else {
        return Ok(None);
    };
    match ctx.store().user_by_username(name).await? {
        Some(u) if !u.disabled => Ok(Some((u.id, u.display_name))),
        _ => Err(FieldError::new(
            "officer_username",
            FieldErrorKind::UnknownValue,
            "no such account",
        )
        .into()),
    }
}

/// A beat with the officer's account's display name when no name was typed.
async fn checked(ctx: &Ctx, input: &BeatInput) -> AppResult<(NewBeat, Option<UserId>)> {
    let mut b = NewBeat::parse(input, ctx.today())?;
    let off = officer(ctx, &b).await?;
    if b.officer_name.is_empty() {
        b.officer_name = off.as_ref().map(|o| o.1.clone()).unwrap_or_default();
    }
    Ok((b, off.map(|o| o.0)))
}

/// Writes a new beat of the commune `code`. Returns its id.
pub async fn create_beat(ctx: &Ctx, code: &str, input: &BeatInput) -> AppResult<BeatId> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatManage, Some(&commune.path))?;
    let (b, user) = checked(ctx, input).await?;
    let by = who_name(ctx)?;
    Ok(ctx
        .store()
        .create_beat(&commune, &b, user, &by, &ctx.audit_ctx())
        .await?)
}

/// Changes an open beat's name and officer; a new officer account takes over the grants.
pub async fn edit_beat(ctx: &Ctx, id: BeatId, input: &BeatInput) -> AppResult<()> {
    let cur = load_open(ctx, id).await?;
    let (b, user) = checked(ctx, input).await?;
    let mut msgs = Vec::new();
    if user != cur.officer_user_id {
        let stamp = ctx.now.as_millisecond();
        if let Some(old) = cur.officer_user_id {
            let text = format!("Bạn không còn phụ trách địa bàn “{}”.", cur.name);
            msgs.extend(notice(ctx, old, &format!("beat-{id}-off-{stamp}"), &text, id).await?);
        }
        if let Some(new) = user {
            let text = format!("Bạn được giao phụ trách địa bàn “{}”.", b.name);
            msgs.extend(notice(ctx, new, &format!("beat-{id}-on-{stamp}"), &text, id).await?);
        }
    }
    ctx.store()
        .edit_beat(&cur, &b, user, &msgs, &ctx.audit_ctx())
        .await
        .map_err(conflict_as("beat_ended", "valid_to"))
}

/// Ends a beat on `raw` (default today) with all its open assignments.
pub async fn end_beat(ctx: &Ctx, id: BeatId, raw: &str) -> AppResult<()> {
    let cur = load_open(ctx, id).await?;
    let to = parse_end(raw, ctx.today())?;
    check_end(&cur.valid_from, to, ctx.today())?;
    let open: Vec<_> = ctx
        .store()
        .beat_assignments(id)
        .await?
        .into_iter()
        .filter(|a| a.valid_to.is_none())
        .collect();
    for a in &open {
        check_end(&a.valid_from, to, ctx.today())?;
    }
    let day = to.to_string();
    let mut c = BeatChanges {
        ends: open.iter().map(|a| a.end_on(day.clone())).collect(),
        ..BeatChanges::default()
    };
    if let Some(user) = cur.officer_user_id {
        let text = format!("Địa bàn “{}” kết thúc từ ngày {}.", cur.name, vn(to));
        c.msgs = notice(ctx, user, &format!("beat-{id}-end"), &text, id).await?;
    }
    ctx.store()
        .end_beat(&cur, &day, &c, &who_name(ctx)?, &ctx.audit_ctx())
        .await
        .map_err(conflict_as("beat_ended", "valid_to"))
}

pub(crate) fn vn(d: Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

/// The officer's notice in the app and, where they gave an address, by e-mail.
pub(crate) async fn notice(
    ctx: &Ctx,
    user: UserId,
    key: &str,
    text: &str,
    beat_id: BeatId,
) -> AppResult<Vec<NewMessage>> {
    let mut channels = vec![("in_app", user.to_string())];
    if let Some(address) = ctx.store().email_of(user).await? {
        channels.push(("email", address));
    }
    Ok(channels
        .into_iter()
        .map(|(channel, recipient)| NewMessage {
            idempotency_key: format!("{key}-{channel}-{user}"),
            channel: channel.into(),
            recipient,
            user_id: Some(user),
            subject: text.to_owned(),
            body: format!("{text}\n\n/beats/{beat_id}"),
            purpose: "beat.grant".into(),
            about_type: "beat".into(),
            about_id: beat_id.get(),
        })
        .collect())
}

/// Puts the unit `unit_code` (whole, with its subtree) in the beat from `raw` (default
/// today). The officer's account, if any, gets an area police grant on it. Returns the
/// assignment's id.
pub async fn assign_unit(
    ctx: &Ctx,
    id: BeatId,
    unit_code: &str,
    raw: &str,
) -> AppResult<BeatAssignmentId> {
    let beat = load_open(ctx, id).await?;
    let mut checks = tuquan_domain::Checks::default();
    let code = checks.check(tuquan_domain::text::required(unit_code, "unit_code", 40));
    let from = checks.check(parse_start(raw, ctx.today()));
    let (Some(code), Some(from)) = (code, from) else {
        return Err(checks.into_errors().into());
    };
    let unit = unit_named(ctx, &code).await?;
    ctx.authorize(Action::BeatManage, Some(&unit.path))?;
    check_assignable(&unit, from)?;
    if from.to_string() < beat.valid_from {
        return Err(AppError::rule(
            "beat_unit_before_beat",
            "valid_from",
            "early",
        ));
    }
    let open = ctx.store().beat_assignments(id).await?;
    if open
        .iter()
        .any(|a| a.valid_to.is_none() && a.unit_code == unit.code)
    {
        return Err(AppError::rule("beat_unit_already", "unit_code", "already"));
    }
    let mut c = BeatChanges {
        assign: vec![NewAssignment {
            beat_id: id,
            unit_code: unit.code.clone(),
            unit_path: unit.path.clone(),
            valid_from: from.to_string(),
            event_id: None,
            officer_user_id: beat.officer_user_id,
        }],
        ..BeatChanges::default()
    };
    if let Some(user) = beat.officer_user_id {
        let text = format!(
            "{} thuộc địa bàn “{}” của bạn từ ngày {}: bạn được quyền cảnh sát khu vực tại đây.",
            unit.name,
            beat.name,
            vn(from)
        );
        let key = format!("beat-{id}-unit-{}-{from}-on", unit.code);
        c.msgs = notice(ctx, user, &key, &text, id).await?;
    }
    let ids = ctx
        .store()
        .change_beats(&c, None, &who_name(ctx)?, &ctx.audit_ctx())
        .await?;
    ids.first()
        .copied()
        .ok_or_else(|| AppError::Internal("no assignment written".into()))
}

/// Ends an open assignment on `raw` (default today); the officer's grant on the unit ends.
/// Returns the beat's id.
pub async fn end_assignment(
    ctx: &Ctx,
    assignment_id: BeatAssignmentId,
    raw: &str,
) -> AppResult<BeatId> {
    let a = ctx.store().beat_assignment(assignment_id).await?;
    let beat = load(ctx, a.beat_id, Action::BeatManage).await?;
    if a.valid_to.is_some() {
        return Err(AppError::rule("beat_unit_ended", "valid_to", "ended"));
    }
    let to = parse_end(raw, ctx.today())?;
    check_end(&a.valid_from, to, ctx.today())?;
    let mut c = BeatChanges {
        ends: vec![a.end_on(to.to_string())],
        ..BeatChanges::default()
    };
    if let Some(user) = beat.officer_user_id {
        let text = format!(
            "{} không còn thuộc địa bàn “{}” từ ngày {}: quyền cảnh sát khu vực tại đây kết thúc.",
            a.unit_name,
            beat.name,
            vn(to)
        );
        let key = format!("beat-unit-{assignment_id}-off");
        c.msgs = notice(ctx, user, &key, &text, beat.id).await?;
    }
    ctx.store()
        .change_beats(&c, None, &who_name(ctx)?, &ctx.audit_ctx())
        .await
        .map_err(conflict_as("beat_unit_ended", "valid_to"))?;
    Ok(beat.id)
}

/// The militia heads of a commune (open first; the names and phones are personal data,
/// so the read is audited) and whether the actor may appoint.
pub async fn militia(ctx: &Ctx, code: &str) -> AppResult<(Unit, Vec<MilitiaRecord>, bool)> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatView, Some(&commune.path))?;
    let list = ctx.store().militia_of_commune(&commune.code).await?;
    ctx.audit_read(
        "militia.list_viewed",
        "unit",
        commune.code.clone(),
        &commune.path,
    )
    .await?;
    let manage = may(ctx, Action::BeatManage, &commune.path);
    Ok((commune, list, manage))
}

/// The units directly below the commune open today, for the appointment form.
pub async fn militia_units(ctx: &Ctx, commune: &Unit) -> AppResult<Vec<(String, String)>> {
    let day = ctx.today().to_string();
    Ok(ctx
        .store()
        .units_open_on(commune, &day)
        .await?
        .into_iter()
        .filter(|u| u.level == 3)
        .map(|u| (u.code, u.name))
        .collect())
}

/// Appoints the militia head of a unit directly below the commune `code`.
pub async fn appoint_militia(
    ctx: &Ctx,
    code: &str,
    input: &MilitiaInput,
) -> AppResult<MilitiaHeadId> {
    let commune = commune(ctx, code).await?;
    ctx.authorize(Action::BeatManage, Some(&commune.path))?;
    let m = NewMilitiaHead::parse(input, ctx.today())?;
    let unit = unit_named(ctx, &m.unit_code).await?;
    if unit.parent_code.as_deref() != Some(commune.code.as_str()) {
        return Err(AppError::rule(
            "militia_unit_level",
            "unit_code",
            "elsewhere",
        ));
    }
    check_militia_unit(&unit, m.valid_from)?;
    ctx.store()
        .appoint_militia_head(&commune, &unit, &m, &who_name(ctx)?, &ctx.audit_ctx())
        .await
        .map_err(conflict_as("militia_head_present", "unit_code"))
}

/// Ends a militia head's service on `raw` (default today). Returns the commune's code.
pub async fn end_militia(ctx: &Ctx, id: MilitiaHeadId, raw: &str) -> AppResult<String> {
    let cur = militia_one(ctx, id).await?;
    if cur.valid_to.is_some() {
        return Err(AppError::rule("militia_head_ended", "valid_to", "ended"));
    }
    let to = parse_end(raw, ctx.today())?;
    check_end(&cur.valid_from, to, ctx.today())?;
    ctx.store()
        .end_militia_head(&cur, &to.to_string(), &ctx.audit_ctx())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::rule("militia_head_ended", "valid_to", "raced"),
            other => other.into(),
        })?;
    Ok(cur.commune_code)
}

/// The beat of assignment `id` (seen by whoever may see the beat).
pub async fn assignment_beat(ctx: &Ctx, id: BeatAssignmentId) -> AppResult<BeatId> {
    let a = ctx.store().beat_assignment(id).await?;
    load(ctx, a.beat_id, Action::BeatView).await?;
    Ok(a.beat_id)
}

/// One militia head the actor manages (for the page ending the service).
pub async fn militia_one(ctx: &Ctx, id: MilitiaHeadId) -> AppResult<MilitiaRecord> {
    let m = ctx.store().militia_head(id).await?;
    ctx.authorize(Action::BeatManage, Some(&m.unit_path))?;
    Ok(m)
}
