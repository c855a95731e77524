//! One consultation with the comment form per article (a resident, for the household), the
//! staff's list of comments, the summary for the meeting and the printable documents.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tuquan_app::consultations::{self as app, article_label, ArticleRecord, ConsultationDetail};
use tuquan_app::documents::produce::file_name;
use tuquan_domain::consultations::{CommentInput, ConsultationId, NewComment, Stance, Status};

use super::{row, signed_in, PageQuery, Row};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::query;
use crate::i18n::Lang;
use crate::pages::common::see_other;
use crate::pages::documents::{format_of, send};
use crate::pages::form::{rerender, FormErrors};
use crate::pages::{render, Chrome};
use crate::AppState;

/// One article with its comment controls (ids `stance-N`, `text-N`) and the values typed.
pub(super) struct ArticleView {
    pub number: i64,
    pub label: String,
    pub text: String,
    pub stance_id: String,
    pub text_id: String,
    pub stance: String,
    pub comment: String,
}

pub(super) fn views(
    articles: &[ArticleRecord],
    typed: &HashMap<String, String>,
) -> Vec<ArticleView> {
    articles
        .iter()
        .map(|a| {
            let stance_id = format!("stance-{}", a.number);
            let text_id = format!("text-{}", a.number);
            ArticleView {
                number: a.number,
                label: article_label(a.number, &a.heading),
                text: a.text.clone(),
                stance: typed.get(&stance_id).cloned().unwrap_or_default(),
                comment: typed.get(&text_id).cloned().unwrap_or_default(),
                stance_id,
                text_id,
            }
        })
        .collect()
}

/// The comments of a form: articles left blank are skipped; each filled one is checked, its
/// errors beside its own controls.
pub(super) fn read(
    lang: Lang,
    articles: &[ArticleRecord],
    typed: &HashMap<String, String>,
) -> (Vec<CommentInput>, FormErrors) {
    let mut out = Vec::new();
    let mut errors = FormErrors::none();
    for a in articles {
        let get = |k: String| {
            typed
                .get(&k)
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let (stance, text) = (
            get(format!("stance-{}", a.number)),
            get(format!("text-{}", a.number)),
        );
        if stance.is_empty() && text.is_empty() {
            continue;
        }
        let input = CommentInput {
            article: a.number,
            stance,
            text: Some(text),
        };
        match NewComment::parse(&input) {
            Ok(_) => out.push(input),
            Err(es) => {
                for e in es {
                    let id = format!("{}-{}", e.field, a.number);
                    errors = errors.with(&id, lang.field_message(&e));
                }
            }
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors = FormErrors::general(lang.t("consult.nothing"));
    }
    (out, errors)
}

pub struct OwnRow {
    pub article: i64,
    pub stance: &'static str,
    pub text: String,
    pub channel: &'static str,
}

#[derive(Template)]
#[template(path = "consultations_show.html")]
struct ShowPage {
    chrome: Chrome,
    c: Row,
    id: ConsultationId,
    unit_code: String,
    unit_name: String,
    preamble: String,
    draft: bool,
    articles: Vec<ArticleView>,
    may_comment: bool,
    may_manage: bool,
    may_record: bool,
    may_view: bool,
    signed_in: bool,
    own: Vec<OwnRow>,
    stances: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

pub(super) fn stances(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Stance::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                lang.t(&format!("consult.stance.{}", s.as_str())),
            )
        })
        .collect()
}

fn show_page(
    chrome: Chrome,
    d: &ConsultationDetail,
    typed: &HashMap<String, String>,
    errors: FormErrors,
) -> ShowPage {
    let lang = chrome.lang;
    let c = &d.consultation;
    ShowPage {
        c: row(lang, c),
        id: c.id,
        unit_code: c.unit_code.clone(),
        unit_name: c.unit_name.clone(),
        preamble: c.preamble.clone(),
        draft: c.status == Status::Draft,
        articles: views(&d.articles, typed),
        may_comment: d.may_comment,
        may_manage: d.may_manage,
        may_record: d.may_record && c.status == Status::Open,
        may_view: d.may_view,
        signed_in: chrome.user_name.is_some(),
        own: d
            .own_comments
            .iter()
            .map(|k| OwnRow {
                article: k.article,
                stance: lang.t(&format!("consult.stance.{}", k.stance.as_str())),
                text: k.text.clone().unwrap_or_default(),
                channel: lang.t(&format!("consult.channel.{}", k.channel.as_str())),
            })
            .collect(),
        stances: stances(lang),
        errors,
        chrome,
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(u.0, &rc);
    let d = app::get(&ctx, id).await?;
    render(&show_page(chrome, &d, &HashMap::new(), FormErrors::none()))
}

pub(super) fn with_status(status: StatusCode, page: Html<String>) -> Response {
    (status, page).into_response()
}

pub(super) async fn comment(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    CsrfForm(typed): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let d = app::get(&ctx, id).await?;
    let lang = chrome.lang;
    let (inputs, errors) = read(lang, &d.articles, &typed);
    if !errors.is_empty() {
        let page = render(&show_page(chrome, &d, &typed, errors))?;
        return Ok(with_status(StatusCode::BAD_REQUEST, page));
    }
    match app::comment_own(&ctx, id, &inputs).await {
        Ok(_) => Ok(see_other(&format!("/consultations/{id}#own"), None)),
        Err(e) => rerender(e, lang, |errors| show_page(chrome, &d, &typed, errors)),
    }
}

/// One comment as the staff's list shows it.
pub struct CommentLine {
    pub article: i64,
    pub household: String,
    pub stance: &'static str,
    pub text: String,
    pub channel: &'static str,
    pub recorded_by: String,
}

#[derive(Template)]
#[template(path = "consultations_comments.html")]
struct CommentsPage {
    chrome: Chrome,
    c: Row,
    id: ConsultationId,
    items: Vec<CommentLine>,
    next_href: Option<String>,
    first_href: Option<String>,
}

/// `GET /consultations/{id}/comments`: every comment with its household, a page at a time
/// (staff; the read is audited).
pub(super) async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query(q)?;
    let ctx = signed_in(&state, u, &rc)?;
    let page = app::comments(&ctx, id, q.cursor.as_deref(), q.limit.as_deref()).await?;
    let lang = chrome.lang;
    let base = format!("/consultations/{id}/comments");
    let (next_href, first_href) = q.links(&base, page.next_cursor.as_deref());
    render(&CommentsPage {
        c: row(lang, &page.consultation),
        id,
        items: page
            .items
            .iter()
            .map(|k| CommentLine {
                article: k.article,
                household: format!("{} — {}", k.representative_name, k.address),
                stance: lang.t(&format!("consult.stance.{}", k.stance.as_str())),
                text: k.text.clone().unwrap_or_default(),
                channel: lang.t(&format!("consult.channel.{}", k.channel.as_str())),
                recorded_by: k.recorded_by.clone(),
            })
            .collect(),
        next_href,
        first_href,
        chrome,
    })
}

pub struct SummaryRowView {
    pub label: String,
    pub agree: i64,
    pub disagree: i64,
    pub propose: i64,
    pub proposals: Vec<String>,
    pub objections: Vec<String>,
}

#[derive(Template)]
#[template(path = "consultations_summary.html")]
struct SummaryPage {
    chrome: Chrome,
    c: Row,
    id: ConsultationId,
    households: i64,
    online: i64,
    paper: i64,
    rows: Vec<SummaryRowView>,
}

pub(super) async fn summary(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<ConsultationId>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let s = app::summary(&ctx, id).await?;
    let lang = chrome.lang;
    let rows = s
        .rows
        .iter()
        .map(|r| SummaryRowView {
            label: s.label(r.number),
            agree: r.agree,
            disagree: r.disagree,
            propose: r.propose,
            proposals: r.proposals.clone(),
            objections: r.objections.clone(),
        })
        .collect();
    render(&SummaryPage {
        c: row(lang, &s.consultation),
        id,
        households: s.households,
        online: s.online,
        paper: s.paper,
        rows,
        chrome,
    })
}

/// `/consultations/{id}/files/{form|summary}.{pdf|docx}`.
pub(super) async fn file(
    State(state): State<AppState>,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, file)): Path<(ConsultationId, String)>,
) -> Result<Response, PageError> {
    let (stem, ext) = file.rsplit_once('.').ok_or(Failure::NotFound)?;
    let format = format_of(ext).ok_or(Failure::NotFound)?;
    let ctx = state.ctx(u.0, &rc);
    let (doc, name, personal) = match stem {
        "form" => (
            app::paper_form_document(&ctx, id).await?,
            "phieu-gop-y",
            false,
        ),
        "summary" => (
            app::summary_document(&ctx, id).await?,
            "tong-hop-y-kien",
            true,
        ),
        _ => return Err(Failure::NotFound.into()),
    };
    send(
        doc,
        format,
        file_name(&[name, &id.to_string()], ext),
        personal,
    )
    .await
}
