//! Reading consultations: one with its articles (public once opened), a unit's list, the
//! comments with their households (staff, audited), one household's own comments, and the
//! summary per article.

use tuquan_domain::access::Action;
use tuquan_domain::consultations::{summarize, ArticleSummary, CommentFact, Status};

use super::{load, within, ArticleRecord, CommentRecord, ConsultationRecord};
use crate::{AppResult, Ctx};

/// The most consultations a unit's list shows (newest first).
pub const LIST_LIMIT: i64 = 50;

/// A consultation with its articles and what the reader may do with it.
#[derive(Debug, Clone)]
pub struct ConsultationDetail {
    pub consultation: ConsultationRecord,
    pub articles: Vec<ArticleRecord>,
    pub may_manage: bool,
    pub may_record: bool,
    pub may_view: bool,
    /// The reader's household may comment (a resident of a household in the unit).
    pub may_comment: bool,
    /// The reader's household's comments so far, oldest first.
    pub own_comments: Vec<CommentRecord>,
}

/// The summary for the meeting.
#[derive(Debug, Clone)]
pub struct Summary {
    pub consultation: ConsultationRecord,
    pub articles: Vec<ArticleRecord>,
    pub rows: Vec<ArticleSummary>,
    /// Households that commented on at least one article.
    pub households: i64,
    pub online: i64,
    pub paper: i64,
}

fn may(ctx: &Ctx, action: Action, path: &str) -> bool {
    ctx.actor.is_some() && ctx.authorize(action, Some(path)).is_ok()
}

/// One consultation. Drafts are for those who may view the unit's consultations; once
/// opened it is public: anybody reads it without signing in.
pub async fn get(ctx: &Ctx, id: i64) -> AppResult<ConsultationDetail> {
    let c = load(ctx, id).await?;
    let may_view = may(ctx, Action::ConsultationView, &c.unit_path);
    if c.status == Status::Draft && !may_view {
        ctx.authorize(Action::ConsultationView, Some(&c.unit_path))?;
    }
    let household = match &ctx.actor {
        Some(w) => ctx.store().household_of_user(w.user.id).await?,
        None => None,
    };
    let (may_comment, own_comments) = match household {
        Some((hid, _, _, path)) if within(&path, &c.unit_path) => (
            c.status == Status::Open,
            ctx.store().consultation_comments(id, Some(hid)).await?,
        ),
        _ => (false, vec![]),
    };
    Ok(ConsultationDetail {
        articles: ctx.store().consultation_articles(id).await?,
        may_manage: may(ctx, Action::ConsultationManage, &c.unit_path),
        may_record: may(ctx, Action::ConsultationRecord, &c.unit_path),
        may_view,
        may_comment,
        own_comments,
        consultation: c,
    })
}

/// The consultations written at a unit, newest first: drafts too for those who may view
/// them there, the opened and closed ones for everybody. The flag says whether the reader
/// may write one here.
pub async fn at_unit(ctx: &Ctx, unit_code: &str) -> AppResult<(Vec<ConsultationRecord>, bool)> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    let staff = may(ctx, Action::ConsultationView, &unit.path);
    let list = ctx
        .store()
        .consultations_at(&unit, !staff, LIST_LIMIT)
        .await?;
    Ok((list, may(ctx, Action::ConsultationManage, &unit.path)))
}

/// Every comment with its household (address, representative), for the staff; the read of
/// personal data is audited.
pub async fn comments(ctx: &Ctx, id: i64) -> AppResult<(ConsultationRecord, Vec<CommentRecord>)> {
    let c = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationView, Some(&c.unit_path))?;
    let list = ctx.store().consultation_comments(id, None).await?;
    ctx.audit_read(
        "consultation.comments_read",
        "consultation",
        id.to_string(),
        &c.unit_path,
    )
    .await?;
    Ok((c, list))
}

/// The counts per article and the proposals, without who made them. For those who may view
/// the unit's consultations (the proposals are residents' own words).
pub async fn summary(ctx: &Ctx, id: i64) -> AppResult<Summary> {
    let c = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationView, Some(&c.unit_path))?;
    let articles = ctx.store().consultation_articles(id).await?;
    let list = ctx.store().consultation_comments(id, None).await?;
    let facts: Vec<CommentFact> = list
        .iter()
        .map(|k| CommentFact {
            article: k.article,
            household_id: k.household_id,
            stance: k.stance,
            text: k.text.clone(),
        })
        .collect();
    let numbers: Vec<i64> = articles.iter().map(|a| a.number).collect();
    let distinct = |channel: Option<tuquan_domain::consultations::Channel>| {
        let mut s: Vec<i64> = list
            .iter()
            .filter(|k| channel.is_none_or(|ch| k.channel == ch))
            .map(|k| k.household_id)
            .collect();
        s.sort_unstable();
        s.dedup();
        s.len() as i64
    };
    use tuquan_domain::consultations::Channel;
    Ok(Summary {
        rows: summarize(&numbers, &facts),
        households: distinct(None),
        online: distinct(Some(Channel::Online)),
        paper: distinct(Some(Channel::Paper)),
        articles,
        consultation: c,
    })
}

/// The consultations open at a unit, for its public notice board (no sign-in needed).
pub async fn on_board(app: &crate::App, unit_code: &str) -> AppResult<Vec<ConsultationRecord>> {
    let unit = crate::territory::unit(app, unit_code).await?;
    let list = app
        .store()
        .consultations_at(&unit, true, LIST_LIMIT)
        .await?;
    Ok(list
        .into_iter()
        .filter(|c| c.status == Status::Open)
        .collect())
}
