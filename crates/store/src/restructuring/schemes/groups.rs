//! What a scheme does with the groups of the units it closes: the groups themselves (with
//! their current holders, for the page), the choices stored (`restructuring_scheme_groups`;
//! a group without a row is dissolved), and setting a choice while the scheme is not yet
//! applied or abandoned.

use serde_json::json;
use tuquan_domain::groups::GroupKind;
use tuquan_domain::restructuring::scheme::{GroupAction, GroupChoice, SchemeId};
use tuquan_domain::GroupId;

use super::{entry, SchemeRecord};
use crate::audit::{audited_tx, AuditCtx};
use crate::{now, with_pool, Store, StoreError};

/// An open group of a unit, with its current positions and head.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AffectedGroupRecord {
    #[sqlx(try_from = "i64")]
    pub id: GroupId,
    pub unit_code: String,
    pub unit_name: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: GroupKind,
    pub kind_label: Option<String>,
    /// Positions held now.
    pub positions: i64,
    /// The current head's name, if any.
    pub head: Option<String>,
}

/// A stored choice for one group.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SchemeGroupRecord {
    #[sqlx(try_from = "i64")]
    pub group_id: GroupId,
    #[sqlx(try_from = "String")]
    pub action: GroupAction,
    pub to_code: Option<String>,
    #[sqlx(try_from = "crate::ids::NullableId")]
    pub into_group_id: Option<GroupId>,
    pub updated_by: String,
    pub updated_at: String,
}

impl Store {
    /// The open groups of the given units, in the units' order then by name.
    pub async fn open_groups_of_units(
        &self,
        unit_codes: &[String],
    ) -> Result<Vec<AffectedGroupRecord>, StoreError> {
        if unit_codes.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=unit_codes.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT g.id, g.unit_code, u.name AS unit_name, g.name, g.kind, g.kind_label, \
             (SELECT COUNT(*) FROM group_positions p WHERE p.group_id = g.id \
              AND p.ended_on IS NULL) AS positions, \
             (SELECT r.full_name FROM group_positions p JOIN residents r ON r.id = p.resident_id \
              WHERE p.group_id = g.id AND p.ended_on IS NULL AND p.role = 'head') AS head \
             FROM community_groups g JOIN units u ON u.code = g.unit_code \
             WHERE g.status <> 'dissolved' AND g.unit_code IN ({}) \
             ORDER BY u.sort_key, g.unit_code, g.sort_key, g.id",
            marks.join(", ")
        );
        Ok(with_pool!(self, p => {
            let mut q = sqlx::query_as(&sql);
            for c in unit_codes {
                q = q.bind(c);
            }
            q.fetch_all(p).await?
        }))
    }

    /// The choices stored for a scheme's groups.
    pub async fn scheme_groups(
        &self,
        scheme_id: SchemeId,
    ) -> Result<Vec<SchemeGroupRecord>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT group_id, action, to_code, into_group_id, updated_by, updated_at \
                 FROM restructuring_scheme_groups WHERE scheme_id = $1 ORDER BY group_id",
            )
            .bind(scheme_id.get())
            .fetch_all(p)
            .await?
        }))
    }

    /// Stores the choice for one group of a scheme not yet applied or abandoned (replacing
    /// the earlier one); `Conflict` when the scheme left those statuses meanwhile.
    pub async fn set_scheme_group(
        &self,
        s: &SchemeRecord,
        group: GroupId,
        choice: &GroupChoice,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let (to, into) = match choice {
            GroupChoice::CarryOver { to } => (Some(to.as_str().to_owned()), None),
            GroupChoice::Merge { into } => (None, Some(into.get())),
            GroupChoice::Dissolve => (None, None),
        };
        let action = choice.action().as_str();
        let after = json!({"group": group.get(), "action": action, "to": to, "into": into});
        let ts = now();
        let entry = entry("restructuring.group_disposition", s, after);
        audited_tx!(self, ctx, &entry, tx => {
            let n = sqlx::query(
                "INSERT INTO restructuring_scheme_groups (scheme_id, group_id, action, to_code, \
                 into_group_id, updated_by, updated_at) \
                 SELECT id, $2, $3, $4, $5, $6, $7 FROM restructuring_schemes \
                 WHERE id = $1 AND status IN ('draft', 'consulting', 'approved') \
                 ON CONFLICT (scheme_id, group_id) DO UPDATE SET action = excluded.action, \
                 to_code = excluded.to_code, into_group_id = excluded.into_group_id, \
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(s.id.get())
            .bind(group.get())
            .bind(action)
            .bind(&to)
            .bind(into)
            .bind(by)
            .bind(&ts)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict { field: "status" });
            }
        });
        Ok(())
    }
}
