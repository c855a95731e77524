//! Online backup of a SQLite store, and what a restore checks (docs/security.md).
//!
//! `VACUUM INTO` writes a consistent copy from one read transaction while the server keeps
//! serving: writers are not blocked (WAL), and every transaction committed before the copy's
//! snapshot is in it. PostgreSQL is backed up with `pg_dump` instead.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::{Db, Store, StoreError};

impl Store {
    /// Writes a consistent copy of the SQLite database to `target`, which must not exist.
    pub async fn backup_sqlite_into(&self, target: &Path) -> Result<(), StoreError> {
        let Db::Sqlite(pool) = &self.db else {
            return Err(StoreError::Config(
                "online backup is for SQLite; back up PostgreSQL with pg_dump".into(),
            ));
        };
        let target = target
            .to_str()
            .ok_or_else(|| StoreError::Config("the backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// `PRAGMA integrity_check` of a SQLite store: `ok`, or what is wrong.
    pub async fn sqlite_integrity(&self) -> Result<String, StoreError> {
        let Db::Sqlite(pool) = &self.db else {
            return Err(StoreError::Config("not a SQLite store".into()));
        };
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(pool)
            .await?;
        Ok(rows.join("; "))
    }
}

/// The fingerprint of an identity key (base64 of 32 bytes, as configured): the SHA-256 of
/// its bytes, in hex. It names a key without revealing it.
pub fn key_fingerprint(base64_key: &str) -> Result<String, StoreError> {
    // Validates the key the way the store reads it.
    crate::identity::IdentityKey::from_base64(base64_key)?;
    let bytes = STANDARD
        .decode(base64_key.trim())
        .map_err(|_| StoreError::Config("identity_key is not valid base64".into()))?;
    Ok(Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_name_keys() {
        let a = crate::identity::IdentityKey::generate_base64();
        let b = crate::identity::IdentityKey::generate_base64();
        assert_eq!(key_fingerprint(&a).unwrap().len(), 64);
        assert_eq!(
            key_fingerprint(&a).unwrap(),
            key_fingerprint(&format!("{a}\n")).unwrap()
        );
        assert_ne!(key_fingerprint(&a).unwrap(), key_fingerprint(&b).unwrap());
        assert!(key_fingerprint("not a key").is_err());
    }
}
