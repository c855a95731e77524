//! Carrying beats and militia heads to the successors of restructured units, in one
//! transaction (docs/beats.md, "Carrying beats after a restructuring").

use serde_json::json;
use tuquan_domain::access::Role;

use super::{entry, EndAssignment, NewAssignment};
use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::outbox::{insert_messages, NewMessage};
use crate::BeginWrite;
use crate::{now, with_pool, Store, StoreError};

/// A militia head who continues in a successor: the person of `from_head`, from `valid_from`.
#[derive(Debug, Clone)]
pub struct CarriedHead {
    pub from_head: i64,
    pub unit_code: String,
    pub unit_path: String,
    pub valid_from: String,
    pub event_id: i64,
}

/// A militia head of a closed unit whose service there ends on `valid_to`.
#[derive(Debug, Clone)]
pub struct EndedHead {
    pub head_id: i64,
    pub unit_path: String,
    pub valid_to: String,
    pub event_id: i64,
}

impl Store {
    /// Writes the carry: new assignments (with grants), ended assignments, the militia heads
    /// carried and ended, the officers' notices and `summary`, in one transaction. A unit
    /// that got a militia head meanwhile, or a record ended meanwhile, is a `Conflict` and
    /// nothing is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn carry_beats(
        &self,
        assign: &[NewAssignment],
        ends: &[EndAssignment],
        heads: &[CarriedHead],
        head_ends: &[EndedHead],
        msgs: &[NewMessage],
        summary: &AuditEntry,
        by: &str,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let ts = now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for a in ends {
                end_in_tx!(tx, a, ctx);
            }
            for a in assign {
                assign_in_tx!(tx, a, by, &ts, ctx);
            }
            for h in heads {
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO militia_heads (province_code, commune_code, unit_code, unit_path, \
                     full_name, phone, resident_id, valid_from, created_by, created_at) \
                     SELECT province_code, commune_code, $2, $3, full_name, phone, resident_id, \
                     $4, $5, $6 FROM militia_heads WHERE id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM militia_heads o WHERE o.unit_code = $7 AND o.valid_to IS NULL) \
                     RETURNING id",
                )
                .bind(h.from_head)
                .bind(&h.unit_code)
                .bind(&h.unit_path)
                .bind(&h.valid_from)
                .bind(by)
                .bind(&ts)
                .bind(&h.unit_code)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = id else {
                    return Err(StoreError::Conflict { field: "unit_code" });
                };
                let mut e = entry("militia.appoint", "militia_head", id.to_string(), &h.unit_path);
                e.after = Some(json!({ "unit": h.unit_code, "from": h.valid_from,
                                       "carried_from": h.from_head, "event_id": h.event_id }));
                insert_audit!(&mut *tx, ctx, &e)?;
            }
            for h in head_ends {
                let n = sqlx::query(
                    "UPDATE militia_heads SET valid_to = $2 WHERE id = $1 AND valid_to IS NULL",
                )
                .bind(h.head_id)
                .bind(&h.valid_to)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    return Err(StoreError::Conflict { field: "valid_to" });
                }
                let mut e = entry("militia.end", "militia_head", h.head_id.to_string(), &h.unit_path);
                e.after = Some(json!({ "to": h.valid_to, "event_id": h.event_id }));
                insert_audit!(&mut *tx, ctx, &e)?;
            }
            insert_messages!(tx, msgs, &ts, true);
            insert_audit!(&mut *tx, ctx, summary)?;
            tx.commit().await?;
        });
        Ok(())
    }
}
