//! The alignment report of a commune's beats and militia heads on a date (docs/beats.md,
//! "Alignment"). Definitions, for the open residential units of the commune on that day:
//!
//! - a beat **covers** a unit when it has an assignment, open that day, of the unit or of
//!   one of its ancestors (an assignment is always of a whole unit with its subtree);
//! - a **unit without a beat** is covered by no beat and has nothing below it covered
//!   either; only the highest such units are listed (the rest lie inside them);
//! - a beat **covers part of a unit** when it covers something in the unit's subtree but
//!   not the whole unit: the unit is not covered as a whole, and some of its parts are in
//!   another beat or in none. A beat that covers every part of a unit covers it whole;
//! - a **unit under two beats** is covered by two or more beats at once; the highest unit
//!   where the beats meet is listed;
//! - a **beat crossing communes** has an open assignment of a unit of another commune than
//!   its own (listed in the reports of both communes);
//! - a **stale assignment** is an open assignment of a unit that no longer exists on that
//!   day (closed by a restructuring, waiting for "carry beats to successors");
//! - a **unit without a militia head** is a unit directly below the commune with no militia
//!   head that day.

use std::collections::{BTreeSet, HashMap};

use super::{commune_of_path, within, BeatAssignmentId, BeatId};

/// An open residential unit of the commune on the report's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignUnit {
    pub code: String,
    pub path: String,
    /// `None` or the commune for a unit directly below the commune.
    pub parent_code: Option<String>,
    /// Directly below the commune: needs a militia head.
    pub below_commune: bool,
}

/// An assignment open on the report's date, of a beat of this commune or of a beat of
/// another commune reaching into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// `BeatAssignmentId(0)` for one the carry plans and has not written yet.
    pub assignment_id: BeatAssignmentId,
    pub beat_id: BeatId,
    pub beat_commune: String,
    pub unit_code: String,
    pub unit_path: String,
    /// Whether the unit still exists on the date.
    pub unit_open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    pub unit_code: String,
    pub beat_id: BeatId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    pub unit_code: String,
    pub beat_ids: Vec<BeatId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub beat_id: BeatId,
    pub beat_commune: String,
    pub unit_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub beat_id: BeatId,
    pub assignment_id: BeatAssignmentId,
    pub unit_code: String,
}

/// What is out of line; every list in the order of the units given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alignment {
    pub without_beat: Vec<String>,
    pub without_militia: Vec<String>,
    pub partial: Vec<Partial>,
    pub overlaps: Vec<Overlap>,
    pub crossing: Vec<Crossing>,
    pub stale: Vec<Stale>,
}

impl Alignment {
    pub fn is_clean(&self) -> bool {
        self.without_beat.is_empty()
            && self.without_militia.is_empty()
            && self.partial.is_empty()
            && self.overlaps.is_empty()
            && self.crossing.is_empty()
            && self.stale.is_empty()
    }

    /// How many findings in all.
    pub fn count(&self) -> usize {
        self.without_beat.len()
            + self.without_militia.len()
            + self.partial.len()
            + self.overlaps.len()
            + self.crossing.len()
            + self.stale.len()
    }
}

/// The beats covering `path`: an open assignment of it or of an ancestor.
pub fn covering(covers: &[Cover], path: &str) -> BTreeSet<BeatId> {
    covers
        .iter()
        .filter(|c| c.unit_open && within(path, &c.unit_path))
        .map(|c| c.beat_id)
        .collect()
}

struct Tree<'a> {
    units: &'a [AlignUnit],
    children: HashMap<&'a str, Vec<usize>>,
    index: HashMap<&'a str, usize>,
    covering: Vec<BTreeSet<BeatId>>,
    /// Beats with an assignment strictly below each unit.
    below: Vec<BTreeSet<BeatId>>,
}

impl<'a> Tree<'a> {
    fn new(units: &'a [AlignUnit], covers: &[Cover]) -> Self {
        let index: HashMap<&str, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.as_str(), i))
            .collect();
        let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if let Some(p) = u.parent_code.as_deref().filter(|p| index.contains_key(p)) {
                children.entry(p).or_default().push(i);
            }
        }
        let covering = units.iter().map(|u| covering(covers, &u.path)).collect();
        let below = units
            .iter()
            .map(|u| {
                covers
                    .iter()
                    .filter(|c| {
                        c.unit_open && c.unit_path != u.path && within(&c.unit_path, &u.path)
                    })
                    .map(|c| c.beat_id)
                    .collect()
            })
            .collect();
        Self {
            units,
            children,
            index,
            covering,
            below,
        }
    }

    fn kids(&self, i: usize) -> &[usize] {
        self.children
            .get(self.units[i].code.as_str())
            .map_or(&[], Vec::as_slice)
    }

    fn parent(&self, i: usize) -> Option<usize> {
        self.units[i]
            .parent_code
            .as_deref()
            .and_then(|p| self.index.get(p).copied())
    }

    /// Whether `beat` covers unit `i` whole: directly, or every part of it whole.
    fn fully(&self, beat: BeatId, i: usize) -> bool {
        self.covering[i].contains(&beat) || {
            let kids = self.kids(i);
            !kids.is_empty() && kids.iter().all(|&k| self.fully(beat, k))
        }
    }
}

/// The alignment of `units` (the commune's open residential units on the date, parents
/// before children) with the beats' open assignments `covers` and the units with a militia
/// head `militia`.
pub fn align(units: &[AlignUnit], covers: &[Cover], militia: &BTreeSet<String>) -> Alignment {
    let t = Tree::new(units, covers);
    let mut out = Alignment::default();
    for (i, u) in units.iter().enumerate() {
        let parent = t.parent(i);
        let empty = |j: usize| t.covering[j].is_empty() && t.below[j].is_empty();
        if empty(i) && parent.is_none_or(|p| !empty(p)) {
            out.without_beat.push(u.code.clone());
        }
        if t.covering[i].is_empty() {
            for &b in &t.below[i] {
                if !t.fully(b, i) {
                    out.partial.push(Partial {
                        unit_code: u.code.clone(),
                        beat_id: b,
                    });
                }
            }
        }
        if t.covering[i].len() > 1 && parent.is_none_or(|p| t.covering[p] != t.covering[i]) {
            out.overlaps.push(Overlap {
                unit_code: u.code.clone(),
                beat_ids: t.covering[i].iter().copied().collect(),
            });
        }
        if u.below_commune && !militia.contains(&u.code) {
            out.without_militia.push(u.code.clone());
        }
    }
    for c in covers {
        if !c.unit_open {
            out.stale.push(Stale {
                beat_id: c.beat_id,
                assignment_id: c.assignment_id,
                unit_code: c.unit_code.clone(),
            });
        } else if commune_of_path(&c.unit_path) != Some(c.beat_commune.as_str()) {
            out.crossing.push(Crossing {
                beat_id: c.beat_id,
                beat_commune: c.beat_commune.clone(),
                unit_code: c.unit_code.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "26743";

    fn u(code: &str, parent: Option<&str>) -> AlignUnit {
        let local: Vec<&str> = code.split('-').skip(1).collect();
        AlignUnit {
            code: code.into(),
            path: format!("79/{C}/{}", local.join("/")),
            parent_code: Some(parent.unwrap_or(C).into()),
            below_commune: parent.is_none(),
        }
    }

    fn cover(id: i64, beat: i64, unit: &AlignUnit) -> Cover {
        Cover {
            assignment_id: BeatAssignmentId(id),
            beat_id: BeatId(beat),
            beat_commune: C.into(),
            unit_code: unit.code.clone(),
            unit_path: unit.path.clone(),
            unit_open: true,
        }
    }

    /// kp01 (t1, t2), kp02 (t1, t2), kp03: the units of the constructed cases.
    fn units() -> Vec<AlignUnit> {
        vec![
            u("26743-kp01", None),
            u("26743-kp01-t1", Some("26743-kp01")),
            u("26743-kp01-t2", Some("26743-kp01")),
            u("26743-kp02", None),
            u("26743-kp02-t1", Some("26743-kp02")),
            u("26743-kp02-t2", Some("26743-kp02")),
            u("26743-kp03", None),
        ]
    }

    fn all_militia() -> BTreeSet<String> {
        ["26743-kp01", "26743-kp02", "26743-kp03"]
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn whole_units_in_one_beat_each_are_clean() {
        let us = units();
        let covers = vec![
            cover(1, 10, &us[0]),
            cover(2, 10, &us[3]),
            cover(3, 11, &us[6]),
        ];
        let a = align(&us, &covers, &all_militia());
        assert!(a.is_clean(), "{a:?}");
        // Every part of a unit in the same beat is the whole unit.
        let covers = vec![
            cover(1, 10, &us[1]),
            cover(2, 10, &us[2]),
            cover(3, 10, &us[3]),
            cover(4, 11, &us[6]),
        ];
        assert!(align(&us, &covers, &all_militia()).is_clean());
    }

    #[test]
    fn units_without_a_beat_are_listed_at_their_highest() {
        let us = units();
        let covers = vec![cover(1, 10, &us[0])];
        let a = align(&us, &covers, &all_militia());
        assert_eq!(a.without_beat, ["26743-kp02", "26743-kp03"]);
        assert!(a.partial.is_empty() && a.overlaps.is_empty());
    }

    #[test]
    fn a_beat_covering_part_of_a_unit() {
        let us = units();
        // kp02's t1 in beat 10, t2 in beat 11: both cover part of kp02.
        let covers = vec![
            cover(1, 10, &us[0]),
            cover(2, 10, &us[4]),
            cover(3, 11, &us[5]),
            cover(4, 11, &us[6]),
        ];
        let a = align(&us, &covers, &all_militia());
        assert_eq!(
            a.partial,
            [
                Partial {
                    unit_code: "26743-kp02".into(),
                    beat_id: BeatId(10)
                },
                Partial {
                    unit_code: "26743-kp02".into(),
                    beat_id: BeatId(11)
                }
            ]
        );
        assert!(a.without_beat.is_empty());
        // t2 in no beat: beat 10 covers part of kp02, and t2 has no beat.
        let covers = vec![
            cover(1, 10, &us[0]),
            cover(2, 10, &us[4]),
            cover(4, 11, &us[6]),
        ];
        let a = align(&us, &covers, &all_militia());
        assert_eq!(a.partial.len(), 1);
        assert_eq!(a.without_beat, ["26743-kp02-t2"]);
    }

    #[test]
    fn a_unit_under_two_beats_is_listed_where_they_meet() {
        let us = units();
        let covers = vec![
            cover(1, 10, &us[0]),
            cover(2, 11, &us[1]),
            cover(3, 11, &us[3]),
            cover(4, 11, &us[6]),
            cover(5, 12, &us[6]),
        ];
        let a = align(&us, &covers, &all_militia());
        assert_eq!(
            a.overlaps,
            [
                Overlap {
                    unit_code: "26743-kp01-t1".into(),
                    beat_ids: vec![BeatId(10), BeatId(11)]
                },
                Overlap {
                    unit_code: "26743-kp03".into(),
                    beat_ids: vec![BeatId(11), BeatId(12)]
                }
            ]
        );
    }

    #[test]
    fn beats_crossing_communes_and_stale_assignments() {
        let us = units();
        let elsewhere = Cover {
            assignment_id: BeatAssignmentId(9),
            beat_id: BeatId(10),
            beat_commune: C.into(),
            unit_code: "26734-kp01".into(),
            unit_path: "79/26734/kp01".into(),
            unit_open: true,
        };
        let closed = Cover {
            assignment_id: BeatAssignmentId(8),
            unit_code: "26743-kp09".into(),
            unit_path: format!("79/{C}/kp09"),
            unit_open: false,
            ..elsewhere.clone()
        };
        let mut covers = vec![
            cover(1, 10, &us[0]),
            cover(2, 10, &us[3]),
            cover(3, 10, &us[6]),
        ];
        covers.push(elsewhere);
        covers.push(closed);
        let a = align(&us, &covers, &all_militia());
        assert_eq!(a.crossing.len(), 1);
        assert_eq!(a.crossing[0].unit_code, "26734-kp01");
        assert_eq!(a.stale.len(), 1);
        assert_eq!(a.stale[0].assignment_id, BeatAssignmentId(8));
        assert!(a.without_beat.is_empty());
        assert_eq!(a.count(), 2);
    }

    #[test]
    fn units_below_the_commune_without_a_militia_head() {
        let us = units();
        let covers = vec![
            cover(1, 10, &us[0]),
            cover(2, 10, &us[3]),
            cover(3, 10, &us[6]),
        ];
        let mut m = all_militia();
        m.remove("26743-kp02");
        let a = align(&us, &covers, &m);
        assert_eq!(a.without_militia, ["26743-kp02"]);
        assert!(!a.is_clean());
    }
}
