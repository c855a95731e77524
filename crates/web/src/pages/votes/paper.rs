//! The paper entry form (entry 1 or 2, by two different people): one line per household of
//! the roll with its choice; the differences between the two entries shown beside the lines;
//! and the printable paper ballot sheet.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use tuquan_app::documents::produce::file_name;
use tuquan_app::votes as app;
use tuquan_domain::{HouseholdId, VoteId};

use super::signed_in;
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::common::see_other;
use crate::pages::documents::{format_of, send};
use crate::pages::form::{rerender, FormErrors};
use crate::pages::{render, Chrome};
use crate::AppState;

/// One household's line of the entry form.
pub struct Line {
    pub household_id: HouseholdId,
    pub address: String,
    pub representative: String,
    /// The choice in this entry ("" for none).
    pub choice: String,
    /// Counted through another channel already (online, door to door): not on paper.
    pub counted: bool,
    /// The two entries differ here.
    pub mismatch: bool,
}

/// Who made a paper entry, when, and the tally sheet's photo (link, SHA-256) if attached.
pub struct EntryLine {
    pub no: i64,
    pub by: String,
    pub at: String,
    pub sheet: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "votes_paper.html")]
struct PaperPage {
    chrome: Chrome,
    id: VoteId,
    title: String,
    entry: i64,
    lines: Vec<Line>,
    entries: Vec<EntryLine>,
    /// This entry has been made: its sheet's photo may be attached.
    entered: bool,
    mismatches: usize,
    blocks: bool,
    errors: FormErrors,
}

async fn data(
    chrome: Chrome,
    ctx: &tuquan_app::Ctx,
    id: VoteId,
    entry: i64,
    typed: Option<&[(HouseholdId, String)]>,
) -> Result<PaperPage, PageError> {
    if !(1..=2).contains(&entry) {
        return Err(Failure::NotFound.into());
    }
    let (v, roll) = app::roll(ctx, id).await?;
    let r = app::reconciliation(ctx, id).await?;
    let stored = ctx_rows(ctx, id, entry).await?;
    let lines = roll
        .into_iter()
        .map(|h| {
            let choice = match typed {
                Some(t) => t
                    .iter()
                    .find(|(x, _)| *x == h.household_id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default(),
                None => stored
                    .iter()
                    .find(|(x, _)| *x == h.household_id)
                    .map(|(_, c)| c.as_str().to_owned())
                    .unwrap_or_default(),
            };
            Line {
                mismatch: r.mismatches.iter().any(|m| m.0 == h.household_id),
                counted: h.channel.as_deref().is_some_and(|c| c != "paper"),
                household_id: h.household_id,
                address: h.address,
                representative: h.representative_name,
                choice,
            }
        })
        .collect();
    Ok(PaperPage {
        id,
        title: v.title,
        entry,
        lines,
        entered: r.entries.iter().any(|e| e.entry_no == entry),
        entries: r
            .entries
            .iter()
            .map(|e| EntryLine {
                no: e.entry_no,
                by: e.entered_by.clone(),
                at: crate::i18n::local_time(&e.entered_at),
                sheet: e.sheet_file_id.map(|f| {
                    (
                        format!("/files/{f}"),
                        e.sheet_sha256.clone().unwrap_or_default(),
                    )
                }),
            })
            .collect(),
        mismatches: r.mismatches.len(),
        blocks: r.blocks(),
        errors: FormErrors::none(),
        chrome,
    })
}

async fn ctx_rows(
    ctx: &tuquan_app::Ctx,
    id: VoteId,
    entry: i64,
) -> Result<Vec<(HouseholdId, tuquan_domain::votes::Choice)>, PageError> {
    Ok(app::paper_rows(ctx, id, entry).await?)
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, entry)): Path<(VoteId, i64)>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    render(&data(chrome, &ctx, id, entry, None).await?)
}

/// The form posts `h{household_id}` = choice for each line.
pub(super) async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, entry)): Path<(VoteId, i64)>,
    CsrfForm(f): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let rows: Vec<(HouseholdId, String)> = f
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix('h')
                .and_then(|h| h.parse().ok())
                .map(|h| (h, v.clone()))
        })
        .collect();
    match app::enter_paper(&ctx, id, entry, &rows).await {
        Ok(()) => Ok(see_other(&format!("/votes/{id}/paper/{entry}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let page = data(chrome, &ctx, id, entry, Some(&rows)).await?;
            rerender(e, lang, move |errors| PaperPage { errors, ..page })
        }
    }
}

/// The photo of this entry's paper tally sheet, uploaded from the page (multipart, with the
/// CSRF token).
pub(super) async fn attach_sheet(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((id, entry)): Path<(VoteId, i64)>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let mut f = crate::files::read_page_form(req, &state, &[app::SHEET_FIELD]).await?;
    let ctx = signed_in(&state, u, &rc)?;
    let result = if f.too_large {
        Err(crate::files::MultipartForm::too_large_error(
            app::SHEET_FIELD,
        ))
    } else {
        let file = f
            .take_files(app::SHEET_FIELD)
            .into_iter()
            .next()
            .unwrap_or_default();
        app::attach_sheet(&ctx, id, entry, &file)
            .await
            .map_err(Failure::from)
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/votes/{id}/paper/{entry}#sheet"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let page = data(chrome, &ctx, id, entry, None).await?;
            rerender(e, lang, move |errors| PaperPage { errors, ..page })
        }
    }
}

/// `/votes/{id}/sheet.pdf`: the paper ballot sheet to print.
pub(super) async fn sheet(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Response, PageError> {
    let format = format_of("pdf").ok_or(Failure::NotFound)?;
    let ctx = state.ctx(Some(who), &rc);
    let (unit, doc) = app::ballot_sheet(&ctx, id).await?;
    let name = file_name(&["phieu-lay-y-kien", &id.to_string(), &unit.name], "pdf");
    send(doc, format, name, true).await
}
