//! The alignment report (printable), the militia heads with the appointment form, and
//! carrying beats to the successors of restructured units (a preview, then the act).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tuquan_app::restructuring::beats::{self as app, AlignmentReport, CarryView};
use tuquan_app::Ctx;
use tuquan_domain::restructuring::beats::{MilitiaHeadId, MilitiaInput};

use super::super::super::common::{choices, fill, vn_date, Choice, Empty};
use super::super::super::form::FormErrors;
use super::super::super::{render, Chrome};
use super::{answer, end_today, period, EndForm, EndPage, Who};
use crate::auth::csrf::CsrfForm;
use crate::error::{Failure, PageError};
use crate::extract::query;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/communes/{code}/beats/alignment", get(alignment))
        .route("/communes/{code}/beats/alignment.pdf", get(alignment_pdf))
        .route("/communes/{code}/militia", get(militia).post(appoint))
        .route("/militia/{id}/end", get(end_militia_page).post(end_militia))
        .route(
            "/communes/{code}/beats/carry",
            get(carry_preview).post(carry),
        )
}

/// One finding: a unit and what is wrong with it.
pub struct Finding {
    pub unit: String,
    pub detail: String,
}

/// One kind of finding with its lines.
pub struct Section {
    pub id: String,
    pub title: &'static str,
    pub hint: &'static str,
    pub items: Vec<Finding>,
}

#[derive(Template)]
#[template(path = "beats_alignment.html")]
struct AlignmentPage {
    chrome: Chrome,
    code: String,
    name: String,
    on: String,
    on_text: String,
    clean: bool,
    units: usize,
    beats: usize,
    sections: Vec<Section>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct OnQuery {
    #[serde(default)]
    on: Option<String>,
}

/// The report's findings under their titles (`beats.align_{key}` and its hint).
fn sections(lang: crate::i18n::Lang, r: &AlignmentReport) -> Vec<Section> {
    (r.findings().into_iter())
        .map(|(key, lines)| Section {
            id: key.replace('_', "-"),
            title: lang.t(&format!("beats.align_{key}")),
            hint: lang.t(&format!("beats.align_{key}_hint")),
            items: (lines.into_iter())
                .map(|(unit, detail)| Finding { unit, detail })
                .collect(),
        })
        .collect()
}

async fn alignment(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let q = query(q)?;
    let lang = chrome.lang;
    let (r, errors, status) = match app::alignment(&ctx, &code, q.on.as_deref()).await {
        Ok(r) => (r, FormErrors::none(), StatusCode::OK),
        Err(e) => {
            let failure: Failure = e.into();
            let Some((status, errors)) = FormErrors::from_failure(&failure, lang) else {
                return Err(PageError(failure));
            };
            (app::alignment(&ctx, &code, None).await?, errors, status)
        }
    };
    let page = AlignmentPage {
        code: r.commune.code.clone(),
        name: r.commune.name.clone(),
        on: q
            .on
            .clone()
            .filter(|_| !errors.is_empty())
            .unwrap_or_else(|| r.day.to_string()),
        on_text: vn_date(&r.day.to_string()),
        clean: r.alignment.is_clean(),
        units: r.units,
        beats: r.beats,
        sections: sections(lang, &r),
        errors,
        chrome,
    };
    Ok((status, render(&page)?).into_response())
}

/// The report as a PDF (Decree 30 "Báo cáo"), for the same day as the page.
async fn alignment_pdf(
    who: Who,
    Path(code): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let q = query(q)?;
    let (r, doc) = app::alignment_document(&ctx, &code, q.on.as_deref()).await?;
    let name = tuquan_app::documents::produce::file_name(
        &["ra-soat-dia-ban", &r.commune.name, &r.day.to_string()],
        "pdf",
    );
    crate::pages::documents::send(doc, crate::pages::documents::Format::Pdf, name, false).await
}

/// A militia head as the list shows it.
pub struct MilitiaRow {
    pub id: i64,
    pub unit: String,
    pub name: String,
    pub phone: String,
    pub period: String,
    pub open: bool,
}

#[derive(Deserialize, Default, Clone)]
struct MilitiaForm {
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    valid_from: String,
}

#[derive(Template)]
#[template(path = "beats_militia.html")]
struct MilitiaPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<MilitiaRow>,
    may_manage: bool,
    units: Vec<Choice>,
    form: MilitiaForm,
    errors: FormErrors,
}

async fn militia_page(
    ctx: &Ctx,
    chrome: Chrome,
    code: &str,
    form: MilitiaForm,
    errors: FormErrors,
) -> Result<MilitiaPage, PageError> {
    let (commune, list, may_manage) = app::militia(ctx, code).await?;
    let units = app::militia_units(ctx, &commune).await?;
    Ok(MilitiaPage {
        code: commune.code.clone(),
        name: commune.name.clone(),
        list: list
            .iter()
            .map(|m| MilitiaRow {
                id: m.id.get(),
                unit: m.unit_name.clone(),
                name: m.full_name.clone(),
                phone: m.phone.clone(),
                period: period(&m.valid_from, m.valid_to.as_deref()),
                open: m.valid_to.is_none(),
            })
            .collect(),
        may_manage,
        units: choices(
            units.iter().map(|(c, n)| (c.as_str(), n.clone())),
            &form.unit_code,
        ),
        form,
        errors,
        chrome,
    })
}

async fn militia(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = who.ctx()?;
    let form = MilitiaForm {
        valid_from: ctx.today().to_string(),
        ..MilitiaForm::default()
    };
    render(&militia_page(&ctx, chrome, &code, form, FormErrors::none()).await?)
}

async fn appoint(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<MilitiaForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let input = MilitiaInput {
        unit_code: f.unit_code.clone(),
        full_name: f.full_name.clone(),
        phone: f.phone.clone(),
        resident_id: None,
        valid_from: f.valid_from.clone(),
    };
    let done = app::appoint_militia(&ctx, &code, &input).await;
    let list = format!("/communes/{code}/militia");
    answer(
        done,
        chrome.lang,
        |_| list,
        |errors| async move { militia_page(&ctx, chrome, &code, f, errors).await },
    )
    .await
}

/// The page ending militia head `id`'s service (one the actor manages).
async fn end_militia_form(
    ctx: &Ctx,
    chrome: Chrome,
    id: MilitiaHeadId,
    (form, errors): (EndForm, FormErrors),
) -> Result<EndPage, PageError> {
    let m = app::militia_one(ctx, id).await?;
    let vars = [
        ("name", m.full_name.as_str()),
        ("unit", m.unit_name.as_str()),
    ];
    Ok(EndPage {
        title: "beats.militia_end",
        question: fill(chrome.lang, "beats.militia_end_question", &vars),
        action: format!("/militia/{id}/end"),
        back: format!("/communes/{}/militia", m.commune_code),
        form,
        errors,
        chrome,
    })
}

async fn end_militia_page(
    chrome: Chrome,
    who: Who,
    Path(id): Path<MilitiaHeadId>,
) -> Result<Html<String>, PageError> {
    let ctx = who.ctx()?;
    render(&end_militia_form(&ctx, chrome, id, end_today(&ctx)).await?)
}

async fn end_militia(
    chrome: Chrome,
    who: Who,
    Path(id): Path<MilitiaHeadId>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let ctx = who.ctx()?;
    let done = app::end_militia(&ctx, id, &f.valid_to).await;
    let list = |commune| format!("/communes/{commune}/militia");
    answer(done, chrome.lang, list, |errors| async move {
        end_militia_form(&ctx, chrome, id, (f, errors)).await
    })
    .await
}

#[derive(Template)]
#[template(path = "beats_carry.html")]
struct CarryPage {
    chrome: Chrome,
    code: String,
    name: String,
    applied: bool,
    assigned: Vec<Finding>,
    ended: Vec<Finding>,
    undecided: Vec<Finding>,
    militia_carried: Vec<Finding>,
    militia_ended: Vec<Finding>,
}

fn carry_page(chrome: Chrome, v: &CarryView) -> CarryPage {
    let n = &v.names;
    // A unit with "who · from/until when".
    let dated = |unit_code: &str, who: String, day: &jiff::civil::Date| Finding {
        unit: n.unit_label(unit_code),
        detail: format!("{who} · {}", vn_date(&day.to_string())),
    };
    let (plan, militia) = (&v.plan, &v.militia);
    CarryPage {
        code: v.commune.code.clone(),
        name: v.commune.name.clone(),
        applied: v.applied,
        assigned: (plan.assign.iter())
            .map(|a| dated(&a.unit_code, n.beat(a.beat_id), &a.valid_from))
            .collect(),
        ended: (plan.end.iter())
            .map(|e| dated(&e.unit_code, n.beat(e.beat_id), &e.valid_to))
            .collect(),
        undecided: (plan.undecided.iter())
            .map(|u| Finding {
                unit: n.unit_label(&u.unit_code),
                detail: n.beats(&u.beat_ids),
            })
            .collect(),
        militia_carried: (militia.carry.iter())
            .map(|h| dated(&h.unit_code, n.head(h.from_head), &h.valid_from))
            .collect(),
        militia_ended: (militia.end.iter())
            .map(|h| dated(&h.unit_code, n.head(h.head_id), &h.valid_to))
            .collect(),
        chrome,
    }
}

async fn carry_preview(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let v = app::carry_preview(&who.ctx()?, &code).await?;
    render(&carry_page(chrome, &v))
}

async fn carry(
    chrome: Chrome,
    who: Who,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Html<String>, PageError> {
    let v = app::carry(&who.ctx()?, &code).await?;
    render(&carry_page(chrome, &v))
}
