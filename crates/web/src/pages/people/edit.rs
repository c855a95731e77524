//! The edit form of a household or a resident: the form filled from the record, then the
//! save. One pair of handlers serves both; [`EditTarget`] says what differs.

use std::fmt::Display;
use std::future::Future;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tuquan_app::people::{self, HouseholdRecord, ResidentRecord};
use tuquan_app::{AppResult, Ctx};
use tuquan_domain::people::{NewHouseholdInput, NewResidentInput};
use tuquan_domain::{HouseholdId, ResidentId};

use super::saved_or_form;
use crate::auth::csrf::CsrfForm;
use crate::auth::{Can, HouseholdEdit, RequestCtx};
use crate::error::PageError;
use crate::pages::form::FormErrors;
use crate::pages::{render, Chrome};
use crate::AppState;

/// A record the two edit handlers change.
pub(super) trait EditTarget {
    /// The path segment: `households` or `residents`.
    const PREFIX: &'static str;
    type Id: DeserializeOwned + Display + Copy + Send + Sync + 'static;
    type Record: Send;
    /// What the form posts.
    type Form: DeserializeOwned + Send + 'static;
    type Page: Template;

    /// Loads the record for editing (which checks access).
    fn load(ctx: &Ctx, id: Self::Id) -> impl Future<Output = AppResult<Self::Record>> + Send;
    /// The form as the stored record fills it.
    fn form_of(record: &Self::Record) -> Self::Form;
    fn save(ctx: &Ctx, id: Self::Id, f: &Self::Form) -> impl Future<Output = AppResult<()>> + Send;
    fn page(chrome: Chrome, record: Self::Record, f: &Self::Form, errors: FormErrors)
        -> Self::Page;
}

#[derive(Template)]
#[template(path = "people_household_edit.html")]
pub(super) struct HouseholdPage {
    chrome: Chrome,
    h: HouseholdRecord,
    address: String,
    phone: String,
    errors: FormErrors,
}

pub(super) struct Household;

impl EditTarget for Household {
    const PREFIX: &'static str = "households";
    type Id = HouseholdId;
    type Record = HouseholdRecord;
    type Form = NewHouseholdInput;
    type Page = HouseholdPage;

    async fn load(ctx: &Ctx, id: HouseholdId) -> AppResult<HouseholdRecord> {
        people::household_to_edit(ctx, id).await
    }

    fn form_of(h: &HouseholdRecord) -> NewHouseholdInput {
        NewHouseholdInput {
            address: h.address.clone(),
            phone: h.phone.clone(),
        }
    }

    async fn save(ctx: &Ctx, id: HouseholdId, f: &NewHouseholdInput) -> AppResult<()> {
        people::update_household(ctx, id, f).await.map(drop)
    }

    fn page(
        chrome: Chrome,
        h: HouseholdRecord,
        f: &NewHouseholdInput,
        errors: FormErrors,
    ) -> HouseholdPage {
        HouseholdPage {
            chrome,
            h,
            address: f.address.clone(),
            phone: f.phone.clone().unwrap_or_default(),
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "people_resident_edit.html")]
pub(super) struct ResidentPage {
    chrome: Chrome,
    r: ResidentRecord,
    f: NewResidentInput,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub(super) struct ResidentForm {
    #[serde(flatten)]
    f: NewResidentInput,
    /// Keep the stored identity number when the field is left empty.
    #[serde(default)]
    keep_cccd: Option<String>,
}

pub(super) struct Resident;

impl EditTarget for Resident {
    const PREFIX: &'static str = "residents";
    type Id = ResidentId;
    type Record = ResidentRecord;
    type Form = ResidentForm;
    type Page = ResidentPage;

    async fn load(ctx: &Ctx, id: ResidentId) -> AppResult<ResidentRecord> {
        people::resident_to_edit(ctx, id).await
    }

    /// The full identity number is not put back into the form: it is re-entered to change it.
    fn form_of(r: &ResidentRecord) -> ResidentForm {
        ResidentForm {
            f: NewResidentInput {
                full_name: r.full_name.clone(),
                birth_date: r.birth_date.clone(),
                gender: r.gender.clone(),
                phone: r.phone.clone(),
                residence_type: r.residence_type.clone(),
                residence_since: r.residence_since.clone(),
                cccd: None,
            },
            keep_cccd: None,
        }
    }

    async fn save(ctx: &Ctx, id: ResidentId, form: &ResidentForm) -> AppResult<()> {
        people::update_resident(ctx, id, &form.f, form.keep_cccd.is_some())
            .await
            .map(drop)
    }

    fn page(
        chrome: Chrome,
        r: ResidentRecord,
        form: &ResidentForm,
        errors: FormErrors,
    ) -> ResidentPage {
        ResidentPage {
            chrome,
            r,
            f: form.f.clone(),
            errors,
        }
    }
}

/// The form, filled from the record.
pub(super) async fn edit_form<T: EditTarget>(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<T::Id>,
) -> Result<Html<String>, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let record = T::load(&ctx, id).await?;
    let f = T::form_of(&record);
    render(&T::page(chrome, record, &f, FormErrors::none()))
}

/// The save: "Saved" on the record's page, or the form again with every error.
pub(super) async fn edit<T: EditTarget>(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<HouseholdEdit>,
    rc: RequestCtx,
    Path(id): Path<T::Id>,
    CsrfForm(f): CsrfForm<T::Form>,
) -> Result<Response, PageError> {
    let ctx = state.ctx(Some(can.who), &rc);
    let record = T::load(&ctx, id).await?;
    let result = T::save(&ctx, id, &f).await;
    let back = format!("/{}/{id}", T::PREFIX);
    saved_or_form(result, &back, chrome.lang, |errors| {
        T::page(chrome, record, &f, errors)
    })
}
