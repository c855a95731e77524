//! Recording the reward decision (quyết định khen thưởng) on thanks records (tri ân) of a
//! commune: one statement for the whole selection and one audit row.

use serde_json::json;
use tuquan_domain::restructuring::reward::{Reward, ThanksId};
use tuquan_domain::territory::Unit;

use crate::audit::{insert_audit, AuditCtx, AuditEntry};
use crate::BeginWrite;
use crate::{with_pool, Store, StoreError};

impl Store {
    /// Sets the reward decision on the commune's thanks records `ids` (replacing an earlier
    /// one). Every id must be a record of the commune: otherwise `NotFound` and nothing
    /// changes. Returns how many records were updated.
    pub async fn record_thanks_reward(
        &self,
        commune: &Unit,
        ids: &[ThanksId],
        reward: &Reward,
        ctx: &AuditCtx,
    ) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let marks: Vec<String> = (0..ids.len()).map(|n| format!("${}", n + 4)).collect();
        let sql = format!(
            "UPDATE service_thanks SET reward_decision = $1, reward_on = $2 \
             WHERE commune_code = $3 AND id IN ({})",
            marks.join(", ")
        );
        let date = reward.date.to_string();
        let entry = AuditEntry {
            action: "restructuring.thanks_reward",
            target_type: "unit",
            target_id: commune.code.clone(),
            unit_path: Some(commune.path.clone()),
            before: None,
            after: Some(json!({"number": reward.number, "date": date, "records": ids})),
        };
        let n = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut q = sqlx::query(&sql).bind(&reward.number).bind(&date).bind(&commune.code);
            for id in ids {
                q = q.bind(id.get());
            }
            let n = q.execute(&mut *tx).await?.rows_affected();
            if n != ids.len() as u64 {
                return Err(StoreError::NotFound);
            }
            insert_audit!(&mut *tx, ctx, &entry)?;
            tx.commit().await?;
            n
        });
        Ok(n)
    }
}
