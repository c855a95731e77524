//! The home page: the country's totals and a way into the demo neighbourhood.

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
    let t = tuquan_app::territory::totals(&state.app).await?;
    render(&HomePage {
        chrome,
        provinces: t.provinces,
        communes: t.communes,
        demo: t.demo.map(|u| (format!("/territory/{}", u.code), u.name)),
    })
}
