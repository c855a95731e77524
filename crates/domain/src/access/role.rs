use serde::{Deserialize, Serialize};

/// The roles a grant can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống.
    SystemAdmin,
    /// Cán bộ tỉnh.
    ProvinceOfficial,
    /// Cán bộ UBND xã/phường.
    CommuneOfficial,
    /// Công an xã/phường.
    CommunePolice,
    /// Ban công tác Mặt trận.
    FrontCommittee,
    /// Trưởng thôn / tổ trưởng tổ dân phố / trưởng khu phố / trưởng ấp.
    UnitHead,
    /// Phó trưởng thôn, tổ phó...
    DeputyHead,
    /// Tổ trưởng of a self-managed group.
    GroupLeader,
    /// Tổ viên.
    GroupMember,
    /// Cảnh sát khu vực.
    AreaPolice,
    /// Người dân.
    Resident,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Self::SystemAdmin,
        Self::ProvinceOfficial,
        Self::CommuneOfficial,
        Self::CommunePolice,
        Self::FrontCommittee,
        Self::UnitHead,
        Self::DeputyHead,
        Self::GroupLeader,
        Self::GroupMember,
        Self::AreaPolice,
        Self::Resident,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SystemAdmin => "system_admin",
            Self::ProvinceOfficial => "province_official",
            Self::CommuneOfficial => "commune_official",
            Self::CommunePolice => "commune_police",
            Self::FrontCommittee => "front_committee",
            Self::UnitHead => "unit_head",
            Self::DeputyHead => "deputy_head",
            Self::GroupLeader => "group_leader",
            Self::GroupMember => "group_member",
            Self::AreaPolice => "area_police",
            Self::Resident => "resident",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Seniority, for "nobody gives a role above their own".
    pub fn rank(self) -> u8 {
        match self {
            Self::SystemAdmin => 100,
            Self::ProvinceOfficial => 90,
            Self::CommuneOfficial => 80,
            Self::CommunePolice => 70,
            Self::FrontCommittee | Self::AreaPolice => 60,
            Self::UnitHead => 50,
            Self::DeputyHead => 40,
            Self::GroupLeader => 30,
            Self::GroupMember => 20,
            Self::Resident => 10,
        }
    }

    /// Whether the role is held on the whole country rather than on a unit.
    pub fn is_national(self) -> bool {
        self == Self::SystemAdmin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("king"), None);
    }
}
