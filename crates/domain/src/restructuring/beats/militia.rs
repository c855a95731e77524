//! What a restructuring does to the militia heads (khu đội trưởng, ấp đội trưởng): carried
//! to the successors the way beats are (docs/beats.md, "Carrying beats after a
//! restructuring").
//!
//! For each event (a rename changes nothing), each unit the event opens or that takes
//! households in, directly below the commune and without a militia head, takes one:
//! - a **split**: every part is led by the original's head from the effective date, as every
//!   part inherits the original's beat, until the official appoints someone else;
//! - a **merge**: the head of the largest predecessor (most active households before the
//!   event; on a tie, the first by code) continues; a merge of units in different beats is
//!   left to the official for the beat, but a unit cannot wait without a militia head, and
//!   the largest unit's head is the natural choice (the official may replace them);
//! - no predecessor with a head: nothing (the report lists the unit).
//!
//! Then the heads of the event's closed predecessors end on the effective date (those who do
//! not continue: their service ends; thanks records cover group posts only). Carrying twice
//! changes nothing the second time.

use jiff::civil::Date;

use super::carry::{CarryEvent, Held};
use super::MilitiaHeadId;
use crate::restructuring::EventKind;

/// A militia head in office (no last day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenHead {
    /// `MilitiaHeadId(0)` for one the plan adds.
    pub id: MilitiaHeadId,
    pub unit_code: String,
}

impl Held for OpenHead {
    fn written(&self) -> bool {
        self.id.get() != 0
    }

    fn unit_code(&self) -> &str {
        &self.unit_code
    }
}

/// A head who continues in a successor: a new record copying the person from `from_head`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadCarry {
    pub event_id: i64,
    pub from_head: MilitiaHeadId,
    pub unit_code: String,
    pub valid_from: Date,
}

/// A head whose unit closed: their record ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadEnd {
    pub event_id: i64,
    pub head_id: MilitiaHeadId,
    pub unit_code: String,
    pub valid_to: Date,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MilitiaPlan {
    pub carry: Vec<HeadCarry>,
    pub end: Vec<HeadEnd>,
}

impl MilitiaPlan {
    pub fn is_empty(&self) -> bool {
        self.carry.is_empty() && self.end.is_empty()
    }
}

/// The plan for `events` (in order of effective date) given the heads in office `heads`;
/// `below_commune` tells which units have a militia head at all.
pub fn carry_militia(
    events: &[CarryEvent],
    heads: &[OpenHead],
    below_commune: impl Fn(&str) -> bool,
) -> MilitiaPlan {
    let mut live: Vec<OpenHead> = heads.to_vec();
    let mut plan = MilitiaPlan::default();
    let head_of =
        |live: &[OpenHead], unit: &str| live.iter().find(|h| h.unit_code == unit).map(|h| h.id);
    for e in events.iter().filter(|e| e.kind != EventKind::Rename) {
        // The largest predecessor that has a head; ties by code.
        let source = e
            .predecessors
            .iter()
            .filter_map(|p| head_of(&live, &p.code).map(|h| (p, h)))
            .max_by(|(a, _), (b, _)| a.households.cmp(&b.households).then(b.code.cmp(&a.code)))
            .map(|(_, h)| h);
        if let Some(from_head) = source {
            let mut added = Vec::new();
            for t in e.receivers() {
                if !below_commune(&t.code) || head_of(&live, &t.code).is_some() {
                    continue;
                }
                plan.carry.push(HeadCarry {
                    event_id: e.id,
                    from_head,
                    unit_code: t.code.clone(),
                    valid_from: e.effective_on,
                });
                added.push(OpenHead {
                    id: MilitiaHeadId(0),
                    unit_code: t.code.clone(),
                });
            }
            live.extend(added);
        }
        plan.end
            .extend(e.ending(&mut live).into_iter().map(|h| HeadEnd {
                event_id: e.id,
                head_id: h.id,
                unit_code: h.unit_code,
                valid_to: e.effective_on,
            }));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restructuring::beats::Part;

    fn part(local: &str, households: i64) -> Part {
        Part {
            code: format!("26743-{local}"),
            path: format!("79/26743/{local}"),
            households,
        }
    }

    fn head(id: i64, local: &str) -> OpenHead {
        OpenHead {
            id: MilitiaHeadId(id),
            unit_code: format!("26743-{local}"),
        }
    }

    fn event(kind: EventKind, preds: &[(&str, i64)], targets: &[&str]) -> CarryEvent {
        CarryEvent {
            id: 7,
            kind,
            effective_on: jiff::civil::date(2026, 12, 1),
            predecessors: preds.iter().map(|(p, n)| part(p, *n)).collect(),
            contributors: vec![],
            targets: targets.iter().map(|p| part(p, 0)).collect(),
        }
    }

    fn everywhere(_: &str) -> bool {
        true
    }

    #[test]
    fn a_merge_keeps_the_head_of_the_largest_predecessor_and_ends_the_others() {
        let e = event(
            EventKind::CreateFromParts,
            &[("kp01", 40), ("kp02", 90), ("kp03", 60)],
            &["kp13"],
        );
        let heads = [head(1, "kp01"), head(2, "kp02"), head(3, "kp03")];
        let plan = carry_militia(std::slice::from_ref(&e), &heads, everywhere);
        assert_eq!(plan.carry.len(), 1);
        assert_eq!(plan.carry[0].from_head, MilitiaHeadId(2));
        assert_eq!(plan.carry[0].unit_code, "26743-kp13");
        assert_eq!(plan.carry[0].valid_from, e.effective_on);
        let ended: Vec<i64> = plan.end.iter().map(|x| x.head_id.get()).collect();
        assert_eq!(ended, vec![1, 2, 3]);
        // A predecessor without a head is passed over; a tie goes to the first by code.
        let heads = [head(1, "kp01"), head(3, "kp03")];
        let e = event(
            EventKind::CreateFromParts,
            &[("kp01", 60), ("kp02", 90), ("kp03", 60)],
            &["kp13"],
        );
        assert_eq!(
            carry_militia(&[e], &heads, everywhere).carry[0].from_head,
            MilitiaHeadId(1)
        );
    }

    #[test]
    fn a_split_gives_every_part_the_original_head() {
        let e = event(EventKind::Split, &[("kp05", 300)], &["kp05a", "kp05b"]);
        let plan = carry_militia(&[e], &[head(5, "kp05")], everywhere);
        let to: Vec<(&str, i64)> = plan
            .carry
            .iter()
            .map(|c| (c.unit_code.as_str(), c.from_head.get()))
            .collect();
        assert_eq!(to, vec![("26743-kp05a", 5), ("26743-kp05b", 5)]);
        assert_eq!(plan.end.len(), 1);
    }

    #[test]
    fn a_merge_into_a_unit_keeps_its_head_and_renames_change_nothing() {
        let e = event(EventKind::MergeInto, &[("kp02", 500)], &["kp03"]);
        let plan = carry_militia(&[e], &[head(2, "kp02"), head(3, "kp03")], everywhere);
        assert!(plan.carry.is_empty());
        assert_eq!(plan.end.len(), 1);
        assert_eq!(plan.end[0].head_id, MilitiaHeadId(2));
        let r = event(EventKind::Rename, &[], &["kp03"]);
        assert!(carry_militia(&[r], &[head(3, "kp03")], everywhere).is_empty());
    }

    #[test]
    fn units_deeper_than_the_commune_get_none_and_twice_changes_nothing() {
        let e = event(EventKind::Split, &[("kp05", 300)], &["kp05a", "kp05b"]);
        let plan = carry_militia(std::slice::from_ref(&e), &[head(5, "kp05")], |c| {
            c.ends_with('a')
        });
        assert_eq!(plan.carry.len(), 1);
        // After the first carry: the parts have heads, the original's has ended.
        let after = [head(8, "kp05a"), head(9, "kp05b")];
        assert!(carry_militia(&[e], &after, everywhere).is_empty());
    }
}
