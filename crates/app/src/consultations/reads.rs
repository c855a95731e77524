//! Reading consultations: one with its articles (public once opened), a unit's list, the
//! comments with their households (staff, audited), one household's own comments, and the
//! summary per article.

use tuquan_domain::access::Action;
use tuquan_domain::consultations::{
    summarize, ArticleSummary, Channel, CommentFact, CommentId, ConsultationId, Status,
};

use tuquan_domain::page::Limit;
use tuquan_domain::territory::SearchQuery;
use tuquan_domain::{FieldError, FieldErrorKind, HouseholdId};
use tuquan_store::households::HouseholdQuery;

use super::{load, within, ArticleRecord, CommentRecord, ConsultationRecord};
use crate::{AppError, AppResult, Ctx};

/// The most consultations the unit's notice board shows (newest first).
pub const LIST_LIMIT: i64 = 50;

/// The most households the paper-form picker shows for one search.
pub const PICK_LIMIT: usize = 20;

/// One page of a unit's consultations, newest first.
#[derive(Debug, Clone)]
pub struct ConsultationPage {
    pub items: Vec<ConsultationRecord>,
    /// The id to pass as `cursor` for the next page, if there is one.
    pub next_cursor: Option<String>,
    /// The reader may write a consultation here.
    pub may_manage: bool,
}

/// One page of a consultation's comments with their households, oldest first.
#[derive(Debug, Clone)]
pub struct CommentPage {
    pub consultation: ConsultationRecord,
    pub items: Vec<CommentRecord>,
    pub next_cursor: Option<String>,
}

/// A household as the paper-form picker offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdChoice {
    pub id: HouseholdId,
    pub representative_name: String,
    pub address: String,
}

/// What the picker found: at most [`PICK_LIMIT`] households, and whether there were more.
#[derive(Debug, Clone)]
pub struct HouseholdChoices {
    pub items: Vec<HouseholdChoice>,
    pub more: bool,
}

/// A paging cursor of an id list, absent when blank; anything but a positive whole number is
/// a 400 naming `cursor`, never an empty page.
fn id_cursor<Id: From<i64>>(raw: Option<&str>) -> AppResult<Option<Id>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(c) => match c.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(Id::from(id))),
            _ => Err(
                FieldError::new("cursor", FieldErrorKind::InvalidFormat, "malformed cursor").into(),
            ),
        },
    }
}

/// Cuts the extra row fetched to learn whether another page follows; the cursor is the last
/// kept row's id.
fn cut<T, Id: ToString>(
    mut rows: Vec<T>,
    limit: usize,
    id: impl Fn(&T) -> Id,
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| id(r).to_string());
        (rows, next)
    } else {
        (rows, None)
    }
}

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

/// "Điều 2. Giữ gìn trật tự", or "Điều 2." for an article without a heading.
pub fn article_label(number: i64, heading: &str) -> String {
    if heading.is_empty() {
        format!("Điều {number}.")
    } else {
        format!("Điều {number}. {heading}")
    }
}

impl Summary {
    /// The heading of article `number` ("" when it has none or is unknown).
    pub fn heading(&self, number: i64) -> &str {
        self.articles
            .iter()
            .find(|a| a.number == number)
            .map_or("", |a| a.heading.as_str())
    }

    /// The label of article `number` as the summary prints it.
    pub fn label(&self, number: i64) -> String {
        article_label(number, self.heading(number))
    }
}

fn may(ctx: &Ctx, action: Action, path: &str) -> bool {
    ctx.actor.is_some() && ctx.authorize(action, Some(path)).is_ok()
}

/// One consultation. Drafts are for those who may view the unit's consultations; once
/// opened it is public: anybody reads it without signing in.
pub async fn get(ctx: &Ctx, id: ConsultationId) -> AppResult<ConsultationDetail> {
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

/// One page of the consultations written at a unit, newest first: drafts too for those who
/// may view them there, the opened and closed ones for everybody. `cursor` is the
/// `next_cursor` of the page before; a malformed one or `limit` is a 400 naming it.
pub async fn at_unit(
    ctx: &Ctx,
    unit_code: &str,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> AppResult<ConsultationPage> {
    let unit = crate::territory::unit(&ctx.app, unit_code).await?;
    let limit = Limit::parse(limit)?.get() as usize;
    let before = id_cursor(cursor)?;
    let staff = may(ctx, Action::ConsultationView, &unit.path);
    let rows = ctx
        .store()
        .consultations_at(&unit, !staff, before, limit as i64 + 1)
        .await?;
    let (items, next_cursor) = cut(rows, limit, |c| c.id);
    Ok(ConsultationPage {
        items,
        next_cursor,
        may_manage: may(ctx, Action::ConsultationManage, &unit.path),
    })
}

/// One page of the comments with their households (address, representative), oldest
/// first, for the staff; the read of personal data is audited.
pub async fn comments(
    ctx: &Ctx,
    id: ConsultationId,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> AppResult<CommentPage> {
    let c = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationView, Some(&c.unit_path))?;
    let limit = Limit::parse(limit)?.get() as usize;
    let after: Option<CommentId> = id_cursor(cursor)?;
    let rows = ctx
        .store()
        .consultation_comments_page(id, after, limit as i64 + 1)
        .await?;
    let (items, next_cursor) = cut(rows, limit, |k| k.id);
    ctx.audit_read(
        "consultation.comments_read",
        "consultation",
        id.to_string(),
        &c.unit_path,
    )
    .await?;
    Ok(CommentPage {
        consultation: c,
        items,
        next_cursor,
    })
}

/// The households of the consultation's unit (and below) whose representative's name or
/// address matches `q` without accents, for the head entering a paper form; blank `q`
/// lists them from the start of the alphabet. Needs `consultation.record` there; the read
/// of names and addresses is audited.
pub async fn paper_households(
    ctx: &Ctx,
    id: ConsultationId,
    q: Option<&str>,
) -> AppResult<HouseholdChoices> {
    let c = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationRecord, Some(&c.unit_path))?;
    let search = SearchQuery::parse(q.unwrap_or(""))?;
    let unit = crate::territory::unit(&ctx.app, &c.unit_code).await?;
    let query = HouseholdQuery {
        text_pattern: search.map(|s| s.like_pattern).unwrap_or_default(),
        phone: String::new(),
        include_inactive: false,
    };
    let mut rows = ctx
        .store()
        .households_in(&unit, &query, None, PICK_LIMIT as i64 + 1)
        .await?;
    let more = rows.len() > PICK_LIMIT;
    rows.truncate(PICK_LIMIT);
    ctx.audit_read(
        "consultation.households_read",
        "consultation",
        id.to_string(),
        &c.unit_path,
    )
    .await?;
    Ok(HouseholdChoices {
        items: rows
            .into_iter()
            .map(|h| HouseholdChoice {
                id: h.id,
                representative_name: h.representative_name,
                address: h.address,
            })
            .collect(),
        more,
    })
}

/// The household picked for a paper form: one of the consultation's unit (or below), else
/// the rule `consultation_not_for_household`; unknown is not found.
pub async fn paper_household(
    ctx: &Ctx,
    id: ConsultationId,
    household: HouseholdId,
) -> AppResult<HouseholdChoice> {
    let c = load(ctx, id).await?;
    ctx.authorize(Action::ConsultationRecord, Some(&c.unit_path))?;
    let h = ctx.store().household(household).await?;
    if !within(&h.unit_path, &c.unit_path) {
        return Err(AppError::rule(
            "consultation_not_for_household",
            "household",
            "elsewhere",
        ));
    }
    Ok(HouseholdChoice {
        id: h.id,
        representative_name: h.representative_name,
        address: h.address,
    })
}

/// The counts per article and the proposals, without who made them. For those who may view
/// the unit's consultations (the proposals are residents' own words).
pub async fn summary(ctx: &Ctx, id: ConsultationId) -> AppResult<Summary> {
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
    let distinct = |channel: Option<Channel>| {
        let mut s: Vec<HouseholdId> = list
            .iter()
            .filter(|k| channel.is_none_or(|ch| k.channel == ch))
            .map(|k| k.household_id)
            .collect();
        s.sort_unstable();
        s.dedup();
        s.len() as i64
    };
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
        .consultations_at(&unit, true, None, LIST_LIMIT)
        .await?;
    Ok(list
        .into_iter()
        .filter(|c| c.status == Status::Open)
        .collect())
}
