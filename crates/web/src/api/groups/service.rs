//! The operations behind the group API and pages: each loads what it acts on, makes the
//! authorization check on its unit, applies the domain's rules, and calls the store (which
//! audits in the same transaction).

use tuquan_domain::access::authorize;
use tuquan_domain::groups::{
    check_candidate, check_seat, clean_file_name, position_end, Candidate, EndPosition,
    EndPositionInput, GroupKind, Ineligible, NewDecision, NewDecisionInput, NewGroup,
    NewGroupInput, NewPosition, NewPositionInput, NewRegulation, NewRegulationInput, NewReview,
    NewReviewInput, PositionRole, ScanType, Seats, TermYears, SCAN_MAX_BYTES,
};
use tuquan_domain::people::ResidentStatus;
use tuquan_domain::territory::{Tier, Unit};
use tuquan_domain::{FieldError, FieldErrorKind};
use tuquan_store::groups::{NewDocument, PositionRecord, RegulationStatus};
use tuquan_store::StoreError;

use super::upload::UploadedFile;
use super::{load_group, load_unit, today};
use crate::auth::{Can, Capability, GroupManage, RegulationManage, RequestCtx};
use crate::error::Failure;
use crate::AppState;

/// Why an appointment did not happen: an ordinary failure, or a rule of eligibility.
#[derive(Debug)]
pub(crate) enum Refusal {
    Failed(Failure),
    Ineligible(Ineligible),
}

impl<E: Into<Failure>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Self::Failed(e.into())
    }
}

fn field(field: &'static str, kind: FieldErrorKind, detail: &str) -> Failure {
    Failure::Invalid(FieldError::new(field, kind, detail))
}

/// Whether `path` is `top` or below it.
pub(crate) fn within(path: &str, top: &str) -> bool {
    path == top || (path.starts_with(top) && path[top.len()..].starts_with('/'))
}

/// A current unit below the province level, where groups live.
fn check_group_unit(unit: &Unit) -> Result<(), Failure> {
    if unit.valid_to.is_some() || unit.kind.tier() == Tier::Province {
        return Err(field(
            "unit",
            FieldErrorKind::NotAllowedHere,
            "groups belong to a current commune or residential unit",
        ));
    }
    Ok(())
}

/// Creates a pending group in the unit `code`, covering the units it names (inside `code`).
pub(crate) async fn create_group(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    code: &str,
    input: &NewGroupInput,
) -> Result<i64, Failure> {
    let unit = load_unit(state, can, code).await?;
    check_group_unit(&unit)?;
    let g = NewGroup::parse(input)?;
    let mut covered = Vec::with_capacity(g.unit_codes.len());
    for c in &g.unit_codes {
        let u = match state.store.unit(c.as_str()).await {
            Ok(u) => u.unit,
            Err(StoreError::NotFound) => {
                return Err(field(
                    "unit_codes",
                    FieldErrorKind::UnknownValue,
                    "no such unit",
                ))
            }
            Err(e) => return Err(e.into()),
        };
        if !within(&u.path, &unit.path) || u.valid_to.is_some() {
            return Err(field(
                "unit_codes",
                FieldErrorKind::NotAllowedHere,
                "a covered unit lies inside the group's unit",
            ));
        }
        covered.push(u);
    }
    Ok(state
        .store
        .create_group(&unit, &g, &covered, &rc.audit(Some(&can.who)))
        .await?)
}

/// The leadership group of a residential unit, created when first asked for.
pub(crate) async fn ensure_leadership(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    code: &str,
) -> Result<(i64, bool), Failure> {
    let unit = load_unit(state, can, code).await?;
    if unit.valid_to.is_some() || unit.kind.tier() != Tier::Residential {
        return Err(field(
            "unit",
            FieldErrorKind::NotAllowedHere,
            "only a residential unit has a head",
        ));
    }
    let name = format!("Trưởng, phó {}", unit.name);
    Ok(state
        .store
        .ensure_unit_leadership(&unit, &name, &rc.audit(Some(&can.who)))
        .await?)
}

/// Records an establishment or dissolution decision with its scan.
pub(crate) async fn record_decision(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    id: i64,
    input: &NewDecisionInput,
    scan: Option<UploadedFile>,
) -> Result<i64, Failure> {
    let (group, _) = load_group(state, can, id, false).await?;
    if !group.kind().needs_decision() {
        return Err(field(
            "kind",
            FieldErrorKind::NotAllowedHere,
            "a unit's leadership takes no establishment decision",
        ));
    }
    let d = NewDecision::parse(input, today())?;
    if group.status() != d.kind.transition().0 {
        return Err(field(
            "kind",
            FieldErrorKind::NotAllowedHere,
            "the group is not in the state this decision needs",
        ));
    }
    let scan = scan.ok_or_else(|| field("scan", FieldErrorKind::Required, "no file"))?;
    if scan.too_large {
        return Err(field(
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
    Ok(state
        .store
        .record_decision(&group, &d, Some(&doc), &rc.audit(Some(&can.who)))
        .await?)
}

fn date(s: &str) -> Option<jiff::civil::Date> {
    s.parse().ok()
}

/// Appoints a person after the domain's checks of the seat and of the person.
pub(crate) async fn appoint(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    id: i64,
    input: &NewPositionInput,
) -> Result<i64, Refusal> {
    let (group, units) = load_group(state, can, id, false).await?;
    let today = today();
    let pos = NewPosition::parse(input, today)?;
    let unknown = || {
        field(
            "resident_id",
            FieldErrorKind::UnknownValue,
            "no such resident",
        )
    };
    let resident = match state.store.resident(pos.resident_id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(unknown().into()),
        Err(e) => return Err(e.into()),
    };
    // Nobody learns of a resident outside the units they manage.
    if authorize(
        &can.who.actor,
        GroupManage::ACTION,
        Some(&resident.unit_path),
    )
    .is_err()
    {
        return Err(unknown().into());
    }
    let on = pos.starts_on.to_string();
    let positions = state.store.positions_of(group.id).await?;
    let open: Vec<&PositionRecord> = positions.iter().filter(|p| p.is_open(&on)).collect();
    let head = open.iter().find(|p| p.role == PositionRole::Head.as_str());
    let seats = Seats {
        kind: group.kind(),
        status: group.status(),
        has_head: head.is_some(),
        deputies: open
            .iter()
            .filter(|p| p.role == PositionRole::Deputy.as_str())
            .count(),
        candidate_holds: open.iter().any(|p| p.resident_id == resident.id),
    };
    check_seat(&seats, pos.role, pos.acting).map_err(Refusal::Ineligible)?;
    let lives_in_unit = within(&resident.unit_path, &group.unit_path)
        || (group.kind() != GroupKind::UnitLeadership
            && units
                .iter()
                .any(|u| within(&resident.unit_path, &u.unit_path)));
    let candidate = Candidate {
        birth_date: date(&resident.birth_date).ok_or_else(|| {
            tracing::error!(resident = resident.id, "stored birth date is not a date");
            Failure::Internal
        })?,
        status: ResidentStatus::parse(&resident.status).unwrap_or(ResidentStatus::Erased),
        lives_in_unit,
        residence_since: resident.residence_since.as_deref().and_then(date),
    };
    check_candidate(group.kind(), pos.role, &candidate, pos.starts_on)
        .map_err(Refusal::Ineligible)?;
    let years = state.store.term_years(&group.province_code).await?;
    let ends_on = position_end(
        group.kind(),
        pos.role,
        pos.acting,
        pos.starts_on,
        years,
        head.and_then(|h| date(&h.ends_on)),
    );
    Ok(state
        .store
        .appoint(
            &group,
            &resident.full_name,
            &pos,
            &ends_on.to_string(),
            &today.to_string(),
            &rc.audit(Some(&can.who)),
        )
        .await?)
}

/// Ends a position of group `id`.
pub(crate) async fn end_position(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    id: i64,
    position_id: i64,
    input: &EndPositionInput,
) -> Result<(), Failure> {
    let (group, _) = load_group(state, can, id, false).await?;
    let pos = state.store.position(position_id).await?;
    if pos.group_id != group.id {
        return Err(Failure::NotFound);
    }
    if pos.ended_on.is_some() {
        return Err(Failure::Conflict { field: "ended_on" });
    }
    let started = date(&pos.starts_on).unwrap_or(jiff::civil::Date::MIN);
    let end = EndPosition::parse(input, started, today())?;
    state
        .store
        .end_position(&group, &pos, &end, &rc.audit(Some(&can.who)))
        .await?;
    Ok(())
}

/// A current residential unit, where coordination regulations are signed.
pub(crate) async fn regulation_unit<A: Capability>(
    state: &AppState,
    can: &Can<A>,
    code: &str,
) -> Result<Unit, Failure> {
    let unit = load_unit(state, can, code).await?;
    if unit.kind.tier() != Tier::Residential {
        return Err(field(
            "code",
            FieldErrorKind::NotAllowedHere,
            "a coordination regulation belongs to a residential unit",
        ));
    }
    Ok(unit)
}

/// The unit's current head and Front committee head: position id and name.
pub(crate) async fn current_parties(
    state: &AppState,
    unit: &Unit,
) -> Result<(Option<(i64, String)>, Option<(i64, String)>), Failure> {
    let today = today().to_string();
    let head = state
        .store
        .current_head_for_unit(&unit.code, GroupKind::UnitLeadership.as_str(), &today)
        .await?;
    let front = state
        .store
        .current_head_for_unit(&unit.code, GroupKind::BanCongTacMatTran.as_str(), &today)
        .await?;
    Ok((head, front))
}

/// Records a (re-)signing as the unit's next version.
pub(crate) async fn sign_regulation(
    state: &AppState,
    can: &Can<RegulationManage>,
    rc: &RequestCtx,
    code: &str,
    input: &NewRegulationInput,
) -> Result<(i64, i64), Failure> {
    let unit = regulation_unit(state, can, code).await?;
    if unit.valid_to.is_some() {
        return Err(field(
            "code",
            FieldErrorKind::NotAllowedHere,
            "a former unit",
        ));
    }
    let (head, front) = current_parties(state, &unit).await?;
    let r = NewRegulation::parse(
        input,
        (
            head.as_ref().map(|h| h.1.as_str()),
            front.as_ref().map(|f| f.1.as_str()),
        ),
        today(),
    )?;
    let same = |holder: &Option<(i64, String)>, name: &str| {
        holder.as_ref().filter(|h| h.1 == name).map(|h| h.0)
    };
    let positions = (
        same(&head, &r.unit_head_name),
        same(&front, &r.front_head_name),
    );
    Ok(state
        .store
        .record_regulation(&unit, &r, positions, None, &rc.audit(Some(&can.who)))
        .await?)
}

/// Records a yearly review of the unit's latest version.
pub(crate) async fn review_regulation(
    state: &AppState,
    can: &Can<RegulationManage>,
    rc: &RequestCtx,
    code: &str,
    input: &NewReviewInput,
) -> Result<i64, Failure> {
    let unit = regulation_unit(state, can, code).await?;
    let versions = state.store.regulations_of(&unit.code).await?;
    let latest = versions.first().ok_or_else(|| {
        field(
            "reviewed_on",
            FieldErrorKind::NotAllowedHere,
            "no regulation has been signed yet",
        )
    })?;
    let signed = date(&latest.signed_on).unwrap_or(jiff::civil::Date::MIN);
    let r = NewReview::parse(input, signed, today())?;
    Ok(state
        .store
        .record_regulation_review(&unit, latest, &r, &rc.audit(Some(&can.who)))
        .await?)
}

/// Every regulation in the unit's subtree, with whether it is due for its yearly review.
pub(crate) async fn regulation_status(
    state: &AppState,
    unit: &Unit,
) -> Result<Vec<(RegulationStatus, bool)>, Failure> {
    let today = today();
    Ok(state
        .store
        .regulation_status_in(unit)
        .await?
        .into_iter()
        .map(|s| {
            let due =
                date(s.last_checked()).is_some_and(|d| tuquan_domain::groups::review_due(d, today));
            (s, due)
        })
        .collect())
}

/// Sets a province's term of office.
pub(crate) async fn set_term_years(
    state: &AppState,
    can: &Can<GroupManage>,
    rc: &RequestCtx,
    code: &str,
    raw: &str,
) -> Result<TermYears, Failure> {
    let unit = load_unit(state, can, code).await?;
    if unit.kind.tier() != Tier::Province {
        return Err(field(
            "code",
            FieldErrorKind::NotAllowedHere,
            "the term is set per province",
        ));
    }
    let years = TermYears::parse(raw)?;
    state
        .store
        .set_term_years(&unit, years, &rc.audit(Some(&can.who)))
        .await?;
    Ok(years)
}
