//! Reading announcements: one with its versions, what waits at a unit, the dashboard, the
//! households not reached, and the public notice board.

use tuquan_domain::access::{allowed, Action};
use tuquan_domain::announcements::{AnnouncementId, Status};
use tuquan_domain::files::OwnerKind;

use super::{
    load, AckCount, AnnouncementRecord, DeliveryCounts, NotReached, PassOnRecord, VersionRecord,
};
use crate::{AppError, AppResult, Ctx};

/// An announcement with its history.
#[derive(Debug, Clone)]
pub struct AnnouncementDetail {
    pub announcement: AnnouncementRecord,
    pub versions: Vec<VersionRecord>,
    /// The current attachments, oldest first.
    pub files: Vec<crate::files::FileRecord>,
}

/// The dashboard of one unit: the unit's own row first, then each unit directly below.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub announcement: AnnouncementRecord,
    pub units: Vec<AckCount>,
    pub delivery: DeliveryCounts,
}

fn within(path: &str, root: &str) -> bool {
    path == root || path.starts_with(&format!("{root}/"))
}

/// Who may read an announcement: anybody when it is public; otherwise whoever may view
/// announcements on a unit of its subtree, and the residents of households in it.
pub(crate) async fn may_read(ctx: &Ctx, a: &AnnouncementRecord) -> AppResult<()> {
    if a.public && a.status == Status::Published {
        return Ok(());
    }
    let who = ctx.who()?;
    let by_grant = who.actor.grants.iter().any(|g| {
        allowed(g.role, Action::AnnouncementView)
            && match &g.unit_path {
                None => true,
                Some(p) => within(p, &a.unit_path) || within(&a.unit_path, p),
            }
    });
    if by_grant {
        return Ok(());
    }
    match ctx.store().household_of_user(who.user.id).await? {
        Some((_, _, _, path)) if within(&path, &a.unit_path) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// One announcement and its versions, newest first.
pub async fn get(ctx: &Ctx, id: AnnouncementId) -> AppResult<AnnouncementDetail> {
    let announcement = load(ctx, id).await?;
    may_read(ctx, &announcement).await?;
    let versions = ctx.store().announcement_versions(id).await?;
    let files = crate::files::list(ctx, OwnerKind::Announcement, id.get()).await?;
    Ok(AnnouncementDetail {
        announcement,
        versions,
        files,
    })
}

/// The announcements that reached a unit (written there or passed on there), for its staff.
pub async fn at_unit(ctx: &Ctx, unit_code: &str) -> AppResult<Vec<AnnouncementRecord>> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementView, Some(&unit.path))?;
    Ok(ctx.store().announcements_at(&unit.code, false, 200).await?)
}

/// What waits to be passed on in the unit's subtree.
pub async fn waiting(ctx: &Ctx, unit_code: &str) -> AppResult<Vec<PassOnRecord>> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementPassOn, Some(&unit.path))?;
    Ok(ctx.store().waiting_pass_on(&unit.path).await?)
}

/// "x of y households" for a unit of the announcement's subtree and each unit below it,
/// with the pass-on state and the delivery counts.
pub async fn dashboard(ctx: &Ctx, id: AnnouncementId, unit_code: &str) -> AppResult<Dashboard> {
    let announcement = load(ctx, id).await?;
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementView, Some(&unit.path))?;
    if !within(&unit.path, &announcement.unit_path) {
        return Err(AppError::NotFound);
    }
    let units = if announcement.targeted() {
        ctx.store()
            .targeted_ack_counts(&announcement, &unit.code)
            .await?
    } else {
        ctx.store().ack_counts(&announcement, &unit.code).await?
    };
    let delivery = ctx.store().delivery_counts(id).await?;
    Ok(Dashboard {
        announcement,
        units,
        delivery,
    })
}

/// The households of a unit's subtree not yet reached, for door-to-door visits (personal
/// data: the read is audited).
pub async fn not_reached(
    ctx: &Ctx,
    id: AnnouncementId,
    unit_code: &str,
) -> AppResult<(AnnouncementRecord, Vec<NotReached>)> {
    let a = load(ctx, id).await?;
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::AnnouncementView, Some(&unit.path))?;
    ctx.authorize(Action::HouseholdView, Some(&unit.path))?;
    if !within(&unit.path, &a.unit_path) {
        return Err(AppError::NotFound);
    }
    let rows = ctx.store().not_reached(&a, &unit.path, 5000).await?;
    ctx.audit_read(
        "announcement.not_reached_viewed",
        "announcement",
        id.to_string(),
        &unit.path,
    )
    .await?;
    Ok((a, rows))
}

/// The public notice board of a unit: public, published announcements that reached it.
/// Needs no sign-in.
pub async fn board(
    app: &crate::App,
    unit_code: &str,
) -> AppResult<(tuquan_domain::territory::Unit, Vec<AnnouncementRecord>)> {
    let unit = crate::territory::unit(app, unit_code).await?;
    let list = app.store().announcements_at(&unit.code, true, 50).await?;
    Ok((unit, list))
}

/// A public emergency announcement for CAP, published or withdrawn: alerting systems must
/// receive the `Cancel` too. Needs no sign-in; anything else is not found.
pub async fn public_alert(app: &crate::App, id: AnnouncementId) -> AppResult<AnnouncementRecord> {
    let a = app.store().announcement(id).await?;
    let emergency = a.category == tuquan_domain::announcements::Category::Emergency.as_str();
    if !(a.public && emergency) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// The attachments of announcements shown without sign-in (the notice board, the Atom feed):
/// only a public, published announcement's files, else none.
pub async fn public_files(
    app: &crate::App,
    a: &AnnouncementRecord,
) -> AppResult<Vec<crate::files::FileRecord>> {
    if !(a.public && a.status == Status::Published) {
        return Ok(Vec::new());
    }
    Ok(app
        .store()
        .files_of(OwnerKind::Announcement, a.id.get())
        .await?)
}

/// The attachments of a public emergency announcement for its CAP alert, each with the SHA-1
/// digest CAP 1.2 asks for (hex).
pub async fn alert_resources(
    app: &crate::App,
    a: &AnnouncementRecord,
) -> AppResult<Vec<(crate::files::FileRecord, String)>> {
    let mut out = Vec::new();
    for f in app
        .store()
        .files_of(OwnerKind::Announcement, a.id.get())
        .await?
    {
        let (_, bytes) = app.store().file_content(f.id).await?;
        out.push((f, tuquan_domain::files::sha1_hex(&bytes)));
    }
    Ok(out)
}
