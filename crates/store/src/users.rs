//! Accounts and their grants.

use serde_json::json;
use tuquan_domain::access::{Grant, GrantId, Role};
use tuquan_domain::ResidentId;
use tuquan_domain::UserId;

use crate::audit::{audited_tx, Arg, AuditCtx, AuditEntry};
use crate::{now, with_pool, Store, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    #[sqlx(try_from = "i64")]
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: String,
    /// The resident record this account belongs to, for self-service.
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub resident_id: Option<ResidentId>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct GrantRow {
    #[sqlx(try_from = "i64")]
    id: GrantId,
    #[sqlx(try_from = "i64")]
    user_id: UserId,
    #[sqlx(try_from = "String")]
    role: Role,
    unit_code: Option<String>,
    unit_path: Option<String>,
    unit_name: Option<String>,
}

/// A grant with what pages show beside it.
#[derive(Debug, Clone)]
pub struct GrantRecord {
    pub id: GrantId,
    pub user_id: UserId,
    pub grant: Grant,
    pub unit_name: Option<String>,
}

impl From<GrantRow> for GrantRecord {
    fn from(r: GrantRow) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            grant: Grant {
                role: r.role,
                unit_code: r.unit_code,
                unit_path: r.unit_path,
            },
            unit_name: r.unit_name,
        }
    }
}

const GRANT_SELECT: &str = "SELECT g.id, g.user_id, g.role, g.unit_code, u.path AS unit_path, \
     u.name AS unit_name FROM grants g LEFT JOIN units u ON u.code = g.unit_code";

const USER_COLUMNS: &str = "id, username, display_name, password_hash, must_change_password, \
     disabled, created_at, resident_id";

/// A change [`Store::change_account`] makes.
enum AccountChange<'a> {
    /// A new password hash; `reset` forces a change at next sign-in.
    Password {
        hash: &'a str,
        reset: bool,
    },
    Disabled(bool),
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

impl Store {
    /// Creates an account with its first grants, in one transaction with its audit row.
    pub async fn create_user(
        &self,
        new: &NewUser,
        grants: &[(Role, Option<String>)],
        ctx: &AuditCtx,
    ) -> Result<UserId, StoreError> {
        let ts = now();
        let mut paths = Vec::new();
        for (_, code) in grants {
            paths.push(match code {
                Some(c) => Some(self.unit(c).await?.unit.path),
                None => None,
            });
        }
        let after = json!({
            "username": new.username,
            "display_name": new.display_name,
            "must_change_password": new.must_change_password,
            "grants": grants.iter().map(|(r, c)| json!({"role": r.as_str(), "unit": c})).collect::<Vec<_>>(),
        });
        let id = audited_tx!(self, ctx, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, password_hash, must_change_password, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(&new.username)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(new.must_change_password)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::conflict_on("username"))?;
            for (role, code) in grants {
                sqlx::query("INSERT INTO grants (user_id, role, unit_code, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(role.as_str())
                    .bind(code)
                    .bind(&ts)
                    .execute(&mut *tx)
                    .await?;
            }
            let entry = AuditEntry {
                action: "user.create",
                target_type: "user",
                target_id: id.to_string(),
                unit_path: paths.first().cloned().flatten(),
                before: None,
                after: Some(after),
            };
            (id, entry)
        });
        Ok(UserId(id))
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row: Option<UserRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(username).fetch_optional(p).await?
        });
        Ok(row)
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<UserRecord, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(id.get()).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    pub async fn grants_of(&self, user_id: UserId) -> Result<Vec<GrantRecord>, StoreError> {
        let sql = format!("{GRANT_SELECT} WHERE g.user_id = $1 ORDER BY g.id");
        let rows: Vec<GrantRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(user_id.get()).fetch_all(p).await?
        });
        Ok(rows.into_iter().map(GrantRecord::from).collect())
    }

    /// The grants of several accounts in one query (a page of the account list), in
    /// account then grant order.
    pub async fn grants_of_users(
        &self,
        user_ids: &[UserId],
    ) -> Result<Vec<GrantRecord>, StoreError> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=user_ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{GRANT_SELECT} WHERE g.user_id IN ({}) ORDER BY g.user_id, g.id",
            marks.join(", ")
        );
        let rows: Vec<GrantRow> = with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql);
            for id in user_ids {
                q = q.bind(id.get());
            }
            q.fetch_all(p).await?
        });
        Ok(rows.into_iter().map(GrantRecord::from).collect())
    }

    /// The unit path an account's changes are filed under: its first grant's unit.
    async fn user_unit_path(&self, user_id: UserId) -> Result<Option<String>, StoreError> {
        Ok(self
            .grants_of(user_id)
            .await?
            .into_iter()
            .find_map(|g| g.grant.unit_path))
    }

    /// Sets a new password hash. `reset` (by an official) forces a change at next login and
    /// ends the account's sessions.
    pub async fn set_password(
        &self,
        user_id: UserId,
        password_hash: &str,
        reset: bool,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            action: if reset {
                "user.password_reset"
            } else {
                "user.password_changed"
            },
            target_type: "user",
            target_id: user_id.to_string(),
            unit_path: self.user_unit_path(user_id).await?,
            before: None,
            // Never the password or its hash.
            after: Some(json!({ "must_change_password": reset })),
        };
        let change = AccountChange::Password {
            hash: password_hash,
            reset,
        };
        self.change_account(user_id, change, &entry, ctx).await
    }

    /// Disables or re-enables an account. Disabling ends its sessions and API tokens' use.
    pub async fn set_disabled(
        &self,
        user_id: UserId,
        disabled: bool,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.user_by_id(user_id).await?;
        let entry = AuditEntry {
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            target_type: "user",
            target_id: user_id.to_string(),
            unit_path: self.user_unit_path(user_id).await?,
            before: Some(json!({ "disabled": before.disabled })),
            after: Some(json!({ "disabled": disabled })),
        };
        self.change_account(user_id, AccountChange::Disabled(disabled), &entry, ctx)
            .await
    }

    /// One change to an account, with its audit row, in one transaction; a change that
    /// locks the owner out (a reset, disabling) also ends the account's sessions.
    async fn change_account(
        &self,
        user_id: UserId,
        change: AccountChange<'_>,
        entry: &AuditEntry,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        let (hash, flag, sql) = match change {
            AccountChange::Password { hash, reset } => (
                Some(hash),
                reset,
                "UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4 \
                 WHERE id = $1",
            ),
            // The same four parameters for both, so one statement runs either.
            AccountChange::Disabled(d) => (
                None,
                d,
                "UPDATE users SET password_hash = COALESCE($2, password_hash), disabled = $3, \
                 updated_at = $4 WHERE id = $1",
            ),
        };
        audited_tx!(self, ctx, &entry, tx => {
            let n = sqlx::query(sql)
                .bind(user_id.get())
                .bind(hash)
                .bind(flag)
                .bind(&ts)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if flag {
                sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
                    .bind(user_id.get())
                    .bind(&ts)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    pub async fn add_grant(
        &self,
        user_id: UserId,
        role: Role,
        unit_code: Option<&str>,
        ctx: &AuditCtx,
    ) -> Result<GrantId, StoreError> {
        self.user_by_id(user_id).await?;
        let unit_path = match unit_code {
            Some(c) => Some(self.unit(c).await?.unit.path),
            None => None,
        };
        let entry = AuditEntry {
            action: "user.grant_added",
            target_type: "user",
            target_id: user_id.to_string(),
            unit_path,
            before: None,
            after: Some(json!({ "role": role.as_str(), "unit": unit_code })),
        };
        self.insert_audited(
            "INSERT INTO grants (user_id, role, unit_code, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
            &[
                Arg::Int(user_id.get()),
                Arg::Text(role.as_str()),
                Arg::OptText(unit_code),
                Arg::Text(&now()),
            ],
            ctx,
            entry,
        )
        .await
        .map(GrantId)
    }

    /// Links an account to the resident it belongs to (or unlinks with `None`).
    pub async fn link_resident(
        &self,
        user_id: UserId,
        resident_id: Option<ResidentId>,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let before = self.user_by_id(user_id).await?;
        let unit_path = match resident_id {
            Some(r) => Some(self.resident(r).await?.unit_path),
            None => None,
        };
        let entry = AuditEntry {
            action: "user.resident_linked",
            target_type: "user",
            target_id: user_id.to_string(),
            unit_path,
            before: Some(json!({ "resident_id": before.resident_id })),
            after: Some(json!({ "resident_id": resident_id })),
        };
        self.execute_audited(
            "UPDATE users SET resident_id = $2, updated_at = $3 WHERE id = $1",
            &[
                Arg::Int(user_id.get()),
                Arg::OptInt(resident_id.map(ResidentId::get)),
                Arg::Text(&now()),
            ],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    pub async fn grant(&self, grant_id: GrantId) -> Result<GrantRecord, StoreError> {
        let sql = format!("{GRANT_SELECT} WHERE g.id = $1");
        let row: Option<GrantRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(grant_id.get()).fetch_optional(p).await?
        });
        row.map(GrantRecord::from).ok_or(StoreError::NotFound)
    }

    pub async fn revoke_grant(&self, grant_id: GrantId, ctx: &AuditCtx) -> Result<(), StoreError> {
        let g = self.grant(grant_id).await?;
        let entry = AuditEntry {
            action: "user.grant_revoked",
            target_type: "user",
            target_id: g.user_id.to_string(),
            unit_path: g.grant.unit_path.clone(),
            before: Some(json!({ "role": g.grant.role.as_str(), "unit": g.grant.unit_code })),
            after: None,
        };
        self.execute_audited(
            "DELETE FROM grants WHERE id = $1",
            &[Arg::Int(grant_id.get())],
            false,
            ctx,
            &entry,
        )
        .await
        .map(drop)
    }

    /// Accounts whose grants all lie in the subtree of `scope_path` and that hold at least
    /// one there (all accounts for `None`), by username, after `after_username`. An account
    /// with a grant elsewhere too belongs to a wider official, who alone may change it.
    pub async fn users_in_scope(
        &self,
        scope_path: Option<&str>,
        after_username: &str,
        limit: i64,
    ) -> Result<Vec<UserRecord>, StoreError> {
        let (scope, lo, hi) = crate::scope_range(scope_path);
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username > $4 AND ($1 = '' OR EXISTS ( \
               SELECT 1 FROM grants g JOIN units un ON un.code = g.unit_code \
               WHERE g.user_id = users.id \
               AND (un.path = $1 OR (un.path >= $2 AND un.path < $3))) \
             AND NOT EXISTS ( \
               SELECT 1 FROM grants g2 LEFT JOIN units u2 ON u2.code = g2.unit_code \
               WHERE g2.user_id = users.id AND (u2.path IS NULL \
               OR NOT (u2.path = $1 OR (u2.path >= $2 AND u2.path < $3))))) \
             ORDER BY username LIMIT $5"
        );
        let rows: Vec<UserRecord> = with_pool!(self, p => {
            sqlx::query_as(&sql)
                .bind(&scope)
                .bind(&lo)
                .bind(&hi)
                .bind(after_username)
                .bind(limit)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }
}
