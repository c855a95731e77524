//! Notice periods before a meeting and meetings in clusters, judged by the votes area's
//! rules with the thresholds in force in the unit's province; and the same rules as the
//! scheduling form shows them.

use tuquan_domain::meetings::{MeetingKind, NewMeeting};
use tuquan_domain::territory::Unit;
use tuquan_domain::votes::{clusters_allowed, notice_satisfied, Notice, Thresholds};

use crate::{AppError, AppResult, Ctx};

/// Refuses a meeting scheduled too late for its notice period, naming the date field.
pub(super) async fn check(ctx: &Ctx, unit: &Unit, m: &NewMeeting) -> AppResult<()> {
    let t = crate::votes::thresholds(ctx, &unit.province_code).await?;
    let today = ctx.today();
    // The refusal names the earliest date the notice period allows.
    let earliest = |n: Notice| {
        today
            .checked_add(jiff::Span::new().days(i64::from(t.get(n.key()))))
            .unwrap_or(today)
    };
    if m.elects_head && !notice_satisfied(&t, Notice::ElectionList, today, m.date) {
        let on = earliest(Notice::ElectionList);
        return Err(AppError::rule_dated("meeting_notice_election", "date", on));
    }
    if m.kind == MeetingKind::YearEndSummary
        && !notice_satisfied(&t, Notice::YearEnd, today, m.date)
    {
        let on = earliest(Notice::YearEnd);
        return Err(AppError::rule_dated("meeting_notice_year_end", "date", on));
    }
    if m.clusters > 1 {
        let households = ctx.store().active_households_below(&unit.path).await?;
        if !clusters_allowed(&t, u32::try_from(households).unwrap_or(u32::MAX)) {
            return Err(AppError::rule(
                "meeting_clusters_small",
                "clusters",
                "too few households for clusters",
            ));
        }
    }
    Ok(())
}

/// The rules a new meeting at a unit must respect, as the scheduling form shows them.
#[derive(Debug, Clone)]
pub struct SchedulingRules {
    /// Days of notice before the year-end meeting (Law Art 33; Decree 59 Arts 10–11).
    pub year_end_notice_days: u32,
    /// Days the candidates' list of a head election is posted (Decree 59 Arts 6–8).
    pub election_list_days: u32,
    /// Households from which the meeting may be held in clusters (Law Art 18).
    pub cluster_households: u32,
    /// The unit's active households now.
    pub households: i64,
    /// Whether this unit may hold its meeting in clusters.
    pub clusters_allowed: bool,
}

/// The scheduling rules in force at a unit (for anyone who may schedule there).
pub async fn scheduling_rules(ctx: &Ctx, unit: &Unit) -> AppResult<SchedulingRules> {
    let t: Thresholds = crate::votes::thresholds(ctx, &unit.province_code).await?;
    let households = ctx.store().active_households_below(&unit.path).await?;
    Ok(SchedulingRules {
        year_end_notice_days: t.year_end_notice_days,
        election_list_days: t.election_list_days,
        cluster_households: t.cluster_households,
        households,
        clusters_allowed: clusters_allowed(&t, u32::try_from(households).unwrap_or(u32::MAX)),
    })
}
