//! A commune's feedback settings — categories with their deadlines (`settings`), the routing
//! table (`routes`) — and the national work calendar (`calendar`). Changes go through
//! `tuquan_app::feedback::settings`, which checks `FeedbackConfigure` on the commune (the whole
//! country for the calendar); the store audits each.

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{Can, FeedbackConfigure};
use crate::error::{Failure, PageError};
use crate::pages::account::see_other;
use crate::pages::{render, Chrome};

mod calendar;
mod routes;
mod settings;

pub(super) use calendar::{add_day, calendar, confirm_remove, remove_day};
pub(super) use routes::set_route;
pub(super) use settings::{set_category, settings};

#[derive(Deserialize)]
pub(super) struct PickQuery {
    commune: Option<String>,
}

#[derive(Template)]
#[template(path = "feedback_staff_pick.html")]
struct PickPage {
    chrome: Chrome,
    commune: String,
}

/// `/feedback/settings`: straight to one's commune, else a form asking which.
pub(super) async fn pick(
    chrome: Chrome,
    can: Can<FeedbackConfigure>,
    Query(q): Query<PickQuery>,
) -> Result<Response, PageError> {
    if let Some(c) = q
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        // A unit code is digits, letters and dashes; anything else is no commune.
        if c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
            return Ok(see_other(&format!("/feedback/settings/{c}"), None));
        }
        return Err(Failure::NotFound.into());
    }
    if let Some(Some(path)) = can.home_scope() {
        let parts: Vec<&str> = path.split('/').collect();
        if let [_, commune] = parts.as_slice() {
            return Ok(see_other(&format!("/feedback/settings/{commune}"), None));
        }
    }
    Ok(render(&PickPage {
        chrome,
        commune: String::new(),
    })?
    .into_response())
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

fn done_key(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "category" => Some("fbs_done_category"),
        "route" => Some("fbs_done_route"),
        "added" => Some("fbs_done_day_added"),
        "removed" => Some("fbs_done_day_removed"),
        _ => None,
    }
}
