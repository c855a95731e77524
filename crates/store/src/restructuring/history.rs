//! Reading the history of a unit: its versions, the events it took part in (with their legal
//! basis and participants) and the arrows of its lineage. Writing events is the import's
//! (`territory::import_divisions`, renames) and applying a plan's.

use std::collections::{BTreeSet, HashMap};

use tuquan_domain::restructuring::history::{event_edges, LineageEdge};
use tuquan_domain::restructuring::{EventKind, ParticipantRole};
use tuquan_domain::territory::UnitKind;
use tuquan_domain::FileId;

use crate::ids::NullableId;
use crate::{with_pool, Store, StoreError};

/// One version of a unit: its name, kind and parent from `valid_from` to `valid_to`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitVersion {
    pub id: i64,
    pub unit_code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: UnitKind,
    pub parent_code: Option<String>,
    /// The parent's name while this version held (its version on `valid_from`), if any.
    pub parent_name: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// The event that opened this version; none for a unit's first version.
    pub event_id: Option<i64>,
}

/// A unit taking part in an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub unit_code: String,
    /// The unit's name in the event: the name kept on the participant when a second rename
    /// the same day replaced the version (migration 0023), else a predecessor's the day
    /// before, the others' on the effective date (today's if no version covers it).
    pub name: String,
    pub role: ParticipantRole,
    /// Households it gave or received, where the event counts them.
    pub households: Option<i64>,
}

/// One history event with its legal basis and participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitEvent {
    pub id: i64,
    pub kind: EventKind,
    pub province_code: String,
    pub commune_code: String,
    pub effective_on: String,
    pub basis_number: String,
    pub basis_date: String,
    pub basis_signer: String,
    /// The decision's scan, served at `/files/{id}`.
    pub basis_file: Option<FileId>,
    pub scheme_id: Option<i64>,
    pub note: String,
    pub created_by: String,
    pub participants: Vec<Participant>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    province_code: String,
    commune_code: String,
    effective_on: String,
    basis_number: String,
    basis_date: String,
    basis_signer: String,
    #[sqlx(try_from = "NullableId")]
    basis_file_id: Option<FileId>,
    scheme_id: Option<i64>,
    note: String,
    created_by: String,
}

#[derive(sqlx::FromRow)]
struct ParticipantRow {
    event_id: i64,
    unit_code: String,
    name: String,
    role: String,
    households: Option<i64>,
}

/// A stored code that the domain does not know: a decoding error, never a default.
fn decode<T>(parsed: Option<T>, what: &'static str, value: &str) -> Result<T, StoreError> {
    parsed.ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode(
            format!("unknown {what} {value:?}").into(),
        ))
    })
}

const EVENT_COLUMNS: &str = "e.id, e.kind, e.province_code, e.commune_code, e.effective_on, \
     e.basis_number, e.basis_date, e.basis_signer, e.basis_file_id, e.scheme_id, e.note, \
     e.created_by";

/// At most this many rounds when following the lineage (a chain of restructurings).
const LINEAGE_ROUNDS: usize = 32;

impl Store {
    /// A unit's versions, oldest first.
    pub async fn unit_versions(&self, code: &str) -> Result<Vec<UnitVersion>, StoreError> {
        let rows: Vec<UnitVersion> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT v.id, v.unit_code, v.name, v.kind, v.parent_code, \
                 (SELECT pv.name FROM unit_versions pv WHERE pv.unit_code = v.parent_code \
                  AND pv.valid_from <= v.valid_from \
                  AND (pv.valid_to IS NULL OR pv.valid_to > v.valid_from) \
                  ORDER BY pv.valid_from DESC, pv.id DESC LIMIT 1) AS parent_name, \
                 v.valid_from, v.valid_to, v.event_id \
                 FROM unit_versions v WHERE v.unit_code = $1 ORDER BY v.valid_from, v.id",
            )
            .bind(code)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// The events a unit took part in, oldest first, each with all its participants.
    pub async fn unit_events(&self, code: &str) -> Result<Vec<UnitEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM unit_events e WHERE e.id IN \
             (SELECT event_id FROM unit_event_participants WHERE unit_code = $1) \
             ORDER BY e.effective_on, e.id"
        );
        let rows: Vec<EventRow> = with_pool!(self, p => {
            sqlx::query_as(&sql).bind(code).fetch_all(p).await?
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut parts = self.participants_of(&ids).await?;
        rows.into_iter()
            .map(|r| {
                Ok(UnitEvent {
                    kind: decode(EventKind::parse(&r.kind), "event kind", &r.kind)?,
                    participants: parts.remove(&r.id).unwrap_or_default(),
                    id: r.id,
                    province_code: r.province_code,
                    commune_code: r.commune_code,
                    effective_on: r.effective_on,
                    basis_number: r.basis_number,
                    basis_date: r.basis_date,
                    basis_signer: r.basis_signer,
                    basis_file: r.basis_file_id,
                    scheme_id: r.scheme_id,
                    note: r.note,
                    created_by: r.created_by,
                })
            })
            .collect()
    }

    /// The participants of these events, by event, predecessors first.
    async fn participants_of(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<Participant>>, StoreError> {
        let mut out: HashMap<i64, Vec<Participant>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT p.event_id, p.unit_code, COALESCE(p.name, (SELECT v.name FROM unit_versions v \
                 WHERE v.unit_code = p.unit_code AND CASE WHEN p.role = 'predecessor' \
                 THEN v.valid_from < e.effective_on \
                  AND (v.valid_to IS NULL OR v.valid_to >= e.effective_on) \
                 ELSE v.valid_from <= e.effective_on \
                  AND (v.valid_to IS NULL OR v.valid_to > e.effective_on) END \
                 ORDER BY v.valid_from DESC, v.id DESC LIMIT 1), u.name) AS name, \
                 p.role, p.households \
                 FROM unit_event_participants p JOIN units u ON u.code = p.unit_code \
                 JOIN unit_events e ON e.id = p.event_id \
                 WHERE p.event_id IN ({}) ORDER BY p.event_id, p.role, u.sort_key, p.unit_code",
                marks.join(", ")
            );
            let rows: Vec<ParticipantRow> = with_pool!(self, p => {
                let mut q = sqlx::query_as(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            for r in rows {
                let role = decode(ParticipantRole::parse(&r.role), "participant role", &r.role)?;
                out.entry(r.event_id).or_default().push(Participant {
                    unit_code: r.unit_code,
                    name: r.name,
                    role,
                    households: r.households,
                });
            }
        }
        for list in out.values_mut() {
            list.sort_by_key(|p| ParticipantRole::ALL.iter().position(|r| *r == p.role));
        }
        Ok(out)
    }

    /// Every arrow of the lineage reachable from `code`, both ways: the events of the unit,
    /// then of the units they reach, until nothing new is reached.
    pub async fn lineage_edges(&self, code: &str) -> Result<Vec<LineageEdge>, StoreError> {
        let mut seen_units: BTreeSet<String> = BTreeSet::new();
        let mut seen_events: BTreeSet<i64> = BTreeSet::new();
        let mut frontier = vec![code.to_owned()];
        let mut edges = Vec::new();
        for _ in 0..LINEAGE_ROUNDS {
            frontier.retain(|c| seen_units.insert(c.clone()));
            if frontier.is_empty() {
                break;
            }
            let events = self.events_touching(&frontier).await?;
            let new: Vec<i64> = events
                .iter()
                .map(|e| e.0)
                .filter(|id| seen_events.insert(*id))
                .collect();
            let mut parts = self.participants_of(&new).await?;
            frontier = Vec::new();
            for (id, kind, effective_on) in events.into_iter().filter(|e| new.contains(&e.0)) {
                let list: Vec<(String, ParticipantRole)> = parts
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| (p.unit_code, p.role))
                    .collect();
                frontier.extend(list.iter().map(|(c, _)| c.clone()));
                let kind = decode(EventKind::parse(&kind), "event kind", &kind)?;
                let day: jiff::civil::Date =
                    decode(effective_on.parse().ok(), "date", &effective_on)?;
                edges.extend(event_edges(id, kind, day, &list));
            }
        }
        Ok(edges)
    }

    async fn events_touching(
        &self,
        codes: &[String],
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut out = Vec::new();
        for chunk in codes.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT e.id, e.kind, e.effective_on FROM unit_events e WHERE e.id IN \
                 (SELECT event_id FROM unit_event_participants WHERE unit_code IN ({})) \
                 ORDER BY e.id",
                marks.join(", ")
            );
            let rows: Vec<(i64, String, String)> = with_pool!(self, p => {
                let mut q = sqlx::query_as(&sql);
                for c in chunk {
                    q = q.bind(c);
                }
                q.fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }
}
