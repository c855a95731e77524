//! The roll, the attendance and the quorum as it fills. The roll is frozen the first time a
//! manager opens the attendance or prints the sign-in sheet, so its rows and short codes
//! stay put.

use tuquan_domain::meetings::{row_codes, AttendanceInput, MeetingRule, NewAttendance};
use tuquan_domain::votes::{meeting_quorum, needed};
use tuquan_domain::MeetingId;
use tuquan_store::meetings::{NewAttendanceRow, RollMember};

use super::{load_to_manage, load_to_view, may_manage, MeetingRecord};
use crate::{AppError, AppResult, Ctx};

pub use tuquan_store::meetings::RollRow;

/// The quorum as it fills: `present` of `total` rows, `needed` for a quorum (households,
/// more than the threshold of all households; Law 10/2022 Art 18), and per cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quorum {
    pub present: u32,
    pub total: u32,
    pub needed: u32,
    pub met: bool,
    /// The threshold in percent ("more than 50%").
    pub pct: u32,
    pub by_household: bool,
    /// (cluster, present) when held in clusters.
    pub clusters: Vec<(i64, i64)>,
}

/// The attendance page's data.
#[derive(Debug, Clone)]
pub struct AttendanceView {
    pub meeting: MeetingRecord,
    pub rows: Vec<RollRow>,
    pub quorum: Quorum,
    pub may_manage: bool,
}

/// Freezes the roll when it is not yet: the unit's active households in Vietnamese order
/// (or, for a group's meeting, its current members), each with a short code.
pub(crate) async fn ensure_roll(ctx: &Ctx, m: &MeetingRecord) -> AppResult<()> {
    if m.roll_frozen_at.is_some() {
        return Ok(());
    }
    let members: Vec<RollMember> = match m.group_id {
        Some(g) => {
            let today = ctx.today().to_string();
            ctx.store().roll_group_members(g, &today).await?
        }
        None => ctx.store().roll_households(&m.unit_path).await?,
    };
    let ids: Vec<i64> = members
        .iter()
        .map(|r| match (r.resident_id, r.household_id) {
            (Some(p), _) => p.get(),
            (None, Some(h)) => h.get(),
            (None, None) => 0,
        })
        .collect();
    let codes = row_codes(m.id.get(), &ids);
    let rows: Vec<(RollMember, String)> = members.into_iter().zip(codes).collect();
    ctx.store().freeze_roll(m, &rows, &ctx.audit_ctx()).await?;
    Ok(())
}

/// The quorum of a meeting from its present rows.
pub(crate) async fn quorum(ctx: &Ctx, m: &MeetingRecord, total: u32) -> AppResult<Quorum> {
    let t = crate::votes::thresholds(ctx, &m.province_code).await?;
    let counts = ctx.store().attendance_counts(m.id).await?;
    let present: i64 = counts.iter().map(|c| c.present).sum();
    let present = u32::try_from(present).unwrap_or(u32::MAX);
    Ok(Quorum {
        present,
        total,
        needed: needed(total, t.meeting_quorum_pct),
        met: meeting_quorum(&t, present, total),
        pct: t.meeting_quorum_pct,
        by_household: m.kind.by_household(),
        clusters: if m.clusters > 1 {
            counts.iter().map(|c| (c.cluster, c.present)).collect()
        } else {
            Vec::new()
        },
    })
}

/// The roll with attendance; `search` finds rows by name without accents or by short code.
pub async fn attendance(
    ctx: &Ctx,
    id: MeetingId,
    search: Option<&str>,
) -> AppResult<AttendanceView> {
    let mut meeting = load_to_view(ctx, id).await?;
    let manage = may_manage(ctx, &meeting);
    if manage && meeting.roll_frozen_at.is_none() {
        ensure_roll(ctx, &meeting).await?;
        meeting = ctx.store().meeting(id).await?;
    }
    let folded = search
        .map(tuquan_domain::text::fold)
        .filter(|s| !s.is_empty());
    let rows = ctx.store().meeting_roll(id, folded.as_deref()).await?;
    let total = u32::try_from(meeting.roll_size.unwrap_or(0)).unwrap_or(0);
    let quorum = quorum(ctx, &meeting, total).await?;
    ctx.audit_read(
        "meeting.roll_viewed",
        "meeting",
        id.to_string(),
        &meeting.unit_path,
    )
    .await?;
    Ok(AttendanceView {
        meeting,
        rows,
        quorum,
        may_manage: manage,
    })
}

async fn find_row(ctx: &Ctx, m: &MeetingRecord, input: &AttendanceInput) -> AppResult<RollRow> {
    let not_on_roll = |field| AppError::rule("meeting_not_on_roll", field, "not on the roll");
    if let Some(code) = input
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let code = code.to_uppercase();
        return ctx
            .store()
            .roll_row(m.id, None, Some(&code))
            .await?
            .ok_or_else(|| not_on_roll("code"));
    }
    let rows = ctx.store().meeting_roll(m.id, None).await?;
    let found = match (input.household_id, input.resident_id) {
        (Some(h), _) if m.group_id.is_none() => {
            rows.into_iter().find(|r| r.household_id == Some(h))
        }
        (_, Some(p)) if m.group_id.is_some() => rows.into_iter().find(|r| r.resident_id == Some(p)),
        (Some(h), None) => rows.into_iter().find(|r| r.household_id == Some(h)),
        _ => {
            return Err(AppError::Invalid(tuquan_domain::FieldError::new(
                "code",
                tuquan_domain::FieldErrorKind::Required,
                "a code or a household",
            )))
        }
    };
    found.ok_or_else(|| not_on_roll("household_id"))
}

/// Records who came for a household (or a member at a group meeting), live or from the paper
/// sheet. Returns the row.
pub async fn record(ctx: &Ctx, id: MeetingId, input: &AttendanceInput) -> AppResult<RollRow> {
    record_with_proxy(ctx, id, input, None).await
}

/// The form field of a proxy's photographed written authorisation.
pub const PROXY_FIELD: &str = "authorisation";

/// The same, with the proxy's written authorisation photographed (PDF, JPEG, PNG or WebP,
/// in the field [`PROXY_FIELD`]), stored with its SHA-256 in the same transaction. A file is
/// accepted only for a proxy; a proxy recorded without one may get it later.
pub async fn record_with_proxy(
    ctx: &Ctx,
    id: MeetingId,
    input: &AttendanceInput,
    file: Option<&crate::files::UploadedFile>,
) -> AppResult<RollRow> {
    let m = load_to_manage(ctx, id).await?;
    MeetingRule::attend(m.status)?;
    let a = NewAttendance::parse(input, m.clusters)?;
    let checked = match file {
        Some(f) => {
            if a.kind != tuquan_domain::meetings::AttendeeKind::Proxy {
                return Err(AppError::rule(
                    "meeting_authorisation_not_proxy",
                    PROXY_FIELD,
                    "only a proxy brings a written authorisation",
                ));
            }
            crate::files::check_uploads(PROXY_FIELD, std::slice::from_ref(f))?
                .into_iter()
                .next()
        }
        None => None,
    };
    ensure_roll(ctx, &m).await?;
    let row = find_row(ctx, &m, input).await?;
    // The person who came must exist (a foreign key otherwise refuses the write with a 500).
    if let Some(person) = a.resident_id {
        match ctx.store().resident(person).await {
            Err(tuquan_store::StoreError::NotFound) => {
                return Err(tuquan_domain::FieldError::new(
                    "resident_id",
                    tuquan_domain::FieldErrorKind::UnknownValue,
                    "no such resident",
                )
                .into())
            }
            r => {
                r?;
            }
        }
    }
    let new = NewAttendanceRow {
        row_no: row.row_no,
        kind: a.kind,
        name: a.name,
        resident_id: a.resident_id,
        cluster: a.cluster,
        source: a.source,
        proxy_file_id: None,
    };
    let owner = crate::files::owner(
        tuquan_domain::files::OwnerKind::Proxy,
        id.get(),
        &m.province_code,
        &m.unit_path,
    );
    ctx.store()
        .record_attendance(
            &m,
            &row,
            &new,
            checked.as_ref().map(|c| (&owner, c)),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(ctx
        .store()
        .roll_row(id, Some(row.row_no), None)
        .await?
        .unwrap_or(row))
}

/// Removes a row's attendance (tapped by mistake).
pub async fn unrecord(ctx: &Ctx, id: MeetingId, code: &str) -> AppResult<()> {
    let m = load_to_manage(ctx, id).await?;
    MeetingRule::attend(m.status)?;
    let row = find_row(
        ctx,
        &m,
        &AttendanceInput {
            code: Some(code.to_owned()),
            ..Default::default()
        },
    )
    .await?;
    ctx.store()
        .remove_attendance(&m, row.row_no, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// The attendance of a community meeting as a vote taken at it sees it.
#[derive(Debug, Clone)]
pub struct Presence {
    pub meeting: MeetingRecord,
    /// Households on the (frozen) roll: "all households" for the rules.
    pub total: i64,
    /// Households represented.
    pub present: u32,
    pub quorum: Quorum,
}

/// The presence at community meeting `id` of unit `unit_code`, for a vote taken there (the
/// caller has authorized its vote action on the unit). The roll is frozen if it was not.
/// A meeting of another unit, a group's meeting or a cancelled one is refused on
/// `meeting_id`.
pub async fn presence_for_vote(ctx: &Ctx, unit_code: &str, id: MeetingId) -> AppResult<Presence> {
    let elsewhere = || AppError::rule("vote_meeting_elsewhere", "meeting_id", "not this unit's");
    let m = match ctx.store().meeting(id).await {
        Ok(m) => m,
        Err(tuquan_store::StoreError::NotFound) => return Err(elsewhere()),
        Err(e) => return Err(e.into()),
    };
    if m.unit_code != unit_code || m.group_id.is_some() {
        return Err(elsewhere());
    }
    if m.status == tuquan_domain::meetings::MeetingStatus::Cancelled {
        return Err(AppError::rule(
            "meeting_cancelled",
            "meeting_id",
            "cancelled",
        ));
    }
    ensure_roll(ctx, &m).await?;
    let m = ctx.store().meeting(id).await?;
    let total = m.roll_size.unwrap_or(0);
    let q = quorum(ctx, &m, u32::try_from(total).unwrap_or(0)).await?;
    Ok(Presence {
        present: q.present,
        total,
        quorum: q,
        meeting: m,
    })
}
