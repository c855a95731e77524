//! A province's size standards and the freezes on applying schemes.

use serde_json::json;
use tuquan_domain::restructuring::scheme::FreezeId;
use tuquan_domain::restructuring::standards::{Freeze, Standard};
use tuquan_domain::territory::Unit;

use crate::audit::{Arg, AuditCtx, AuditEntry};
use crate::{now, Store, StoreError};

impl Store {
    /// Sets a province's minimum for a kind from a date (replacing a setting of that day).
    pub async fn set_restructuring_standard(
        &self,
        province: &Unit,
        st: &Standard,
        ctx: &AuditCtx,
    ) -> Result<(), StoreError> {
        let from = st.effective_from.to_string();
        let ts = now();
        self.execute_audited(
            "INSERT INTO restructuring_standards (province_code, kind, min_households, \
             effective_from, basis, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (province_code, kind, effective_from) DO UPDATE SET \
             min_households = excluded.min_households, basis = excluded.basis, \
             created_by = excluded.created_by, created_at = excluded.created_at",
            &[
                Arg::Text(&province.code),
                Arg::Text(st.kind.as_str()),
                Arg::Int(i64::from(st.min_households)),
                Arg::Text(&from),
                Arg::Text(&st.basis),
                Arg::OptText(ctx.actor_username.as_deref()),
                Arg::Text(&ts),
            ],
            true,
            ctx,
            &AuditEntry {
                action: "restructuring.standard_set",
                target_type: "province",
                target_id: province.code.clone(),
                unit_path: Some(province.path.clone()),
                before: None,
                after: Some(
                    json!({"kind": st.kind.as_str(), "min_households": st.min_households,
                                   "effective_from": from, "basis": st.basis}),
                ),
            },
        )
        .await
        .map(drop)
    }

    /// Records a freeze (national when `f.province` is `None`). Returns its id.
    pub async fn add_restructuring_freeze(
        &self,
        f: &Freeze,
        audit_path: &str,
        ctx: &AuditCtx,
    ) -> Result<FreezeId, StoreError> {
        let starts = f.starts_on.to_string();
        let ends = f.ends_on.map(|d| d.to_string());
        let ts = now();
        let province = f.province.clone().unwrap_or_default();
        self.insert_audited(
            "INSERT INTO restructuring_freezes (province_code, starts_on, ends_on, basis, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                Arg::Text(&province),
                Arg::Text(&starts),
                Arg::OptText(ends.as_deref()),
                Arg::Text(&f.basis),
                Arg::OptText(ctx.actor_username.as_deref()),
                Arg::Text(&ts),
            ],
            ctx,
            AuditEntry {
                action: "restructuring.freeze_added",
                target_type: "restructuring_freeze",
                target_id: String::new(),
                unit_path: Some(audit_path.to_owned()),
                before: None,
                after: Some(
                    json!({"province": province, "starts_on": starts, "ends_on": ends,
                                   "basis": f.basis}),
                ),
            },
        )
        .await
        .map(FreezeId)
    }
}
