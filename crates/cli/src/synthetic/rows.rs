//! The tables a commune's generator fills, and their renumbering when written: columns,
//! plans and settings, local ids shifted by the writer ([`CommuneRows::shift`]).

use jiff::civil::Date;
use tuquan_domain::territory::{SubdivisionScheme, Unit, UnitKind};
use tuquan_store::bulk::{Rows, Value};

pub const UNIT_COLUMNS: &[&str] = &[
    "code",
    "parent_code",
    "province_code",
    "path",
    "level",
    "kind",
    "name",
    "name_folded",
    "sort_key",
    "codename",
    "valid_from",
    "valid_to",
    "created_at",
    "updated_at",
];
pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "unit_code",
    "address",
    "address_folded",
    "phone",
    "representative_id",
    "representative_name",
    "name_folded",
    "sort_key",
    "member_count",
    "status",
    "created_at",
    "updated_at",
];
pub const RESIDENT_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "household_id",
    "unit_code",
    "full_name",
    "name_folded",
    "sort_key",
    "birth_date",
    "gender",
    "phone",
    "residence_type",
    "residence_since",
    "cccd_cipher",
    "cccd_masked",
    "cccd_index",
    "status",
    "created_at",
    "updated_at",
];
pub const GROUP_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "unit_code",
    "unit_path",
    "kind",
    "kind_label",
    "name",
    "name_folded",
    "sort_key",
    "status",
    "established_on",
    "dissolved_on",
    "created_at",
    "updated_at",
];
pub const GROUP_UNIT_COLUMNS: &[&str] = &["group_id", "unit_code", "unit_path"];
pub const DECISION_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "group_id",
    "kind",
    "number",
    "issued_on",
    "issuer",
    "signer",
    "effective_on",
    "document_id",
    "created_at",
    "created_by",
];
pub const POSITION_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "group_id",
    "resident_id",
    "role",
    "acting",
    "starts_on",
    "ends_on",
    "ended_on",
    "end_reason",
    "decision_ref",
    "note",
    "created_at",
    "updated_at",
];
pub const GROUP_EVENT_COLUMNS: &[&str] = &[
    "id",
    "province_code",
    "group_id",
    "at",
    "actor_username",
    "event",
    "detail_json",
];

/// What the generator needs to know about a commune.
#[derive(Debug, Clone)]
pub struct CommunePlan {
    /// Position in the plan (0, 1, …): part of the RNG seed and of identity numbers.
    pub ordinal: usize,
    pub unit: Unit,
    pub households: u32,
    /// The residential unit kind for this commune (khu phố in a phường, ấp in a xã).
    pub unit_kind: UnitKind,
    pub scheme: SubdivisionScheme,
}

/// Shared settings of a run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub seed: u64,
    /// The day the data set "is": ages, terms and two years of feedback end here.
    pub as_of: Date,
    /// `created_at`/`updated_at` of the rows (one stamp for the whole load).
    pub stamp: String,
    /// How many communes the run has (identity numbers are partitioned by commune).
    pub communes: usize,
}

/// A commune's rows with local ids, and what the feedback generator needs of it.
pub struct CommuneRows {
    pub units: Rows,
    pub households: Rows,
    pub residents: Rows,
    pub groups: Rows,
    pub group_units: Rows,
    pub decisions: Rows,
    pub positions: Rows,
    pub group_events: Rows,
    /// (code, path) of the residential units, for feedback.
    pub unit_refs: Vec<(String, String)>,
    pub residents_count: u64,
}

impl CommuneRows {
    /// Shifts local ids by the table bases (households, residents, groups, decisions,
    /// positions, group events).
    pub fn shift(&mut self, b: &Bases) {
        shift(&mut self.households, &[(0, b.households), (6, b.residents)]);
        shift(&mut self.residents, &[(0, b.residents), (2, b.households)]);
        shift(&mut self.groups, &[(0, b.groups)]);
        shift(&mut self.group_units, &[(0, b.groups)]);
        shift(&mut self.decisions, &[(0, b.decisions), (2, b.groups)]);
        shift(
            &mut self.positions,
            &[(0, b.positions), (2, b.groups), (3, b.residents)],
        );
        shift(
            &mut self.group_events,
            &[(0, b.group_events), (2, b.groups)],
        );
    }

    /// How many rows each id-carrying table got, to advance the bases.
    pub fn counts(&self) -> Bases {
        Bases {
            households: self.households.len() as i64,
            residents: self.residents.len() as i64,
            groups: self.groups.len() as i64,
            decisions: self.decisions.len() as i64,
            positions: self.positions.len() as i64,
            group_events: self.group_events.len() as i64,
        }
    }

    pub fn into_tables(self) -> Vec<Rows> {
        vec![
            self.units,
            self.households,
            self.residents,
            self.groups,
            self.group_units,
            self.decisions,
            self.positions,
            self.group_events,
        ]
    }
}

/// The id before the first new row of each table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bases {
    pub households: i64,
    pub residents: i64,
    pub groups: i64,
    pub decisions: i64,
    pub positions: i64,
    pub group_events: i64,
}

impl Bases {
    pub fn advance(&mut self, by: &Bases) {
        self.households += by.households;
        self.residents += by.residents;
        self.groups += by.groups;
        self.decisions += by.decisions;
        self.positions += by.positions;
        self.group_events += by.group_events;
    }
}

fn shift(rows: &mut Rows, cols: &[(usize, i64)]) {
    let width = rows.columns.len();
    for row in rows.values.chunks_mut(width) {
        for (c, base) in cols {
            if let Value::Int(Some(v)) = &mut row[*c] {
                *v += base;
            }
        }
    }
}
