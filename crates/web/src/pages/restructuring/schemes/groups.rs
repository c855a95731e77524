//! The scheme page's section "Tổ chức, nhóm": every group of a unit the scheme closes with
//! what becomes of it (dissolved unless chosen otherwise), and per group one small form (a
//! select and a button, no JavaScript) to carry it over, merge it or dissolve it.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tuquan_app::restructuring::schemes::{self as app, GroupRow, GroupsView, SchemeView};
use tuquan_domain::restructuring::scheme::{GroupChoice, GroupChoiceInput, SchemeId, SchemeStatus};
use tuquan_domain::GroupId;

use super::super::super::groups::kind_name;
use super::super::super::Chrome;
use super::{at, finish, signed_in, view_of};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::AppState;

/// One choice of the select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One group as the section shows it.
pub struct GroupLine {
    pub id: GroupId,
    /// The id of its select (and of its error).
    pub control: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub positions: i64,
    pub head: String,
    /// What becomes of it, in words.
    pub fate: String,
    pub chosen: bool,
    pub options: Vec<Opt>,
}

/// The select's value of a choice: `dissolve`, `carry_over:CODE`, `merge:ID`.
fn value_of(c: &GroupChoice) -> String {
    match c {
        GroupChoice::CarryOver { to } => format!("carry_over:{}", to.as_str()),
        GroupChoice::Merge { into } => format!("merge:{}", into.get()),
        GroupChoice::Dissolve => "dissolve".into(),
    }
}

fn fate(lang: Lang, v: &GroupsView, c: &GroupChoice) -> String {
    match c {
        GroupChoice::CarryOver { to } => lang
            .t("scheme.group.carry_to")
            .replace("{unit}", v.target_name(to.as_str()).unwrap_or(to.as_str())),
        GroupChoice::Merge { into } => lang
            .t("scheme.group.merge_into")
            .replace("{group}", v.group_name(*into).unwrap_or("?")),
        GroupChoice::Dissolve => lang.t("scheme.group.dissolve").to_owned(),
    }
}

fn options(lang: Lang, v: &GroupsView, row: &GroupRow) -> Vec<Opt> {
    let current = value_of(&row.choice);
    let mut out = vec![Opt {
        value: "dissolve".into(),
        label: lang.t("scheme.group.dissolve").to_owned(),
        selected: false,
    }];
    out.extend(v.targets.iter().map(|t| Opt {
        value: format!("carry_over:{}", t.code),
        label: lang.t("scheme.group.carry_to").replace("{unit}", &t.name),
        selected: false,
    }));
    let same_kind = v
        .rows
        .iter()
        .map(|r| &r.group)
        .chain(v.receiving.iter())
        .filter(|g| g.id != row.group.id && g.kind == row.group.kind);
    out.extend(same_kind.map(|g| {
        Opt {
            value: format!("merge:{}", g.id.get()),
            label: lang
                .t("scheme.group.merge_into")
                .replace("{group}", &format!("{} ({})", g.name, g.unit_name)),
            selected: false,
        }
    }));
    for o in &mut out {
        o.selected = o.value == current;
    }
    out
}

/// The section's lines.
pub fn lines(lang: Lang, v: &SchemeView) -> Vec<GroupLine> {
    let g = &v.groups;
    g.rows
        .iter()
        .map(|r| GroupLine {
            id: r.group.id,
            control: format!("group-{}", r.group.id),
            name: r.group.name.clone(),
            kind: match &r.group.kind_label {
                Some(l) if r.group.kind == tuquan_domain::groups::GroupKind::Other => l.clone(),
                _ => kind_name(lang, r.group.kind.as_str()).to_owned(),
            },
            unit: r.group.unit_name.clone(),
            positions: r.group.positions,
            head: r.group.head.clone().unwrap_or_default(),
            fate: fate(lang, g, &r.choice),
            chosen: r.chosen,
            options: options(lang, g, r),
        })
        .collect()
}

/// Whether the groups' dispositions may still change.
pub fn may_change(v: &SchemeView) -> bool {
    v.may_manage
        && matches!(
            v.scheme.status,
            SchemeStatus::Draft | SchemeStatus::Consulting | SchemeStatus::Approved
        )
}

#[derive(Deserialize, Default)]
pub struct ChoiceForm {
    #[serde(default)]
    choice: String,
}

impl ChoiceForm {
    fn input(&self) -> GroupChoiceInput {
        let (action, rest) = self.choice.split_once(':').unwrap_or((&self.choice, ""));
        let mut i = GroupChoiceInput {
            action: action.to_owned(),
            ..GroupChoiceInput::default()
        };
        match action {
            "carry_over" => i.to = rest.to_owned(),
            "merge" => i.into = rest.to_owned(),
            _ => {}
        }
        i
    }
}

/// Sets one group's disposition; a refusal shows the scheme's page again with the message
/// beside that group's select.
pub async fn set(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id, group)): Path<(String, SchemeId, GroupId)>,
    CsrfForm(f): CsrfForm<ChoiceForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    let done = app::set_group(&ctx, id, group, &f.input()).await;
    let control = format!("group-{group}");
    finish(
        chrome.lang,
        done,
        |()| format!("{}#groups", at(&v.scheme)),
        |errors| {
            let errors = ["group", "action", "to", "into"]
                .iter()
                .fold(errors, |e, field| e.rename(field, &control));
            super::show::again(&ctx, chrome, &code, id, errors)
        },
    )
    .await
}
