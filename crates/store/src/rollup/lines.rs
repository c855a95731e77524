//! The lines of a statistics report: the unit's own lines by category and one line per
//! child unit, with "overdue now" filled in.

use tuquan_domain::feedback::stats::{FeedbackCounts, Population};

use super::{CategoryRow, ChildRow, ChildUnit, Overdue};

/// The unit's lines by category (sorted by code) and its total, with "overdue now" filled
/// in. With one category asked for, the total is that category's line.
pub(super) fn own_lines(
    own_rows: Vec<(String, FeedbackCounts)>,
    overdue: &Overdue,
    one_category: bool,
) -> (Vec<CategoryRow>, FeedbackCounts) {
    let mut categories = Vec::new();
    let mut total = FeedbackCounts::default();
    for (key, mut c) in own_rows {
        if c.received == 0 {
            continue;
        }
        if key.is_empty() {
            c.overdue_now = overdue.total();
            total = c;
        } else {
            c.overdue_now = overdue.by_category(&key);
            if one_category {
                total = c;
            }
            categories.push(CategoryRow {
                category: key,
                counts: c,
            });
        }
    }
    categories.sort_by(|a, b| a.category.cmp(&b.category));
    (categories, total)
}

/// One line per child unit, with zeros for a child that received nothing.
pub(super) fn child_lines(
    children: Vec<ChildUnit>,
    child_rows: &[(String, FeedbackCounts)],
    child_population: &[(String, Population)],
    overdue: &Overdue,
) -> Vec<ChildRow> {
    children
        .into_iter()
        .map(|u| {
            let mut counts = child_rows
                .iter()
                .find(|(k, _)| *k == u.code)
                .map(|(_, c)| *c)
                .filter(|c| c.received != 0)
                .unwrap_or_default();
            counts.overdue_now = overdue.by_child(&u.code);
            ChildRow {
                population: child_population
                    .iter()
                    .find(|(k, _)| *k == u.code)
                    .map(|(_, p)| *p)
                    .unwrap_or_default(),
                code: u.code,
                name: u.name,
                kind: u.kind,
                counts,
            }
        })
        .collect()
}
