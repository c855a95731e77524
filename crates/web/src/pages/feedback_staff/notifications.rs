//! The signed-in user's in-app notifications, newest first, and "mark all read".

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tuquan_app::feedback::{self as app, NotificationView};

use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::PageError;
use crate::extract::query;
use crate::i18n::{local_time, Lang};
use crate::pages::account::see_other;
use crate::pages::groups::Empty;
use crate::pages::{render, Chrome};
use crate::AppState;

pub struct NoticeView {
    pub text: String,
    pub at: String,
    pub unread: bool,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_staff_notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    items: Vec<NoticeView>,
    unread: i64,
    next_href: Option<String>,
    first_href: Option<String>,
    done: bool,
}

#[derive(Deserialize)]
pub(super) struct PageQuery {
    cursor: Option<String>,
    done: Option<String>,
}

/// The notification in the reader's language, from its kind; the stored text otherwise.
fn text(lang: Lang, n: &NotificationView) -> String {
    let key = match n.kind.as_str() {
        "feedback.arrived" => "fbs_notice_arrived",
        "feedback.assigned" => "fbs_notice_assigned",
        "feedback.escalated" => "fbs_notice_escalated",
        "feedback.reopened" => "fbs_notice_reopened",
        "feedback.update" => "fbs_notice_update",
        "feedback.reminder" => "fbs_notice_reminder",
        _ => return n.message.clone(),
    };
    match &n.tracking_code {
        Some(code) => lang.t(key).replace("{code}", code),
        None => n.message.clone(),
    }
}

pub(super) async fn index(
    State(state): State<AppState>,
    chrome: Chrome,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let q = query(q)?;
    let ctx = state.ctx(Some(who), &rc);
    let page = app::notify::page(&ctx, q.cursor.as_deref()).await?;
    let items = page
        .rows
        .iter()
        .map(|n| NoticeView {
            text: text(lang, &n.view),
            at: local_time(&n.view.created_at),
            unread: n.view.read_at.is_none(),
            // Staff who handle the item's unit go to the inbox page; the sender to the
            // public page of their feedback.
            href: n.view.tracking_code.as_ref().map(|code| {
                if n.handles {
                    format!("/feedback/inbox/{code}")
                } else {
                    format!("/feedback/{code}")
                }
            }),
        })
        .collect();
    let first = q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let page = NotificationsPage {
        unread: page.unread,
        items,
        next_href: page.next.map(|n| format!("/notifications?cursor={n}")),
        first_href: first.map(|_| "/notifications".to_owned()),
        done: q.done.is_some(),
        chrome,
    };
    Ok(render(&page)?.into_response())
}

/// Marks every notification of the user read (audited).
pub(super) async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(who): CurrentUser,
    rc: RequestCtx,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    app::notify::mark_all_read(&state.ctx(Some(who), &rc)).await?;
    Ok(see_other("/notifications?done=read", None))
}
