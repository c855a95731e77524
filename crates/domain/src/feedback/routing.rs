//! Who must answer: a role at a level of the tree. A commune's routing table maps a category
//! (or any) to a level and a role; without a rule, the unit head answers first and the
//! commune next. Overdue items go one level up.

use serde::{Deserialize, Serialize};

use crate::access::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The residential unit the feedback is about (its head, deputy...).
    Unit,
    Commune,
    Province,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::Commune => "commune",
            Self::Province => "province",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Unit, Self::Commune, Self::Province]
            .into_iter()
            .find(|l| l.as_str() == s.trim())
    }

    /// The level an overdue item escalates to; the province is the last.
    pub fn up(self) -> Self {
        match self {
            Self::Unit => Self::Commune,
            Self::Commune | Self::Province => Self::Province,
        }
    }

    /// The role that answers at this level unless a rule says otherwise.
    pub fn default_role(self) -> Role {
        match self {
            Self::Unit => Role::UnitHead,
            Self::Commune => Role::CommuneOfficial,
            Self::Province => Role::ProvinceOfficial,
        }
    }
}

/// One row of a commune's routing table. `category` `None` matches every category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub category: Option<String>,
    pub level: Level,
    pub role: Role,
}

/// Categories the commune answers first unless its table has a rule for them: feedback
/// about the rearrangement of units concerns the commune's scheme, not one unit's head
/// (docs/beats.md).
pub const COMMUNE_CATEGORIES: &[&str] = &["restructuring"];

/// The body responsible: a role held on the unit at a level of the feedback's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsible {
    pub level: Level,
    pub role: Role,
}

impl Responsible {
    /// The most specific rule for `category` (a rule for the category beats a rule for any),
    /// else the unit head; a place with no residential unit starts at the commune.
    pub fn route(rules: &[RouteRule], category: &str, has_unit: bool) -> Self {
        let own = rules
            .iter()
            .find(|r| r.category.as_deref() == Some(category));
        if own.is_none() && COMMUNE_CATEGORIES.contains(&category) {
            return Self {
                level: Level::Commune,
                role: Level::Commune.default_role(),
            };
        }
        let rule = own.or_else(|| rules.iter().find(|r| r.category.is_none()));
        let mut r = match rule {
            Some(r) => Self {
                level: r.level,
                role: r.role,
            },
            None => Self {
                level: Level::Unit,
                role: Level::Unit.default_role(),
            },
        };
        if r.level == Level::Unit && !has_unit {
            r = Self {
                level: Level::Commune,
                role: Level::Commune.default_role(),
            };
        }
        r
    }

    /// One level up, with that level's default role.
    pub fn escalate(&self) -> Self {
        let level = self.level.up();
        Self {
            level,
            role: level.default_role(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_unit_head_then_the_commune() {
        let r = Responsible::route(&[], "traffic", true);
        assert_eq!(
            r,
            Responsible {
                level: Level::Unit,
                role: Role::UnitHead
            }
        );
        assert_eq!(
            r.escalate(),
            Responsible {
                level: Level::Commune,
                role: Role::CommuneOfficial
            }
        );
        assert_eq!(r.escalate().escalate().level, Level::Province);
        assert_eq!(r.escalate().escalate().escalate().level, Level::Province);
        assert_eq!(
            Responsible::route(&[], "traffic", false).level,
            Level::Commune
        );
    }

    #[test]
    fn restructuring_goes_to_the_commune_unless_a_rule_says_otherwise() {
        let catch_all = RouteRule {
            category: None,
            level: Level::Unit,
            role: Role::UnitHead,
        };
        let r = Responsible::route(std::slice::from_ref(&catch_all), "restructuring", true);
        assert_eq!(r.level, Level::Commune);
        assert_eq!(r.role, Role::CommuneOfficial);
        let own = RouteRule {
            category: Some("restructuring".into()),
            level: Level::Commune,
            role: Role::FrontCommittee,
        };
        assert_eq!(
            Responsible::route(&[catch_all, own], "restructuring", true).role,
            Role::FrontCommittee
        );
    }

    #[test]
    fn the_category_rule_beats_the_catch_all() {
        let rules = vec![
            RouteRule {
                category: None,
                level: Level::Commune,
                role: Role::CommuneOfficial,
            },
            RouteRule {
                category: Some("security_order".into()),
                level: Level::Commune,
                role: Role::CommunePolice,
            },
        ];
        assert_eq!(
            Responsible::route(&rules, "security_order", true).role,
            Role::CommunePolice
        );
        assert_eq!(
            Responsible::route(&rules, "traffic", true).role,
            Role::CommuneOfficial
        );
    }
}
