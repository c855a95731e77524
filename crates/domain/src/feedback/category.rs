use serde::{Deserialize, Serialize};

/// A kind of feedback with its deadlines. Communes may add, rename or retime their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Stable code, also the Open311 `service_code`.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Working minutes to acknowledge.
    pub ack_minutes: i64,
    /// Working minutes to resolve.
    pub resolve_minutes: i64,
    /// Whether it may be sent without signing in or giving a contact.
    pub allow_anonymous: bool,
}

/// The categories every commune starts with: (code, Vietnamese, English, hours to
/// acknowledge, working days to resolve, anonymous allowed). Acknowledgement in 8 working
/// hours (4 for fire risk) follows iHanoi; resolution in 5 working days follows HCMC's 1022
/// for infrastructure (domain.md).
pub const DEFAULT_CATEGORIES: &[(&str, &str, &str, i64, i64, bool)] = &[
    (
        "security_order",
        "An ninh, trật tự",
        "Security and order",
        8,
        5,
        true,
    ),
    ("traffic", "Giao thông", "Traffic", 8, 5, true),
    (
        "environment",
        "Môi trường, vệ sinh",
        "Environment and sanitation",
        8,
        5,
        true,
    ),
    ("fire_risk", "Nguy cơ cháy nổ", "Fire risk", 4, 3, true),
    (
        "infrastructure",
        "Hạ tầng (đường, điện, nước, chiếu sáng)",
        "Infrastructure",
        8,
        5,
        true,
    ),
    (
        "administrative",
        "Thủ tục hành chính",
        "Administrative procedures",
        8,
        5,
        false,
    ),
    ("other", "Khác", "Other", 8, 10, false),
];

impl Category {
    pub fn defaults() -> Vec<Category> {
        DEFAULT_CATEGORIES
            .iter()
            .map(|(code, vi, en, ack_h, res_d, anon)| Category {
                code: (*code).into(),
                name_vi: (*vi).into(),
                name_en: (*en).into(),
                ack_minutes: ack_h * 60,
                resolve_minutes: res_d * 8 * 60,
                allow_anonymous: *anon,
            })
            .collect()
    }
}
