//! A province's size standards and freezes (settings page), and a commune's size report
//! (printable).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::restructuring::schemes::{self as app, StandardsView};
use tuquan_domain::restructuring::standards::{FreezeInput, SizeFlag, StandardInput};
use tuquan_domain::territory::{Tier, UnitKind};

use super::super::super::common::{choices, see_other, vn_date, Choice};
use super::super::super::form::{rerender, FormErrors};
use super::super::super::{render, Chrome};
use super::{kind_name, signed_in};
use crate::auth::csrf::CsrfForm;
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::PageError;
use crate::AppState;

pub struct StandardLine {
    pub kind: String,
    pub minimum: String,
    pub basis: String,
}

pub struct FreezeLine {
    pub scope: String,
    pub period: String,
    pub basis: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct StandardForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    min_households: String,
    #[serde(default)]
    effective_from: String,
    #[serde(default)]
    basis: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct FreezeForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    basis: String,
}

#[derive(Template)]
#[template(path = "restructuring_standards.html")]
struct StandardsPage {
    chrome: Chrome,
    code: String,
    name: String,
    lines: Vec<StandardLine>,
    freezes: Vec<FreezeLine>,
    may_manage: bool,
    kinds: Vec<Choice>,
    scopes: Vec<Choice>,
    standard: StandardForm,
    freeze: FreezeForm,
    errors: FormErrors,
}

fn page(
    chrome: Chrome,
    v: StandardsView,
    standard: StandardForm,
    freeze: FreezeForm,
    errors: FormErrors,
) -> StandardsPage {
    let lang = chrome.lang;
    let national = lang.t("scheme.freeze_national");
    StandardsPage {
        code: v.province.code.clone(),
        name: v.province.name.clone(),
        lines: v
            .in_force
            .iter()
            .map(|r| StandardLine {
                kind: kind_name(lang, r.kind.as_str()),
                minimum: r
                    .minimum
                    .as_ref()
                    .map(|m| m.households.to_string())
                    .unwrap_or_else(|| "—".into()),
                basis: r
                    .minimum
                    .as_ref()
                    .map(|m| m.basis.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        freezes: v
            .freezes
            .iter()
            .map(|f| FreezeLine {
                scope: if f.province_code.is_empty() {
                    national.to_owned()
                } else {
                    v.province.name.clone()
                },
                period: format!(
                    "{} – {}",
                    vn_date(&f.starts_on),
                    f.ends_on
                        .as_deref()
                        .map(vn_date)
                        .unwrap_or_else(|| lang.t("scheme.freeze_open").to_owned())
                ),
                basis: f.basis.clone(),
            })
            .collect(),
        may_manage: v.may_manage,
        kinds: choices(
            UnitKind::ALL
                .into_iter()
                .filter(|k| k.tier() == Tier::Residential)
                .map(|k| (k.as_str(), kind_name(lang, k.as_str()))),
            &standard.kind,
        ),
        scopes: choices(
            [
                ("province", v.province.name.clone()),
                ("national", national.to_owned()),
            ],
            if freeze.scope.is_empty() {
                "province"
            } else {
                &freeze.scope
            },
        ),
        standard,
        freeze,
        errors,
        chrome,
    }
}

pub async fn standards_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = app::standards_view(&ctx, &code).await?;
    render(&page(
        chrome,
        v,
        StandardForm::default(),
        FreezeForm::default(),
        FormErrors::none(),
    ))
}

pub async fn set_standard(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<StandardForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let input = StandardInput {
        kind: f.kind.clone(),
        min_households: f.min_households.clone(),
        effective_from: f.effective_from.clone(),
        basis: f.basis.clone(),
    };
    match app::set_standard(&ctx, &code, &input).await {
        Ok(()) => Ok(see_other(
            &format!("/provinces/{code}/restructuring/standards"),
            None,
        )),
        Err(e) => {
            let v = app::standards_view(&ctx, &code).await?;
            let lang = chrome.lang;
            rerender(e, lang, |errors| {
                page(chrome, v, f, FreezeForm::default(), errors)
            })
        }
    }
}

pub async fn add_freeze(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<FreezeForm>,
) -> Result<Response, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let input = FreezeInput {
        scope: f.scope.clone(),
        starts_on: f.starts_on.clone(),
        ends_on: f.ends_on.clone(),
        basis: f.basis.clone(),
    };
    match app::add_freeze(&ctx, &code, &input).await {
        Ok(_) => Ok(see_other(
            &format!("/provinces/{code}/restructuring/standards"),
            None,
        )),
        Err(e) => {
            let v = app::standards_view(&ctx, &code).await?;
            let lang = chrome.lang;
            rerender(e, lang, |errors| {
                page(chrome, v, StandardForm::default(), f, errors)
            })
        }
    }
}

pub struct SizeLine {
    pub name: String,
    pub code: String,
    pub kind: String,
    pub households: i64,
    pub residents: i64,
    pub minimum: String,
    pub percent: String,
    pub flag: &'static str,
    pub warn: bool,
}

#[derive(Template)]
#[template(path = "restructuring_sizes.html")]
struct SizesPage {
    chrome: Chrome,
    code: String,
    name: String,
    province: String,
    must_merge: usize,
    may_merge: usize,
    lines: Vec<SizeLine>,
}

pub async fn sizes_page(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let r = app::size_report(&ctx, &code).await?;
    let lang = chrome.lang;
    render(&SizesPage {
        code: r.commune.code.clone(),
        name: r.commune.name.clone(),
        province: r.commune.province_code.clone(),
        must_merge: r.must_merge,
        may_merge: r.may_merge,
        lines: r
            .rows
            .iter()
            .map(|s| SizeLine {
                name: s.unit.name.clone(),
                code: s.unit.code.clone(),
                kind: kind_name(lang, &s.unit.kind),
                households: s.unit.households,
                residents: s.unit.residents,
                minimum: s
                    .minimum
                    .as_ref()
                    .map(|m| m.households.to_string())
                    .unwrap_or_default(),
                percent: s.percent.map(|p| format!("{p}%")).unwrap_or_default(),
                flag: lang.t(match s.flag {
                    Some(SizeFlag::MustMerge) => "scheme.flag.must_merge",
                    Some(SizeFlag::MayMerge) => "scheme.flag.may_merge",
                    Some(SizeFlag::Meets) => "scheme.flag.meets",
                    None => "scheme.flag.none",
                }),
                warn: matches!(s.flag, Some(SizeFlag::MustMerge | SizeFlag::MayMerge)),
            })
            .collect(),
        chrome,
    })
}
