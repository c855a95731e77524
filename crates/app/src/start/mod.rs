//! The start page ("Việc của tôi"): what waits for the signed-in person, per unit they
//! hold a grant on. A residential unit's card shows its population and one line per thing
//! to do; a ward's or a province's card adds a table of the units directly below it.
//!
//! Each line is produced by one small function in [`lines`], which checks the actor may do
//! the thing on the unit and reads its count; an area that has something waiting adds one
//! function there and one call in [`lines::unit_lines`].

use tuquan_domain::feedback::stats::{FeedbackCounts, Period, Population};
use tuquan_domain::territory::{Tier, Unit};
use tuquan_store::rollup::COUNTRY;

use crate::{AppResult, Ctx};

pub mod lines;

/// One line of a card: a label (a catalogue key), an optional count, where one tap leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The catalogue key of the label.
    pub label: &'static str,
    pub count: Option<i64>,
    pub href: String,
    /// Something waits that should not (overdue, no head): shown as a warning.
    pub attention: bool,
}

impl Line {
    /// A plain link with a count.
    pub fn count(label: &'static str, count: i64, href: String) -> Self {
        Self {
            label,
            count: Some(count),
            href,
            attention: false,
        }
    }

    /// A count that needs attention when it is not zero.
    pub fn waiting(label: &'static str, count: i64, href: String) -> Self {
        Self {
            attention: count > 0,
            ..Self::count(label, count, href)
        }
    }

    /// A link without a count.
    pub fn link(label: &'static str, href: String) -> Self {
        Self {
            label,
            count: None,
            href,
            attention: false,
        }
    }
}

/// A unit directly below a ward or province, as the overview table shows it.
#[derive(Debug, Clone)]
pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub population: Population,
    /// Feedback received in the period, and how it was handled.
    pub feedback: FeedbackCounts,
}

/// One unit the person works on.
#[derive(Debug, Clone)]
pub struct Card {
    /// `None`: the whole country (a national grant).
    pub unit: Option<Unit>,
    pub population: Population,
    pub lines: Vec<Line>,
    /// For a ward, a province or the country: the units directly below, with their
    /// figures over `period` (the statistics' default: the last twelve months).
    pub children: Vec<ChildRow>,
    pub period: Period,
}

impl Card {
    /// The unit's code, or `None` for the country.
    pub fn code(&self) -> Option<&str> {
        self.unit.as_ref().map(|u| u.code.as_str())
    }

    /// Whether this card shows the table of the units below.
    pub fn is_overview(&self) -> bool {
        self.unit
            .as_ref()
            .is_none_or(|u| u.kind.tier() != Tier::Residential)
    }
}

/// The start page: one card per unit the person holds a grant on (each unit once, widest
/// first), then the lines that concern them whatever the unit.
#[derive(Debug, Clone)]
pub struct StartPage {
    pub cards: Vec<Card>,
    pub own: Vec<Line>,
}

/// The signed-in person's start page. Figures are counts (no personal data), each read
/// only where the person may act: a line they may not follow is left out.
pub async fn start_page(ctx: &Ctx) -> AppResult<StartPage> {
    let who = ctx.who()?;
    let mut scopes: Vec<Option<String>> = Vec::new();
    for g in &who.actor.grants {
        if !scopes.contains(&g.unit_code) {
            scopes.push(g.unit_code.clone());
        }
    }
    // The country first, then wider units before narrower ones.
    scopes.sort_by_key(|c| c.as_ref().map_or(0, |c| c.len()));
    let mut cards = Vec::with_capacity(scopes.len());
    for code in scopes {
        cards.push(card(ctx, code.as_deref()).await?);
    }
    let mut own = lines::my_action_items(ctx).await?;
    own.extend(lines::own_lines(ctx));
    Ok(StartPage { cards, own })
}

/// The card of one unit (`None`: the country).
async fn card(ctx: &Ctx, code: Option<&str>) -> AppResult<Card> {
    let unit = match code {
        Some(c) => Some(crate::territory::unit(&ctx.app, c).await?),
        None => None,
    };
    let population = ctx.store().population(code.unwrap_or(COUNTRY)).await?;
    let period = Period::default_at(ctx.now);
    let lines = lines::unit_lines(ctx, unit.as_ref(), &population).await?;
    let mut card = Card {
        unit,
        population,
        lines,
        children: Vec::new(),
        period,
    };
    if card.is_overview() {
        let report = ctx
            .store()
            .report(code.unwrap_or(COUNTRY), period.from, period.to, None)
            .await?;
        card.children = report
            .children
            .into_iter()
            .map(|c| ChildRow {
                code: c.code,
                name: c.name,
                population: c.population,
                feedback: c.counts,
            })
            .collect();
    }
    Ok(card)
}
