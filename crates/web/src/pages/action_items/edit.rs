//! The form of an action item: new at a unit, or edit while it is owed. The owner is a
//! resident of the unit, an account with a grant there, or a group's post.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::action_items::{self as items, OwnerChoices};
use tuquan_app::Ctx;
use tuquan_domain::action_items::ActionItemInput;
use tuquan_domain::ActionItemId;

use super::Opt;
use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::pages::common::vn_date;
use crate::pages::form::FormErrors;
use crate::pages::groups::form_outcome;
use crate::pages::{render, Chrome};
use crate::AppState;

/// The form as typed (every field kept as text, so it comes back as entered).
#[derive(Deserialize, Default, Clone)]
pub(super) struct ItemForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    meeting_id: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    owner_kind: String,
    #[serde(default)]
    owner_resident_id: String,
    #[serde(default)]
    owner_user_id: String,
    #[serde(default)]
    owner_group_id: String,
    #[serde(default)]
    owner_role: String,
    #[serde(default)]
    due_on: String,
}

impl From<&ItemForm> for ActionItemInput {
    fn from(f: &ItemForm) -> Self {
        let o = |s: &str| Some(s.to_owned());
        ActionItemInput {
            title: f.title.clone(),
            description: o(&f.description),
            group_id: o(&f.group_id),
            meeting_id: o(&f.meeting_id),
            resolution: o(&f.resolution),
            owner_kind: f.owner_kind.clone(),
            owner_resident_id: o(&f.owner_resident_id),
            owner_user_id: o(&f.owner_user_id),
            owner_group_id: o(&f.owner_group_id),
            owner_role: o(&f.owner_role),
            due_on: f.due_on.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "action_items_form.html")]
struct FormPage {
    chrome: Chrome,
    name: String,
    /// Where the form posts, and where "back" goes.
    action: String,
    back: String,
    heading: &'static str,
    f: ItemForm,
    kinds: Vec<Opt>,
    groups: Vec<Opt>,
    owner_groups: Vec<Opt>,
    residents: Vec<Opt>,
    /// A large unit: the resident's number is typed.
    resident_number: bool,
    accounts: Vec<Opt>,
    roles: Vec<Opt>,
    errors: FormErrors,
}

fn opts<T: std::fmt::Display>(chrome: &Chrome, items: &[(T, String)], selected: &str) -> Vec<Opt> {
    let mut out = vec![Opt {
        value: String::new(),
        label: chrome.t("items.choose").into(),
        selected: selected.is_empty(),
    }];
    out.extend(items.iter().map(|(id, label)| Opt {
        value: id.to_string(),
        label: label.clone(),
        selected: id.to_string() == selected,
    }));
    out
}

struct Target {
    code: String,
    action: String,
    back: String,
    heading: &'static str,
}

async fn form_page(
    ctx: &Ctx,
    chrome: Chrome,
    t: Target,
    f: ItemForm,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let (unit, c): (_, OwnerChoices) = items::owner_choices(ctx, &t.code).await?;
    let kinds = ["resident", "account", "position"]
        .into_iter()
        .map(|k| Opt {
            value: k.into(),
            label: chrome.t(&format!("items.owner_kind.{k}")).into(),
            selected: f.owner_kind == k,
        })
        .collect();
    let mut roles = vec![Opt {
        value: String::new(),
        label: chrome.t("items.choose").into(),
        selected: f.owner_role.is_empty(),
    }];
    roles.extend(["head", "deputy", "secretary"].into_iter().map(|r| Opt {
        value: r.into(),
        label: chrome.t(&format!("items.role.{r}")).into(),
        selected: f.owner_role == r,
    }));
    render(&FormPage {
        name: unit.name.clone(),
        action: t.action,
        back: t.back,
        heading: t.heading,
        kinds,
        groups: opts(&chrome, &c.groups, &f.group_id),
        owner_groups: opts(&chrome, &c.groups, &f.owner_group_id),
        residents: opts(&chrome, &c.residents, &f.owner_resident_id),
        resident_number: c.residents_truncated,
        accounts: opts(&chrome, &c.accounts, &f.owner_user_id),
        roles,
        f,
        errors,
        chrome,
    })
}

fn new_target(code: &str) -> Target {
    Target {
        code: code.to_owned(),
        action: format!("/territory/{code}/action-items"),
        back: format!("/territory/{code}/action-items"),
        heading: "items.new",
    }
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    form_page(
        &ctx,
        chrome,
        new_target(&code),
        ItemForm::default(),
        FormErrors::none(),
    )
    .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<ItemForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let result = items::create(&ctx, &code, &(&f).into()).await;
    form_outcome(chrome.lang, result, super::to_item, |errors| {
        form_page(&ctx, chrome, new_target(&code), f, errors)
    })
    .await
}

/// An optional id as the form holds it: blank for none.
fn text<T: std::fmt::Display>(id: Option<T>) -> String {
    id.map(|v| v.to_string()).unwrap_or_default()
}

fn edit_target(code: &str, id: ActionItemId) -> Target {
    Target {
        code: code.to_owned(),
        action: format!("/action-items/{id}/edit"),
        back: format!("/action-items/{id}"),
        heading: "items.edit",
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let (i, _) = items::show(&ctx, id).await?;
    let f = ItemForm {
        title: i.title.clone(),
        description: i.description.clone().unwrap_or_default(),
        group_id: text(i.group_id),
        meeting_id: text(i.meeting_id),
        resolution: i.resolution.clone().unwrap_or_default(),
        owner_kind: i.owner_kind.as_str().into(),
        owner_resident_id: text(i.owner_resident_id),
        owner_user_id: text(i.owner_user_id),
        owner_group_id: text(i.owner_group_id),
        owner_role: i.owner_role.clone().unwrap_or_default(),
        due_on: vn_date(&i.due_on),
    };
    form_page(
        &ctx,
        chrome,
        edit_target(&i.unit_code, id),
        f,
        FormErrors::none(),
    )
    .await
}

pub(super) async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    Path(id): Path<ActionItemId>,
    CsrfForm(f): CsrfForm<ItemForm>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(who), &rc);
    let (i, _) = items::show(&ctx, id).await?;
    let result = items::edit(&ctx, id, &(&f).into()).await;
    form_outcome(
        chrome.lang,
        result,
        |_| super::to_item(id),
        |errors| form_page(&ctx, chrome, edit_target(&i.unit_code, id), f, errors),
    )
    .await
}
