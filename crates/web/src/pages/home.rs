use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::{render, Chrome};
use crate::error::PageError;
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    provinces: i64,
    communes: i64,
    demo: Option<(String, String)>,
}

pub async fn home(
    State(state): State<AppState>,
    chrome: Chrome,
) -> Result<Html<String>, PageError> {
    let (provinces, communes) = state.store.unit_counts().await?;
    let demo = state
        .store
        .a_commune_with_units()
        .await?
        .map(|u| (format!("/territory/{}", u.code), u.name));
    render(&HomePage {
        chrome,
        provinces,
        communes,
        demo,
    })
}
