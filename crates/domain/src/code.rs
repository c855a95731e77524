//! Decoding stored codes into domain enums, and the id newtypes.
//!
//! The store keeps enums as their `as_str` codes; records decode them with `TryFrom<String>`
//! (sqlx `#[sqlx(try_from = "String")]`), so a value the domain does not know is a decoding
//! error, never a default. Ids are newtypes so a household id cannot be passed where a
//! resident's belongs; they are `serde(transparent)`, so JSON and URLs keep plain numbers.
//! The domain has no sqlx: the store converts them at its boundary (`store::ids`).

use serde::{Deserialize, Serialize};

/// A stored code no variant has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} code {value:?}")]
pub struct UnknownCode {
    pub what: &'static str,
    pub value: String,
}

/// Implements `TryFrom<String>` (exactly `as_str`, no aliases or trimming) for enums that
/// have `as_str` and `parse`.
macro_rules! decode_code {
    ($($t:ty),* $(,)?) => {$(
        impl TryFrom<String> for $t {
            type Error = $crate::code::UnknownCode;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                <$t>::parse(&value)
                    .filter(|v| v.as_str() == value)
                    .ok_or($crate::code::UnknownCode { what: stringify!($t), value })
            }
        }
    )*};
}

decode_code!(
    crate::access::Role,
    crate::feedback::Level,
    crate::feedback::Status,
    crate::files::OwnerKind,
    crate::groups::DecisionKind,
    crate::groups::GroupKind,
    crate::groups::GroupStatus,
    crate::groups::PositionRole,
    crate::people::ErasureStatus,
    crate::people::HouseholdStatus,
    crate::people::ResidentStatus,
    crate::territory::UnitKind,
);

/// A closed set of codes as an enum: `ALL`, `as_str` (the stored and JSON code), `parse`
/// (trimmed, for input) and `TryFrom<String>` (exactly the stored code, for records: an
/// unknown value in the database is an error). The one definition every area uses.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$v),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s.trim())
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::code::UnknownCode;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == value)
                    .ok_or($crate::code::UnknownCode { what: stringify!($name), value })
            }
        }
    };
}
pub(crate) use code_enum;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(v)
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )*};
}

id_type!(
    /// A household (`households.id`).
    HouseholdId,
    /// A resident (`residents.id`).
    ResidentId,
    /// A group (`groups.id`).
    GroupId,
    /// A feedback item (`feedback.id`): the row's id, used between the layers. Its public
    /// face is the tracking code (`PA-…`), which stays a string. In JSON and paths it is a
    /// plain number:
    ///
    /// ```
    /// use tuquan_domain::FeedbackId;
    /// let id: FeedbackId = "42".parse().unwrap();
    /// assert_eq!(id.get(), 42);
    /// assert_eq!(serde_json::to_string(&id).unwrap(), "42");
    /// assert_eq!(serde_json::from_str::<FeedbackId>("42").unwrap(), id);
    /// ```
    ///
    /// It is not a unit's code, nor another kind of id: passing one where those belong does
    /// not compile.
    ///
    /// ```compile_fail
    /// fn items_of(_: tuquan_domain::territory::UnitCode) {}
    /// items_of(tuquan_domain::FeedbackId(7));
    /// ```
    ///
    /// ```compile_fail
    /// fn acknowledged_by(_: tuquan_domain::HouseholdId) {}
    /// acknowledged_by(tuquan_domain::FeedbackId(7));
    /// ```
    FeedbackId,
    /// An account (`users.id`).
    UserId,
    /// A stored file (`files.id`).
    FileId,
);

// meetings
id_type!(
    /// A meeting (`meetings.id`).
    MeetingId,
);

// votes
id_type!(
    /// A vote at a meeting or a household ballot (`votes.id`).
    VoteId,
);

// action items
id_type!(
    /// An action item (`action_items.id`).
    ActionItemId,
);

// --- notices ---
id_type!(
    /// An announcement (`announcements.id`).
    AnnouncementId,
    /// A photo of a feedback item (`feedback_photos.id`).
    PhotoId,
);

// --- consultations ---
id_type!(
    /// A consultation on a draft document (`consultations.id`).
    ConsultationId,
    /// A household's comment on one article of a consultation (`consultation_comments.id`).
    CommentId,
);

// --- beats ---
id_type!(
    /// A police beat (`beats.id`).
    BeatId,
    /// A unit's assignment to a beat, with its dates (`beat_units.id`).
    BeatAssignmentId,
    /// A militia head's term in a unit (`militia_heads.id`).
    MilitiaHeadId,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::GroupKind;
    use crate::people::HouseholdStatus;

    #[test]
    fn stored_codes_decode_exactly() {
        assert_eq!(
            HouseholdStatus::try_from("moved_away".to_owned()),
            Ok(HouseholdStatus::MovedAway)
        );
        // Aliases and padding the parsers accept from people are not stored codes.
        assert!(GroupKind::try_from("to_xung_kich".to_owned()).is_err());
        assert!(HouseholdStatus::try_from(" active".to_owned()).is_err());
        let e = HouseholdStatus::try_from("gone".to_owned()).unwrap_err();
        assert_eq!(e.value, "gone");
    }

    #[test]
    fn ids_are_plain_numbers_in_json() {
        assert_eq!(serde_json::to_string(&HouseholdId(7)).unwrap(), "7");
        let id: ResidentId = serde_json::from_str("12").unwrap();
        assert_eq!(id, ResidentId(12));
        assert_eq!("5".parse::<GroupId>().unwrap().to_string(), "5");
    }
}

// --- people ---
id_type!(
    /// A resident's request to erase their personal data (`erasure_requests.id`).
    ErasureRequestId,
    /// A consent a resident gave or withdrew (`consents.id`).
    ConsentId,
    /// A position held in a group (`group_positions.id`).
    PositionId,
    /// An establishment or dissolution decision of a group (`group_decisions.id`).
    DecisionId,
    /// A version of a unit's coordination regulation (`regulations.id`).
    RegulationId,
    /// A role granted to an account (`grants.id`).
    GrantId,
    /// An API token (`api_tokens.id`).
    TokenId,
);

// --- schemes ---
id_type!(
    /// A restructuring scheme (`restructuring_schemes.id`).
    SchemeId,
    /// An item of a scheme: a merge, a split or a rename (`restructuring_scheme_items.id`).
    SchemeItemId,
    /// A part of a split (`restructuring_split_parts.id`).
    SplitPartId,
    /// A freeze on applying schemes (`restructuring_freezes.id`).
    FreezeId,
    /// A thanks record (tri ân) of a leader whose post ended (`service_thanks.id`).
    ThanksId,
);
