//! Kinds of groups, the positions each kind has, and the states of a group.

use serde::{Deserialize, Serialize};

/// What a group is. The built-in kinds carry the rules the law puts on them; `Other` covers
/// whatever else a commune keeps (a club, an environment team…), named by the group's
/// `kind_label`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// The leadership of a residential unit: its head (trưởng thôn, tổ trưởng tổ dân phố,
    /// trưởng khu phố, trưởng ấp) and deputy. One per unit, created when first needed; needs
    /// no establishment decision (the commune recognises each holder instead).
    UnitLeadership,
    /// Tổ nhân dân tự quản.
    ToNhanDanTuQuan,
    /// Tổ bảo vệ an ninh, trật tự (Law of 2023, from 1 July 2024; formerly tổ xung kích).
    ToBaoVeAntt,
    /// Tổ hòa giải (Law on Grassroots Mediation 35/2013/QH13).
    ToHoaGiai,
    /// Ban công tác Mặt trận.
    BanCongTacMatTran,
    /// Any other kind, named by the group's label.
    Other,
}

impl GroupKind {
    pub const ALL: [GroupKind; 6] = [
        Self::UnitLeadership,
        Self::ToNhanDanTuQuan,
        Self::ToBaoVeAntt,
        Self::ToHoaGiai,
        Self::BanCongTacMatTran,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnitLeadership => "unit_leadership",
            Self::ToNhanDanTuQuan => "to_nhan_dan_tu_quan",
            Self::ToBaoVeAntt => "to_bao_ve_antt",
            Self::ToHoaGiai => "to_hoa_giai",
            Self::BanCongTacMatTran => "ban_cong_tac_mat_tran",
            Self::Other => "other",
        }
    }

    /// Accepts the codes, and `to_xung_kich`, the security team's former name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "to_xung_kich" => Some(Self::ToBaoVeAntt),
            s => Self::ALL.into_iter().find(|k| k.as_str() == s),
        }
    }

    /// The positions a group of this kind has.
    pub fn roles(self) -> &'static [PositionRole] {
        use PositionRole::*;
        match self {
            Self::UnitLeadership => &[Head, Deputy],
            Self::ToNhanDanTuQuan | Self::ToBaoVeAntt | Self::BanCongTacMatTran => {
                &[Head, Deputy, Member]
            }
            // The law names a team leader (tổ trưởng) and mediators (hòa giải viên).
            Self::ToHoaGiai => &[Head, Member],
            Self::Other => &[Head, Deputy, Secretary, Member],
        }
    }

    /// Whether the group becomes active only with an establishment decision.
    pub fn needs_decision(self) -> bool {
        self != Self::UnitLeadership
    }

    /// Kinds an official creates by hand (the unit leadership is created by the product).
    pub fn creatable(self) -> bool {
        self != Self::UnitLeadership
    }
}

/// A position in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionRole {
    /// Trưởng (tổ trưởng, trưởng ban, trưởng thôn…).
    Head,
    /// Phó.
    Deputy,
    /// Thư ký.
    Secretary,
    /// Tổ viên, thành viên, hòa giải viên.
    Member,
}

impl PositionRole {
    pub const ALL: [PositionRole; 4] = [Self::Head, Self::Deputy, Self::Secretary, Self::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Head => "head",
            Self::Deputy => "deputy",
            Self::Secretary => "secretary",
            Self::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Order in member lists: head first.
    pub fn rank(self) -> u8 {
        match self {
            Self::Head => 0,
            Self::Deputy => 1,
            Self::Secretary => 2,
            Self::Member => 3,
        }
    }
}

/// Where a group is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    /// Created, waiting for its establishment decision.
    Pending,
    Active,
    /// Dissolved by a decision; kept with its history.
    Dissolved,
}

impl GroupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Dissolved => "dissolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Dissolved]
            .into_iter()
            .find(|x| x.as_str() == s.trim())
    }
}

/// What a decision does to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Quyết định thành lập.
    Establishment,
    /// Quyết định giải thể.
    Dissolution,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Establishment => "establishment",
            Self::Dissolution => "dissolution",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Establishment, Self::Dissolution]
            .into_iter()
            .find(|x| x.as_str() == s.trim())
    }

    /// The status a group must have for this decision, and the status it gets.
    pub fn transition(self) -> (GroupStatus, GroupStatus) {
        match self {
            Self::Establishment => (GroupStatus::Pending, GroupStatus::Active),
            Self::Dissolution => (GroupStatus::Active, GroupStatus::Dissolved),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in GroupKind::ALL {
            assert_eq!(GroupKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            GroupKind::parse("to_xung_kich"),
            Some(GroupKind::ToBaoVeAntt)
        );
        assert_eq!(GroupKind::parse("club"), None);
        for r in PositionRole::ALL {
            assert_eq!(PositionRole::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn each_kind_has_a_head_and_members_where_the_law_says() {
        for k in GroupKind::ALL {
            assert!(k.roles().contains(&PositionRole::Head), "{k:?}");
        }
        assert!(!GroupKind::ToHoaGiai.roles().contains(&PositionRole::Deputy));
        assert!(!GroupKind::UnitLeadership
            .roles()
            .contains(&PositionRole::Member));
        assert!(!GroupKind::UnitLeadership.needs_decision());
        assert!(GroupKind::ToBaoVeAntt.needs_decision());
    }
}
