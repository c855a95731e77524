//! Restructuring residential units (docs/restructuring.md): history, schemes, consent,
//! applying a plan, police and militia beats.

pub mod apply;
pub mod beats;
pub mod schemes;

pub use apply::{apply_plan, ApplyReport};

pub mod history;
// --- apply ---
mod apply_script;
pub mod thanks;
pub use apply::{check_plan, rule_code};
pub use thanks::{record_reward, thanks_list, ThanksList, ThanksRecord};
