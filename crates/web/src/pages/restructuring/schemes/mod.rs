//! Pages for a commune's restructuring schemes (đề án sắp xếp), usable without JavaScript at
//! 360 px: the list, the header form, one scheme with its items, the before/after table
//! (printable), each affected unit's consent and the actions (start the consultation,
//! approve, override with its decision, abandon and apply after a confirmation, preview).
//! Each handler calls one use case of `tuquan_app::restructuring::schemes`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tuquan_app::restructuring::schemes::{self as app, SchemeRecord, SchemeView};
use tuquan_app::restructuring::ApplyReport;
use tuquan_domain::restructuring::scheme::{OverrideInput, SchemeInput, SchemeStatus};

use super::super::common::{confirm, see_other, vn_date, Ask, Empty};
use super::super::form::{rerender, FormErrors};
use super::super::{render, Chrome};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::AppState;

mod groups;
mod items;
mod settings;

const BASE: &str = "/communes/{code}/restructuring";

/// State-changing routes of this module (see `crate::mutating_routes`).
pub const MUTATING: &[(&str, &str)] = &[
    ("POST", "/communes/{code}/restructuring"),
    ("POST", "/communes/{code}/restructuring/schemes/{id}/edit"),
    ("POST", "/communes/{code}/restructuring/schemes/{id}/merge"),
    ("POST", "/communes/{code}/restructuring/schemes/{id}/split"),
    ("POST", "/communes/{code}/restructuring/schemes/{id}/rename"),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/items/{item}/remove",
    ),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/items/{item}/households",
    ),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/groups/{group}",
    ),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/consult",
    ),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/approve",
    ),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/override",
    ),
    (
        "POST",
        "/communes/{code}/restructuring/schemes/{id}/abandon",
    ),
    ("POST", "/communes/{code}/restructuring/schemes/{id}/apply"),
    ("POST", "/provinces/{code}/restructuring/standards"),
    ("POST", "/provinces/{code}/restructuring/freezes"),
];

pub fn router() -> Router<AppState> {
    let s = |tail: &str| format!("{BASE}/schemes/{{id}}{tail}");
    Router::new()
        .route(BASE, get(list_page).post(create))
        .route(&format!("{BASE}/new"), get(new_page))
        .route(&format!("{BASE}/sizes"), get(settings::sizes_page))
        .route(&s(""), get(show))
        .route(&s("/edit"), get(edit_page).post(edit))
        .route(&s("/merge"), get(items::merge_page).post(items::merge))
        .route(&s("/split"), get(items::split_page).post(items::split))
        .route(&s("/rename"), get(items::rename_page).post(items::rename))
        .route(&s("/items/{item}/remove"), post(items::remove))
        .route(
            &s("/items/{item}/households"),
            get(items::picker_page).post(items::assign),
        )
        .route(&s("/groups/{group}"), post(groups::set))
        .route(&s("/consult"), post(consult))
        .route(&s("/approve"), post(approve))
        .route(&s("/override"), get(override_page).post(override_consent))
        .route(&s("/abandon"), get(abandon_page).post(abandon))
        .route(&s("/preview"), get(preview))
        .route(&s("/apply"), get(apply_page).post(apply))
        .route(
            "/provinces/{code}/restructuring/standards",
            get(settings::standards_page).post(settings::set_standard),
        )
        .route(
            "/provinces/{code}/restructuring/freezes",
            post(settings::add_freeze),
        )
}

pub(crate) fn signed_in(
    state: &AppState,
    u: MaybeUser,
    rc: &RequestCtx,
) -> Result<tuquan_app::Ctx, Failure> {
    let who = u.0.ok_or(Failure::Unauthorized)?;
    Ok(state.ctx(Some(who), rc))
}

/// The scheme's page.
pub(crate) fn at(s: &SchemeRecord) -> String {
    format!(
        "/communes/{}/restructuring/schemes/{}",
        s.commune_code, s.id
    )
}

/// A scheme seen through its commune's path: another commune's code is not found.
pub(crate) async fn view_of(
    ctx: &tuquan_app::Ctx,
    code: &str,
    id: i64,
) -> Result<SchemeView, Failure> {
    let v = app::scheme_view(ctx, id).await?;
    if v.scheme.commune_code != code {
        return Err(Failure::NotFound);
    }
    Ok(v)
}

pub(crate) fn kind_name(lang: Lang, kind: &str) -> String {
    lang.get(&format!("kind.{kind}")).unwrap_or(kind).to_owned()
}

/// One scheme as the list shows it.
pub struct Row {
    pub href: String,
    pub title: String,
    pub status: &'static str,
    pub effective_on: String,
}

#[derive(Template)]
#[template(path = "restructuring_schemes.html")]
struct ListPage {
    chrome: Chrome,
    code: String,
    name: String,
    province: String,
    list: Vec<Row>,
    may_manage: bool,
}

async fn list_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let (commune, list) = app::schemes_of(&ctx, &code).await?;
    let may_manage = ctx
        .authorize(
            tuquan_domain::access::Action::RestructuringSchemeManage,
            Some(&commune.path),
        )
        .is_ok();
    let lang = chrome.lang;
    render(&ListPage {
        code: commune.code.clone(),
        name: commune.name.clone(),
        province: commune.province_code.clone(),
        list: list
            .iter()
            .map(|s| Row {
                href: at(s),
                title: s.title.clone(),
                status: lang.t(&format!("scheme.status.{}", s.status.as_str())),
                effective_on: vn_date(&s.effective_on),
            })
            .collect(),
        may_manage,
        chrome,
    })
}

/// The header's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct HeaderForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    effective_on: String,
    #[serde(default)]
    basis_number: String,
    #[serde(default)]
    basis_date: String,
    #[serde(default)]
    basis_signer: String,
}

impl HeaderForm {
    fn input(&self) -> SchemeInput {
        SchemeInput {
            title: self.title.clone(),
            reason: self.reason.clone(),
            effective_on: self.effective_on.clone(),
            basis_number: self.basis_number.clone(),
            basis_date: self.basis_date.clone(),
            basis_signer: self.basis_signer.clone(),
        }
    }

    fn of(s: &SchemeRecord) -> Self {
        Self {
            title: s.title.clone(),
            reason: s.reason.clone(),
            effective_on: s.effective_on.clone(),
            basis_number: s.basis_number.clone(),
            basis_date: s.basis_date.clone().unwrap_or_default(),
            basis_signer: s.basis_signer.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "restructuring_scheme_form.html")]
struct HeaderPage {
    chrome: Chrome,
    heading: &'static str,
    action: String,
    back: String,
    commune: String,
    form: HeaderForm,
    errors: FormErrors,
}

async fn new_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    ctx.authorize(
        tuquan_domain::access::Action::RestructuringSchemeManage,
        Some(&unit.path),
    )?;
    render(&HeaderPage {
        heading: "scheme.new",
        action: format!("/communes/{code}/restructuring"),
        back: format!("/communes/{code}/restructuring"),
        commune: unit.name,
        form: HeaderForm::default(),
        errors: FormErrors::none(),
        chrome,
    })
}

async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<HeaderForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let unit = tuquan_app::territory::unit(&state.app, &code).await?;
    match app::create_scheme(&ctx, &code, &f.input()).await {
        Ok(id) => Ok(see_other(
            &format!("/communes/{code}/restructuring/schemes/{id}"),
            None,
        )),
        Err(e) => rerender(e, chrome.lang, |errors| HeaderPage {
            heading: "scheme.new",
            action: format!("/communes/{code}/restructuring"),
            back: format!("/communes/{code}/restructuring"),
            commune: unit.name,
            form: f,
            errors,
            chrome,
        }),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    if !v.may_manage {
        return Err(Failure::Forbidden.into());
    }
    render(&HeaderPage {
        heading: "scheme.edit",
        action: format!("{}/edit", at(&v.scheme)),
        back: at(&v.scheme),
        commune: v.scheme.commune_name.clone(),
        form: HeaderForm::of(&v.scheme),
        errors: FormErrors::none(),
        chrome,
    })
}

async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(f): CsrfForm<HeaderForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    match app::edit_scheme(&ctx, id, &f.input()).await {
        Ok(()) => Ok(see_other(&at(&v.scheme), None)),
        Err(e) => rerender(e, chrome.lang, |errors| HeaderPage {
            heading: "scheme.edit",
            action: format!("{}/edit", at(&v.scheme)),
            back: at(&v.scheme),
            commune: v.scheme.commune_name.clone(),
            form: f,
            errors,
            chrome,
        }),
    }
}

mod show;
use show::show;

macro_rules! act {
    ($name:ident, $call:path) => {
        async fn $name(
            State(state): State<AppState>,
            chrome: Chrome,
            u: MaybeUser,
            rc: RequestCtx,
            Path((code, id)): Path<(String, i64)>,
            CsrfForm(_): CsrfForm<Empty>,
        ) -> Result<Response, PageError> {
            let ctx = signed_in(&state, u, &rc)?;
            let v = view_of(&ctx, &code, id).await?;
            match $call(&ctx, id).await {
                Ok(_) => Ok(see_other(&at(&v.scheme), None)),
                Err(e) => show::rerender_show(&ctx, chrome, &code, id, e.into()).await,
            }
        }
    };
}

act!(consult, app::start_consultation);
act!(approve, app::approve);
act!(abandon, app::abandon);

async fn abandon_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    if !v.may_manage {
        return Err(Failure::Forbidden.into());
    }
    confirm(
        chrome,
        Ask {
            title: "scheme.abandon",
            button: "scheme.abandon",
            question: "scheme.abandon_question",
            vars: &[("title", &v.scheme.title)],
            action: format!("{}/abandon", at(&v.scheme)),
            back: at(&v.scheme),
        },
    )
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct OverrideForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    signer: String,
}

#[derive(Template)]
#[template(path = "restructuring_override.html")]
struct OverridePage {
    chrome: Chrome,
    title: String,
    back: String,
    form: OverrideForm,
    errors: FormErrors,
}

async fn override_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    if !v.may_manage {
        return Err(Failure::Forbidden.into());
    }
    render(&OverridePage {
        title: v.scheme.title.clone(),
        back: at(&v.scheme),
        form: OverrideForm::default(),
        errors: FormErrors::none(),
        chrome,
    })
}

async fn override_consent(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(f): CsrfForm<OverrideForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    let input = OverrideInput {
        reason: f.reason.clone(),
        number: f.number.clone(),
        date: f.date.clone(),
        signer: f.signer.clone(),
    };
    match app::record_override(&ctx, id, &input).await {
        Ok(()) => Ok(see_other(&at(&v.scheme), None)),
        Err(e) => rerender(e, chrome.lang, |errors| OverridePage {
            title: v.scheme.title.clone(),
            back: at(&v.scheme),
            form: f,
            errors,
            chrome,
        }),
    }
}

#[derive(Template)]
#[template(path = "restructuring_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    title: String,
    back: String,
    report: ApplyReport,
    /// The confirmation form's action, on the page before applying.
    apply: Option<String>,
    applied: bool,
    /// The commune's code, for the next steps after applying (beats, thanks).
    commune: String,
}

async fn preview_of(
    state: &AppState,
    chrome: Chrome,
    u: MaybeUser,
    rc: &RequestCtx,
    (code, id): (String, i64),
    confirming: bool,
) -> Result<Response, PageError> {
    let ctx = signed_in(state, u, rc)?;
    let v = view_of(&ctx, &code, id).await?;
    match app::apply_scheme(&ctx, id, true).await {
        Ok(report) => {
            let page = PreviewPage {
                title: v.scheme.title.clone(),
                back: at(&v.scheme),
                apply: (confirming && v.scheme.status == SchemeStatus::Approved)
                    .then(|| format!("{}/apply", at(&v.scheme))),
                applied: false,
                commune: v.scheme.commune_code.clone(),
                report,
                chrome,
            };
            Ok(axum::response::IntoResponse::into_response(render(&page)?))
        }
        Err(e) => show::rerender_show(&ctx, chrome, &code, id, e.into()).await,
    }
}

async fn preview(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(p): Path<(String, i64)>,
) -> Result<Response, PageError> {
    preview_of(&state, chrome, u, &rc, p, false).await
}

/// The confirmation before applying: the preview with the button.
async fn apply_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(p): Path<(String, i64)>,
) -> Result<Response, PageError> {
    preview_of(&state, chrome, u, &rc, p, true).await
}

async fn apply(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    match app::apply_scheme(&ctx, id, false).await {
        Ok(report) => {
            let page = PreviewPage {
                title: v.scheme.title.clone(),
                back: at(&v.scheme),
                apply: None,
                applied: true,
                commune: v.scheme.commune_code.clone(),
                report,
                chrome,
            };
            Ok(axum::response::IntoResponse::into_response(render(&page)?))
        }
        Err(e) => show::rerender_show(&ctx, chrome, &code, id, e.into()).await,
    }
}
