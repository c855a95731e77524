//! The start page ("Việc của tôi"), where sign-in leads: a card per unit the person works
//! on, each line one tap from the page it counts (the lines come from `tuquan_app::start`).

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use tuquan_app::start::{self, Card, ChildRow, Line};
use tuquan_domain::feedback::stats::{percent_text, Month};

use super::{render, Chrome};
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::AppState;

struct LineView {
    /// `<card id>-<line>`: stable, for tests and links.
    id: String,
    label: &'static str,
    count: Option<String>,
    href: String,
    attention: bool,
}

struct ChildView {
    href: String,
    name: String,
    households: String,
    received: String,
    overdue: String,
    overdue_any: bool,
    on_time: String,
}

struct CardView {
    id: String,
    title: String,
    kind: &'static str,
    href: String,
    households: String,
    residents: String,
    lines: Vec<LineView>,
    children: Vec<ChildView>,
    children_title: &'static str,
    period: String,
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    chrome: Chrome,
    cards: Vec<CardView>,
    own: Vec<LineView>,
}

fn line_view(lang: Lang, card_id: &str, l: &Line) -> LineView {
    LineView {
        id: format!(
            "{card_id}-{}",
            l.label.trim_start_matches("start.").replace('_', "-")
        ),
        label: l.label,
        count: l.count.map(|n| lang.int(n)),
        href: l.href.clone(),
        attention: l.attention,
    }
}

fn child_view(lang: Lang, c: &ChildRow) -> ChildView {
    let decimal = match lang {
        Lang::Vi => ',',
        Lang::En => '.',
    };
    let f = &c.feedback;
    ChildView {
        href: format!("/territory/{}", c.code),
        name: c.name.clone(),
        households: lang.int(c.population.households),
        received: lang.int(f.received),
        overdue: lang.int(f.overdue_now),
        overdue_any: f.overdue_now > 0,
        on_time: percent_text(f.resolved_on_time, f.resolved, decimal)
            .unwrap_or_else(|| "–".into()),
    }
}

fn month(m: Month) -> String {
    format!("{:02}/{}", m.month(), m.year())
}

fn card_view(lang: Lang, c: &Card) -> CardView {
    let id = format!("start-{}", c.code().unwrap_or("country"));
    let (title, kind, href) = match &c.unit {
        Some(u) => (
            u.name.clone(),
            lang.t(&format!("kind.{}", u.kind.as_str())),
            format!("/territory/{}", u.code),
        ),
        None => (
            lang.t("start.country").to_owned(),
            "",
            "/territory".to_owned(),
        ),
    };
    let children_title = match c.unit.as_ref().map(|u| u.kind.tier()) {
        None => "start.children_provinces",
        Some(tuquan_domain::territory::Tier::Province) => "start.children_communes",
        _ => "start.children_units",
    };
    CardView {
        title,
        kind,
        href,
        households: lang.int(c.population.households),
        residents: lang.int(c.population.residents),
        lines: c.lines.iter().map(|l| line_view(lang, &id, l)).collect(),
        children: c.children.iter().map(|r| child_view(lang, r)).collect(),
        children_title,
        period: format!("{} – {}", month(c.period.from), month(c.period.to)),
        id,
    }
}

/// `GET /start`: what waits for the signed-in person.
pub async fn start(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let page = start::start_page(&ctx).await?;
    let lang = chrome.lang;
    render(&StartPage {
        cards: page.cards.iter().map(|c| card_view(lang, c)).collect(),
        own: page
            .own
            .iter()
            .map(|l| line_view(lang, "start-own", l))
            .collect(),
        chrome,
    })
}
