//! The list of accounts in an official's area.

use super::*;

#[derive(Template)]
#[template(path = "users.html")]
pub(super) struct UsersPage {
    chrome: Chrome,
    /// What the list covers: a unit's name, or the whole country.
    scope: String,
    unit: String,
    error: Option<String>,
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

pub(super) async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserView>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let unit_code = q.unit.as_deref().map(str::trim).unwrap_or("").to_owned();
    let after = q.after.as_deref().map(str::trim).unwrap_or("").to_owned();
    let may_invite = can
        .who
        .actor
        .grants
        .iter()
        .any(|g| allowed(g.role, Action::UserManage));
    let invite_href = may_invite.then(|| {
        if unit_code.is_empty() {
            "/users/new".to_owned()
        } else {
            format!(
                "/users/new?{}",
                serde_urlencoded::to_string([("unit", &unit_code)]).unwrap_or_default()
            )
        }
    });

    // The scope: the unit asked for, or the widest one the caller may see.
    let (scope_path, scope) = if unit_code.is_empty() {
        match can.home_scope() {
            Some(None) => {
                can.check(None)?;
                (None, lang.t("role.whole_country").to_owned())
            }
            Some(Some(path)) => {
                can.check(Some(path))?;
                let code = can
                    .who
                    .actor
                    .grants
                    .iter()
                    .find(|g| g.unit_path.as_deref() == Some(path))
                    .and_then(|g| g.unit_code.clone());
                let name = match code {
                    Some(c) => match state.store.unit(&c).await {
                        Ok(u) => format!("{} ({})", u.unit.name, u.unit.code),
                        Err(_) => c,
                    },
                    None => path.to_owned(),
                };
                (Some(path.to_owned()), name)
            }
            None => return Err(Failure::Forbidden.into()),
        }
    } else {
        match unit_by_code(&state, "unit", &unit_code).await {
            Ok(u) => {
                can.check(Some(&u.path))?;
                (Some(u.path.clone()), format!("{} ({})", u.name, u.code))
            }
            Err(f) => {
                let Some((status, message)) = form_message(lang, &f) else {
                    return Err(f.into());
                };
                let page = render(&UsersPage {
                    chrome,
                    scope: String::new(),
                    unit: unit_code,
                    error: Some(message),
                    rows: Vec::new(),
                    invite_href,
                    next_href: None,
                    first_href: Some("/users".into()),
                })?;
                return Ok(with_status(status, page));
            }
        }
    };

    let mut users = state
        .store
        .users_in_scope(scope_path.as_deref(), &after, PAGE_SIZE as i64 + 1)
        .await?;
    let more = users.len() > PAGE_SIZE;
    users.truncate(PAGE_SIZE);
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let grants = state.store.grants_of(u.id).await?;
        let summary = if grants.is_empty() {
            lang.t("users.no_grants").to_owned()
        } else {
            grants
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
        rows.push(UserRow {
            id: u.id,
            display_name: u.display_name,
            username: u.username,
            summary,
            disabled: u.disabled,
        });
    }
    let list_href = |after: Option<&str>| {
        let mut params = Vec::new();
        if !unit_code.is_empty() {
            params.push(("unit", unit_code.as_str()));
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
    };
    let next_href = if more {
        rows.last().map(|r| list_href(Some(&r.username)))
    } else {
        None
    };
    let first_href = (!after.is_empty()).then(|| list_href(None));
    let page = render(&UsersPage {
        chrome,
        scope,
        unit: unit_code,
        error: None,
        rows,
        invite_href,
        next_href,
        first_href,
    })?;
    Ok(page.into_response())
}

// ---------------------------------------------------------------------------------------
// Inviting an account
