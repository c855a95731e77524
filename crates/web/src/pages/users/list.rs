//! The list of accounts in an official's area.

use super::*;

#[derive(Template)]
#[template(path = "users.html")]
pub(super) struct UsersPage {
    chrome: Chrome,
    /// What the list covers: a unit's name, or the whole country.
    scope: String,
    unit: String,
    errors: FormErrors,
    rows: Vec<UserRow>,
    invite_href: Option<String>,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    unit: Option<String>,
    after: Option<String>,
}

/// `/users` with the unit of the list and a cursor.
fn list_href(unit_code: &str, after: Option<&str>) -> String {
    let mut params = Vec::new();
    if !unit_code.is_empty() {
        params.push(("unit", unit_code));
    }
    if let Some(a) = after {
        params.push(("after", a));
    }
    if params.is_empty() {
        "/users".to_owned()
    } else {
        format!(
            "/users?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    }
}

fn row(lang: Lang, account: app::Account) -> UserRow {
    let summary = if account.grants.is_empty() {
        lang.t("users.no_grants").to_owned()
    } else {
        account
            .grants
            .iter()
            .map(|g| {
                format!(
                    "{} — {}",
                    role_label(lang, g.grant.role),
                    unit_label(lang, g)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    UserRow {
        id: account.user.id,
        display_name: account.user.display_name,
        username: account.user.username,
        summary,
        disabled: account.user.disabled,
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserView>,
    rc: RequestCtx,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let unit_code = q.unit.as_deref().map(str::trim).unwrap_or("").to_owned();
    let after = q.after.as_deref().map(str::trim).unwrap_or("").to_owned();
    let ctx = state.ctx(Some(can.who), &rc);
    let invite_href = ctx.may_somewhere(Action::UserManage).then(|| {
        if unit_code.is_empty() {
            "/users/new".to_owned()
        } else {
            format!(
                "/users/new?{}",
                serde_urlencoded::to_string([("unit", &unit_code)]).unwrap_or_default()
            )
        }
    });
    let list = match app::list(&ctx, &unit_code, &after, PAGE_SIZE).await {
        Ok(list) => list,
        Err(e) => {
            let f = Failure::from(e);
            let Some((status, message)) = form_message(lang, &f) else {
                return Err(f.into());
            };
            let page = render(&UsersPage {
                chrome,
                scope: String::new(),
                unit: unit_code,
                errors: message,
                rows: Vec::new(),
                invite_href,
                next_href: None,
                first_href: Some("/users".into()),
            })?;
            return Ok(with_status(status, page));
        }
    };
    let next_href = list
        .next_after
        .as_deref()
        .map(|a| list_href(&unit_code, Some(a)));
    let first_href = (!after.is_empty()).then(|| list_href(&unit_code, None));
    let page = render(&UsersPage {
        chrome,
        scope: list
            .scope_label
            .unwrap_or_else(|| lang.t("role.whole_country").to_owned()),
        unit: unit_code,
        errors: FormErrors::none(),
        rows: list.accounts.into_iter().map(|a| row(lang, a)).collect(),
        invite_href,
        next_href,
        first_href,
    })?;
    Ok(page.into_response())
}
