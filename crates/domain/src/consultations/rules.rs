//! The rules of a consultation's life, each citing where it comes from.

use jiff::civil::Date;

use super::{Kind, Status};

/// A draft community convention (hương ước, quy ước) is posted for residents' comments for
/// at least 30 days (Law 10/2022/QH15 Art 15 with Decree 61/2023/NĐ-CP on hương ước and quy
/// ước; see "Meetings, votes and grassroots democracy" in the shared domain notes). A
/// constant for now: the thresholds settings belong to the votes area.
pub const CONVENTION_POSTING_DAYS: i32 = 30;

/// A refusal by a rule: a stable code (`rule.{code}` in the locale catalogues) and the input
/// it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsultRule {
    pub code: &'static str,
    pub field: &'static str,
}

const fn refuse(code: &'static str, field: &'static str) -> Result<(), ConsultRule> {
    Err(ConsultRule { code, field })
}

impl ConsultRule {
    /// A convention's draft stays posted at least [`CONVENTION_POSTING_DAYS`] days
    /// (closing day included); a plan only needs to close after it opens.
    pub fn posting_period(kind: Kind, opens_on: Date, closes_on: Date) -> Result<(), ConsultRule> {
        let days = (closes_on - opens_on).get_days();
        if kind.is_convention() && days < CONVENTION_POSTING_DAYS {
            return refuse("consultation_posting_too_short", "closes_on");
        }
        Ok(())
    }

    /// The text, title and dates change only while the consultation is a draft.
    pub fn edit(status: Status) -> Result<(), ConsultRule> {
        if status != Status::Draft {
            return refuse("consultation_not_draft", "status");
        }
        Ok(())
    }

    /// Opening posts the draft: only a draft opens.
    pub fn open(status: Status) -> Result<(), ConsultRule> {
        Self::edit(status)
    }

    /// Only an open consultation closes.
    pub fn close(status: Status) -> Result<(), ConsultRule> {
        if status != Status::Open {
            return refuse("consultation_not_open", "status");
        }
        Ok(())
    }

    /// A comment is taken while the consultation is open. Online, also only from the
    /// opening day to the closing day; a paper form handed in on time may be entered later,
    /// until the head closes the consultation.
    pub fn comment(
        status: Status,
        (opens_on, closes_on): (Date, Date),
        today: Date,
        paper: bool,
    ) -> Result<(), ConsultRule> {
        if status != Status::Open {
            return refuse("consultation_not_open", "status");
        }
        if !paper && (today < opens_on || today > closes_on) {
            return refuse("consultation_outside_period", "status");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_convention_is_posted_thirty_days() {
        let open = date(2026, 12, 1);
        let r = |k, d| ConsultRule::posting_period(k, open, d);
        assert!(r(Kind::HuongUoc, date(2026, 12, 31)).is_ok());
        assert_eq!(
            r(Kind::QuyUoc, date(2026, 12, 30)).unwrap_err().code,
            "consultation_posting_too_short"
        );
        assert!(r(Kind::Plan, date(2026, 12, 2)).is_ok());
    }

    #[test]
    fn life_cycle() {
        assert!(ConsultRule::edit(Status::Draft).is_ok());
        assert!(ConsultRule::edit(Status::Open).is_err());
        assert!(ConsultRule::open(Status::Closed).is_err());
        assert!(ConsultRule::close(Status::Open).is_ok());
        assert!(ConsultRule::close(Status::Draft).is_err());
    }

    #[test]
    fn comments_during_the_period() {
        let p = (date(2026, 12, 1), date(2026, 12, 31));
        let c = |s, d, paper| ConsultRule::comment(s, p, d, paper);
        assert!(c(Status::Open, date(2026, 12, 1), false).is_ok());
        assert!(c(Status::Open, date(2026, 12, 31), false).is_ok());
        assert!(c(Status::Open, date(2027, 1, 1), false).is_err());
        assert!(c(Status::Open, date(2027, 1, 1), true).is_ok());
        assert!(c(Status::Draft, date(2026, 12, 5), true).is_err());
        assert!(c(Status::Closed, date(2026, 12, 5), true).is_err());
    }
}
