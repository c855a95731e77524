//! Reading the history: which version of a unit is valid on a date, which units are open on a
//! date, and a unit's lineage (the units it came from and the units it became), both ways and
//! transitively.
//!
//! Validity is half-open, `[from, to)`: an event effective on day D closes the old version
//! with `to = D` and opens the new one with `from = D`, so on D itself the new version holds
//! and on the day before the old one does.

use std::collections::{BTreeMap, HashSet, VecDeque};

use jiff::civil::Date;

use super::{EventKind, ParticipantRole};

/// From when to when something holds: `from` included, `to` excluded; `None` is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub from: Date,
    pub to: Option<Date>,
}

impl Validity {
    /// From stored `YYYY-MM-DD` texts; `None` if either is not a date.
    pub fn parse(from: &str, to: Option<&str>) -> Option<Self> {
        let from = from.parse().ok()?;
        let to = match to {
            Some(t) => Some(t.parse().ok()?),
            None => None,
        };
        Some(Self { from, to })
    }

    /// Whether this holds on `day`.
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|t| day < t)
    }

    /// Whether nothing can hold in it (closed on the day it opened).
    pub fn is_empty(&self) -> bool {
        self.to.is_some_and(|t| t <= self.from)
    }
}

/// Whether a unit stored with these dates is open on `day`; an unreadable date is not open.
pub fn open_on(valid_from: &str, valid_to: Option<&str>, day: Date) -> bool {
    Validity::parse(valid_from, valid_to).is_some_and(|v| v.contains(day))
}

/// The version valid on `day` among a unit's versions (any order): the one whose validity
/// contains the day; if several do (bad data), the one that started last.
pub fn version_on<V>(
    versions: &[V],
    day: Date,
    validity: impl Fn(&V) -> Option<Validity>,
) -> Option<&V> {
    versions
        .iter()
        .filter_map(|v| validity(v).filter(|x| x.contains(day)).map(|x| (x.from, v)))
        .max_by_key(|(from, _)| *from)
        .map(|(_, v)| v)
}

/// One arrow of the lineage: households (or the whole unit) went from `from` to `to` by an
/// event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageEdge {
    pub from: String,
    pub to: String,
    pub event_id: i64,
    pub kind: EventKind,
    pub effective_on: Date,
}

/// The arrows of one event: from each predecessor or contributor to each successor or
/// receiver. A rename (the same code on both sides) draws none.
pub fn event_edges(
    event_id: i64,
    kind: EventKind,
    effective_on: Date,
    participants: &[(String, ParticipantRole)],
) -> Vec<LineageEdge> {
    let sources = participants.iter().filter(|(_, r)| {
        matches!(
            r,
            ParticipantRole::Predecessor | ParticipantRole::Contributor
        )
    });
    let mut out = Vec::new();
    for (from, _) in sources {
        for (to, role) in participants {
            if matches!(role, ParticipantRole::Successor | ParticipantRole::Receiver)
                && to != from
                && !out
                    .iter()
                    .any(|e: &LineageEdge| &e.from == from && &e.to == to)
            {
                out.push(LineageEdge {
                    from: from.clone(),
                    to: to.clone(),
                    event_id,
                    kind,
                    effective_on,
                });
            }
        }
    }
    out
}

/// A unit reached through the lineage, `depth` events away (1 = directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageStep {
    pub code: String,
    pub depth: u32,
    /// The event that links it to the unit one step nearer.
    pub event_id: i64,
    pub kind: EventKind,
    pub effective_on: Date,
}

/// Where a unit came from and what it became.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lineage {
    /// Units this one was formed from (or took households from), nearest first.
    pub predecessors: Vec<LineageStep>,
    /// Units this one became (or gave households to), nearest first.
    pub successors: Vec<LineageStep>,
}

impl Lineage {
    /// The codes one event away, each once, in order.
    pub fn direct(steps: &[LineageStep]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in steps.iter().filter(|s| s.depth == 1) {
            if !out.contains(&s.code) {
                out.push(s.code.clone());
            }
        }
        out
    }
}

/// The lineage of `start` over `edges`, walked breadth first both ways; each unit appears once
/// per direction, at its nearest depth, and `start` never appears (cycles are cut).
pub fn lineage(start: &str, edges: &[LineageEdge]) -> Lineage {
    Lineage {
        predecessors: walk(start, edges, false),
        successors: walk(start, edges, true),
    }
}

fn walk(start: &str, edges: &[LineageEdge], forward: bool) -> Vec<LineageStep> {
    // Neighbours in a stable order: by date, then event, then code.
    let mut next: BTreeMap<&str, Vec<&LineageEdge>> = BTreeMap::new();
    for e in edges {
        let key = if forward { &e.from } else { &e.to };
        next.entry(key.as_str()).or_default().push(e);
    }
    for list in next.values_mut() {
        list.sort_by(|a, b| {
            (a.effective_on, a.event_id, &a.from, &a.to).cmp(&(
                b.effective_on,
                b.event_id,
                &b.from,
                &b.to,
            ))
        });
    }
    let mut seen: HashSet<&str> = HashSet::from([start]);
    let mut queue: VecDeque<(&str, u32)> = VecDeque::from([(start, 0)]);
    let mut out = Vec::new();
    while let Some((code, depth)) = queue.pop_front() {
        for e in next.get(code).into_iter().flatten() {
            let other = if forward { &e.to } else { &e.from };
            if seen.insert(other.as_str()) {
                out.push(LineageStep {
                    code: other.clone(),
                    depth: depth + 1,
                    event_id: e.event_id,
                    kind: e.kind,
                    effective_on: e.effective_on,
                });
                queue.push_back((other.as_str(), depth + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantRole::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_version_holds_from_its_first_day_to_the_day_before_its_end() {
        let v = Validity::parse("2026-01-01", Some("2026-03-01")).unwrap();
        assert!(!v.contains(d("2025-12-31")));
        assert!(v.contains(d("2026-01-01")));
        assert!(v.contains(d("2026-02-28")));
        assert!(!v.contains(d("2026-03-01")));
        let open = Validity::parse("2026-01-01", None).unwrap();
        assert!(open.contains(d("2100-01-01")));
        assert!(Validity::parse("2026-01-01", Some("2026-01-01"))
            .unwrap()
            .is_empty());
        assert!(Validity::parse("yesterday", None).is_none());
        assert!(Validity::parse("2026-01-01", Some("never")).is_none());
    }

    #[test]
    fn open_on_the_effective_date_and_closed_on_it_for_the_predecessor() {
        // A unit closed by an event effective 2026-07-01 and its successor opened that day.
        assert!(open_on("2025-07-01", Some("2026-07-01"), d("2026-06-30")));
        assert!(!open_on("2025-07-01", Some("2026-07-01"), d("2026-07-01")));
        assert!(!open_on("2026-07-01", None, d("2026-06-30")));
        assert!(open_on("2026-07-01", None, d("2026-07-01")));
        assert!(!open_on("garbage", None, d("2026-07-01")));
    }

    #[test]
    fn the_version_on_a_date_switches_on_the_effective_date() {
        let versions = [
            ("Khu phố 1", "2025-07-01", Some("2026-07-01")),
            ("Khu phố Bến Nghé", "2026-07-01", None),
        ];
        let pick =
            |day: &str| version_on(&versions, d(day), |v| Validity::parse(v.1, v.2)).map(|v| v.0);
        assert_eq!(pick("2025-06-30"), None);
        assert_eq!(pick("2025-07-01"), Some("Khu phố 1"));
        assert_eq!(pick("2026-06-30"), Some("Khu phố 1"));
        assert_eq!(pick("2026-07-01"), Some("Khu phố Bến Nghé"));
        assert_eq!(pick("2030-01-01"), Some("Khu phố Bến Nghé"));
    }

    #[test]
    fn overlapping_versions_give_the_latest_start_and_empty_ones_never_hold() {
        let versions = [
            ("old", "2025-07-01", None),
            ("same-day", "2026-01-01", Some("2026-01-01")),
            ("new", "2026-01-01", None),
        ];
        let got = version_on(&versions, d("2026-01-01"), |v| Validity::parse(v.1, v.2));
        assert_eq!(got.map(|v| v.0), Some("new"));
    }

    fn p(code: &str, role: ParticipantRole) -> (String, ParticipantRole) {
        (code.to_owned(), role)
    }

    #[test]
    fn a_rename_draws_no_arrow_and_a_merge_draws_one_per_part() {
        let rename = event_edges(
            1,
            EventKind::Rename,
            d("2026-01-01"),
            &[p("a", Predecessor), p("a", Successor)],
        );
        assert!(rename.is_empty());
        let merge = event_edges(
            2,
            EventKind::CreateFromParts,
            d("2026-01-01"),
            &[p("a", Predecessor), p("b", Predecessor), p("c", Successor)],
        );
        let pairs: Vec<_> = merge
            .iter()
            .map(|e| (e.from.as_str(), e.to.as_str()))
            .collect();
        assert_eq!(pairs, [("a", "c"), ("b", "c")]);
        let transfer = event_edges(
            3,
            EventKind::TransferPart,
            d("2026-01-01"),
            &[p("a", Contributor), p("b", Receiver)],
        );
        assert_eq!(transfer.len(), 1);
        assert_eq!(
            (transfer[0].from.as_str(), transfer[0].to.as_str()),
            ("a", "b")
        );
    }

    #[test]
    fn lineage_is_transitive_both_ways_with_depths_and_no_cycles() {
        // a + b → c (2026-01-01); c split → d, e (2027-01-01); e → a (a cycle, bad data).
        let mut edges = event_edges(
            1,
            EventKind::CreateFromParts,
            d("2026-01-01"),
            &[p("a", Predecessor), p("b", Predecessor), p("c", Successor)],
        );
        edges.extend(event_edges(
            2,
            EventKind::Split,
            d("2027-01-01"),
            &[p("c", Predecessor), p("d", Successor), p("e", Successor)],
        ));
        edges.extend(event_edges(
            3,
            EventKind::MergeInto,
            d("2028-01-01"),
            &[p("e", Predecessor), p("a", Receiver)],
        ));
        let l = lineage("c", &edges);
        let pred: Vec<_> = l
            .predecessors
            .iter()
            .map(|s| (s.code.as_str(), s.depth))
            .collect();
        assert_eq!(pred, [("a", 1), ("b", 1), ("e", 2)]);
        let succ: Vec<_> = l
            .successors
            .iter()
            .map(|s| (s.code.as_str(), s.depth))
            .collect();
        assert_eq!(succ, [("d", 1), ("e", 1), ("a", 2)]);
        assert_eq!(Lineage::direct(&l.successors), ["d", "e"]);
        let l = lineage("a", &edges);
        assert_eq!(Lineage::direct(&l.successors), ["c"]);
        assert_eq!(Lineage::direct(&l.predecessors), ["e"]);
        assert!(l.successors.iter().all(|s| s.code != "a"));
        assert_eq!(lineage("zzz", &edges), Lineage::default());
    }
}
