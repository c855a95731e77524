//! Attendance: who came for a household (or, at a group meeting, which person came), how,
//! and the short codes printed on the sign-in sheet to find a row fast.

use std::collections::HashSet;

use serde::Deserialize;

use super::code_enum;
use super::input::optional_text;
use crate::error::{Checks, FieldError, FieldErrorKind};
use crate::{HouseholdId, ResidentId};

pub const ATTENDEE_NAME_MAX: usize = 100;

code_enum!(
    /// Who came for the household.
    AttendeeKind {
        /// The household's representative (usually its head).
        Representative => "representative",
        /// Another named member of the household.
        Member => "member",
        /// Somebody else with the household's written authorisation (giấy ủy quyền).
        Proxy => "proxy",
    }
);

code_enum!(
    /// How the attendance was entered.
    AttendanceSource {
        /// Live at the meeting, on a phone.
        Live => "live",
        /// Afterwards, from the signed paper sheet.
        Paper => "paper",
    }
);

/// One row of attendance as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttendanceInput {
    /// The household (community meetings) …
    #[serde(default)]
    pub household_id: Option<HouseholdId>,
    /// … or the row's short code from the sign-in sheet.
    #[serde(default)]
    pub code: Option<String>,
    /// The person who came, when a resident of the household (or, at a group meeting, the
    /// member).
    #[serde(default)]
    pub resident_id: Option<ResidentId>,
    /// `representative` (default), `member` or `proxy`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The name of who came, required for a proxy.
    #[serde(default)]
    pub name: Option<String>,
    /// The cluster (Art 18) the household attended, 1 when blank.
    #[serde(default)]
    pub cluster: Option<i64>,
    /// `live` (default) or `paper`.
    #[serde(default)]
    pub source: Option<String>,
}

/// A valid attendance row (the household or person still to be found in the roll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendance {
    pub kind: AttendeeKind,
    pub name: Option<String>,
    pub resident_id: Option<ResidentId>,
    pub cluster: i64,
    pub source: AttendanceSource,
}

fn code_of<T: Copy>(
    raw: Option<&str>,
    field: &'static str,
    default: T,
    parse: fn(&str) -> Option<T>,
) -> Result<T, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => parse(s)
            .ok_or_else(|| FieldError::new(field, FieldErrorKind::UnknownValue, s.to_owned())),
    }
}

impl NewAttendance {
    /// Checks the row: a proxy needs a name; the cluster is within the meeting's clusters.
    pub fn parse(input: &AttendanceInput, clusters: i64) -> Result<Self, Vec<FieldError>> {
        let mut c = Checks::default();
        let kind = c.check(code_of(
            input.kind.as_deref(),
            "kind",
            AttendeeKind::Representative,
            AttendeeKind::parse,
        ));
        let name = c.check(optional_text(
            input.name.as_deref(),
            "name",
            ATTENDEE_NAME_MAX,
        ));
        let source = c.check(code_of(
            input.source.as_deref(),
            "source",
            AttendanceSource::Live,
            AttendanceSource::parse,
        ));
        let cluster = c.check(match input.cluster {
            None => Ok(1),
            Some(n) if (1..=clusters).contains(&n) => Ok(n),
            Some(_) => Err(FieldError::new(
                "cluster",
                FieldErrorKind::OutOfRange {
                    min: 1,
                    max: clusters,
                },
                "cluster",
            )),
        });
        if kind == Some(AttendeeKind::Proxy) && matches!(name, Some(None)) {
            c.check::<()>(Err(FieldError::new(
                "name",
                FieldErrorKind::Required,
                "proxy",
            )));
        }
        let errors = c.into_errors();
        match (kind, name, source, cluster) {
            (Some(kind), Some(name), Some(source), Some(cluster)) if errors.is_empty() => {
                Ok(Self {
                    kind,
                    name,
                    resident_id: input.resident_id,
                    cluster,
                    source,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Letters and digits nobody confuses on paper or types wrong on a phone (no 0/O, 1/I/L,
/// 2/Z, 5/S, 8/B, 6/G).
const ALPHABET: &[u8] = b"ACDEFHJKMNPRTUVWXY3479";

fn hash(meeting: i64, member: i64, salt: u64) -> u64 {
    // FNV-1a: stable across releases and platforms (the codes are printed on paper).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in meeting
        .to_le_bytes()
        .into_iter()
        .chain(member.to_le_bytes())
        .chain(salt.to_le_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A short code for each row of a meeting's roll (3 characters), distinct within the roll
/// and the same whenever the same roll is printed: `members` are the household (or person)
/// ids in the order of the sheet.
pub fn row_codes(meeting: i64, members: &[i64]) -> Vec<String> {
    let n = ALPHABET.len() as u64;
    let mut seen = HashSet::new();
    members
        .iter()
        .map(|&m| {
            let mut salt = 0;
            loop {
                let mut h = hash(meeting, m, salt);
                let code: String = (0..3)
                    .map(|_| {
                        let c = ALPHABET[(h % n) as usize] as char;
                        h /= n;
                        c
                    })
                    .collect();
                if seen.insert(code.clone()) {
                    break code;
                }
                salt += 1;
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_distinct_and_stable() {
        let members: Vec<i64> = (1..=2000).collect();
        let a = row_codes(7, &members);
        let b = row_codes(7, &members);
        assert_eq!(a, b);
        assert!(a.iter().all(|c| c.len() == 3));
        let set: HashSet<_> = a.iter().collect();
        assert_eq!(set.len(), a.len());
        assert_ne!(row_codes(8, &members)[..10], a[..10]);
    }

    #[test]
    fn a_proxy_needs_a_name_and_clusters_are_bounded() {
        let proxy = AttendanceInput {
            kind: Some("proxy".into()),
            cluster: Some(3),
            ..Default::default()
        };
        let fields: Vec<_> = NewAttendance::parse(&proxy, 2)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["cluster", "name"]);
        let ok = AttendanceInput {
            kind: Some("proxy".into()),
            name: Some("Trần Văn B".into()),
            source: Some("paper".into()),
            ..Default::default()
        };
        let a = NewAttendance::parse(&ok, 1).unwrap();
        assert_eq!(a.kind, AttendeeKind::Proxy);
        assert_eq!(a.source, AttendanceSource::Paper);
        assert_eq!(a.cluster, 1);
        let default = NewAttendance::parse(&AttendanceInput::default(), 1).unwrap();
        assert_eq!(default.kind, AttendeeKind::Representative);
    }
}
