//! Who may do what where: roles, grants on the unit tree, the permission table, and the one
//! authorization check every read and write of non-public data passes.

mod password;
mod policy;
mod role;
mod table;
pub mod throttle;

pub use crate::code::{GrantId, TokenId};
pub use password::{Password, Username};
pub use policy::{
    assignable_roles, check_administer, check_assign, check_not_self, in_scope, may_assign,
    outranks, scope_targets, widest_scope, Refusal,
};
pub use role::Role;
pub use table::{allowed, markdown_table, Action};

use std::fmt;

/// A role held on a unit; it covers the unit's whole subtree. `unit_path` `None` is the
/// whole country (system administrators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub unit_code: Option<String>,
    pub unit_path: Option<String>,
}

impl Grant {
    /// Whether this grant's unit is `path` or above it.
    pub fn covers(&self, path: &str) -> bool {
        match &self.unit_path {
            None => true,
            Some(p) => {
                path == p || (path.starts_with(p.as_str()) && path[p.len()..].starts_with('/'))
            }
        }
    }
}

/// The person acting, with the grants they hold.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: crate::UserId,
    pub username: String,
    pub grants: Vec<Grant>,
}

/// Where an action applies: a unit of the tree (by its materialized path), or the whole
/// country (`None`) for actions such as creating a province-wide setting.
pub type Target<'a> = Option<&'a str>;

/// A refusal. Carries what was refused, for logs; the user sees a generic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub action: Action,
    pub target: Option<String>,
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} denied on {}",
            self.action.as_str(),
            self.target.as_deref().unwrap_or("(country)")
        )
    }
}

impl std::error::Error for Denied {}

/// The authorization check. Allowed when one of the actor's grants has a role that the
/// permission table allows for `action` and covers the target unit.
pub fn authorize(actor: &Actor, action: Action, target: Target<'_>) -> Result<(), Denied> {
    let ok = actor.grants.iter().any(|g| {
        allowed(g.role, action)
            && match target {
                Some(path) => g.covers(path),
                None => g.unit_path.is_none(),
            }
    });
    if ok {
        Ok(())
    } else {
        Err(Denied {
            action,
            target: target.map(str::to_owned),
        })
    }
}

/// How long to lock a login key (an account or a client address) after `failures`
/// consecutive failures, when `free` failures are tolerated: 15 s, then doubling, at most an
/// hour. Growing delays slow guessing without locking an owner out for long.
pub fn lockout_secs(failures: i64, free: i64) -> Option<i64> {
    if failures <= free {
        return None;
    }
    let doublings = u32::try_from((failures - free - 1).min(10)).unwrap_or(10);
    Some((15_i64 << doublings).min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, path: Option<&str>) -> Actor {
        Actor {
            user_id: crate::UserId(1),
            username: "u".into(),
            grants: vec![Grant {
                role,
                unit_code: path.map(|p| p.rsplit('/').next().unwrap().to_owned()),
                unit_path: path.map(str::to_owned),
            }],
        }
    }

    #[test]
    fn a_grant_covers_its_subtree_only() {
        let g = actor(Role::CommuneOfficial, Some("79/26743")).grants[0].clone();
        assert!(g.covers("79/26743"));
        assert!(g.covers("79/26743/kp01"));
        assert!(!g.covers("79/267430"));
        assert!(!g.covers("79"));
        assert!(!g.covers("79/26740/kp01"));
    }

    #[test]
    fn authorize_checks_role_and_place() {
        let head = actor(Role::UnitHead, Some("79/26743/kp01"));
        assert!(authorize(&head, Action::HouseholdView, Some("79/26743/kp01")).is_ok());
        assert!(authorize(&head, Action::HouseholdView, Some("79/26743/kp02")).is_err());
        assert!(authorize(&head, Action::UnitCreate, Some("79/26743/kp01")).is_err());
        let admin = actor(Role::SystemAdmin, None);
        assert!(authorize(&admin, Action::UnitCreate, Some("01/00070")).is_ok());
        assert!(authorize(&admin, Action::UnitCreate, None).is_ok());
        let official = actor(Role::CommuneOfficial, Some("79/26743"));
        assert!(authorize(&official, Action::AuditView, None).is_err());
        let nobody = Actor {
            user_id: crate::UserId(2),
            username: "n".into(),
            grants: vec![],
        };
        assert!(authorize(&nobody, Action::HouseholdView, Some("79")).is_err());
    }

    #[test]
    fn lockouts_grow_and_are_capped() {
        assert_eq!(lockout_secs(5, 5), None);
        assert_eq!(lockout_secs(6, 5), Some(15));
        assert_eq!(lockout_secs(7, 5), Some(30));
        assert_eq!(lockout_secs(8, 5), Some(60));
        assert_eq!(lockout_secs(100, 5), Some(3600));
    }

    #[test]
    fn nobody_gives_a_role_above_their_own() {
        let official = actor(Role::CommuneOfficial, Some("79/26743"));
        assert!(may_assign(&official, Role::UnitHead, Some("79/26743/kp01")).is_ok());
        assert!(may_assign(&official, Role::CommuneOfficial, Some("79/26743")).is_ok());
        assert!(may_assign(&official, Role::ProvinceOfficial, Some("79/26743")).is_err());
        assert!(may_assign(&official, Role::SystemAdmin, None).is_err());
        assert!(may_assign(&official, Role::UnitHead, Some("79/26740")).is_err());
        let head = actor(Role::UnitHead, Some("79/26743/kp01"));
        assert!(may_assign(&head, Role::Resident, Some("79/26743/kp01")).is_err());
    }
}
