//! Pages for meetings, usable without JavaScript on a 360 px screen: a unit's meetings
//! (paginated) with the schedule form, one meeting (hold, cancel, send the invitation again),
//! the attendance (`attendance`: one tap per household, search without accents or by short
//! code, entry from the paper sheet, the quorum as it fills), and the minutes (`minutes`:
//! the editor, finalising, corrections, versions, documents). Each handler calls one use case
//! of `tuquan_app::meetings`.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::meetings::{self as meet, MeetingRecord};
use tuquan_domain::meetings::{AgendaInput, MeetingKind, MeetingStatus, NewMeetingInput};
use tuquan_domain::{GroupId, MeetingId};

use super::common::{choices, see_other, vn_date, Choice, Empty};
use super::form::{rerender, FormErrors};
use super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::extract::query;
use crate::i18n::Lang;
use crate::AppState;

/// A button on a meeting's page: a handler that runs one use case on the meeting, given
/// the form `$form` as `$f`, and goes back to `$back` (a format string of the id).
macro_rules! meeting_button {
    ($name:ident, $form:ty, $back:literal, |$ctx:ident, $id:ident, $f:ident| $call:expr) => {
        pub(super) async fn $name(
            State(state): State<AppState>,
            CurrentUser(who): CurrentUser,
            rc: RequestCtx,
            Path($id): Path<MeetingId>,
            CsrfForm($f): CsrfForm<$form>,
        ) -> Result<Response, PageError> {
            let $ctx = state.ctx(Some(who), &rc);
            $call.await?;
            Ok(see_other(&format!($back, $id), None))
        }
    };
}

mod attendance;
mod minutes;

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/territory/{code}/meetings"),
    ("POST", "/meetings/{id}/hold"),
    ("POST", "/meetings/{id}/cancel"),
    ("POST", "/meetings/{id}/invite"),
    ("POST", "/meetings/{id}/attendance"),
    ("POST", "/meetings/{id}/attendance/{code}/remove"),
    ("POST", "/meetings/{id}/minutes"),
    ("POST", "/meetings/{id}/minutes/finalise"),
    ("POST", "/meetings/{id}/minutes/corrections"),
    ("POST", "/meetings/{id}/minutes/scan"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/territory/{code}/meetings", get(list).post(schedule))
        .route("/territory/{code}/meetings/new", get(new_form))
        .route("/meetings/{id}", get(show))
        .route("/meetings/{id}/hold", post(hold))
        .route("/meetings/{id}/cancel", post(cancel))
        .route("/meetings/{id}/invite", post(invite))
        .route(
            "/meetings/{id}/attendance",
            get(attendance::page).post(attendance::record).layer(
                axum::extract::DefaultBodyLimit::max(crate::files::BODY_LIMIT),
            ),
        )
        .route(
            "/meetings/{id}/attendance/{code}/remove",
            post(attendance::remove),
        )
        .route("/meetings/{id}/{file}", get(minutes::file))
        .route(
            "/meetings/{id}/minutes",
            get(minutes::page).post(minutes::save),
        )
        .route("/meetings/{id}/minutes/finalise", post(minutes::finalise))
        .route("/meetings/{id}/minutes/corrections", post(minutes::correct))
        .route(
            "/meetings/{id}/minutes/scan",
            post(minutes::scan).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::BODY_LIMIT,
            )),
        )
}

/// One meeting as a list shows it.
pub struct Row {
    pub id: MeetingId,
    pub title: String,
    pub when: String,
    pub place: String,
    pub kind: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub group: Option<String>,
}

fn row(lang: Lang, m: &MeetingRecord) -> Row {
    Row {
        id: m.id,
        title: m.title.clone(),
        when: format!("{} {}", m.meeting_time, vn_date(&m.meeting_date)),
        place: m.place.clone(),
        kind: lang.t(&format!("meet.kind.{}", m.kind.as_str())).to_owned(),
        status: lang.t(&format!("meet.status.{}", m.status.as_str())),
        status_code: m.status.as_str(),
        group: m.group_name.clone(),
    }
}

#[derive(Template)]
#[template(path = "meetings_list.html")]
struct ListPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<Row>,
    next_href: Option<String>,
    may_schedule: bool,
}

#[derive(Deserialize)]
struct PageQuery {
    cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let page = meet::list_for_unit(&ctx, &code, q.cursor.as_deref(), Some("20")).await?;
    let lang = chrome.lang;
    render(&ListPage {
        code: page.unit.code.clone(),
        name: page.unit.name.clone(),
        list: page.items.iter().map(|m| row(lang, m)).collect(),
        next_href: page
            .next_cursor
            .map(|c| format!("/territory/{}/meetings?cursor={c}", page.unit.code)),
        may_schedule: page.may_schedule,
        chrome,
    })
}

/// The schedule form's values as typed.
#[derive(Debug, Default, Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    secretary: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    clusters: String,
    #[serde(default)]
    elects_head: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings_new.html")]
struct NewPage {
    chrome: Chrome,
    code: String,
    name: String,
    kinds: Vec<Choice>,
    v: ScheduleForm,
    errors: FormErrors,
    /// The notice periods and the cluster rule in force, in words.
    notice_rule: String,
    clusters_rule: String,
}

fn new_page(
    chrome: Chrome,
    code: &str,
    name: &str,
    v: ScheduleForm,
    rules: &meet::SchedulingRules,
    errors: FormErrors,
) -> NewPage {
    let kind = if v.kind.is_empty() {
        "community"
    } else {
        v.kind.as_str()
    };
    let lang = chrome.lang;
    NewPage {
        kinds: choices(
            MeetingKind::ALL.iter().map(|k| {
                (
                    k.as_str(),
                    lang.t(&format!("meet.kind.{}", k.as_str())).to_owned(),
                )
            }),
            kind,
        ),
        code: code.to_owned(),
        name: name.to_owned(),
        v,
        errors,
        notice_rule: lang
            .t("meet.rules_notice")
            .replace("{year_end}", &rules.year_end_notice_days.to_string())
            .replace("{list}", &rules.election_list_days.to_string()),
        clusters_rule: lang
            .t(if rules.clusters_allowed {
                "meet.rules_clusters_yes"
            } else {
                "meet.rules_clusters_no"
            })
            .replace("{min}", &rules.cluster_households.to_string())
            .replace("{n}", &rules.households.to_string()),
        chrome,
    }
}

async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    let ctx = state.ctx(Some(who), &rc);
    let rules = meet::scheduling_rules(&ctx, &unit).await?;
    let v = ScheduleForm {
        time: "19:30".into(),
        ..ScheduleForm::default()
    };
    render(&new_page(
        chrome,
        &unit.code,
        &unit.name,
        v,
        &rules,
        FormErrors::none(),
    ))
}

async fn schedule(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<ScheduleForm>,
) -> Result<Response, PageError> {
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    let clusters = f.clusters.trim();
    let input = NewMeetingInput {
        kind: f.kind.clone(),
        title: f.title.clone(),
        date: f.date.clone(),
        time: f.time.clone(),
        place: f.place.clone(),
        chair: Some(f.chair.clone()),
        secretary: Some(f.secretary.clone()),
        agenda: AgendaInput::Lines(f.agenda.clone()),
        group_id: None::<GroupId>,
        elects_head: f.elects_head.is_some(),
        clusters: if clusters.is_empty() {
            None
        } else {
            Some(clusters.parse().unwrap_or(0))
        },
    };
    let ctx = state.ctx(Some(who), &rc);
    match meet::create(&ctx, &code, &input).await {
        Ok(id) => Ok(see_other(&format!("/meetings/{id}"), None)),
        Err(e) => {
            let rules = meet::scheduling_rules(&ctx, &unit).await?;
            rerender(e, chrome.lang, |errors| {
                new_page(chrome, &unit.code, &unit.name, f, &rules, errors)
            })
        }
    }
}

#[derive(Template)]
#[template(path = "meetings_show.html")]
struct ShowPage {
    chrome: Chrome,
    m: Row,
    unit_code: String,
    unit_name: String,
    chair: String,
    secretary: String,
    agenda: Vec<String>,
    announcement_id: Option<i64>,
    cancelled_reason: Option<String>,
    planned: bool,
    held: bool,
    may_manage: bool,
    clusters: i64,
    elects_head: bool,
}

async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<MeetingId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let v = meet::get(&ctx, id).await?;
    let m = &v.meeting;
    render(&ShowPage {
        m: row(chrome.lang, m),
        unit_code: m.unit_code.clone(),
        unit_name: m.unit_name.clone(),
        chair: m.chair_name.clone().unwrap_or_default(),
        secretary: m.secretary_name.clone().unwrap_or_default(),
        agenda: v.agenda.iter().map(|a| a.title.clone()).collect(),
        announcement_id: m.announcement_id,
        cancelled_reason: m.cancelled_reason.clone(),
        planned: m.status == MeetingStatus::Planned,
        held: m.status == MeetingStatus::Held,
        may_manage: v.may_manage,
        clusters: m.clusters,
        elects_head: m.elects_head,
        chrome,
    })
}

meeting_button!(hold, Empty, "/meetings/{}", |ctx, id, _f| meet::hold(
    &ctx, id
));

#[derive(Deserialize)]
pub(super) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

meeting_button!(cancel, ReasonForm, "/meetings/{}", |ctx, id, f| {
    meet::cancel(&ctx, id, &f.reason)
});

meeting_button!(invite, Empty, "/meetings/{}", |ctx, id, _f| meet::invite(
    &ctx, id
));
