//! The staff inbox and its bulk acknowledgement.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tuquan_app::feedback::inbox::InboxQuery;
use tuquan_app::feedback::{self as app, Names};
use tuquan_domain::access::Action;
use tuquan_domain::feedback::Status;

use super::{badge, form_error, form_errors, status_label, Badge};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, FeedbackHandle, RequestCtx};
use crate::error::{Failure, PageError};
use crate::extract::query as query_of;
use crate::i18n::{local_time, Lang};
use crate::pages::form::FormErrors;
use crate::pages::groups::{choices, Choice};
use crate::pages::{render, Chrome};
use crate::AppState;

/// A state with how many items are in it, linking to the inbox filtered on it.
pub struct CountView {
    pub label: &'static str,
    pub count: String,
    pub href: String,
    pub current: bool,
}

/// One item of the inbox.
pub struct Card {
    pub code: String,
    pub href: String,
    pub status: String,
    pub status_label: &'static str,
    pub category: String,
    pub unit: String,
    pub created: String,
    pub excerpt: String,
    pub badge: Option<Badge>,
    /// New: may be acknowledged in bulk.
    pub selectable: bool,
    pub mine: bool,
    pub escalations: i64,
}

#[derive(Template)]
#[template(path = "feedback_staff_inbox.html")]
struct InboxPage {
    chrome: Chrome,
    /// What the inbox covers: a unit's name, or the whole country.
    scope: String,
    counts: Vec<CountView>,
    total: String,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    /// A choice of units, or a code field for those who handle the whole country.
    units: Vec<Choice>,
    unit_text: Option<String>,
    overdue: bool,
    mine: bool,
    filtered: bool,
    errors: FormErrors,
    cards: Vec<Card>,
    any_selectable: bool,
    next_href: Option<String>,
    first_href: Option<String>,
    may_configure: bool,
}

fn value(v: &Option<String>) -> String {
    v.as_deref()
        .map(str::trim)
        .unwrap_or("")
        .chars()
        .take(60)
        .collect()
}

fn flag(v: &Option<String>) -> bool {
    matches!(
        v.as_deref().map(str::trim),
        Some("true" | "1" | "on" | "yes")
    )
}

/// `/feedback/inbox` with the filters of `q`, `status` replaced when given, and a cursor.
fn inbox_href(q: &InboxQuery, status: Option<&str>, cursor: Option<&str>) -> String {
    let mut params: Vec<(&str, String)> = vec![
        ("unit", value(&q.unit)),
        (
            "status",
            status
                .map(str::to_owned)
                .unwrap_or_else(|| value(&q.status)),
        ),
        ("category", value(&q.category)),
        ("limit", value(&q.limit)),
    ];
    if flag(&q.overdue) {
        params.push(("overdue", "true".into()));
    }
    if flag(&q.mine) {
        params.push(("mine", "true".into()));
    }
    if let Some(c) = cursor {
        params.push(("cursor", c.to_owned()));
    }
    params.retain(|(_, v)| !v.is_empty());
    if params.is_empty() {
        "/feedback/inbox".to_owned()
    } else {
        format!(
            "/feedback/inbox?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    }
}

fn excerpt(s: &str) -> String {
    const MAX: usize = 160;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut e: String = s.chars().take(MAX).collect();
        e.push('…');
        e
    }
}

/// The commune whose categories the filter offers: the scope's, else the defaults.
fn scope_commune(scope: Option<&str>) -> String {
    scope
        .and_then(|p| p.split('/').nth(1))
        .unwrap_or("")
        .to_owned()
}

/// The inbox's cards, with the deadline that matters now.
async fn cards(
    ctx: &tuquan_app::Ctx,
    lang: Lang,
    names: &mut Names<'_>,
    rows: &[app::FeedbackRecord],
    me: tuquan_domain::UserId,
) -> Result<Vec<Card>, Failure> {
    let mut out = Vec::with_capacity(rows.len());
    let cal = app::inbox::work_calendar(ctx).await?;
    let now = ctx.now;
    for r in rows {
        let status = r.status();
        out.push(Card {
            code: r.tracking_code.clone(),
            href: format!("/feedback/inbox/{}", r.tracking_code),
            status: r.status.as_str().to_owned(),
            status_label: status_label(lang, r.status.as_str()),
            category: names.category(&r.commune_code, &r.category).await?,
            unit: names.unit_or_code(&r.unit_code).await?,
            created: local_time(&r.created_at),
            excerpt: excerpt(&r.description),
            badge: app::inbox::current_deadline(r, now, &cal).map(|d| badge(lang, &d)),
            selectable: status == Status::New,
            mine: r.assignee_id == Some(me),
            escalations: r.escalations,
        });
    }
    Ok(out)
}

pub(super) async fn index(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    query: Result<Query<InboxQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let q = query_of(query)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let me = ctx.who()?.user.id;
    let units = app::inbox::unit_choices(&ctx).await?;
    let mut page = InboxPage {
        scope: String::new(),
        counts: Vec::new(),
        total: String::new(),
        statuses: choices(
            Status::ALL
                .iter()
                .map(|s| (s.as_str(), status_label(lang, s.as_str()).to_owned())),
            &value(&q.status),
        ),
        categories: Vec::new(),
        unit_text: units.is_none().then(|| value(&q.unit)),
        units: choices(
            units
                .iter()
                .flatten()
                .map(|(c, n)| (c.as_str(), format!("{n} ({c})"))),
            &value(&q.unit),
        ),
        overdue: flag(&q.overdue),
        mine: flag(&q.mine),
        filtered: [&q.unit, &q.status, &q.category]
            .into_iter()
            .any(|v| !value(v).is_empty())
            || flag(&q.overdue)
            || flag(&q.mine),
        errors: FormErrors::none(),
        cards: Vec::new(),
        any_selectable: false,
        next_href: None,
        first_href: None,
        may_configure: ctx.may_somewhere(Action::FeedbackConfigure),
        chrome,
    };
    let result = app::inbox::inbox(&ctx, &q).await;
    let inbox = match result {
        Ok(i) => i,
        Err(e) => {
            let f = Failure::from(e);
            let Some((status, errors)) = form_errors(lang, &f) else {
                return Err(f.into());
            };
            let cats = app::settings::category_settings(&ctx, "").await?;
            page.categories = choices(
                cats.iter().map(|c| {
                    (
                        c.category.code.as_str(),
                        app::category_name(lang, &c.category),
                    )
                }),
                &value(&q.category),
            );
            page.errors = errors;
            return Ok((status, render(&page)?).into_response());
        }
    };
    let mut names = Names::staff(&ctx, lang);
    page.scope = match &inbox.scope {
        None => lang.t("role.whole_country").to_owned(),
        Some(p) => {
            let code = match p.split('/').collect::<Vec<_>>().as_slice() {
                [province] => (*province).to_owned(),
                [_, commune] => (*commune).to_owned(),
                [_, commune, rest @ ..] => format!("{commune}-{}", rest.join("-")),
                [] => String::new(),
            };
            names.unit_or_code(&code).await?
        }
    };
    let commune = scope_commune(inbox.scope.as_deref());
    let cats = app::settings::category_settings(&ctx, &commune).await?;
    page.categories = choices(
        cats.iter().map(|c| {
            (
                c.category.code.as_str(),
                app::category_name(lang, &c.category),
            )
        }),
        &value(&q.category),
    );
    let counts = app::inbox::counts(&ctx, &inbox.filter).await?;
    let current = value(&q.status);
    page.total = lang.int(counts.iter().map(|c| c.1).sum::<i64>());
    page.counts = counts
        .iter()
        .map(|(s, n)| CountView {
            label: status_label(lang, s.as_str()),
            count: lang.int(*n),
            href: inbox_href(&q, Some(s.as_str()), None),
            current: current == s.as_str(),
        })
        .collect();
    page.cards = cards(&ctx, lang, &mut names, &inbox.rows, me).await?;
    page.any_selectable = page.cards.iter().any(|c| c.selectable);
    page.next_href = inbox
        .next
        .map(|n| inbox_href(&q, None, Some(&n.to_string())));
    page.first_href = q
        .cursor
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(|_| inbox_href(&q, None, None));
    Ok(render(&page)?.into_response())
}

/// One line of the bulk report.
pub struct Outcome {
    pub code: String,
    pub href: String,
    pub reason: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_staff_bulk.html")]
struct BulkPage {
    chrome: Chrome,
    error: Option<String>,
    done: Vec<Outcome>,
    failed: Vec<Outcome>,
    summary: String,
    back: String,
}

/// Why one item of a bulk acknowledgement failed, in words.
fn reason(lang: Lang, f: &Failure) -> String {
    match f {
        Failure::NotFound => lang.t("fbs_bulk_not_found").to_owned(),
        Failure::Forbidden => lang.t("fbs_bulk_forbidden").to_owned(),
        Failure::Rule {
            field: Some("status"),
            ..
        } => lang.t("fbs_bulk_not_new").to_owned(),
        f => form_error(lang, f)
            .map(|(_, _, m)| m)
            .unwrap_or_else(|| f.detail(lang).message),
    }
}

/// Acknowledges the checked items, each through the workflow service, and reports.
pub(super) async fn acknowledge(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<FeedbackHandle>,
    rc: RequestCtx,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let mut codes = Vec::new();
    let mut back = "/feedback/inbox".to_owned();
    for (k, v) in pairs {
        match k.as_str() {
            "code" => codes.push(v),
            "back" => {
                let b = crate::pages::common::safe_next(Some(&v));
                if b.starts_with("/feedback/inbox") {
                    back = b;
                }
            }
            _ => {}
        }
    }
    let mut page = BulkPage {
        chrome,
        error: None,
        done: Vec::new(),
        failed: Vec::new(),
        summary: String::new(),
        back,
    };
    let ctx = state.ctx(Some(can.who), &rc);
    let outcomes = match app::inbox::acknowledge_many(&ctx, &codes).await {
        Ok(o) => o,
        Err(e) => {
            let f = Failure::from(e);
            let Some((status, _, message)) = form_error(lang, &f) else {
                return Err(f.into());
            };
            page.error = Some(match &f {
                Failure::Invalid(e) if e.field == "codes" && e.kind.code() == "required" => {
                    lang.t("fbs_bulk_none").to_owned()
                }
                _ => message,
            });
            return Ok((status, render(&page)?).into_response());
        }
    };
    for o in outcomes {
        let href = format!("/feedback/inbox/{}", o.tracking_code);
        match o.result {
            Ok(()) => page.done.push(Outcome {
                code: o.tracking_code,
                href,
                reason: None,
            }),
            Err(e) => page.failed.push(Outcome {
                reason: Some(reason(lang, &Failure::from(e))),
                code: o.tracking_code,
                href,
            }),
        }
    }
    page.summary = lang
        .t("fbs_bulk_summary")
        .replace("{done}", &lang.int(page.done.len() as i64))
        .replace(
            "{total}",
            &lang.int((page.done.len() + page.failed.len()) as i64),
        );
    let status = if page.done.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}
