//! Size standards of residential units and freezes on restructuring.
//!
//! The minimum number of households for a new thôn or tổ dân phố comes from Circular
//! 04/2012/TT-BNV as amended by Circular 14/2018/TT-BNV (Art 7), by region; Ho Chi Minh City's
//! Decision 24/2017/QĐ-UBND sets its own for khu phố and ấp. A province may set other values
//! from a date (settings); these are the defaults. A unit below 50% of the minimum must merge;
//! below 100% it may merge (Circular 14/2018, Art 8).
//!
//! A freeze (national, or for one province) stops schemes from being applied between two
//! dates: Dispatch 11776/BNV-CQĐP of 9 December 2025 ordered one until the Government's new
//! rules. Schemes may still be drafted and consulted on during it.

use jiff::civil::Date;
use serde::Deserialize;

use crate::territory::UnitKind;
use crate::time::parse_date;
use crate::{Checks, FieldError, FieldErrorKind};

/// The regions of Circular 14/2018, by province code (the 34 provinces since 1 July 2025;
/// a merged province is placed where most of its territory lies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// Northern midlands and mountains (miền núi, vùng cao).
    Uplands,
    /// Red River Delta (đồng bằng sông Hồng).
    RedRiverDelta,
    /// Central coast (miền Trung).
    Central,
    /// Central Highlands (Tây Nguyên).
    Highlands,
    /// The South (Nam Bộ).
    South,
}

/// The region of a province, or `None` for an unknown code.
pub fn region_of(province_code: &str) -> Option<Region> {
    use Region::*;
    Some(match province_code {
        "04" | "08" | "11" | "12" | "14" | "15" | "19" | "20" | "25" => Uplands,
        "01" | "22" | "24" | "31" | "33" | "37" => RedRiverDelta,
        "38" | "40" | "42" | "44" | "46" | "48" | "51" | "56" => Central,
        "52" | "66" | "68" => Highlands,
        "75" | "79" | "80" | "82" | "86" | "91" | "92" | "96" => South,
        _ => return None,
    })
}

pub const CIRCULAR_14_2018: &str = "Thông tư 14/2018/TT-BNV, Điều 7";
pub const HCMC_24_2017: &str = "Quyết định 24/2017/QĐ-UBND TP.HCM";

/// A minimum number of households and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minimum {
    pub households: u32,
    /// The law's citation, or the province setting's basis.
    pub basis: String,
}

/// The law's minimum for a new unit of `kind` in a province: thôn and ấp by the village
/// column, tổ dân phố and khu phố by the street column; Hà Nội and Ho Chi Minh City have 450
/// for a tổ dân phố; Ho Chi Minh City's khu phố 700 and ấp 500 (Decision 24/2017). Further
/// tiers (tổ nhân dân, tổ dân cư) have no standard.
pub fn default_minimum(province_code: &str, kind: UnitKind) -> Option<Minimum> {
    let region = region_of(province_code)?;
    let law = |households: u32| {
        Some(Minimum {
            households,
            basis: CIRCULAR_14_2018.to_owned(),
        })
    };
    match (province_code, kind) {
        ("79", UnitKind::KhuPho) => {
            return Some(Minimum {
                households: 700,
                basis: HCMC_24_2017.to_owned(),
            })
        }
        ("79", UnitKind::Ap) => {
            return Some(Minimum {
                households: 500,
                basis: HCMC_24_2017.to_owned(),
            })
        }
        ("01" | "79", UnitKind::ToDanPho) => return law(450),
        _ => {}
    }
    match kind {
        UnitKind::Thon | UnitKind::Ap => law(match region {
            Region::Uplands => 150,
            Region::RedRiverDelta => 300,
            Region::Central => 250,
            Region::Highlands => 200,
            Region::South => 350,
        }),
        UnitKind::ToDanPho | UnitKind::KhuPho => law(match region {
            Region::Uplands | Region::Highlands => 200,
            Region::RedRiverDelta => 350,
            Region::Central => 300,
            Region::South => 400,
        }),
        _ => None,
    }
}

/// A province's setting: the minimum for a kind from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standard {
    pub kind: UnitKind,
    pub min_households: u32,
    pub effective_from: Date,
    pub basis: String,
}

/// The minimum in force on `day`: the latest setting for the kind that started on or before
/// it, else the law's default.
pub fn minimum_on(
    settings: &[Standard],
    province_code: &str,
    kind: UnitKind,
    day: Date,
) -> Option<Minimum> {
    settings
        .iter()
        .filter(|s| s.kind == kind && s.effective_from <= day)
        .max_by_key(|s| s.effective_from)
        .map(|s| Minimum {
            households: s.min_households,
            basis: s.basis.clone(),
        })
        .or_else(|| default_minimum(province_code, kind))
}

/// How a unit's size compares with its minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeFlag {
    /// Below 50% of the minimum: must merge.
    MustMerge,
    /// From 50% up to (not including) 100%: may merge.
    MayMerge,
    /// At or above the minimum.
    Meets,
}

impl SizeFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            SizeFlag::MustMerge => "must_merge",
            SizeFlag::MayMerge => "may_merge",
            SizeFlag::Meets => "meets",
        }
    }
}

/// Exactly half of the minimum is not "below 50%".
pub fn size_flag(households: u64, minimum: u32) -> SizeFlag {
    let min = u64::from(minimum);
    if households * 2 < min {
        SizeFlag::MustMerge
    } else if households < min {
        SizeFlag::MayMerge
    } else {
        SizeFlag::Meets
    }
}

/// Households as a whole percentage of the minimum (rounded down).
pub fn percent_of(households: u64, minimum: u32) -> u64 {
    if minimum == 0 {
        return 100;
    }
    households * 100 / u64::from(minimum)
}

/// A standard as typed on the settings page or sent to the API.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StandardInput {
    pub kind: String,
    pub min_households: String,
    pub effective_from: String,
    #[serde(default)]
    pub basis: String,
}

fn residential_kind(raw: &str) -> Result<UnitKind, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new("kind", FieldErrorKind::Required, "empty"));
    }
    UnitKind::parse(raw)
        .filter(|k| k.tier() == crate::territory::Tier::Residential)
        .ok_or_else(|| FieldError::new("kind", FieldErrorKind::UnknownValue, "kind"))
}

fn required_date(raw: &str, field: &'static str) -> Result<Date, FieldError> {
    parse_date(Some(raw), field)?
        .ok_or_else(|| FieldError::new(field, FieldErrorKind::Required, ""))
}

fn basis(raw: &str, field: &'static str, required: bool) -> Result<String, FieldError> {
    let t = crate::text::clean(raw);
    if required && t.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Required, "empty"));
    }
    if t.chars().count() > 300 {
        return Err(FieldError::new(
            field,
            FieldErrorKind::TooLong { max: 300 },
            "",
        ));
    }
    Ok(t)
}

impl Standard {
    /// Every field checked at once; the minimum between 1 and 10,000 households.
    pub fn parse(i: &StandardInput) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let kind = c.check(residential_kind(&i.kind));
        let min = c.check(match i.min_households.trim().parse::<u32>() {
            Ok(n) if (1..=10_000).contains(&n) => Ok(n),
            Ok(_) => Err(FieldError::new(
                "min_households",
                FieldErrorKind::OutOfRange {
                    min: 1,
                    max: 10_000,
                },
                "",
            )),
            Err(_) if i.min_households.trim().is_empty() => Err(FieldError::new(
                "min_households",
                FieldErrorKind::Required,
                "",
            )),
            Err(_) => Err(FieldError::new(
                "min_households",
                FieldErrorKind::InvalidFormat,
                "",
            )),
        });
        let from = c.check(required_date(&i.effective_from, "effective_from"));
        let b = c.check(basis(&i.basis, "basis", false));
        let errors = c.into_errors();
        match (kind, min, from, b) {
            (Some(kind), Some(min_households), Some(effective_from), Some(basis))
                if errors.is_empty() =>
            {
                Ok(Standard {
                    kind,
                    min_households,
                    effective_from,
                    basis,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A freeze on applying schemes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freeze {
    /// `None`: national.
    pub province: Option<String>,
    pub starts_on: Date,
    /// The last frozen day; `None` until lifted.
    pub ends_on: Option<Date>,
    /// The document ordering it, e.g. "Công văn 11776/BNV-CQĐP ngày 09/12/2025".
    pub basis: String,
}

impl Freeze {
    /// Whether the freeze covers `day` in the province.
    pub fn covers(&self, province_code: &str, day: Date) -> bool {
        self.province.as_deref().is_none_or(|p| p == province_code)
            && self.starts_on <= day
            && self.ends_on.is_none_or(|e| day <= e)
    }
}

/// The first freeze covering any of `days` in the province.
pub fn freeze_in_force<'a>(
    freezes: &'a [Freeze],
    province_code: &str,
    days: &[Date],
) -> Option<&'a Freeze> {
    freezes
        .iter()
        .find(|f| days.iter().any(|d| f.covers(province_code, *d)))
}

/// A freeze as typed: `scope` is `national` or `province`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FreezeInput {
    pub scope: String,
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    pub basis: String,
}

impl Freeze {
    /// Parses a freeze for `province_code` (used when the scope is `province`).
    pub fn parse(i: &FreezeInput, province_code: &str) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let province = c.check(match i.scope.trim() {
            "national" => Ok(None),
            "province" => Ok(Some(province_code.to_owned())),
            "" => Err(FieldError::new("scope", FieldErrorKind::Required, "")),
            _ => Err(FieldError::new("scope", FieldErrorKind::UnknownValue, "")),
        });
        let starts_on = c.check(required_date(&i.starts_on, "starts_on"));
        let ends_on = c.check(parse_date(Some(&i.ends_on), "ends_on"));
        let b = c.check(basis(&i.basis, "basis", true));
        if let (Some(s), Some(Some(e))) = (starts_on, ends_on) {
            if e < s {
                c.check::<()>(Err(FieldError::new(
                    "ends_on",
                    FieldErrorKind::NotAllowedHere,
                    "before the start",
                )));
            }
        }
        let errors = c.into_errors();
        match (province, starts_on, ends_on, b) {
            (Some(province), Some(starts_on), Some(ends_on), Some(basis)) if errors.is_empty() => {
                Ok(Freeze {
                    province,
                    starts_on,
                    ends_on,
                    basis,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn hanoi_and_hcmc_tdp_need_450_and_hcmc_khu_pho_700() {
        assert_eq!(
            default_minimum("01", UnitKind::ToDanPho)
                .unwrap()
                .households,
            450
        );
        assert_eq!(
            default_minimum("79", UnitKind::ToDanPho)
                .unwrap()
                .households,
            450
        );
        assert_eq!(
            default_minimum("79", UnitKind::KhuPho).unwrap().households,
            700
        );
        assert_eq!(default_minimum("79", UnitKind::Ap).unwrap().households, 500);
        assert_eq!(
            default_minimum("01", UnitKind::Thon).unwrap().households,
            300
        );
        assert_eq!(
            default_minimum("04", UnitKind::Thon).unwrap().households,
            150
        );
        assert_eq!(default_minimum("92", UnitKind::Ap).unwrap().households, 350);
        assert_eq!(default_minimum("79", UnitKind::ToNhanDanTuQuan), None);
        assert_eq!(default_minimum("99", UnitKind::Thon), None);
    }

    #[test]
    fn every_province_has_a_region() {
        for p in [
            "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33",
            "37", "38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79",
            "80", "82", "86", "91", "92", "96",
        ] {
            assert!(region_of(p).is_some(), "{p}");
        }
    }

    #[test]
    fn a_setting_in_force_overrides_the_law_from_its_date() {
        let s = vec![Standard {
            kind: UnitKind::KhuPho,
            min_households: 600,
            effective_from: date(2026, 1, 1),
            basis: "QĐ 1/2026".into(),
        }];
        assert_eq!(
            minimum_on(&s, "79", UnitKind::KhuPho, date(2025, 12, 31))
                .unwrap()
                .households,
            700
        );
        assert_eq!(
            minimum_on(&s, "79", UnitKind::KhuPho, date(2026, 1, 1))
                .unwrap()
                .households,
            600
        );
    }

    #[test]
    fn half_the_minimum_is_may_merge_and_below_it_must_merge() {
        assert_eq!(size_flag(349, 700), SizeFlag::MustMerge);
        assert_eq!(size_flag(350, 700), SizeFlag::MayMerge);
        assert_eq!(size_flag(699, 700), SizeFlag::MayMerge);
        assert_eq!(size_flag(700, 700), SizeFlag::Meets);
        assert_eq!(percent_of(350, 700), 50);
    }

    #[test]
    fn a_freeze_covers_its_days_inclusive_and_its_province_only() {
        let national = Freeze {
            province: None,
            starts_on: date(2025, 12, 9),
            ends_on: Some(date(2026, 6, 30)),
            basis: "11776/BNV-CQĐP".into(),
        };
        assert!(!national.covers("79", date(2025, 12, 8)));
        assert!(national.covers("79", date(2025, 12, 9)));
        assert!(national.covers("01", date(2026, 6, 30)));
        assert!(!national.covers("01", date(2026, 7, 1)));
        let hcmc = Freeze {
            province: Some("79".into()),
            ends_on: None,
            ..national.clone()
        };
        assert!(hcmc.covers("79", date(2030, 1, 1)));
        assert!(!hcmc.covers("01", date(2026, 1, 1)));
        let all = [hcmc];
        assert!(freeze_in_force(&all, "79", &[date(2025, 1, 1), date(2026, 1, 1)]).is_some());
        assert!(freeze_in_force(&all, "79", &[date(2025, 1, 1)]).is_none());
    }

    #[test]
    fn a_freeze_ending_before_it_starts_is_refused_with_every_error() {
        let e = Freeze::parse(
            &FreezeInput {
                scope: "national".into(),
                starts_on: "2026-01-10".into(),
                ends_on: "2026-01-01".into(),
                basis: String::new(),
            },
            "79",
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["basis", "ends_on"]);
    }
}
