//! A draft's items: merges, splits (their parts and household lists), renames, their removal,
//! and the household ballots the scheme opened. Each change writes its audit row in the same
//! transaction, and refuses (`Conflict`) once the scheme is no longer a draft.

use serde_json::json;
use tuquan_domain::restructuring::scheme::{
    Merge, Rename, SchemeItemId, Split, SplitPartId, VotePurpose,
};
use tuquan_domain::{HouseholdId, VoteId};

use super::{entry, SchemeRecord};
use crate::audit::{audited_tx, Arg, AuditCtx};
use crate::{Store, StoreError};

impl Store {
    /// Adds a merge to a draft. Returns the item's id.
    pub async fn add_scheme_merge(
        &self,
        s: &SchemeRecord,
        m: &Merge,
        ctx: &AuditCtx,
    ) -> Result<SchemeItemId, StoreError> {
        let (into, name, kind, local) = match &m.into {
            Ok(u) => (Some(u.as_str().to_owned()), "", "", ""),
            Err(n) => (
                None,
                n.name.as_str(),
                n.kind.as_str(),
                n.local_code.as_str(),
            ),
        };
        let units: Vec<&str> = m.units.iter().map(|u| u.as_str()).collect();
        let after = json!({"kind": "merge", "units": units, "into": into, "name": name,
                           "unit_kind": kind, "local_code": local, "candidates": m.candidates});
        let entry = entry("restructuring.item_added", s, after);
        let id = audited_tx!(self, ctx, &entry, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO restructuring_scheme_items (scheme_id, kind, into_code, new_name, \
                 new_kind, new_local_code, adjacent, candidate_names) \
                 SELECT $1, 'merge', $2, $3, $4, $5, $6, $7 FROM restructuring_schemes \
                 WHERE id = $1 AND status = 'draft' RETURNING id",
            )
            .bind(s.id.get())
            .bind(&into)
            .bind(name)
            .bind(kind)
            .bind(local)
            .bind(true)
            .bind(m.candidates.join("\n"))
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict { field: "status" })?;
            for u in &units {
                sqlx::query("INSERT INTO restructuring_item_units (item_id, unit_code) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*u)
                    .execute(&mut *tx)
                    .await?;
            }
            id
        });
        Ok(SchemeItemId(id))
    }

    /// Adds a split (its parts; the household lists come after). Returns the item's id.
    pub async fn add_scheme_split(
        &self,
        s: &SchemeRecord,
        sp: &Split,
        ctx: &AuditCtx,
    ) -> Result<SchemeItemId, StoreError> {
        let parts: Vec<_> = sp
            .parts
            .iter()
            .map(|p| json!({"name": p.name, "kind": p.kind.as_str(), "local_code": p.local_code.as_str()}))
            .collect();
        let after = json!({"kind": "split", "unit": sp.unit.as_str(), "parts": parts});
        let entry = entry("restructuring.item_added", s, after);
        let id = audited_tx!(self, ctx, &entry, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO restructuring_scheme_items (scheme_id, kind, unit_code) \
                 SELECT $1, 'split', $2 FROM restructuring_schemes \
                 WHERE id = $1 AND status = 'draft' RETURNING id",
            )
            .bind(s.id.get())
            .bind(sp.unit.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict { field: "status" })?;
            for (n, part) in sp.parts.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO restructuring_split_parts (item_id, part_no, name, kind, local_code) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(n as i64 + 1)
                .bind(&part.name)
                .bind(part.kind.as_str())
                .bind(part.local_code.as_str())
                .execute(&mut *tx)
                .await?;
            }
            id
        });
        Ok(SchemeItemId(id))
    }

    /// Adds a rename. Returns the item's id.
    pub async fn add_scheme_rename(
        &self,
        s: &SchemeRecord,
        r: &Rename,
        ctx: &AuditCtx,
    ) -> Result<SchemeItemId, StoreError> {
        let after = json!({"kind": "rename", "unit": r.unit.as_str(), "name": r.name,
                           "unit_kind": r.kind.as_str()});
        let entry = entry("restructuring.item_added", s, after);
        let id = audited_tx!(self, ctx, &entry, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO restructuring_scheme_items (scheme_id, kind, unit_code, new_name, new_kind) \
                 SELECT $1, 'rename', $2, $3, $4 FROM restructuring_schemes \
                 WHERE id = $1 AND status = 'draft' RETURNING id",
            )
            .bind(s.id.get())
            .bind(r.unit.as_str())
            .bind(&r.name)
            .bind(r.kind.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Conflict { field: "status" })?;
            id
        });
        Ok(SchemeItemId(id))
    }

    /// Removes an item of a draft with its units, parts and lists.
    pub async fn remove_scheme_item(
        &self,
        s: &SchemeRecord,
        item_id: SchemeItemId,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let item_id = item_id.get();
        let entry = entry("restructuring.item_removed", s, json!({"item": item_id}));
        audited_tx!(self, ctx, &entry, tx => {
            let draft: Option<i64> = sqlx::query_scalar(
                "SELECT i.id FROM restructuring_scheme_items i JOIN restructuring_schemes s \
                 ON s.id = i.scheme_id WHERE i.id = $1 AND s.id = $2 AND s.status = 'draft'",
            )
            .bind(item_id)
            .bind(s.id.get())
            .fetch_optional(&mut *tx)
            .await?;
            if draft.is_none() {
                return Err(StoreError::NotFound);
            }
            for sql in [
                "DELETE FROM restructuring_split_households WHERE item_id = $1",
                "DELETE FROM restructuring_split_parts WHERE item_id = $1",
                "DELETE FROM restructuring_item_units WHERE item_id = $1",
                "DELETE FROM restructuring_scheme_items WHERE id = $1",
            ] {
                sqlx::query(sql).bind(item_id).execute(&mut *tx).await?;
            }
        });
        Ok(())
    }

    /// Puts households of a split unit into a part (`None`: takes them off every list) while
    /// the scheme is a draft.
    pub async fn assign_split_households(
        &self,
        s: &SchemeRecord,
        item_id: SchemeItemId,
        part_id: Option<SplitPartId>,
        households: &[HouseholdId],
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ids: Vec<i64> = households.iter().map(|h| h.get()).collect();
        let (item_id, part_id) = (item_id.get(), part_id.map(SplitPartId::get));
        let entry = entry(
            "restructuring.split_listed",
            s,
            json!({"item": item_id, "part": part_id, "households": ids}),
        );
        audited_tx!(self, ctx, &entry, tx => {
            let draft: Option<i64> = sqlx::query_scalar(
                "SELECT i.id FROM restructuring_scheme_items i JOIN restructuring_schemes s \
                 ON s.id = i.scheme_id WHERE i.id = $1 AND s.id = $2 AND i.kind = 'split' \
                 AND s.status = 'draft'",
            )
            .bind(item_id)
            .bind(s.id.get())
            .fetch_optional(&mut *tx)
            .await?;
            if draft.is_none() {
                return Err(StoreError::Conflict { field: "status" });
            }
            for h in &ids {
                sqlx::query("DELETE FROM restructuring_split_households WHERE item_id = $1 AND household_id = $2")
                    .bind(item_id)
                    .bind(*h)
                    .execute(&mut *tx)
                    .await?;
                if let Some(part) = part_id {
                    sqlx::query(
                        "INSERT INTO restructuring_split_households (item_id, household_id, part_id) \
                         SELECT $1, $2, id FROM restructuring_split_parts WHERE id = $3 AND item_id = $1",
                    )
                    .bind(item_id)
                    .bind(*h)
                    .bind(part)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        });
        Ok(())
    }

    /// Links a household ballot the scheme opened.
    pub async fn link_scheme_vote(
        &self,
        s: &SchemeRecord,
        vote_id: VoteId,
        unit_code: &str,
        purpose: VotePurpose,
        candidate: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        self.execute_audited(
            "INSERT INTO restructuring_scheme_votes (vote_id, scheme_id, unit_code, purpose, \
             candidate_name) VALUES ($1, $2, $3, $4, $5)",
            &[
                Arg::Int(vote_id.get()),
                Arg::Int(s.id.get()),
                Arg::Text(unit_code),
                Arg::Text(purpose.as_str()),
                Arg::Text(candidate),
            ],
            true,
            ctx,
            &entry(
                "restructuring.ballot_linked",
                s,
                json!({"vote": vote_id.get(), "unit": unit_code, "purpose": purpose.as_str(),
                       "candidate": candidate}),
            ),
        )
        .await
        .map(drop)
    }
}
