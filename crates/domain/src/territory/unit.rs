use jiff::civil::Date;

use super::{LocalCode, Tier, UnitCode, UnitKind};
use crate::error::{FieldError, FieldErrorKind};
use crate::territory::SubdivisionScheme;
use crate::text;

pub const NAME_MAX_CHARS: usize = 120;

/// A unit of the tree as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub code: String,
    pub parent_code: Option<String>,
    pub province_code: String,
    pub path: String,
    /// 1 for a province, 2 for a commune, 3 and below for residential units.
    pub level: i64,
    pub kind: UnitKind,
    pub name: String,
    pub codename: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

impl Unit {
    /// How many levels below its commune a residential unit sits (1 = directly below).
    pub fn depth_below_commune(&self) -> usize {
        usize::try_from(self.level - 2).unwrap_or(0)
    }
}

/// Raw input for a new residential unit, as a form or a JSON body gives it.
#[derive(Debug, Clone, Default)]
pub struct NewResidentialUnitInput {
    pub parent_code: String,
    pub local_code: String,
    pub name: String,
    pub kind: String,
    pub valid_from: Option<String>,
}

/// A residential unit that passed every rule and can be stored as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResidentialUnit {
    pub code: UnitCode,
    pub parent_code: String,
    pub province_code: String,
    pub path: String,
    pub level: i64,
    pub kind: UnitKind,
    pub name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
    pub valid_from: String,
}

impl NewResidentialUnit {
    /// Checks the input against its parent and the place's subdivision scheme.
    pub fn parse(
        input: &NewResidentialUnitInput,
        parent: &Unit,
        scheme: &SubdivisionScheme,
        today: Date,
    ) -> Result<Self, FieldError> {
        if parent.kind.tier() == Tier::Province {
            return Err(FieldError::new(
                "parent_code",
                FieldErrorKind::NotAllowedHere,
                "residential units sit below a commune, not a province",
            ));
        }
        if parent.valid_to.is_some() {
            return Err(FieldError::new(
                "parent_code",
                FieldErrorKind::NotAllowedHere,
                "the parent unit no longer exists",
            ));
        }
        let local = LocalCode::parse(&input.local_code)?;
        let name = text::clean(&input.name);
        if name.is_empty() {
            return Err(FieldError::new(
                "name",
                FieldErrorKind::Required,
                "empty name",
            ));
        }
        let chars = name.chars().count();
        if chars > NAME_MAX_CHARS {
            return Err(FieldError::new(
                "name",
                FieldErrorKind::TooLong {
                    max: NAME_MAX_CHARS,
                },
                format!("{chars} characters"),
            ));
        }
        let kind_raw = input.kind.trim();
        if kind_raw.is_empty() {
            return Err(FieldError::new(
                "kind",
                FieldErrorKind::Required,
                "empty kind",
            ));
        }
        let kind = UnitKind::parse(kind_raw)
            .filter(|k| k.tier() == Tier::Residential)
            .ok_or_else(|| {
                FieldError::new(
                    "kind",
                    FieldErrorKind::UnknownValue,
                    format!("not a residential unit kind: {kind_raw}"),
                )
            })?;
        let depth = parent.depth_below_commune() + 1;
        if !scheme.allows(depth, kind) {
            return Err(FieldError::new(
                "kind",
                FieldErrorKind::NotAllowedHere,
                format!("{} is not allowed at level {depth} here", kind.as_str()),
            ));
        }
        let valid_from = match input.valid_from.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(raw) => raw.parse::<Date>().map_err(|_| {
                FieldError::new(
                    "valid_from",
                    FieldErrorKind::InvalidFormat,
                    format!("not a YYYY-MM-DD date: {raw}"),
                )
            })?,
        };
        let parent_code = UnitCode::parse(&parent.code)?;
        Ok(Self {
            code: UnitCode::child(&parent_code, &local),
            parent_code: parent.code.clone(),
            province_code: parent.province_code.clone(),
            path: format!("{}/{}", parent.path, local.as_str()),
            level: parent.level + 1,
            kind,
            name_folded: text::fold(&name),
            sort_key: text::sort_key(&name),
            name,
            valid_from: valid_from.to_string(),
        })
    }
}

/// A search over unit names, accent- and case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// A SQL `LIKE` pattern over the folded name, with `\` as the escape character.
    pub like_pattern: String,
}

impl SearchQuery {
    /// `None` for a query that is blank after trimming.
    pub fn parse(raw: &str) -> Result<Option<Self>, FieldError> {
        let folded = text::fold(raw);
        if folded.is_empty() {
            return Ok(None);
        }
        if folded.chars().count() > 100 {
            return Err(FieldError::new(
                "q",
                FieldErrorKind::TooLong { max: 100 },
                "search text too long",
            ));
        }
        let mut pattern = String::from("%");
        for word in folded.split(' ') {
            for c in word.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            // Words must appear in order but not necessarily side by side.
            pattern.push('%');
        }
        Ok(Some(Self {
            like_pattern: pattern,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ward() -> Unit {
        Unit {
            code: "26743".into(),
            parent_code: Some("79".into()),
            province_code: "79".into(),
            path: "79/26743".into(),
            level: 2,
            kind: UnitKind::Ward,
            name: "Phường Bến Thành".into(),
            codename: None,
            valid_from: "2025-07-01".into(),
            valid_to: None,
        }
    }

    fn input(local: &str, name: &str, kind: &str) -> NewResidentialUnitInput {
        NewResidentialUnitInput {
            parent_code: "26743".into(),
            local_code: local.into(),
            name: name.into(),
            kind: kind.into(),
            valid_from: None,
        }
    }

    fn today() -> Date {
        jiff::civil::date(2026, 11, 21)
    }

    #[test]
    fn builds_code_path_and_keys() {
        let scheme = SubdivisionScheme::default_for(UnitKind::Ward);
        let u = NewResidentialUnit::parse(
            &input("KP03", "  Khu phố  3 ", "khu_pho"),
            &ward(),
            &scheme,
            today(),
        )
        .unwrap();
        assert_eq!(u.code.as_str(), "26743-kp03");
        assert_eq!(u.path, "79/26743/kp03");
        assert_eq!(u.level, 3);
        assert_eq!(u.name, "Khu phố 3");
        assert_eq!(u.name_folded, "khu pho 3");
        assert_eq!(u.valid_from, "2026-11-21");
    }

    #[test]
    fn names_the_bad_field() {
        let scheme = SubdivisionScheme::default_for(UnitKind::Ward);
        let cases = [
            (input("kp1", "", "khu_pho"), "name"),
            (input("", "Khu phố 1", "khu_pho"), "local_code"),
            (input("kp1", "Khu phố 1", ""), "kind"),
            (input("kp1", "Khu phố 1", "village"), "kind"),
            (input("kp1", "Thôn 1", "thon"), "kind"),
            (input("kp1", &"x".repeat(121), "khu_pho"), "name"),
        ];
        for (i, field) in cases {
            let e = NewResidentialUnit::parse(&i, &ward(), &scheme, today()).unwrap_err();
            assert_eq!(e.field, field, "{i:?}");
        }
        let mut bad_date = input("kp1", "Khu phố 1", "khu_pho");
        bad_date.valid_from = Some("21/11/2026".into());
        let e = NewResidentialUnit::parse(&bad_date, &ward(), &scheme, today()).unwrap_err();
        assert_eq!(e.field, "valid_from");
    }

    #[test]
    fn depth_follows_the_scheme() {
        let one_level = SubdivisionScheme::parse("khu_pho,ap").unwrap();
        let kp = NewResidentialUnit::parse(
            &input("kp1", "Khu phố 1", "khu_pho"),
            &ward(),
            &one_level,
            today(),
        )
        .unwrap();
        let parent = Unit {
            code: kp.code.as_str().into(),
            parent_code: Some("26743".into()),
            province_code: "79".into(),
            path: kp.path.clone(),
            level: kp.level,
            kind: kp.kind,
            name: kp.name.clone(),
            codename: None,
            valid_from: kp.valid_from.clone(),
            valid_to: None,
        };
        let deeper = input("t1", "Tổ 1", "to_nhan_dan_tu_quan");
        let e = NewResidentialUnit::parse(&deeper, &parent, &one_level, today()).unwrap_err();
        assert_eq!(e.kind, FieldErrorKind::NotAllowedHere);
        let two_levels = SubdivisionScheme::default_for(UnitKind::Ward);
        let t = NewResidentialUnit::parse(&deeper, &parent, &two_levels, today()).unwrap();
        assert_eq!(t.path, "79/26743/kp1/t1");
        assert_eq!(t.code.as_str(), "26743-kp1-t1");
    }

    #[test]
    fn search_pattern_is_folded_and_escaped() {
        let q = |s| SearchQuery::parse(s).unwrap().map(|q| q.like_pattern);
        assert_eq!(q("Bến Thành"), Some("%ben%thanh%".into()));
        assert_eq!(q("phuong ben thanh"), Some("%phuong%ben%thanh%".into()));
        assert_eq!(q("Đà"), Some("%da%".into()));
        assert_eq!(q("50%_x"), Some("%50\\%\\_x%".into()));
        assert_eq!(q("   "), None);
        assert!(SearchQuery::parse(&"a".repeat(101)).is_err());
    }
}
