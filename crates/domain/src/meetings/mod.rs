//! Meetings (họp, hội nghị) of a residential unit or of a group: the community meeting of the
//! unit's households (Law 10/2022 Art 18), periodic group meetings, the yearly review of the
//! coordination regulation, mid-year and year-end summary conferences; their agenda, the
//! attendance (one row per household for community meetings, per person for group meetings,
//! in person or by a proxy with a written authorisation) and the minutes (biên bản), kept as
//! versions that lock when finalised. Pure types and parsing; the store keeps them.

mod attendance;
mod input;
mod minutes;

pub use attendance::{
    row_codes, AttendanceInput, AttendanceSource, AttendeeKind, NewAttendance, ATTENDEE_NAME_MAX,
};
pub use input::{
    parse_time, AgendaInput, MeetingRule, NewMeeting, NewMeetingInput, AGENDA_ITEM_MAX, AGENDA_MAX,
    PLACE_MAX, TITLE_MAX,
};
pub use minutes::{
    MinutesContent, MinutesInput, MinutesRule, MinutesStatus, ResolutionInput, REASON_MAX,
};

pub use crate::code::MeetingId;

pub(crate) use crate::code::code_enum;

code_enum!(
    /// What a meeting is.
    MeetingKind {
        /// Hội nghị / cuộc họp cộng đồng dân cư: one representative per household (Art 18).
        Community => "community",
        /// Họp định kỳ của tổ (a group's periodic meeting): attendance by person.
        GroupPeriodic => "group_periodic",
        /// Đánh giá quy chế phối hợp (the yearly review of the coordination regulation).
        RegulationReview => "regulation_review",
        /// Sơ kết giữa năm.
        MidYearSummary => "mid_year_summary",
        /// Tổng kết cuối năm (Art 33; notice at least 5 days ahead).
        YearEndSummary => "year_end_summary",
        Other => "other",
    }
);

impl MeetingKind {
    /// Whether attendance is counted by household (the quorum of Art 18) rather than by
    /// person.
    pub fn by_household(self) -> bool {
        !matches!(self, Self::GroupPeriodic)
    }
}

code_enum!(
    /// Where a meeting is in its life.
    MeetingStatus {
        Planned => "planned",
        Held => "held",
        Cancelled => "cancelled",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::parse(k.as_str()), Some(*k));
        }
        for s in MeetingStatus::ALL {
            assert_eq!(MeetingStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(MeetingKind::parse("party"), None);
        assert!(MeetingKind::Community.by_household());
        assert!(!MeetingKind::GroupPeriodic.by_household());
    }
}
