//! `tuquan user add`, `tuquan user link-resident` and `tuquan token create`: the operator's
//! accounts, through `tuquan_app::access` with a system context (audited as `cli`).

use std::io::BufRead;

use anyhow::{bail, Context};
use tuquan_app::access::{tokens, users};
use tuquan_app::{App, AppError};
use tuquan_domain::access::{Password, Role, Username};
use tuquan_domain::ResidentId;
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
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = Password::parse(line.trim_end_matches(['\r', '\n']), "password")
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let account = users::OperatorAccount {
        username: username.clone(),
        display_name: display_name.map(str::to_owned),
        password,
        role,
        unit: unit.map(str::to_owned),
    };
    let ctx = App::new(store.clone()).system("cli");
    let id = match users::create_for_operator(&ctx, &account).await {
        Ok(id) => id,
        Err(AppError::Invalid(e)) if e.field == "unit" => {
            bail!("unit {} does not exist", unit.unwrap_or(""))
        }
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", username.as_str())),
    };
    println!(
        "created user {} (id {id}) as {} on {}",
        username.as_str(),
        role.as_str(),
        unit.unwrap_or("the whole country")
    );
    Ok(())
}

pub async fn token_create(store: &Store, username: &str, name: &str) -> anyhow::Result<()> {
    let ctx = App::new(store.clone()).system("cli");
    match tokens::create_token_for(&ctx, username, name).await {
        Ok(t) => {
            println!("{}", t.token);
            Ok(())
        }
        Err(AppError::NotFound) => bail!("no user {username:?}"),
        Err(AppError::Invalid(_)) => bail!("--name must be 1 to 60 characters"),
        Err(e) => Err(e.into()),
    }
}

pub async fn user_link_resident(
    store: &Store,
    username: &str,
    resident: i64,
) -> anyhow::Result<()> {
    let ctx = App::new(store.clone()).system("cli");
    match users::link_resident(&ctx, username, ResidentId(resident)).await {
        Ok(full_name) => {
            println!("{username} is linked to resident {resident} ({full_name})");
            Ok(())
        }
        Err(AppError::Invalid(e)) if e.field == "username" => bail!("no user {username:?}"),
        Err(AppError::Invalid(e)) if e.field == "resident" => bail!("no resident {resident}"),
        Err(e) => Err(e.into()),
    }
}
