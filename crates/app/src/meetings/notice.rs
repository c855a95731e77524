//! Notice periods before a meeting, judged by the votes area's rules with the thresholds in
//! force in the unit's province.

use tuquan_domain::meetings::{MeetingKind, NewMeeting};
use tuquan_domain::territory::Unit;
use tuquan_domain::votes::{notice_satisfied, Notice};

use crate::{AppError, AppResult, Ctx};

/// Refuses a meeting scheduled too late for its notice period, naming the date field.
pub(super) async fn check(ctx: &Ctx, unit: &Unit, m: &NewMeeting) -> AppResult<()> {
    let t = crate::votes::thresholds(ctx, &unit.province_code).await?;
    let today = ctx.today();
    if m.elects_head && !notice_satisfied(&t, Notice::ElectionList, today, m.date) {
        return Err(AppError::rule("meeting_notice_election", "date", "7 days"));
    }
    if m.kind == MeetingKind::YearEndSummary
        && !notice_satisfied(&t, Notice::YearEnd, today, m.date)
    {
        return Err(AppError::rule("meeting_notice_year_end", "date", "5 days"));
    }
    Ok(())
}
