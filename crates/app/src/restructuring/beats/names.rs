//! The names the alignment report and the carry show beside codes and ids.

use std::collections::HashMap;

use tuquan_domain::restructuring::beats::{BeatId, MilitiaHeadId};

/// Units by code, beats and militia heads by id; what is not known shows as its code or
/// `#id`.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub(super) units: HashMap<String, String>,
    pub(super) beats: HashMap<BeatId, String>,
    pub(super) heads: HashMap<MilitiaHeadId, String>,
}

impl Names {
    pub fn unit(&self, code: &str) -> String {
        self.units
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// "Name (code)", as the lists of findings show a unit.
    pub fn unit_label(&self, code: &str) -> String {
        format!("{} ({code})", self.unit(code))
    }

    pub fn beat(&self, id: BeatId) -> String {
        self.beats
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// Several beats' names, comma separated.
    pub fn beats(&self, ids: &[BeatId]) -> String {
        ids.iter()
            .map(|b| self.beat(*b))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The person of a militia head record.
    pub fn head(&self, id: MilitiaHeadId) -> String {
        self.heads
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
}
