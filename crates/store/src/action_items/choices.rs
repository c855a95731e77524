//! What a form offers as an item's owner and group: the unit's groups, its residents and the
//! accounts with a grant on it.

use tuquan_domain::{GroupId, ResidentId, UserId};

use crate::{subtree, with_pool, Store, StoreError};

/// Residents offered by name at most; a larger unit types the resident's number.
pub const MAX_RESIDENTS: i64 = 600;

/// (id, label) pairs for the owner fields of a form.
#[derive(Debug, Clone, Default)]
pub struct OwnerChoices {
    pub groups: Vec<(GroupId, String)>,
    pub residents: Vec<(ResidentId, String)>,
    /// More residents than [`MAX_RESIDENTS`]: the form asks for a number instead.
    pub residents_truncated: bool,
    pub accounts: Vec<(UserId, String)>,
}

impl Store {
    /// The groups of the unit, below and above it, its active residents (by name) and the accounts with
    /// a grant on the unit or below.
    pub async fn action_item_owner_choices(
        &self,
        unit_path: &str,
    ) -> Result<OwnerChoices, StoreError> {
        let (lo, hi) = subtree(unit_path);
        let (groups, residents, accounts) = with_pool!(self, p => {
            let g: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, name FROM community_groups WHERE (unit_path = $1 OR (unit_path >= $2 \
                 AND unit_path < $3) OR $1 LIKE unit_path || '/%') AND status = 'active' \
                 ORDER BY sort_key, id",
            )
            .bind(unit_path).bind(&lo).bind(&hi).fetch_all(p).await?;
            let r: Vec<(i64, String)> = sqlx::query_as(
                "SELECT r.id, r.full_name || ' (' || h.address || ')' FROM residents r \
                 JOIN households h ON h.id = r.household_id JOIN units u ON u.code = r.unit_code \
                 WHERE (u.path = $1 OR (u.path >= $2 AND u.path < $3)) AND r.status = 'active' \
                 ORDER BY r.sort_key, r.id LIMIT $4",
            )
            .bind(unit_path).bind(&lo).bind(&hi).bind(MAX_RESIDENTS + 1).fetch_all(p).await?;
            let a: Vec<(i64, String)> = sqlx::query_as(
                "SELECT DISTINCT us.id, us.display_name FROM grants gr JOIN users us ON us.id = gr.user_id \
                 JOIN units u ON u.code = gr.unit_code WHERE NOT us.disabled \
                 AND (u.path = $1 OR (u.path >= $2 AND u.path < $3)) ORDER BY us.display_name, us.id",
            )
            .bind(unit_path).bind(&lo).bind(&hi).fetch_all(p).await?;
            (g, r, a)
        });
        let residents_truncated = residents.len() as i64 > MAX_RESIDENTS;
        Ok(OwnerChoices {
            groups: typed(groups),
            residents: typed(residents.into_iter().take(MAX_RESIDENTS as usize).collect()),
            residents_truncated,
            accounts: typed(accounts),
        })
    }
}

/// Wraps the ids of (id, label) rows in their newtype.
fn typed<T: From<i64>>(rows: Vec<(i64, String)>) -> Vec<(T, String)> {
    rows.into_iter().map(|(id, l)| (T::from(id), l)).collect()
}
