//! The minutes: the editor of the current draft (what was said per agenda item, resolutions
//! with their counts), finalising, a correction with its reason, every version readable, and
//! the documents (sign-in sheet, minutes) as PDF or DOCX.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::documents::produce::file_name;
use tuquan_app::meetings::{self as meet, MinutesView};
use tuquan_domain::meetings::{MeetingStatus, MinutesInput, MinutesStatus, ResolutionInput};
use tuquan_domain::MeetingId;

use super::super::common::{see_other, Empty};
use super::super::form::{rerender, FormErrors};
use super::super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::query;
use crate::pages::documents::{format_of, send};
use crate::AppState;

/// Blank resolution rows offered under the filled ones.
const BLANK_RESOLUTIONS: usize = 2;

pub struct ItemLine {
    pub n: usize,
    pub title: String,
    pub said: String,
}

pub struct ResolutionLine {
    pub n: usize,
    pub text: String,
    pub votes_for: String,
    pub votes_against: String,
    pub votes_abstain: String,
    /// The vote whose counts the resolution carries ("" for typed counts).
    pub vote_id: String,
}

/// A vote of the meeting a resolution may take its counts from.
pub struct VoteChoice {
    pub id: String,
    pub label: String,
}

pub struct VersionLine {
    pub version: i64,
    pub final_: bool,
    pub reason: String,
    pub at: String,
    pub by: String,
    pub sha256: String,
    pub scan_href: String,
}

#[derive(Template)]
#[template(path = "meetings_minutes.html")]
struct MinutesPage {
    chrome: Chrome,
    id: MeetingId,
    title: String,
    held: bool,
    may_manage: bool,
    /// The version shown, and whether it is locked.
    version: i64,
    locked: bool,
    opening: String,
    items: Vec<ItemLine>,
    resolutions: Vec<ResolutionLine>,
    votes: Vec<VoteChoice>,
    closing: String,
    versions: Vec<VersionLine>,
    errors: FormErrors,
}

fn opt<T: std::fmt::Display>(n: Option<T>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn page_of(
    chrome: Chrome,
    v: &MinutesView,
    shown: Option<i64>,
    input: Option<&MinutesInput>,
    errors: FormErrors,
) -> MinutesPage {
    let current = match shown {
        Some(n) => v.version(n),
        None => v.latest(),
    };
    let empty = MinutesInput::default();
    let stored;
    let c: &MinutesInput = match (input, current) {
        (Some(i), _) => i,
        (None, Some(cur)) => {
            stored = MinutesInput {
                opening: cur.content.opening.clone(),
                discussion: cur.content.discussion.clone(),
                resolutions: cur.content.resolutions.clone(),
                closing: cur.content.closing.clone(),
            };
            &stored
        }
        (None, None) => &empty,
    };
    let locked = current.is_some_and(|c| c.record.status == MinutesStatus::Final);
    let resolutions = resolution_lines(c, locked);
    MinutesPage {
        id: v.meeting.id,
        title: v.meeting.title.clone(),
        held: v.meeting.status == MeetingStatus::Held,
        may_manage: v.may_manage,
        version: current.map_or(1, |c| c.record.version),
        locked,
        opening: c.opening.clone(),
        items: v
            .agenda
            .iter()
            .enumerate()
            .map(|(i, a)| ItemLine {
                n: i + 1,
                title: a.title.clone(),
                said: c.discussion.get(i).cloned().unwrap_or_default(),
            })
            .collect(),
        resolutions,
        votes: vote_choices(&chrome, v),
        closing: c.closing.clone(),
        versions: version_lines(v),
        errors,
        chrome,
    }
}

/// The resolutions of `c`, and blank rows to add more while the minutes are not locked.
fn resolution_lines(c: &MinutesInput, locked: bool) -> Vec<ResolutionLine> {
    let mut resolutions: Vec<ResolutionLine> = c
        .resolutions
        .iter()
        .enumerate()
        .map(|(i, r)| ResolutionLine {
            n: i + 1,
            text: r.text.clone(),
            votes_for: opt(r.votes_for),
            votes_against: opt(r.votes_against),
            votes_abstain: opt(r.votes_abstain),
            vote_id: opt(r.vote_id),
        })
        .collect();
    if !locked {
        for _ in 0..BLANK_RESOLUTIONS {
            let n = resolutions.len() + 1;
            resolutions.push(ResolutionLine {
                n,
                text: String::new(),
                votes_for: String::new(),
                votes_against: String::new(),
                votes_abstain: String::new(),
                vote_id: String::new(),
            });
        }
    }
    resolutions
}

/// The meeting's votes a resolution may take its counts from, with their tallies.
fn vote_choices(chrome: &Chrome, v: &MinutesView) -> Vec<VoteChoice> {
    v.votes
        .iter()
        .map(|x| {
            let t = x.tally();
            VoteChoice {
                id: x.id.to_string(),
                label: format!(
                    "{} · {} {}, {} {}, {} {}",
                    x.title,
                    chrome.t("meet.votes_for"),
                    t.yes,
                    chrome.t("meet.votes_against"),
                    t.no,
                    chrome.t("meet.votes_abstain"),
                    t.abstain
                ),
            }
        })
        .collect()
}

/// Every version of the minutes, for the list under the editor.
fn version_lines(v: &MinutesView) -> Vec<VersionLine> {
    v.versions
        .iter()
        .map(|x| VersionLine {
            version: x.record.version,
            final_: x.record.status == MinutesStatus::Final,
            reason: x.record.reason.clone().unwrap_or_default(),
            at: crate::i18n::local_time(
                x.record
                    .finalised_at
                    .as_deref()
                    .unwrap_or(&x.record.updated_at),
            ),
            by: x
                .record
                .finalised_by
                .clone()
                .unwrap_or_else(|| x.record.created_by.clone()),
            sha256: x.record.scan_sha256.clone().unwrap_or_default(),
            scan_href: x
                .record
                .scan_file_id
                .map(|f| format!("/files/{f}"))
                .unwrap_or_default(),
        })
        .collect()
}

#[derive(Deserialize)]
pub(super) struct VersionQuery {
    version: Option<i64>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    q: Result<Query<VersionQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let v = meet::minutes(&ctx, id).await?;
    render(&page_of(chrome, &v, q.version, None, FormErrors::none()))
}

/// The editor's fields: `opening`, `closing`, `said_N` per agenda item, `res_N_text`,
/// `res_N_for`, `res_N_against`, `res_N_abstain` per resolution.
fn parse_form(pairs: &[(String, String)]) -> MinutesInput {
    let mut input = MinutesInput::default();
    let mut said: Vec<(usize, String)> = Vec::new();
    let mut res: std::collections::BTreeMap<usize, ResolutionInput> = Default::default();
    let num = |s: &str| -> Option<i64> {
        let s = s.trim();
        if s.is_empty() {
            None
        } else {
            Some(s.parse().unwrap_or(-1))
        }
    };
    for (k, v) in pairs {
        match k.as_str() {
            "opening" => input.opening = v.clone(),
            "closing" => input.closing = v.clone(),
            _ => {
                if let Some(n) = k.strip_prefix("said_").and_then(|n| n.parse().ok()) {
                    said.push((n, v.clone()));
                } else if let Some(rest) = k.strip_prefix("res_") {
                    if let Some((n, field)) = rest.split_once('_') {
                        if let Ok(n) = n.parse::<usize>() {
                            let r = res.entry(n).or_default();
                            match field {
                                "text" => r.text = v.clone(),
                                "for" => r.votes_for = num(v),
                                "against" => r.votes_against = num(v),
                                "abstain" => r.votes_abstain = num(v),
                                "vote" => r.vote_id = num(v).map(tuquan_domain::VoteId),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
    said.sort_by_key(|(n, _)| *n);
    input.discussion = said.into_iter().map(|(_, s)| s).collect();
    input.resolutions = res.into_values().collect();
    input
}

pub(super) async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let input = parse_form(&pairs);
    let result = meet::save_minutes(&ctx, id, &input).await.map(|_| ());
    back_or_again(
        &ctx,
        chrome,
        id,
        result.map_err(Failure::from),
        Some(&input),
    )
    .await
}

/// After a change to the minutes: back to them, or the page again with the errors (and
/// the minutes as typed, if any).
async fn back_or_again(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: MeetingId,
    result: Result<(), Failure>,
    input: Option<&MinutesInput>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/meetings/{id}/minutes"), None)),
        Err(e) => {
            let v = meet::minutes(ctx, id).await?;
            rerender(e, chrome.lang, |errors| {
                page_of(chrome, &v, None, input, errors)
            })
        }
    }
}

meeting_button!(finalise, Empty, "/meetings/{}/minutes", |ctx, id, _f| {
    meet::finalise_minutes(&ctx, id)
});

pub(super) async fn correct(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    CsrfForm(f): CsrfForm<super::ReasonForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let result = meet::correct_minutes(&ctx, id, &f.reason).await.map(|_| ());
    back_or_again(&ctx, chrome, id, result.map_err(Failure::from), None).await
}

/// `/meetings/{id}/sign-in.{pdf|docx}` and `/meetings/{id}/minutes.{pdf|docx}` (the latest
/// version; `minutes-vN.pdf` for version N).
pub(super) async fn file(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path((id, file)): Path<(MeetingId, String)>,
) -> Result<Response, PageError> {
    let (stem, ext) = file.rsplit_once('.').ok_or(Failure::NotFound)?;
    let format = format_of(ext).ok_or(Failure::NotFound)?;
    let ctx = state.ctx(Some(who), &rc);
    if stem == "sign-in" {
        let (m, doc) = meet::sign_in_sheet(&ctx, id).await?;
        let name = file_name(&["ky-ten-du-hop", &id.to_string(), &m.unit_name], ext);
        return send(doc, format, name, true).await;
    }
    let version = match stem {
        "minutes" => None,
        s => Some(
            s.strip_prefix("minutes-v")
                .and_then(|n| n.parse().ok())
                .ok_or(Failure::NotFound)?,
        ),
    };
    let (m, v, doc) = meet::minutes_document(&ctx, id, version).await?;
    let name = file_name(
        &["bien-ban", &id.to_string(), &format!("v{v}"), &m.unit_name],
        ext,
    );
    send(doc, format, name, true).await
}

/// The signed paper minutes, uploaded from the page (multipart, with the CSRF token).
pub(super) async fn scan(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let mut f = crate::files::read_page_form(req, &state, &[meet::SCAN_FIELD]).await?;
    let ctx = state.ctx(Some(who), &rc);
    let result = if f.too_large {
        Err(crate::files::MultipartForm::too_large_error(
            meet::SCAN_FIELD,
        ))
    } else {
        let file = f
            .take_files(meet::SCAN_FIELD)
            .into_iter()
            .next()
            .unwrap_or_default();
        meet::attach_minutes_scan(&ctx, id, &file)
            .await
            .map(|_| ())
            .map_err(Failure::from)
    };
    back_or_again(&ctx, chrome, id, result, None).await
}
