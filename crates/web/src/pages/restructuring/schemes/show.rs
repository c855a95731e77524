//! One scheme's page: header, items, the before/after table, consent and the actions.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use tuquan_app::restructuring::schemes::{AfterRow, SchemeView};
use tuquan_domain::restructuring::scheme::{
    Consent, ItemKind, SchemeId, SchemeItemId, SchemeStatus,
};
use tuquan_domain::restructuring::standards::{Minimum, SizeFlag};
use tuquan_domain::VoteId;

use super::super::super::common::{fill, vn_date};
use super::super::super::form::FormErrors;
use super::super::super::{render, Chrome};
use super::{at, kind_name, signed_in, view_of};
use crate::auth::{MaybeUser, RequestCtx};
use crate::error::{Failure, PageError};
use crate::i18n::Lang;
use crate::AppState;

pub struct UnitLine {
    pub name: String,
    pub code: String,
    pub households: i64,
    pub residents: i64,
}

pub struct PartLine {
    pub name: String,
    pub code: String,
    pub kind: String,
    pub households: i64,
}

pub struct ItemLine {
    pub id: SchemeItemId,
    pub what: String,
    pub units: Vec<UnitLine>,
    pub parts: Vec<PartLine>,
    pub split: bool,
    /// A split's lists: households missing, foreign, parts empty; empty when complete.
    pub gap: String,
    pub candidates: String,
}

pub struct AfterLine {
    pub name: String,
    pub code: String,
    pub kind: String,
    pub from: String,
    pub households: i64,
    pub residents: i64,
    pub minimum: String,
    pub percent: String,
    pub flag: &'static str,
    pub warn: bool,
    /// The groups it will have: "name (+ merged, …)".
    pub groups: Vec<String>,
}

pub struct ConsentLine {
    pub unit: String,
    pub vote: Option<VoteId>,
    pub result: &'static str,
    pub passed: bool,
    pub count: String,
}

#[derive(Template)]
#[template(path = "restructuring_scheme.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub href: String,
    pub list_href: String,
    pub commune: String,
    pub title: String,
    pub reason: String,
    pub status: &'static str,
    pub effective_on: String,
    pub basis: String,
    pub items: Vec<ItemLine>,
    pub after: Vec<AfterLine>,
    pub consent: Vec<ConsentLine>,
    pub names: Vec<ConsentLine>,
    /// The groups of the units the scheme closes ("Tổ chức, nhóm").
    pub groups: Vec<super::groups::GroupLine>,
    pub can_group: bool,
    pub overridden: String,
    pub freeze: Option<String>,
    pub draft: bool,
    pub may_manage: bool,
    pub can_consult: bool,
    pub can_approve: bool,
    pub can_override: bool,
    pub can_apply: bool,
    pub can_abandon: bool,
    pub can_preview: bool,
    pub consent_complete: bool,
    pub lists_complete: bool,
    pub errors: FormErrors,
}

/// A size against its standard as a table shows it: the minimum, the percentage of it, the
/// flag in words, and whether to warn (below the minimum).
pub(super) fn size_cells(
    lang: Lang,
    minimum: Option<&Minimum>,
    percent: Option<u64>,
    flag: Option<SizeFlag>,
) -> (String, String, &'static str, bool) {
    (
        minimum
            .map(|m| m.households.to_string())
            .unwrap_or_default(),
        percent.map(|p| format!("{p}%")).unwrap_or_default(),
        lang.t(flag_key(flag)),
        matches!(flag, Some(SizeFlag::MustMerge | SizeFlag::MayMerge)),
    )
}

/// The words of a size flag (`None`: no standard).
fn flag_key(f: Option<SizeFlag>) -> &'static str {
    match f {
        Some(SizeFlag::MustMerge) => "scheme.flag.must_merge",
        Some(SizeFlag::MayMerge) => "scheme.flag.may_merge",
        Some(SizeFlag::Meets) => "scheme.flag.meets",
        None => "scheme.flag.none",
    }
}

fn consent_key(c: Consent) -> &'static str {
    match c {
        Consent::Pending => "scheme.consent.pending",
        Consent::Passed => "scheme.consent.passed",
        Consent::Refused => "scheme.consent.refused",
    }
}

fn item_line(lang: Lang, i: &tuquan_app::restructuring::schemes::ItemView) -> ItemLine {
    let parent = i
        .units
        .first()
        .and_then(|u| u.parent_code.clone())
        .unwrap_or_default();
    let what = match i.item.kind {
        ItemKind::Merge => match &i.item.into_code {
            Some(c) => {
                let name = i.units.iter().find(|u| &u.unit_code == c);
                let name = name.map_or(c.as_str(), |u| u.unit_name.as_str());
                fill(lang, "scheme.item.merge_into", &[("name", name)])
            }
            None => fill(
                lang,
                "scheme.item.merge_new",
                &[
                    ("name", &i.item.new_name),
                    ("kind", &kind_name(lang, &i.item.new_kind)),
                    ("code", &format!("{parent}-{}", i.item.new_local_code)),
                ],
            ),
        },
        ItemKind::Split => lang.t("scheme.item.split").to_owned(),
        ItemKind::Rename => fill(
            lang,
            "scheme.item.rename",
            &[
                ("name", &i.item.new_name),
                ("kind", &kind_name(lang, &i.item.new_kind)),
            ],
        ),
    };
    let gap = match &i.gap {
        Some(g) if !g.is_empty() => gap_text(lang, g),
        _ => String::new(),
    };
    ItemLine {
        id: i.item.id,
        what,
        units: i
            .units
            .iter()
            .filter(|u| u.role != "into")
            .map(|u| UnitLine {
                name: u.unit_name.clone(),
                code: u.unit_code.clone(),
                households: u.households,
                residents: u.residents,
            })
            .collect(),
        parts: i
            .parts
            .iter()
            .map(|p| PartLine {
                name: p.name.clone(),
                code: format!("{parent}-{}", p.local_code),
                kind: kind_name(lang, &p.kind),
                households: p.households,
            })
            .collect(),
        split: i.item.kind == ItemKind::Split,
        gap,
        candidates: i.item.candidates().join(", "),
    }
}

/// What is wrong with a split's lists, in words.
pub(super) fn gap_text(lang: Lang, g: &tuquan_domain::restructuring::scheme::SplitGap) -> String {
    fill(
        lang,
        "scheme.gap",
        &[
            ("missing", &g.missing.len().to_string()),
            ("foreign", &g.foreign.len().to_string()),
            ("empty", &g.empty_parts.to_string()),
        ],
    )
}

/// One row of the before/after table.
fn after_line(lang: Lang, a: &AfterRow) -> AfterLine {
    let (minimum, percent, flag, warn) = size_cells(lang, a.minimum.as_ref(), a.percent, a.flag);
    AfterLine {
        name: a.name.clone(),
        code: a.code.clone(),
        kind: kind_name(lang, &a.kind),
        from: a.from.join(", "),
        households: a.households,
        residents: a.residents,
        minimum,
        percent,
        flag,
        warn,
        groups: a
            .groups
            .iter()
            .map(|(name, merged)| match merged.is_empty() {
                true => name.clone(),
                false => format!("{name} (+ {})", merged.join(", ")),
            })
            .collect(),
    }
}

pub fn page(chrome: Chrome, v: &SchemeView, errors: FormErrors) -> ShowPage {
    let lang = chrome.lang;
    let s = &v.scheme;
    let status = s.status;
    let basis = if s.basis_number.is_empty() {
        lang.t("scheme.no_basis").to_owned()
    } else {
        format!(
            "{} · {} · {}",
            s.basis_number,
            s.basis_date.as_deref().map(vn_date).unwrap_or_default(),
            s.basis_signer
        )
    };
    let consent_line =
        |unit: String, vote: Option<VoteId>, c: Consent, yes: i64, roll: i64| ConsentLine {
            unit,
            vote,
            result: lang.t(consent_key(c)),
            passed: c == Consent::Passed,
            count: fill(
                lang,
                "scheme.consent.count",
                &[("yes", &yes.to_string()), ("roll", &roll.to_string())],
            ),
        };
    ShowPage {
        href: at(s),
        list_href: format!("/communes/{}/restructuring", s.commune_code),
        commune: s.commune_name.clone(),
        title: s.title.clone(),
        reason: s.reason.clone(),
        status: lang.t(&format!("scheme.status.{}", status.as_str())),
        effective_on: vn_date(&s.effective_on),
        basis,
        items: v.items.iter().map(|i| item_line(lang, i)).collect(),
        after: v.after.iter().map(|a| after_line(lang, a)).collect(),
        consent: v
            .consent
            .iter()
            .map(|c| consent_line(c.unit_name.clone(), c.vote_id, c.consent, c.yes, c.roll))
            .collect(),
        names: v
            .names
            .iter()
            .map(|n| {
                let closed = n.status != tuquan_domain::votes::Status::Open;
                let c = tuquan_domain::restructuring::scheme::consent_of(
                    closed,
                    u64::try_from(n.yes_count).unwrap_or(0),
                    u64::try_from(n.all_households).unwrap_or(0),
                );
                consent_line(
                    format!("«{}» — {}", n.candidate_name, n.unit_name),
                    Some(n.vote_id),
                    c,
                    n.yes_count,
                    n.all_households,
                )
            })
            .collect(),
        overridden: match (&s.override_number, &s.override_reason) {
            (Some(n), Some(r)) => format!(
                "{} · {} · {} — {}",
                n,
                s.override_date.as_deref().map(vn_date).unwrap_or_default(),
                s.override_signer.clone().unwrap_or_default(),
                r
            ),
            _ => String::new(),
        },
        freeze: v.freeze.as_ref().map(|f| f.basis.clone()),
        groups: super::groups::lines(lang, v),
        can_group: super::groups::may_change(v),
        draft: status == SchemeStatus::Draft,
        may_manage: v.may_manage,
        can_consult: v.may_manage
            && (status == SchemeStatus::Draft
                || (status == SchemeStatus::Consulting
                    && v.consent.iter().any(|c| c.vote_id.is_none()))),
        can_approve: v.may_manage && status == SchemeStatus::Consulting,
        can_override: v.may_manage
            && matches!(status, SchemeStatus::Consulting | SchemeStatus::Approved)
            && !s.overridden(),
        can_apply: v.may_manage && status == SchemeStatus::Approved,
        can_abandon: v.may_manage && status.abandon().is_ok(),
        can_preview: v.may_manage
            && matches!(
                status,
                SchemeStatus::Draft | SchemeStatus::Consulting | SchemeStatus::Approved
            ),
        consent_complete: v.consent_complete(),
        lists_complete: v.lists_complete(),
        errors,
        chrome,
    }
}

pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    u: MaybeUser,
    rc: RequestCtx,
    Path((code, id)): Path<(String, SchemeId)>,
) -> Result<Html<String>, PageError> {
    let ctx = signed_in(&state, u, &rc)?;
    let v = view_of(&ctx, &code, id).await?;
    render(&page(chrome, &v, FormErrors::none()))
}

/// The scheme's page again with the errors of a refused action (at the top, or beside the
/// control they name).
pub(super) async fn again(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    code: &str,
    id: SchemeId,
    errors: FormErrors,
) -> Result<ShowPage, Failure> {
    let v = view_of(ctx, code, id).await?;
    Ok(page(chrome, &v, errors))
}
