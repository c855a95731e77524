//! Creating and dropping the PostgreSQL databases the benchmark loads into, and moving
//! identity sequences past explicitly loaded ids.

use super::*;

async fn on_maintenance_db(url: &str, sql: impl Fn(&str) -> String) -> Result<(), StoreError> {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let opts = sqlx::postgres::PgConnectOptions::from_str(url)?;
    let name = opts
        .get_database()
        .ok_or_else(|| StoreError::Config("the database URL names no database".into()))?
        .to_owned();
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(StoreError::Config(format!(
            "database name {name:?}: letters, digits and _ only"
        )));
    }
    let mut conn = opts.database("postgres").connect().await?;
    sqlx::raw_sql(&sql(&name)).execute(&mut conn).await?;
    Ok(())
}

/// Creates the PostgreSQL database of `url` if it does not exist.
pub async fn ensure_pg_database(url: &str) -> Result<(), StoreError> {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let opts = sqlx::postgres::PgConnectOptions::from_str(url)?;
    if opts.connect().await.is_ok() {
        return Ok(());
    }
    on_maintenance_db(url, |n| format!("CREATE DATABASE {n}")).await
}

/// Drops (if present) and creates the PostgreSQL database of `url`: a fresh, empty one.
pub async fn recreate_pg_database(url: &str) -> Result<(), StoreError> {
    drop_pg_database(url).await?;
    on_maintenance_db(url, |n| format!("CREATE DATABASE {n}")).await
}

/// Drops the PostgreSQL database of `url` if it exists.
pub async fn drop_pg_database(url: &str) -> Result<(), StoreError> {
    on_maintenance_db(url, |n| format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)")).await
}

pub(super) async fn sync_sequence<'e, E>(exec: E, table: &str) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
         GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
    );
    sqlx::query(&sql).execute(exec).await?;
    Ok(())
}
