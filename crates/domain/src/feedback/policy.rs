//! Feedback policy: who may be assigned an item, and who counts as its sender.
//!
//! Tracking codes are not secret: they appear in the public lists. So the sender of an item
//! (who may reopen or rate it) is: the signed-in account that sent it; or, for feedback sent
//! without an account, the browser that sent it (holding the signed token it was given then)
//! or whoever gives the phone number or e-mail address left when sending. Feedback sent
//! with neither an account nor a contact has no sender anyone else can act as.

use crate::access::{allowed, authorize, Action, Actor, Role};
use crate::people::Phone;

/// Whether accounts holding `role` handle feedback at all (to be listed as assignees).
pub fn role_handles_feedback(role: Role) -> bool {
    allowed(role, Action::FeedbackHandle)
}

/// Whether `assignee` may be assigned an item of the unit at `unit_path`: only someone who
/// may handle feedback there.
pub fn may_be_assigned(assignee: &Actor, unit_path: &str) -> bool {
    authorize(assignee, Action::FeedbackHandle, Some(unit_path)).is_ok()
}

/// What an item tells about its sender.
#[derive(Debug, Clone, Copy)]
pub struct SenderOf<'a> {
    /// The account that sent it (not an official who filed it for someone).
    pub submitter_id: Option<crate::UserId>,
    pub contact_phone: Option<&'a str>,
    pub contact_email: Option<&'a str>,
}

/// How the sender of an item proves who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderProof {
    /// They are signed in as the account that sent it.
    SignedIn,
    /// Sent with an account, but this visitor is not signed in as it.
    SignInNeeded,
    /// Sent without an account, and this visitor holds the token given to the browser that
    /// sent it (checked by the caller: the domain does no cryptography).
    Token,
    /// Sent without an account: the phone or e-mail left when sending.
    Contact,
    /// Sent anonymously: nobody can act as its sender.
    Impossible,
}

impl SenderProof {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SignInNeeded => "sign_in",
            Self::Token => "token",
            Self::Contact => "contact",
            Self::Impossible => "impossible",
        }
    }
}

/// Why a visitor does not count as the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSender {
    /// Sent with an account; the visitor is not signed in as it (`signed_in`: as another).
    SignIn { signed_in: bool },
    /// Sent anonymously.
    Anonymous,
    /// Sent with a contact, and none was given.
    ContactNeeded,
    /// Sent with a contact, and another was given.
    ContactMismatch,
}

impl SenderOf<'_> {
    /// Whether the signed-in account `user_id` sent it.
    pub fn is_submitter(&self, user_id: Option<crate::UserId>) -> bool {
        user_id.is_some() && self.submitter_id == user_id
    }

    /// How its sender proves who they are, for the visitor signed in as `user_id`.
    pub fn proof(&self, user_id: Option<crate::UserId>) -> SenderProof {
        self.proof_with(user_id, false)
    }

    /// [`Self::proof`] for a visitor who holds (`holds_token`) or not the token given to
    /// the browser that sent the item. The token stands for the contact of an item sent
    /// without an account (it was only ever given to the browser that sent it, and lets
    /// an anonymous sender act too); an item sent from an account still needs it signed in.
    pub fn proof_with(&self, user_id: Option<crate::UserId>, holds_token: bool) -> SenderProof {
        if self.submitter_id.is_some() {
            if self.is_submitter(user_id) {
                SenderProof::SignedIn
            } else {
                SenderProof::SignInNeeded
            }
        } else if holds_token {
            SenderProof::Token
        } else if self.contact_phone.is_some() || self.contact_email.is_some() {
            SenderProof::Contact
        } else {
            SenderProof::Impossible
        }
    }

    /// Whether `contact` (a phone number or an e-mail address) is the one left when sending.
    pub fn contact_matches(&self, contact: &str) -> bool {
        let contact = contact.trim();
        if contact.is_empty() {
            return false;
        }
        let by_phone = match (Phone::parse(contact), self.contact_phone) {
            (Ok(p), Some(s)) => p.as_str() == s,
            _ => false,
        };
        let by_email = self
            .contact_email
            .is_some_and(|e| e.eq_ignore_ascii_case(contact));
        by_phone || by_email
    }

    /// `Ok` when the visitor (signed in as `user_id`, giving `contact`) counts as the sender.
    pub fn check(&self, user_id: Option<crate::UserId>, contact: &str) -> Result<(), NotSender> {
        self.check_with(user_id, false, contact)
    }

    /// [`Self::check`] for a visitor who may hold the sender's token (see
    /// [`Self::proof_with`]).
    pub fn check_with(
        &self,
        user_id: Option<crate::UserId>,
        holds_token: bool,
        contact: &str,
    ) -> Result<(), NotSender> {
        match self.proof_with(user_id, holds_token) {
            SenderProof::SignedIn | SenderProof::Token => Ok(()),
            SenderProof::SignInNeeded => Err(NotSender::SignIn {
                signed_in: user_id.is_some(),
            }),
            SenderProof::Impossible => Err(NotSender::Anonymous),
            SenderProof::Contact if self.contact_matches(contact) => Ok(()),
            SenderProof::Contact if contact.trim().is_empty() => Err(NotSender::ContactNeeded),
            SenderProof::Contact => Err(NotSender::ContactMismatch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Grant;

    fn sent(submitter: Option<crate::UserId>, phone: Option<&'static str>) -> SenderOf<'static> {
        SenderOf {
            submitter_id: submitter,
            contact_phone: phone,
            contact_email: Some("a@b.vn").filter(|_| phone.is_some()),
        }
    }

    #[test]
    fn the_sending_account_is_the_sender() {
        let s = sent(Some(crate::UserId(7)), None);
        assert_eq!(s.check(Some(crate::UserId(7)), ""), Ok(()));
        assert_eq!(
            s.check(Some(crate::UserId(8)), ""),
            Err(NotSender::SignIn { signed_in: true })
        );
        assert_eq!(
            s.check(None, "0903111222"),
            Err(NotSender::SignIn { signed_in: false })
        );
        assert_eq!(s.proof(Some(crate::UserId(7))), SenderProof::SignedIn);
    }

    #[test]
    fn without_an_account_the_contact_proves_it() {
        let s = sent(None, Some("0903111222"));
        assert_eq!(s.proof(None), SenderProof::Contact);
        assert_eq!(s.check(None, " 0903 111 222 "), Ok(()));
        assert_eq!(s.check(None, "A@B.VN"), Ok(()));
        assert_eq!(s.check(None, ""), Err(NotSender::ContactNeeded));
        assert_eq!(
            s.check(Some(crate::UserId(3)), "0909000000"),
            Err(NotSender::ContactMismatch)
        );
    }

    #[test]
    fn anonymous_feedback_has_no_sender() {
        let s = sent(None, None);
        assert_eq!(s.proof(Some(crate::UserId(1))), SenderProof::Impossible);
        assert_eq!(
            s.check(Some(crate::UserId(1)), "x"),
            Err(NotSender::Anonymous)
        );
    }

    #[test]
    fn only_handlers_of_the_unit_may_be_assigned() {
        let actor = |role, path: Option<&str>| Actor {
            user_id: crate::UserId(1),
            username: "u".into(),
            grants: vec![Grant {
                role,
                unit_code: None,
                unit_path: path.map(str::to_owned),
            }],
        };
        let head = actor(Role::UnitHead, Some("79/26743/kp01"));
        assert!(may_be_assigned(&head, "79/26743/kp01"));
        assert!(!may_be_assigned(&head, "79/26743/kp02"));
        let resident = actor(Role::Resident, Some("79/26743/kp01"));
        assert!(!may_be_assigned(&resident, "79/26743/kp01"));
        assert!(role_handles_feedback(Role::UnitHead));
        assert!(!role_handles_feedback(Role::Resident));
    }

    #[test]
    fn the_sending_browsers_token_stands_for_the_contact() {
        // Sent with a contact: the token is enough, no contact needed.
        let s = sent(None, Some("0912345678"));
        assert_eq!(s.proof_with(None, true), SenderProof::Token);
        assert_eq!(s.check_with(None, true, ""), Ok(()));
        assert_eq!(s.check_with(None, false, ""), Err(NotSender::ContactNeeded));
        // Sent anonymously: only the sending browser may act.
        let s = sent(None, None);
        assert_eq!(s.check_with(None, true, ""), Ok(()));
        assert_eq!(
            s.check_with(None, false, "0912345678"),
            Err(NotSender::Anonymous)
        );
        // Sent from an account: the token does not replace signing in.
        let s = sent(Some(crate::UserId(7)), Some("0912345678"));
        assert_eq!(s.proof_with(None, true), SenderProof::SignInNeeded);
        assert_eq!(
            s.check_with(Some(crate::UserId(8)), true, "0912345678"),
            Err(NotSender::SignIn { signed_in: true })
        );
    }
}
