//! The minutes (biên bản) of a held meeting: a draft saved as often as needed, finalised
//! (locked), corrected by a new version with a reason; every version stays readable.

use tuquan_domain::meetings::{MinutesContent, MinutesInput, MinutesRule, MinutesStatus};
use tuquan_domain::MeetingId;
use tuquan_store::meetings::NewMinutesVersion;

use super::{load_to_manage, load_to_view, may_manage, AgendaRecord, MeetingRecord};
use crate::{AppError, AppResult, Ctx};

pub use tuquan_store::meetings::MinutesRecord;

impl From<MinutesRule> for AppError {
    fn from(r: MinutesRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// One version with its content decoded.
#[derive(Debug, Clone)]
pub struct MinutesVersion {
    pub record: MinutesRecord,
    pub content: MinutesContent,
}

/// The minutes page's data: the meeting, its agenda, every version (newest first).
#[derive(Debug, Clone)]
pub struct MinutesView {
    pub meeting: MeetingRecord,
    pub agenda: Vec<AgendaRecord>,
    pub versions: Vec<MinutesVersion>,
    pub may_manage: bool,
    /// The meeting's votes (and the ballots they went to), for resolutions to take counts
    /// from.
    pub votes: Vec<crate::votes::VoteRecord>,
}

impl MinutesView {
    /// The latest version, if any.
    pub fn latest(&self) -> Option<&MinutesVersion> {
        self.versions.first()
    }

    /// One version by number.
    pub fn version(&self, v: i64) -> Option<&MinutesVersion> {
        self.versions.iter().find(|x| x.record.version == v)
    }
}

fn decode(record: MinutesRecord) -> AppResult<MinutesVersion> {
    let content = serde_json::from_str(&record.content)
        .map_err(|e| AppError::Internal(format!("stored minutes: {e}")))?;
    Ok(MinutesVersion { record, content })
}

fn encode(c: &MinutesContent) -> AppResult<String> {
    serde_json::to_string(c).map_err(|e| AppError::Internal(e.to_string()))
}

async fn view_of(ctx: &Ctx, meeting: MeetingRecord) -> AppResult<MinutesView> {
    let agenda = ctx.store().meeting_agenda(meeting.id).await?;
    let versions = ctx
        .store()
        .minutes_versions(meeting.id)
        .await?
        .into_iter()
        .map(decode)
        .collect::<AppResult<Vec<_>>>()?;
    let may_manage = may_manage(ctx, &meeting);
    let votes = ctx.store().votes_of_meeting(meeting.id).await?;
    Ok(MinutesView {
        meeting,
        agenda,
        versions,
        may_manage,
        votes,
    })
}

/// The minutes of a meeting, every version.
pub async fn minutes(ctx: &Ctx, id: MeetingId) -> AppResult<MinutesView> {
    let meeting = load_to_view(ctx, id).await?;
    view_of(ctx, meeting).await
}

/// Saves the minutes: the first draft of a held meeting, or over the current draft. A
/// finalised version is locked (422 `minutes_locked`). Returns the version saved.
pub async fn save_minutes(ctx: &Ctx, id: MeetingId, input: &MinutesInput) -> AppResult<i64> {
    let meeting = load_to_manage(ctx, id).await?;
    let view = view_of(ctx, meeting).await?;
    let mut content = MinutesContent::parse(input, view.agenda.len())?;
    counts_from_votes(ctx, &view.meeting, &mut content).await?;
    let json = encode(&content)?;
    let m = &view.meeting;
    match view.latest() {
        None => {
            MinutesRule::write(m.status == tuquan_domain::meetings::MeetingStatus::Held)?;
            let v = NewMinutesVersion {
                version: 1,
                reason: None,
                content: &json,
            };
            ctx.store().insert_minutes(m, &v, &ctx.audit_ctx()).await?;
            Ok(1)
        }
        Some(latest) => {
            MinutesRule::edit(latest.record.status)?;
            let v = latest.record.version;
            ctx.store()
                .save_minutes(m, v, &json, &ctx.audit_ctx())
                .await?;
            Ok(v)
        }
    }
}

/// A resolution that names a vote carries that vote's computed counts, not typed ones (the
/// vote must be this meeting's, or the household ballots one of its votes went to, and
/// counted).
async fn counts_from_votes(
    ctx: &Ctx,
    m: &MeetingRecord,
    content: &mut MinutesContent,
) -> AppResult<()> {
    if content.resolutions.iter().all(|r| r.vote_id.is_none()) {
        return Ok(());
    }
    let votes = ctx.store().votes_of_meeting(m.id).await?;
    for r in content.resolutions.iter_mut() {
        let Some(id) = r.vote_id else { continue };
        let Some(v) = votes.iter().find(|v| v.id == id) else {
            return Err(AppError::rule(
                "minutes_vote_elsewhere",
                "vote_id",
                "not a vote of this meeting",
            ));
        };
        if v.status == tuquan_domain::votes::Status::Open {
            return Err(AppError::rule(
                "minutes_vote_open",
                "vote_id",
                "the ballot is still open",
            ));
        }
        let t = v.tally();
        r.votes_for = Some(i64::from(t.yes));
        r.votes_against = Some(i64::from(t.no));
        r.votes_abstain = Some(i64::from(t.abstain));
    }
    Ok(())
}

/// The latest version of a meeting's minutes; a rule refusal (`minutes_missing`, `detail`
/// for the log) when there is none yet.
async fn latest_minutes(
    ctx: &Ctx,
    id: MeetingId,
    detail: &'static str,
) -> AppResult<MinutesRecord> {
    let mut versions = ctx.store().minutes_versions(id).await?;
    if versions.is_empty() {
        return Err(AppError::rule("minutes_missing", "minutes", detail));
    }
    Ok(versions.swap_remove(0))
}

/// Finalises the current draft: from now on it is locked.
pub async fn finalise_minutes(ctx: &Ctx, id: MeetingId) -> AppResult<i64> {
    let meeting = load_to_manage(ctx, id).await?;
    let latest = latest_minutes(ctx, id, "nothing to finalise").await?;
    MinutesRule::edit(latest.status)?;
    ctx.store()
        .finalise_minutes(&meeting, latest.version, &ctx.audit_ctx())
        .await?;
    Ok(latest.version)
}

/// Starts a correction of finalised minutes: a new draft version, copied from the last one,
/// with the reason. Returns its number.
pub async fn correct_minutes(ctx: &Ctx, id: MeetingId, reason: &str) -> AppResult<i64> {
    let meeting = load_to_manage(ctx, id).await?;
    let reason =
        tuquan_domain::text::required(reason, "reason", tuquan_domain::meetings::REASON_MAX)?;
    let latest = latest_minutes(ctx, id, "nothing to correct").await?;
    MinutesRule::correct(latest.status)?;
    let v = NewMinutesVersion {
        version: latest.version + 1,
        reason: Some(&reason),
        content: &latest.content,
    };
    ctx.store()
        .insert_minutes(&meeting, &v, &ctx.audit_ctx())
        .await?;
    Ok(v.version)
}

/// Whether a version is locked.
pub fn is_final(v: &MinutesRecord) -> bool {
    v.status == MinutesStatus::Final
}

/// The form field of the signed scan.
pub const SCAN_FIELD: &str = "scan";

/// Stores the signed paper minutes (PDF or a photo) on the latest version, fingerprinted with
/// SHA-256 (shown with the version). Returns the version and the fingerprint.
pub async fn attach_minutes_scan(
    ctx: &Ctx,
    id: MeetingId,
    file: &crate::files::UploadedFile,
) -> AppResult<(i64, String)> {
    let meeting = load_to_manage(ctx, id).await?;
    let latest = latest_minutes(ctx, id, "no minutes to attach to").await?;
    let checked = crate::files::check_uploads(SCAN_FIELD, std::slice::from_ref(file))?;
    let Some(checked) = checked.into_iter().next() else {
        return Err(AppError::Invalid(tuquan_domain::FieldError::new(
            SCAN_FIELD,
            tuquan_domain::FieldErrorKind::Required,
            "no file",
        )));
    };
    let owner = crate::files::owner(
        tuquan_domain::files::OwnerKind::MinutesScan,
        id.get(),
        &meeting.province_code,
        &meeting.unit_path,
    );
    let sha = checked.sha256.clone();
    ctx.store()
        .attach_minutes_scan(&meeting, latest.version, &owner, &checked, &ctx.audit_ctx())
        .await?;
    Ok((latest.version, sha))
}
