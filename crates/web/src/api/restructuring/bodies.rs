//! The bodies and answers of `/api/v1` for restructuring schemes (see the parent module).

use serde::{Deserialize, Serialize};
use tuquan_app::restructuring::schemes::{self as app, SchemeView};
use tuquan_domain::restructuring::scheme::{
    MergeInput, OverrideInput, PartInput, RenameInput, SchemeInput, SplitInput, SplitPartId,
};
use tuquan_domain::HouseholdId;
use utoipa::ToSchema;

/// What applying did (or, previewed, would do): the use case's report as it is.
pub use tuquan_app::restructuring::ApplyReport as ApplyOut;

/// A scheme's header. The legal basis (the decision's number, date and signer) may come
/// later; it is needed to apply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeBody {
    pub title: String,
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub effective_on: String,
    #[serde(default)]
    pub basis_number: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub basis_date: String,
    #[serde(default)]
    pub basis_signer: String,
}

impl From<SchemeBody> for SchemeInput {
    fn from(b: SchemeBody) -> Self {
        Self {
            title: b.title,
            reason: b.reason,
            effective_on: b.effective_on,
            basis_number: b.basis_number,
            basis_date: b.basis_date,
            basis_signer: b.basis_signer,
        }
    }
}

/// A merge: whole units into a new unit (`name`, `kind`, `local_code`) or into an existing
/// one (`into`). `adjacent` must be true: the units are declared adjacent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    pub units: Vec<String>,
    #[serde(default)]
    pub into: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub local_code: String,
    #[serde(default)]
    pub adjacent: bool,
    /// Candidate names put to the households' vote, one per line.
    #[serde(default)]
    pub candidates: String,
}

impl From<MergeBody> for MergeInput {
    fn from(b: MergeBody) -> Self {
        Self {
            units: b.units,
            into: b.into,
            name: b.name,
            kind: b.kind,
            local_code: b.local_code,
            adjacent: b.adjacent,
            candidates: b.candidates,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartBody {
    pub name: String,
    pub kind: String,
    pub local_code: String,
}

/// A split: the unit and its new parts (two to six); the household lists follow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    pub unit: String,
    pub parts: Vec<PartBody>,
}

impl From<SplitBody> for SplitInput {
    fn from(b: SplitBody) -> Self {
        Self {
            unit: b.unit,
            parts: b
                .parts
                .into_iter()
                .map(|p| PartInput {
                    name: p.name,
                    kind: p.kind,
                    local_code: p.local_code,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameBody {
    pub unit: String,
    pub name: String,
    pub kind: String,
}

impl From<RenameBody> for RenameInput {
    fn from(b: RenameBody) -> Self {
        Self {
            unit: b.unit,
            name: b.name,
            kind: b.kind,
        }
    }
}

/// Households of the split unit put into a part (`part_id` null: off every list).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    #[serde(default, deserialize_with = "crate::api::contract::opt_whole")]
    pub part_id: Option<i64>,
    #[serde(deserialize_with = "crate::api::contract::id_list")]
    pub households: Vec<i64>,
}

impl AssignBody {
    pub(super) fn part(&self) -> Option<SplitPartId> {
        self.part_id.map(SplitPartId)
    }

    pub(super) fn households(&self) -> Vec<HouseholdId> {
        self.households.iter().copied().map(HouseholdId).collect()
    }
}

/// Going ahead without the households' consent: why, and the approving decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub reason: String,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub signer: String,
}

impl From<OverrideBody> for OverrideInput {
    fn from(b: OverrideBody) -> Self {
        Self {
            reason: b.reason,
            number: b.number,
            date: b.date,
            signer: b.signer,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardBody {
    /// A residential kind: `thon`, `to_dan_pho`, `khu_pho`, `ap` …
    pub kind: String,
    #[serde(deserialize_with = "crate::api::contract::whole")]
    pub min_households: i64,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
    #[serde(default)]
    pub basis: String,
}

/// A freeze on applying schemes: `national` (administrators of the country) or `province`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeBody {
    pub scope: String,
    pub starts_on: String,
    /// The last frozen day; empty until lifted.
    #[serde(default)]
    pub ends_on: String,
    pub basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeCreated {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeItem {
    pub id: i64,
    pub commune_code: String,
    pub title: String,
    pub reason: String,
    pub effective_on: String,
    pub basis_number: String,
    pub basis_date: Option<String>,
    pub basis_signer: String,
    /// `draft`, `consulting`, `approved`, `applied`, `abandoned`.
    pub status: String,
    pub overridden: bool,
    pub created_at: String,
}

impl From<&app::SchemeRecord> for SchemeItem {
    fn from(s: &app::SchemeRecord) -> Self {
        Self {
            id: s.id.get(),
            commune_code: s.commune_code.clone(),
            title: s.title.clone(),
            reason: s.reason.clone(),
            effective_on: s.effective_on.clone(),
            basis_number: s.basis_number.clone(),
            basis_date: s.basis_date.clone(),
            basis_signer: s.basis_signer.clone(),
            status: s.status.as_str().to_owned(),
            overridden: s.overridden(),
            created_at: s.created_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeList {
    pub items: Vec<SchemeItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartOut {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub local_code: String,
    pub households: i64,
    pub residents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    /// `merge`, `split`, `rename`.
    pub kind: String,
    /// The units merged or split, the receiver, the renamed unit.
    pub units: Vec<String>,
    pub into: Option<String>,
    pub new_name: String,
    pub new_kind: String,
    pub new_local_code: String,
    pub candidates: Vec<String>,
    pub parts: Vec<PartOut>,
    /// A split's households in no part, listed twice or not of the unit.
    pub missing: usize,
    pub foreign: usize,
    pub empty_parts: usize,
}

/// One row of the before/after table.
#[derive(Debug, Serialize, ToSchema)]
pub struct AfterOut {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub from: Vec<String>,
    pub households: i64,
    pub residents: i64,
    pub minimum: Option<u32>,
    pub percent: Option<u64>,
    /// `must_merge` (below 50%), `may_merge` (below 100%) or `meets`.
    pub flag: Option<String>,
    /// The groups it will have from the units it comes from (carried over, or kept with
    /// groups merged into them).
    pub groups: Vec<super::AfterGroupOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentOut {
    pub unit_code: String,
    pub unit_name: String,
    pub vote_id: Option<i64>,
    /// `pending`, `passed`, `refused`.
    pub consent: String,
    pub yes: i64,
    pub roll: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDetail {
    pub scheme: SchemeItem,
    pub items: Vec<ItemOut>,
    pub after: Vec<AfterOut>,
    pub consent: Vec<ConsentOut>,
    /// The freeze in force today or on the effective date, by its basis.
    pub freeze: Option<String>,
    /// The groups of the units the scheme closes, each with what becomes of it.
    pub groups: Vec<super::SchemeGroupOut>,
}

pub(super) fn detail(v: &SchemeView) -> SchemeDetail {
    SchemeDetail {
        scheme: (&v.scheme).into(),
        items: v
            .items
            .iter()
            .map(|i| {
                let gap = i.gap.clone().unwrap_or_default();
                ItemOut {
                    id: i.item.id.get(),
                    kind: i.item.kind.as_str().to_owned(),
                    units: i
                        .units
                        .iter()
                        .filter(|u| u.role != "into")
                        .map(|u| u.unit_code.clone())
                        .collect(),
                    into: i.item.into_code.clone(),
                    new_name: i.item.new_name.clone(),
                    new_kind: i.item.new_kind.clone(),
                    new_local_code: i.item.new_local_code.clone(),
                    candidates: i.item.candidates(),
                    parts: i
                        .parts
                        .iter()
                        .map(|p| PartOut {
                            id: p.id.get(),
                            name: p.name.clone(),
                            kind: p.kind.clone(),
                            local_code: p.local_code.clone(),
                            households: p.households,
                            residents: p.residents,
                        })
                        .collect(),
                    missing: gap.missing.len(),
                    foreign: gap.foreign.len(),
                    empty_parts: gap.empty_parts,
                }
            })
            .collect(),
        after: v
            .after
            .iter()
            .map(|a| AfterOut {
                code: a.code.clone(),
                name: a.name.clone(),
                kind: a.kind.clone(),
                from: a.from.clone(),
                households: a.households,
                residents: a.residents,
                minimum: a.minimum.as_ref().map(|m| m.households),
                percent: a.percent,
                flag: a.flag.map(|f| f.as_str().to_owned()),
                groups: super::groups::after_groups(&a.groups),
            })
            .collect(),
        consent: v
            .consent
            .iter()
            .map(|c| ConsentOut {
                unit_code: c.unit_code.clone(),
                unit_name: c.unit_name.clone(),
                vote_id: c.vote_id.map(|v| v.get()),
                consent: c.consent.as_str().to_owned(),
                yes: c.yes,
                roll: c.roll,
            })
            .collect(),
        freeze: v.freeze.as_ref().map(|f| f.basis.clone()),
        groups: super::groups::groups_out(&v.groups),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SizeOut {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub households: i64,
    pub residents: i64,
    pub minimum: Option<u32>,
    pub percent: Option<u64>,
    pub flag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SizeReportOut {
    pub commune_code: String,
    pub must_merge: usize,
    pub may_merge: usize,
    pub units: Vec<SizeOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardOut {
    pub kind: String,
    pub min_households: Option<u32>,
    pub basis: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreezeOut {
    pub id: i64,
    /// Empty: national.
    pub province_code: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardsOut {
    pub province_code: String,
    /// The minimum in force today per residential kind.
    pub in_force: Vec<StandardOut>,
    pub freezes: Vec<FreezeOut>,
}
