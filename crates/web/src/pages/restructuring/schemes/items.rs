//! The item forms of a draft scheme: a merge, a split, a rename; removing an item; the page
//! that makes a split's household lists (search without accents, paging, tick and assign).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::people::PeopleFilter;
use tuquan_app::restructuring::schemes::{self as app, SchemeView};
use tuquan_domain::restructuring::scheme::{
    MergeInput, PartInput, RenameInput, SchemeId, SchemeItemId, SplitInput, SplitPartId,
    PART_FIELDS,
};
use tuquan_domain::territory::{Tier, UnitKind};
use tuquan_domain::HouseholdId;

use super::super::super::common::{choices, Choice, Empty};
use super::super::super::form::FormErrors;
use super::super::super::{render, Chrome};
use super::{all, at, finish, kind_name, managed_view, one, signed_in, view_of, Pairs};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::query;
use crate::i18n::Lang;
use crate::AppState;

/// An open residential unit of the commune as the forms offer it.
pub struct UnitChoice {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

async fn units_of(
    ctx: &tuquan_app::Ctx,
    v: &SchemeView,
    lang: Lang,
    checked: &[String],
) -> Result<Vec<UnitChoice>, Failure> {
    let r = app::size_report(ctx, &v.scheme.commune_code).await?;
    Ok(r.rows
        .iter()
        .map(|row| UnitChoice {
            checked: checked.contains(&row.unit.code),
            label: format!(
                "{} ({} · {} {})",
                row.unit.name,
                kind_name(lang, &row.unit.kind),
                row.unit.households,
                lang.t("scheme.households_short")
            ),
            code: row.unit.code.clone(),
        })
        .collect())
}

fn kinds(lang: Lang, selected: &str) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: lang.t("scheme.choose").to_owned(),
        selected: selected.is_empty(),
    }];
    out.extend(choices(
        UnitKind::ALL
            .into_iter()
            .filter(|k| k.tier() == Tier::Residential)
            .map(|k| (k.as_str(), kind_name(lang, k.as_str()))),
        selected,
    ));
    out
}

/// A select of the commune's units, "choose" first.
async fn unit_select(
    ctx: &tuquan_app::Ctx,
    v: &SchemeView,
    lang: Lang,
    selected: &str,
) -> Result<Vec<Choice>, Failure> {
    let mut units = vec![Choice {
        value: String::new(),
        label: lang.t("scheme.choose").to_owned(),
        selected: selected.is_empty(),
    }];
    units.extend(
        units_of(ctx, v, lang, &[])
            .await?
            .into_iter()
            .map(|u| Choice {
                selected: u.code == selected,
                value: u.code,
                label: u.label,
            }),
    );
    Ok(units)
}

#[derive(Template)]
#[template(path = "restructuring_merge.html")]
struct MergePage {
    chrome: Chrome,
    title: String,
    back: String,
    action: String,
    units: Vec<UnitChoice>,
    receivers: Vec<Choice>,
    kinds: Vec<Choice>,
    name: String,
    local_code: String,
    adjacent: bool,
    candidates: String,
    errors: FormErrors,
}

async fn merge_form(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    v: &SchemeView,
    p: &Pairs,
    errors: FormErrors,
) -> Result<MergePage, Failure> {
    let lang = chrome.lang;
    let units = units_of(ctx, v, lang, &all(p, "units")).await?;
    let into = one(p, "into");
    let mut receivers = vec![Choice {
        value: String::new(),
        label: lang.t("scheme.into_new").to_owned(),
        selected: into.is_empty(),
    }];
    receivers.extend(units.iter().map(|u| Choice {
        value: u.code.clone(),
        label: u.label.clone(),
        selected: u.code == into,
    }));
    Ok(MergePage {
        title: v.scheme.title.clone(),
        back: at(&v.scheme),
        action: format!("{}/merge", at(&v.scheme)),
        units,
        receivers,
        kinds: kinds(lang, &one(p, "kind")),
        name: one(p, "name"),
        local_code: one(p, "local_code"),
        adjacent: !one(p, "adjacent").is_empty(),
        candidates: one(p, "candidates"),
        errors,
        chrome,
    })
}

pub struct PartRow {
    pub n: usize,
    pub name_id: &'static str,
    pub kind_id: &'static str,
    pub code_id: &'static str,
    pub name: String,
    pub local_code: String,
    pub kinds: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "restructuring_split.html")]
struct SplitPage {
    chrome: Chrome,
    title: String,
    back: String,
    action: String,
    units: Vec<Choice>,
    parts: Vec<PartRow>,
    errors: FormErrors,
}

async fn split_form(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    v: &SchemeView,
    p: &Pairs,
    errors: FormErrors,
) -> Result<SplitPage, Failure> {
    let lang = chrome.lang;
    let units = unit_select(ctx, v, lang, &one(p, "unit")).await?;
    let parts = PART_FIELDS
        .iter()
        .enumerate()
        .map(|(n, [name_id, kind_id, code_id])| PartRow {
            n: n + 1,
            name_id,
            kind_id,
            code_id,
            name: one(p, name_id),
            local_code: one(p, code_id),
            kinds: kinds(lang, &one(p, kind_id)),
        })
        .collect();
    Ok(SplitPage {
        title: v.scheme.title.clone(),
        back: at(&v.scheme),
        action: format!("{}/split", at(&v.scheme)),
        units,
        parts,
        errors,
        chrome,
    })
}

#[derive(Template)]
#[template(path = "restructuring_rename.html")]
struct RenamePage {
    chrome: Chrome,
    title: String,
    back: String,
    action: String,
    units: Vec<Choice>,
    kinds: Vec<Choice>,
    name: String,
    errors: FormErrors,
}

async fn rename_form(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    v: &SchemeView,
    p: &Pairs,
    errors: FormErrors,
) -> Result<RenamePage, Failure> {
    let lang = chrome.lang;
    let units = unit_select(ctx, v, lang, &one(p, "unit")).await?;
    Ok(RenamePage {
        title: v.scheme.title.clone(),
        back: at(&v.scheme),
        action: format!("{}/rename", at(&v.scheme)),
        units,
        kinds: kinds(lang, &one(p, "kind")),
        name: one(p, "name"),
        errors,
        chrome,
    })
}

fn merge_input(p: &Pairs) -> MergeInput {
    MergeInput {
        units: all(p, "units"),
        into: one(p, "into"),
        name: one(p, "name"),
        kind: one(p, "kind"),
        local_code: one(p, "local_code"),
        adjacent: !one(p, "adjacent").is_empty(),
        candidates: one(p, "candidates"),
    }
}

fn split_input(p: &Pairs) -> SplitInput {
    SplitInput {
        unit: one(p, "unit"),
        parts: PART_FIELDS
            .iter()
            .map(|[n, k, c]| PartInput {
                name: one(p, n),
                kind: one(p, k),
                local_code: one(p, c),
            })
            .collect(),
    }
}

fn rename_input(p: &Pairs) -> RenameInput {
    RenameInput {
        unit: one(p, "unit"),
        name: one(p, "name"),
        kind: one(p, "kind"),
    }
}

/// The two routes of an item form on a scheme the actor manages: the form as first shown,
/// and its POST, which adds the item with `$call` and goes to `$to(view, item)`, or shows
/// the form again with the errors and the values as typed.
macro_rules! item_form {
    ($get:ident, $post:ident, $form:ident, $input:ident, $call:path, $to:expr) => {
        pub async fn $get(
            State(state): State<AppState>,
            chrome: Chrome,
            u: MaybeUser,
            rc: RequestCtx,
            Path((code, id)): Path<(String, SchemeId)>,
        ) -> Result<Html<String>, PageError> {
            let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
            render(&$form(&ctx, chrome, &v, &Pairs::new(), FormErrors::none()).await?)
        }

        pub async fn $post(
            State(state): State<AppState>,
            chrome: Chrome,
            u: MaybeUser,
            rc: RequestCtx,
            Path((code, id)): Path<(String, SchemeId)>,
            CsrfForm(p): CsrfForm<Pairs>,
        ) -> Result<Response, PageError> {
            let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
            let done = $call(&ctx, id, &$input(&p)).await;
            let to: fn(&SchemeView, SchemeItemId) -> String = $to;
            finish(
                chrome.lang,
                done,
                |item| to(&v, item),
                |errors| $form(&ctx, chrome, &v, &p, errors),
            )
            .await
        }
    };
}

item_form!(
    merge_page,
    merge,
    merge_form,
    merge_input,
    app::add_merge,
    |v, _| at(&v.scheme)
);
item_form!(
    split_page,
    split,
    split_form,
    split_input,
    app::add_split,
    |v, item| { format!("{}/items/{item}/households", at(&v.scheme)) }
);
item_form!(
    rename_page,
    rename,
    rename_form,
    rename_input,
    app::add_rename,
    |v, _| at(&v.scheme)
);

pub async fn remove(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id, item)): Path<(String, SchemeId, SchemeItemId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    let done = app::remove_item(&ctx, id, item).await;
    finish(
        chrome.lang,
        done,
        |()| at(&v.scheme),
        |errors| super::show::again(&ctx, chrome, &code, id, errors),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct PickerQuery {
    q: Option<String>,
    cursor: Option<String>,
}

pub struct HouseholdLine {
    pub id: HouseholdId,
    pub name: String,
    pub address: String,
    pub members: i64,
    pub part: String,
}

pub struct PartSummary {
    pub id: SplitPartId,
    pub name: String,
    pub households: i64,
}

#[derive(Template)]
#[template(path = "restructuring_picker.html")]
struct PickerPage {
    chrome: Chrome,
    title: String,
    back: String,
    here: String,
    unit_name: String,
    q: String,
    parts: Vec<PartSummary>,
    households: Vec<HouseholdLine>,
    next: Option<String>,
    gap: String,
    complete: bool,
    errors: FormErrors,
}

async fn picker(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    (code, id, item): (&str, SchemeId, SchemeItemId),
    q: &PickerQuery,
    errors: FormErrors,
) -> Result<PickerPage, Failure> {
    let lang = chrome.lang;
    let f = PeopleFilter::parse(q.q.as_deref(), None, None, Some("50"), q.cursor.as_deref())
        .map_err(|e| Failure::from(tuquan_app::AppError::from(e)))?;
    let p = app::split_picker(ctx, id, item, &f).await?;
    if p.scheme.commune_code != code {
        return Err(Failure::NotFound);
    }
    let here = format!("{}/items/{item}/households", at(&p.scheme));
    let qs = q.q.clone().unwrap_or_default();
    let gap = if p.gap.is_empty() {
        String::new()
    } else {
        super::show::gap_text(lang, &p.gap)
    };
    Ok(PickerPage {
        title: p.scheme.title.clone(),
        back: at(&p.scheme),
        unit_name: p.unit.name.clone(),
        q: qs.clone(),
        parts: p
            .parts
            .iter()
            .map(|x| PartSummary {
                id: x.id,
                name: x.name.clone(),
                households: x.households,
            })
            .collect(),
        households: p
            .page
            .items
            .iter()
            .map(|h| HouseholdLine {
                id: h.id,
                name: h.representative_name.clone(),
                address: h.address.clone(),
                members: h.member_count,
                part: p.part_of(&h.id).unwrap_or("—").to_owned(),
            })
            .collect(),
        next: p
            .page
            .next_cursor
            .as_ref()
            .map(|c| format!("{here}?q={}&cursor={}", urlencoding(&qs), urlencoding(c))),
        complete: p.gap.is_empty(),
        gap,
        here,
        errors,
        chrome,
    })
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn picker_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id, item)): Path<(String, SchemeId, SchemeItemId)>,
    q: Result<Query<PickerQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let q = query(q)?;
    render(&picker(&ctx, chrome, (&code, id, item), &q, FormErrors::none()).await?)
}

/// Puts the ticked households (`h`) into the part chosen (`part`; `none` takes them off).
pub async fn assign(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id, item)): Path<(String, SchemeId, SchemeItemId)>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    let households: Vec<HouseholdId> = all(&p, "h").iter().filter_map(|h| h.parse().ok()).collect();
    let done = match one(&p, "part").as_str() {
        "none" => Ok(None),
        other => other
            .parse::<SplitPartId>()
            .map(Some)
            .map_err(|_| tuquan_app::AppError::rule("scheme_no_part", "part", "none chosen")),
    };
    let done = match done {
        Ok(part) => app::assign_households(&ctx, id, item, part, &households).await,
        Err(e) => Err(e),
    };
    let q = one(&p, "q");
    let here = format!("{}/items/{item}/households", at(&v.scheme));
    let to = |()| format!("{here}?q={}", urlencoding(&q));
    let again = PickerQuery {
        q: Some(q.clone()),
        cursor: None,
    };
    finish(chrome.lang, done, to, |errors| {
        picker(&ctx, chrome, (&code, id, item), &again, errors)
    })
    .await
}
