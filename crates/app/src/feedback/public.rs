//! What anyone may see of feedback: no name, phone, e-mail, street address, description or
//! photo. Following one item by its tracking code, and a unit's public list.

use std::collections::HashMap;

use serde::Serialize;
use tuquan_domain::page::Limit;
use tuquan_domain::territory::Unit;
use tuquan_domain::FeedbackId;

use super::names::Names;
use super::{cursor, parse_status, FeedbackFilter, FeedbackRecord};
use crate::i18n::Lang;
use crate::{AppResult, Ctx};

/// What anyone may see of an item: no name, phone, e-mail, street address or description.
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
    /// A summary written or approved by staff, without house numbers or names; absent until
    /// staff set one. The sender's own description is never public.
    pub public_summary: Option<String>,
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

/// Builds public views; names and the codes of originals read once per page.
struct Views<'a> {
    names: Names<'a>,
    originals: HashMap<FeedbackId, String>,
}

impl<'a> Views<'a> {
    async fn new(ctx: &'a Ctx, lang: Lang, items: &[FeedbackRecord]) -> AppResult<Self> {
        let ids: Vec<FeedbackId> = items.iter().filter_map(|i| i.duplicate_of).collect();
        let originals = ctx
            .store()
            .tracking_codes(&ids)
            .await?
            .into_iter()
            .collect();
        Ok(Self {
            names: Names::public(ctx, lang),
            originals,
        })
    }

    async fn view(&mut self, item: &FeedbackRecord) -> AppResult<PublicFeedback> {
        Ok(PublicFeedback {
            tracking_code: item.tracking_code.clone(),
            category: item.category.clone(),
            category_name: self
                .names
                .category(&item.commune_code, &item.category)
                .await?,
            status: item.status.as_str().to_owned(),
            unit_code: item.unit_code.clone(),
            // A unit since removed from the tree shows without a name.
            unit_name: self.names.unit(&item.unit_code).await?.unwrap_or_default(),
            public_summary: item.public_summary.clone(),
            public_answer: item.public_answer.clone(),
            referred_to: item.referred_to.clone(),
            duplicate_of: item
                .duplicate_of
                .and_then(|id| self.originals.get(&id).cloned()),
            created_at: item.created_at.clone(),
            updated_at: item.updated_at.clone(),
            rating: item.rating,
            history: Vec::new(),
        })
    }
}

/// The public view of an item with its public history.
pub async fn view(ctx: &Ctx, lang: Lang, item: &FeedbackRecord) -> AppResult<PublicFeedback> {
    let mut views = Views::new(ctx, lang, std::slice::from_ref(item)).await?;
    let mut view = views.view(item).await?;
    view.history = ctx
        .store()
        .feedback_events(item.id)
        .await?
        .into_iter()
        .filter(|e| e.to_status.is_some() || e.public_note.is_some())
        .map(|e| PublicStep {
            at: e.at,
            status: e.to_status,
            note: e.public_note,
        })
        .collect();
    Ok(view)
}

/// The public view of the item with this tracking code.
pub async fn track(ctx: &Ctx, lang: Lang, code: &str) -> AppResult<PublicFeedback> {
    let item = super::by_code(ctx, code).await?;
    view(ctx, lang, &item).await
}

/// The filters of a unit's public list, as given.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this state.
    pub status: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of a unit's public list (its unit and below, newest first).
pub struct PublicPage {
    pub unit: Unit,
    pub items: Vec<PublicFeedback>,
    /// The cursor of the next page.
    pub next: Option<FeedbackId>,
}

/// Public feedback of a unit and below, newest first.
pub async fn list(ctx: &Ctx, lang: Lang, code: &str, q: &ListQuery) -> AppResult<PublicPage> {
    let unit = crate::territory::unit(&ctx.app, code).await?;
    let limit = Limit::parse(q.limit.as_deref())?;
    let filter = FeedbackFilter {
        scope_path: Some(unit.path.clone()),
        status: parse_status(q.status.as_deref().unwrap_or(""))?,
        category: super::category_filter(ctx, q.category.as_deref()).await?,
        before_id: cursor(q.cursor.as_deref())?,
        limit: i64::from(limit.get()) + 1,
        ..Default::default()
    };
    let mut rows = ctx.store().list_feedback(&filter).await?;
    let next = super::cut_page(&mut rows, limit.get() as usize, |r| r.id);
    let mut views = Views::new(ctx, lang, &rows).await?;
    // The unit the list is of is already known.
    views.names.know_unit(&unit.code, &unit.name);
    let mut items = Vec::with_capacity(rows.len());
    for item in &rows {
        items.push(views.view(item).await?);
    }
    Ok(PublicPage { unit, items, next })
}

/// Items matching `filter`, for adapters that show only their public fields (Open311
/// renders category, state, unit and answer; never the contact or street address).
pub async fn search(ctx: &Ctx, filter: &FeedbackFilter) -> AppResult<Vec<FeedbackRecord>> {
    Ok(ctx.store().list_feedback(filter).await?)
}
