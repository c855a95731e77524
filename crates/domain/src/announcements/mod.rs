//! Announcements (thông báo): written at a unit, passed on down the unit tree by each unit's
//! head, acknowledged once per household (by a resident or on the household's behalf), and
//! delivered through the outbox. Pure types and rules; the store keeps them, the application
//! layer applies them.

mod input;
mod rules;

pub use crate::code::AnnouncementId;
pub use input::{body as input_body, title as input_title};
pub use input::{EditAnnouncementInput, NewAnnouncement, NewAnnouncementInput};
pub use rules::{backoff_secs, delivery_key, pass_on_deadline, AckRule, MAX_ATTEMPTS};

use crate::code::code_enum;

code_enum!(
    /// What an announcement is about.
    Category {
        /// Chủ trương, chính sách của Đảng, pháp luật của Nhà nước.
        Policy => "policy",
        /// Giấy mời họp.
        MeetingInvitation => "meeting_invitation",
        /// Phong trào, vận động.
        Campaign => "campaign",
        /// Khẩn cấp: thiên tai, dịch bệnh, sự cố (also published as CAP 1.2).
        Emergency => "emergency",
        Other => "other",
    }
);

code_enum!(
    /// How fast it must travel: sets the deadlines to pass it on.
    Urgency {
        Normal => "normal",
        Urgent => "urgent",
        /// Emergencies: pass on within hours.
        Immediate => "immediate",
    }
);

code_enum!(
    /// How a household learned of an announcement.
    AckChannel {
        /// A resident with an account acknowledged for the household.
        Online => "online",
        /// Told in person (door to door).
        InPerson => "in_person",
        /// At a meeting of the unit.
        Meeting => "meeting",
        /// By the loudspeaker.
        Loudspeaker => "loudspeaker",
        /// By phone.
        Phone => "phone",
        /// In the unit's Zalo group.
        Zalo => "zalo",
    }
);

code_enum!(
    /// Where an announcement is in its life.
    Status {
        Published => "published",
        /// Withdrawn by its author; kept, with its versions and acknowledgements, as a record.
        Withdrawn => "withdrawn",
    }
);

code_enum!(
    /// How a message leaves the product (see the outbox).
    DeliveryChannel {
        /// The `/notifications` page.
        InApp => "in_app",
        Email => "email",
        /// An SMS or Zalo provider behind a JSON webhook.
        Webhook => "webhook",
    }
);

code_enum!(
    /// Where a message in the outbox is.
    DeliveryStatus {
        Pending => "pending",
        /// Claimed by a worker; claimed again after its lease if the worker died.
        Sending => "sending",
        Sent => "sent",
        /// Gave up after [`MAX_ATTEMPTS`].
        Failed => "failed",
    }
);

/// The consent purpose under which residents receive announcements by e-mail or SMS.
pub const CONSENT_PURPOSE: &str = "announcements";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        for c in AckChannel::ALL {
            assert_eq!(AckChannel::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Urgency::parse(" urgent "), Some(Urgency::Urgent));
        assert_eq!(Category::parse("gossip"), None);
        assert_eq!(DeliveryStatus::parse("sent"), Some(DeliveryStatus::Sent));
    }
}
