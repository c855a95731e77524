//! Pages for votes and household ballots, usable without JavaScript at 360 px: a unit's votes
//! with the forms to record a meeting vote and to open ballots; one vote's public result per
//! unit with the actions of its stage (send to ballots, vote for one's household, close,
//! publish); the paper entry form and the reconciliation of the two entries; a province's
//! thresholds. Each handler calls one use case of `tuquan_app::votes`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::votes::{self as app, VoteRecord};
use tuquan_domain::votes::{BallotInput, Matter, MeetingVoteInput, Mode, Status};
use tuquan_domain::{MeetingId, VoteId};

use super::common::{choices, see_other, Choice};
use super::form::{rerender, FormErrors};
use super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::AppState;

mod door;
mod election;
mod paper;
mod settings;
mod voters;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/territory/{code}/votes"),
    ("POST", "/territory/{code}/ballots"),
    ("POST", "/territory/{code}/vote-thresholds"),
    ("POST", "/votes/{id}/ballot"),
    ("POST", "/votes/{id}/cast"),
    ("POST", "/votes/{id}/door"),
    ("POST", "/votes/{id}/voters"),
    ("POST", "/votes/{id}/paper/{entry}"),
    ("POST", "/votes/{id}/paper/{entry}/sheet"),
    ("POST", "/votes/{id}/close"),
    ("POST", "/votes/{id}/publish"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/territory/{code}/votes", get(unit_page).post(record))
        .route("/territory/{code}/ballots", post(open_ballot))
        .route(
            "/territory/{code}/vote-thresholds",
            get(settings::page).post(settings::save),
        )
        .route("/votes/{id}", get(show))
        .route("/votes/{id}/ballot", post(to_ballot))
        .route("/votes/{id}/cast", post(cast))
        .route("/votes/{id}/door", post(door::cast))
        .route("/votes/{id}/voters", post(voters::authorise))
        .route(
            "/votes/{id}/paper/{entry}",
            get(paper::page).post(paper::save),
        )
        .route(
            "/votes/{id}/paper/{entry}/sheet",
            post(paper::attach_sheet).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::BODY_LIMIT,
            )),
        )
        .route("/votes/{id}/sheet.pdf", get(paper::sheet))
        .route("/votes/{id}/close", post(close))
        .route("/votes/{id}/publish", post(publish))
        .route(
            "/votes/{id}/recognition",
            get(election::page).post(election::save),
        )
}

/// One vote as a list shows it.
pub struct Row {
    pub id: VoteId,
    pub title: String,
    pub meta: String,
    pub outcome: Option<String>,
}

fn row(lang: Lang, v: &VoteRecord) -> Row {
    Row {
        id: v.id,
        title: v.title.clone(),
        meta: format!(
            "{} · {} · {}",
            lang.t(&format!("votes.mode.{}", v.mode.as_str())),
            v.unit_name,
            lang.t(&format!("votes.status.{}", v.status.as_str()))
        ),
        outcome: v
            .outcome
            .as_ref()
            .filter(|_| v.status != Status::Open)
            .map(|o| lang.t(&format!("votes.outcome.{o}")).to_owned()),
    }
}

fn matter_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    choices(
        Matter::ALL.iter().map(|m| {
            (
                m.as_str(),
                lang.t(&format!("votes.matter.{}", m.as_str())).to_owned(),
            )
        }),
        selected,
    )
}

fn mode_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    choices(
        [Mode::ShowOfHands, Mode::Secret, Mode::Procedural]
            .iter()
            .map(|m| {
                (
                    m.as_str(),
                    lang.t(&format!("votes.mode.{}", m.as_str())).to_owned(),
                )
            }),
        selected,
    )
}

#[derive(Template)]
#[template(path = "votes_unit.html")]
struct UnitPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<Row>,
    may_manage: bool,
    matters: Vec<Choice>,
    modes: Vec<Choice>,
    /// The meeting vote form as typed.
    v: MeetingVoteInput,
    /// The ballot form as typed.
    b: BallotInput,
    errors: FormErrors,
    /// Which form the errors belong to: "vote" or "ballot".
    errors_of: &'static str,
    /// The vote is taken at this community meeting: its attendance counts.
    presence: Option<PresenceLine>,
    /// An election's candidate rows, as typed.
    candidates: Vec<election::CandidateRow>,
}

/// The attendance of the meeting a vote is taken at, as the form shows it.
pub struct PresenceLine {
    pub meeting_id: MeetingId,
    pub title: String,
    pub present: u32,
    pub total: i64,
    pub needed: u32,
    /// The quorum's threshold in percent ("more than 50%").
    pub pct: u32,
    pub met: bool,
}

async fn presence_line(
    ctx: &tuquan_app::Ctx,
    code: &str,
    meeting_id: Option<MeetingId>,
) -> Result<Option<PresenceLine>, PageError> {
    let Some(id) = meeting_id else {
        return Ok(None);
    };
    let p = app::meeting_presence(ctx, code, id).await?;
    Ok(Some(PresenceLine {
        meeting_id: id,
        title: p.meeting.title.clone(),
        present: p.present,
        total: p.total,
        needed: p.quorum.needed,
        pct: p.quorum.pct,
        met: p.quorum.met,
    }))
}

async fn unit_data(
    chrome: Chrome,
    ctx: &tuquan_app::Ctx,
    code: &str,
    v: MeetingVoteInput,
    b: BallotInput,
    errors_of: &'static str,
) -> Result<UnitPage, PageError> {
    let (unit, list) = app::votes_of_unit(ctx, code, None).await?;
    let presence = presence_line(ctx, code, v.meeting_id).await?;
    let lang = chrome.lang;
    let may_manage =
        tuquan_app::groups::may(ctx, tuquan_domain::access::Action::VoteManage, &unit.path);
    let matter = if errors_of == "ballot" {
        &b.matter
    } else {
        &v.matter
    };
    Ok(UnitPage {
        code: unit.code.clone(),
        name: unit.name.clone(),
        list: list.iter().map(|x| row(lang, x)).collect(),
        may_manage,
        matters: matter_choices(lang, matter),
        modes: mode_choices(lang, &v.mode),
        candidates: election::rows(&v),
        v,
        b,
        errors: FormErrors::none(),
        errors_of,
        presence,
        chrome,
    })
}

#[derive(Deserialize)]
struct UnitQuery {
    /// A vote taken at this community meeting (from the meeting's attendance page).
    meeting: Option<String>,
}

async fn unit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<axum::extract::Query<UnitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = crate::extract::query(q)?;
    let ctx = state.ctx(u.0, &rc);
    let v = MeetingVoteInput {
        mode: "show_of_hands".into(),
        matter: "other".into(),
        meeting_id: meeting_param(q.meeting.as_deref())?,
        ..Default::default()
    };
    let b = BallotInput {
        matter: "other".into(),
        ..Default::default()
    };
    render(&unit_data(chrome, &ctx, &code, v, b, "").await?)
}

fn signed_in(state: &AppState, u: MaybeUser, rc: &RequestCtx) -> Result<tuquan_app::Ctx, Failure> {
    let who = u.0.ok_or(Failure::Unauthorized)?;
    Ok(state.ctx(Some(who), rc))
}

/// A meeting id from a query or a form: blank is none, anything else must be a number.
fn meeting_param(raw: Option<&str>) -> Result<Option<MeetingId>, Failure> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            Failure::Invalid(tuquan_domain::FieldError::new(
                "meeting_id",
                tuquan_domain::FieldErrorKind::InvalidFormat,
                "not a meeting id",
            ))
        }),
    }
}

#[derive(Deserialize)]
struct MeetingVoteForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    matter: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    present: String,
    #[serde(default)]
    yes: String,
    #[serde(default)]
    no: String,
    #[serde(default)]
    abstain: String,
    #[serde(default)]
    committee: String,
    #[serde(default)]
    meeting_id: String,
    #[serde(flatten)]
    election: election::CandidateFields,
}

async fn record(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<MeetingVoteForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let (candidates, list_posted_on) = f.election.into_input();
    let v = MeetingVoteInput {
        title: f.title,
        matter: f.matter,
        mode: f.mode,
        present: f.present,
        yes: f.yes,
        no: f.no,
        abstain: f.abstain,
        committee: f.committee,
        meeting_id: meeting_param(Some(&f.meeting_id))?,
        candidates,
        list_posted_on,
    };
    match app::record_meeting_vote(&ctx, &code, &v).await {
        Ok(id) => Ok(see_other(&format!("/votes/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let b = BallotInput {
                matter: "other".into(),
                ..Default::default()
            };
            let page = unit_data(chrome, &ctx, &code, v, b, "vote").await?;
            rerender(e, lang, move |errors| UnitPage { errors, ..page })
        }
    }
}

#[derive(Deserialize)]
struct BallotForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    matter: String,
    #[serde(default)]
    online: Option<String>,
    #[serde(default)]
    candidate: String,
    #[serde(default)]
    list_posted_on: String,
}

async fn open_ballot(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<BallotForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let b = BallotInput {
        title: f.title,
        matter: f.matter,
        online: f.online.is_some(),
        candidate: f.candidate,
        list_posted_on: f.list_posted_on,
    };
    match app::open_ballot(&ctx, &code, &b).await {
        Ok(id) => Ok(see_other(&format!("/votes/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let v = MeetingVoteInput {
                mode: "show_of_hands".into(),
                matter: "other".into(),
                ..Default::default()
            };
            let page = unit_data(chrome, &ctx, &code, v, b, "ballot").await?;
            rerender(e, lang, move |errors| UnitPage { errors, ..page })
        }
    }
}

/// One unit's line of a ballot's result.
pub struct UnitLine {
    pub name: String,
    pub households: i64,
    pub voted: i64,
    pub yes: i64,
    pub no: i64,
    pub abstain: i64,
}

#[derive(Template)]
#[template(path = "votes_show.html")]
struct ShowPage {
    chrome: Chrome,
    v: Row,
    unit_code: String,
    unit_name: String,
    matter: String,
    ballot: bool,
    open: bool,
    online: bool,
    shown: bool,
    yes: u32,
    no: u32,
    abstain: u32,
    all: i64,
    turnout: i64,
    needed: u32,
    quorum_needed: u32,
    committee: Vec<String>,
    units: Vec<UnitLine>,
    may_manage: bool,
    may_count: bool,
    to_ballot: bool,
    publishable: bool,
    from_vote_id: Option<VoteId>,
    /// The signed-in resident's household vote: Some(None) not yet, Some(Some(choice)).
    mine: Option<Option<String>>,
    /// Households not yet counted, for the door-to-door form (counting officials, while open).
    door: Vec<door::Household>,
    /// The door-to-door form as typed: household id, choice.
    door_typed: (String, String),
    /// The signed-in resident's standing in their household's vote.
    voter: Option<voters::VoterLine>,
    /// Linked to a household on the roll but neither its representative nor authorised.
    not_authorised: bool,
    /// An election's candidates and recognition.
    election: Option<election::Section>,
    errors: FormErrors,
}

async fn show_data(
    chrome: Chrome,
    ctx: &tuquan_app::Ctx,
    id: VoteId,
) -> Result<ShowPage, PageError> {
    let view = app::vote_view(ctx, id).await?;
    let lang = chrome.lang;
    let v = &view.vote;
    let ballot = v.mode == Mode::Ballot;
    let open = v.status == Status::Open;
    let mine = if ballot && ctx.actor.is_some() {
        match app::my_vote(ctx, id).await {
            Ok(m) => Some(m.map(|(_, c)| lang.t(&format!("votes.choice.{c}")).to_owned())),
            Err(_) => None,
        }
    } else {
        None
    };
    let all = u32::try_from(v.all_households).unwrap_or(0);
    let voter = if mine.is_some() {
        voters::line(ctx).await?
    } else {
        None
    };
    let door = if ballot && open && view.may_count {
        door::households(ctx, id).await?
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        v: row(lang, v),
        unit_code: v.unit_code.clone(),
        unit_name: v.unit_name.clone(),
        matter: lang
            .t(&format!("votes.matter.{}", v.matter.as_str()))
            .to_owned(),
        ballot,
        open,
        online: v.online,
        shown: view.shown,
        yes: view.tally.yes,
        no: view.tally.no,
        abstain: view.tally.abstain,
        all: v.all_households,
        turnout: view.turnout,
        needed: view.needed,
        quorum_needed: tuquan_domain::votes::needed(all, view.thresholds.meeting_quorum_pct),
        committee: v.committee.lines().map(str::to_owned).collect(),
        units: view
            .units
            .iter()
            .map(|u| UnitLine {
                name: u.unit_name.clone(),
                households: u.households,
                voted: u.voted,
                yes: u.yes_count,
                no: u.no_count,
                abstain: u.abstain_count,
            })
            .collect(),
        may_manage: view.may_manage,
        may_count: view.may_count,
        to_ballot: view.may_manage && app::is(v, tuquan_domain::votes::Outcome::NoQuorum),
        publishable: view.may_manage && matches!(v.status, Status::Recorded | Status::Closed),
        from_vote_id: v.from_vote_id,
        mine,
        door,
        door_typed: Default::default(),
        not_authorised: voter.as_ref().is_some_and(|x| !x.may_vote),
        voter,
        election: election::section(ctx, lang, v).await?,
        errors: FormErrors::none(),
        chrome,
    })
}

async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<VoteId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(u.0, &rc);
    render(&show_data(chrome, &ctx, id).await?)
}

/// Runs one action of the vote page; a refusal is shown on the page, beside the action.
async fn act(
    chrome: Chrome,
    ctx: tuquan_app::Ctx,
    id: VoteId,
    result: Result<Option<VoteId>, tuquan_app::AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(next) => Ok(see_other(&format!("/votes/{}", next.unwrap_or(id)), None)),
        Err(e) => {
            let lang = chrome.lang;
            let page = show_data(chrome, &ctx, id).await?;
            rerender(e, lang, move |errors| ShowPage { errors, ..page })
        }
    }
}

/// A button of the vote page: a handler that runs one use case (given the form `$form` as
/// `$f`) whose result is the vote to go to next (`None`: this one), through [`act`].
macro_rules! vote_button {
    ($name:ident, $form:ty, |$ctx:ident, $id:ident, $f:ident| $call:expr) => {
        async fn $name(
            State(state): State<AppState>,
            chrome: Chrome,
            u: MaybeUser,
            rc: RequestCtx,
            Path($id): Path<VoteId>,
            CsrfForm($f): CsrfForm<$form>,
        ) -> Result<Response, PageError> {
            let $ctx = signed_in(&state, u, &rc)?;
            let r = $call;
            act(chrome, $ctx, $id, r).await
        }
    };
}

#[derive(Deserialize)]
struct Empty {}

#[derive(Deserialize)]
struct CastForm {
    #[serde(default)]
    choice: String,
}

vote_button!(to_ballot, Empty, |ctx, id, _f| {
    app::ballot_from_vote(&ctx, id).await.map(Some)
});
vote_button!(cast, CastForm, |ctx, id, f| {
    app::cast_own(&ctx, id, &f.choice).await.map(|_| None)
});
vote_button!(close, Empty, |ctx, id, _f| {
    app::close_ballot(&ctx, id).await.map(|_| None)
});
vote_button!(publish, Empty, |ctx, id, _f| {
    app::publish(&ctx, id).await.map(|_| None)
});
