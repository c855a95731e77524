//! The election parts of the vote pages: the candidate rows of the meeting vote form, the
//! candidates and the recognition on a vote's page, and the commune's recognition form
//! (`/votes/{id}/recognition`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::votes as app;
use tuquan_domain::access::Action;
use tuquan_domain::votes::{MeetingVoteInput, RecognitionInput};
use tuquan_domain::VoteId;

use super::signed_in;
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::common::see_other;
use crate::pages::form::{rerender, FormErrors};
use crate::pages::{render, Chrome};
use crate::AppState;

/// Candidate rows the meeting vote form shows (the API takes up to five).
const FORM_ROWS: usize = 3;

/// One candidate row of the meeting vote form, as typed.
pub struct CandidateRow {
    pub n: usize,
    pub id_field: &'static str,
    pub votes_field: &'static str,
    pub id: String,
    pub votes: String,
}

/// The candidate rows of the form, with what was typed.
pub(super) fn rows(v: &MeetingVoteInput) -> Vec<CandidateRow> {
    const VOTES: [&str; FORM_ROWS] = ["votes_1", "votes_2", "votes_3"];
    (0..FORM_ROWS)
        .map(|i| {
            let (id, votes) = v.candidates.get(i).cloned().unwrap_or_default();
            CandidateRow {
                n: i + 1,
                id_field: app::CANDIDATE_FIELDS[i],
                votes_field: VOTES[i],
                id,
                votes,
            }
        })
        .collect()
}

/// The candidate fields of the meeting vote form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CandidateFields {
    candidate_1: String,
    votes_1: String,
    candidate_2: String,
    votes_2: String,
    candidate_3: String,
    votes_3: String,
    list_posted_on: String,
}

impl CandidateFields {
    /// The rows (blank ones included, so errors keep their row's name) and the list's day.
    pub(super) fn into_input(self) -> (Vec<(String, String)>, String) {
        (
            vec![
                (self.candidate_1, self.votes_1),
                (self.candidate_2, self.votes_2),
                (self.candidate_3, self.votes_3),
            ],
            self.list_posted_on,
        )
    }
}

/// A candidate as a vote's page shows it.
pub struct CandidateLine {
    pub name: String,
    pub votes: i64,
    pub elected: bool,
}

/// The election part of a vote's page.
pub struct Section {
    /// "Trưởng …" or "Phó trưởng …".
    pub role: String,
    pub candidates: Vec<CandidateLine>,
    /// The decision that recognised the result: number, date (DD/MM/YYYY).
    pub recognition: Option<(String, String)>,
    /// The result waits for the commune, and the reader may recognise it.
    pub may_recognise: bool,
}

/// The election part of vote `v`'s page (`None` for other matters).
pub(super) async fn section(
    ctx: &tuquan_app::Ctx,
    lang: Lang,
    v: &app::VoteRecord,
) -> Result<Option<Section>, PageError> {
    let e = app::election_of(ctx, v).await?;
    let Some(role) = e.role else {
        return Ok(None);
    };
    let may = tuquan_app::groups::may(ctx, Action::GroupManage, &v.unit_path);
    Ok(Some(Section {
        role: lang.t(&format!("elect.role.{}", role.as_str())).to_owned(),
        may_recognise: may && app::awaiting_recognition(v, &e),
        candidates: e
            .candidates
            .iter()
            .map(|c| CandidateLine {
                name: c.full_name.clone(),
                votes: c.votes,
                elected: c.elected,
            })
            .collect(),
        recognition: e.recognition.map(|r| {
            (
                r.decision_number,
                crate::error::day_month_year(&r.decision_date),
            )
        }),
    }))
}

#[derive(Template)]
#[template(path = "votes_recognition.html")]
struct RecognitionPage {
    chrome: Chrome,
    id: VoteId,
    title: String,
    unit_name: String,
    election: Section,
    f: RecognitionInput,
    errors: FormErrors,
}

async fn data(
    chrome: Chrome,
    ctx: &tuquan_app::Ctx,
    id: VoteId,
    f: RecognitionInput,
) -> Result<RecognitionPage, PageError> {
    let view = app::vote_view(ctx, id).await?;
    let Some(election) = section(ctx, chrome.lang, &view.vote).await? else {
        return Err(crate::error::Failure::NotFound.into());
    };
    Ok(RecognitionPage {
        id,
        title: view.vote.title.clone(),
        unit_name: view.vote.unit_name.clone(),
        election,
        f,
        errors: FormErrors::none(),
        chrome,
    })
}

/// The commune's recognition form.
pub(super) async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let f = RecognitionInput {
        decision_date: ctx.today().to_string(),
        ..Default::default()
    };
    render(&data(chrome, &ctx, id, f).await?)
}

/// Recognises the result: the elected resident takes the position; back to the vote.
pub(super) async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
    CsrfForm(f): CsrfForm<RecognitionInput>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    match app::recognise(&ctx, id, &f).await {
        Ok(_) => Ok(see_other(&format!("/votes/{id}#election"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let page = data(chrome, &ctx, id, f).await?;
            rerender(e, lang, move |errors| RecognitionPage { errors, ..page })
        }
    }
}
