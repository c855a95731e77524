//! Erasure: a resident (or an official for them) asks, an official of the commune decides;
//! approved, the personal fields are anonymised while counts and history stay.

use tuquan_domain::access::{allowed, Action};
use tuquan_domain::people::{ErasureRequestId, ErasureStatus, ResidentStatus};
use tuquan_domain::territory::Unit;
use tuquan_domain::text::required;
use tuquan_domain::ResidentId;
use tuquan_domain::{FieldError, FieldErrorKind};

use super::{own_resident, resident_for, unit_for, ErasureRequest, ResidentRecord};
use crate::{AppError, AppResult, Ctx};

async fn request_for(ctx: &Ctx, r: &ResidentRecord, reason: &str) -> AppResult<ErasureRequestId> {
    if r.status == ResidentStatus::Erased {
        return Err(AppError::rule(
            "already_erased",
            "status",
            "the resident's data is already erased",
        ));
    }
    let reason = required(reason, "reason", 500)?;
    Ok(ctx
        .store()
        .request_erasure(r, &reason, &ctx.audit_ctx())
        .await?)
}

/// Asks for a resident's data to be erased, on their behalf; the request's id.
pub async fn request_erasure(
    ctx: &Ctx,
    resident_id: ResidentId,
    reason: &str,
) -> AppResult<ErasureRequestId> {
    let r = resident_for(ctx, Action::ResidentRights, resident_id).await?;
    request_for(ctx, &r, reason).await
}

/// Asks for the signed-in person's own data to be erased; the request's id.
pub async fn request_my_erasure(ctx: &Ctx, reason: &str) -> AppResult<ErasureRequestId> {
    let r = own_resident(ctx).await?;
    request_for(ctx, &r, reason).await
}

/// A request and its resident, after the check that the actor may decide it (for the
/// confirmation page).
pub async fn erasure_to_decide(
    ctx: &Ctx,
    request_id: ErasureRequestId,
) -> AppResult<(ErasureRequest, ResidentRecord)> {
    let req = ctx.store().erasure_request(request_id).await?;
    let r = resident_for(ctx, Action::ErasureApprove, req.resident_id).await?;
    Ok((req, r))
}

/// Approves (personal fields anonymised) or refuses a pending request; the resident's id.
pub async fn decide_erasure(
    ctx: &Ctx,
    request_id: ErasureRequestId,
    approve: bool,
) -> AppResult<ResidentId> {
    let (req, r) = erasure_to_decide(ctx, request_id).await?;
    if req.status != ErasureStatus::Pending {
        return Err(AppError::rule(
            "erasure_decided",
            "status",
            "the request is already decided",
        ));
    }
    ctx.store()
        .decide_erasure(request_id, approve, &ctx.audit_ctx())
        .await?;
    Ok(r.id)
}

/// The day by which a request must be decided: two working days after it was made (Law
/// 91/2025 on personal data protection), on the feedback area's working calendar.
pub fn erasure_due(requested_at: &str) -> Option<jiff::civil::Date> {
    erasure_due_at(requested_at.parse().ok()?)
}

/// [`erasure_due`] for a request made at `at`.
pub fn erasure_due_at(at: jiff::Timestamp) -> Option<jiff::civil::Date> {
    let cal = tuquan_domain::feedback::WorkCalendar::default();
    let mut day = tuquan_domain::time::vietnam_date(at);
    let mut left = 2;
    while left > 0 {
        day = day.tomorrow().ok()?;
        if cal.is_working_day(day) {
            left -= 1;
        }
    }
    Some(day)
}

/// A pending request with the name of its resident.
#[derive(Debug, Clone)]
pub struct PendingErasure {
    pub request: ErasureRequest,
    pub resident: ResidentRecord,
}

/// Pending requests in a unit and below (`None`: the first unit where the actor may decide).
/// The names read are audited.
pub async fn pending_erasures(
    ctx: &Ctx,
    unit_code: Option<&str>,
) -> AppResult<(Unit, Vec<PendingErasure>)> {
    let code = match unit_code.map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => c.to_owned(),
        None => ctx
            .who()?
            .actor
            .grants
            .iter()
            .filter(|g| allowed(g.role, Action::ErasureApprove))
            .find_map(|g| g.unit_code.clone())
            .ok_or_else(|| FieldError::new("unit", FieldErrorKind::Required, "choose a unit"))?,
    };
    let unit = unit_for(ctx, Action::ErasureApprove, &code).await?;
    let mut rows = Vec::new();
    for request in ctx.store().pending_erasures_in(&unit).await? {
        let resident = ctx.store().resident(request.resident_id).await?;
        rows.push(PendingErasure { request, resident });
    }
    ctx.audit_read("erasure.list_viewed", "unit", unit.code.clone(), &unit.path)
        .await?;
    Ok((unit, rows))
}
