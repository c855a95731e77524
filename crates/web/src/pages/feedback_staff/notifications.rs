//! The signed-in user's in-app notifications, newest first, and "mark all read".

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tuquan_domain::access::{authorize, Action};
use tuquan_domain::page::Limit;
use tuquan_store::feedback::NotificationView;

use crate::auth::csrf::CsrfForm;
use crate::auth::{CurrentUser, RequestCtx};
use crate::error::{Failure, PageError};
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
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let Query(q) = query.map_err(|e| Failure::InvalidBody(e.body_text()))?;
    let before = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            Failure::from(tuquan_domain::FieldError::new(
                "cursor",
                tuquan_domain::FieldErrorKind::InvalidFormat,
                "malformed cursor",
            ))
        })?),
    };
    let limit = i64::from(Limit::default().get());
    let mut rows = state
        .store
        .notification_page(who.user.id, before, limit + 1)
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let items = rows
        .iter()
        .map(|n| {
            // Staff who handle the item's unit go to the inbox page; the sender to the
            // public page of their feedback.
            let href = n.tracking_code.as_ref().map(|code| {
                let staff = n.unit_path.as_deref().is_some_and(|p| {
                    authorize(&who.actor, Action::FeedbackHandle, Some(p)).is_ok()
                });
                if staff {
                    format!("/feedback/inbox/{code}")
                } else {
                    format!("/feedback/{code}")
                }
            });
            NoticeView {
                text: text(lang, n),
                at: local_time(&n.created_at),
                unread: n.read_at.is_none(),
                href,
            }
        })
        .collect();
    let page = NotificationsPage {
        unread: state.store.unread_notifications(who.user.id).await?,
        items,
        next_href: next.map(|n| format!("/notifications?cursor={n}")),
        first_href: before.map(|_| "/notifications".to_owned()),
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
    state
        .store
        .mark_notifications_read(who.user.id, &rc.audit(Some(&who)))
        .await?;
    Ok(see_other("/notifications?done=read", None))
}
