//! The JSON API, version 1, and its OpenAPI document.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;

pub mod account;
pub mod action_items;
pub mod announcement_files;
pub mod announcement_reach;
pub mod announcement_units;
pub mod announcements;
pub mod beats;
pub mod consultations;
pub mod contract;
mod contract_fields;
pub mod feedback;
pub mod file_uploads;
pub mod groups;
pub mod health;
pub mod import;
pub mod meeting_minutes;
pub mod meetings;
pub mod people;
pub mod restructuring;
pub mod restructuring_history;
pub mod stats;
pub mod territory;
pub mod vote_elections;
pub mod vote_paper;
pub mod vote_thresholds;
pub mod vote_voters;
pub mod votes;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::Modify;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tự Quản API",
        description = "Neighbourhood self-management platform. Errors are JSON with a stable \
            machine `code`, a `message` in the reader's language (`Accept-Language`), and the \
            offending `field` where there is one.",
        version = "1"
    ),
    paths(
        health::healthz,
        territory::list_units,
        territory::get_unit,
        territory::create_unit,
        restructuring_history::unit_history,
        account::me,
        account::audit,
        feedback::submit,
        feedback::track,
        feedback::photos,
        feedback::photo,
        crate::files::download_api,
        feedback::public_list,
        feedback::staff::inbox,
        feedback::staff::acknowledge,
        feedback::staff::step,
        feedback::reopen,
        feedback::rate,
        feedback::staff::routes,
        feedback::staff::set_route,
        stats::unit,
        stats::country,
        import::import_file,
        import::export_file,
        people::list_households,
        people::create_household,
        people::get_household,
        people::update_household,
        people::move_household,
        people::household_status,
        people::set_representative,
        people::add_resident,
        people::list_residents,
        people::get_resident,
        people::update_resident,
        people::resident_status,
        people::identity,
        people::add_consent,
        people::export,
        people::request_erasure,
        people::decide_erasure,
        people::my_data,
        people::my_erasure_request,
        groups::list_groups,
        groups::create_group,
        groups::ensure_leadership,
        groups::get_group,
        groups::group_history,
        groups::record_decision,
        groups::decision_scan,
        groups::appoint,
        groups::end_position,
        groups::service_history,
        groups::get_regulations,
        groups::sign_regulation,
        groups::review_regulation,
        groups::regulations_due,
        groups::get_term_years,
        groups::set_term_years,
        announcements::publish,
        announcements::list_at_unit,
        announcements::waiting,
        announcements::get_one,
        announcements::new_version,
        announcements::withdraw,
        announcements::pass_on,
        announcements::acknowledge,
        announcements::acknowledge_on_behalf,
        announcements::dashboard,
        announcements::not_reached,
        announcements::set_delivery_address,
        meetings::schedule,
        meetings::list_at_unit,
        meetings::get_one,
        meetings::invite,
        meetings::hold,
        meetings::cancel,
        meetings::attendance,
        meetings::attend,
        meetings::unattend,
        meetings::attend_proxy,
        meetings::minutes,
        meetings::save_minutes,
        meetings::finalise,
        meetings::correct,
        action_items::list,
        action_items::create,
        action_items::get_one,
        action_items::edit,
        action_items::progress,
        action_items::rollup,
        consultations::create,
        consultations::list_at_unit,
        consultations::get_one,
        consultations::edit,
        consultations::open,
        consultations::close,
        consultations::comment,
        consultations::paper_comment,
        consultations::comments,
        consultations::summary,
        consultations::households,
        restructuring::create,
        restructuring::list,
        restructuring::get_one,
        restructuring::edit,
        restructuring::add_merge,
        restructuring::add_split,
        restructuring::add_rename,
        restructuring::remove_item,
        restructuring::assign,
        restructuring::groups::set_group,
        restructuring::consult,
        restructuring::approve,
        restructuring::abandon,
        restructuring::override_consent,
        restructuring::preview,
        restructuring::apply,
        restructuring::sizes,
        restructuring::standards,
        restructuring::set_standard,
        restructuring::add_freeze,
        beats::list,
        beats::create,
        beats::get_one,
        beats::edit,
        beats::end,
        beats::assign,
        beats::end_unit,
        beats::alignment,
        beats::carry_preview,
        beats::carry,
        beats::militia,
        beats::appoint,
        beats::end_militia,
        meetings::scan,
        announcement_units::passing,
        votes::get_thresholds,
        votes::set_threshold,
        votes::list_votes,
        votes::record_vote,
        votes::open_ballot,
        votes::get_vote,
        votes::ballot_from_vote,
        votes::cast_own,
        votes::cast_for,
        votes::paper,
        votes::enter_paper,
        votes::attach_sheet,
        votes::household_voters,
        votes::authorise_voter,
        votes::close,
        votes::publish,
        votes::roll,
        votes::mine,
        votes::get_election,
        votes::recognise,
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        health::Health,
        territory::UnitItem,
        territory::UnitList,
        territory::UnitDetail,
        territory::CreateUnit,
        restructuring_history::UnitHistoryBody,
        restructuring_history::UnitVersionItem,
        restructuring_history::UnitEventItem,
        restructuring_history::EventBasisItem,
        restructuring_history::EventParticipantItem,
        restructuring_history::UnitLineageItem,
        account::Me,
        account::GrantItem,
        account::AuditItem,
        account::AuditList,
        feedback::SubmitBody,
        feedback::SubmitUpload,
        feedback::FeedbackPhotos,
        feedback::PhotoRef,
        feedback::NewFeedbackInputDoc,
        feedback::Submitted,
        feedback::PublicList,
        feedback::staff::StaffItem,
        feedback::staff::Inbox,
        feedback::staff::AcknowledgeBody,
        feedback::staff::AcknowledgeFailure,
        feedback::staff::AcknowledgeReport,
        feedback::staff::StepBody,
        feedback::ReopenBody,
        feedback::RatingBody,
        feedback::staff::RouteItem,
        stats::StatsBody,
        stats::StatsUnit,
        stats::CategoryStats,
        stats::ChildStats,
        stats::PopulationBody,
        stats::Stats,
        stats::MedianBody,
        stats::Satisfaction,
        tuquan_app::feedback::PublicFeedback,
        tuquan_app::feedback::PublicStep,
        import::ImportReport,
        import::ImportErrorItem,
        import::ImportRefusal,
        people::HouseholdItem,
        people::ResidentItem,
        people::HouseholdList,
        people::ResidentList,
        people::HouseholdDetail,
        people::HouseholdMove,
        people::MoveBody,
        people::HouseholdStatusBody,
        people::HouseholdStatusCode,
        people::RepresentativeBody,
        people::ConsentBody,
        people::ErasureBody,
        people::DecisionBody,
        people::IdentityNumber,
        people::Created,
        people::HouseholdBody,
        people::ResidentStatusBody,
        people::ResidentBody,
        people::ResidentUpdateBody,
        people::ErasureCreated,
        groups::GroupItem,
        groups::GroupList,
        groups::GroupDetail,
        groups::UnitRef,
        groups::DecisionItem,
        groups::PositionItem,
        groups::EventItem,
        groups::EventList,
        groups::ServiceItem,
        groups::ServiceList,
        groups::RegulationItem,
        groups::ReviewItem,
        groups::RegulationDetail,
        groups::DueItem,
        groups::DueList,
        groups::TermYearsItem,
        groups::CreateGroup,
        groups::DecisionUpload,
        groups::AppointBody,
        groups::EndBody,
        groups::SignBody,
        groups::ReviewBody,
        groups::TermYearsBody,
        groups::CreatedId,
        groups::CreatedVersion,
        groups::IneligibleBody,
        groups::IneligibleDetail,
        announcements::PublishBody,
        announcements::PublishUpload,
        announcements::EditUpload,
        announcements::FileItem,
        announcements::EditBody,
        announcements::WithdrawBody,
        announcements::PassOnBody,
        announcements::OnBehalfBody,
        announcements::AddressBody,
        announcements::AddressSet,
        announcements::AnnouncementItem,
        announcements::VersionItem,
        announcements::AnnouncementDetailBody,
        announcements::AnnouncementList,
        announcements::WaitingItem,
        announcements::WaitingList,
        announcements::AnnouncementCreated,
        announcements::NewVersion,
        announcements::AckResult,
        announcements::UnitCount,
        announcements::DeliveryBody,
        announcements::DashboardBody,
        announcements::NotReachedItem,
        announcements::NotReachedList,
        meetings::ScheduleBody,
        meetings::ReasonBody,
        meetings::AttendBody,
        meetings::ResolutionBody,
        meetings::MinutesBody,
        meetings::MeetingItem,
        meetings::MeetingList,
        meetings::MeetingDetail,
        meetings::MeetingCreated,
        meetings::InvitationSent,
        meetings::StatusBody,
        meetings::ScanStored,
        meetings::ScanUpload,
        file_uploads::ProxyUpload,
        file_uploads::SheetUpload,
        meetings::QuorumBody,
        meetings::RollItem,
        meetings::AttendanceBody,
        meetings::MinutesVersionItem,
        meetings::MinutesList,
        meetings::MinutesSaved,
        consultations::ConsultationBody,
        consultations::CommentItem,
        consultations::CommentsBody,
        consultations::PaperBody,
        consultations::ArticleItem,
        consultations::ConsultationItem,
        consultations::ConsultationList,
        consultations::ConsultationDetailBody,
        consultations::ConsultationCreated,
        consultations::CommentsCreated,
        consultations::CommentOut,
        consultations::CommentList,
        consultations::HouseholdOption,
        consultations::HouseholdOptions,
        consultations::SummaryRow,
        consultations::SummaryBody,
        restructuring::SchemeBody,
        restructuring::MergeBody,
        restructuring::PartBody,
        restructuring::SplitBody,
        restructuring::RenameBody,
        restructuring::AssignBody,
        restructuring::OverrideBody,
        restructuring::StandardBody,
        restructuring::FreezeBody,
        restructuring::SchemeCreated,
        restructuring::SchemeItem,
        restructuring::SchemeList,
        restructuring::PartOut,
        restructuring::ItemOut,
        restructuring::AfterOut,
        restructuring::GroupBody,
        restructuring::SchemeGroupOut,
        restructuring::AfterGroupOut,
        restructuring::ConsentOut,
        restructuring::SchemeDetail,
        restructuring::ApplyOut,
        restructuring::SizeOut,
        restructuring::SizeReportOut,
        restructuring::StandardOut,
        restructuring::FreezeOut,
        restructuring::StandardsOut,
        beats::BeatBody,
        beats::BeatAssignBody,
        beats::BeatEndBody,
        beats::MilitiaBody,
        beats::BeatItem,
        beats::BeatList,
        beats::AssignmentItem,
        beats::BeatDetailBody,
        beats::BeatCreated,
        beats::BeatUnitRef,
        beats::BeatRef,
        beats::BeatUnitPair,
        beats::BeatUnitsRef,
        beats::AlignmentBody,
        beats::MilitiaItem,
        beats::MilitiaList,
        beats::CarryBody,
        announcement_units::PassingItem,
        announcement_units::PassingList,
        action_items::ItemBody,
        action_items::ProgressBody,
        action_items::ItemView,
        action_items::ItemList,
        action_items::NoteView,
        action_items::ItemDetail,
        action_items::ItemCreated,
        action_items::UnitCountsView,
        action_items::Rollup,
        votes::ThresholdItem,
        votes::MatterCode,
        votes::ModeCode,
        votes::ChoiceCode,
        votes::PaperChoiceCode,
        votes::KeyCode,
        votes::ThresholdList,
        votes::ThresholdBody,
        votes::Done,
        votes::Created,
        votes::VoteItem,
        votes::VoteList,
        votes::CandidateBody,
        votes::CandidateItem,
        votes::RecognitionItem,
        votes::ElectionItem,
        votes::RecognitionBody,
        votes::Recognised,
        votes::MeetingVoteBody,
        votes::BallotBody,
        votes::UnitResultItem,
        votes::VoteResult,
        votes::CastBody,
        votes::DoorBody,
        votes::PaperRow,
        votes::PaperBody,
        votes::MismatchItem,
        votes::PaperState,
        votes::PaperEntryItem,
        votes::RollItem,
        votes::RollList,
        votes::MyVote,
        votes::SheetStored,
        votes::VoterMember,
        votes::HouseholdVoters,
        votes::AuthoriseBody,
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "territory", description = "Provinces, communes and residential units"),
        (name = "restructuring", description = "Restructuring schemes (đề án sắp xếp) of a \
            commune: merges, splits with their household lists and renames; the households' \
            consent by ballot per affected unit, an override with its decision, preview and \
            apply; size standards per province and freezes (docs/restructuring.md)."),
        (name = "import", description = "Households and residents from and to CSV or XLSX \
            files (docs/import.md): dry run, all-or-nothing import, export with masked \
            identity numbers."),
        (name = "people", description = "Households and residents. Identity numbers are \
            masked except at `/identity`, for the roles allowed; reads are audited."),
        (name = "groups", description = "Groups (tổ nhân dân tự quản, tổ bảo vệ ANTT, tổ hòa \
            giải, ban công tác Mặt trận, a unit's head and deputy, other kinds), their \
            establishment and dissolution decisions with scans, positions and terms, history, \
            service histories, coordination regulations (QCPH) and term lengths."),
        (name = "feedback", description = "Resident feedback (phản ánh, kiến nghị): send \
            without an account where the category allows, follow by tracking code; staff work \
            the inbox. Public views never contain names, phones, e-mails or addresses."),
        (name = "announcements", description = "Announcements (thông báo) passed on down the \
            unit tree by each unit's head and acknowledged once per household, by a resident or \
            on the household's behalf; delivered in the app, by e-mail and by SMS (docs/announcements.md)."),
        (name = "meetings", description = "Meetings of a unit or a group (docs/meetings.md): \
            scheduling with the invitation sent through the announcements, the sign-in roll with \
            short codes, attendance by household with the quorum as it fills, and the minutes \
            as versions locked when finalised."),
        (name = "action_items", description = "Action items (rõ người, rõ việc): tasks set \
            by resolutions, each owned by a person or a group's post, with a due date and a \
            status; who owes what per unit, overdue first (docs/action-items.md)."),
        (name = "votes", description = "Votes at meetings and household ballots (Law \
            10/2022/QH15): the thresholds per province with their citations, meeting votes \
            judged by the rules, ballots to every household (online, paper entered twice, door \
            to door; once per household), public results per unit (docs/votes.md)."),
        (name = "consultations", description = "Consultations on a draft document of a unit \
            (hương ước, quy ước, a plan): the text split into articles, public once opened; \
            households comment per article online or on the paper form the head enters; the \
            summary per article (docs/consultations.md)."),
        (name = "beats", description = "Police and militia beats: the beat (địa bàn) of an \
            area police officer as whole residential units with dates, the officer's grants \
            following it; the militia head of each unit below a commune; the alignment report; \
            carrying beats to the successors of restructured units (docs/beats.md)."),
        (name = "account", description = "The caller, and the audit log. Authenticate with \
            `Authorization: Bearer TOKEN`; create tokens on the account page or with \
            `tuquan token create`."),
    )
)]
pub struct ApiDoc;

async fn openapi() -> Json<serde_json::Value> {
    Json(contract::document().clone())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/v1/units",
            get(territory::list_units).post(territory::create_unit),
        )
        .route("/api/v1/units/{code}", get(territory::get_unit))
        .route(
            "/api/v1/units/{code}/history",
            get(restructuring_history::unit_history),
        )
        .route("/api/v1/me", get(account::me))
        .route("/api/v1/audit", get(account::audit))
        .merge(people::router())
        .merge(feedback::router())
        .merge(stats::router())
        .merge(groups::router())
        .merge(import::router())
        .merge(announcements::router())
        .merge(meetings::router())
        .merge(consultations::router())
        .merge(restructuring::router())
        .merge(announcement_units::router())
        .merge(action_items::router())
        .merge(votes::router())
        .merge(beats::router())
}
