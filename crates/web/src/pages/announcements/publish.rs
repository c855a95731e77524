//! The author's forms: publishing at a unit (with attachments, and optionally only some
//! group kinds or roles) and a new version (adding or dropping attachments). Both are
//! `multipart/form-data`, read into the same domain inputs as the API's multipart bodies
//! (`api::announcements::input_of` / `edit_input_of`); a refusal re-renders the form with
//! every error beside its field and the values as typed.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::response::{Html, IntoResponse, Response};
use tuquan_app::announcements as ann;
use tuquan_domain::access::{Action, Role};
use tuquan_domain::announcements::AnnouncementId;
use tuquan_domain::announcements::{Category, NewAnnouncementInput};
use tuquan_domain::groups::GroupKind;

use super::{row, who, Row, WaitingRow};
use crate::api::announcements::{edit_input_of, input_of};
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::files::read_page_form;
use crate::i18n::Lang;
use crate::pages::common::{choices, see_other, Choice};
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

/// A checkbox of a list (group kinds, roles).
pub struct Check {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "announcements_unit.html")]
pub(super) struct UnitPage {
    chrome: Chrome,
    code: String,
    name: String,
    list: Vec<Row>,
    pub(super) waiting: Vec<WaitingRow>,
    may_publish: bool,
    categories: Vec<Choice>,
    group_kinds: Vec<Check>,
    roles: Vec<Check>,
    v: NewAnnouncementInput,
    errors: FormErrors,
}

pub(super) fn fresh() -> NewAnnouncementInput {
    NewAnnouncementInput {
        category: "policy".into(),
        public: true,
        ..NewAnnouncementInput::default()
    }
}

/// Roles an announcement may be narrowed to: those held in units (not the system's).
const TARGET_ROLES: &[Role] = &[
    Role::UnitHead,
    Role::DeputyHead,
    Role::GroupLeader,
    Role::GroupMember,
    Role::FrontCommittee,
    Role::AreaPolice,
    Role::Resident,
];

pub(super) async fn unit_view(
    state: &AppState,
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    code: &str,
    v: NewAnnouncementInput,
    errors: FormErrors,
) -> Result<UnitPage, PageError> {
    let unit = tuquan_app::territory::unit(&state.app, code).await?;
    let list = ann::at_unit(ctx, code).await?;
    let waiting = if ctx.may_somewhere(Action::AnnouncementPassOn) {
        match ann::waiting(ctx, code).await {
            Ok(w) => w,
            Err(tuquan_app::AppError::Forbidden) => vec![],
            Err(e) => return Err(e.into()),
        }
    } else {
        vec![]
    };
    let lang: Lang = chrome.lang;
    let may_publish = ctx
        .authorize(Action::AnnouncementPublish, Some(&unit.path))
        .is_ok();
    Ok(UnitPage {
        code: unit.code.clone(),
        name: unit.name.clone(),
        list: list.iter().map(|a| row(lang, a)).collect(),
        waiting: waiting
            .iter()
            .map(|w| WaitingRow {
                id: w.announcement_id,
                title: w.title.clone(),
                unit_code: w.unit_code.clone(),
                unit_name: w.unit_name.clone(),
                deadline: crate::i18n::local_time(&w.deadline),
                note: String::new(),
            })
            .collect(),
        may_publish,
        categories: choices(
            Category::ALL.iter().map(|c| {
                (
                    c.as_str(),
                    lang.t(&format!("ann.category.{}", c.as_str())).to_owned(),
                )
            }),
            &v.category,
        ),
        group_kinds: GroupKind::ALL
            .iter()
            .map(|k| Check {
                value: k.as_str(),
                label: lang.t(&format!("groups.kind.{}", k.as_str())).to_owned(),
                checked: v.group_kinds.iter().any(|g| g == k.as_str()),
            })
            .collect(),
        roles: TARGET_ROLES
            .iter()
            .map(|r| Check {
                value: r.as_str(),
                label: lang.t(&format!("role.{}", r.as_str())).to_owned(),
                checked: v.roles.iter().any(|g| g == r.as_str()),
            })
            .collect(),
        v,
        errors,
        chrome,
    })
}

pub(super) async fn unit_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = who(&state, u, &rc)?;
    let page = unit_view(&state, &ctx, chrome, &code, fresh(), FormErrors::none()).await?;
    render(&page)
}

pub(super) async fn publish(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let mut f = read_page_form(req, &state, &[ann::ATTACHMENT_FIELD]).await?;
    let ctx = who(&state, u, &rc)?;
    let input = input_of(&f);
    let result = if f.too_large {
        Err(crate::files::MultipartForm::too_large_error(
            ann::ATTACHMENT_FIELD,
        ))
    } else {
        let files = f.take_files(ann::ATTACHMENT_FIELD);
        ann::publish_with_files(&ctx, &code, &input, &files)
            .await
            .map_err(Into::into)
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/announcements/{id}"), None)),
        Err(e) => {
            let lang = chrome.lang;
            let failure: crate::error::Failure = e;
            let Some((status, errors)) = FormErrors::from_failure(&failure, lang) else {
                return Err(PageError(failure));
            };
            let page = unit_view(&state, &ctx, chrome, &code, input, errors).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}

pub(super) async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(id): Path<AnnouncementId>,
    req: Request,
) -> Result<Response, PageError> {
    let mut f = read_page_form(req, &state, &[ann::ATTACHMENT_FIELD]).await?;
    let ctx = who(&state, u, &rc)?;
    let result = if f.too_large {
        Err(crate::files::MultipartForm::too_large_error(
            ann::ATTACHMENT_FIELD,
        ))
    } else {
        match edit_input_of(&f) {
            Ok(input) => {
                let files = f.take_files(ann::ATTACHMENT_FIELD);
                ann::edit_with_files(&ctx, id, &input, &files)
                    .await
                    .map_err(Into::into)
            }
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/announcements/{id}"), None)),
        Err(failure) => {
            let Some((status, errors)) = FormErrors::from_failure(&failure, chrome.lang) else {
                return Err(PageError(failure));
            };
            let typed = (f.text("title"), f.text("body"));
            let page = super::show_view(&ctx, chrome, id, errors, Some(typed)).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}
