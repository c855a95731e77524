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
    MergeInput, PartInput, RenameInput, SplitInput, MAX_PARTS, PART_FIELDS,
};
use tuquan_domain::territory::{Tier, UnitKind};
use tuquan_domain::HouseholdId;

use super::super::super::common::{choices, see_other, Choice, Empty};
use super::super::super::form::{rerender, FormErrors};
use super::super::super::{render, Chrome};
use super::{at, kind_name, signed_in, view_of};
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

/// A form's fields as pairs: repeated names (ticked boxes) kept.
type Pairs = Vec<(String, String)>;

fn one(p: &Pairs, name: &str) -> String {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn all(p: &Pairs, name: &str) -> Vec<String> {
    p.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
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

async fn managed_view(
    state: &AppState,
    u: MaybeUser,
    rc: &RequestCtx,
    code: &str,
    id: i64,
) -> Result<(tuquan_app::Ctx, SchemeView), Failure> {
    let ctx = signed_in(state, u, rc)?;
    let v = view_of(&ctx, code, id).await?;
    if !v.may_manage {
        return Err(Failure::Forbidden);
    }
    Ok((ctx, v))
}

pub async fn merge_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
    render(&merge_form(&ctx, chrome, &v, &Vec::new(), FormErrors::none()).await?)
}

pub async fn merge(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
    let input = MergeInput {
        units: all(&p, "units"),
        into: one(&p, "into"),
        name: one(&p, "name"),
        kind: one(&p, "kind"),
        local_code: one(&p, "local_code"),
        adjacent: !one(&p, "adjacent").is_empty(),
        candidates: one(&p, "candidates"),
    };
    match app::add_merge(&ctx, id, &input).await {
        Ok(_) => Ok(see_other(&at(&v.scheme), None)),
        Err(e) => {
            let page = merge_form(&ctx, chrome, &v, &p, FormErrors::none()).await?;
            let lang = page.chrome.lang;
            rerender(e, lang, |errors| MergePage { errors, ..page })
        }
    }
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
    let unit = one(p, "unit");
    let mut units = vec![Choice {
        value: String::new(),
        label: lang.t("scheme.choose").to_owned(),
        selected: unit.is_empty(),
    }];
    units.extend(
        units_of(ctx, v, lang, &[])
            .await?
            .into_iter()
            .map(|u| Choice {
                selected: u.code == unit,
                value: u.code,
                label: u.label,
            }),
    );
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

pub async fn split_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
    render(&split_form(&ctx, chrome, &v, &Vec::new(), FormErrors::none()).await?)
}

pub async fn split(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
    let input = SplitInput {
        unit: one(&p, "unit"),
        parts: PART_FIELDS[..MAX_PARTS]
            .iter()
            .map(|[n, k, c]| PartInput {
                name: one(&p, n),
                kind: one(&p, k),
                local_code: one(&p, c),
            })
            .collect(),
    };
    match app::add_split(&ctx, id, &input).await {
        Ok(item) => Ok(see_other(
            &format!("{}/items/{item}/households", at(&v.scheme)),
            None,
        )),
        Err(e) => {
            let page = split_form(&ctx, chrome, &v, &p, FormErrors::none()).await?;
            let lang = page.chrome.lang;
            rerender(e, lang, |errors| SplitPage { errors, ..page })
        }
    }
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
    let unit = one(p, "unit");
    let mut units = vec![Choice {
        value: String::new(),
        label: lang.t("scheme.choose").to_owned(),
        selected: unit.is_empty(),
    }];
    units.extend(
        units_of(ctx, v, lang, &[])
            .await?
            .into_iter()
            .map(|u| Choice {
                selected: u.code == unit,
                value: u.code,
                label: u.label,
            }),
    );
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

pub async fn rename_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
    render(&rename_form(&ctx, chrome, &v, &Vec::new(), FormErrors::none()).await?)
}

pub async fn rename(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let (ctx, v) = managed_view(&state, u, &rc, &code, id).await?;
    let input = RenameInput {
        unit: one(&p, "unit"),
        name: one(&p, "name"),
        kind: one(&p, "kind"),
    };
    match app::add_rename(&ctx, id, &input).await {
        Ok(_) => Ok(see_other(&at(&v.scheme), None)),
        Err(e) => {
            let page = rename_form(&ctx, chrome, &v, &p, FormErrors::none()).await?;
            let lang = page.chrome.lang;
            rerender(e, lang, |errors| RenamePage { errors, ..page })
        }
    }
}

pub async fn remove(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id, item)): Path<(String, i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    match app::remove_item(&ctx, id, item).await {
        Ok(()) => Ok(see_other(&at(&v.scheme), None)),
        Err(e) => super::show::rerender_show(&ctx, chrome, &code, id, e.into()).await,
    }
}

#[derive(Deserialize, Default)]
pub struct PickerQuery {
    q: Option<String>,
    cursor: Option<String>,
}

pub struct HouseholdLine {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub members: i64,
    pub part: String,
}

pub struct PartSummary {
    pub id: i64,
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
    (code, id, item): (&str, i64, i64),
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
        lang.t("scheme.gap")
            .replace("{missing}", &p.gap.missing.len().to_string())
            .replace("{foreign}", &p.gap.foreign.len().to_string())
            .replace("{empty}", &p.gap.empty_parts.to_string())
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
                id: h.id.get(),
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
    Path((code, id, item)): Path<(String, i64, i64)>,
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
    Path((code, id, item)): Path<(String, i64, i64)>,
    CsrfForm(p): CsrfForm<Pairs>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let households: Vec<HouseholdId> = all(&p, "h").iter().filter_map(|h| h.parse().ok()).collect();
    let part = one(&p, "part");
    let part_id = match part.as_str() {
        "none" => None,
        other => match other.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = tuquan_app::AppError::rule("scheme_no_part", "part", "none chosen");
                let q = PickerQuery {
                    q: Some(one(&p, "q")),
                    cursor: None,
                };
                let page = picker(&ctx, chrome, (&code, id, item), &q, FormErrors::none()).await?;
                let lang = page.chrome.lang;
                return rerender(e, lang, |errors| PickerPage { errors, ..page });
            }
        },
    };
    match app::assign_households(&ctx, id, item, part_id, &households).await {
        Ok(()) => {
            let v = view_of(&ctx, &code, id).await?;
            let q = one(&p, "q");
            Ok(see_other(
                &format!(
                    "{}/items/{item}/households?q={}",
                    at(&v.scheme),
                    urlencoding(&q)
                ),
                None,
            ))
        }
        Err(e) => {
            let q = PickerQuery {
                q: Some(one(&p, "q")),
                cursor: None,
            };
            let page = picker(&ctx, chrome, (&code, id, item), &q, FormErrors::none()).await?;
            let lang = page.chrome.lang;
            rerender(e, lang, |errors| PickerPage { errors, ..page })
        }
    }
}
