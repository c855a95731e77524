use serde::{Deserialize, Serialize};

/// The tier of the two-tier local government (since 1 July 2025) and the residential level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Province,
    Commune,
    Residential,
}

/// Every kind of unit in the tree. Stored by its `as_str` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh.
    Province,
    /// Thành phố trực thuộc trung ương.
    CentralCity,
    /// Xã.
    Commune,
    /// Phường.
    Ward,
    /// Đặc khu.
    SpecialZone,
    /// Thôn (in xã and đặc khu).
    Thon,
    /// Tổ dân phố (in phường).
    ToDanPho,
    /// Khu phố (the South).
    KhuPho,
    /// Ấp (the South).
    Ap,
    /// Tổ nhân dân tự quản, a further tier in some places.
    ToNhanDanTuQuan,
    /// Tổ dân cư, a further tier in some places.
    ToDanCu,
}

impl UnitKind {
    pub const ALL: [UnitKind; 11] = [
        Self::Province,
        Self::CentralCity,
        Self::Commune,
        Self::Ward,
        Self::SpecialZone,
        Self::Thon,
        Self::ToDanPho,
        Self::KhuPho,
        Self::Ap,
        Self::ToNhanDanTuQuan,
        Self::ToDanCu,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::CentralCity => "central_city",
            Self::Commune => "commune",
            Self::Ward => "ward",
            Self::SpecialZone => "special_zone",
            Self::Thon => "thon",
            Self::ToDanPho => "to_dan_pho",
            Self::KhuPho => "khu_pho",
            Self::Ap => "ap",
            Self::ToNhanDanTuQuan => "to_nhan_dan_tu_quan",
            Self::ToDanCu => "to_dan_cu",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Maps the `division_type` of the official list.
    pub fn from_division_type(s: &str) -> Option<Self> {
        match s {
            "tỉnh" => Some(Self::Province),
            "thành phố trung ương" => Some(Self::CentralCity),
            "xã" => Some(Self::Commune),
            "phường" => Some(Self::Ward),
            "đặc khu" => Some(Self::SpecialZone),
            _ => None,
        }
    }

    pub fn tier(self) -> Tier {
        match self {
            Self::Province | Self::CentralCity => Tier::Province,
            Self::Commune | Self::Ward | Self::SpecialZone => Tier::Commune,
            _ => Tier::Residential,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(UnitKind::parse("district"), None);
    }

    #[test]
    fn division_types_map_to_tiers() {
        let tier = |s| UnitKind::from_division_type(s).map(UnitKind::tier);
        assert_eq!(tier("tỉnh"), Some(Tier::Province));
        assert_eq!(tier("thành phố trung ương"), Some(Tier::Province));
        assert_eq!(tier("đặc khu"), Some(Tier::Commune));
        assert_eq!(tier("huyện"), None);
    }
}
