//! `tuquan user add` and `tuquan token create`.

use std::io::BufRead;

use anyhow::{bail, Context};
use tuquan_app::access::secret;
use tuquan_domain::access::{Password, Role, Username};
use tuquan_store::audit::AuditCtx;
use tuquan_store::users::NewUser;
use tuquan_store::Store;

pub async fn user_add(
    store: &Store,
    username: &str,
    role: &str,
    unit: Option<&str>,
    display_name: Option<&str>,
) -> anyhow::Result<()> {
    super::ensure_territory(store).await?;
    let username = Username::parse(username).map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = Role::parse(role).with_context(|| format!("unknown role {role:?}"))?;
    match (role.is_national(), unit) {
        (true, Some(_)) => bail!("system_admin covers the whole country: omit --unit"),
        (false, None) => bail!("--unit is required for the role {}", role.as_str()),
        _ => {}
    }
    if let Some(code) = unit {
        store
            .unit(code)
            .await
            .with_context(|| format!("unit {code} does not exist"))?;
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = Password::parse(line.trim_end_matches(['\r', '\n']), "password")
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let display = tuquan_domain::text::clean(display_name.unwrap_or(username.as_str()));
    let new = NewUser {
        username: username.as_str().to_owned(),
        display_name: display,
        password_hash: secret::hash_password(password.expose()),
        must_change_password: false,
    };
    let id = store
        .create_user(&new, &[(role, unit.map(str::to_owned))], &AuditCtx::cli())
        .await
        .with_context(|| format!("cannot create {}", username.as_str()))?;
    println!(
        "created user {} (id {id}) as {} on {}",
        username.as_str(),
        role.as_str(),
        unit.unwrap_or("the whole country")
    );
    Ok(())
}

pub async fn token_create(store: &Store, username: &str, name: &str) -> anyhow::Result<()> {
    let user = store
        .user_by_username(username)
        .await?
        .with_context(|| format!("no user {username:?}"))?;
    let name = tuquan_domain::text::clean(name);
    if name.is_empty() || name.chars().count() > 60 {
        bail!("--name must be 1 to 60 characters");
    }
    let token = format!("tq_{}", secret::random_token());
    store
        .create_token(
            user.id,
            &name,
            &secret::sha256_hex(&token),
            &AuditCtx::cli(),
        )
        .await?;
    println!("{token}");
    Ok(())
}

pub async fn user_link_resident(
    store: &Store,
    username: &str,
    resident: i64,
) -> anyhow::Result<()> {
    let user = store
        .user_by_username(username)
        .await?
        .with_context(|| format!("no user {username:?}"))?;
    let r = store
        .resident(resident)
        .await
        .with_context(|| format!("no resident {resident}"))?;
    store
        .link_resident(user.id, Some(r.id), &AuditCtx::cli())
        .await?;
    println!(
        "{username} is linked to resident {} ({})",
        r.id, r.full_name
    );
    Ok(())
}
