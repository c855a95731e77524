//! Announcements: publish at a unit, pass on down the tree, acknowledge once per household,
//! new versions, withdrawal, the dashboard and the notice board. Each use case loads its
//! target, authorizes on the unit it acts on, applies the domain's rules, writes through the
//! store (which audits and writes the messages in the same transaction).

use tuquan_domain::access::Action;
use tuquan_domain::announcements::{
    pass_on_deadline, AckChannel, AckRule, AnnouncementId, Category, EditAnnouncementInput,
    NewAnnouncement, NewAnnouncementInput, Status,
};
use tuquan_domain::files::{FileId, OwnerKind};
use tuquan_domain::territory::Unit;
use tuquan_domain::{HouseholdId, ResidentId};
use tuquan_store::announcements::{Author, NewAck, Reach};

use crate::files::{check_uploads, UploadedFile};
use crate::{AppError, AppResult, Ctx};

/// The form field (and API part) of an announcement's attachments.
pub const ATTACHMENT_FIELD: &str = "attachment";

mod channels;
mod demo;
mod passing;
mod printing;
mod reads;

pub use channels::{my_channels, set_my_channels, ChannelsInput};
pub use demo::seed_demo;
pub use passing::passing;
pub use printing::not_reached_document;

pub(crate) use reads::may_read;
pub use reads::*;
pub use tuquan_store::announcements::{
    AckCount, AnnouncementRecord, DeliveryCounts, NotReached, PassOnRecord, PassingRecord,
    VersionRecord,
};
pub use tuquan_store::announcements::{ChannelChoice, CHANNELS};

/// The deepest pass-on level given its own deadline (deeper levels share the last).
const DEADLINE_LEVELS: u32 = 6;

impl From<AckRule> for AppError {
    fn from(r: AckRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

fn status_of(a: &AnnouncementRecord) -> Status {
    a.status
}

fn author(ctx: &Ctx) -> AppResult<Author> {
    let who = ctx.who()?;
    Ok(Author {
        user_id: Some(who.user.id),
        name: who.user.display_name.clone(),
    })
}

/// The narrowing of a stored announcement: (group kinds, roles), comma-separated.
fn target_of(a: &AnnouncementRecord) -> (String, String) {
    (a.group_kinds.clone(), a.roles.clone())
}

/// The texts of the messages an announcement sends when it reaches a unit, and its audience.
fn reach(
    (id, version): (AnnouncementId, i64),
    (title, body): (&str, &str),
    category: &str,
    unit: &str,
    (group_kinds, roles): (String, String),
    base: Option<&crate::links::PublicBaseUrl>,
) -> Reach {
    // A link to the announcement only where the public address is configured: a relative
    // one means nothing in an e-mail or an SMS.
    let link = base
        .map(|b| format!("\n{}", b.join(&format!("/announcements/{id}"))))
        .unwrap_or_default();
    let urgent = if category == Category::Emergency.as_str() {
        "KHẨN: "
    } else {
        ""
    };
    Reach {
        key_prefix: format!("announcement-{id}-v{version}"),
        announcement_id: id,
        head_subject: format!("{urgent}Thông báo chờ chuyển tiếp: {title}"),
        resident_subject: format!("{urgent}Thông báo: {title}"),
        body: format!("{body}\n\n— {unit}{link}"),
        group_kinds,
        roles,
    }
}

/// Loads an announcement; not found is not found.
pub(crate) async fn load(ctx: &Ctx, id: AnnouncementId) -> AppResult<AnnouncementRecord> {
    Ok(ctx.store().announcement(id).await?)
}

/// Publishes an announcement at the unit `unit_code`. Returns its id.
pub async fn publish(
    ctx: &Ctx,
    unit_code: &str,
    input: &NewAnnouncementInput,
) -> AppResult<AnnouncementId> {
    publish_with_files(ctx, unit_code, input, &[]).await
}

/// Publishes an announcement with attached files (PDF or images, field `attachment`), all in
/// one transaction. Returns its id.
pub async fn publish_with_files(
    ctx: &Ctx,
    unit_code: &str,
    input: &NewAnnouncementInput,
    files: &[UploadedFile],
) -> AppResult<AnnouncementId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementPublish, Some(&unit.path))?;
    publish_at(ctx, &unit, input, files).await
}

/// Publishes at `unit` for a use case that has already authorized its own action on the
/// unit (a meeting's invitation, sent by whoever may schedule the meeting).
pub(crate) async fn publish_at(
    ctx: &Ctx,
    unit: &Unit,
    input: &NewAnnouncementInput,
    files: &[UploadedFile],
) -> AppResult<AnnouncementId> {
    let unit = unit.clone();
    // Every refused field at once, the files' with the others.
    let parsed = NewAnnouncement::parse_all(input, ctx.today());
    let checked = check_uploads(ATTACHMENT_FIELD, files);
    let (a, files) = match (parsed, checked) {
        (Ok(a), Ok(f)) => (a, f),
        (Err(mut e), Err(AppError::Invalid(f))) => {
            e.push(f);
            return Err(e.into());
        }
        (Err(mut e), Err(AppError::InvalidFields(f))) => {
            e.extend(f);
            return Err(e.into());
        }
        (Err(e), _) => return Err(e.into()),
        (Ok(_), Err(e)) => return Err(e),
    };
    let deadlines: Vec<String> = (1..=DEADLINE_LEVELS)
        .map(|d| tuquan_store::stamp(pass_on_deadline(ctx.now, d, a.urgency)))
        .collect();
    let by = author(ctx)?;
    let (title, body, category) = (a.title.clone(), a.body.clone(), a.category.as_str());
    let name = unit.name.clone();
    let join = |v: Vec<&str>| v.join(",");
    let target = (
        join(a.group_kinds.iter().map(|k| k.as_str()).collect()),
        join(a.roles.iter().map(|r| r.as_str()).collect()),
    );
    let id = ctx
        .store()
        .publish_announcement(
            &unit,
            &a,
            &files,
            &by,
            &deadlines,
            |id| {
                let base = ctx.app.public_base_url();
                reach(
                    (id, 1),
                    (&title, &body),
                    category,
                    &name,
                    target.clone(),
                    base,
                )
            },
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(id)
}

/// Edits the title and body: a new version, which households acknowledge afresh. Returns the
/// new version.
pub async fn edit(ctx: &Ctx, id: AnnouncementId, input: &EditAnnouncementInput) -> AppResult<i64> {
    edit_with_files(ctx, id, input, &[]).await
}

/// A new version that may also add attachments and drop some (`input.remove_files`); the
/// others stay. Every refused field at once.
pub async fn edit_with_files(
    ctx: &Ctx,
    id: AnnouncementId,
    input: &EditAnnouncementInput,
    files: &[UploadedFile],
) -> AppResult<i64> {
    let a = load(ctx, id).await?;
    ctx.authorize(Action::AnnouncementPublish, Some(&a.unit_path))?;
    AckRule::change(status_of(&a))?;
    let mut c = tuquan_domain::Checks::default();
    let title = c.check(tuquan_domain::announcements::input_title(&input.title));
    let body = c.check(tuquan_domain::announcements::input_body(&input.body));
    let mut errors = c.into_errors();
    let files = match check_uploads(ATTACHMENT_FIELD, files) {
        Ok(f) => f,
        Err(AppError::Invalid(e)) => {
            errors.push(e);
            Vec::new()
        }
        Err(AppError::InvalidFields(e)) => {
            errors.extend(e);
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let (Some(title), Some(body), true) = (title, body, errors.is_empty()) else {
        return Err(errors.into());
    };
    let current = ctx
        .store()
        .files_of(OwnerKind::Announcement, id.get())
        .await?;
    let keep: Vec<FileId> = current
        .iter()
        .map(|f| f.id)
        .filter(|f| !input.remove_files.contains(f))
        .collect();
    let unit = crate::territory::unit(&ctx.app, &a.unit_code).await?;
    let owner = crate::files::owner(
        OwnerKind::Announcement,
        id.get(),
        &unit.province_code,
        &a.unit_path,
    );
    let by = author(ctx)?;
    let r = reach(
        (id, a.version + 1),
        (&title, &body),
        &a.category,
        &a.unit_name,
        target_of(&a),
        ctx.app.public_base_url(),
    );
    Ok(ctx
        .store()
        .edit_announcement(
            &a,
            &title,
            &body,
            (&owner, &files, &keep),
            &by.name,
            &r,
            &ctx.audit_ctx(),
        )
        .await?)
}

/// Withdraws the announcement; it stays readable as a record.
pub async fn withdraw(ctx: &Ctx, id: AnnouncementId, reason: &str) -> AppResult<()> {
    let a = load(ctx, id).await?;
    ctx.authorize(Action::AnnouncementPublish, Some(&a.unit_path))?;
    AckRule::change(status_of(&a))?;
    let reason = tuquan_domain::text::required(reason, "reason", 500)?;
    ctx.store()
        .withdraw_announcement(&a, &reason, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// Whether the announcement has reached `unit`: written there, or passed on there.
async fn reached(ctx: &Ctx, a: &AnnouncementRecord, unit_code: &str) -> AppResult<bool> {
    if a.unit_code == unit_code {
        return Ok(true);
    }
    Ok(ctx
        .store()
        .pass_on_row(a.id, unit_code)
        .await?
        .is_some_and(|r| r.passed_on_at.is_some()))
}

/// The unit's head passes the announcement on to the unit's households and the units below,
/// with an optional note.
pub async fn pass_on(
    ctx: &Ctx,
    id: AnnouncementId,
    unit_code: &str,
    note: Option<&str>,
) -> AppResult<()> {
    let a = load(ctx, id).await?;
    let unit: Unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementPassOn, Some(&unit.path))?;
    let Some(row) = ctx.store().pass_on_row(id, &unit.code).await? else {
        return Err(AppError::rule(
            "announcement_not_below",
            "unit",
            "not below its unit",
        ));
    };
    let parent_reached = reached(ctx, &a, &row.parent_code).await?;
    AckRule::pass_on(status_of(&a), parent_reached, row.passed_on_at.is_some())?;
    let note = note
        .map(|n| tuquan_domain::text::required(n, "note", 1000))
        .transpose()
        .or_else(|e| match e.kind {
            tuquan_domain::FieldErrorKind::Required => Ok(None),
            _ => Err(e),
        })?;
    let by = author(ctx)?;
    let body = match &note {
        Some(n) => format!("{}\n\n{n}", a.body),
        None => a.body.clone(),
    };
    let r = reach(
        (id, a.version),
        (&a.title, &body),
        &a.category,
        &unit.name,
        target_of(&a),
        ctx.app.public_base_url(),
    );
    ctx.store()
        .pass_on_announcement(id, &unit, note.as_deref(), &by.name, &r, &ctx.audit_ctx())
        .await
        .map_err(|e| match e {
            tuquan_store::StoreError::Conflict { .. } => {
                AppError::rule("announcement_already_passed_on", "unit", "raced")
            }
            other => other.into(),
        })?;
    Ok(())
}

/// What an acknowledgement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledged {
    /// Counted now.
    Counted,
    /// The household had already acknowledged this version.
    Already,
}

/// Records the acknowledgement of `household` (id, resident, unit code, unit path) once the
/// household is found within the announcement's reach and audience.
async fn record_ack(
    ctx: &Ctx,
    a: &AnnouncementRecord,
    household: (HouseholdId, Option<ResidentId>, String, String),
    on_behalf: bool,
    channel: AckChannel,
) -> AppResult<Acknowledged> {
    let (household_id, resident_id, unit_code, unit_path) = household;
    // The household lives at the announcement's unit or below it.
    let below = unit_path == a.unit_path || unit_path.starts_with(&format!("{}/", a.unit_path));
    if !below {
        return Err(AppError::rule(
            "announcement_not_reached",
            "household",
            "elsewhere",
        ));
    }
    let here = reached(ctx, a, &unit_code).await?;
    AckRule::acknowledge(status_of(a), here, on_behalf, channel)?;
    if !ctx.store().household_targeted(a, household_id).await? {
        return Err(AppError::rule(
            "announcement_not_for_household",
            "household",
            "outside the audience",
        ));
    }
    let ack = NewAck {
        announcement_id: a.id,
        household_id,
        unit_code,
        unit_path,
        version: a.version,
        channel,
        resident_id,
        recorded_by: ctx.who()?.user.username.clone(),
    };
    let counted = ctx
        .store()
        .acknowledge_announcement(&ack, &ctx.audit_ctx())
        .await?;
    Ok(if counted {
        Acknowledged::Counted
    } else {
        Acknowledged::Already
    })
}

/// A resident acknowledges the current version for their household. Their own household is
/// theirs to answer for: no grant is needed, only the account's link to a resident.
pub async fn acknowledge_own(ctx: &Ctx, id: AnnouncementId) -> AppResult<Acknowledged> {
    let who = ctx.who()?;
    let a = load(ctx, id).await?;
    let Some((hid, rid, unit_code, path)) = ctx.store().household_of_user(who.user.id).await?
    else {
        return Err(AppError::rule(
            "no_household",
            "household",
            "account not linked",
        ));
    };
    record_ack(
        ctx,
        &a,
        (hid, Some(rid), unit_code, path),
        false,
        AckChannel::Online,
    )
    .await
}

/// A head records that a household was told, and how.
pub async fn acknowledge_on_behalf(
    ctx: &Ctx,
    id: AnnouncementId,
    household_id: HouseholdId,
    channel: &str,
) -> AppResult<Acknowledged> {
    let a = load(ctx, id).await?;
    let Some((unit_code, path)) = ctx.store().household_unit(household_id).await? else {
        return Err(AppError::NotFound);
    };
    ctx.authorize(Action::AnnouncementAcknowledgeOnBehalf, Some(&path))?;
    let channel = AckChannel::parse(channel).ok_or_else(|| {
        tuquan_domain::FieldError::new(
            "channel",
            tuquan_domain::FieldErrorKind::UnknownValue,
            "unknown channel",
        )
    })?;
    record_ack(
        ctx,
        &a,
        (household_id, None, unit_code, path),
        true,
        channel,
    )
    .await
}

/// Chooses where the signed-in account receives messages (`email` address, `sms` phone);
/// empty removes it.
pub async fn set_delivery_address(ctx: &Ctx, channel: &str, address: &str) -> AppResult<()> {
    let who = ctx.who()?;
    let bad = |field| {
        tuquan_domain::FieldError::new(field, tuquan_domain::FieldErrorKind::InvalidFormat, "bad")
    };
    let address = address.trim();
    let valid = match channel {
        "email" => address.is_empty() || address.parse::<lettre::Address>().is_ok(),
        "sms" => address.is_empty() || address.chars().all(|c| c.is_ascii_digit() || c == '+'),
        _ => return Err(bad("channel").into()),
    };
    if !valid {
        return Err(bad("address").into());
    }
    let address = (!address.is_empty()).then_some(address);
    ctx.store()
        .set_delivery_address(who.user.id, channel, address, &ctx.audit_ctx())
        .await?;
    Ok(())
}
