//! The alignment report (printable), the militia heads with the appointment form, and
//! carrying beats to the successors of restructured units (a preview, then the act).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tuquan_app::restructuring::beats::{self as app, AlignmentReport, CarryView};
use tuquan_domain::restructuring::beats::MilitiaInput;

use super::super::super::common::{choices, see_other, vn_date, Choice, Empty};
use super::super::super::form::FormErrors;
use super::super::super::{render, Chrome};
use super::{period, signed_in, EndForm, EndPage};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
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
    pub id: &'static str,
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

fn sections(lang: crate::i18n::Lang, r: &AlignmentReport) -> Vec<Section> {
    let a = &r.alignment;
    let unit = |c: &str| format!("{} ({c})", r.unit_name(c));
    let beat = |b: i64| r.beat_name(b);
    let plain = |codes: &[String]| -> Vec<Finding> {
        codes
            .iter()
            .map(|c| Finding {
                unit: unit(c),
                detail: String::new(),
            })
            .collect()
    };
    vec![
        Section {
            id: "without-beat",
            title: lang.t("beats.align_without_beat"),
            hint: lang.t("beats.align_without_beat_hint"),
            items: plain(&a.without_beat),
        },
        Section {
            id: "without-militia",
            title: lang.t("beats.align_without_militia"),
            hint: lang.t("beats.align_without_militia_hint"),
            items: plain(&a.without_militia),
        },
        Section {
            id: "partial",
            title: lang.t("beats.align_partial"),
            hint: lang.t("beats.align_partial_hint"),
            items: a
                .partial
                .iter()
                .map(|p| Finding {
                    unit: unit(&p.unit_code),
                    detail: beat(p.beat_id),
                })
                .collect(),
        },
        Section {
            id: "overlaps",
            title: lang.t("beats.align_overlaps"),
            hint: lang.t("beats.align_overlaps_hint"),
            items: a
                .overlaps
                .iter()
                .map(|o| Finding {
                    unit: unit(&o.unit_code),
                    detail: o
                        .beat_ids
                        .iter()
                        .map(|b| beat(*b))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect(),
        },
        Section {
            id: "crossing",
            title: lang.t("beats.align_crossing"),
            hint: lang.t("beats.align_crossing_hint"),
            items: a
                .crossing
                .iter()
                .map(|c| Finding {
                    unit: unit(&c.unit_code),
                    detail: beat(c.beat_id),
                })
                .collect(),
        },
        Section {
            id: "stale",
            title: lang.t("beats.align_stale"),
            hint: lang.t("beats.align_stale_hint"),
            items: a
                .stale
                .iter()
                .map(|s| Finding {
                    unit: unit(&s.unit_code),
                    detail: beat(s.beat_id),
                })
                .collect(),
        },
    ]
}

async fn alignment(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let q = query(q)?;
    let lang = chrome.lang;
    let (r, errors, status) = match app::alignment(&ctx, &code, q.on.as_deref()).await {
        Ok(r) => (r, FormErrors::none(), axum::http::StatusCode::OK),
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
    State(state): State<AppState>,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
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
    ctx: &tuquan_app::Ctx,
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
                id: m.id,
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
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let form = MilitiaForm {
        valid_from: ctx.today().to_string(),
        ..MilitiaForm::default()
    };
    render(&militia_page(&ctx, chrome, &code, form, FormErrors::none()).await?)
}

async fn appoint(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<MilitiaForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let input = MilitiaInput {
        unit_code: f.unit_code.clone(),
        full_name: f.full_name.clone(),
        phone: f.phone.clone(),
        resident_id: None,
        valid_from: f.valid_from.clone(),
    };
    match app::appoint_militia(&ctx, &code, &input).await {
        Ok(_) => Ok(see_other(&format!("/communes/{code}/militia"), None)),
        Err(e) => {
            let failure: Failure = e.into();
            let Some((status, errors)) = FormErrors::from_failure(&failure, chrome.lang) else {
                return Err(PageError(failure));
            };
            let page = militia_page(&ctx, chrome, &code, f, errors).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}

async fn end_militia_form(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: i64,
    typed: Option<(EndForm, FormErrors)>,
) -> Result<EndPage, PageError> {
    let m = app::militia_one(ctx, id).await?;
    let lang = chrome.lang;
    let (form, errors) = typed.unwrap_or_else(|| {
        (
            EndForm {
                valid_to: ctx.today().to_string(),
            },
            FormErrors::none(),
        )
    });
    Ok(EndPage {
        title: "beats.militia_end",
        question: lang
            .t("beats.militia_end_question")
            .replace("{name}", &m.full_name)
            .replace("{unit}", &m.unit_name),
        action: format!("/militia/{id}/end"),
        back: format!("/communes/{}/militia", m.commune_code),
        form,
        errors,
        chrome,
    })
}

async fn end_militia_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    render(&end_militia_form(&ctx, chrome, id, None).await?)
}

async fn end_militia(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EndForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::end_militia(&ctx, id, &f.valid_to).await {
        Ok(commune) => Ok(see_other(&format!("/communes/{commune}/militia"), None)),
        Err(e) => {
            let failure: Failure = e.into();
            let Some((status, errors)) = FormErrors::from_failure(&failure, chrome.lang) else {
                return Err(PageError(failure));
            };
            let page = end_militia_form(&ctx, chrome, id, Some((f, errors))).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
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
    let unit = |c: &str| format!("{} ({c})", v.unit_name(c));
    // A unit with "who · from/until when".
    let dated = |unit_code: &str, who: String, day: &jiff::civil::Date| Finding {
        unit: unit(unit_code),
        detail: format!("{who} · {}", vn_date(&day.to_string())),
    };
    let (plan, militia) = (&v.plan, &v.militia);
    CarryPage {
        code: v.commune.code.clone(),
        name: v.commune.name.clone(),
        applied: v.applied,
        assigned: (plan.assign.iter())
            .map(|a| dated(&a.unit_code, v.beat_name(a.beat_id), &a.valid_from))
            .collect(),
        ended: (plan.end.iter())
            .map(|e| dated(&e.unit_code, v.beat_name(e.beat_id), &e.valid_to))
            .collect(),
        undecided: (plan.undecided.iter())
            .map(|u| Finding {
                unit: unit(&u.unit_code),
                detail: u
                    .beat_ids
                    .iter()
                    .map(|b| v.beat_name(*b))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        militia_carried: (militia.carry.iter())
            .map(|h| dated(&h.unit_code, v.head_name(h.from_head), &h.valid_from))
            .collect(),
        militia_ended: (militia.end.iter())
            .map(|h| dated(&h.unit_code, v.head_name(h.head_id), &h.valid_to))
            .collect(),
        chrome,
    }
}

async fn carry_preview(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = app::carry_preview(&ctx, &code).await?;
    render(&carry_page(chrome, &v))
}

async fn carry(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = app::carry(&ctx, &code).await?;
    render(&carry_page(chrome, &v))
}
