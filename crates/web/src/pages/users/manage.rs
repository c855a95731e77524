//! One account: its grants, disabling, password reset.

use super::*;

#[derive(Template)]
#[template(path = "user.html")]
pub(super) struct UserPage {
    chrome: Chrome,
    id: i64,
    username: String,
    display_name: String,
    disabled: bool,
    must_change: bool,
    created: String,
    grants: Vec<GrantView>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// This is the caller's own account.
    is_self: bool,
    /// The caller may add grants to this account.
    grant_form: bool,
    /// The caller may disable, enable, and reset the password of this account.
    admin: bool,
    roles: Vec<RoleOption>,
    unit: String,
}

pub(super) struct GrantFormValues<'a> {
    role: &'a str,
    unit: &'a str,
}

fn user_page(
    chrome: Chrome,
    who: &Authenticated,
    user: UserRecord,
    grants: &[GrantRecord],
    notice: Option<&'static str>,
    error: Option<String>,
    form: GrantFormValues<'_>,
) -> Result<Html<String>, PageError> {
    let lang = chrome.lang;
    let actor = &who.actor;
    let is_self = who.user.id == user.id;
    let manage = !is_self && would_be_in_scope(actor, Action::UserManage, grants);
    let admin = manage && outranks(actor, grants);
    let grant_views = grants
        .iter()
        .map(|g| GrantView {
            role: role_label(lang, g.grant.role),
            unit: unit_label(lang, g),
            revoke_href: (manage
                && may_assign(actor, g.grant.role, g.grant.unit_path.as_deref()).is_ok())
            .then(|| format!("/users/{}/grants/{}/revoke", user.id, g.id)),
        })
        .collect();
    let roles = role_options(lang, actor, form.role);
    render(&UserPage {
        chrome,
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        disabled: user.disabled,
        must_change: user.must_change_password,
        created: local_time(&user.created_at),
        grants: grant_views,
        notice,
        error,
        is_self,
        grant_form: manage,
        admin,
        roles,
        unit: form.unit.trim().chars().take(60).collect(),
    })
}

#[derive(Deserialize, Default)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserView>,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let (user, grants) = load_target(&state, &can, id).await?;
    let notice = match query.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("grant_added") => Some("users.done_grant_added"),
        Some("grant_revoked") => Some("users.done_grant_revoked"),
        Some("disabled") => Some("users.done_disabled"),
        Some("enabled") => Some("users.done_enabled"),
        _ => None,
    };
    user_page(
        chrome,
        &can.who,
        user,
        &grants,
        notice,
        None,
        GrantFormValues { role: "", unit: "" },
    )
}

#[derive(Deserialize)]
pub(super) struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

pub(super) async fn add_grant(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    let (user, grants) = load_target(&state, &can, id).await?;
    check_not_self(&can.who, id)?;
    let outcome = async {
        let role = parse_role(&form.role)?;
        let unit = grant_unit(&state, role, &form.unit).await?;
        let path = unit.as_ref().map(|u| u.path.as_str());
        can.check(path)?;
        check_may_assign(&can.who, role, path)?;
        let code = unit.as_ref().map(|u| u.code.as_str());
        if grants
            .iter()
            .any(|g| g.grant.role == role && g.grant.unit_code.as_deref() == code)
        {
            return Err(Failure::Conflict { field: "role" });
        }
        state
            .store
            .add_grant(id, role, code, &rc.audit(Some(&can.who)))
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/users/{id}?done=grant_added"), None)),
        Err(f) => {
            let Some((status, message)) = form_message(chrome.lang, &f) else {
                return Err(f.into());
            };
            let page = user_page(
                chrome,
                &can.who,
                user,
                &grants,
                None,
                Some(message),
                GrantFormValues {
                    role: &form.role,
                    unit: &form.unit,
                },
            )?;
            Ok(with_status(status, page))
        }
    }
}

/// The grant `grant_id` of account `id`, which the caller may take back.
pub(super) async fn revocable_grant(
    state: &AppState,
    can: &Can<UserManage>,
    id: i64,
    grant_id: i64,
) -> Result<(UserRecord, GrantRecord), Failure> {
    let (user, grants) = load_target(state, can, id).await?;
    check_not_self(&can.who, id)?;
    let grant = grants
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or(Failure::NotFound)?;
    check_may_assign(&can.who, grant.grant.role, grant.grant.unit_path.as_deref())?;
    Ok((user, grant))
}

pub(super) async fn revoke_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let (id, grant_id) = path_id(ids)?;
    let (user, grant) = revocable_grant(&state, &can, id, grant_id).await?;
    let lang = chrome.lang;
    let title = lang.t("users.revoke_title").to_owned();
    let message = lang
        .t("users.revoke_confirm")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username)
        .replace("{role}", role_label(lang, grant.grant.role))
        .replace("{unit}", &unit_label(lang, &grant));
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/users/{id}/grants/{grant_id}/revoke"),
        button: "users.revoke",
        back: format!("/users/{id}"),
    })
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    ids: Result<Path<(i64, i64)>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let (id, grant_id) = path_id(ids)?;
    let (_, grant) = revocable_grant(&state, &can, id, grant_id).await?;
    state
        .store
        .revoke_grant(grant.id, &rc.audit(Some(&can.who)))
        .await?;
    // Without that grant the account may have left the caller's scope.
    let remaining = state.store.grants_of(id).await?;
    let to = if would_be_in_scope(&can.who.actor, Action::UserView, &remaining) {
        format!("/users/{id}?done=grant_revoked")
    } else {
        "/users".to_owned()
    };
    Ok(see_other(&to, None))
}

/// Account `id`, which the caller may disable, enable, or reset the password of.
pub(super) async fn administrable(
    state: &AppState,
    can: &Can<UserManage>,
    id: i64,
) -> Result<UserRecord, Failure> {
    let (user, grants) = load_target(state, can, id).await?;
    check_not_self(&can.who, id)?;
    check_outranks(&can.who, &grants)?;
    Ok(user)
}

pub(super) async fn disable_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let user = administrable(&state, &can, id).await?;
    let title = chrome.t("users.disable").to_owned();
    let message = chrome
        .t("users.disable_confirm")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/users/{id}/disable"),
        button: "users.disable",
        back: format!("/users/{id}"),
    })
}

pub(super) async fn disable(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    administrable(&state, &can, id).await?;
    state
        .store
        .set_disabled(id, true, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/users/{id}?done=disabled"), None))
}

pub(super) async fn enable(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    administrable(&state, &can, id).await?;
    state
        .store
        .set_disabled(id, false, &rc.audit(Some(&can.who)))
        .await?;
    Ok(see_other(&format!("/users/{id}?done=enabled"), None))
}

pub(super) async fn reset_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let user = administrable(&state, &can, id).await?;
    let title = chrome.t("users.reset_password").to_owned();
    let message = chrome
        .t("users.reset_confirm")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username);
    render(&ConfirmPage {
        chrome,
        title,
        message,
        action: format!("/users/{id}/reset-password"),
        button: "users.reset_password",
        back: format!("/users/{id}"),
    })
}

pub(super) async fn reset_password(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<i64>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Html<String>, PageError> {
    let id = path_id(id)?;
    let user = administrable(&state, &can, id).await?;
    let temp = secret::temporary_password();
    state
        .store
        .set_password(
            id,
            &secret::hash_password(&temp),
            true,
            &rc.audit(Some(&can.who)),
        )
        .await?;
    let title = chrome.t("users.reset_done").to_owned();
    let message = chrome
        .t("users.reset_message")
        .replace("{name}", &user.display_name)
        .replace("{username}", &user.username);
    render(&ShownOncePage {
        chrome,
        title,
        message,
        label: "users.temp_password",
        secret: temp,
        back: format!("/users/{id}"),
    })
}
