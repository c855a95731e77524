//! Notice periods before a meeting. PLACEHOLDER until the votes helper's rules arrive
//! (`domain::votes::rules` on branch `rules-base`): then this file calls those functions.

use tuquan_domain::meetings::{MeetingKind, NewMeeting};

use crate::{AppError, AppResult, Ctx};

/// Refuses a meeting scheduled too late for its notice period, naming the date field.
pub(super) async fn check(ctx: &Ctx, m: &NewMeeting) -> AppResult<()> {
    let days = (m.date - ctx.today()).get_days();
    if m.elects_head && days < 7 {
        return Err(AppError::rule("meeting_notice_election", "date", "7 days"));
    }
    if m.kind == MeetingKind::YearEndSummary && days < 5 {
        return Err(AppError::rule("meeting_notice_year_end", "date", "5 days"));
    }
    Ok(())
}
