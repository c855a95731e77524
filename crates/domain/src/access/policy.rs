//! Who may manage which account: giving and taking back roles, disabling, resetting
//! passwords. The application layer asks these; pages only show what they allow.

use super::{allowed, authorize, Action, Actor, Denied, Grant, Role, Target};

/// Why a step of account management is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may not act there at all (HTTP 403).
    Denied(Denied),
    /// Well-formed input a rule refuses (HTTP 422): a stable code and the field it concerns.
    Rule {
        code: &'static str,
        field: &'static str,
    },
}

impl From<Denied> for Refusal {
    fn from(d: Denied) -> Self {
        Self::Denied(d)
    }
}

/// The units an account's grants sit on, as authorization targets: one per grant (`None`
/// for a national grant, or a grant whose unit is gone), and the whole country for an
/// account without grants, which only national officials may see.
pub fn scope_targets(grants: &[Grant]) -> Vec<Target<'_>> {
    if grants.is_empty() {
        return vec![None];
    }
    grants.iter().map(|g| g.unit_path.as_deref()).collect()
}

/// An account is in the actor's scope for `action` when every one of its grants is.
pub fn in_scope(actor: &Actor, action: Action, grants: &[Grant]) -> Result<(), Denied> {
    scope_targets(grants)
        .into_iter()
        .try_for_each(|t| authorize(actor, action, t))
}

/// Whether `actor` may give someone `role` on the unit at `path`: they must be allowed to
/// manage users there, and hold a role there at least as high as the one given.
pub fn may_assign(actor: &Actor, role: Role, path: Target<'_>) -> Result<(), Denied> {
    authorize(actor, Action::UserManage, path)?;
    if role.rank() <= best_rank_at(actor, path) {
        Ok(())
    } else {
        Err(Denied {
            action: Action::UserManage,
            target: path.map(str::to_owned),
        })
    }
}

/// The same question when the role is the actor's input (inviting, adding a grant): not
/// managing users there is a refusal (403); a role above one's own there is a rule about
/// the `role` field (422, `rule.role_above_own`).
pub fn check_assign(actor: &Actor, role: Role, path: Target<'_>) -> Result<(), Refusal> {
    authorize(actor, Action::UserManage, path)?;
    if role.rank() <= best_rank_at(actor, path) {
        Ok(())
    } else {
        Err(Refusal::Rule {
            code: "role_above_own",
            field: "role",
        })
    }
}

fn best_rank_at(actor: &Actor, path: Target<'_>) -> u8 {
    actor
        .grants
        .iter()
        .filter(|g| match path {
            Some(p) => g.covers(p),
            None => g.unit_path.is_none(),
        })
        .map(|g| g.role.rank())
        .max()
        .unwrap_or(0)
}

/// The actor could have given each of the target's grants: nobody disables, re-enables or
/// resets the password of an account holding a role above their own.
pub fn outranks(actor: &Actor, grants: &[Grant]) -> bool {
    grants
        .iter()
        .all(|g| may_assign(actor, g.role, g.unit_path.as_deref()).is_ok())
}

/// Officials do not manage their own account through user management (no self-granting,
/// self-disabling or resetting one's own password; the account page is for that): a rule
/// about the target (422, `rule.self_management`).
pub fn check_not_self(actor: &Actor, target_user_id: crate::UserId) -> Result<(), Refusal> {
    if actor.user_id == target_user_id {
        Err(Refusal::Rule {
            code: "self_management",
            field: "user",
        })
    } else {
        Ok(())
    }
}

/// Whether the actor may disable, re-enable or reset the password of the account
/// `target_user_id` holding `grants`: not their own, and none of its roles above theirs
/// (that is a refusal, 403).
pub fn check_administer(
    actor: &Actor,
    target_user_id: crate::UserId,
    grants: &[Grant],
) -> Result<(), Refusal> {
    check_not_self(actor, target_user_id)?;
    if outranks(actor, grants) {
        Ok(())
    } else {
        Err(Refusal::Denied(Denied {
            action: Action::UserManage,
            target: grants.iter().find_map(|g| g.unit_path.clone()),
        }))
    }
}

/// The widest unit on which `actor` may do `action`: `Some(None)` for a national grant,
/// `Some(Some(path))` for the highest unit of their grants, `None` when no grant allows it.
/// Lists without an explicit unit (accounts, the audit log) start there.
pub fn widest_scope(actor: &Actor, action: Action) -> Option<Target<'_>> {
    let mut best: Option<Target<'_>> = None;
    for g in actor.grants.iter().filter(|g| allowed(g.role, action)) {
        match g.unit_path.as_deref() {
            None => return Some(None),
            Some(p) => {
                if best.flatten().is_none_or(|b| p.len() < b.len()) {
                    best = Some(Some(p));
                }
            }
        }
    }
    best
}

/// The roles `actor` may hand out somewhere: those not above their best role.
pub fn assignable_roles(actor: &Actor) -> Vec<Role> {
    let best = actor
        .grants
        .iter()
        .map(|g| g.role.rank())
        .max()
        .unwrap_or(0);
    Role::ALL.into_iter().filter(|r| r.rank() <= best).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, path: Option<&str>) -> Grant {
        Grant {
            role,
            unit_code: path.map(|p| p.rsplit('/').next().unwrap().to_owned()),
            unit_path: path.map(str::to_owned),
        }
    }

    fn actor(id: i64, role: Role, path: Option<&str>) -> Actor {
        Actor {
            user_id: crate::UserId(id),
            username: "u".into(),
            grants: vec![grant(role, path)],
        }
    }

    const COMMUNE: &str = "79/26743";
    const KP: &str = "79/26743/kp01";

    #[test]
    fn nobody_assigns_a_role_above_their_own() {
        let official = actor(1, Role::CommuneOfficial, Some(COMMUNE));
        assert_eq!(check_assign(&official, Role::Resident, Some(KP)), Ok(()));
        assert_eq!(
            check_assign(&official, Role::CommuneOfficial, Some(COMMUNE)),
            Ok(())
        );
        assert_eq!(
            check_assign(&official, Role::ProvinceOfficial, Some(KP)),
            Err(Refusal::Rule {
                code: "role_above_own",
                field: "role"
            })
        );
        assert!(may_assign(&official, Role::ProvinceOfficial, Some(KP)).is_err());
    }

    #[test]
    fn assigning_outside_ones_units_is_denied_not_a_rule() {
        let official = actor(1, Role::CommuneOfficial, Some(COMMUNE));
        assert!(matches!(
            check_assign(&official, Role::Resident, Some("79/00070")),
            Err(Refusal::Denied(_))
        ));
        assert!(matches!(
            check_assign(&official, Role::SystemAdmin, None),
            Err(Refusal::Denied(_))
        ));
        let resident = actor(1, Role::Resident, Some(KP));
        assert!(matches!(
            check_assign(&resident, Role::Resident, Some(KP)),
            Err(Refusal::Denied(_))
        ));
    }

    #[test]
    fn assignable_roles_stop_at_the_best_role() {
        let official = actor(1, Role::CommuneOfficial, Some(COMMUNE));
        let roles = assignable_roles(&official);
        assert!(roles.contains(&Role::CommuneOfficial));
        assert!(roles.contains(&Role::Resident));
        assert!(!roles.contains(&Role::ProvinceOfficial));
        assert!(!roles.contains(&Role::SystemAdmin));
        let admin = actor(1, Role::SystemAdmin, None);
        assert_eq!(assignable_roles(&admin), Role::ALL.to_vec());
        let nobody = Actor {
            user_id: crate::UserId(1),
            username: "n".into(),
            grants: vec![],
        };
        assert!(assignable_roles(&nobody).is_empty());
    }

    #[test]
    fn outranking_needs_every_grant_assignable() {
        let official = actor(1, Role::CommuneOfficial, Some(COMMUNE));
        assert!(outranks(&official, &[grant(Role::UnitHead, Some(KP))]));
        assert!(!outranks(
            &official,
            &[
                grant(Role::UnitHead, Some(KP)),
                grant(Role::ProvinceOfficial, Some("79"))
            ]
        ));
        assert!(outranks(&official, &[]));
    }

    #[test]
    fn nobody_manages_their_own_account_here() {
        let official = actor(7, Role::CommuneOfficial, Some(COMMUNE));
        let rule = Err(Refusal::Rule {
            code: "self_management",
            field: "user",
        });
        assert_eq!(check_not_self(&official, crate::UserId(7)), rule);
        assert_eq!(check_not_self(&official, crate::UserId(8)), Ok(()));
        assert_eq!(check_administer(&official, crate::UserId(7), &[]), rule);
        assert!(matches!(
            check_administer(
                &official,
                crate::UserId(8),
                &[grant(Role::SystemAdmin, None)]
            ),
            Err(Refusal::Denied(_))
        ));
        assert_eq!(
            check_administer(
                &official,
                crate::UserId(8),
                &[grant(Role::Resident, Some(KP))]
            ),
            Ok(())
        );
    }

    #[test]
    fn the_widest_scope_is_the_highest_grant() {
        let mut official = actor(1, Role::CommuneOfficial, Some(KP));
        official
            .grants
            .push(grant(Role::CommuneOfficial, Some(COMMUNE)));
        official.grants.push(grant(Role::Resident, Some("79")));
        assert_eq!(
            widest_scope(&official, Action::UserView),
            Some(Some(COMMUNE))
        );
        let admin = actor(1, Role::SystemAdmin, None);
        assert_eq!(widest_scope(&admin, Action::AuditView), Some(None));
        let resident = actor(1, Role::Resident, Some(KP));
        assert_eq!(widest_scope(&resident, Action::UserView), None);
    }

    #[test]
    fn accounts_without_grants_are_national_scope() {
        let official = actor(1, Role::CommuneOfficial, Some(COMMUNE));
        assert!(in_scope(&official, Action::UserView, &[]).is_err());
        assert!(in_scope(
            &official,
            Action::UserView,
            &[grant(Role::Resident, Some(KP))]
        )
        .is_ok());
        let admin = actor(1, Role::SystemAdmin, None);
        assert!(in_scope(&admin, Action::UserView, &[]).is_ok());
    }
}
