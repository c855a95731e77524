//! Who may hold a position, and when a seat is free. Each refusal carries a stable reason
//! code; the web layer shows the message for it from the locale catalogue
//! (`groups.reason.CODE`).

use std::fmt;

use jiff::civil::Date;

use super::term::add_months;
use super::{GroupKind, GroupStatus, PositionRole};
use crate::people::{age_on, ResidentStatus};

/// A unit head is at least this old (domain.md, "Leaders and groups": head criteria).
pub const HEAD_MIN_AGE: i16 = 21;
/// Members of a security team are 18 to 70 (Law on forces protecting security and order at
/// the grassroots, 2023; over 70 only with approval, which the product does not record).
pub const SECURITY_MIN_AGE: i16 = 18;
pub const SECURITY_MAX_AGE: i16 = 70;
/// …and have lived here at least a year.
pub const SECURITY_MIN_RESIDENCE_MONTHS: i64 = 12;
/// A mediation team has at least three mediators (Law 35/2013/QH13).
pub const MIN_MEDIATORS: usize = 3;

/// Why a person may not take a position, or why the seat is not free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Moved away, deceased or erased.
    NotActive,
    /// A unit head under 21 on the start date.
    HeadUnder21,
    /// A unit head whose household is not in the unit.
    NotLivingInUnit,
    /// A security team member under 18 or over 70 on the start date.
    SecurityAge,
    /// A security team member whose residence start is not recorded.
    ResidenceUnknown,
    /// A security team member who has lived here less than a year on the start date.
    ResidenceUnderOneYear,
    /// The group's kind has no such position.
    RoleNotInKind,
    /// Only a head can be acting.
    ActingOnlyHead,
    /// The group has no establishment decision yet.
    GroupNotActive,
    /// The group was dissolved.
    GroupDissolved,
    /// The group already has a head.
    HeadTaken,
    /// The unit head already has a deputy (at most one).
    DeputyTaken,
    /// A unit's deputy is chosen by its head: there must be one.
    NoHead,
    /// The person already holds a position in this group.
    AlreadyHolds,
}

impl Reason {
    /// The stable machine code (API `reason`, locale key `groups.reason.CODE`).
    pub fn code(self) -> &'static str {
        match self {
            Self::NotActive => "not_active",
            Self::HeadUnder21 => "head_under_21",
            Self::NotLivingInUnit => "not_living_in_unit",
            Self::SecurityAge => "security_age",
            Self::ResidenceUnknown => "residence_unknown",
            Self::ResidenceUnderOneYear => "residence_under_1_year",
            Self::RoleNotInKind => "role_not_in_kind",
            Self::ActingOnlyHead => "acting_only_head",
            Self::GroupNotActive => "group_not_active",
            Self::GroupDissolved => "group_dissolved",
            Self::HeadTaken => "head_taken",
            Self::DeputyTaken => "deputy_taken",
            Self::NoHead => "no_head",
            Self::AlreadyHolds => "already_holds",
        }
    }

    pub const ALL: [Reason; 14] = [
        Self::NotActive,
        Self::HeadUnder21,
        Self::NotLivingInUnit,
        Self::SecurityAge,
        Self::ResidenceUnknown,
        Self::ResidenceUnderOneYear,
        Self::RoleNotInKind,
        Self::ActingOnlyHead,
        Self::GroupNotActive,
        Self::GroupDissolved,
        Self::HeadTaken,
        Self::DeputyTaken,
        Self::NoHead,
        Self::AlreadyHolds,
    ];
}

/// A refused appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ineligible {
    pub reason: Reason,
}

impl Ineligible {
    pub fn reason_code(&self) -> &'static str {
        self.reason.code()
    }
}

impl From<Reason> for Ineligible {
    fn from(reason: Reason) -> Self {
        Self { reason }
    }
}

impl fmt::Display for Ineligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ineligible: {}", self.reason.code())
    }
}

impl std::error::Error for Ineligible {}

/// What the rules need to know about the person.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub birth_date: Date,
    pub status: ResidentStatus,
    /// The person's household is in the group's unit or below it.
    pub lives_in_unit: bool,
    pub residence_since: Option<Date>,
}

/// The person's own eligibility for `role` in a group of `kind`, on the start date `on`.
pub fn check_candidate(
    kind: GroupKind,
    role: PositionRole,
    c: &Candidate,
    on: Date,
) -> Result<(), Ineligible> {
    if c.status != ResidentStatus::Active {
        return Err(Reason::NotActive.into());
    }
    let age = age_on(c.birth_date, on);
    match kind {
        GroupKind::UnitLeadership if role == PositionRole::Head => {
            if age < HEAD_MIN_AGE {
                return Err(Reason::HeadUnder21.into());
            }
            if !c.lives_in_unit {
                return Err(Reason::NotLivingInUnit.into());
            }
        }
        GroupKind::ToBaoVeAntt => {
            if !(SECURITY_MIN_AGE..=SECURITY_MAX_AGE).contains(&age) {
                return Err(Reason::SecurityAge.into());
            }
            let since = c.residence_since.ok_or(Reason::ResidenceUnknown)?;
            if add_months(since, SECURITY_MIN_RESIDENCE_MONTHS) > on {
                return Err(Reason::ResidenceUnderOneYear.into());
            }
        }
        _ => {}
    }
    Ok(())
}

/// The group's seats on the start date, as far as a new appointment is concerned.
#[derive(Debug, Clone)]
pub struct Seats {
    pub kind: GroupKind,
    pub status: GroupStatus,
    /// A head (acting or not) whose term has not ended.
    pub has_head: bool,
    /// Current deputies.
    pub deputies: usize,
    /// The person already holds a current position in the group.
    pub candidate_holds: bool,
}

/// Whether the seat for `role` is free in the group.
pub fn check_seat(seats: &Seats, role: PositionRole, acting: bool) -> Result<(), Ineligible> {
    match seats.status {
        GroupStatus::Pending => return Err(Reason::GroupNotActive.into()),
        GroupStatus::Dissolved => return Err(Reason::GroupDissolved.into()),
        GroupStatus::Active => {}
    }
    if !seats.kind.roles().contains(&role) {
        return Err(Reason::RoleNotInKind.into());
    }
    if acting && role != PositionRole::Head {
        return Err(Reason::ActingOnlyHead.into());
    }
    if seats.candidate_holds {
        return Err(Reason::AlreadyHolds.into());
    }
    match role {
        PositionRole::Head if seats.has_head => Err(Reason::HeadTaken.into()),
        PositionRole::Deputy if seats.kind == GroupKind::UnitLeadership => {
            if !seats.has_head {
                Err(Reason::NoHead.into())
            } else if seats.deputies >= 1 {
                Err(Reason::DeputyTaken.into())
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// A mediation team with fewer than three current members is flagged on its page.
pub fn too_few_mediators(kind: GroupKind, current_members: usize) -> bool {
    kind == GroupKind::ToHoaGiai && current_members < MIN_MEDIATORS
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const ON: Date = date(2026, 11, 21);

    fn person(born: Date) -> Candidate {
        Candidate {
            birth_date: born,
            status: ResidentStatus::Active,
            lives_in_unit: true,
            residence_since: Some(date(2010, 1, 1)),
        }
    }

    fn code(r: Result<(), Ineligible>) -> &'static str {
        r.err().map_or("ok", |e| e.reason_code())
    }

    #[test]
    fn a_unit_head_is_21_and_lives_in_the_unit() {
        let head = |c: &Candidate| {
            code(check_candidate(
                GroupKind::UnitLeadership,
                PositionRole::Head,
                c,
                ON,
            ))
        };
        assert_eq!(head(&person(date(2005, 11, 22))), "head_under_21"); // 20
        assert_eq!(head(&person(date(2005, 11, 21))), "ok"); // 21 that day
        let mut away = person(date(1980, 1, 1));
        away.lives_in_unit = false;
        assert_eq!(head(&away), "not_living_in_unit");
        let mut gone = person(date(1980, 1, 1));
        gone.status = ResidentStatus::MovedAway;
        assert_eq!(head(&gone), "not_active");
        // The deputy is not held to the head's criteria.
        assert_eq!(
            code(check_candidate(
                GroupKind::UnitLeadership,
                PositionRole::Deputy,
                &away,
                ON
            )),
            "ok"
        );
    }

    #[test]
    fn security_members_are_18_to_70_with_a_year_of_residence() {
        let member = |c: &Candidate| {
            code(check_candidate(
                GroupKind::ToBaoVeAntt,
                PositionRole::Member,
                c,
                ON,
            ))
        };
        assert_eq!(member(&person(date(2008, 11, 22))), "security_age"); // 17
        assert_eq!(member(&person(date(2008, 11, 21))), "ok"); // 18
        assert_eq!(member(&person(date(1956, 1, 1))), "ok"); // 70
        assert_eq!(member(&person(date(1955, 11, 21))), "security_age"); // 71
        let mut newcomer = person(date(1990, 1, 1));
        newcomer.residence_since = Some(date(2025, 11, 22));
        assert_eq!(member(&newcomer), "residence_under_1_year");
        newcomer.residence_since = Some(date(2025, 11, 21));
        assert_eq!(member(&newcomer), "ok");
        newcomer.residence_since = None;
        assert_eq!(member(&newcomer), "residence_unknown");
        // Other kinds do not ask for it.
        assert_eq!(
            code(check_candidate(
                GroupKind::ToHoaGiai,
                PositionRole::Member,
                &newcomer,
                ON
            )),
            "ok"
        );
    }

    fn seats(kind: GroupKind) -> Seats {
        Seats {
            kind,
            status: GroupStatus::Active,
            has_head: false,
            deputies: 0,
            candidate_holds: false,
        }
    }

    #[test]
    fn seats_follow_the_kind_and_the_decision() {
        let mut s = seats(GroupKind::ToBaoVeAntt);
        s.status = GroupStatus::Pending;
        assert_eq!(
            code(check_seat(&s, PositionRole::Member, false)),
            "group_not_active"
        );
        s.status = GroupStatus::Dissolved;
        assert_eq!(
            code(check_seat(&s, PositionRole::Member, false)),
            "group_dissolved"
        );
        let s = seats(GroupKind::ToHoaGiai);
        assert_eq!(
            code(check_seat(&s, PositionRole::Deputy, false)),
            "role_not_in_kind"
        );
        assert_eq!(
            code(check_seat(&s, PositionRole::Member, true)),
            "acting_only_head"
        );
        let mut s = seats(GroupKind::ToBaoVeAntt);
        s.has_head = true;
        assert_eq!(
            code(check_seat(&s, PositionRole::Head, false)),
            "head_taken"
        );
        s.deputies = 2;
        assert_eq!(code(check_seat(&s, PositionRole::Deputy, false)), "ok");
        s.candidate_holds = true;
        assert_eq!(
            code(check_seat(&s, PositionRole::Member, false)),
            "already_holds"
        );
    }

    #[test]
    fn one_deputy_per_unit_head() {
        let mut s = seats(GroupKind::UnitLeadership);
        assert_eq!(code(check_seat(&s, PositionRole::Deputy, false)), "no_head");
        s.has_head = true;
        assert_eq!(code(check_seat(&s, PositionRole::Deputy, false)), "ok");
        s.deputies = 1;
        assert_eq!(
            code(check_seat(&s, PositionRole::Deputy, false)),
            "deputy_taken"
        );
        assert_eq!(code(check_seat(&s, PositionRole::Head, true)), "head_taken");
    }

    #[test]
    fn mediation_teams_below_three_are_flagged() {
        assert!(too_few_mediators(GroupKind::ToHoaGiai, 0));
        assert!(too_few_mediators(GroupKind::ToHoaGiai, 2));
        assert!(!too_few_mediators(GroupKind::ToHoaGiai, 3));
        assert!(!too_few_mediators(GroupKind::ToBaoVeAntt, 1));
    }

    #[test]
    fn reason_codes_are_unique() {
        let mut codes: Vec<_> = Reason::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
    }
}
