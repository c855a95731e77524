//! Pages for a commune's restructuring schemes (đề án sắp xếp), usable without JavaScript at
//! 360 px: the list, the header form, one scheme with its items, the before/after table
//! (printable), each affected unit's consent and the actions (start the consultation,
//! approve, override with its decision, abandon and apply after a confirmation, preview).
//! Each handler calls one use case of `tuquan_app::restructuring::schemes`.

use std::future::{ready, Future};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tuquan_app::restructuring::schemes::{self as app, SchemeRecord, SchemeView};
use tuquan_app::restructuring::ApplyReport;
use tuquan_domain::restructuring::scheme::{OverrideInput, SchemeId, SchemeInput, SchemeStatus};

use super::super::common::{confirm, see_other, vn_date, Ask, Empty};
use super::super::form::FormErrors;
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

/// A form's fields as pairs: repeated names (ticked boxes) kept.
pub(crate) type Pairs = Vec<(String, String)>;

/// The first value of the field `name`, or empty.
pub(crate) fn one(p: &Pairs, name: &str) -> String {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value of the field `name` (ticked boxes), in order.
pub(crate) fn all(p: &Pairs, name: &str) -> Vec<String> {
    p.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The answer to a form's POST, the steps every form of these pages shares: after the use
/// case, a redirect to `to(value)`; a refusal it explains (bad fields, a rule, a conflict)
/// shows the page `form` builds again with the errors and the failure's status, the values
/// as typed; any other failure is the error page (and `form` is not built).
pub(crate) async fn finish<T, P, Fut>(
    lang: Lang,
    outcome: Result<T, impl Into<Failure>>,
    to: impl FnOnce(T) -> String,
    form: impl FnOnce(FormErrors) -> Fut,
) -> Result<Response, PageError>
where
    P: Template,
    Fut: Future<Output = Result<P, Failure>>,
{
    match outcome {
        Ok(v) => Ok(see_other(&to(v), None)),
        Err(e) => refused(lang, e, form).await,
    }
}

/// A refusal shown on the page `form` builds with its errors (see [`finish`]).
pub(crate) async fn refused<P, Fut>(
    lang: Lang,
    failure: impl Into<Failure>,
    form: impl FnOnce(FormErrors) -> Fut,
) -> Result<Response, PageError>
where
    P: Template,
    Fut: Future<Output = Result<P, Failure>>,
{
    let failure = failure.into();
    let Some((status, errors)) = FormErrors::from_failure(&failure, lang) else {
        return Err(PageError(failure));
    };
    Ok((status, render(&form(errors).await?)?).into_response())
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
    id: SchemeId,
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

/// A scheme the actor manages, seen through its commune's path: forms on it are for those
/// who manage it.
pub(crate) async fn managed_view(
    state: &AppState,
    u: MaybeUser,
    rc: &RequestCtx,
    code: &str,
    id: SchemeId,
) -> Result<(tuquan_app::Ctx, SchemeView), Failure> {
    let ctx = signed_in(state, u, rc)?;
    let v = view_of(&ctx, code, id).await?;
    if !v.may_manage {
        return Err(Failure::Forbidden);
    }
    Ok((ctx, v))
}

#[derive(Template)]
#[template(path = "restructuring_scheme_form.html")]
struct HeaderPage {
    chrome: Chrome,
    heading: &'static str,
    action: String,
    back: String,
    commune: String,
    form: SchemeInput,
    errors: FormErrors,
}

/// The header form of a new scheme at the commune `code`.
async fn new_form(
    state: &AppState,
    chrome: Chrome,
    code: &str,
    form: SchemeInput,
    errors: FormErrors,
) -> Result<HeaderPage, Failure> {
    let unit = tuquan_app::territory::unit(&state.app, code).await?;
    Ok(HeaderPage {
        heading: "scheme.new",
        action: format!("/communes/{code}/restructuring"),
        back: format!("/communes/{code}/restructuring"),
        commune: unit.name,
        form,
        errors,
        chrome,
    })
}

/// The header form of a scheme being edited.
fn edit_form(chrome: Chrome, v: &SchemeView, form: SchemeInput, errors: FormErrors) -> HeaderPage {
    HeaderPage {
        heading: "scheme.edit",
        action: format!("{}/edit", at(&v.scheme)),
        back: at(&v.scheme),
        commune: v.scheme.commune_name.clone(),
        form,
        errors,
        chrome,
    }
}

/// A stored header as the form shows it.
fn header_input(s: &SchemeRecord) -> SchemeInput {
    SchemeInput {
        title: s.title.clone(),
        reason: s.reason.clone(),
        effective_on: s.effective_on.clone(),
        basis_number: s.basis_number.clone(),
        basis_date: s.basis_date.clone().unwrap_or_default(),
        basis_signer: s.basis_signer.clone(),
    }
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
    render(
        &new_form(
            &state,
            chrome,
            &code,
            SchemeInput::default(),
            FormErrors::none(),
        )
        .await?,
    )
}

async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<SchemeInput>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let done = app::create_scheme(&ctx, &code, &f).await;
    let to = |id| format!("/communes/{code}/restructuring/schemes/{id}");
    finish(chrome.lang, done, to, |errors| {
        new_form(&state, chrome, &code, f, errors)
    })
    .await
}

async fn edit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, SchemeId)>,
) -> Result<Html<String>, PageError> {
    let (_, v) = managed_view(&state, u, &rc, &code, id).await?;
    render(&edit_form(
        chrome,
        &v,
        header_input(&v.scheme),
        FormErrors::none(),
    ))
}

/// The POST of a typed form on a scheme (its header, an override): `$call` with the form,
/// back to the scheme's page, or the form (`$page`) again with the errors and the values as
/// typed.
macro_rules! post_on_scheme {
    ($name:ident, $form:ty, $call:path, $page:ident) => {
        async fn $name(
            State(state): State<AppState>,
            chrome: Chrome,
            u: MaybeUser,
            rc: RequestCtx,
            Path((code, id)): Path<(String, SchemeId)>,
            CsrfForm(f): CsrfForm<$form>,
        ) -> Result<Response, PageError> {
            let ctx = signed_in(&state, u, &rc)?;
            let v = view_of(&ctx, &code, id).await?;
            let done = $call(&ctx, id, &f).await;
            finish(
                chrome.lang,
                done,
                |()| at(&v.scheme),
                |errors| ready(Ok($page(chrome, &v, f, errors))),
            )
            .await
        }
    };
}

post_on_scheme!(edit, SchemeInput, app::edit_scheme, edit_form);

mod show;
use show::show;

/// An action on a scheme from a button of its page: back to the page, or the page again
/// with the refusal at the top.
macro_rules! act {
    ($name:ident, $call:path) => {
        async fn $name(
            State(state): State<AppState>,
            chrome: Chrome,
            u: MaybeUser,
            rc: RequestCtx,
            Path((code, id)): Path<(String, SchemeId)>,
            CsrfForm(_): CsrfForm<Empty>,
        ) -> Result<Response, PageError> {
            let ctx = signed_in(&state, u, &rc)?;
            let v = view_of(&ctx, &code, id).await?;
            let done = $call(&ctx, id).await;
            finish(
                chrome.lang,
                done,
                |_| at(&v.scheme),
                |errors| show::again(&ctx, chrome, &code, id, errors),
            )
            .await
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
    Path((code, id)): Path<(String, SchemeId)>,
) -> Result<Html<String>, PageError> {
    let (_, v) = managed_view(&state, u, &rc, &code, id).await?;
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

#[derive(Template)]
#[template(path = "restructuring_override.html")]
struct OverridePage {
    chrome: Chrome,
    title: String,
    back: String,
    form: OverrideInput,
    errors: FormErrors,
}

fn override_form(
    chrome: Chrome,
    v: &SchemeView,
    form: OverrideInput,
    errors: FormErrors,
) -> OverridePage {
    OverridePage {
        title: v.scheme.title.clone(),
        back: at(&v.scheme),
        form,
        errors,
        chrome,
    }
}

async fn override_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, SchemeId)>,
) -> Result<Html<String>, PageError> {
    let (_, v) = managed_view(&state, u, &rc, &code, id).await?;
    render(&override_form(
        chrome,
        &v,
        OverrideInput::default(),
        FormErrors::none(),
    ))
}

post_on_scheme!(
    override_consent,
    OverrideInput,
    app::record_override,
    override_form
);

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

/// What the preview, the confirmation before applying and the page after applying show.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Preview,
    Confirm,
    Apply,
}

/// Runs the scheme (a dry run but for `Run::Apply`) and shows what it does, or the scheme's
/// page again with the refusal.
async fn run_page(
    state: &AppState,
    chrome: Chrome,
    u: MaybeUser,
    rc: &RequestCtx,
    (code, id): (String, SchemeId),
    run: Run,
) -> Result<Response, PageError> {
    let ctx = signed_in(state, u, rc)?;
    let v = view_of(&ctx, &code, id).await?;
    match app::apply_scheme(&ctx, id, run != Run::Apply).await {
        Ok(report) => {
            let page = PreviewPage {
                title: v.scheme.title.clone(),
                back: at(&v.scheme),
                apply: (run == Run::Confirm && v.scheme.status == SchemeStatus::Approved)
                    .then(|| format!("{}/apply", at(&v.scheme))),
                applied: run == Run::Apply,
                commune: v.scheme.commune_code.clone(),
                report,
                chrome,
            };
            Ok(render(&page)?.into_response())
        }
        Err(e) => {
            refused(chrome.lang, e, |errors| {
                show::again(&ctx, chrome, &code, id, errors)
            })
            .await
        }
    }
}

async fn preview(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(p): Path<(String, SchemeId)>,
) -> Result<Response, PageError> {
    run_page(&state, chrome, u, &rc, p, Run::Preview).await
}

/// The confirmation before applying: the preview with the button.
async fn apply_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(p): Path<(String, SchemeId)>,
) -> Result<Response, PageError> {
    run_page(&state, chrome, u, &rc, p, Run::Confirm).await
}

async fn apply(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(p): Path<(String, SchemeId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    run_page(&state, chrome, u, &rc, p, Run::Apply).await
}
