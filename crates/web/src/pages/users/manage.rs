//! One account: its grants, disabling, password reset.

use super::*;
use tuquan_domain::access::GrantId;
use tuquan_domain::UserId;

#[derive(Template)]
#[template(path = "user.html")]
pub(super) struct UserPage {
    chrome: Chrome,
    id: UserId,
    username: String,
    display_name: String,
    disabled: bool,
    must_change: bool,
    created: String,
    grants: Vec<GrantView>,
    notice: Option<&'static str>,
    errors: FormErrors,
    /// This is the caller's own account.
    is_self: bool,
    /// The caller may add grants to this account.
    grant_form: bool,
    /// The caller may disable, enable, and reset the password of this account.
    admin: bool,
    roles: Vec<RoleOption>,
    unit: String,
}

/// What the page shows around the account: a notice, or a rejected grant form.
#[derive(Default)]
pub(super) struct PageState<'a> {
    notice: Option<&'static str>,
    errors: FormErrors,
    role: &'a str,
    unit: &'a str,
}

/// The account page of `id` as the actor may see it.
async fn user_page(
    ctx: &tuquan_app::Ctx,
    chrome: Chrome,
    id: UserId,
    st: PageState<'_>,
) -> Result<Html<String>, PageError> {
    let (account, offers) = app::account(ctx, id).await?;
    let lang = chrome.lang;
    let user = account.user;
    let grants = account
        .grants
        .iter()
        .map(|g| GrantView {
            role: role_label(lang, g.grant.role),
            unit: unit_label(lang, g),
            revoke_href: offers
                .revocable
                .contains(&g.id)
                .then(|| format!("/users/{}/grants/{}/revoke", user.id, g.id)),
        })
        .collect();
    let roles = role_options(lang, &ctx.who()?.actor, st.role);
    render(&UserPage {
        chrome,
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        disabled: user.disabled,
        must_change: user.must_change_password,
        created: local_time(&user.created_at),
        grants,
        notice: st.notice,
        errors: st.errors,
        is_self: offers.is_self,
        grant_form: offers.manage,
        admin: offers.admin,
        roles,
        unit: st.unit.trim().chars().take(60).collect(),
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
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let notice = match query.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("grant_added") => Some("users.done_grant_added"),
        Some("grant_revoked") => Some("users.done_grant_revoked"),
        Some("disabled") => Some("users.done_disabled"),
        Some("enabled") => Some("users.done_enabled"),
        _ => None,
    };
    let st = PageState {
        notice,
        ..PageState::default()
    };
    user_page(&state.ctx(Some(can.who), &rc), chrome, id, st).await
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
    id: Result<Path<UserId>, PathRejection>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, PageError> {
    let id = path(id)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let Err(e) = app::add_grant(&ctx, id, &form.role, &form.unit).await else {
        return Ok(see_other(&format!("/users/{id}?done=grant_added"), None));
    };
    let f = Failure::from(e);
    let Some((status, message)) = form_message(chrome.lang, &f) else {
        return Err(f.into());
    };
    let st = PageState {
        notice: None,
        errors: message,
        role: &form.role,
        unit: &form.unit,
    };
    Ok(with_status(status, user_page(&ctx, chrome, id, st).await?))
}

pub(super) async fn revoke_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    ids: Result<Path<(UserId, GrantId)>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let (id, grant_id) = path(ids)?;
    let ctx = state.ctx(Some(can.who), &rc);
    let (user, grant) = app::revocable_grant(&ctx, id, grant_id).await?;
    let lang = chrome.lang;
    let unit = unit_label(lang, &grant);
    confirm(
        chrome,
        Ask {
            title: "users.revoke_title",
            button: "users.revoke",
            question: "users.revoke_confirm",
            vars: &[
                ("name", &user.display_name),
                ("username", &user.username),
                ("role", role_label(lang, grant.grant.role)),
                ("unit", &unit),
            ],
            action: format!("/users/{id}/grants/{grant_id}/revoke"),
            back: format!("/users/{id}"),
        },
    )
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    ids: Result<Path<(UserId, GrantId)>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let (id, grant_id) = path(ids)?;
    let still_visible = app::revoke_grant(&state.ctx(Some(can.who), &rc), id, grant_id).await?;
    let to = if still_visible {
        format!("/users/{id}?done=grant_revoked")
    } else {
        "/users".to_owned()
    };
    Ok(see_other(&to, None))
}

/// The confirmation before disabling or resetting the password of account `id`.
async fn administer_confirm(
    state: &AppState,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
    (verb, question, step): (&'static str, &'static str, &str),
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let user = app::administrable(&state.ctx(Some(can.who), &rc), id).await?;
    confirm(
        chrome,
        Ask {
            title: verb,
            button: verb,
            question,
            vars: &[("name", &user.display_name), ("username", &user.username)],
            action: format!("/users/{id}/{step}"),
            back: format!("/users/{id}"),
        },
    )
}

pub(super) async fn disable_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let what = ("users.disable", "users.disable_confirm", "disable");
    administer_confirm(&state, chrome, can, rc, id, what).await
}

pub(super) async fn reset_confirm(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let what = (
        "users.reset_password",
        "users.reset_confirm",
        "reset-password",
    );
    administer_confirm(&state, chrome, can, rc, id, what).await
}

/// Disables (`true`) or re-enables account `id`.
async fn set_disabled(
    state: &AppState,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
    disabled: bool,
) -> Result<Response, PageError> {
    let id = path(id)?;
    app::set_disabled(&state.ctx(Some(can.who), &rc), id, disabled).await?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(see_other(&format!("/users/{id}?done={done}"), None))
}

pub(super) async fn disable(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    set_disabled(&state, can, rc, id, true).await
}

pub(super) async fn enable(
    State(state): State<AppState>,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    set_disabled(&state, can, rc, id, false).await
}

pub(super) async fn reset_password(
    State(state): State<AppState>,
    chrome: Chrome,
    can: Can<UserManage>,
    rc: RequestCtx,
    id: Result<Path<UserId>, PathRejection>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Html<String>, PageError> {
    let id = path(id)?;
    let (user, temp) = app::reset_password(&state.ctx(Some(can.who), &rc), id).await?;
    let lang = chrome.lang;
    let vars = [
        ("name", user.display_name.as_str()),
        ("username", user.username.as_str()),
    ];
    render(&ShownOncePage {
        title: lang.t("users.reset_done").to_owned(),
        message: fill(lang, "users.reset_message", &vars),
        label: "users.temp_password",
        secret: temp,
        back: format!("/users/{id}"),
        chrome,
    })
}
