//! Establishment and dissolution decisions with their scans, and serving the scans back.

use tuquan_domain::access::Action;
use tuquan_domain::groups::{
    clean_file_name, DecisionId, NewDecision, NewDecisionInput, ScanType, SCAN_MAX_BYTES,
};
use tuquan_domain::{FieldErrorKind, GroupId};
use tuquan_store::groups::NewDocument;

use super::{invalid, load_group, DecisionRecord, DocumentRecord};
use crate::{AppError, AppResult, Ctx};

/// The uploaded scan of a decision, as the adapter read it.
#[derive(Debug, Clone)]
pub struct Scan {
    pub file_name: String,
    /// Empty when `too_large`.
    pub bytes: Vec<u8>,
    /// The file was larger than a scan may be; its bytes were read and dropped.
    pub too_large: bool,
}

/// Records an establishment or dissolution decision with its scan.
pub async fn record_decision(
    ctx: &Ctx,
    id: GroupId,
    input: &NewDecisionInput,
    scan: Option<Scan>,
) -> AppResult<DecisionRecord> {
    let (group, _) = load_group(ctx, Action::GroupManage, id, false).await?;
    if !group.kind().needs_decision() {
        return Err(AppError::rule(
            "decision_not_needed",
            "kind",
            "a unit's leadership takes no establishment decision",
        ));
    }
    let d = NewDecision::parse_all(input, ctx.today())?;
    if group.status() != d.kind.transition().0 {
        return Err(AppError::rule(
            "decision_transition",
            "kind",
            "the group is not in the state this decision needs",
        ));
    }
    let scan = scan.ok_or_else(|| invalid("scan", FieldErrorKind::Required, "no file"))?;
    if scan.too_large {
        return Err(invalid(
            "scan",
            FieldErrorKind::OutOfRange {
                min: 1,
                max: SCAN_MAX_BYTES as i64,
            },
            "larger than 5 MB",
        ));
    }
    let t = ScanType::sniff(&scan.bytes)?;
    let doc = NewDocument {
        file_name: clean_file_name(&scan.file_name, &format!("quyet-dinh.{}", t.extension())),
        content_type: t.content_type(),
        bytes: scan.bytes,
    };
    let did = ctx
        .store()
        .record_decision(&group, &d, Some(&doc), &ctx.audit_ctx())
        .await?;
    ctx.store()
        .decisions_of(id)
        .await?
        .into_iter()
        .find(|d| d.id == did)
        .ok_or_else(|| AppError::Internal(format!("decision {did} not read back")))
}

/// The scan of decision `decision_id` of group `id`, for those who may see the group.
pub async fn decision_scan(
    ctx: &Ctx,
    id: GroupId,
    decision_id: DecisionId,
) -> AppResult<DocumentRecord> {
    load_group(ctx, Action::GroupView, id, true).await?;
    let doc_id = ctx
        .store()
        .decisions_of(id)
        .await?
        .iter()
        .find(|d| d.id == decision_id)
        .and_then(|d| d.document_id)
        .ok_or(AppError::NotFound)?;
    Ok(ctx.store().document(doc_id).await?)
}
