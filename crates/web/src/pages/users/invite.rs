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
    errors: FormErrors,
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
        errors: FormErrors::none(),
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

pub(super) async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let actor = can.who.actor.clone();
    let invitation = app::Invitation {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        unit: form.unit.clone(),
    };
    match app::invite(&state.ctx(Some(can.who), &rc), &invitation).await {
        Ok(new) => {
            let vars = [
                ("name", new.display_name.as_str()),
                ("username", new.username.as_str()),
            ];
            Ok(render(&ShownOncePage {
                title: lang.t("users.created").to_owned(),
                message: fill(lang, "users.created_message", &vars),
                label: "users.temp_password",
                secret: new.temp_password,
                back: format!("/users/{}", new.id),
                chrome,
            })?
            .into_response())
        }
        Err(e) => {
            let f = Failure::from(e);
            let Some((status, message)) = form_message(lang, &f) else {
                return Err(f.into());
            };
            let page = render(&NewUserPage {
                roles: role_options(lang, &actor, &form.role),
                username: form.username.trim().chars().take(60).collect(),
                display_name: form.display_name.trim().chars().take(200).collect(),
                unit: form.unit.trim().chars().take(60).collect(),
                errors: message,
                chrome,
            })?;
            Ok(with_status(status, page))
        }
    }
}
