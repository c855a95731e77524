//! Positions: appointing after the domain's checks of the seat and the person, ending a
//! position, and a person's service history.

use tuquan_domain::access::{authorize, Action};
use tuquan_domain::groups::{
    check_candidate, check_seat, position_end, Candidate, EndPosition, EndPositionInput, GroupKind,
    Ineligible, NewPosition, NewPositionInput, PositionId, PositionRole, Reason, Seats,
};
use tuquan_domain::territory::SearchQuery;
use tuquan_domain::FieldErrorKind;
use tuquan_domain::{GroupId, ResidentId};
use tuquan_store::audit::AuditEntry;
use tuquan_store::residents::ResidentQuery;
use tuquan_store::StoreError;

use super::{date, invalid, load_group, within, GroupRecord, PositionRecord, ServiceRecord};
use crate::{AppError, AppResult, Ctx};

/// Where a position stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionState {
    Current,
    /// Starts later.
    Upcoming,
    /// Its term ended; not closed yet.
    TermOver,
    Ended,
}

impl PositionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Upcoming => "upcoming",
            Self::TermOver => "term_over",
            Self::Ended => "ended",
        }
    }
}

/// Where `p` stands on `today` (`YYYY-MM-DD`).
pub fn position_state(p: &PositionRecord, today: &str) -> PositionState {
    if p.ended_on.is_some() {
        PositionState::Ended
    } else if p.starts_on.as_str() > today {
        PositionState::Upcoming
    } else if p.ends_on.as_str() < today {
        PositionState::TermOver
    } else {
        PositionState::Current
    }
}

/// The field an ineligibility is about: the person, or the position asked for.
pub fn reason_field(r: Reason) -> &'static str {
    match r {
        Reason::NotActive
        | Reason::HeadUnder21
        | Reason::NotLivingInUnit
        | Reason::SecurityAge
        | Reason::ResidenceUnknown
        | Reason::ResidenceUnderOneYear
        | Reason::AlreadyHolds => "resident_id",
        Reason::ActingOnlyHead => "acting",
        Reason::RoleNotInKind
        | Reason::GroupNotActive
        | Reason::GroupDissolved
        | Reason::HeadTaken
        | Reason::DeputyTaken
        | Reason::NoHead => "role",
    }
}

/// The rule code of a refused appointment; its `detail` is the reason code
/// (`groups.reason.{detail}` in the catalogues).
pub const INELIGIBLE: &str = "ineligible";

fn ineligible(e: Ineligible) -> AppError {
    AppError::rule(INELIGIBLE, reason_field(e.reason), e.reason_code())
}

/// Appoints a person after the domain's checks of the seat and of the person.
pub async fn appoint(
    ctx: &Ctx,
    id: GroupId,
    input: &NewPositionInput,
) -> AppResult<PositionRecord> {
    let (group, units) = load_group(ctx, Action::GroupManage, id, false).await?;
    let today = ctx.today();
    let pos = NewPosition::parse_all(input, today)?;
    let unknown = || {
        invalid(
            "resident_id",
            FieldErrorKind::UnknownValue,
            "no such resident",
        )
    };
    let resident = match ctx.store().resident(pos.resident_id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(unknown()),
        Err(e) => return Err(e.into()),
    };
    // Nobody learns of a resident outside the units they manage.
    let who = ctx.who()?;
    if authorize(&who.actor, Action::GroupManage, Some(&resident.unit_path)).is_err() {
        return Err(unknown());
    }
    let on = pos.starts_on.to_string();
    let positions = ctx.store().positions_of(group.id).await?;
    let open: Vec<&PositionRecord> = positions.iter().filter(|p| p.is_open(&on)).collect();
    let head = open.iter().find(|p| p.role == PositionRole::Head);
    let seats = Seats {
        kind: group.kind(),
        status: group.status(),
        has_head: head.is_some(),
        deputies: open
            .iter()
            .filter(|p| p.role == PositionRole::Deputy)
            .count(),
        candidate_holds: open.iter().any(|p| p.resident_id == resident.id),
    };
    check_seat(&seats, pos.role, pos.acting).map_err(ineligible)?;
    let lives_in_unit = within(&resident.unit_path, &group.unit_path)
        || (group.kind() != GroupKind::UnitLeadership
            && units
                .iter()
                .any(|u| within(&resident.unit_path, &u.unit_path)));
    let candidate = Candidate {
        birth_date: date(&resident.birth_date).ok_or_else(|| {
            tracing::error!(
                resident = resident.id.get(),
                "stored birth date is not a date"
            );
            AppError::Internal("stored birth date is not a date".into())
        })?,
        status: resident.status,
        lives_in_unit,
        residence_since: resident.residence_since.as_deref().and_then(date),
    };
    check_candidate(group.kind(), pos.role, &candidate, pos.starts_on).map_err(ineligible)?;
    let years = ctx.store().term_years(&group.province_code).await?;
    let ends_on = position_end(
        group.kind(),
        pos.role,
        pos.acting,
        pos.starts_on,
        years,
        head.and_then(|h| date(&h.ends_on)),
    );
    let pid = ctx
        .store()
        .appoint(
            &group,
            &resident.full_name,
            &pos,
            &ends_on.to_string(),
            &today.to_string(),
            &ctx.audit_ctx(),
        )
        .await?;
    Ok(ctx.store().position(pid).await?)
}

/// A position of group `id`, for the confirmation step before ending it.
pub async fn position_to_end(
    ctx: &Ctx,
    id: GroupId,
    position_id: PositionId,
) -> AppResult<(GroupRecord, PositionRecord)> {
    let (group, _) = load_group(ctx, Action::GroupManage, id, false).await?;
    let pos = ctx.store().position(position_id).await?;
    if pos.group_id != group.id {
        return Err(AppError::NotFound);
    }
    Ok((group, pos))
}

/// Ends a position of group `id`.
pub async fn end_position(
    ctx: &Ctx,
    id: GroupId,
    position_id: PositionId,
    input: &EndPositionInput,
) -> AppResult<PositionRecord> {
    let (group, pos) = position_to_end(ctx, id, position_id).await?;
    if pos.ended_on.is_some() {
        return Err(AppError::Conflict { field: "ended_on" });
    }
    let started = date(&pos.starts_on).unwrap_or(jiff::civil::Date::MIN);
    let end = EndPosition::parse(input, started, ctx.today())?;
    ctx.store()
        .end_position(&group, &pos, &end, &ctx.audit_ctx())
        .await?;
    Ok(ctx.store().position(position_id).await?)
}

/// A resident found for an appointment.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub id: ResidentId,
    pub full_name: String,
    pub birth_year: String,
    pub unit_code: String,
}

/// Residents of the group's unit matching `q` (at most 20), for its managers; the search
/// is audited as a read of personal data. A blank `q` searches nothing.
pub async fn search_candidates(
    ctx: &Ctx,
    group: &GroupRecord,
    q: &str,
) -> AppResult<Vec<CandidateRow>> {
    ctx.authorize(Action::GroupManage, Some(&group.unit_path))?;
    let Some(query) = SearchQuery::parse(q)? else {
        return Ok(vec![]);
    };
    let unit = ctx.store().unit(&group.unit_code).await?.unit;
    let rq = ResidentQuery {
        name_pattern: query.like_pattern,
        ..ResidentQuery::default()
    };
    let rows = ctx.store().residents_in(&unit, &rq, None, 20).await?;
    let entry = AuditEntry {
        action: "resident.list_viewed",
        target_type: "group",
        target_id: group.id.to_string(),
        unit_path: Some(group.unit_path.clone()),
        before: None,
        after: Some(serde_json::json!({ "search": q, "results": rows.len() })),
    };
    ctx.store().audit(&ctx.audit_ctx(), &entry).await?;
    Ok(rows
        .into_iter()
        .map(|r| CandidateRow {
            id: r.id,
            birth_year: r.birth_date.get(..4).unwrap_or("").to_owned(),
            full_name: r.full_name,
            unit_code: r.unit_code,
        })
        .collect())
}

/// Every position a person has held, newest first.
#[derive(Debug, Clone)]
pub struct ServiceHistory {
    pub resident_id: ResidentId,
    pub full_name: String,
    pub items: Vec<ServiceRecord>,
    /// Thanks recorded when a post ended with a restructuring (tri ân).
    pub thanks: Vec<crate::restructuring::ThanksRecord>,
}

/// A resident's service history: the rule on who may read it is the people area's
/// (`people::service_history`, issue 11 #11).
pub async fn service_history(ctx: &Ctx, resident_id: ResidentId) -> AppResult<ServiceHistory> {
    let (r, items) = crate::people::service_history(ctx, resident_id).await?;
    let thanks = ctx.store().thanks_of_resident(r.id).await?;
    Ok(ServiceHistory {
        resident_id: r.id,
        full_name: r.full_name,
        items,
        thanks,
    })
}

#[cfg(test)]
mod tests {
    use super::{reason_field, Reason};

    #[test]
    fn a_refusal_names_the_person_or_the_position() {
        assert_eq!(reason_field(Reason::HeadUnder21), "resident_id");
        assert_eq!(reason_field(Reason::ActingOnlyHead), "acting");
        assert_eq!(reason_field(Reason::HeadTaken), "role");
    }
}
