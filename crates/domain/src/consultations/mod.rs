//! Consultations (lấy ý kiến) on a draft document of a unit: a community convention (hương
//! ước, quy ước) or a plan or scheme. The text is split into numbered articles; households
//! comment per article (agree, disagree, propose a change) online or on a paper form the
//! head enters; the summary counts households per article and stance for the meeting.
//! Pure types and rules; the store keeps them, the application layer applies them.

mod articles;
mod input;
mod rules;
mod summary;

pub use articles::{split_articles, Article, MAX_ARTICLES};
pub use input::{
    CommentInput, ConsultationInput, NewComment, NewConsultation, COMMENT_MAX, TEXT_MAX, TITLE_MAX,
};
pub use rules::{ConsultRule, CONVENTION_POSTING_DAYS};
pub use summary::{summarize, ArticleSummary, CommentFact};

pub use crate::code::{CommentId, ConsultationId};

use crate::code::code_enum;

code_enum!(
    /// What the draft is.
    Kind {
        /// Hương ước: a village's community convention.
        HuongUoc => "huong_uoc",
        /// Quy ước: a residential group's or street's convention.
        QuyUoc => "quy_uoc",
        /// A plan or scheme the residents are consulted on (Law 10/2022 Art 25).
        Plan => "plan",
    }
);

impl Kind {
    /// Community conventions are decided by the residents (Law 10/2022 Art 15), and their
    /// draft is posted for at least [`CONVENTION_POSTING_DAYS`].
    pub fn is_convention(self) -> bool {
        matches!(self, Self::HuongUoc | Self::QuyUoc)
    }
}

code_enum!(
    /// Where a consultation is in its life.
    Status {
        /// Being written: the text is editable, nobody outside the staff sees it.
        Draft => "draft",
        /// Posted: public on the unit's notice board, households comment.
        Open => "open",
        /// No more comments; the summary goes to the meeting.
        Closed => "closed",
    }
);

code_enum!(
    /// A household's position on one article.
    Stance {
        Agree => "agree",
        Disagree => "disagree",
        /// Proposes a change (the text says which).
        Propose => "propose",
    }
);

code_enum!(
    /// How a comment arrived.
    Channel {
        /// A resident with an account, for their household.
        Online => "online",
        /// Written on the printed form and entered by the head.
        Paper => "paper",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_decode_exactly() {
        for k in Kind::ALL {
            assert_eq!(Kind::try_from(k.as_str().to_owned()), Ok(*k));
        }
        for s in Stance::ALL {
            assert_eq!(Stance::parse(s.as_str()), Some(*s));
        }
        assert!(Status::try_from(" open".to_owned()).is_err());
        assert_eq!(Channel::parse("paper"), Some(Channel::Paper));
        assert!(Kind::HuongUoc.is_convention() && !Kind::Plan.is_convention());
    }
}
