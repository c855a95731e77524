//! "Carry beats to successors" after a restructuring (docs/beats.md): what the recorded
//! events (`unit_events` and their participants) mean for the beats.
//!
//! For each event, the candidate beats are those covering its predecessors (and
//! contributors) on the day before it took effect. Each unit the event opens or that takes
//! households in (successors and receivers):
//! - already in a beat: nothing to do (an earlier carry, or the official's choice);
//! - exactly one candidate: put in that beat from the effective date (a split: every part
//!   inherits the original's beat; a merge whose predecessors agree: the merged unit);
//! - several candidates (a merge of units of different beats): listed for a decision; the
//!   official assigns the unit to one of them and carries again;
//! - no candidate: nothing to carry (the unit shows as without a beat in the report).
//!
//! When every unit of an event is decided, the open assignments of its closed predecessors
//! end on the effective date. A rename keeps the code and changes nothing. Carrying twice
//! changes nothing the second time.

use std::collections::BTreeSet;

use jiff::civil::Date;

use super::align::{covering, Cover};
use super::{BeatAssignmentId, BeatId};
use crate::restructuring::EventKind;

/// A unit taking part in an event: its code and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub code: String,
    pub path: String,
    /// Active households (before the event for those that give, after for those that take):
    /// which predecessor is the largest, for the militia heads.
    pub households: i64,
}

/// A recorded event with its participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarryEvent {
    pub id: i64,
    pub kind: EventKind,
    pub effective_on: Date,
    /// Units the event closes.
    pub predecessors: Vec<Part>,
    /// Units that give households and stay open.
    pub contributors: Vec<Part>,
    /// Units the event opens or continues, and units that take households in.
    pub targets: Vec<Part>,
}

impl CarryEvent {
    /// Whether the event closes the unit `code`.
    pub fn closes(&self, code: &str) -> bool {
        self.predecessors.iter().any(|p| p.code == code)
    }

    /// The units left open that the event opens or gives households to: those that may
    /// need a beat or a militia head.
    pub fn receivers(&self) -> impl Iterator<Item = &Part> {
        self.targets.iter().filter(|t| !self.closes(&t.code))
    }

    /// Takes out of `live` the records written before (not those the plan adds) of the
    /// units the event closes: they end on its effective date.
    pub(super) fn ending<T: Held>(&self, live: &mut Vec<T>) -> Vec<T> {
        live.extract_if(.., |r| r.written() && self.closes(r.unit_code()))
            .collect()
    }
}

/// A record holding a unit (a beat's assignment, a militia head) while a plan is made.
pub(super) trait Held {
    /// Written before the plan (a planned one has id 0).
    fn written(&self) -> bool;
    fn unit_code(&self) -> &str;
}

impl Held for Cover {
    fn written(&self) -> bool {
        self.assignment_id.get() != 0
    }

    fn unit_code(&self) -> &str {
        &self.unit_code
    }
}

/// A new assignment the carry makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    pub event_id: i64,
    pub beat_id: BeatId,
    pub unit_code: String,
    pub valid_from: Date,
}

/// An open assignment the carry ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct End {
    pub assignment_id: BeatAssignmentId,
    pub beat_id: BeatId,
    pub unit_code: String,
    pub valid_to: Date,
}

/// A unit whose predecessors lay in several beats: the official chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    pub event_id: i64,
    pub unit_code: String,
    pub beat_ids: Vec<BeatId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarryPlan {
    pub assign: Vec<Assign>,
    pub end: Vec<End>,
    pub undecided: Vec<Undecided>,
}

impl CarryPlan {
    pub fn is_empty(&self) -> bool {
        self.assign.is_empty() && self.end.is_empty() && self.undecided.is_empty()
    }
}

/// The plan for `events` (in order of effective date) given the open assignments `covers`
/// (of units open or closed). Each `Cover`'s `unit_open` is ignored: a closed predecessor's
/// assignment is exactly what is carried.
pub fn carry_plan(events: &[CarryEvent], covers: &[Cover]) -> CarryPlan {
    let mut live: Vec<Cover> = covers
        .iter()
        .map(|c| Cover {
            unit_open: true,
            ..c.clone()
        })
        .collect();
    let mut plan = CarryPlan::default();
    for e in events.iter().filter(|e| e.kind != EventKind::Rename) {
        let mut candidates = BTreeSet::new();
        for p in e.predecessors.iter().chain(&e.contributors) {
            candidates.extend(covering(&live, &p.path));
        }
        let mut decided = true;
        for t in e.receivers() {
            if !covering(&live, &t.path).is_empty() {
                continue;
            }
            let beat_ids: Vec<BeatId> = candidates.iter().copied().collect();
            match beat_ids[..] {
                [] => {}
                [beat_id] => {
                    plan.assign.push(Assign {
                        event_id: e.id,
                        beat_id,
                        unit_code: t.code.clone(),
                        valid_from: e.effective_on,
                    });
                    live.push(Cover {
                        assignment_id: BeatAssignmentId(0),
                        beat_id,
                        beat_commune: String::new(),
                        unit_code: t.code.clone(),
                        unit_path: t.path.clone(),
                        unit_open: true,
                    });
                }
                _ => {
                    decided = false;
                    plan.undecided.push(Undecided {
                        event_id: e.id,
                        unit_code: t.code.clone(),
                        beat_ids,
                    });
                }
            }
        }
        if decided {
            plan.end
                .extend(e.ending(&mut live).into_iter().map(|c| End {
                    assignment_id: c.assignment_id,
                    beat_id: c.beat_id,
                    unit_code: c.unit_code,
                    valid_to: e.effective_on,
                }));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(local: &str) -> Part {
        Part {
            code: format!("26743-{local}"),
            path: format!("79/26743/{local}"),
            households: 0,
        }
    }

    fn cover(id: i64, beat: i64, local: &str) -> Cover {
        let p = part(local);
        Cover {
            assignment_id: BeatAssignmentId(id),
            beat_id: BeatId(beat),
            beat_commune: "26743".into(),
            unit_code: p.code,
            unit_path: p.path,
            unit_open: false,
        }
    }

    fn event(kind: EventKind, preds: &[&str], targets: &[&str]) -> CarryEvent {
        CarryEvent {
            id: 7,
            kind,
            effective_on: jiff::civil::date(2026, 12, 1),
            predecessors: preds.iter().map(|p| part(p)).collect(),
            contributors: vec![],
            targets: targets.iter().map(|p| part(p)).collect(),
        }
    }

    #[test]
    fn a_merge_whose_predecessors_agree_carries_their_beat() {
        let e = event(
            EventKind::CreateFromParts,
            &["kp01", "kp02", "kp03"],
            &["kp13"],
        );
        let covers = vec![
            cover(1, 10, "kp01"),
            cover(2, 10, "kp02"),
            cover(3, 10, "kp03"),
        ];
        let plan = carry_plan(std::slice::from_ref(&e), &covers);
        assert_eq!(plan.assign.len(), 1);
        assert_eq!(plan.assign[0].beat_id, BeatId(10));
        assert_eq!(plan.assign[0].unit_code, "26743-kp13");
        assert_eq!(plan.end.len(), 3);
        assert!(plan.undecided.is_empty());
        // Carried: the second time nothing happens.
        let after: Vec<Cover> = vec![Cover {
            unit_open: true,
            ..cover(4, 10, "kp13")
        }];
        assert!(carry_plan(&[e], &after).is_empty());
    }

    #[test]
    fn a_merge_across_beats_waits_for_a_decision() {
        let e = event(EventKind::MergeInto, &["kp01", "kp02"], &["kp03"]);
        let covers = vec![cover(1, 10, "kp01"), cover(2, 11, "kp02")];
        let plan = carry_plan(std::slice::from_ref(&e), &covers);
        assert!(plan.assign.is_empty());
        assert!(plan.end.is_empty(), "nothing ends before the decision");
        assert_eq!(
            plan.undecided,
            [Undecided {
                event_id: 7,
                unit_code: "26743-kp03".into(),
                beat_ids: vec![BeatId(10), BeatId(11)]
            }]
        );
        // The official puts kp03 in beat 11: carrying again ends the old assignments.
        let mut decided = covers.clone();
        decided.push(Cover {
            unit_open: true,
            ..cover(3, 11, "kp03")
        });
        let plan = carry_plan(&[e], &decided);
        assert!(plan.undecided.is_empty() && plan.assign.is_empty());
        assert_eq!(plan.end.len(), 2);
    }

    #[test]
    fn every_part_of_a_split_inherits_the_beat() {
        let e = event(EventKind::Split, &["kp05"], &["kp14", "kp15"]);
        let plan = carry_plan(&[e], &[cover(1, 12, "kp05")]);
        let units: Vec<_> = plan.assign.iter().map(|a| a.unit_code.as_str()).collect();
        assert_eq!(units, ["26743-kp14", "26743-kp15"]);
        assert!(plan.assign.iter().all(|a| a.beat_id == BeatId(12)));
        assert_eq!(plan.end.len(), 1);
        assert_eq!(plan.end[0].valid_to, jiff::civil::date(2026, 12, 1));
    }

    #[test]
    fn a_rename_or_a_unit_without_a_beat_carries_nothing() {
        let e = event(EventKind::Rename, &["kp05"], &["kp05"]);
        assert!(carry_plan(&[e], &[cover(1, 12, "kp05")]).is_empty());
        let e = event(EventKind::Split, &["kp06"], &["kp16"]);
        assert!(carry_plan(&[e], &[cover(1, 12, "kp05")]).is_empty());
    }
}
