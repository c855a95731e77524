//! Inviting an account with a temporary password.

use super::*;

#[derive(Template)]
#[template(path = "user_new.html")]
pub(super) struct NewUserPage {
    chrome: Chrome,
    roles: Vec<RoleOption>,
    username: String,
    display_name: String,
    unit: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    unit: Option<String>,
}

pub(super) async fn new_form(
    chrome: Chrome,
    can: Can<UserManage>,
    query: Result<Query<NewQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let roles = role_options(chrome.lang, &can.who.actor, "");
    render(&NewUserPage {
        chrome,
        roles,
        username: String::new(),
        display_name: String::new(),
        unit: q.unit.unwrap_or_default().trim().chars().take(60).collect(),
        error: None,
    })
}

#[derive(Deserialize)]
pub(super) struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

/// A validated invitation: who, which role, where.
pub(super) struct Invitation {
    username: Username,
    display_name: String,
    role: Role,
    unit: Option<Unit>,
}

pub(super) async fn validate_invitation(
    state: &AppState,
    form: &NewUserForm,
) -> Result<Invitation, Failure> {
    let username = Username::parse(&form.username)?;
    let display_name = tuquan_domain::text::clean(&form.display_name);
    if display_name.is_empty() {
        return Err(field_error(
            "display_name",
            FieldErrorKind::Required,
            "empty",
        ));
    }
    if display_name.chars().count() > DISPLAY_NAME_MAX {
        return Err(field_error(
            "display_name",
            FieldErrorKind::TooLong {
                max: DISPLAY_NAME_MAX,
            },
            "too long",
        ));
    }
    let role = parse_role(&form.role)?;
    let unit = grant_unit(state, role, &form.unit).await?;
    Ok(Invitation {
        username,
        display_name,
        role,
        unit,
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let outcome = async {
        let inv = validate_invitation(&state, &form).await?;
        let path = inv.unit.as_ref().map(|u| u.path.as_str());
        can.check(path)?;
        check_may_assign(&can.who, inv.role, path)?;
        let temp = secret::temporary_password();
        let new = NewUser {
            username: inv.username.as_str().to_owned(),
            display_name: inv.display_name.clone(),
            password_hash: secret::hash_password(&temp),
            must_change_password: true,
        };
        let grant = (inv.role, inv.unit.as_ref().map(|u| u.code.clone()));
        let id = state
            .store
            .create_user(&new, &[grant], &rc.audit(Some(&can.who)))
            .await
            .map_err(|e| match e {
                // The unit vanished between the check and the write.
                StoreError::NotFound => {
                    field_error("unit", FieldErrorKind::UnknownValue, "no such unit")
                }
                e => Failure::from(e),
            })?;
        Ok::<_, Failure>((id, new, temp))
    }
    .await;
    match outcome {
        Ok((id, new, temp)) => {
            let title = lang.t("users.created").to_owned();
            let message = lang
                .t("users.created_message")
                .replace("{name}", &new.display_name)
                .replace("{username}", &new.username);
            Ok(render(&ShownOncePage {
                chrome,
                title,
                message,
                label: "users.temp_password",
                secret: temp,
                back: format!("/users/{id}"),
            })?
            .into_response())
        }
        Err(f) => {
            let Some((status, message)) = form_message(lang, &f) else {
                return Err(f.into());
            };
            let roles = role_options(lang, &can.who.actor, &form.role);
            let page = render(&NewUserPage {
                chrome,
                roles,
                username: form.username.trim().chars().take(60).collect(),
                display_name: form.display_name.trim().chars().take(200).collect(),
                unit: form.unit.trim().chars().take(60).collect(),
                error: Some(message),
            })?;
            Ok(with_status(status, page))
        }
    }
}

// ---------------------------------------------------------------------------------------
// One account

pub struct GrantView {
    pub role: &'static str,
    pub unit: String,
    pub revoke_href: Option<String>,
}
