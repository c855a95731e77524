//! `/units/{code}/history`: a unit's versions, the events it took part in (with their legal
//! basis, its scan and the other units) and its lineage both ways. Printable.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use jiff::civil::Date;
use tuquan_app::restructuring::history::{LineageStep, UnitEvent, UnitHistory, UnitVersion};

use crate::api::restructuring_history::load_history;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::territory::Crumb;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct LinkView {
    pub href: String,
    pub name: String,
    pub code: String,
}

pub struct VersionView {
    pub name: String,
    pub kind: &'static str,
    pub parent: Option<LinkView>,
    pub from: String,
    pub to: Option<String>,
    /// The parent's tree on the version's first day.
    pub tree_href: Option<String>,
}

pub struct ParticipantView {
    pub unit: LinkView,
    pub history_href: String,
    pub role: &'static str,
    /// "120 hộ", where the event counts them.
    pub households: Option<String>,
}

pub struct EventView {
    pub id: i64,
    pub kind: &'static str,
    pub effective_on: String,
    pub number: String,
    pub date: String,
    pub signer: String,
    pub file_href: Option<String>,
    pub note: String,
    pub participants: Vec<ParticipantView>,
    /// The commune's tree on the day before and on the effective date.
    pub before_href: Option<String>,
    pub after_href: String,
}

pub struct StepView {
    pub unit: LinkView,
    /// Arrows showing how many events away it is, beyond the first.
    pub indent: String,
    pub kind: &'static str,
    pub effective_on: String,
}

#[derive(Template)]
#[template(path = "restructuring_history.html")]
struct HistoryPage {
    chrome: Chrome,
    title: String,
    name: String,
    code: String,
    crumbs: Vec<Crumb>,
    versions: Vec<VersionView>,
    events: Vec<EventView>,
    predecessors: Vec<StepView>,
    successors: Vec<StepView>,
}

fn unit_link(code: &str, name: &str) -> LinkView {
    LinkView {
        href: format!("/territory/{code}"),
        name: name.to_owned(),
        code: code.to_owned(),
    }
}

fn version_view(lang: Lang, v: &UnitVersion) -> VersionView {
    VersionView {
        name: v.name.clone(),
        kind: lang.t(&format!("kind.{}", v.kind.as_str())),
        parent: v
            .parent_code
            .as_deref()
            .map(|p| unit_link(p, v.parent_name.as_deref().unwrap_or(p))),
        tree_href: v
            .parent_code
            .as_deref()
            .map(|p| format!("/territory/{p}?as_of={}", v.valid_from)),
        from: v.valid_from.clone(),
        to: v.valid_to.clone(),
    }
}

fn event_view(lang: Lang, e: &UnitEvent) -> EventView {
    let day: Option<Date> = e.effective_on.parse().ok();
    let tree = |d: Date| format!("/territory/{}?as_of={d}", e.commune_code);
    EventView {
        id: e.id,
        kind: lang.t(&format!("hist.kind.{}", e.kind.as_str())),
        effective_on: e.effective_on.clone(),
        number: e.basis_number.clone(),
        date: e.basis_date.clone(),
        signer: e.basis_signer.clone(),
        file_href: e.basis_file.map(|f| format!("/files/{f}")),
        note: e.note.clone(),
        participants: e
            .participants
            .iter()
            .map(|p| ParticipantView {
                unit: unit_link(&p.unit_code, &p.name),
                history_href: format!("/units/{}/history", p.unit_code),
                role: lang.t(&format!("hist.role.{}", p.role.as_str())),
                households: p
                    .households
                    .map(|n| format!("{} {}", lang.int(n), lang.t("hist.households"))),
            })
            .collect(),
        before_href: day.and_then(|d| d.yesterday().ok()).map(tree),
        after_href: day.map_or_else(|| format!("/territory/{}", e.commune_code), tree),
    }
}

fn step_views(lang: Lang, h: &UnitHistory, steps: &[LineageStep]) -> Vec<StepView> {
    steps
        .iter()
        .map(|s| StepView {
            unit: LinkView {
                href: format!("/units/{}/history", s.code),
                name: h.name_of(&s.code).to_owned(),
                code: s.code.clone(),
            },
            indent: "↳ ".repeat(s.depth.saturating_sub(1) as usize),
            kind: lang.t(&format!("hist.kind.{}", s.kind.as_str())),
            effective_on: s.effective_on.to_string(),
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let h = load_history(&state, &code).await?;
    let lang = chrome.lang;
    let mut crumbs = vec![Crumb {
        href: "/territory".into(),
        name: lang.t("territory.title").into(),
    }];
    crumbs.extend(h.ancestors.iter().map(|a| Crumb {
        href: format!("/territory/{}", a.unit.code),
        name: a.unit.name.clone(),
    }));
    crumbs.push(Crumb {
        href: format!("/territory/{}", h.item.unit.code),
        name: h.item.unit.name.clone(),
    });
    render(&HistoryPage {
        title: format!("{} · {}", lang.t("hist.title"), h.item.unit.name),
        name: h.item.unit.name.clone(),
        code: h.item.unit.code.clone(),
        crumbs,
        versions: h.versions.iter().map(|v| version_view(lang, v)).collect(),
        events: h.events.iter().map(|e| event_view(lang, e)).collect(),
        predecessors: step_views(lang, &h, &h.lineage.predecessors),
        successors: step_views(lang, &h, &h.lineage.successors),
        chrome,
    })
}
