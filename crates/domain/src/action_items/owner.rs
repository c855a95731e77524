//! Who owes an action item: a person (a resident of the unit, or an account) or a position in
//! a group, resolved to whoever holds it when asked — so a task of "the head of the security
//! team" follows the post when the head changes.

use crate::code::code_enum;
use crate::groups::PositionRole;
use crate::{FieldError, FieldErrorKind, GroupId, ResidentId, UserId};

code_enum!(
    /// The kind of owner, as stored.
    OwnerKind {
        Resident => "resident",
        Account => "account",
        Position => "position",
    }
);

/// A parsed owner. The store checks that the resident lives in the unit, that the account
/// exists and that the group belongs to the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Resident(ResidentId),
    Account(UserId),
    /// A single post of a group: head, deputy or secretary (a "member" is not one person).
    Position {
        group_id: GroupId,
        role: PositionRole,
    },
}

impl Owner {
    pub fn kind(&self) -> OwnerKind {
        match self {
            Self::Resident(_) => OwnerKind::Resident,
            Self::Account(_) => OwnerKind::Account,
            Self::Position { .. } => OwnerKind::Position,
        }
    }

    /// Parses the owner fields of a form: `owner_kind` and the id its kind needs.
    pub fn parse(
        kind: &str,
        resident_id: Option<i64>,
        user_id: Option<i64>,
        group_id: Option<i64>,
        role: Option<&str>,
    ) -> Result<Self, FieldError> {
        let id = |v: Option<i64>, field: &'static str| match v {
            None => Err(FieldError::new(field, FieldErrorKind::Required, "empty")),
            Some(v) if v <= 0 => Err(FieldError::new(
                field,
                FieldErrorKind::InvalidFormat,
                "not an id",
            )),
            Some(v) => Ok(v),
        };
        match kind.trim() {
            "" => Err(FieldError::new(
                "owner_kind",
                FieldErrorKind::Required,
                "empty",
            )),
            "resident" => Ok(Self::Resident(ResidentId(id(
                resident_id,
                "owner_resident_id",
            )?))),
            "account" => Ok(Self::Account(UserId(id(user_id, "owner_user_id")?))),
            "position" => {
                let group_id = GroupId(id(group_id, "owner_group_id")?);
                let role = match role.map(str::trim).unwrap_or("") {
                    "" => {
                        return Err(FieldError::new(
                            "owner_role",
                            FieldErrorKind::Required,
                            "empty",
                        ))
                    }
                    r => PositionRole::parse(r)
                        .filter(|r| *r != PositionRole::Member)
                        .ok_or_else(|| {
                            FieldError::new(
                                "owner_role",
                                FieldErrorKind::UnknownValue,
                                "not a single post",
                            )
                        })?,
                };
                Ok(Self::Position { group_id, role })
            }
            _ => Err(FieldError::new(
                "owner_kind",
                FieldErrorKind::UnknownValue,
                "unknown kind",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_needs_its_id() {
        assert_eq!(
            Owner::parse("resident", Some(4), None, None, None),
            Ok(Owner::Resident(ResidentId(4)))
        );
        assert_eq!(
            Owner::parse("account", None, Some(9), None, None),
            Ok(Owner::Account(UserId(9)))
        );
        assert_eq!(
            Owner::parse("position", None, None, Some(2), Some("head")),
            Ok(Owner::Position {
                group_id: GroupId(2),
                role: PositionRole::Head
            })
        );
        assert_eq!(
            Owner::parse("resident", None, Some(9), None, None)
                .unwrap_err()
                .field,
            "owner_resident_id"
        );
        assert_eq!(
            Owner::parse("account", None, Some(0), None, None)
                .unwrap_err()
                .kind,
            FieldErrorKind::InvalidFormat
        );
        assert_eq!(
            Owner::parse("", None, None, None, None).unwrap_err().field,
            "owner_kind"
        );
        assert_eq!(
            Owner::parse("boss", None, None, None, None)
                .unwrap_err()
                .kind,
            FieldErrorKind::UnknownValue
        );
    }

    #[test]
    fn a_position_is_a_single_post() {
        let e = Owner::parse("position", None, None, Some(2), Some("member")).unwrap_err();
        assert_eq!(
            (e.field, e.kind),
            ("owner_role", FieldErrorKind::UnknownValue)
        );
        assert_eq!(
            Owner::parse("position", None, None, Some(2), None)
                .unwrap_err()
                .kind,
            FieldErrorKind::Required
        );
        assert_eq!(
            Owner::parse("position", None, None, None, Some("head"))
                .unwrap_err()
                .field,
            "owner_group_id"
        );
    }
}
