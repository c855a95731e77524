//! A province's size standards and freezes (settings page), and a commune's size report
//! (printable).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use tuquan_app::restructuring::schemes::{self as app, StandardsView};
use tuquan_domain::restructuring::standards::{FreezeInput, StandardInput};
use tuquan_domain::territory::{Tier, UnitKind};

use super::super::super::common::{choices, vn_date, Choice};
use super::super::super::form::FormErrors;
use super::super::super::{render, Chrome};
use super::show::size_cells;
use super::{finish, kind_name, signed_in};
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

/// The settings page of the province of the unit `code`, with the two forms as typed.
async fn standards_form(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    code: &str,
    (standard, freeze): (StandardForm, FreezeForm),
    errors: FormErrors,
) -> Result<StandardsPage, crate::error::Failure> {
    let v = app::standards_view(ctx, code).await?;
    Ok(page(chrome, v, standard, freeze, errors))
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
    let forms = Default::default();
    render(&standards_form(&ctx, chrome, &code, forms, FormErrors::none()).await?)
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
    let done = app::set_standard(&ctx, &code, &input).await;
    finish(
        chrome.lang,
        done,
        |()| standards_at(&code),
        |errors| standards_form(&ctx, chrome, &code, (f, FreezeForm::default()), errors),
    )
    .await
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
    let done = app::add_freeze(&ctx, &code, &input).await;
    finish(
        chrome.lang,
        done,
        |_| standards_at(&code),
        |errors| standards_form(&ctx, chrome, &code, (StandardForm::default(), f), errors),
    )
    .await
}

fn standards_at(code: &str) -> String {
    format!("/provinces/{code}/restructuring/standards")
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
            .map(|s| {
                let (minimum, percent, flag, warn) =
                    size_cells(lang, s.minimum.as_ref(), s.percent, s.flag);
                SizeLine {
                    name: s.unit.name.clone(),
                    code: s.unit.code.clone(),
                    kind: kind_name(lang, &s.unit.kind),
                    households: s.unit.households,
                    residents: s.unit.residents,
                    minimum,
                    percent,
                    flag,
                    warn,
                }
            })
            .collect(),
        chrome,
    })
}
