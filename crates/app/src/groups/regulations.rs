//! Coordination regulations (quy chế phối hợp) between a residential unit's head and the
//! head of its Front work committee, and each province's term of office.

use tuquan_domain::access::Action;
use tuquan_domain::groups::{
    review_due, GroupKind, NewRegulation, NewRegulationInput, NewReview, NewReviewInput,
    PositionId, RegulationId, TermYears,
};
use tuquan_domain::territory::{Tier, Unit};

use super::{date, load_unit, may, RegulationRecord, RegulationStatus, ResignRecord, ReviewRecord};
use crate::{AppError, AppResult, Ctx};

/// A residential unit, where coordination regulations are signed, checked for `action`.
async fn regulation_unit(ctx: &Ctx, action: Action, code: &str) -> AppResult<Unit> {
    let unit = load_unit(ctx, action, code).await?;
    if unit.kind.tier() != Tier::Residential {
        return Err(AppError::rule(
            "regulation_unit",
            "code",
            "a coordination regulation belongs to a residential unit",
        ));
    }
    Ok(unit)
}

/// A holder today: position id and name.
pub type Holder = (PositionId, String);

/// The unit's current head and Front committee head.
async fn current_parties(ctx: &Ctx, unit: &Unit) -> AppResult<(Option<Holder>, Option<Holder>)> {
    let today = ctx.today().to_string();
    let head = ctx
        .store()
        .current_head_for_unit(&unit.code, GroupKind::UnitLeadership.as_str(), &today)
        .await?;
    let front = ctx
        .store()
        .current_head_for_unit(&unit.code, GroupKind::BanCongTacMatTran.as_str(), &today)
        .await?;
    Ok((head, front))
}

/// A unit's regulation: every version, every review, whether it is due, today's parties.
#[derive(Debug, Clone)]
pub struct RegulationDetail {
    pub unit: Unit,
    /// The last signing or review is more than twelve months old.
    pub review_due: bool,
    /// The later of the last signing and the last review.
    pub last_checked: Option<String>,
    pub current_unit_head: Option<String>,
    pub current_front_head: Option<String>,
    /// Newest first.
    pub versions: Vec<RegulationRecord>,
    pub reviews: Vec<ReviewRecord>,
    /// The actor may sign and review here.
    pub may_manage: bool,
}

impl RegulationDetail {
    /// The latest version, when a restructuring changed the unit since it was signed: it
    /// must be signed again (signing a new version is the re-signing).
    pub fn needs_resign(&self) -> Option<&RegulationRecord> {
        self.versions
            .first()
            .filter(|v| v.needs_resign_since.is_some())
    }
}

/// A residential unit's regulation, for those who may see the unit's groups.
pub async fn regulation(ctx: &Ctx, code: &str) -> AppResult<RegulationDetail> {
    let unit = regulation_unit(ctx, Action::GroupView, code).await?;
    let versions = ctx.store().regulations_of(&unit.code).await?;
    let reviews = ctx.store().regulation_reviews_of(&unit.code).await?;
    let (head, front) = current_parties(ctx, &unit).await?;
    let last_signed = versions.first().map(|v| v.signed_on.clone());
    let last_reviewed = reviews.first().map(|r| r.reviewed_on.clone());
    let last_checked = match (last_signed, last_reviewed) {
        (Some(s), Some(r)) => Some(if r > s { r } else { s }),
        (s, r) => s.or(r),
    };
    let today = ctx.today();
    Ok(RegulationDetail {
        review_due: last_checked
            .as_deref()
            .and_then(date)
            .is_some_and(|d| review_due(d, today)),
        last_checked,
        current_unit_head: head.map(|h| h.1),
        current_front_head: front.map(|f| f.1),
        versions,
        reviews,
        may_manage: may(ctx, Action::RegulationManage, &unit.path) && unit.valid_to.is_none(),
        unit,
    })
}

/// Records a (re-)signing as the unit's next version: `(id, version)`.
pub async fn sign_regulation(
    ctx: &Ctx,
    code: &str,
    input: &NewRegulationInput,
) -> AppResult<(RegulationId, i64)> {
    let unit = regulation_unit(ctx, Action::RegulationManage, code).await?;
    if unit.valid_to.is_some() {
        return Err(AppError::rule("former_unit", "code", "a former unit"));
    }
    let (head, front) = current_parties(ctx, &unit).await?;
    let r = NewRegulation::parse(
        input,
        (
            head.as_ref().map(|h| h.1.as_str()),
            front.as_ref().map(|f| f.1.as_str()),
        ),
        ctx.today(),
    )?;
    let same =
        |holder: &Option<Holder>, name: &str| holder.as_ref().filter(|h| h.1 == name).map(|h| h.0);
    let positions = (
        same(&head, &r.unit_head_name),
        same(&front, &r.front_head_name),
    );
    Ok(ctx
        .store()
        .record_regulation(&unit, &r, positions, &ctx.audit_ctx())
        .await?)
}

/// Records a yearly review of the unit's latest version.
pub async fn review_regulation(ctx: &Ctx, code: &str, input: &NewReviewInput) -> AppResult<i64> {
    let unit = regulation_unit(ctx, Action::RegulationManage, code).await?;
    let versions = ctx.store().regulations_of(&unit.code).await?;
    let latest = versions.first().ok_or_else(|| {
        AppError::rule(
            "no_regulation",
            "reviewed_on",
            "no regulation has been signed yet",
        )
    })?;
    let signed = date(&latest.signed_on).unwrap_or(jiff::civil::Date::MIN);
    let r = NewReview::parse(input, signed, ctx.today())?;
    Ok(ctx
        .store()
        .record_regulation_review(&unit, latest, &r, &ctx.audit_ctx())
        .await?)
}

/// The regulations in a unit's subtree due for their yearly review.
pub(crate) async fn due_in(ctx: &Ctx, unit: &Unit) -> AppResult<Vec<RegulationStatus>> {
    let today = ctx.today();
    Ok(ctx
        .store()
        .regulation_status_in(unit)
        .await?
        .into_iter()
        .filter(|s| date(s.last_checked()).is_some_and(|d| review_due(d, today)))
        .collect())
}

/// The open units of a unit's subtree whose latest regulation must be signed again after a
/// restructuring.
pub(crate) async fn to_resign_in(ctx: &Ctx, unit: &Unit) -> AppResult<Vec<ResignRecord>> {
    Ok(ctx.store().regulations_to_resign_in(unit).await?)
}

/// Units of a unit's subtree whose regulation is due for its yearly review.
pub async fn regulations_due(ctx: &Ctx, code: &str) -> AppResult<Vec<RegulationStatus>> {
    let unit = load_unit(ctx, Action::GroupView, code).await?;
    due_in(ctx, &unit).await
}

/// A unit and its province's term of office, for those who may see (`manage`: set) it.
pub async fn term_years(ctx: &Ctx, code: &str, manage: bool) -> AppResult<(Unit, TermYears)> {
    let action = if manage {
        Action::GroupManage
    } else {
        Action::GroupView
    };
    let unit = load_unit(ctx, action, code).await?;
    let years = ctx.store().term_years(&unit.province_code).await?;
    Ok((unit, years))
}

/// Sets a province's term of office; terms already begun keep their end.
pub async fn set_term_years(ctx: &Ctx, code: &str, raw: &str) -> AppResult<(Unit, TermYears)> {
    let unit = load_unit(ctx, Action::GroupManage, code).await?;
    if unit.kind.tier() != Tier::Province {
        return Err(AppError::rule(
            "term_province",
            "code",
            "the term is set per province",
        ));
    }
    let years = TermYears::parse(raw)?;
    ctx.store()
        .set_term_years(&unit, years, &ctx.audit_ctx())
        .await?;
    Ok((unit, years))
}
