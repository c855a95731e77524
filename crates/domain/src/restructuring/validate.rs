//! The preconditions of a [`Plan`], checked against the facts of the tree before anything is
//! written (pure; the application layer gathers the facts). Every problem is reported, not
//! only the first, each naming its step.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::Date;

use super::{NewUnit, Plan, Step};
use crate::territory::{Tier, UnitCode, UnitKind};
use crate::HouseholdId;

/// One unit as the plan's checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFact {
    pub code: String,
    pub parent_code: Option<String>,
    /// The commune the unit lies in (itself for a commune).
    pub commune_code: String,
    pub name: String,
    pub kind: UnitKind,
    pub valid_from: Date,
    /// Open = `valid_to` is empty.
    pub open: bool,
    /// Codes of its children that are still open.
    pub open_children: Vec<String>,
}

/// What the checks know of the tree: the units the plan names (and the parents of its new
/// units), the active households of units that give households by list, and every code in
/// use or ever used under the parents of the plan's new units.
#[derive(Debug, Clone, Default)]
pub struct TreeFacts {
    pub units: HashMap<String, UnitFact>,
    pub households: HashMap<String, BTreeSet<HouseholdId>>,
    pub existing_codes: HashSet<String>,
}

/// Why a plan cannot be applied. `step` is the index of the step (`None`: the plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub step: Option<usize>,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The plan has no step.
    Empty,
    /// A unit the plan names does not exist.
    UnknownUnit(String),
    /// A unit is closed already.
    UnitClosed(String),
    /// A unit lies outside the plan's commune, or is not a residential unit.
    OutsideCommune(String),
    /// The effective date is before the unit began.
    BeforeValidFrom(String),
    /// A unit the plan closes appears in another step too.
    UnitInTwoSteps(String),
    /// A new unit's code is in use or was used before (codes are never reused), or the plan
    /// creates it twice.
    CodeTaken(String),
    /// A new unit's kind is not a residential unit kind, or its name is blank.
    BadNewUnit(String),
    /// The new name (and kind) equal the current ones.
    SameName(String),
    /// A receiver is one of the units it receives from.
    ReceiverIsPart(String),
    /// A split has fewer than two parts.
    SplitTooFew(String),
    /// A household listed twice in a split.
    HouseholdTwice(HouseholdId),
    /// A listed household does not belong to the unit (or is not active).
    HouseholdNotInUnit(HouseholdId),
    /// A split leaves households of the unit unlisted (how many).
    SplitIncomplete { unit: String, missing: usize },
    /// A transfer names no household.
    NoHouseholds(String),
    /// A unit the plan closes still has open children the plan does not close.
    OpenChildren(String),
    /// A change of parent to the same parent.
    SameParent(String),
}

impl Problem {
    /// A stable code (`rule.restructuring_{code}` in the catalogues).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::UnknownUnit(_) => "unknown_unit",
            Problem::UnitClosed(_) => "unit_closed",
            Problem::OutsideCommune(_) => "outside_commune",
            Problem::BeforeValidFrom(_) => "before_valid_from",
            Problem::UnitInTwoSteps(_) => "unit_in_two_steps",
            Problem::CodeTaken(_) => "code_taken",
            Problem::BadNewUnit(_) => "bad_new_unit",
            Problem::SameName(_) => "same_name",
            Problem::ReceiverIsPart(_) => "receiver_is_part",
            Problem::SplitTooFew(_) => "split_too_few",
            Problem::HouseholdTwice(_) => "household_twice",
            Problem::HouseholdNotInUnit(_) => "household_not_in_unit",
            Problem::SplitIncomplete { .. } => "split_incomplete",
            Problem::NoHouseholds(_) => "no_households",
            Problem::OpenChildren(_) => "open_children",
            Problem::SameParent(_) => "same_parent",
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(i) = self.step {
            write!(f, "step {}: ", i + 1)?;
        }
        write!(f, "{} ({:?})", self.problem.code(), self.problem)
    }
}

/// The code a new unit will have.
pub fn new_unit_code(u: &NewUnit) -> UnitCode {
    UnitCode::child(&u.parent, &u.local_code)
}

/// The units a step closes.
pub fn closed_by(step: &Step) -> Vec<&UnitCode> {
    match step {
        Step::Rename { .. } | Step::TransferPart { .. } => vec![],
        Step::CreateFromParts { parts, .. } | Step::MergeInto { parts, .. } => {
            parts.iter().collect()
        }
        Step::Split { unit, .. }
        | Step::Dissolve { unit, .. }
        | Step::ChangeParent { unit, .. }
        | Step::ChangeCode { unit, .. } => vec![unit],
    }
}

/// The units a step keeps open but changes (renamed, receiving or giving households).
pub fn kept_by(step: &Step) -> Vec<&UnitCode> {
    match step {
        Step::Rename { unit, .. } => vec![unit],
        Step::MergeInto { receiver, .. } | Step::Dissolve { receiver, .. } => vec![receiver],
        Step::TransferPart { from, to, .. } => vec![from, to],
        _ => vec![],
    }
}

/// The units a step opens.
pub fn opened_by(step: &Step) -> Vec<&NewUnit> {
    match step {
        Step::CreateFromParts { into, .. } | Step::ChangeParent { into, .. } => vec![into],
        Step::Split { parts, .. } => parts.iter().map(|(u, _)| u).collect(),
        _ => vec![],
    }
}

/// The new unit of a change of code, which keeps the unit's parent, name and kind.
pub fn changed_code_unit(
    unit: &UnitFact,
    local_code: &crate::territory::LocalCode,
) -> Option<NewUnit> {
    let parent = UnitCode::parse(unit.parent_code.as_deref()?).ok()?;
    Some(NewUnit {
        parent,
        local_code: local_code.clone(),
        name: unit.name.clone(),
        kind: unit.kind,
    })
}

/// Checks every precondition of every step; all problems at once.
pub fn validate(plan: &Plan, facts: &TreeFacts) -> Result<(), Vec<PlanError>> {
    let mut v = Checker {
        plan,
        facts,
        errors: Vec::new(),
        new_codes: HashSet::new(),
    };
    if plan.steps.is_empty() {
        v.errors.push(PlanError {
            step: None,
            problem: Problem::Empty,
        });
    }
    let closed: HashMap<&str, usize> = v.closed_units();
    for (i, step) in plan.steps.iter().enumerate() {
        v.step(i, step, &closed);
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

struct Checker<'a> {
    plan: &'a Plan,
    facts: &'a TreeFacts,
    errors: Vec<PlanError>,
    new_codes: HashSet<String>,
}

impl<'a> Checker<'a> {
    fn err(&mut self, step: usize, problem: Problem) {
        self.errors.push(PlanError {
            step: Some(step),
            problem,
        });
    }

    /// Each closed unit with the first step that closes it; a second closing or any other
    /// mention is an error.
    fn closed_units(&mut self) -> HashMap<&'a str, usize> {
        let mut closed = HashMap::new();
        for (i, step) in self.plan.steps.iter().enumerate() {
            for u in closed_by(step) {
                if closed.insert(u.as_str(), i).is_some() {
                    self.err(i, Problem::UnitInTwoSteps(u.as_str().to_owned()));
                }
            }
        }
        for (i, step) in self.plan.steps.iter().enumerate() {
            for u in kept_by(step) {
                if closed.contains_key(u.as_str()) {
                    self.err(i, Problem::UnitInTwoSteps(u.as_str().to_owned()));
                }
            }
        }
        closed
    }

    /// An existing residential unit of the plan's commune, open, begun by the effective date.
    fn existing(&mut self, step: usize, code: &UnitCode) -> Option<&'a UnitFact> {
        let Some(u) = self.facts.units.get(code.as_str()) else {
            self.err(step, Problem::UnknownUnit(code.as_str().to_owned()));
            return None;
        };
        if u.commune_code != self.plan.commune.as_str() || u.kind.tier() != Tier::Residential {
            self.err(step, Problem::OutsideCommune(u.code.clone()));
        }
        if !u.open {
            self.err(step, Problem::UnitClosed(u.code.clone()));
        }
        if self.plan.effective_on < u.valid_from {
            self.err(step, Problem::BeforeValidFrom(u.code.clone()));
        }
        Some(u)
    }

    /// A unit the step closes: existing, and without open children left behind.
    fn closing(&mut self, step: usize, code: &UnitCode, closed: &HashMap<&str, usize>) {
        if let Some(u) = self.existing(step, code) {
            if u.open_children
                .iter()
                .any(|c| !closed.contains_key(c.as_str()))
            {
                self.err(step, Problem::OpenChildren(u.code.clone()));
            }
        }
    }

    /// A unit the step opens: an open parent in the commune, a residential kind, a name, a
    /// code never used.
    fn opening(&mut self, step: usize, u: &NewUnit, closed: &HashMap<&str, usize>) {
        let code = new_unit_code(u).into_string();
        let parent_ok = match self.facts.units.get(u.parent.as_str()) {
            None => {
                self.err(step, Problem::UnknownUnit(u.parent.as_str().to_owned()));
                false
            }
            Some(p) => {
                if p.commune_code != self.plan.commune.as_str() {
                    self.err(step, Problem::OutsideCommune(p.code.clone()));
                }
                if !p.open || closed.contains_key(p.code.as_str()) {
                    self.err(step, Problem::UnitClosed(p.code.clone()));
                }
                true
            }
        };
        if u.kind.tier() != Tier::Residential || crate::text::clean(&u.name).is_empty() {
            self.err(step, Problem::BadNewUnit(code.clone()));
        }
        if parent_ok
            && (self.facts.existing_codes.contains(&code) || !self.new_codes.insert(code.clone()))
        {
            self.err(step, Problem::CodeTaken(code));
        }
    }

    fn step(&mut self, i: usize, step: &Step, closed: &HashMap<&str, usize>) {
        for u in closed_by(step) {
            self.closing(i, u, closed);
        }
        for u in kept_by(step) {
            self.existing(i, u);
        }
        for u in opened_by(step) {
            self.opening(i, u, closed);
        }
        match step {
            Step::Rename { unit, name, kind } => {
                if let Some(u) = self.facts.units.get(unit.as_str()) {
                    let clean = crate::text::clean(name);
                    if clean.is_empty() || kind.tier() != Tier::Residential {
                        self.err(i, Problem::BadNewUnit(u.code.clone()));
                    } else if clean == u.name && *kind == u.kind {
                        self.err(i, Problem::SameName(u.code.clone()));
                    }
                }
            }
            Step::MergeInto { parts, receiver } => {
                if parts.contains(receiver) {
                    self.err(i, Problem::ReceiverIsPart(receiver.as_str().to_owned()));
                }
            }
            Step::Dissolve { unit, receiver } if unit == receiver => {
                self.err(i, Problem::ReceiverIsPart(receiver.as_str().to_owned()));
            }
            Step::Split { unit, parts } => self.split(i, unit, parts),
            Step::TransferPart {
                from,
                to,
                households,
            } => {
                if from == to {
                    self.err(i, Problem::ReceiverIsPart(to.as_str().to_owned()));
                }
                if households.is_empty() {
                    self.err(i, Problem::NoHouseholds(from.as_str().to_owned()));
                }
                self.listed(i, from, households.iter(), &mut HashSet::new());
            }
            Step::ChangeParent { unit, into } => {
                if let Some(u) = self.facts.units.get(unit.as_str()) {
                    if u.parent_code.as_deref() == Some(into.parent.as_str()) {
                        self.err(i, Problem::SameParent(u.code.clone()));
                    }
                }
            }
            Step::ChangeCode { unit, local_code } => {
                if let Some(nu) = self
                    .facts
                    .units
                    .get(unit.as_str())
                    .and_then(|u| changed_code_unit(u, local_code))
                {
                    self.opening(i, &nu, closed);
                }
            }
            Step::CreateFromParts { .. } | Step::Dissolve { .. } => {}
        }
    }

    fn split(&mut self, i: usize, unit: &UnitCode, parts: &[(NewUnit, Vec<HouseholdId>)]) {
        if parts.len() < 2 {
            self.err(i, Problem::SplitTooFew(unit.as_str().to_owned()));
        }
        let mut seen = HashSet::new();
        self.listed(i, unit, parts.iter().flat_map(|(_, h)| h), &mut seen);
        let all = self.facts.households.get(unit.as_str());
        let missing = all.map_or(0, |a| a.iter().filter(|h| !seen.contains(*h)).count());
        if missing > 0 {
            self.err(
                i,
                Problem::SplitIncomplete {
                    unit: unit.as_str().to_owned(),
                    missing,
                },
            );
        }
    }

    /// Listed households: each once, each an active household of `unit`.
    fn listed<'h>(
        &mut self,
        i: usize,
        unit: &UnitCode,
        listed: impl Iterator<Item = &'h HouseholdId>,
        seen: &mut HashSet<HouseholdId>,
    ) {
        let of_unit = self.facts.households.get(unit.as_str());
        for h in listed {
            if !seen.insert(*h) {
                self.err(i, Problem::HouseholdTwice(*h));
            } else if !of_unit.is_some_and(|a| a.contains(h)) {
                self.err(i, Problem::HouseholdNotInUnit(*h));
            }
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
