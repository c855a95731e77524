//! Id newtypes at the database boundary.
//!
//! The domain's ids (`HouseholdId`, `GroupId`, …) know nothing of sqlx. Records carry them
//! with `#[sqlx(try_from = "i64")]` (or `NullableId` for a nullable column), and queries bind
//! `id.get()`, so the conversion lives here, in the store, and nowhere else.

/// A nullable id column, decoded as `Option<i64>` and turned into `Option<SomeId>`.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct NullableId(Option<i64>);

impl<T: From<i64>> From<NullableId> for Option<T> {
    fn from(v: NullableId) -> Self {
        v.0.map(T::from)
    }
}
