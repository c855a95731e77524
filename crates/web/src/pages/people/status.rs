//! The status change of a household or a resident: a confirmation page, then the change.
//! One pair of handlers serves both; [`StatusTarget`] says what differs.

use std::fmt::Display;
use std::future::Future;

use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::de::DeserializeOwned;
use tuquan_app::{people, AppResult, Ctx};
use tuquan_domain::people::{HouseholdStatus, ResidentStatus};
use tuquan_domain::{FieldError, HouseholdId, ResidentId};

use super::StatusQuery;
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, HouseholdEdit, RequestCtx};
use crate::error::{Failure, PageError};
use crate::pages::common::{see_other, Empty};
use crate::pages::{render, Chrome, ConfirmPage};
use crate::AppState;

/// A record whose status the two handlers change.
pub(super) trait StatusTarget {
    /// The path segment: `households` or `residents`.
    const PREFIX: &'static str;
    /// The key prefix of the status labels.
    const LABELS: &'static str;
    type Id: DeserializeOwned + Display + Copy + Send + Sync + 'static;
    type Status: Copy + Send;

    fn parse(raw: &str) -> Result<Self::Status, FieldError>;
    fn code(status: Self::Status) -> &'static str;
    /// The confirmation question's key and the placeholder [`Self::name`] fills.
    const QUESTION: (&'static str, &'static str);
    /// Loads the record for editing (which checks access) and names it for the question.
    fn name(ctx: &Ctx, id: Self::Id) -> impl Future<Output = AppResult<String>> + Send;
    fn apply(
        ctx: &Ctx,
        id: Self::Id,
        status: Self::Status,
    ) -> impl Future<Output = AppResult<()>> + Send;
}

pub(super) struct Household;

impl StatusTarget for Household {
    const PREFIX: &'static str = "households";
    const LABELS: &'static str = "household_status";
    const QUESTION: (&'static str, &'static str) = ("households.status_confirm", "{address}");
    type Id = HouseholdId;
    type Status = HouseholdStatus;

    fn parse(raw: &str) -> Result<HouseholdStatus, FieldError> {
        people::parse_household_status(raw)
    }

    fn code(status: HouseholdStatus) -> &'static str {
        status.as_str()
    }

    async fn name(ctx: &Ctx, id: HouseholdId) -> AppResult<String> {
        Ok(people::household_to_edit(ctx, id).await?.address)
    }

    async fn apply(ctx: &Ctx, id: HouseholdId, status: HouseholdStatus) -> AppResult<()> {
        people::set_household_status(ctx, id, status)
            .await
            .map(drop)
    }
}

pub(super) struct Resident;

impl StatusTarget for Resident {
    const PREFIX: &'static str = "residents";
    const LABELS: &'static str = "resident_status";
    const QUESTION: (&'static str, &'static str) = ("residents.status_confirm", "{name}");
    type Id = ResidentId;
    type Status = ResidentStatus;

    fn parse(raw: &str) -> Result<ResidentStatus, FieldError> {
        people::parse_resident_status(raw)
    }

    fn code(status: ResidentStatus) -> &'static str {
        status.as_str()
    }

    async fn name(ctx: &Ctx, id: ResidentId) -> AppResult<String> {
        Ok(people::resident_to_edit(ctx, id).await?.full_name)
    }

    async fn apply(ctx: &Ctx, id: ResidentId, status: ResidentStatus) -> AppResult<()> {
        people::set_resident_status(ctx, id, status).await.map(drop)
    }
}

fn parse_query<T: StatusTarget>(q: &StatusQuery) -> Result<T::Status, PageError> {
    Ok(T::parse(q.status.as_deref().unwrap_or("")).map_err(Failure::Invalid)?)
}

/// Asks before a status change.
pub(super) async fn status_confirm<T: StatusTarget>(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<T::Id>,
    Query(q): Query<StatusQuery>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let name = T::name(&ctx, id).await?;
    let status = T::code(parse_query::<T>(&q)?);
    let title = chrome.t(&format!("{}.{status}", T::LABELS)).to_owned();
    let (question, placeholder) = T::QUESTION;
    let message = chrome
        .t(question)
        .replace(placeholder, &name)
        .replace("{status}", &title);
    let prefix = T::PREFIX;
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/{prefix}/{id}/status?status={status}"),
        button: "common.confirm",
        back: format!("/{prefix}/{id}"),
    })
}

/// Changes the status once confirmed.
pub(super) async fn set_status<T: StatusTarget>(
    State(state): State<AppState>,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<T::Id>,
    Query(q): Query<StatusQuery>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let status = parse_query::<T>(&q)?;
    let ctx = state.ctx(Some(can.who), &rc);
    T::apply(&ctx, id, status).await?;
    Ok(see_other(&format!("/{}/{id}?done=saved", T::PREFIX), None))
}
