//! The bodies of the beats API: what is sent and what comes back.

use super::*;

/// A beat as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatBody {
    pub name: String,
    /// The officer's account: it gets an area police grant on every unit of the beat.
    #[serde(default)]
    pub officer_username: Option<String>,
    /// The officer's name (default: the account's display name).
    #[serde(default)]
    pub officer_name: Option<String>,
    #[serde(default)]
    pub officer_phone: Option<String>,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub valid_from: Option<String>,
}

impl From<BeatBody> for BeatInput {
    fn from(b: BeatBody) -> Self {
        Self {
            name: b.name,
            officer_username: b.officer_username.unwrap_or_default(),
            officer_name: b.officer_name.unwrap_or_default(),
            officer_phone: b.officer_phone.unwrap_or_default(),
            valid_from: b.valid_from.unwrap_or_default(),
        }
    }
}

/// A whole residential unit put in a beat.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatAssignBody {
    pub unit_code: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub valid_from: Option<String>,
}

/// The last day of a beat, an assignment or a militia head's service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeatEndBody {
    /// `YYYY-MM-DD`, not in the future; default today.
    #[serde(default)]
    pub valid_to: Option<String>,
}

impl BeatEndBody {
    /// The day as typed, blank for the default.
    pub fn day(self) -> String {
        self.valid_to.unwrap_or_default()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilitiaBody {
    /// A unit directly below the commune (khu phố, ấp, thôn, tổ dân phố).
    pub unit_code: String,
    pub full_name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "crate::api::contract::opt_whole")]
    pub resident_id: Option<i64>,
    #[serde(default)]
    pub valid_from: Option<String>,
}

impl From<MilitiaBody> for MilitiaInput {
    fn from(b: MilitiaBody) -> Self {
        Self {
            unit_code: b.unit_code,
            full_name: b.full_name,
            phone: b.phone.unwrap_or_default(),
            resident_id: b.resident_id.map(ResidentId),
            valid_from: b.valid_from.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OnParams {
    /// The report's date, `YYYY-MM-DD`; default today.
    pub on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatItem {
    pub id: i64,
    pub commune_code: String,
    pub name: String,
    pub officer_username: Option<String>,
    pub officer_name: String,
    pub officer_phone: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

impl From<&BeatRecord> for BeatItem {
    fn from(b: &BeatRecord) -> Self {
        Self {
            id: b.id.get(),
            commune_code: b.commune_code.clone(),
            name: b.name.clone(),
            officer_username: b.officer_username.clone(),
            officer_name: b.officer_name.clone(),
            officer_phone: b.officer_phone.clone(),
            valid_from: b.valid_from.clone(),
            valid_to: b.valid_to.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatList {
    pub items: Vec<BeatItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    /// Whether the officer's account holds a grant for it.
    pub granted: bool,
    /// The restructuring event it was carried after.
    pub event_id: Option<i64>,
}

impl From<&BeatUnitRecord> for AssignmentItem {
    fn from(a: &BeatUnitRecord) -> Self {
        Self {
            id: a.id.get(),
            unit_code: a.unit_code.clone(),
            unit_name: a.unit_name.clone(),
            valid_from: a.valid_from.clone(),
            valid_to: a.valid_to.clone(),
            granted: a.grant_id.is_some() && a.valid_to.is_none(),
            event_id: a.event_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatDetailBody {
    pub beat: BeatItem,
    pub assignments: Vec<AssignmentItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatUnitRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatUnitPair {
    pub unit: BeatUnitRef,
    pub beat: BeatRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BeatUnitsRef {
    pub unit: BeatUnitRef,
    pub beats: Vec<BeatRef>,
}

/// The alignment of a commune's beats and militia heads with its units on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlignmentBody {
    pub commune_code: String,
    pub on: String,
    pub clean: bool,
    pub units: usize,
    pub beats: usize,
    pub without_beat: Vec<BeatUnitRef>,
    pub without_militia_head: Vec<BeatUnitRef>,
    /// A beat covering part of a unit (not the whole of it).
    pub partial: Vec<BeatUnitPair>,
    /// A unit under two or more beats at once.
    pub under_two_beats: Vec<BeatUnitsRef>,
    /// A beat with a unit of another commune.
    pub crossing_communes: Vec<BeatUnitPair>,
    /// An open assignment of a unit that no longer exists (to carry to its successors).
    pub stale: Vec<BeatUnitPair>,
}

fn unit_ref(n: &Names, code: &str) -> BeatUnitRef {
    BeatUnitRef {
        code: code.to_owned(),
        name: n.unit(code),
    }
}

fn beat_ref(n: &Names, id: BeatId) -> BeatRef {
    BeatRef {
        id: id.get(),
        name: n.beat(id),
    }
}

fn pair(n: &Names, code: &str, beat: BeatId) -> BeatUnitPair {
    BeatUnitPair {
        unit: unit_ref(n, code),
        beat: beat_ref(n, beat),
    }
}

fn units_ref(n: &Names, code: &str, beats: &[BeatId]) -> BeatUnitsRef {
    BeatUnitsRef {
        unit: unit_ref(n, code),
        beats: beats.iter().map(|b| beat_ref(n, *b)).collect(),
    }
}

impl From<&AlignmentReport> for AlignmentBody {
    fn from(r: &AlignmentReport) -> Self {
        let (a, n) = (&r.alignment, &r.names);
        Self {
            commune_code: r.commune.code.clone(),
            on: r.day.to_string(),
            clean: a.is_clean(),
            units: r.units,
            beats: r.beats,
            without_beat: a.without_beat.iter().map(|c| unit_ref(n, c)).collect(),
            without_militia_head: a.without_militia.iter().map(|c| unit_ref(n, c)).collect(),
            partial: (a.partial.iter())
                .map(|p| pair(n, &p.unit_code, p.beat_id))
                .collect(),
            under_two_beats: (a.overlaps.iter())
                .map(|o| units_ref(n, &o.unit_code, &o.beat_ids))
                .collect(),
            crossing_communes: (a.crossing.iter())
                .map(|c| pair(n, &c.unit_code, c.beat_id))
                .collect(),
            stale: (a.stale.iter())
                .map(|s| pair(n, &s.unit_code, s.beat_id))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilitiaItem {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub full_name: String,
    pub phone: String,
    pub resident_id: Option<i64>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

impl From<&MilitiaRecord> for MilitiaItem {
    fn from(m: &MilitiaRecord) -> Self {
        Self {
            id: m.id.get(),
            unit_code: m.unit_code.clone(),
            unit_name: m.unit_name.clone(),
            full_name: m.full_name.clone(),
            phone: m.phone.clone(),
            resident_id: m.resident_id.map(ResidentId::get),
            valid_from: m.valid_from.clone(),
            valid_to: m.valid_to.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilitiaList {
    pub items: Vec<MilitiaItem>,
}

/// A militia head carried to a successor of a restructured unit, or whose unit closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilitiaCarryItem {
    /// The successor the head continues in, or the closed unit.
    pub unit: BeatUnitRef,
    /// The head's record before the event (carrying copies the person into a new record).
    pub head_id: i64,
    pub full_name: String,
    /// `YYYY-MM-DD`: the first day in the successor, or the last day in the closed unit.
    pub on: String,
}

/// What carrying beats to successors does (or did).
#[derive(Debug, Serialize, ToSchema)]
pub struct CarryBody {
    pub applied: bool,
    /// Units put in a beat, from the event's effective date.
    pub assigned: Vec<BeatUnitPair>,
    /// Assignments of closed units ended.
    pub ended: Vec<BeatUnitPair>,
    /// Units whose predecessors lay in several beats: assign one, then carry again.
    pub undecided: Vec<BeatUnitsRef>,
    /// Militia heads carried to the successors, from the event's effective date.
    pub militia_carried: Vec<MilitiaCarryItem>,
    /// Militia heads of closed units whose service there ended.
    pub militia_ended: Vec<MilitiaCarryItem>,
}

impl From<&CarryView> for CarryBody {
    fn from(v: &CarryView) -> Self {
        let (plan, militia, n) = (&v.plan, &v.militia, &v.names);
        let head = |unit: &str, id: MilitiaHeadId, on: &jiff::civil::Date| MilitiaCarryItem {
            unit: unit_ref(n, unit),
            head_id: id.get(),
            full_name: n.head(id),
            on: on.to_string(),
        };
        Self {
            applied: v.applied,
            assigned: (plan.assign.iter())
                .map(|a| pair(n, &a.unit_code, a.beat_id))
                .collect(),
            ended: (plan.end.iter())
                .map(|e| pair(n, &e.unit_code, e.beat_id))
                .collect(),
            undecided: (plan.undecided.iter())
                .map(|u| units_ref(n, &u.unit_code, &u.beat_ids))
                .collect(),
            militia_carried: (militia.carry.iter())
                .map(|h| head(&h.unit_code, h.from_head, &h.valid_from))
                .collect(),
            militia_ended: (militia.end.iter())
                .map(|h| head(&h.unit_code, h.head_id, &h.valid_to))
                .collect(),
        }
    }
}
