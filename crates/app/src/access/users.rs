//! User management by officials, within the units their grants cover: the account list,
//! inviting, one account's grants, disabling, password resets; and the operator's accounts
//! from the command line. Who may assign what is the domain's policy
//! (`tuquan_domain::access::{check_assign, check_administer, …}`).

use std::collections::HashMap;

use tuquan_domain::access::{
    check_administer, check_assign, check_not_self, in_scope, may_assign, scope_targets,
    widest_scope, Action, Actor, Grant, GrantId, Password, Refusal, Role, Username,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::{Checks, FieldError, FieldErrorKind};
use tuquan_domain::{ResidentId, UserId};
use tuquan_store::users::NewUser;
use tuquan_store::StoreError;

use super::{secret, GrantRecord, UserRecord};
use crate::error::keep_field_error;
use crate::{AppError, AppResult, Ctx};

/// The longest display name accepted.
const DISPLAY_NAME_MAX: usize = 100;

/// An account and its grants.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: UserRecord,
    pub grants: Vec<GrantRecord>,
}

/// What the actor may do with an account, for the forms a page offers (the acts ask again).
#[derive(Debug, Clone, Default)]
pub struct Offers {
    /// The account is the actor's own.
    pub is_self: bool,
    /// The actor may add grants to it.
    pub manage: bool,
    /// The actor may disable, enable, and reset the password of it.
    pub admin: bool,
    /// The grants (by id) the actor may take back.
    pub revocable: Vec<GrantId>,
}

fn plain(grants: &[GrantRecord]) -> Vec<Grant> {
    grants.iter().map(|g| g.grant.clone()).collect()
}

/// A refusal of the domain's policy as the application's error.
fn refused(ctx: &Ctx, r: Refusal) -> AppError {
    let who = ctx.actor.as_ref().map(|w| w.user.username.as_str());
    match r {
        Refusal::Denied(denied) => {
            tracing::warn!(user = ?who, %denied, "denied");
            AppError::Forbidden
        }
        Refusal::Rule { code, field } => {
            tracing::info!(user = ?who, code, "refused by a rule");
            AppError::rule(code, field, format!("user management: {code}"))
        }
    }
}

fn actor(ctx: &Ctx) -> AppResult<&Actor> {
    Ok(&ctx.who()?.actor)
}

/// Loads an account and checks it is in the actor's scope for `action`: every one of its
/// grants passes the domain's check. Every use case on one account starts here.
async fn load(ctx: &Ctx, id: UserId, action: Action) -> AppResult<Account> {
    let user = ctx.store().user_by_id(id).await?;
    let grants = ctx.store().grants_of(id).await?;
    for target in scope_targets(&plain(&grants)) {
        ctx.authorize(action, target)?;
    }
    Ok(Account { user, grants })
}

/// One account with what the actor may do with it.
pub async fn account(ctx: &Ctx, id: UserId) -> AppResult<(Account, Offers)> {
    let account = load(ctx, id, Action::UserView).await?;
    let offers = offers(actor(ctx)?, &account);
    Ok((account, offers))
}

fn offers(actor: &Actor, account: &Account) -> Offers {
    let grants = plain(&account.grants);
    let is_self = actor.user_id == account.user.id;
    let manage = !is_self && in_scope(actor, Action::UserManage, &grants).is_ok();
    let admin = manage && check_administer(actor, account.user.id, &grants).is_ok();
    let revocable = account
        .grants
        .iter()
        .filter(|g| manage && may_assign(actor, g.grant.role, g.grant.unit_path.as_deref()).is_ok())
        .map(|g| g.id)
        .collect();
    Offers {
        is_self,
        manage,
        admin,
        revocable,
    }
}

fn field_error(field: &'static str, kind: FieldErrorKind, detail: &str) -> AppError {
    AppError::Invalid(FieldError::new(field, kind, detail))
}

fn parse_role(raw: &str) -> AppResult<Role> {
    if raw.trim().is_empty() {
        return Err(field_error("role", FieldErrorKind::Required, "empty"));
    }
    Role::parse(raw)
        .ok_or_else(|| field_error("role", FieldErrorKind::UnknownValue, "no such role"))
}

/// A unit by code; an unknown code is an error on `field`.
pub async fn unit_by_code(ctx: &Ctx, field: &'static str, code: &str) -> AppResult<Unit> {
    match crate::territory::unit(&ctx.app, code).await {
        Err(AppError::NotFound) => Err(field_error(
            field,
            FieldErrorKind::UnknownValue,
            "no such unit",
        )),
        other => other,
    }
}

/// The unit a role is given on: none for a national role, which takes no unit; required
/// for every other role.
async fn grant_unit(ctx: &Ctx, role: Role, raw: &str) -> AppResult<Option<Unit>> {
    let code = raw.trim();
    if role.is_national() {
        if !code.is_empty() {
            return Err(field_error(
                "unit",
                FieldErrorKind::NotAllowedHere,
                "a national role is held on the whole country",
            ));
        }
        return Ok(None);
    }
    if code.is_empty() {
        return Err(field_error("unit", FieldErrorKind::Required, "empty"));
    }
    unit_by_code(ctx, "unit", code).await.map(Some)
}

/// Gives account `id` the role `role` on the unit `unit` (a code; empty for a national
/// role). The actor manages users there, the account is not theirs, and the role is not
/// above their own.
pub async fn add_grant(ctx: &Ctx, id: UserId, role: &str, unit: &str) -> AppResult<()> {
    let account = load(ctx, id, Action::UserManage).await?;
    check_not_self(actor(ctx)?, id).map_err(|r| refused(ctx, r))?;
    let role = parse_role(role)?;
    let unit = grant_unit(ctx, role, unit).await?;
    let path = unit.as_ref().map(|u| u.path.as_str());
    ctx.authorize(Action::UserManage, path)?;
    check_assign(actor(ctx)?, role, path).map_err(|r| refused(ctx, r))?;
    let code = unit.as_ref().map(|u| u.code.as_str());
    if account
        .grants
        .iter()
        .any(|g| g.grant.role == role && g.grant.unit_code.as_deref() == code)
    {
        return Err(AppError::Conflict { field: "role" });
    }
    ctx.store()
        .add_grant(id, role, code, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// The grant `grant_id` of account `id`, which the actor may take back (to confirm it).
pub async fn revocable_grant(
    ctx: &Ctx,
    id: UserId,
    grant_id: GrantId,
) -> AppResult<(UserRecord, GrantRecord)> {
    let account = load(ctx, id, Action::UserManage).await?;
    let actor = actor(ctx)?;
    check_not_self(actor, id).map_err(|r| refused(ctx, r))?;
    let grant = account
        .grants
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or(AppError::NotFound)?;
    may_assign(actor, grant.grant.role, grant.grant.unit_path.as_deref())
        .map_err(|d| refused(ctx, Refusal::Denied(d)))?;
    Ok((account.user, grant))
}

/// Takes back a grant. Returns whether the account is still in the actor's view afterwards
/// (without that grant it may have left the actor's scope).
pub async fn revoke_grant(ctx: &Ctx, id: UserId, grant_id: GrantId) -> AppResult<bool> {
    let (_, grant) = revocable_grant(ctx, id, grant_id).await?;
    ctx.store().revoke_grant(grant.id, &ctx.audit_ctx()).await?;
    let remaining = ctx.store().grants_of(id).await?;
    Ok(in_scope(actor(ctx)?, Action::UserView, &plain(&remaining)).is_ok())
}

/// Account `id`, which the actor may disable, enable, or reset the password of.
pub async fn administrable(ctx: &Ctx, id: UserId) -> AppResult<UserRecord> {
    let account = load(ctx, id, Action::UserManage).await?;
    check_administer(actor(ctx)?, id, &plain(&account.grants)).map_err(|r| refused(ctx, r))?;
    Ok(account.user)
}

/// Disables (ending its sessions) or re-enables account `id`.
pub async fn set_disabled(ctx: &Ctx, id: UserId, disabled: bool) -> AppResult<()> {
    administrable(ctx, id).await?;
    ctx.store()
        .set_disabled(id, disabled, &ctx.audit_ctx())
        .await?;
    Ok(())
}

/// Gives account `id` a temporary password (to be changed at next sign-in; its sessions
/// end). Returns the account and the password, shown once.
pub async fn reset_password(ctx: &Ctx, id: UserId) -> AppResult<(UserRecord, String)> {
    let user = administrable(ctx, id).await?;
    let temp = secret::temporary_password();
    ctx.store()
        .set_password(id, &secret::hash_password(&temp), true, &ctx.audit_ctx())
        .await?;
    Ok((user, temp))
}

/// An invitation as typed in the form.
#[derive(Debug, Clone, Default)]
pub struct Invitation {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
}

/// An account just created with a temporary password (shown once).
#[derive(Debug, Clone)]
pub struct Invited {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub temp_password: String,
}

fn display_name(raw: &str) -> AppResult<String> {
    let name = tuquan_domain::text::clean(raw);
    if name.is_empty() {
        return Err(field_error(
            "display_name",
            FieldErrorKind::Required,
            "empty",
        ));
    }
    if name.chars().count() > DISPLAY_NAME_MAX {
        let kind = FieldErrorKind::TooLong {
            max: DISPLAY_NAME_MAX,
        };
        return Err(field_error("display_name", kind, "too long"));
    }
    Ok(name)
}

/// Creates an account with one grant and a temporary password.
///
/// Every bad field is reported at once (`AppError::InvalidFields`); the unit is checked
/// against the role when the role is known, and for existence otherwise.
pub async fn invite(ctx: &Ctx, inv: &Invitation) -> AppResult<Invited> {
    let mut c = Checks::default();
    let username = c.check(Username::parse(&inv.username));
    let display_name = keep_field_error(&mut c, display_name(&inv.display_name))?;
    let role = keep_field_error(&mut c, parse_role(&inv.role))?;
    let unit = match role {
        Some(role) => keep_field_error(&mut c, grant_unit(ctx, role, &inv.unit).await)?,
        None if !inv.unit.trim().is_empty() => {
            keep_field_error(&mut c, unit_by_code(ctx, "unit", inv.unit.trim()).await)?;
            None
        }
        None => None,
    };
    let (Some(username), Some(display_name), Some(role), Some(unit)) =
        (username, display_name, role, unit)
    else {
        return Err(c.into_errors().into());
    };
    let path = unit.as_ref().map(|u| u.path.as_str());
    ctx.authorize(Action::UserManage, path)?;
    check_assign(actor(ctx)?, role, path).map_err(|r| refused(ctx, r))?;
    let temp = secret::temporary_password();
    let new = NewUser {
        username: username.as_str().to_owned(),
        display_name,
        password_hash: secret::hash_password(&temp),
        must_change_password: true,
    };
    let id = create(ctx, &new, role, unit.map(|u| u.code)).await?;
    Ok(Invited {
        id,
        username: new.username,
        display_name: new.display_name,
        temp_password: temp,
    })
}

async fn create(ctx: &Ctx, new: &NewUser, role: Role, unit: Option<String>) -> AppResult<UserId> {
    match ctx
        .store()
        .create_user(new, &[(role, unit)], &ctx.audit_ctx())
        .await
    {
        // The unit vanished between the check and the write.
        Err(StoreError::NotFound) => Err(field_error(
            "unit",
            FieldErrorKind::UnknownValue,
            "no such unit",
        )),
        other => Ok(other?),
    }
}

/// An account the operator creates from the command line, with their own password.
#[derive(Debug, Clone)]
pub struct OperatorAccount {
    pub username: Username,
    pub display_name: Option<String>,
    pub password: Password,
    pub role: Role,
    pub unit: Option<String>,
}

/// Creates an account for the operator (a context from `App::system`: the operator holds
/// the database, so no grant is checked). A national role takes no unit; every other role
/// needs an existing one.
pub async fn create_for_operator(ctx: &Ctx, acc: &OperatorAccount) -> AppResult<UserId> {
    if ctx.actor.is_some() {
        return Err(AppError::Forbidden);
    }
    let unit = grant_unit(ctx, acc.role, acc.unit.as_deref().unwrap_or("")).await?;
    let display = acc.display_name.as_deref().unwrap_or(acc.username.as_str());
    let new = NewUser {
        username: acc.username.as_str().to_owned(),
        display_name: tuquan_domain::text::clean(display),
        password_hash: secret::hash_password(acc.password.expose()),
        must_change_password: false,
    };
    create(ctx, &new, acc.role, unit.map(|u| u.code)).await
}

/// Links account `username` to the resident record `resident_id` (for self-service), from
/// the operator's command line. Returns the resident's full name; an unknown account or
/// resident is an `Invalid` on `username` or `resident`.
pub async fn link_resident(
    ctx: &Ctx,
    username: &str,
    resident_id: ResidentId,
) -> AppResult<String> {
    if ctx.actor.is_some() {
        return Err(AppError::Forbidden);
    }
    let unknown = |field| field_error(field, FieldErrorKind::UnknownValue, "not found");
    let user = ctx
        .store()
        .user_by_username(username)
        .await?
        .ok_or_else(|| unknown("username"))?;
    let resident = match ctx.store().resident(resident_id).await {
        Err(StoreError::NotFound) => return Err(unknown("resident")),
        other => other?,
    };
    ctx.store()
        .link_resident(user.id, Some(resident.id), &ctx.audit_ctx())
        .await?;
    Ok(resident.full_name)
}

/// One page of the account list.
#[derive(Debug, Clone)]
pub struct AccountList {
    /// The unit the list covers (`None`: the whole country) and its label, `name (code)`.
    pub scope_path: Option<String>,
    pub scope_label: Option<String>,
    pub accounts: Vec<Account>,
    /// The username after which the next page starts, when there is one.
    pub next_after: Option<String>,
}

/// The accounts whose grants lie in the unit `unit_code` (empty: the widest unit the actor
/// may see), by username after `after`, `page_size` at a time; their grants in one query.
pub async fn list(
    ctx: &Ctx,
    unit_code: &str,
    after: &str,
    page_size: usize,
) -> AppResult<AccountList> {
    let (scope_path, scope_label) = list_scope(ctx, unit_code).await?;
    let limit = i64::try_from(page_size).unwrap_or(i64::MAX - 1) + 1;
    let mut users = ctx
        .store()
        .users_in_scope(scope_path.as_deref(), after, limit)
        .await?;
    let more = users.len() > page_size;
    users.truncate(page_size);
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let mut by_user: HashMap<UserId, Vec<GrantRecord>> = HashMap::new();
    for g in ctx.store().grants_of_users(&ids).await? {
        by_user.entry(g.user_id).or_default().push(g);
    }
    let accounts: Vec<Account> = users
        .into_iter()
        .map(|user| Account {
            // An account without grants has no entry.
            grants: by_user.remove(&user.id).unwrap_or_default(),
            user,
        })
        .collect();
    let next_after = more
        .then(|| accounts.last().map(|a| a.user.username.clone()))
        .flatten();
    Ok(AccountList {
        scope_path,
        scope_label,
        accounts,
        next_after,
    })
}

/// The list's unit, checked: the one asked for, or the widest the actor may see.
async fn list_scope(ctx: &Ctx, unit_code: &str) -> AppResult<(Option<String>, Option<String>)> {
    if !unit_code.is_empty() {
        let u = unit_by_code(ctx, "unit", unit_code).await?;
        ctx.authorize(Action::UserView, Some(&u.path))?;
        return Ok((
            Some(u.path.clone()),
            Some(format!("{} ({})", u.name, u.code)),
        ));
    }
    let actor = actor(ctx)?;
    match widest_scope(actor, Action::UserView) {
        None => Err(AppError::Forbidden),
        Some(None) => {
            ctx.authorize(Action::UserView, None)?;
            Ok((None, None))
        }
        Some(Some(path)) => {
            ctx.authorize(Action::UserView, Some(path))?;
            let code = actor
                .grants
                .iter()
                .find(|g| g.unit_path.as_deref() == Some(path))
                .and_then(|g| g.unit_code.clone());
            let label = match code {
                Some(c) => match crate::territory::unit(&ctx.app, &c).await {
                    Ok(u) => format!("{} ({})", u.name, u.code),
                    Err(AppError::NotFound) => c,
                    Err(e) => return Err(e),
                },
                None => path.to_owned(),
            };
            Ok((Some(path.to_owned()), Some(label)))
        }
    }
}
