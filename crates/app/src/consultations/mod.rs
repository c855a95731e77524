//! Consultations on a draft document of a unit (hương ước, quy ước, a plan): written and
//! edited as a draft, opened (public on the unit's notice board), commented on per article
//! by households online or from the paper form, closed, and summarised for the meeting.
//! Each use case loads its target, authorizes on the unit it acts on, applies the domain's
//! rules and writes through the store, which audits in the same transaction.

use tuquan_domain::access::Action;
use tuquan_domain::consultations::{
    Channel, CommentId, CommentInput, ConsultRule, ConsultationId, ConsultationInput, NewComment,
    NewConsultation, Status,
};
use tuquan_domain::HouseholdId;
use tuquan_store::consultations::CommentBy;
use tuquan_store::StoreError;

use crate::{AppError, AppResult, Ctx};

mod demo;
mod printing;
mod reads;

pub use demo::seed_demo;
pub use printing::{paper_form_document, summary_document};
pub use reads::*;
pub use tuquan_store::consultations::{ArticleRecord, CommentRecord, ConsultationRecord};

impl From<ConsultRule> for AppError {
    fn from(r: ConsultRule) -> Self {
        AppError::rule(r.code, r.field, r.code)
    }
}

/// A store conflict on a consultation's status is the domain's refusal of the same name.
fn raced(code: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Conflict { .. } => AppError::rule(code, "status", "raced"),
        other => other.into(),
    }
}

pub(crate) async fn load(ctx: &Ctx, id: ConsultationId) -> AppResult<ConsultationRecord> {
    Ok(ctx.store().consultation(id).await?)
}

fn parse(ctx: &Ctx, input: &ConsultationInput) -> AppResult<NewConsultation> {
    let c = NewConsultation::parse(input, ctx.today())?;
    ConsultRule::posting_period(c.kind, c.opens_on, c.closes_on)?;
    Ok(c)
}

fn who_name(ctx: &Ctx) -> AppResult<String> {
    Ok(ctx.who()?.user.username.clone())
}

/// Writes a draft consultation at the unit `unit_code`. Returns its id.
pub async fn create(
    ctx: &Ctx,
    unit_code: &str,
    input: &ConsultationInput,
) -> AppResult<ConsultationId> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    ctx.authorize(Action::ConsultationManage, Some(&unit.path))?;
    let c = parse(ctx, input)?;
    let by = who_name(ctx)?;
    Ok(ctx
        .store()
        .create_consultation(&unit, &c, &by, &ctx.audit_ctx())
        .await?)
}

/// Replaces a draft's title, kind, text (split again) and dates.
pub async fn edit(ctx: &Ctx, id: ConsultationId, input: &ConsultationInput) -> AppResult<()> {
    let cur = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationManage, Some(&cur.unit_path))?;
    ConsultRule::edit(cur.status)?;
    let c = parse(ctx, input)?;
    ctx.store()
        .edit_consultation(&cur, &c, &ctx.audit_ctx())
        .await
        .map_err(raced("consultation_not_draft"))
}

/// Opens the consultation: the draft is posted and households may comment.
pub async fn open(ctx: &Ctx, id: ConsultationId) -> AppResult<()> {
    let cur = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationManage, Some(&cur.unit_path))?;
    ConsultRule::open(cur.status)?;
    ctx.store()
        .set_consultation_status(&cur, Status::Draft, Status::Open, &ctx.audit_ctx())
        .await
        .map_err(raced("consultation_not_draft"))
}

/// Closes the consultation: no more comments; the summary goes to the meeting.
pub async fn close(ctx: &Ctx, id: ConsultationId) -> AppResult<()> {
    let cur = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationManage, Some(&cur.unit_path))?;
    ConsultRule::close(cur.status)?;
    ctx.store()
        .set_consultation_status(&cur, Status::Open, Status::Closed, &ctx.audit_ctx())
        .await
        .map_err(raced("consultation_not_open"))
}

pub(crate) fn within(path: &str, root: &str) -> bool {
    path == root || path.starts_with(&format!("{root}/"))
}

/// The comments of one form, each checked; every article must be one of the draft's.
async fn comments_of(
    ctx: &Ctx,
    cur: &ConsultationRecord,
    inputs: &[CommentInput],
) -> AppResult<Vec<NewComment>> {
    if inputs.is_empty() {
        return Err(tuquan_domain::FieldError::new(
            "comments",
            tuquan_domain::FieldErrorKind::Required,
            "no comment",
        )
        .into());
    }
    let articles = ctx.store().consultation_articles(cur.id).await?;
    let mut out = Vec::with_capacity(inputs.len());
    for i in inputs {
        let c = NewComment::parse(i)?;
        if !articles.iter().any(|a| a.number == c.article) {
            return Err(AppError::rule(
                "consultation_no_article",
                "article",
                "unknown",
            ));
        }
        out.push(c);
    }
    Ok(out)
}

/// A resident comments for their household (one or more articles at once). Their own
/// household is theirs to answer for: no grant is needed, only the account's link to a
/// resident of a household in the consultation's unit. Returns the comment ids.
pub async fn comment_own(
    ctx: &Ctx,
    id: ConsultationId,
    inputs: &[CommentInput],
) -> AppResult<Vec<CommentId>> {
    let who = ctx.who()?;
    let cur = load(ctx, id).await?;
    let Some((hid, rid, unit_code, path)) = ctx.store().household_of_user(who.user.id).await?
    else {
        return Err(AppError::rule(
            "no_household",
            "household",
            "account not linked",
        ));
    };
    if !within(&path, &cur.unit_path) {
        return Err(AppError::rule(
            "consultation_not_for_household",
            "household",
            "elsewhere",
        ));
    }
    ConsultRule::comment(cur.status, period(&cur)?, ctx.today(), false)?;
    let comments = comments_of(ctx, &cur, inputs).await?;
    let by = CommentBy {
        household_id: hid,
        unit_code,
        unit_path: path,
        channel: Channel::Online,
        resident_id: Some(rid),
        recorded_by: who.user.username.clone(),
    };
    ctx.store()
        .add_consultation_comments(&cur, &by, &comments, &ctx.audit_ctx())
        .await
        .map_err(raced("consultation_not_open"))
}

/// A head enters a household's paper form. Returns the comment ids.
pub async fn comment_on_paper(
    ctx: &Ctx,
    id: ConsultationId,
    household_id: HouseholdId,
    inputs: &[CommentInput],
) -> AppResult<Vec<CommentId>> {
    let cur = load(ctx, id).await?;
    let Some((unit_code, path)) = ctx.store().household_unit(household_id).await? else {
        return Err(AppError::NotFound);
    };
    ctx.authorize(Action::ConsultationRecord, Some(&path))?;
    if !within(&path, &cur.unit_path) {
        return Err(AppError::rule(
            "consultation_not_for_household",
            "household",
            "elsewhere",
        ));
    }
    ConsultRule::comment(cur.status, period(&cur)?, ctx.today(), true)?;
    let comments = comments_of(ctx, &cur, inputs).await?;
    let by = CommentBy {
        household_id,
        unit_code,
        unit_path: path,
        channel: Channel::Paper,
        resident_id: None,
        recorded_by: who_name(ctx)?,
    };
    ctx.store()
        .add_consultation_comments(&cur, &by, &comments, &ctx.audit_ctx())
        .await
        .map_err(raced("consultation_not_open"))
}

/// The stored opening and closing days.
fn period(c: &ConsultationRecord) -> AppResult<(jiff::civil::Date, jiff::civil::Date)> {
    let d = |s: &str| {
        s.parse::<jiff::civil::Date>()
            .map_err(|e| AppError::Internal(format!("stored date {s:?}: {e}")))
    };
    Ok((d(&c.opens_on)?, d(&c.closes_on)?))
}
