use serde::{Deserialize, Serialize};

use super::{Tier, UnitKind};
use crate::error::{FieldError, FieldErrorKind};

/// Which kinds of residential unit may sit at each level below a commune. Places differ
/// (domain.md): old HCMC has one level (khu phố, ấp) while Bình Dương keeps tổ nhân dân tự quản
/// below its khu phố. A scheme is stored per province or per commune; the most specific wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubdivisionScheme {
    /// `levels[0]` lists the kinds allowed directly under the commune, and so on down.
    pub levels: Vec<Vec<UnitKind>>,
}

impl SubdivisionScheme {
    /// The national default for a commune of the given kind: thôn/ấp in xã and đặc khu,
    /// tổ dân phố/khu phố in phường, and an optional second tier of self-managed groups.
    pub fn default_for(commune_kind: UnitKind) -> Self {
        let first = match commune_kind {
            UnitKind::Ward => vec![UnitKind::ToDanPho, UnitKind::KhuPho],
            _ => vec![UnitKind::Thon, UnitKind::Ap, UnitKind::ToDanPho],
        };
        Self {
            levels: vec![first, vec![UnitKind::ToNhanDanTuQuan, UnitKind::ToDanCu]],
        }
    }

    /// Parses `"khu_pho,ap;to_nhan_dan_tu_quan"`: levels separated by `;`, kinds by `,`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let mut levels = Vec::new();
        for level in raw.split(';').map(str::trim).filter(|l| !l.is_empty()) {
            let mut kinds = Vec::new();
            for k in level.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                let kind = UnitKind::parse(k)
                    .filter(|kind| kind.tier() == Tier::Residential)
                    .ok_or_else(|| {
                        FieldError::new(
                            "levels",
                            FieldErrorKind::UnknownValue,
                            format!("not a residential unit kind: {k}"),
                        )
                    })?;
                kinds.push(kind);
            }
            levels.push(kinds);
        }
        if levels.is_empty() || levels.len() > 3 {
            return Err(FieldError::new(
                "levels",
                FieldErrorKind::OutOfRange { min: 1, max: 3 },
                format!("{} levels", levels.len()),
            ));
        }
        Ok(Self { levels })
    }

    pub fn format(&self) -> String {
        self.levels
            .iter()
            .map(|l| l.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Whether a unit of `kind` may be created `depth` levels below the commune (1 = directly).
    pub fn allows(&self, depth: usize, kind: UnitKind) -> bool {
        depth >= 1
            && self
                .levels
                .get(depth - 1)
                .is_some_and(|kinds| kinds.contains(&kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ward_default_has_two_levels() {
        let s = SubdivisionScheme::default_for(UnitKind::Ward);
        assert!(s.allows(1, UnitKind::ToDanPho));
        assert!(s.allows(2, UnitKind::ToNhanDanTuQuan));
        assert!(!s.allows(1, UnitKind::Thon));
        assert!(!s.allows(3, UnitKind::ToDanCu));
        assert!(!s.allows(0, UnitKind::ToDanPho));
    }

    #[test]
    fn hcmc_style_single_level_scheme() {
        let s = SubdivisionScheme::parse("khu_pho, ap").unwrap();
        assert_eq!(s.levels.len(), 1);
        assert!(s.allows(1, UnitKind::Ap));
        assert!(!s.allows(2, UnitKind::ToNhanDanTuQuan));
        assert_eq!(SubdivisionScheme::parse(&s.format()).unwrap(), s);
    }

    #[test]
    fn rejects_unknown_and_non_residential_kinds() {
        assert!(SubdivisionScheme::parse("khu_pho;ward").is_err());
        assert!(SubdivisionScheme::parse("village").is_err());
        assert!(SubdivisionScheme::parse("").is_err());
        assert!(SubdivisionScheme::parse("thon;thon;thon;thon").is_err());
    }
}
