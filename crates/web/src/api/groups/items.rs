//! The JSON shapes of the group API.

use serde::{Deserialize, Serialize};
use tuquan_app::groups::{
    position_state, DecisionRecord, EventRecord, GroupRecord, GroupUnit, PositionRecord,
    RegulationRecord, RegulationStatus, ReviewRecord, ServiceRecord,
};
use tuquan_domain::groups::{too_few_mediators, GroupStatus};
use utoipa::ToSchema;

/// A group in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupItem {
    pub id: i64,
    /// `unit_leadership`, `to_nhan_dan_tu_quan`, `to_bao_ve_antt`, `to_hoa_giai`,
    /// `ban_cong_tac_mat_tran` or `other`.
    pub kind: String,
    /// What an `other` group is.
    pub kind_label: Option<String>,
    pub name: String,
    /// `pending` (waiting for its establishment decision), `active` or `dissolved`.
    pub status: String,
    /// Only an active group acts; a pending one has no establishment decision yet.
    pub active: bool,
    /// The unit the group belongs to.
    pub unit_code: String,
    pub unit_name: String,
    /// The effective date of the establishment decision.
    pub established_on: Option<String>,
    pub dissolved_on: Option<String>,
    /// People holding a position today.
    pub current_members: i64,
    /// A mediation team with fewer than three members (Law 35/2013/QH13).
    pub too_few_mediators: bool,
}

impl From<&GroupRecord> for GroupItem {
    fn from(g: &GroupRecord) -> Self {
        let members = usize::try_from(g.current_members).unwrap_or(0);
        Self {
            id: g.id.get(),
            kind: g.kind.as_str().to_owned(),
            kind_label: g.kind_label.clone(),
            name: g.name.clone(),
            status: g.status.as_str().to_owned(),
            active: g.status() == GroupStatus::Active,
            unit_code: g.unit_code.clone(),
            unit_name: g.unit_name.clone(),
            established_on: g.established_on.clone(),
            dissolved_on: g.dissolved_on.clone(),
            current_members: g.current_members,
            too_few_mediators: g.status() == GroupStatus::Active
                && too_few_mediators(g.kind(), members),
        }
    }
}

/// One page of groups, in Vietnamese name order.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupList {
    pub items: Vec<GroupItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// The URL of the next page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

impl From<&GroupUnit> for UnitRef {
    fn from(u: &GroupUnit) -> Self {
        Self {
            code: u.unit_code.clone(),
            name: u.unit_name.clone(),
        }
    }
}

/// An establishment or dissolution decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionItem {
    pub id: i64,
    /// `establishment` or `dissolution`.
    pub kind: String,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
    pub signer: String,
    pub effective_on: String,
    /// The uploaded scan's original name.
    pub file_name: Option<String>,
    /// Where to download the scan (with the same token).
    pub scan_url: Option<String>,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
}

impl From<&DecisionRecord> for DecisionItem {
    fn from(d: &DecisionRecord) -> Self {
        Self {
            id: d.id.get(),
            kind: d.kind.as_str().to_owned(),
            number: d.number.clone(),
            issued_on: d.issued_on.clone(),
            issuer: d.issuer.clone(),
            signer: d.signer.clone(),
            effective_on: d.effective_on.clone(),
            file_name: d.file_name.clone(),
            scan_url: d
                .document_id
                .map(|_| format!("/api/v1/groups/{}/decisions/{}/scan", d.group_id, d.id)),
            recorded_at: d.created_at.clone(),
            recorded_by: d.created_by.clone(),
        }
    }
}

/// A term in a position: the role and its dates (of a group's position, or of a person's
/// service history).
#[derive(Debug, Serialize, ToSchema)]
pub struct Tenure {
    /// `head`, `deputy`, `secretary` or `member`.
    pub role: String,
    /// An acting head, for at most six months.
    pub acting: bool,
    pub starts_on: String,
    /// The end of the term, computed from the province's term length (an acting head: six
    /// months; a unit's deputy: with the head).
    pub ends_on: String,
    /// When it actually ended, if it has.
    pub ended_on: Option<String>,
    /// `term_ended`, `resigned`, `dismissed`, `moved_away`, `deceased`, `dissolved`, `other`.
    pub end_reason: Option<String>,
}

/// The tenure of a record with the position columns (`PositionRecord`, `ServiceRecord`).
macro_rules! tenure {
    ($r:expr) => {
        Tenure {
            role: $r.role.as_str().to_owned(),
            acting: $r.acting,
            starts_on: $r.starts_on.clone(),
            ends_on: $r.ends_on.clone(),
            ended_on: $r.ended_on.clone(),
            end_reason: $r.end_reason.clone(),
        }
    };
}

/// A position, current or past.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionItem {
    pub id: i64,
    pub resident_id: i64,
    pub full_name: String,
    #[serde(flatten)]
    pub tenure: Tenure,
    /// `current`, `upcoming`, `term_over` or `ended`.
    pub state: String,
    pub decision_ref: Option<String>,
    pub note: Option<String>,
}

impl PositionItem {
    pub fn new(p: &PositionRecord, today: &str) -> Self {
        Self {
            id: p.id.get(),
            resident_id: p.resident_id.get(),
            full_name: p.full_name.clone(),
            tenure: tenure!(p),
            state: position_state(p, today).as_str().to_owned(),
            decision_ref: p.decision_ref.clone(),
            note: p.note.clone(),
        }
    }
}

/// A group with its units, decisions and every position it has had.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupDetail {
    #[serde(flatten)]
    pub group: GroupItem,
    /// The units it covers.
    pub units: Vec<UnitRef>,
    /// The province's term of office: `2.5` or `5` (years).
    pub term_years: String,
    pub decisions: Vec<DecisionItem>,
    /// Current positions first (head, deputy, secretary, members), then past ones.
    pub positions: Vec<PositionItem>,
}

/// One line of a group's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventItem {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    /// `created`, `established`, `dissolved`, `appointed` or `ended`.
    pub event: String,
    pub detail: serde_json::Value,
}

impl From<&EventRecord> for EventItem {
    fn from(e: &EventRecord) -> Self {
        Self {
            id: e.id,
            at: e.at.clone(),
            actor: e.actor_username.clone(),
            event: e.event.clone(),
            detail: e.detail(),
        }
    }
}

/// A group's history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventItem>,
    /// Pass as `cursor` for older events.
    pub next_cursor: Option<String>,
}

/// A position in a person's service history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceItem {
    pub position_id: i64,
    pub group_id: i64,
    pub group_name: String,
    pub group_kind: String,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(flatten)]
    pub tenure: Tenure,
}

impl From<&ServiceRecord> for ServiceItem {
    fn from(s: &ServiceRecord) -> Self {
        Self {
            position_id: s.position_id.get(),
            group_id: s.group_id.get(),
            group_name: s.group_name.clone(),
            group_kind: s.group_kind.as_str().to_owned(),
            unit_code: s.unit_code.clone(),
            unit_name: s.unit_name.clone(),
            tenure: tenure!(s),
        }
    }
}

/// Every position a person has held, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceList {
    pub resident_id: i64,
    pub full_name: String,
    pub items: Vec<ServiceItem>,
}

/// A signed version of a coordination regulation.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegulationItem {
    pub id: i64,
    pub version: i64,
    pub signed_on: String,
    /// The unit head who signed.
    pub unit_head_name: String,
    /// The Front work committee head who signed.
    pub front_head_name: String,
    pub note: Option<String>,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
}

impl From<&RegulationRecord> for RegulationItem {
    fn from(r: &RegulationRecord) -> Self {
        Self {
            id: r.id.get(),
            version: r.version,
            signed_on: r.signed_on.clone(),
            unit_head_name: r.unit_head_name.clone(),
            front_head_name: r.front_head_name.clone(),
            note: r.note.clone(),
            recorded_at: r.created_at.clone(),
            recorded_by: r.created_by.clone(),
        }
    }
}

/// A yearly review that kept the regulation unchanged.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItem {
    pub id: i64,
    pub regulation_id: i64,
    pub reviewed_on: String,
    pub note: Option<String>,
}

impl From<&ReviewRecord> for ReviewItem {
    fn from(r: &ReviewRecord) -> Self {
        Self {
            id: r.id,
            regulation_id: r.regulation_id.get(),
            reviewed_on: r.reviewed_on.clone(),
            note: r.note.clone(),
        }
    }
}

/// A unit's coordination regulation: every version, every review, and whether it is due.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegulationDetail {
    pub unit_code: String,
    pub unit_name: String,
    /// The last signing or review is more than twelve months old.
    pub review_due: bool,
    /// The later of the last signing and the last review.
    pub last_checked: Option<String>,
    /// Today's holders, the default parties of a new version.
    pub current_unit_head: Option<String>,
    pub current_front_head: Option<String>,
    /// Newest first.
    pub versions: Vec<RegulationItem>,
    pub reviews: Vec<ReviewItem>,
}

/// A unit whose regulation's last signing or review is more than twelve months old.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueItem {
    pub unit_code: String,
    pub unit_name: String,
    pub version: i64,
    pub last_signed: String,
    pub last_reviewed: Option<String>,
    pub last_checked: String,
}

impl From<&RegulationStatus> for DueItem {
    fn from(s: &RegulationStatus) -> Self {
        Self {
            unit_code: s.unit_code.clone(),
            unit_name: s.unit_name.clone(),
            version: s.version,
            last_signed: s.last_signed.clone(),
            last_reviewed: s.last_reviewed.clone(),
            last_checked: s.last_checked().to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueList {
    pub items: Vec<DueItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TermYearsItem {
    pub province_code: String,
    /// `2.5` or `5`.
    pub years: String,
}

/// A new group. It starts `pending` until its establishment decision is recorded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// `to_nhan_dan_tu_quan`, `to_bao_ve_antt` (or its former name `to_xung_kich`),
    /// `to_hoa_giai`, `ban_cong_tac_mat_tran` or `other`.
    pub kind: String,
    /// Required for `other`: what kind of group it is.
    pub kind_label: Option<String>,
    pub name: String,
    /// The units it covers, inside the unit of the path; default: that unit.
    #[serde(default)]
    pub unit_codes: Vec<String>,
}

/// An establishment or dissolution decision, as `multipart/form-data`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct DecisionUpload {
    /// `establishment` (the group becomes active) or `dissolution` (the group is dissolved
    /// and every current position ends on the effective date).
    pub kind: String,
    /// Số quyết định, e.g. `125/QĐ-UBND`.
    #[schema(max_length = 50)]
    pub number: String,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`; not in the future.
    pub issued_on: String,
    /// Cơ quan ban hành, e.g. `UBND phường Bến Thành`.
    #[schema(max_length = 200)]
    pub issuer: String,
    /// Người ký.
    #[schema(max_length = 100)]
    pub signer: String,
    /// Default: the day of issue.
    pub effective_on: Option<String>,
    /// The scan: PDF, JPEG or PNG, at most 5 MB (checked from the file's first bytes).
    #[schema(value_type = String, format = Binary)]
    pub scan: Vec<u8>,
}

/// An appointment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointBody {
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "crate::api::contract::whole")]
    pub resident_id: i64,
    /// `head`, `deputy`, `secretary` or `member`, as the group's kind allows.
    #[schema(pattern = "^(head|deputy|secretary|member)$")]
    pub role: String,
    /// `YYYY-MM-DD`; default today.
    pub starts_on: Option<String>,
    /// An acting head (at most six months).
    #[serde(default)]
    pub acting: bool,
    /// The decision recognising or appointing the person, e.g. `45/QĐ-UBND`.
    pub decision_ref: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndBody {
    /// `YYYY-MM-DD`; default today.
    pub ended_on: Option<String>,
    /// `term_ended`, `resigned`, `dismissed`, `moved_away`, `deceased` or `other`.
    #[schema(pattern = "^(term_ended|resigned|dismissed|moved_away|deceased|other)$")]
    pub reason: String,
}

/// A (re-)signing: a new version of the unit's regulation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignBody {
    /// `YYYY-MM-DD`; not in the future.
    pub signed_on: String,
    /// Default: the unit's current head.
    pub unit_head_name: Option<String>,
    /// Default: the current head of the unit's Front work committee.
    pub front_head_name: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `YYYY-MM-DD`.
    pub reviewed_on: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermYearsBody {
    /// `2.5` or `5`.
    pub years: String,
}

/// The id of what was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedId {
    pub id: i64,
}

/// A new regulation version.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedVersion {
    pub id: i64,
    pub version: i64,
}
