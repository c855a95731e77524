//! The permission table: which role may do which action, on units its grant covers.
//! This is the only place the decision is written down; `docs/access.md` is generated from it
//! (`tuquan access table`), and a test keeps the two equal.

use super::Role;

/// Everything the product guards. Adding a variant forces a row in `TABLE` (the array's
/// length is `Action::ALL.len()`), and the authorization matrix test then exercises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create residential units below a commune.
    UnitCreate,
    /// See households and residents of a unit (names, addresses, masked identity numbers).
    HouseholdView,
    /// Add, edit and move households and their members; record consent.
    HouseholdEdit,
    /// See a resident's full identity number (each view is audited).
    IdentityView,
    /// Export a resident's data and request its erasure on their behalf.
    ResidentRights,
    /// Approve or refuse erasure requests.
    ErasureApprove,
    /// See accounts with grants in a unit.
    UserView,
    /// Invite accounts, assign and revoke grants, disable accounts, reset passwords.
    UserManage,
    /// Browse the audit log of a unit's subtree.
    AuditView,
    /// See groups, their decisions, members and history, and the coordination regulations.
    GroupView,
    /// Create groups, record their decisions, appoint and end positions, set term lengths.
    GroupManage,
    /// Record signings and yearly reviews of a unit's coordination regulation (QCPH).
    RegulationManage,
    /// Work the feedback inbox: acknowledge, assign, answer, reject, refer; file feedback on
    /// behalf of a resident who came in person.
    FeedbackHandle,
    /// Set a commune's feedback categories, deadlines, routing table and the holidays.
    FeedbackConfigure,
    /// Publish announcements at a unit, edit them (a new version) and withdraw them.
    AnnouncementPublish,
    /// See the announcements waiting at a unit and pass them on to the level below.
    AnnouncementPassOn,
    /// Record that a household was told (in person, at a meeting, by loudspeaker, phone, Zalo).
    AnnouncementAcknowledgeOnBehalf,
    /// See a unit's announcements, who passed them on, the acknowledgement counts and delivery.
    AnnouncementView,
    // meetings
    /// See a unit's meetings, their attendance, sign-in sheets and minutes.
    MeetingView,
    /// Schedule, hold and cancel a unit's meetings; record attendance; write, finalise and
    /// correct the minutes.
    MeetingManage,
    /// The same for the meetings of a group of the unit.
    GroupMeetingManage,
    // items
    /// See a unit's action items, who owes what, and print the list.
    ActionItemView,
    /// Record action items, edit and cancel them, carry open items into a meeting.
    ActionItemManage,
    /// Record progress on an action item: a note, in progress, done.
    ActionItemProgress,
    // votes
    /// Set a province's thresholds of meetings and votes (quorum, pass, notice periods).
    VoteSettingsManage,
    /// Record votes at a unit's meetings, open, close and publish household ballots.
    VoteManage,
    /// Count a ballot: enter paper ballots and door-to-door votes, reconcile the two paper
    /// entries, see how each household voted.
    VoteCount,
    // consult
    /// Write a consultation on a draft document, edit it while a draft, open and close it.
    ConsultationManage,
    /// Enter a household's comments from the paper form.
    ConsultationRecord,
    /// See a unit's consultations (drafts too), the comments with their households, and the
    /// summary.
    ConsultationView,
    // restructuring schemes
    /// Draft a commune's restructuring scheme (đề án sắp xếp), consult the households,
    /// record an override, approve, abandon and apply it.
    RestructuringSchemeManage,
    /// See a commune's schemes, their before/after table and consent, and the size report.
    RestructuringSchemeView,
    /// Set a province's size standards and freezes on restructuring.
    RestructuringStandardsManage,
    // restructuring apply
    /// Apply a restructuring plan (or preview it as a dry run); see the thanks list.
    RestructuringApply,
    // beats
    /// See a commune's police beats, militia heads and their alignment with the units.
    BeatView,
    /// Create and end beats, assign units to them, appoint militia heads, carry beats to the
    /// successors of restructured units.
    BeatManage,
}

impl Action {
    pub const ALL: [Action; 36] = [
        Self::UnitCreate,
        Self::HouseholdView,
        Self::HouseholdEdit,
        Self::IdentityView,
        Self::ResidentRights,
        Self::ErasureApprove,
        Self::UserView,
        Self::UserManage,
        Self::AuditView,
        Self::GroupView,
        Self::GroupManage,
        Self::RegulationManage,
        Self::FeedbackHandle,
        Self::FeedbackConfigure,
        Self::AnnouncementPublish,
        Self::AnnouncementPassOn,
        Self::AnnouncementAcknowledgeOnBehalf,
        Self::AnnouncementView,
        // meetings
        Self::MeetingView,
        Self::MeetingManage,
        Self::GroupMeetingManage,
        // items
        Self::ActionItemView,
        Self::ActionItemManage,
        Self::ActionItemProgress,
        // votes
        Self::VoteSettingsManage,
        Self::VoteManage,
        Self::VoteCount,
        // consult
        Self::ConsultationManage,
        Self::ConsultationRecord,
        Self::ConsultationView,
        Self::RestructuringSchemeManage,
        Self::RestructuringSchemeView,
        Self::RestructuringStandardsManage,
        // restructuring apply
        Self::RestructuringApply,
        // beats
        Self::BeatView,
        Self::BeatManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnitCreate => "unit.create",
            Self::HouseholdView => "household.view",
            Self::HouseholdEdit => "household.edit",
            Self::IdentityView => "identity.view",
            Self::ResidentRights => "resident.rights",
            Self::ErasureApprove => "erasure.approve",
            Self::UserView => "user.view",
            Self::UserManage => "user.manage",
            Self::AuditView => "audit.view",
            Self::GroupView => "group.view",
            Self::GroupManage => "group.manage",
            Self::RegulationManage => "regulation.manage",
            Self::FeedbackHandle => "feedback.handle",
            Self::FeedbackConfigure => "feedback.configure",
            Self::AnnouncementPublish => "announcement.publish",
            Self::AnnouncementPassOn => "announcement.pass_on",
            Self::AnnouncementAcknowledgeOnBehalf => "announcement.acknowledge_on_behalf",
            Self::AnnouncementView => "announcement.view",
            // meetings
            Self::MeetingView => "meeting.view",
            Self::MeetingManage => "meeting.manage",
            Self::GroupMeetingManage => "meeting.manage_group",
            // items
            Self::ActionItemView => "action_item.view",
            Self::ActionItemManage => "action_item.manage",
            Self::ActionItemProgress => "action_item.progress",
            // votes
            Self::VoteSettingsManage => "vote.settings",
            Self::VoteManage => "vote.manage",
            Self::VoteCount => "vote.count",
            // consult
            Self::ConsultationManage => "consultation.manage",
            Self::ConsultationRecord => "consultation.record",
            Self::ConsultationView => "consultation.view",
            Self::RestructuringSchemeManage => "restructuring.scheme.manage",
            Self::RestructuringSchemeView => "restructuring.scheme.view",
            Self::RestructuringStandardsManage => "restructuring.standards.manage",
            // restructuring apply
            Self::RestructuringApply => "restructuring.apply",
            // beats
            Self::BeatView => "beat.view",
            Self::BeatManage => "beat.manage",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Self::UnitCreate => "create residential units",
            Self::HouseholdView => "see households and residents (identity numbers masked)",
            Self::HouseholdEdit => "add, edit, move households and members; record consent",
            Self::IdentityView => "see full identity numbers (audited)",
            Self::ResidentRights => "export a resident's data, request erasure for them",
            Self::ErasureApprove => "approve erasure requests",
            Self::UserView => "see accounts",
            Self::UserManage => "invite, grant, disable, reset passwords",
            Self::AuditView => "browse the audit log",
            Self::GroupView => "see groups, decisions, members, history, regulations",
            Self::GroupManage => "create groups, record decisions, appoint, set terms",
            Self::RegulationManage => "record signings and reviews of coordination regulations",
            Self::FeedbackHandle => "work the feedback inbox; file feedback for a resident",
            Self::FeedbackConfigure => "set feedback categories, deadlines, routing, holidays",
            Self::AnnouncementPublish => "publish, edit (new version) and withdraw announcements",
            Self::AnnouncementPassOn => "see announcements waiting at a unit and pass them on",
            Self::AnnouncementAcknowledgeOnBehalf => {
                "record a household's acknowledgement and how it was told"
            }
            Self::AnnouncementView => "see announcements, passing on, counts and delivery",
            // meetings
            Self::MeetingView => "see meetings, attendance, sign-in sheets and minutes",
            Self::MeetingManage => "schedule, hold, cancel unit meetings; attendance; minutes",
            Self::GroupMeetingManage => "the same for the meetings of a group",
            // items
            Self::ActionItemView => "see action items, who owes what; print the list",
            Self::ActionItemManage => "record, edit, cancel action items; carry them over",
            Self::ActionItemProgress => "record progress on action items (note, done)",
            // votes
            Self::VoteSettingsManage => "set a province's thresholds of meetings and votes",
            Self::VoteManage => "record meeting votes; open, close, publish household ballots",
            Self::VoteCount => "enter paper and door-to-door ballots, reconcile, see each vote",
            // consult
            Self::ConsultationManage => {
                "write consultations on draft documents, edit drafts, open and close them"
            }
            Self::ConsultationRecord => "enter households' comments from the paper form",
            Self::ConsultationView => "see consultations, drafts, comments and the summary",
            Self::RestructuringSchemeManage => {
                "draft, consult on, approve and apply a commune's restructuring schemes"
            }
            Self::RestructuringSchemeView => "see restructuring schemes, consent and size report",
            Self::RestructuringStandardsManage => "set a province's size standards and freezes",
            // restructuring apply
            Self::RestructuringApply => {
                "apply a restructuring plan (or preview it); see the thanks list (tri ân)"
            }
            // beats
            Self::BeatView => "see police beats, militia heads and the alignment report",
            Self::BeatManage => "create beats, assign units, appoint militia heads, carry beats",
        }
    }
}

const Y: bool = true;
const N: bool = false;

/// Columns follow `Role::ALL`.
#[rustfmt::skip]
const TABLE: [(Action, [bool; 11]); Action::ALL.len()] = [
    //                      admin prov  comm  c.pol front head  dep   g.ldr g.mem a.pol res
    (Action::UnitCreate,    [Y,    Y,    Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::HouseholdView, [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    N,    Y,    N]),
    (Action::HouseholdEdit, [Y,    N,    Y,    N,    N,    Y,    Y,    N,    N,    N,    N]),
    (Action::IdentityView,  [Y,    N,    Y,    Y,    N,    N,    N,    N,    N,    Y,    N]),
    (Action::ResidentRights,[Y,    N,    Y,    N,    N,    Y,    Y,    N,    N,    N,    N]),
    (Action::ErasureApprove,[Y,    N,    Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::UserView,      [Y,    Y,    Y,    Y,    Y,    Y,    N,    N,    N,    N,    N]),
    (Action::UserManage,    [Y,    Y,    Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::AuditView,     [Y,    Y,    Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::GroupView,     [Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    Y,    N]),
    (Action::GroupManage,   [Y,    Y,    Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::RegulationManage,[Y,  N,    Y,    N,    Y,    Y,    N,    N,    N,    N,    N]),
    (Action::FeedbackHandle,[Y,    Y,    Y,    Y,    N,    Y,    Y,    N,    N,    Y,    N]),
    (Action::FeedbackConfigure,[Y, Y,    Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::AnnouncementPublish,[Y, Y,  Y,    N,    Y,    Y,    N,    N,    N,    N,    N]),
    (Action::AnnouncementPassOn,[Y, N,   Y,    N,    N,    Y,    Y,    Y,    N,    N,    N]),
    (Action::AnnouncementAcknowledgeOnBehalf,[Y, N, Y, N, N,   Y,    Y,    Y,    N,    N,    N]),
    (Action::AnnouncementView,[Y,  Y,    Y,    N,    Y,    Y,    Y,    Y,    N,    N,    N]),
    // meetings
    (Action::MeetingView,   [Y,    Y,    Y,    N,    Y,    Y,    Y,    Y,    N,    N,    N]),
    (Action::MeetingManage, [Y,    N,    Y,    N,    N,    Y,    Y,    N,    N,    N,    N]),
    (Action::GroupMeetingManage,[Y, N,   Y,    N,    N,    Y,    Y,    Y,    N,    N,    N]),
    // items
    (Action::ActionItemView,[Y,    Y,    Y,    N,    Y,    Y,    Y,    Y,    Y,    N,    N]),
    (Action::ActionItemManage,[Y,  N,    Y,    N,    N,    Y,    Y,    N,    N,    N,    N]),
    (Action::ActionItemProgress,[Y, N,   Y,    N,    Y,    Y,    Y,    Y,    Y,    N,    N]),
    // votes
    (Action::VoteSettingsManage,[Y, Y,   N,    N,    N,    N,    N,    N,    N,    N,    N]),
    (Action::VoteManage,    [Y,    N,    Y,    N,    Y,    Y,    Y,    N,    N,    N,    N]),
    (Action::VoteCount,     [Y,    N,    Y,    N,    Y,    Y,    Y,    N,    N,    N,    N]),
    // consult
    (Action::ConsultationManage,[Y, N,   Y,    N,    Y,    Y,    Y,    N,    N,    N,    N]),
    (Action::ConsultationRecord,[Y, N,   Y,    N,    Y,    Y,    Y,    Y,    N,    N,    N]),
    (Action::ConsultationView,[Y,  Y,    Y,    N,    Y,    Y,    Y,    Y,    N,    N,    N]),
    // restructuring schemes
    (Action::RestructuringSchemeManage,[Y, Y, Y, N,   N,    N,    N,    N,    N,    N,    N]),
    (Action::RestructuringSchemeView,[Y, Y,  Y,    Y,    Y,    Y,    N,    N,    N,    N,    N]),
    (Action::RestructuringStandardsManage,[Y, Y, N, N,  N,    N,    N,    N,    N,    N,    N]),
    // restructuring apply
    (Action::RestructuringApply,[Y, Y,  Y,    N,    N,    N,    N,    N,    N,    N,    N]),
    // beats
    (Action::BeatView,      [Y,    Y,    Y,    Y,    N,    Y,    N,    N,    N,    Y,    N]),
    (Action::BeatManage,    [Y,    N,    Y,    Y,    N,    N,    N,    N,    N,    N,    N]),
];

/// Whether `role` may perform `action` (on units its grant covers).
pub fn allowed(role: Role, action: Action) -> bool {
    let col = Role::ALL
        .iter()
        .position(|r| *r == role)
        .unwrap_or(usize::MAX);
    TABLE
        .iter()
        .find(|(a, _)| *a == action)
        .and_then(|(_, row)| row.get(col).copied())
        .unwrap_or(false)
}

/// The table as Markdown, for `docs/access.md`.
pub fn markdown_table() -> String {
    let mut s = String::from("| action | what it allows |");
    for r in Role::ALL {
        s.push_str(&format!(" {} |", r.as_str()));
    }
    s.push_str("\n|---|---|");
    for _ in Role::ALL {
        s.push_str(":-:|");
    }
    s.push('\n');
    for a in Action::ALL {
        s.push_str(&format!("| `{}` | {} |", a.as_str(), a.describe()));
        for r in Role::ALL {
            s.push_str(if allowed(r, a) { " ✔ |" } else { " · |" });
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row_in_order() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(TABLE[i].0, *a);
        }
    }

    #[test]
    fn residents_and_members_see_no_households_of_others() {
        assert!(!allowed(Role::Resident, Action::HouseholdView));
        assert!(!allowed(Role::GroupMember, Action::HouseholdView));
        assert!(allowed(Role::UnitHead, Action::HouseholdView));
        assert!(Action::ALL.iter().all(|a| allowed(Role::SystemAdmin, *a)));
    }

    #[test]
    fn the_doc_page_matches_the_table() {
        let doc = include_str!("../../../../docs/access.md");
        assert!(
            doc.contains(&markdown_table()),
            "docs/access.md is out of date: run `tuquan access table` and paste the output"
        );
    }
}
