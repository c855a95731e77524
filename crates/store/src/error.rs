use tuquan_domain::FieldError;

/// What can go wrong in the store. Database failures stay distinct from "not found" so an
/// outage is never reported as a missing record.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {field}")]
    Conflict { field: &'static str },
    #[error("invalid input: {0}")]
    Invalid(#[from] FieldError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps a unique-constraint violation to a conflict on `field`; anything else unchanged.
    pub(crate) fn conflict_on(field: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict { field },
            _ => Self::Database(e),
        }
    }
}
